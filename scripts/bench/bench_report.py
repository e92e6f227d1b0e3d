#!/usr/bin/env python3
"""Time `plaudit report` over N generated results (default 1M) and their samples.

Generates results as `plaudit score` writes them (groups of 8, components, advantages, a fifth
failing with varied error messages, some judge details) and the samples they came from (prompt,
response, task, meta.data_source, tokens), then times `plaudit report RESULTS --input SAMPLES
--by meta.data_source -o report.html` and `--json`. Prints seconds and results/s; the goal is
under 10 s for 1M results on a 2-core machine. A benchmark, not a test.

Usage: python3 scripts/bench/bench_report.py [--n 1000000] [--repeat 3] [--no-build] [--keep DIR]
"""

import argparse
import json
import os
import pathlib
import random
import statistics
import subprocess
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]


def gen(n: int, results: pathlib.Path, samples: pathlib.Path) -> None:
    rng = random.Random(1234)
    words = "so we compute the sum then check it again and carry the digit to get".split()
    with results.open("w") as r, samples.open("w") as s:
        for i in range(n):
            g = i // 8
            think = " ".join(rng.choice(words) for _ in range(rng.randrange(5, 60)))
            resp = f"<think>{think}</think>\nThe answer is {g % 97}."
            task = "math" if g % 3 else "qa"
            s.write(json.dumps({"id": i, "group": g, "task": task, "prompt": f"What is {g}?",
                                "response": resp, "reference": str(g % 97),
                                "meta": {"data_source": ["gsm8k", "math500", "aime"][g % 3]},
                                "tokens": len(resp) // 4}) + "\n")
            u = rng.random()
            if u < 0.8:
                correct = float(rng.random() < 0.5)
                fmt = float(rng.random() < 0.9)
                res = {"id": i, "reward": correct + 0.1 * fmt, "components": {"correct": correct, "format": fmt},
                       "status": "ok", "details": {"correct": {"answer": str(g % 97), "method": "tag"}}}
                if task == "qa":
                    res["details"]["judge"] = {"verdict": "yes", "calls": 1, "attempts": 1, "cached": int(rng.random() < 0.3),
                                               "usage": {"prompt_tokens": 300, "completion_tokens": 5}, "cost_usd": 0.0001}
            elif u < 0.9:
                res = {"id": i, "reward": 0.0, "components": {"format": 0.0}, "status": "no_answer",
                       "error": f"no answer in the response ({len(resp)} characters)", "details": {}}
            elif u < 0.97:
                res = {"id": i, "reward": 0.0, "components": {}, "status": "timeout",
                       "error": f"deadline of {rng.choice([5000, 30000])} ms passed in `correct`", "details": {}}
            else:
                res = {"id": i, "reward": 0.0, "components": {}, "status": "invalid_input",
                       "error": f"line {i + 1}: field `tokens`: expected a non-negative integer, got \"x{i}\"", "details": {}}
            res["advantage"] = round(rng.gauss(0, 1), 6)
            r.write(json.dumps(res, separators=(",", ":")) + "\n")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-build", action="store_true", help="use the existing target/release/plaudit")
    ap.add_argument("--keep", help="generate into (and keep) this directory")
    a = ap.parse_args()
    if not a.no_build:
        subprocess.run(["cargo", "build", "--release", "-q", "-p", "plaudit-cli"], cwd=ROOT, check=True)
    exe = str(ROOT / "target" / "release" / "plaudit")
    d = pathlib.Path(a.keep) if a.keep else pathlib.Path(tempfile.mkdtemp(prefix="plaudit-bench-report-"))
    d.mkdir(parents=True, exist_ok=True)
    results, samples, page = d / "results.jsonl", d / "samples.jsonl", d / "report.html"
    if not results.exists() or sum(1 for _ in results.open()) != a.n:
        t = time.perf_counter()
        gen(a.n, results, samples)
        print(f"generated {a.n} results and samples in {time.perf_counter() - t:.1f} s "
              f"({(results.stat().st_size + samples.stat().st_size) / 1e6:.0f} MB)")
    for label, extra in [("html", ["-o", str(page)]), ("json", ["--json", "-o", str(d / "stats.json")])]:
        times = []
        for _ in range(a.repeat):
            t = time.perf_counter()
            subprocess.run([exe, "report", str(results), "--input", str(samples), "--by", "meta.data_source", *extra],
                           check=True, stderr=subprocess.DEVNULL)
            times.append(time.perf_counter() - t)
        best = min(times)
        print(f"plaudit report ({label}) over {a.n} results: best {best:.2f} s, median {statistics.median(times):.2f} s "
              f"({a.n / best:,.0f} results/s)" + (f", page {page.stat().st_size / 1e6:.2f} MB" if label == "html" else ""))
    if not a.keep:
        for p in d.iterdir():
            p.unlink()
        os.rmdir(d)


if __name__ == "__main__":
    main()
