"""plaudit.ray.RewardPool on a real local Ray cluster: the same results and state as one
in-process Reward for any number of actors, groups kept whole, nothing lost when actors die."""
import json
import os
import threading

import pytest

import plaudit
import plaudit.ray as pr
from judge_peer import JudgePeer
from rollouts import rollouts

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# Group rewards (drpo_length, laser_d_length, cohort_efficiency), three stateful rewards
# (laser_d_length, shortest_correct_anchor, tightening_cost_reference), GRPO advantages.
EFFICIENCY = os.path.join(ROOT, "examples", "efficiency.yaml")


def state_of(reward):
    return json.loads(reward._engine.state_entries())


def test_twenty_thousand_samples_three_batches_same_results_and_state_as_in_process(cluster):
    ref = plaudit.Reward(EFFICIENCY, jobs=1)
    pool = pr.RewardPool(EFFICIENCY, num_actors=2)
    for seed in range(3):
        batch = rollouts(seed, n_groups=2500)  # 20,000 samples, groups interleaved
        want = ref.score(batch)
        got = pool.score(batch)
        assert len(got) == 20_000
        assert got == want, f"batch {seed}: the pool's results differ from one Reward's"
        assert [r["id"] for r in got] == [s["id"] for s in batch]
    assert pool.state() == state_of(ref)
    assert pool.state_version == 3
    # The state carried over: the third batch scored afresh (no state) differs.
    fresh = plaudit.Reward(EFFICIENCY, jobs=1).score(rollouts(2, n_groups=2500))
    assert fresh != want
    # Both actors scored shares of every batch.
    assert all(n >= 3 for n in pool.stats["per_actor"]), pool.stats
    assert pool.stats["rescored"] == 0 and pool.stats["failed_samples"] == 0


@pytest.mark.parametrize("actors", [1, 3])
def test_any_number_of_actors_gives_the_same_results(cluster, actors):
    ref = plaudit.Reward(EFFICIENCY, jobs=1)
    pool = pr.RewardPool(EFFICIENCY, num_actors=actors, num_cpus_per_actor=0.5, jobs_per_actor=1)
    for seed in range(3):
        batch = rollouts(10 + seed, n_groups=250)
        assert pool.score(batch) == ref.score(batch)
        assert pool.rewards(batch[:16]) == ref.rewards(batch[:16])
    assert pool.state() == state_of(ref)
    pool.shutdown()


def test_a_group_stays_whole_whatever_its_key_type(cluster):
    # `group: 1` and `group: "1"` are one group to the engine: one share must hold both.
    spec = {"components": {"correct": {"reward": "exact_match"}, "drpo": {"reward": "drpo_length"}},
            "reward": "drpo", "group": {"advantage": "grpo"}}
    batch = []
    for i in range(12):
        g = [1, "1", 2.5, "2.5"][i % 4]
        batch.append({"id": i, "group": g, "response": "<answer>4</answer>" + "x" * i,
                      "reference": "4", "tokens": 10 + i})
    batch.append({"id": "bad"})  # no response: invalid_input, a group of its own
    batch.append("not a sample")
    ref = plaudit.Reward.from_dict(spec, jobs=1)
    pool = pr.RewardPool(spec, num_actors=2, shares_per_actor=4)
    got = pool.score(batch)
    assert got == ref.score(batch)
    assert got[12]["status"] == "invalid_input" and got[13]["status"] == "invalid_input"
    assert pr.group_key({"group": 1}) == pr.group_key({"group": "1"}) == "1"
    assert pr.group_key({"group": True}) is None and pr.group_key("x") is None


@pytest.fixture(scope="module")
def peer():
    with JudgePeer() as p:
        yield p


def judged(peer):
    return {"judges": {"grader": {"base_url": peer.base_url, "model": "judge-peer", "max_concurrency": 16}},
            "components": {"quality": {"reward": "llm_judge",
                                       "params": {"judge": "grader", "range": [0, 10]}}},
            "group": {"advantage": "grpo"}}


def stable(results):
    """Results without the judge's wall-clock `latency_ms` (checked to be a time first)."""
    out = json.loads(json.dumps(results))
    for r in out:
        for d in (r.get("details") or {}).values():
            if isinstance(d, dict) and "latency_ms" in d:
                assert isinstance(d.pop("latency_ms"), (int, float))
    return out


