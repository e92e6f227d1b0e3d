"""TRL adapter: called exactly as TRL 1.16's GRPOTrainer._calculate_rewards calls reward functions:
``reward_func(prompts=prompts, completions=completions, completion_ids=completion_ids_list,
**reward_kwargs)``, where reward_kwargs holds every dataset column (one item per completion,
repeated num_generations times) plus ``trainer_state``, ``log_extra`` and ``log_metric``."""
import os
import pickle

import pytest

from plaudit import Reward

NUM_GENERATIONS = 4


def trl_call(func, inputs, completions, completion_ids, metrics=None):
    """What GRPOTrainer does with a batch of `inputs` (dataset rows, repeated per generation)."""
    prompts = [x["prompt"] for x in inputs]
    keys = [key for key in inputs[0] if key not in ["prompt", "completion", "completion_ids"]]
    reward_kwargs = {key: [example[key] for example in inputs] for key in keys}
    reward_kwargs["trainer_state"] = object()
    reward_kwargs["log_extra"] = lambda column, values: None
    reward_kwargs["log_metric"] = (lambda name, value: metrics.append((name, value))) if metrics is not None \
        else (lambda name, value: None)
    out = func(prompts=prompts, completions=completions, completion_ids=completion_ids, **reward_kwargs)
    assert len(out) == len(prompts)
    return out


