"""Plaudit inside verl 0.9.1's own reward code: the legacy managers (`naive`, `batch`, `dapo`,
`prime`) with `plaudit.verl.compute_score*` loaded the way verl loads a custom reward function,
`PlauditRewardManager` through the legacy registry and through the reward loop's importlib
loading (`verl.trainer.ppo.reward.load_reward_manager`), on `DataProto` batches built here with a
tokenizer trained in the test. verl's RewardLoopWorker runs in this process (Ray would run it as an
actor); RewardLoopManager, which needs a Ray cluster, is not started: its post-processing
(`assemble_rm_scores`, the reward_extra_info arrays) is done as it does it."""
from __future__ import annotations

import asyncio
import json
import logging

import numpy as np
import pytest
import torch

verl = pytest.importorskip("verl")
from omegaconf import OmegaConf  # noqa: E402
from verl import DataProto  # noqa: E402
from verl.utils.import_utils import load_extern_object  # noqa: E402
from verl.workers.reward_manager import get_reward_manager_cls  # noqa: E402

import plaudit  # noqa: E402
import plaudit.verl as pv  # noqa: E402

from _tok import chat_prompt, tokenizer  # noqa: E402

P_LEN, R_LEN = 48, 40
SPEC_R1 = {
    "components": {
        "correct": "math_equivalence",
        "format": "think_answer_format",
        "overlong": {"reward": "soft_overlong_penalty", "params": {"max_len": 30, "buffer": 10}},
    },
    "reward": "correct + 0.1 * format + overlong",
}


def batch(rows, tok=None):
    """A DataProto as verl's rollout produces it: left-padded prompts, right-padded responses,
    attention mask over both, and the dataset's non-tensor columns. Each row: (question,
    response text, ground truth, data_source, uid, extra_info)."""
    tok = tok or tokenizer()
    pad = tok.pad_token_id
    prompts, responses, masks = [], [], []
    for q, r, *_ in rows:
        p = tok.encode(chat_prompt(q), add_special_tokens=False)[-P_LEN:]
        a = tok.encode(r, add_special_tokens=False)[:R_LEN]
        prompts.append([pad] * (P_LEN - len(p)) + p)
        responses.append(a + [pad] * (R_LEN - len(a)))
        masks.append([0] * (P_LEN - len(p)) + [1] * len(p) + [1] * len(a) + [0] * (R_LEN - len(a)))
    obj = lambda xs: np.array(xs, dtype=object)  # noqa: E731
    return DataProto.from_dict(
        tensors={"prompts": torch.tensor(prompts), "responses": torch.tensor(responses),
                 "attention_mask": torch.tensor(masks),
                 "input_ids": torch.cat([torch.tensor(prompts), torch.tensor(responses)], dim=1)},
        non_tensors={"data_source": obj([r[3] for r in rows]),
                     "reward_model": obj([{"ground_truth": r[2], "style": "rule"} for r in rows]),
                     "extra_info": obj([dict(r[5]) for r in rows]),
                     "uid": obj([r[4] for r in rows])},
    )


def last_token_rewards(reward_tensor, data):
    """The reward on each row's last response token (where verl's managers put it)."""
    lengths = data.batch["attention_mask"][:, P_LEN:].sum(-1)
    return [round(float(reward_tensor[i, int(lengths[i]) - 1]), 6) for i in range(len(data))]


GOOD = "<think>48 + 24 = 72</think><answer>72</answer><|im_end|>"
WRONG = "<think>hm</think><answer>71</answer><|im_end|>"
NONE = "I give up.<|im_end|>"


def gsm_rows(index=0, uid="u0", question="How many clips?"):
    extra = {"split": "train", "index": index, "question": question}
    return [(question, GOOD, "72", "openai/gsm8k", uid, extra),
            (question, WRONG, "72", "openai/gsm8k", uid, extra),
            (question, NONE, "72", "openai/gsm8k", uid, extra)]


