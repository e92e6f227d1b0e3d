"""Ray Data: score_dataset keeps groups whole and gives each row the values one Reward gives the
whole set (per-group rewards and advantages), against a fixed state it never changes."""
import json
import math
import os

import pytest

import plaudit
import plaudit.ray as pr
from rollouts import rollouts

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EFFICIENCY = os.path.join(ROOT, "examples", "efficiency.yaml")


def same(a, b):
    return a == b or (isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b))


def test_score_dataset_matches_one_reward_group_by_group(cluster):
    import ray

    # A state learned from one batch, then a second set scored against it.
    teacher = plaudit.Reward(EFFICIENCY, jobs=1)
    teacher.score(rollouts(0, n_groups=100))
    state = json.loads(teacher._engine.state_entries())
    assert state

    rows = rollouts(1, n_groups=250)  # 2,000 rows, groups interleaved
    ref = plaudit.Reward(EFFICIENCY, jobs=1)
    ref._engine.load_state(json.dumps(state).encode())
    want = {r["id"]: r for r in ref.score(rows)}

    ds = ray.data.from_items(rows)
    # Two scorer actors of 0.25 CPU: the shuffle that groups the rows needs a CPU of its own.
    out = pr.score_dataset(ds, EFFICIENCY, state=state, concurrency=2, num_cpus=0.25,
                           num_partitions=4).to_pandas()
    assert len(out) == 2000 and sorted(out["id"]) == sorted(want)
    components = plaudit.Reward(EFFICIENCY).components
    for row in out.to_dict("records"):
        w = want[row["id"]]
        assert row["reward"] == w["reward"] and row["status"] == w["status"]
        assert row["advantage"] == w["advantage"]
        for c in components:
            assert same(row[f"component_{c}"], w["components"].get(c, float("nan")))
    # A fresh scorer without the state gives other values: the state was read.
    fresh = pr.score_dataset(ray.data.from_items(rows[:80]), EFFICIENCY, concurrency=1,
                             num_cpus=0.25, num_partitions=2).to_pandas()
    assert any(row["reward"] != want[row["id"]]["reward"] for row in fresh.to_dict("records"))


def test_score_dataset_refuses_what_it_cannot_do(cluster):
    import ray

    ds = ray.data.from_items([{"id": 1, "response": "4", "reference": "4"}])
    with pytest.raises(ValueError, match="no column 'group' to keep groups together"):
        pr.score_dataset(ds, None)
    spec = {"components": {"c": "exact_match"}, "group": {"advantage": "reinforce_pp"}}
    with pytest.raises(ValueError, match="reinforce_pp whitens advantages over the whole batch"):
        pr.score_dataset(ds, spec)


def test_data_scorer_in_map_batches(cluster):
    import ray

    rows = [{"id": i, "response": f"<answer>{i % 3}</answer>", "reference": "1"} for i in range(30)]
    spec = {"components": {"correct": "exact_match"}}
    out = ray.data.from_items(rows).map_batches(
        pr.DataScorer, fn_constructor_kwargs={"spec": spec}, batch_format="pandas",
        concurrency=1, num_cpus=0.25).to_pandas().sort_values("id")
    assert out["reward"].tolist() == [1.0 if i % 3 == 1 else 0.0 for i in range(30)]
    assert set(out["status"]) == {"ok"}
    assert out["component_correct"].tolist() == out["reward"].tolist()
