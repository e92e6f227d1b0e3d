#!/usr/bin/env python3
"""Benchmark: Plaudit's math verifier against math-verify on the same realistic responses.

Generates --n responses (2-6 KB of reasoning text ending in an answer, every answer form of
scripts/gen/mathgen.py, seeded), then measures in one run:
  * Plaudit, one thread and all cores (`verify_jsonl` example, release build; time of the scoring
    loop, JSON reading excluded), with its per-sample p50/p99 latency;
  * math-verify (`verify(parse("$" + reference + "$"), parse(response))`), one process and a
    process pool of all cores. math-verify is slow, so it is timed on the first --mv-n responses
    of the same corpus (the output says so); its rate is samples per second of that subsample.

    bash scripts/venv.sh && .venv/bin/python scripts/bench/bench_math.py --n 10000
"""
import argparse
import json
import multiprocessing as mp
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts", "gen"))
import mathgen  # noqa: E402


def run_plaudit(exe, inp, threads):
    p = subprocess.run([exe, "--threads", str(threads), "--quiet", "--summary"], input=inp,
                       capture_output=True, text=True, check=True)
    return json.loads(p.stderr.strip().splitlines()[-1])


def _init():
    import logging
    logging.disable(logging.CRITICAL)
    from math_verify import parse, verify  # noqa: F401  (import before timing)


def _mv(p):
    from math_verify import parse, verify
    try:
        return bool(verify(parse("$" + p["reference"] + "$"), parse(p["response"])))
    except Exception:
        return False


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=10000, help="responses in the corpus (default 10000)")
    ap.add_argument("--mv-n", type=int, default=400, help="responses math-verify is timed on (default 400)")
    ap.add_argument("--seed", type=int, default=2)
    ap.add_argument("--cores", type=int, default=os.cpu_count() or 1)
    a = ap.parse_args()

    pairs = mathgen.pairs(a.n, a.seed, long=True)
    sizes = sorted(len(p["response"]) for p in pairs)
    print(f"corpus: {len(pairs)} responses, {sizes[0]}-{sizes[-1]} bytes (median {sizes[len(sizes) // 2]}), "
          f"{len(set(p['kind'] for p in pairs))} answer kinds, seed {a.seed}; {a.cores} cores")
    subprocess.run(["cargo", "build", "--release", "-q", "-p", "plaudit-math", "--example", "verify_jsonl"],
                   cwd=ROOT, check=True)
    exe = os.path.join(ROOT, "target", "release", "examples", "verify_jsonl")
    inp = "".join(json.dumps({"reference": p["reference"], "response": p["response"]}) + "\n" for p in pairs)
    run_plaudit(exe, inp[: 200_000], 1)  # warm-up
    p1 = run_plaudit(exe, inp, 1)
    pn = run_plaudit(exe, inp, a.cores)

    sub = pairs[: a.mv_n]
    _init()
    for p in sub[:5]:
        _mv(p)  # warm-up (sympy caches, grammar load)
    t = time.time()
    for p in sub:
        _mv(p)
    mv1 = len(sub) / (time.time() - t)
    with mp.Pool(a.cores, initializer=_init) as pool:
        pool.map(_mv, sub[: 2 * a.cores])  # warm-up
        t = time.time()
        pool.map(_mv, sub, chunksize=8)
        mvn = len(sub) / (time.time() - t)

    print(f"math-verify timed on the first {len(sub)} of the {len(pairs)} responses (it is too slow for all)")
    print(f"{'':22s} {'1 core':>14s} {str(a.cores) + ' cores':>14s}")
    print(f"{'Plaudit samples/s':22s} {p1['samples_per_s']:14.0f} {pn['samples_per_s']:14.0f}")
    print(f"{'math-verify samples/s':22s} {mv1:14.1f} {mvn:14.1f}")
    print(f"{'ratio':22s} {p1['samples_per_s'] / mv1:13.0f}x {pn['samples_per_s'] / mvn:13.0f}x")
    print(f"Plaudit per-sample latency (1 core): p50 {p1['p50_us']} us, p99 {p1['p99_us']} us, max {p1['max_us']} us")


if __name__ == "__main__":
    main()