def test_pkg_path_and_installed_file_load_as_verl_loads_them():
    # custom_reward_function.path=pkg://plaudit.verl
    f = load_extern_object("pkg://plaudit.verl", "compute_score")
    assert f is pv.compute_score
    # path= the installed file itself (spec_from_file_location, outside the package): it used to
    # fail on `from . import Reward`.
    g = load_extern_object(pv.__file__, "compute_score")
    out = g(data_source="openai/gsm8k", solution_str="\\boxed{72}", ground_truth="72", extra_info={})
    assert out == {"score": 1.0, "correct": 1.0, "acc": 1.0, "plaudit_ok": 1.0}


def test_naive_manager_with_compute_score():
    cls = get_reward_manager_cls("naive")
    mgr = cls(tokenizer=tokenizer(), num_examine=0, compute_score=load_extern_object("pkg://plaudit.verl", "compute_score"))
    data = batch(gsm_rows())
    out = mgr(data, return_dict=True)
    assert last_token_rewards(out["reward_tensor"], data) == [1.0, 0.0, 0.0]
    info = out["reward_extra_info"]
    assert info["acc"] == [1.0, 0.0, 0.0]
    assert info["correct"] == [1.0, 0.0, 0.0]
    assert info["plaudit_ok"] == [1.0, 1.0, 0.0]
    assert set(info) == {"score", "correct", "acc", "plaudit_ok"}


def test_dapo_manager_filter_groups_metric_acc():
    # DAPO's filter_groups.metric=acc reads reward_extra_info["acc"] per rollout; it was a KeyError.
    cls = get_reward_manager_cls("dapo")
    mgr = cls(tokenizer=tokenizer(), num_examine=0, compute_score=pv.compute_score)
    data = batch(gsm_rows(uid="a") + [(q, GOOD, "72", "openai/gsm8k", "b", e) for q, _, _, _, _, e in gsm_rows()])
    info = mgr(data, return_dict=True)["reward_extra_info"]
    acc = info["acc"]
    assert acc == [1.0, 0.0, 0.0, 1.0, 1.0, 1.0]
    # What DAPO's group filter computes: the std of `acc` per uid; group b has no signal.
    by_uid = {}
    for uid, a in zip(data.non_tensor_batch["uid"], acc):
        by_uid.setdefault(uid, []).append(a)
    assert [np.std(v) > 0 for v in by_uid.values()] == [True, False]


def test_prime_manager_reads_result_zero():
    # prime calls compute_score(task, completion, reference, extra_info) positionally in a process
    # pool and keeps float(result[0]) of a non-number result: it used to be a KeyError, every reward 0.
    cls = get_reward_manager_cls("prime")
    mgr = cls(tokenizer=tokenizer(), num_examine=0, compute_score=pv.compute_score)
    data = batch(gsm_rows())
    out = mgr(data, return_dict=True)
    assert last_token_rewards(out["reward_tensor"], data) == [1.0, 0.0, 0.0]
    assert data.batch["acc"].tolist() == [1.0, 0.0, 0.0]


def test_batch_manager_rows_of_two_parquet_files_stay_apart(tmp_path):
    # extra_info.index restarts in every parquet file: rows of two files with index 0 are two
    # groups. A group reward (the group's mean correctness) shows the grouping.
    spec = tmp_path / "g.json"
    spec.write_text(json.dumps({"components": {"correct": "math_equivalence",
                                               "mean": {"reward": "group_stats", "params": {"of": "correct", "output": "mean"}}},
                                "reward": "mean"}))
    f = load_extern_object("pkg://plaudit.verl", "compute_score_batch")
    cls = get_reward_manager_cls("batch")
    mgr = cls(tokenizer=tokenizer(), num_examine=0, compute_score=f, spec=str(spec))
    rows = gsm_rows(index=0, uid="x", question="How many clips?")[:2] + \
        [("How many eggs?", GOOD, "72", "openai/gsm8k", "y", {"split": "train", "index": 0, "question": "How many eggs?"})] * 2
    data = batch(rows)
    out = mgr(data, return_dict=True)
    # The batch manager passes no uid: groups come from the row (data source, ground truth, extra_info).
    assert last_token_rewards(out["reward_tensor"], data) == [0.5, 0.5, 1.0, 1.0]
    assert out["reward_extra_info"]["acc"] == [1.0, 0.0, 1.0, 1.0]


