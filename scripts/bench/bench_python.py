#!/usr/bin/env python3
"""Benchmark, from Python: `plaudit.Reward.rewards` against math-verify on the same math corpus.

The corpus is scripts/gen/mathgen.py's (seeded): --n realistic responses, 2-6 KB of reasoning ending
in an answer of every kind the generator knows (fractions, radicals, intervals, sets, matrices,
units, …), scored against their references. In one run it measures:

  * Plaudit `Reward.default(jobs=1).rewards(samples)` (one thread) and `Reward.default()` (all
    cores), including the conversion of the Python dicts; also `Reward.score` (full result dicts)
    and the JSON-string path (`json.dumps` → `Reward.score_jsonl` → `json.loads`) for comparison;
  * math-verify `verify(parse("$" + reference + "$"), parse(response))`, in this process and in a
    process pool of all cores. math-verify is slow, so it is timed on the first --mv-n samples of
    the same corpus (the output says so); rates are samples per second.

It also prints how often the two verdicts agree on that subsample, and the wall time of two Python
threads scoring at once with `jobs=1` against the same two calls in a row.

    bash scripts/venv.sh && .venv/bin/pip install --no-build-isolation . && \\
      .venv/bin/python scripts/bench/bench_python.py --n 20000
"""
import argparse
import json
import logging
import multiprocessing as mp
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts", "gen"))
import mathgen  # noqa: E402

import plaudit  # noqa: E402


def _mv_init():
    logging.disable(logging.CRITICAL)
    from math_verify import parse, verify  # noqa: F401  (import before timing)


def _mv_one(pair):
    from math_verify import parse, verify

    try:
        return 1.0 if verify(parse("$" + pair[0] + "$"), parse(pair[1])) else 0.0
    except Exception:
        return 0.0


def best_of(k, f):
    """The fastest of k runs (the machines are noisy), and the last result."""
    best, out = float("inf"), None
    for _ in range(k):
        t = time.perf_counter()
        out = f()
        best = min(best, time.perf_counter() - t)
    return best, out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=20000, help="samples in the corpus (default 20000)")
    ap.add_argument("--mv-n", type=int, default=400, help="samples math-verify is timed on (default 400)")
    ap.add_argument("--seed", type=int, default=2)
    ap.add_argument("--cores", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--repeat", type=int, default=3, help="runs per Plaudit measurement; the best is kept")
    a = ap.parse_args()

    pairs = mathgen.pairs(a.n, a.seed, long=True)
    samples = [{"id": p["id"], "task": "math", "response": p["response"], "reference": p["reference"]}
               for p in pairs]
    sizes = sorted(len(p["response"]) for p in pairs)
    print(f"corpus: {len(samples)} responses, {sizes[0]}-{sizes[-1]} bytes (median {sizes[len(sizes) // 2]}), "
          f"seed {a.seed}; {a.cores} cores; plaudit {plaudit.__version__}")

    one = plaudit.Reward.default(jobs=1)
    allc = plaudit.Reward.default(jobs=a.cores)
    one.rewards(samples[:100])
    allc.rewards(samples[:100])
    t1, r1 = best_of(a.repeat, lambda: one.rewards(samples))
    tn, rn = best_of(a.repeat, lambda: allc.rewards(samples))
    assert r1 == rn
    ts, res = best_of(a.repeat, lambda: allc.score(samples))
    assert [r["reward"] for r in res] == rn

    def json_path():
        text = "\n".join(json.dumps(s) for s in samples)
        return [json.loads(line) for line in allc.score_jsonl(text).splitlines()]

    tj, resj = best_of(a.repeat, json_path)
    assert [r["reward"] for r in resj] == rn

    # Two Python threads each scoring the whole batch with jobs=1, against the same two calls in
    # a row: how much the released interpreter lock buys a multi-threaded caller.
    def two_in_a_row():
        one.rewards(samples)
        one.rewards(samples)

    def two_threads():
        import threading
        ths = [threading.Thread(target=one.rewards, args=(samples,)) for _ in range(2)]
        for th in ths:
            th.start()
        for th in ths:
            th.join()

    tseq, _ = best_of(a.repeat, two_in_a_row)
    tpar, _ = best_of(a.repeat, two_threads)
    statuses = {}
    for r in res:
        statuses[r["status"]] = statuses.get(r["status"], 0) + 1

    n = len(samples)
    rows = [
        ("plaudit Reward.rewards, 1 thread", n / t1),
        (f"plaudit Reward.rewards, {a.cores} threads", n / tn),
        (f"plaudit Reward.score (result dicts), {a.cores} threads", n / ts),
        (f"plaudit via JSON strings (dumps/score_jsonl/loads), {a.cores} threads", n / tj),
    ]

    m = min(a.mv_n, n)
    sub = [(p["reference"], p["response"]) for p in pairs[:m]]
    _mv_init()
    t = time.perf_counter()
    mv = [_mv_one(p) for p in sub]
    tmv = time.perf_counter() - t
    rows.append((f"math-verify, 1 process (first {m} samples)", m / tmv))
    with mp.get_context("fork").Pool(a.cores, initializer=_mv_init) as pool:
        pool.map(_mv_one, sub[: a.cores])  # warm the workers
        t = time.perf_counter()
        mvp = pool.map(_mv_one, sub, chunksize=max(1, m // (4 * a.cores)))
        tmvp = time.perf_counter() - t
    assert mvp == mv
    rows.append((f"math-verify, {a.cores} processes (first {m} samples)", m / tmvp))

    width = max(len(r[0]) for r in rows)
    for name, rate in rows:
        print(f"  {name:<{width}}  {rate:>12,.0f} samples/s")
    print(f"two threads scoring at once with jobs=1: {tpar / tseq:.2f} of the wall time of the same "
          f"two calls in a row")
    print(f"ratio, 1 thread vs 1 process:       {n / t1 / (m / tmv):,.0f}x")
    print(f"ratio, {a.cores} threads vs {a.cores} processes:   {n / tn / (m / tmvp):,.0f}x")
    agree = sum(1 for x, y in zip(r1[:m], mv) if x == y)
    print(f"plaudit statuses: {statuses}; mean reward {sum(rn) / n:.4f}")
    print(f"verdicts agree on {agree}/{m} of math-verify's subsample "
          f"(plaudit 1 / math-verify 0: {sum(1 for x, y in zip(r1[:m], mv) if x > y)}, "
          f"plaudit 0 / math-verify 1: {sum(1 for x, y in zip(r1[:m], mv) if x < y)}; "
          f"see crates/plaudit-math/README.md for who is right)")


if __name__ == "__main__":
    main()
