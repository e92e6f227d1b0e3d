"""verl adapter, called as verl's reward managers call a custom compute_score: by keyword, one
sample at a time (naive), and the batched form (batch reward manager) with numpy object arrays."""
import numpy as np
import pytest

import plaudit
from plaudit import Reward, verl


def test_data_sources_map_to_tasks():
    assert verl.task_for("openai/gsm8k") == "math"
    assert verl.task_for("lighteval/MATH") == "math"
    assert verl.task_for("DigitalLearningGmbH/MATH-lighteval") == "math"
    assert verl.task_for("numina_olympiads") == "math"
    assert verl.task_for("searchR1_nq") == "qa"
    assert verl.task_for("hotpotqa") == "qa"
    assert verl.task_for("Idavidrein/gpqa") == "science"
    assert verl.task_for("my_company/Math-hard") == "math"
    assert verl.task_for("codecontests") == "code"
    assert verl.task_for("my_source") == "my_source"


def test_naive_reward_manager_call():
    # verl's gsm8k preprocessing: ground_truth is the number; extra_info has split/index/question.
    extra = {"split": "train", "index": 3, "answer": "...", "question": "How many clips?"}
    out = verl.compute_score(data_source="openai/gsm8k", solution_str="48 + 24 = 72. #### 72\n\\boxed{72}",
                             ground_truth="72", extra_info=extra)
    # `acc` (DAPO's filter metric) is the `correct` component; `plaudit_ok` 1.0 for status ok.
    assert out == {"score": 1.0, "correct": 1.0, "acc": 1.0, "plaudit_ok": 1.0}
    assert out[0] == 1.0  # verl's prime manager reads result[0]
    out = verl.compute_score(data_source="lighteval/MATH", solution_str="We get $\\boxed{\\dfrac{3}{6}}$.",
                             ground_truth="\\frac{1}{2}", extra_info=None)
    assert out == {"score": 1.0, "correct": 1.0, "acc": 1.0, "plaudit_ok": 1.0}
    out = verl.compute_score("DigitalLearningGmbH/MATH-lighteval", "\\boxed{1+1/e}", "1-1/e")
    assert out == {"score": 0.0, "correct": 0.0, "acc": 0.0, "plaudit_ok": 1.0}
    # No answer: the failure value, with the same keys (verl collects every key of every sample).
    out = verl.compute_score(data_source="openai/gsm8k", solution_str="I give up", ground_truth="72")
    assert out == {"score": 0.0, "correct": 0.0, "acc": 0.0, "plaudit_ok": 0.0}
    # verl passes reward_kwargs (custom_reward_function.reward_kwargs) through: ignored unless known.
    out = verl.compute_score("openai/gsm8k", "\\boxed{5}", "5", None, sandbox_fusion_url=None)
    assert out["score"] == 1.0


def test_batch_reward_manager_call():
    data_sources = np.array(["openai/gsm8k", "lighteval/MATH", "searchR1_nq", "openai/gsm8k"], dtype=object)
    solution_strs = ["so \\boxed{18}", "\\boxed{\\sqrt{8}}", "<answer>Barack Obama</answer>", "\\boxed{3}"]
    ground_truths = ["18", "2\\sqrt{2}", {"target": np.array(["Obama", "barack obama"], dtype=object)}, "4"]
    extra_infos = np.array([{"index": i, "split": "train"} for i in range(4)], dtype=object)
    out = verl.compute_score_batch(data_sources=data_sources, solution_strs=solution_strs,
                                   ground_truths=ground_truths, extra_infos=extra_infos)
    ok = {"score": 1.0, "correct": 1.0, "acc": 1.0, "plaudit_ok": 1.0}
    assert out == [ok, ok, ok, {"score": 0.0, "correct": 0.0, "acc": 0.0, "plaudit_ok": 1.0}]
    with pytest.raises(ValueError, match="ground_truths has 1 items but solution_strs has 2"):
        verl.compute_score_batch(data_sources=["a", "b"], solution_strs=["x", "y"], ground_truths=["1"],
                                 extra_infos=None)