def batch(conversational):
    rows = [
        {"prompt": "What is 6*7?", "solution": "42"},
        {"prompt": "Simplify 2/4.", "solution": "\\frac{1}{2}"},
    ]
    texts = [
        ["<think>6*7=42</think><answer>\\boxed{42}</answer>", "<think>hm</think><answer>41</answer>",
         "It is \\boxed{42}", "<think>unfinished"],
        ["<think>halve</think><answer>\\boxed{0.5}</answer>", "<think>x</think><answer>1/2</answer>",
         "\\boxed{2}", "The answer is $\\frac{2}{4}$"],
    ]
    inputs, completions, ids = [], [], []
    for row, outs in zip(rows, texts):
        for t in outs:
            r = dict(row, task="math")
            if conversational:
                r["prompt"] = [{"role": "user", "content": row["prompt"]}]
                completions.append([{"role": "assistant", "content": t}])
            else:
                completions.append(t)
            inputs.append(r)
            ids.append(list(range(len(t) // 3)))
    return inputs, completions, ids


@pytest.mark.parametrize("conversational", [False, True])
def test_trl_reward_function_on_a_grpo_batch(conversational):
    reward = Reward.default()
    f = reward.trl()
    assert f.__name__ == "plaudit"
    inputs, completions, ids = batch(conversational)
    metrics = []
    out = trl_call(f, inputs, completions, ids, metrics)
    assert out == [1.0, 0.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0]
    assert all(isinstance(x, float) for x in out)
    assert metrics == [("plaudit/failed", 1 / 8)]  # the unfinished <think> is no_answer


def test_trl_components_one_function_each_scored_once(r1_spec):
    r1_spec["components"]["overlong"]["params"].update({"max_len": 20, "buffer": 10})
    r1_spec["routes"] = {"math": {"components": {"correct": "math_equivalence", "format": "think_answer_format"},
                                  "reward": "correct + 0.1 * format"}}
    reward = Reward.from_dict(r1_spec)
    funcs = reward.trl_components()
    assert [f.__name__ for f in funcs] == ["plaudit_correct", "plaudit_format", "plaudit_overlong"]
    assert reward.trl("format", name="fmt").__name__ == "fmt"
    inputs, completions, ids = batch(False)
    calls = []
    original = reward._engine

    class Counting:
        def __getattr__(self, name):
            return getattr(original, name)

        def score(self, samples):
            calls.append(len(samples))
            return original.score(samples)

    reward._engine = Counting()
    correct, fmt, overlong = (trl_call(f, inputs, completions, ids) for f in funcs)
    assert calls == [8]  # one scoring pass for the three functions
    assert correct == [1.0, 0.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0]
    assert fmt == [1.0, 1.0, 0.0, 0.0, 1.0, 1.0, 0.0, 0.0]
    # The math route has no `overlong`: None, which TRL turns into NaN and leaves out.
    assert overlong == [None] * 8
    total = trl_call(reward.trl(), inputs, completions, ids)
    assert total == pytest.approx([1.1, 0.1, 1.0, 0.0, 1.1, 1.1, 0.0, 1.0])
    assert calls == [8]
    # Another batch is scored again.
    trl_call(funcs[0], inputs[:4], completions[:4], ids[:4])
    assert calls == [8, 4]


def test_trl_tokens_from_completion_ids_and_other_reference_columns(r1_spec):
    reward = Reward.from_dict(r1_spec)
    f = reward.trl("overlong")
    completions = ["<think>a</think><answer>1</answer>"] * 3
    out = f(prompts=["p"] * 3, completions=completions, completion_ids=[[0] * 80, [0] * 90, [0] * 130],
            answer=["1", "1", "1"])
    assert out == [0.0, -0.5, -1.0]
    g = reward.trl("correct")
    assert g(prompts=["p"] * 3, completions=completions, completion_ids=[[0]] * 3, ground_truth=["1", "2", "1"]) \
        == [1.0, 0.0, 1.0]
    h = reward.trl("correct", reference="gold")
    assert h(prompts=["p"] * 2, completions=completions[:2], completion_ids=[[0]] * 2, gold=["1", "2"],
             solution=["2", "1"]) == [1.0, 0.0]
    with pytest.raises(ValueError, match=r"reference column `gold` is not in the batch \(the dataset's columns: "
                                         r"answer, completion_ids_extra\)"):
        h(prompts=["p"], completions=completions[:1], answer=["1"], completion_ids_extra=[1])
    # Without completion_ids, a tokens-based length reward is invalid_input: None (TRL masks it).
    assert f(prompts=["p"], completions=completions[:1], answer=["1"]) == [None]


def test_trl_errors():
    reward = Reward.default()
    with pytest.raises(ValueError, match=r"unknown component `nope` \(the spec's components: correct\)"):
        reward.trl("nope")
    f = reward.trl()
    with pytest.raises(ValueError, match="column `solution` has 1 items but there are 2 completions"):
        f(prompts=["a", "b"], completions=["x", "y"], solution=["1"])
    # A bad completion is a failed sample (invalid_input: None, masked by TRL), not an exception.
    assert f(prompts=["a", "b"], completions=[None, "Final answer: 1"], solution=["1", "1"]) == [None, 1.0]


def test_trl_function_pickles():
    f = Reward.default().trl()
    g = pickle.loads(pickle.dumps(f))
    assert g.__name__ == "plaudit"
    assert g(prompts=["q"], completions=["\\boxed{3}"], task=["math"], solution=["3"]) == [1.0]


def test_trl_get_callable_name():
    """TRL names reward functions with trl.trainer.utils.get_callable_name."""
    import importlib.util
    import sys

    import trl

    path = os.path.join(os.path.dirname(trl.__file__), "trainer", "utils.py")
    src = open(path, encoding="utf-8").read()
    start = src.index("def get_callable_name")
    end = src.index("\ndef ", start + 1)
    ns = {"functools": __import__("functools"), "Callable": object}
    exec(src[start:end], ns)
    reward = Reward.default()
    assert ns["get_callable_name"](reward.trl()) == "plaudit"
    assert ns["get_callable_name"](reward.trl("correct")) == "plaudit_correct"


def test_group_rewards_see_the_rollouts_of_one_prompt():
    # A group reward (correctness z-scored within its group) through TRL: the adapter groups
    # completions by prompt, so each prompt's 4 rollouts are one group.
    r = Reward.from_dict({
        "components": {"correct": "math_equivalence",
                       "z": {"reward": "group_normalize", "params": {"of": "correct"}}},
        "reward": "z",
    })
    inputs, completions, ids = batch(False)
    plain = Reward.from_dict({"components": {"correct": "math_equivalence"}})
    results = plain.score([{"response": c, "reference": x["solution"]} for c, x in zip(completions, inputs)])
    # Prompt 1: right, wrong, right, cut off (no_answer); prompt 2: right, right, wrong, right.
    assert [x["components"].get("correct") for x in results] == [1.0, 0.0, 1.0, None, 1.0, 1.0, 0.0, 1.0]
    out = trl_call(r.trl(), inputs, completions, ids)
    # z-scores (sample std, eps 1e-6) within each prompt; the failed rollout gets on_error (0)
    # and is left out of its group's statistics.
    s1 = (1 / 3) ** 0.5
    want = [(1 / 3) / (s1 + 1e-6), -(2 / 3) / (s1 + 1e-6), (1 / 3) / (s1 + 1e-6), 0.0,
            0.25 / (0.5 + 1e-6), 0.25 / (0.5 + 1e-6), -0.75 / (0.5 + 1e-6), 0.25 / (0.5 + 1e-6)]
    assert out == pytest.approx(want, abs=1e-9)
    # The same completions without prompts are groups of one: nothing to compare with, z = 0.
    alone = r.rewards([{"response": c, "reference": "42"} for c in completions[:3]])
    assert alone == [0.0, 0.0, 0.0]