def test_per_sample_compute_score_refuses_group_rewards():
    reward = plaudit.Reward.from_dict({"components": {"correct": "math_equivalence",
                                                      "mean": {"reward": "group_stats", "params": {"of": "correct"}}},
                                       "reward": "mean"})
    with pytest.raises(ValueError, match=r"component `mean` \(group_stats\) scored per group, but compute_score"):
        pv.compute_score("openai/gsm8k", "\\boxed{72}", "72", {"uid": "a"}, spec=reward)


def test_plaudit_manager_legacy_registry(tmp_path, caplog):
    pv.register()
    cls = get_reward_manager_cls("plaudit")
    assert cls is pv.PlauditRewardManager
    spec = tmp_path / "r1.json"
    spec.write_text(json.dumps(SPEC_R1))
    # Constructed as verl's load_reward_manager constructs registered managers.
    mgr = cls(tokenizer=tokenizer(), num_examine=0, compute_score=None, reward_fn_key="data_source", spec=str(spec))
    long = "<think>" + "9 " * 30 + "</think><answer>72</answer><|im_end|>"
    # `<|eot_id|>` is plain text for this tokenizer (not special): Plaudit's end markers strip it.
    eot = "<think>ok</think><answer>72</answer><|eot_id|>"
    rows = [("q1", GOOD, "72", "openai/gsm8k", "a", {"index": 0}),
            ("q1", long, "72", "openai/gsm8k", "a", {"index": 0}),
            ("q2", eot, "72", "openai/gsm8k", "b", {"index": 1}),
            ("q2", NONE, "72", "openai/gsm8k", "b", {"index": 1})]
    data = batch(rows)
    lengths = data.batch["attention_mask"][:, P_LEN:].sum(-1).tolist()
    assert lengths[1] == R_LEN  # truncated at the response budget
    with caplog.at_level(logging.WARNING, logger="plaudit"):
        out = mgr(data, return_dict=True)
    info = out["reward_extra_info"]
    # tokens from the response mask (DAPO's soft overlong: -(len - (max_len - buffer)) / buffer, at
    # least -1): row 1 has R_LEN = 40 tokens (-1.0); row 2's plain-text marker costs tokens too.
    assert lengths[0] <= 20 and lengths[3] <= 20 and 20 < lengths[2] < 30
    assert info["overlong"] == [0.0, -1.0, pytest.approx(-(lengths[2] - 20) / 10), 0.0]
    assert info["format"] == [1.0, 0.0, 1.0, 0.0]  # row 1 was cut before </answer>; row 2's marker stripped
    assert info["correct"][0] == 1.0 and info["correct"][2] == 1.0
    assert info["acc"] == info["correct"]
    assert info["plaudit_ok"] == [1.0, 0.0, 1.0, 0.0]
    assert set(info) == {"score", "correct", "format", "overlong", "acc", "plaudit_ok"}
    assert data.batch["acc"].tolist() == info["acc"]
    assert last_token_rewards(out["reward_tensor"], data) == [round(x, 6) for x in info["score"]]
    # Failures are visible: one warning per reason, with the first message.
    msgs = [r.getMessage() for r in caplog.records if r.name == "plaudit"]
    assert any("status no_answer" in m for m in msgs), msgs
    assert mgr.report.last_failed_fraction == 0.5


def test_plaudit_manager_groups_from_uid(tmp_path):
    spec = {"components": {"correct": "math_equivalence",
                           "mean": {"reward": "group_stats", "params": {"of": "correct", "output": "mean"}}},
            "reward": "mean"}
    mgr = pv.PlauditRewardManager(tokenizer(), 0, spec=plaudit.Reward.from_dict(spec))
    # Same extra_info index in both groups (two parquet files): uid keeps them apart.
    rows = [("q", GOOD, "72", "openai/gsm8k", "u1", {"index": 0}), ("q", WRONG, "72", "openai/gsm8k", "u1", {"index": 0}),
            ("q", GOOD, "72", "openai/gsm8k", "u2", {"index": 0}), ("q", GOOD, "72", "openai/gsm8k", "u2", {"index": 0})]
    data = batch(rows)
    assert last_token_rewards(mgr(data), data) == [0.5, 0.5, 1.0, 1.0]