def slow_judged_batch(n):
    # The peer answers each call after 400 ms, with a verdict that depends on the sample.
    return [{"id": i, "group": f"g{i // 4}", "prompt": f"q{i}",
             "response": f"answer {i} [[judge: sleep 400; verdict {i % 11}]]", "reference": "x"}
            for i in range(n)]


def score_while(pool, batch):
    """Score `batch` on a thread; its results land in the dict returned with the thread."""
    out = {}
    t = threading.Thread(target=lambda: out.setdefault("results", pool.score(batch)))
    t.start()
    return t, out


def wait_in_flight(peer):
    while peer.stats()["in_flight"] < 1:
        pass


def test_an_actor_killed_mid_batch_has_its_shares_rescored_elsewhere(cluster, peer):
    import ray

    batch = slow_judged_batch(32)
    want = stable(plaudit.Reward.from_dict(judged(peer), jobs=1).score(batch))
    assert [r["reward"] for r in want[:3]] == [0.0, 0.1, 0.2]
    pool = pr.RewardPool(judged(peer), num_actors=2, judge_limits=False)
    pid = ray.get(pool.actors[0].pid.remote())
    peer.reset()
    t, out = score_while(pool, batch)
    wait_in_flight(peer)
    ray.kill(pool.actors[0], no_restart=False)  # Ray restarts it
    t.join()
    got = stable(out["results"])
    assert len(got) == 32 and got == want  # nothing lost, nothing twice, same values
    assert pool.stats["rescored"] >= 1
    assert ray.get(pool.actors[0].pid.remote()) != pid  # restarted: a new process
    # The restarted actor holds no state version: it is sent the whole state and scores again.
    assert stable(pool.score(batch[:8])) == want[:8]


def test_an_actor_gone_for_good_leaves_the_others_to_finish(cluster, peer):
    import ray

    batch = slow_judged_batch(24)
    want = stable(plaudit.Reward.from_dict(judged(peer), jobs=1).score(batch))
    pool = pr.RewardPool(judged(peer), num_actors=2, judge_limits=False)
    peer.reset()
    t, out = score_while(pool, batch)
    wait_in_flight(peer)
    ray.kill(pool.actors[1], no_restart=True)
    t.join()
    assert stable(out["results"]) == want
    assert stable(pool.score(batch)) == want  # one actor left
    pool.shutdown()
    # No actor at all: the driver scores the batch itself (and says so on stderr).
    assert stable(pool.score(batch[:4])) == want[:4]


def limited(peer, **limits):
    spec = judged(peer)
    spec["judges"]["grader"].update(limits)
    return spec


def released(pool):
    """The limiter's usage once every lease is back (releases are sent without waiting)."""
    for _ in range(10_000):
        usage = pr.JudgeLimiter.usage(pool.limiter)["grader"]
        if usage["in_flight"] == 0:
            return usage
    raise AssertionError(f"leases never came back: {usage}")


def test_judge_limits_hold_for_the_whole_cluster(cluster, peer):
    # Each actor's process would allow 2 calls in flight: 4 for the pair without the limiter.
    batch = [{"id": i, "group": f"g{i // 4}", "prompt": f"q{i}",
              "response": f"answer {i} [[judge: sleep 150; verdict 5]]", "reference": "x"}
             for i in range(24)]
    free = pr.RewardPool(limited(peer, max_concurrency=2), num_actors=2, judge_limits=False)
    peer.reset()
    assert [r["reward"] for r in free.score(batch)] == [0.5] * 24
    assert peer.stats()["max_in_flight"] > 2  # the test can tell the difference
    free.shutdown()

    pool = pr.RewardPool(limited(peer, max_concurrency=2), num_actors=2)
    peer.reset()
    results = pool.score(batch)
    assert [r["reward"] for r in results] == [0.5] * 24
    assert peer.stats()["max_in_flight"] == 2
    usage = released(pool)
    assert usage["granted"] == 24 and usage["peak"] == 2 and usage["in_flight"] == 0
    assert sum(pool.stats["per_actor"]) >= 2 and all(pool.stats["per_actor"])


def tokens_spent(results):
    return sum(sum(r["details"]["quality"]["usage"].values()) for r in results if r["status"] == "ok")


