"""OpenRLHF adapter, called as OpenRLHF calls a `--remote_rm_url reward.py` function: positionally,
``reward_func(queries, prompts, labels)`` with queries = prompt + response (a batch in older
versions, one-item lists from each rollout worker in newer ones)."""
import importlib.util

import pytest

from plaudit import Reward, openrlhf


def test_reward_func_batch_like_the_http_endpoint():
    prompts = ["Q: 2+2? A:", "Q: half of 1? A:", "Q: 3*3? A:"]
    responses = [" <think>easy</think> \\boxed{4}", " so \\boxed{\\frac{1}{2}}", " no idea"]
    queries = [p + r for p, r in zip(prompts, responses)]
    out = openrlhf.reward_func(queries, prompts, ["4", "0.5", "9"], task=["math"] * 3)
    assert out["rewards"] == [1.0, 1.0, 0.0]
    assert out["scores"] == [1.0, 1.0, 0.0]
    assert out["extra_logs"]["correct"] == [1.0, 1.0, 0.0]
    assert out["extra_logs"]["plaudit_ok"] == [1.0, 1.0, 0.0]
    assert "status" not in out["extra_logs"]  # OpenRLHF tensorizes every extra_logs value
    # No `group` column: no advantage (each call is its own set of groups; a logged 0 would mislead).
    assert "advantage" not in out["extra_logs"]
    grouped = openrlhf.reward_func(queries, prompts, ["4", "0.5", "9"], task=["math"] * 3, group=["g"] * 3)
    assert grouped["extra_logs"]["advantage"] == pytest.approx([0.57735, 0.57735, -1.1547], abs=1e-4)
    # Same as the core protocol handler (the HTTP server's /get_reward).
    raw = Reward.default().openrlhf_request({"query": queries, "prompts": prompts, "labels": ["4", "0.5", "9"],
                                             "task": "math"})
    assert raw["rewards"] == out["rewards"]
    assert raw["extra_logs"]["plaudit_ok"] == [1.0, 1.0, 0.0]


def test_reward_func_per_rollout_worker_call_with_tasks():
    out = openrlhf.reward_func(["<s>user: 1/2+1/2?\nassistant: \\boxed{1}"], ["user: 1/2+1/2?"], ["1"], task=["math"])
    assert out["rewards"] == [1.0]
    out = openrlhf.reward_func(["Q? The answer is 0.5"], ["Q?"], ["\\frac{1}{2}"], task="math")
    assert out["rewards"] == [1.0]


def test_reward_func_loaded_from_a_file_like_openrlhf(tmp_path, r1_spec):
    import json

    spec = tmp_path / "spec.json"
    r1_spec["components"]["overlong"]["params"]["unit"] = "words"
    spec.write_text(json.dumps(r1_spec))
    f = tmp_path / "reward.py"
    f.write_text(f"import plaudit\nreward_func = plaudit.Reward.from_file({str(spec)!r}).openrlhf()\n")
    s = importlib.util.spec_from_file_location("reward_func", str(f))
    mod = importlib.util.module_from_spec(s)
    s.loader.exec_module(mod)
    out = mod.reward_func(["P<think>a</think><answer>3</answer>", "P<answer>3</answer>"], ["P", "P"], ["3", "3"])
    assert out["rewards"] == pytest.approx([1.1, 1.0])
    assert out["extra_logs"]["format"] == [1.0, 0.0]
    assert out["extra_logs"]["overlong"] == [0.0, 0.0]


def test_bad_request_raises_naming_the_field():
    with pytest.raises(ValueError, match="field `labels`: has 1 items but `query` has 2"):
        openrlhf.reward_func(["a", "b"], ["", ""], ["1"])
    with pytest.raises(ValueError, match=r"field `query\[0\]`: expected a string, got a number"):
        openrlhf.reward_func([1], None, None)


def test_tensors_when_asked():
    torch = pytest.importorskip("torch")
    f = Reward.default().openrlhf(tensors=True)
    out = f(["x \\boxed{2}"], ["x"], ["2"])
    assert torch.equal(out["rewards"], torch.tensor([1.0]))


def test_end_markers_truncated_prompts_and_fixed_keys(caplog):
    import logging

    spec = {"components": {"correct": "math_equivalence", "format": "think_answer_format"},
            "reward": "correct + 0.1 * format"}
    f = Reward.from_dict(spec).openrlhf(tensors=False)
    prompt = "<|im_start|>user\nExample: \\boxed{4}. What is 1+3?<|im_end|>\n<|im_start|>assistant\n"
    good = "<think>1+3</think><answer>4</answer><|im_end|>"
    out = f([prompt + good], [prompt], [4.0])
    assert out["rewards"] == [pytest.approx(1.1)]
    assert out["extra_logs"] == {"correct": [1.0], "format": [1.0], "plaudit_ok": [1.0]}
    # Left-truncated: the query starts inside the prompt; the example's \boxed{4} is not scored.
    with caplog.at_level(logging.WARNING, logger="plaudit"):
        out = f([prompt[30:] + "no idea<|im_end|>"], [prompt], ["4"])
    assert out == {"rewards": [0.0], "scores": [0.0],
                   "extra_logs": {"correct": [0.0], "format": [0.0], "plaudit_ok": [0.0]}}
    # Nothing of the prompt in the query: invalid_input naming why, logged once.
    with caplog.at_level(logging.WARNING, logger="plaudit"):
        out = f(["\\boxed{4}"], [prompt], ["4"])
        out = f(["\\boxed{4} again"], [prompt], ["4"])
    assert out["rewards"] == [0.0] and out["extra_logs"]["plaudit_ok"] == [0.0]
    msgs = [r.getMessage() for r in caplog.records if "invalid_input" in r.getMessage()]
    assert len(msgs) == 1 and "the query does not contain its prompt, whole or left-truncated" in msgs[0]
    assert f.report.last_failed_fraction == 1.0
    # Custom end markers: none stripped.
    g = Reward.from_dict(spec).openrlhf(tensors=False, end_markers=[])
    assert g([prompt + good], [prompt], ["4"])["extra_logs"]["format"] == [0.0]


def test_token_spec_needs_a_tokenizer(r1_spec):
    with pytest.raises(ValueError, match=r"\(top level\): component `overlong` \(soft_overlong_penalty\) count\(s\) "
                                         r"length in tokens, and OpenRLHF sends text without token counts"):
        Reward.from_dict(r1_spec).openrlhf()
    # A function counting tokens: the response (after the prompt, without end markers) is counted.
    f = Reward.from_dict(r1_spec).openrlhf(tensors=False, tokenizer=lambda text: len(text.split()))
    words = " ".join(["w"] * 90)
    out = f([f"P<think>{words}</think><answer>3</answer><|im_end|>"], ["P"], ["3"])
    # 90 whitespace-separated words (the tags cling to the first and last); max_len 100, buffer 20.
    assert out["extra_logs"]["overlong"] == [pytest.approx(-(90 - 80) / 20)]