def test_custom_spec_by_path_and_bound_functions(tmp_path, r1_spec):
    import json

    p = tmp_path / "spec.json"
    p.write_text(json.dumps(r1_spec))
    good = "<think>ok</think><answer>7</answer>"
    # overlong counts tokens and verl passes compute_score text only (PlauditRewardManager counts
    # them from the response mask): refused, naming the component, rather than invalid_input everywhere.
    with pytest.raises(ValueError, match=r"component `overlong` \(soft_overlong_penalty\) count\(s\) length in tokens"):
        verl.compute_score("anything", good, "7", {"index": 0}, spec=str(p))
    # ... unless extra_info carries them.
    out = verl.compute_score("anything", good, "7", {"index": 0, "tokens": 12}, spec=str(p))
    assert out == {"score": pytest.approx(1.1), "correct": 1.0, "format": 1.0, "overlong": 0.0, "acc": 1.0,
                   "plaudit_ok": 1.0}
    r1_spec["components"]["overlong"]["params"]["unit"] = "chars"
    reward = Reward.from_dict(r1_spec)
    single = reward.verl()
    assert single(data_source="x", solution_str=good, ground_truth="7", extra_info=None) == \
        {"score": pytest.approx(1.1), "correct": 1.0, "format": 1.0, "overlong": 0.0, "acc": 1.0, "plaudit_ok": 1.0}
    batched = reward.verl(batch=True)
    res = batched(data_sources=np.array(["x", "x"], dtype=object), solution_strs=[good, "y" * 74 + " Final answer: 7"],
                  ground_truths=["7", "7"], extra_infos=np.array([None, None], dtype=object))
    assert res[1] == {"score": pytest.approx(0.5), "correct": 1.0, "format": 0.0, "overlong": -0.5, "acc": 1.0,
                      "plaudit_ok": 1.0}


def test_extra_info_task_overrides_data_source():
    out = verl.compute_score("openai/gsm8k", "<answer>Paris.</answer>", "paris", {"task": "qa"})
    assert out["score"] == 1.0


def test_env_spec(monkeypatch, tmp_path):
    p = tmp_path / "s.yaml"
    p.write_text("components: {correct: {reward: exact_match, params: {normalize: none}}}\n")
    monkeypatch.setenv("PLAUDIT_SPEC", str(p))
    assert verl.compute_score("other", "Final answer: Paris", "paris")["score"] == 0.0
    monkeypatch.delenv("PLAUDIT_SPEC")
    assert verl.compute_score("other", "Final answer: Paris", "paris")["score"] == 1.0
    assert isinstance(plaudit.Reward, type)


def test_batch_groups_by_uid_or_index_for_group_rewards():
    # verl's batch manager passes no uid: the rollouts of one dataset row (same data source, ground
    # truth and extra_info, numpy integers from parquet included) are one group.
    spec = {"components": {"correct": "math_equivalence",
                           "best": {"reward": "group_stats", "params": {"of": "correct", "output": "mean"}}},
            "reward": "best"}
    reward = Reward.from_dict(spec)
    extra = np.array([{"index": np.int64(7)}, {"index": np.int64(7)}, {"index": np.int64(8)},
                      {"index": np.int64(8)}], dtype=object)
    out = verl.compute_score_batch(data_sources=["openai/gsm8k"] * 4,
                                   solution_strs=["\\boxed{1}", "\\boxed{2}", "\\boxed{3}", "\\boxed{3}"],
                                   ground_truths=["1", "1", "3", "3"], extra_infos=extra, spec=reward)
    assert [o["score"] for o in out] == [0.5, 0.5, 1.0, 1.0]
    # uid wins over index.
    extra = [{"uid": "a", "index": 1}, {"uid": "b", "index": 1}]
    out = verl.compute_score_batch(data_sources=["openai/gsm8k"] * 2, solution_strs=["\\boxed{1}", "\\boxed{2}"],
                                   ground_truths=["1", "1"], extra_infos=extra, spec=reward)
    assert [o["score"] for o in out] == [1.0, 0.0]