def reward_loop_config(**reward_kwargs):
    return OmegaConf.create({
        "reward": {
            "reward_manager": {"source": "importlib", "name": "PlauditRewardManager",
                               "module": {"path": "pkg://plaudit.verl", "name": "custom_reward_manager"}},
            "custom_reward_function": {"path": None, "name": "compute_score"},
            "sandbox_fusion": None,
            "reward_kwargs": reward_kwargs,
        },
    })


def test_reward_loop_loads_plaudit_manager(tmp_path):
    from verl.trainer.ppo.reward import load_reward_manager, resolve_reward_manager_cls

    spec = tmp_path / "r1.json"
    spec.write_text(json.dumps(SPEC_R1))
    config = reward_loop_config(spec=str(spec))
    cls = resolve_reward_manager_cls(config)
    assert cls is pv.PlauditRewardManager
    mgr = load_reward_manager(config, tokenizer())
    assert mgr.reward.components == ["correct", "format", "overlong"]
    data = batch(gsm_rows())

    async def worker():  # RewardLoopWorker.compute_score_batch: one run_single per rollout
        return await asyncio.gather(*[mgr.run_single(data[i:i + 1]) for i in range(len(data))])

    outs = asyncio.run(worker())
    scores = [o["reward_score"] for o in outs]
    assert scores == [pytest.approx(1.1), 0.1, 0.0]
    # Every rollout's reward_extra_info has the same keys (RewardLoopManager builds arrays from the first).
    keys = [list(o["reward_extra_info"]) for o in outs]
    assert keys == [keys[0]] * 3 and "acc" in keys[0]
    rm = cls.assemble_rm_scores(data, scores)
    assert last_token_rewards(rm, data) == [round(s, 6) for s in scores]


def test_reward_loop_refuses_group_specs_and_knows_no_batch_manager():
    from verl.experimental.reward_loop.reward_manager import get_reward_manager_cls as loop_cls
    from verl.trainer.ppo.reward import load_reward_manager

    # The README used to say reward_model.reward_manager=batch: verl 0.9's reward loop has none.
    with pytest.raises(ValueError, match="Unknown reward manager: batch"):
        loop_cls("batch")
    spec = {"components": {"correct": "math_equivalence", "mean": {"reward": "group_stats", "params": {"of": "correct"}}},
            "reward": "mean"}
    import tempfile

    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(spec, f)
    with pytest.raises(ValueError, match=r"component `mean` \(group_stats\) scored per group, but verl's reward loop"):
        load_reward_manager(reward_loop_config(spec=f.name), tokenizer())


def test_reward_loop_naive_manager_with_compute_score_pkg_path():
    # The other reward-loop way: verl's own `naive` manager with custom_reward_function.path=pkg://plaudit.verl.
    from verl.trainer.ppo.reward import load_reward_manager

    config = OmegaConf.create({"reward": {
        "reward_manager": {"source": "register", "name": "naive", "module": {"path": None, "name": "x"}},
        "custom_reward_function": {"path": "pkg://plaudit.verl", "name": "compute_score", "reward_kwargs": {}},
        "sandbox_fusion": None}})
    mgr = load_reward_manager(config, tokenizer())
    data = batch(gsm_rows())

    async def run():
        return [await mgr.run_single(data[i:i + 1]) for i in range(len(data))]

    outs = mgr.loop.run_until_complete(run())  # the manager's own loop (verl.utils.ray_utils.get_event_loop)
    assert [o["reward_score"] for o in outs] == [1.0, 0.0, 0.0]
    assert [o["reward_extra_info"]["acc"] for o in outs] == [1.0, 0.0, 0.0]


def compose_verl_config(overrides):
    """verl 0.9.1's own Hydra config (ppo_trainer.yaml, as main_ppo composes it) with overrides."""
    import os

    from hydra import compose, initialize_config_dir

    d = os.path.join(os.path.dirname(verl.__file__), "trainer", "config")
    with initialize_config_dir(config_dir=d, version_base=None):
        return compose(config_name="ppo_trainer", overrides=overrides)


# The user guide's (docs/GUIDE.md) verl command lines, exactly.
README_MANAGER = ["reward.reward_manager.source=importlib",
                  "reward.reward_manager.module.path=pkg://plaudit.verl",
                  "reward.reward_manager.name=PlauditRewardManager"]
