"""Differential tests of Plaudit's shaping terms against TRL's reward functions (the anchor).

TRL is installed without its dependencies (scripts/requirements-nodeps.txt); its reward modules
are pure Python and are loaded here by file path.
"""

import importlib.util
import math
import pathlib
import random
import sys
import types

import pytest

from conftest import score


def _trl_rewards_dir() -> pathlib.Path:
    spec = importlib.util.find_spec("trl")
    if spec is None or not spec.submodule_search_locations:
        pytest.fail("trl is not installed in the venv (scripts/venv.sh installs it)")
    return pathlib.Path(list(spec.submodule_search_locations)[0]) / "rewards"


def _load(name: str, path: pathlib.Path, package: str | None = None):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    if package:
        mod.__package__ = package
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def trl():
    d = _trl_rewards_dir()
    other = _load("trl_other_rewards", d / "other_rewards.py")
    # accuracy_rewards imports `..import_utils`; give it a stub package so the file loads alone.
    pkg = types.ModuleType("trl_stub")
    pkg.__path__ = []
    sub = types.ModuleType("trl_stub.rewards")
    sub.__path__ = []
    utils = types.ModuleType("trl_stub.import_utils")
    utils.is_math_verify_available = lambda: False
    sys.modules.update({"trl_stub": pkg, "trl_stub.rewards": sub, "trl_stub.import_utils": utils})
    acc = _load("trl_stub.rewards.accuracy_rewards", d / "accuracy_rewards.py", package="trl_stub.rewards")
    return types.SimpleNamespace(other=other, acc=acc)


def test_soft_overlong_matches_trl(trl):
    max_len, cache = 100, 20
    fn = trl.other.get_soft_overlong_punishment(max_completion_len=max_len, soft_punish_cache=cache)
    lengths = list(range(0, 160, 3)) + [80, 81, 99, 100, 101]
    want = fn([[1] * n for n in lengths])
    spec = f"components: {{o: {{reward: soft_overlong_penalty, params: {{max_len: {max_len}, buffer: {cache}}}}}}}\n"
    got = [r["reward"] for r in score(spec, [{"response": "x", "tokens": n} for n in lengths])]
    assert got == pytest.approx(want, abs=1e-12)


def test_cosine_length_matches_trl(trl, monkeypatch):
    rng = random.Random(7)
    rows = [(rng.randrange(0, 700), rng.random() < 0.5) for _ in range(300)]
    fn = trl.acc.get_cosine_scaled_reward(max_len=500)
    # Correctness is an input to the cosine term; feed TRL the same verdicts Plaudit computes.
    monkeypatch.setattr(trl.acc, "accuracy_reward", lambda completions, solution, **kw: [c for _, c in rows])
    want = fn([[{"content": ""}]] * len(rows), [""] * len(rows), [[1] * n for n, _ in rows])
    spec = (
        "components:\n  correct: exact_match\n"
        "  cos: {reward: cosine_length, params: {max_len: 500}}\nreward: cos\n"
    )
    samples = [{"response": "answer: 1", "reference": "1" if c else "2", "tokens": n} for n, c in rows]
    got = [r["reward"] for r in score(spec, samples)]
    assert got == pytest.approx(want, abs=1e-12)


def test_repetition_penalty_matches_trl_on_word_ids(trl):
    rng = random.Random(11)
    vocab = ["the", "cat", "sat", "on", "mat", "The", "CAT", "wait", "so", "x"]
    texts = [" ".join(rng.choice(vocab) for _ in range(rng.randrange(0, 40))) for _ in range(300)]
    texts += ["", "a b", "go go go go go", "a  b\n a\tb a b"]
    for n, p in [(3, -1.0), (2, -0.5), (1, -2.0)]:
        fn = trl.other.get_repetition_penalty_reward(ngram_size=n, max_penalty=p)
        # TRL counts n-grams of token ids; Plaudit's word unit is the lower-cased whitespace split.
        want = fn([t.lower().split() for t in texts])
        spec = f"components: {{r: {{reward: repetition_penalty, params: {{ngram_size: {n}, max_penalty: {p}}}}}}}\n"
        got = [r["reward"] for r in score(spec, [{"response": t} for t in texts])]
        assert got == pytest.approx(want, abs=1e-12), (n, p)


def test_tag_count_matches_open_r1_formula():
    # open-r1's tag_count_reward (not packaged on PyPI), written out from its published formula:
    # 0.25 for each of "<think>\n", "\n</think>\n", "\n<answer>\n", "\n</answer>" occurring once.
    def open_r1(text: str) -> float:
        pats = ["<think>\n", "\n</think>\n", "\n<answer>\n", "\n</answer>"]
        return sum(0.25 for p in pats if text.count(p) == 1)

    rng = random.Random(3)
    parts = ["<think>", "</think>", "<answer>", "</answer>", "\n", "x", " "]
    texts = ["".join(rng.choice(parts) for _ in range(rng.randrange(0, 20))) for _ in range(400)]
    got = [r["reward"] for r in score("components: {t: tag_count}\n", [{"response": t} for t in texts])]
    assert got == pytest.approx([open_r1(t) for t in texts], abs=1e-12)
    assert math.isclose(open_r1("<think>\nx\n</think>\n<answer>\n4\n</answer>"), 1.0)
