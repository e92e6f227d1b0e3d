"""verl's own RewardLoopManager on the Ray cluster: its reward-loop workers (Ray actors, verl's
class) load PlauditRewardManager with `reward.reward_kwargs.pool`, and score through one named
plaudit.ray pool, so the state of a stateful reward is one for all workers — as one manager
scoring the same batches in one process has it. Without the pool, each worker learns alone."""
import json
import os
import sys

import numpy as np
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests_trainers"))

verl = pytest.importorskip("verl")

import plaudit  # noqa: E402
import plaudit.verl as pv  # noqa: E402
from _tok import tokenizer  # noqa: E402
from test_verl_managers import README_MANAGER, batch, compose_verl_config  # noqa: E402

# LEAD's adaptive target length: per prompt, learned from correct rollouts (stateful, per sample).
SPEC = {"components": {"correct": "math_equivalence",
                       "lead": {"reward": "adaptive_target_length", "params": {"unit": "tokens"}}},
        "reward": "correct + lead"}

SHORT = "<think>48 + 24 = 72</think><answer>72</answer><|im_end|>"
LONG = "<think>48 + 24 = 72 so it is 72</think><answer>72</answer><|im_end|>"


def rows(pairs):
    return [(q, r, "72", "openai/gsm8k", q, {"index": i}) for i, (q, r) in enumerate(pairs)]


# RewardLoopManager gives the first half of a batch to worker 0, the second to worker 1.
FIRST = rows([("P: how many clips?", SHORT), ("Q: how many pens?", LONG)])
SECOND = rows([("Q: how many pens?", SHORT), ("P: how many clips?", LONG)])


def manager(tmp_path, *extra):
    from verl.experimental.reward_loop import RewardLoopManager

    tok_dir = tmp_path / "model"
    if not tok_dir.exists():
        tokenizer().save_pretrained(str(tok_dir))
    spec = tmp_path / "lead.json"
    spec.write_text(json.dumps(SPEC))
    cfg = compose_verl_config(README_MANAGER + [f"+reward.reward_kwargs.spec={spec}",
                                                f"actor_rollout_ref.model.path={tok_dir}",
                                                "reward.num_workers=2", *extra])
    return RewardLoopManager(cfg)


def lead(out):
    return [round(float(x), 6) for x in out.non_tensor_batch["lead"]]


def test_reward_loop_workers_share_one_state_through_the_pool(cluster, tmp_path):
    # What one process scoring both batches whole learns (the legacy manager, one state).
    tok = tokenizer()
    one = pv.PlauditRewardManager(tok, spec=plaudit.Reward(SPEC, jobs=1))
    want = [one(batch(FIRST, tok), return_dict=True)["reward_extra_info"]["lead"],
            one(batch(SECOND, tok), return_dict=True)["reward_extra_info"]["lead"]]
    want = [[round(float(x), 6) for x in w] for w in want]
    assert want[0] == [1.0, 1.0]  # nothing learned yet
    assert want[1] != [1.0, 1.0]  # the second batch reads what the first taught

    shared = manager(tmp_path, "+reward.reward_kwargs.pool=plaudit-verl-test",
                     "+reward.reward_kwargs.pool_cpus_per_actor=0.5")
    got = [lead(shared.compute_rm_score(batch(FIRST, tok))),
           lead(shared.compute_rm_score(batch(SECOND, tok)))]
    assert got == want
    import ray

    for w in shared.reward_loop_workers:  # verl names its workers: free the names
        ray.kill(w)

    # verl's workers without the pool: each learns only from the rows it was given, so in
    # the second batch neither has seen its prompt.
    alone = manager(tmp_path)
    got = [lead(alone.compute_rm_score(batch(FIRST, tok))),
           lead(alone.compute_rm_score(batch(SECOND, tok)))]
    assert got == [[1.0, 1.0], [1.0, 1.0]] != want
