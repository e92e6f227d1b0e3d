#!/usr/bin/env python3
"""Benchmark: Plaudit's math verifier against math-verify on the same realistic responses.

Two corpora, both seeded:
  * "mathgen": --n responses of 2-6 KB of reasoning text ending in an answer, every answer form
    of scripts/gen/mathgen.py;
  * "long_cot": --n production-like long chain-of-thought responses (scripts/gen/long_cot.py:
    2-17 KB, about 4.4 KB on average, dense inline `$...$`, the answer near the end as a box, a
    marker, an answer tag or a last math environment).
For each corpus, through the CLI (`plaudit score --jobs 1`, release build, best of --repeat runs,
whole pipeline: read, parse JSON, score, write), the samples/s of `math_equivalence` and
`exact_match` beside the floor: `regex_match` with an anchored pattern, which does nothing but
the pipeline. Then, on the mathgen corpus, in one run:
  * Plaudit, one thread and all cores (`verify_jsonl` example, release build; time of the scoring
    loop, JSON reading excluded), with its per-sample p50/p99 latency;
  * math-verify (`verify(parse("$" + reference + "$"), parse(response))`), one process and a
    process pool of all cores. math-verify is slow, so it is timed on the first --mv-n responses
    of the same corpus (the output says so); its rate is samples per second of that subsample.

    bash scripts/venv.sh && .venv/bin/python scripts/bench/bench_math.py --n 10000
    .venv/bin/python scripts/bench/bench_math.py --cli-only      # the CLI table only, no math-verify
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
import long_cot  # noqa: E402

FLOOR_SPEC = '{"components": {"r": {"reward": "regex_match", "params": {"pattern": "\\\\A.", "mode": "search"}}}}'
SPECS = [
    ("floor (regex_match \\A.)", FLOOR_SPEC),
    ("exact_match", '{"components": {"r": {"reward": "exact_match"}}}'),
    ("math_equivalence", '{"components": {"r": {"reward": "math_equivalence"}}}'),
]


def cli_rate(exe, spec_path, inp_path, n, repeat, jobs=1):
    """Best samples/s of `plaudit score --jobs <jobs>` over `repeat` runs (output discarded)."""
    best = 0.0
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run([exe, "score", "-q", "--jobs", str(jobs), "--spec", spec_path, inp_path],
                       stdout=subprocess.DEVNULL, check=True)
        best = max(best, n / (time.perf_counter() - t))
    return best


def cli_table(corpora, repeat, tmp, exe=None):
    if exe is None:
        exe = os.path.join(ROOT, "target", "release", "plaudit")
        subprocess.run(["cargo", "build", "--release", "-q", "-p", "plaudit-cli"], cwd=ROOT, check=True)
    specs = []
    for i, (name, spec) in enumerate(SPECS):
        path = os.path.join(tmp, f"spec{i}.json")
        with open(path, "w") as f:
            f.write(spec)
        specs.append((name, path))
    print(f"plaudit score --jobs 1, samples/s (best of {repeat}); ratio = floor / spec")
    print(f"{'corpus':10s} {'spec':26s} {'samples/s':>10s} {'floor/spec':>11s}")
    rates = {}
    for cname, lines in corpora:
        path = os.path.join(tmp, f"{cname}.jsonl")
        with open(path, "w") as f:
            f.write(lines)
        n = lines.count("\n")
        floor = None
        for name, sp in specs:
            r = cli_rate(exe, sp, path, n, repeat)
            floor = floor or r
            rates[cname, name] = r
            print(f"{cname:10s} {name:26s} {r:10.0f} {floor / r:9.2f}x")
    return rates


def mv_rate(sub):
    """math-verify's samples/s on `sub`, one process (after a warm-up)."""
    for p in sub[:5]:
        _mv(p)  # warm-up (sympy caches, grammar load)
    t = time.time()
    for p in sub:
        _mv(p)
    return len(sub) / (time.time() - t)


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
    ap.add_argument("--repeat", type=int, default=3, help="CLI runs per spec, best kept (default 3)")
    ap.add_argument("--cli-only", action="store_true", help="only the CLI table (no math-verify)")
    ap.add_argument("--exe", help="a plaudit binary to time (default: build target/release/plaudit)")
    a = ap.parse_args()

    pairs = mathgen.pairs(a.n, a.seed, long=True)
    cot = long_cot.samples(a.n, 18)
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        rates = cli_table([
            ("mathgen", "".join(json.dumps({"id": p["id"], "response": p["response"], "reference": p["reference"]})
                                + "\n" for p in pairs)),
            ("long_cot", "".join(json.dumps({"id": p["id"], "response": p["response"], "reference": p["reference"]})
                                 + "\n" for p in cot)),
        ], a.repeat, tmp, a.exe)
    if a.cli_only:
        return
    _init()
    print(f"math-verify, one process, on the first {a.mv_n} responses of each corpus (it is too slow for all):")
    for cname, corpus in (("mathgen", pairs), ("long_cot", cot)):
        mv = mv_rate(corpus[: a.mv_n])
        pl = rates[cname, "math_equivalence"]
        print(f"{cname:10s} math-verify {mv:8.1f} samples/s; plaudit score math_equivalence {pl:8.0f}: {pl / mv:6.0f}x")
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
