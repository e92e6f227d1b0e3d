"""Zero-config correctness (issue 12, item 1): the default spec without a `task` scores GSM8K
references ("… #### 72"), MATH references (\\boxed{…}, LaTeX), numbers (72, 72.0) and plain
strings right, the same through the Python API, the CLI and the TRL adapter."""
import json
import subprocess

import pytest

from plaudit import Reward

GSM8K = "Natalia sold 48/2 = 24 clips in May.\nNatalia sold 48+24 = 72 clips altogether in April and May.\n#### 72"
MATH = "Half of one is $\\frac{1}{2}$, so the answer is $\\boxed{\\frac{1}{2}}$."

CASES = [
    # (response, reference, reward, status)
    ("So she sold \\boxed{72} clips.", GSM8K, 1.0, "ok"),
    ("The answer is 72", GSM8K, 1.0, "ok"),
    ("The answer is 71", GSM8K, 0.0, "ok"),
    ("so $\\boxed{\\frac12}$", "0.5", 1.0, "ok"),
    ("\\boxed{0.5}", MATH, 1.0, "ok"),
    ("\\boxed{2}", MATH, 0.0, "ok"),
    ("The answer is 72.0", 72, 1.0, "ok"),
    ("The answer is 72", "72.0", 1.0, "ok"),
    ("The answer is 72", 72.0, 1.0, "ok"),
    ("The answer is Paris.", "paris", 1.0, "ok"),
    ("The answer is Lyon.", "Paris", 0.0, "ok"),
    ("<think>it is \\boxed{72}? let me check", GSM8K, 0.0, "no_answer"),
    ("72", "", 0.0, "invalid_input"),
]


def samples():
    return [{"id": i, "response": r, "reference": ref} for i, (r, ref, _, _) in enumerate(CASES)]


def test_default_spec_without_task_python():
    results = Reward.default().score(samples())
    assert [(r["reward"], r["status"]) for r in results] == [(w, s) for _, _, w, s in CASES]
    verifiers = [r.get("details", {}).get("correct", {}).get("verifier") for r in results]
    assert verifiers[:9] == ["math_equivalence"] * 9
    assert verifiers[9:11] == ["exact_match"] * 2


def test_default_spec_without_task_cli(plaudit_bin):
    text = "".join(json.dumps(s) + "\n" for s in samples())
    out = subprocess.run([plaudit_bin, "score", "--quiet"], input=text, capture_output=True, text=True, check=True)
    results = [json.loads(line) for line in out.stdout.splitlines()]
    assert [(r["reward"], r["status"]) for r in results] == [(w, s) for _, _, w, s in CASES]


@pytest.mark.parametrize("column", ["answer", "reference", "solution", "ground_truth"])
def test_default_spec_through_trl_columns(column):
    f = Reward.default().trl()
    refs = [GSM8K, GSM8K, "0.5", 72, "paris"]
    completions = ["\\boxed{72}", "\\boxed{71}", "so $\\boxed{\\frac12}$", "72.0", "The answer is Paris."]
    out = f(prompts=["q"] * 5, completions=completions, completion_ids=[[0]] * 5, **{column: refs})
    assert out == [1.0, 0.0, 1.0, 1.0, 1.0]
