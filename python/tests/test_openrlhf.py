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