README_COMPUTE_SCORE = ["reward.custom_reward_function.path=pkg://plaudit.verl",
                        "reward.custom_reward_function.name=compute_score"]


def test_readme_config_lines_in_verls_own_config(tmp_path):
    from verl.trainer.ppo.reward import load_reward_manager

    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(SPEC_R1))
    cfg = compose_verl_config(README_MANAGER + [f"+reward.reward_kwargs.spec={spec}"])
    mgr = load_reward_manager(cfg, tokenizer())
    assert isinstance(mgr, pv.PlauditRewardManager)
    assert mgr.reward.components == ["correct", "format", "overlong"]
    data = batch(gsm_rows())
    out = asyncio.run(mgr.run_single(data[0:1]))
    assert out["reward_score"] == pytest.approx(1.1)
    # verl's own naive manager with compute_score: text only, so a token-counting spec is refused
    # naming the component (it used to be invalid_input, reward 0, for every sample).
    cfg = compose_verl_config(README_COMPUTE_SCORE + [f"+reward.custom_reward_function.reward_kwargs.spec={spec}"])
    naive = load_reward_manager(cfg, tokenizer())
    with pytest.raises(ValueError, match=r"component `overlong` \(soft_overlong_penalty\) count\(s\) length in tokens, "
                                         r"and compute_score gets text without token counts"):
        naive.loop.run_until_complete(naive.run_single(data[0:1]))
    chars = dict(SPEC_R1, components=dict(SPEC_R1["components"], overlong={
        "reward": "soft_overlong_penalty", "params": {"max_len": 300, "buffer": 100, "unit": "chars"}}))
    spec = tmp_path / "chars.json"  # a new path: specs are loaded once per path and process
    spec.write_text(json.dumps(chars))
    cfg = compose_verl_config(README_COMPUTE_SCORE + [f"+reward.custom_reward_function.reward_kwargs.spec={spec}"])
    naive = load_reward_manager(cfg, tokenizer())
    out = naive.loop.run_until_complete(naive.run_single(data[0:1]))
    assert out["reward_score"] == pytest.approx(1.1)
    assert set(out["reward_extra_info"]) == {"score", "correct", "format", "overlong", "acc", "plaudit_ok"}


def test_real_reward_loop_worker_scores_with_plaudit(tmp_path):
    # verl's RewardLoopWorker itself (the class Ray runs as an actor), built from verl's Hydra
    # config with the guide's lines and the test's tokenizer saved where the model would be.
    from verl.experimental.reward_loop import RewardLoopWorker

    tok_dir = tmp_path / "model"
    tokenizer().save_pretrained(str(tok_dir))
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(SPEC_R1))
    cfg = compose_verl_config(README_MANAGER + [f"+reward.reward_kwargs.spec={spec}",
                                                f"actor_rollout_ref.model.path={tok_dir}"])
    worker = RewardLoopWorker(cfg)
    assert isinstance(worker.reward_manager, pv.PlauditRewardManager)
    data = batch(gsm_rows(uid="a") + [("q", "<think>" + "9 " * 30 + "</think><answer>72</answer><|im_end|>",
                                       "72", "openai/gsm8k", "b", {"index": 1})])
    outs = worker.loop.run_until_complete(worker.compute_score_batch(data))
    lengths = data.batch["attention_mask"][:, P_LEN:].sum(-1).tolist()
    assert lengths[3] == R_LEN
    # Row 3 was cut inside <think> (no answer: the failure value 0.0), its overlong term still logged.
    assert [o["reward_score"] for o in outs] == [pytest.approx(1.1), pytest.approx(0.1), 0.0, 0.0]
    # What RewardLoopManager.compute_rm_score does next: keys from the first rollout, one array each.
    keys = list(outs[0]["reward_extra_info"])
    arrays = {k: np.array([o["reward_extra_info"][k] for o in outs]) for k in keys}
    assert arrays["acc"].tolist() == [1.0, 0.0, 0.0, 0.0]
    assert arrays["overlong"].tolist() == [0.0, 0.0, 0.0, -1.0]
    assert arrays["plaudit_ok"].tolist() == [1.0, 1.0, 0.0, 0.0]