def test_one_token_budget_for_the_whole_cluster(cluster, peer):
    batch = [{"id": i, "group": f"g{i // 4}", "prompt": "q",
              "response": f"a{i} [[judge: verdict 5]]", "reference": "x"} for i in range(40)]
    one = plaudit.Reward.from_dict(judged(peer), jobs=1).score(batch[:1])
    per_call = tokens_spent(one)  # every call here uses the same number of tokens
    budget = 8 * per_call
    # Without the limiter each actor spends a budget of its own: more than the budget in all.
    free = pr.RewardPool(limited(peer, max_concurrency=1, budget_tokens=budget), num_actors=2,
                         judge_limits=False)
    assert tokens_spent(free.score(batch)) > budget
    free.shutdown()

    pool = pr.RewardPool(limited(peer, max_concurrency=1, budget_tokens=budget), num_actors=2)
    peer.reset()
    results = pool.score(batch)
    ok = [r for r in results if r["status"] == "ok"]
    spent = [r for r in results if r["details"]["quality"].get("judge_error") == "budget_exhausted"]
    assert len(ok) + len(spent) == 40 and ok and spent
    assert tokens_spent(results) <= budget + per_call  # one call past it at most
    assert peer.stats()["requests"] == len(ok)
    assert "budget" in spent[0]["error"] or "budget" in json.dumps(spent[0]["details"])


def test_score_many_keeps_each_batch_its_own_group_stage(cluster):
    spec = {"components": {"correct": "exact_match"}, "group": {"advantage": "grpo"}}
    one = [{"id": i, "group": "g", "response": f"<answer>{i % 2}</answer>", "reference": "1"} for i in range(4)]
    two = [{"id": i, "group": "g", "response": f"<answer>{int(i < 3)}</answer>", "reference": "1"} for i in range(4)]
    ref = plaudit.Reward.from_dict(spec, jobs=1)
    pool = pr.RewardPool(spec, num_actors=2)
    assert pool.score_many([one, [], two]) == [ref.score(one), [], ref.score(two)]
    # Scored as one batch, the two groups "g" would be one group of 8: other advantages.
    assert ref.score(one + two)[:4] != ref.score(one)


def test_a_shared_pool_gathers_concurrent_callers(cluster):
    from concurrent.futures import ThreadPoolExecutor

    spec = {"components": {"correct": "exact_match"}}
    samples = [{"id": i, "response": f"<answer>{i % 3}</answer>", "reference": "1"} for i in range(64)]
    want = plaudit.Reward.from_dict(spec, jobs=1).score(samples)
    handle = pr.shared_pool("plaudit-gather-test", spec, num_actors=2, num_cpus_per_actor=0.5)
    again = pr.shared_pool("plaudit-gather-test", spec)  # the same pool, found by name
    with ThreadPoolExecutor(32) as ex:  # 64 callers of one sample each, as verl's reward loop
        got = list(ex.map(lambda s: (handle if s["id"] % 2 else again).score([s])[0], samples))
    assert got == want
    stats = handle.stats()
    # 64 callers' batches in fewer passes of the actors (each pass: the batches that waited).
    assert stats["samples"] == 64 and stats["gathered"] == stats["batches"] < 64, stats
    with pytest.raises(ValueError, match="the pool 'plaudit-gather-test' runs another spec"):
        pr.shared_pool("plaudit-gather-test", {"components": {"c": "token_f1"}})


def test_a_restarted_actor_is_sent_the_whole_state(cluster):
    import ray

    ref = plaudit.Reward(EFFICIENCY, jobs=1)
    pool = pr.RewardPool(EFFICIENCY, num_actors=1)
    first, second = rollouts(30, n_groups=100), rollouts(31, n_groups=100)
    assert pool.score(first) == ref.score(first)
    pid = ray.get(pool.actors[0].pid.remote())
    ray.kill(pool.actors[0], no_restart=False)  # between batches: the pool does not know
    while True:  # wait for Ray to have restarted it
        try:
            if ray.get(pool.actors[0].pid.remote()) != pid:
                break
        except ray.exceptions.RayActorError:
            pass
    assert pool.score(second) == ref.score(second)  # it answered "stale", then got every entry
    assert pool.stats["stale"] >= 1
    assert pool.state() == state_of(ref)
