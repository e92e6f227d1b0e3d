#!/usr/bin/env python3
"""Throughput of `plaudit score` against the Python reward pipeline a TRL user runs today, side by side.

Generates N short samples (groups of 8 rollouts), then scores them with scripts/bench/bench_spec.yaml:
  * plaudit, one worker thread (--jobs 1) and all cores;
  * the Python baseline, one process: TRL's own `think_format_reward` and
    `get_soft_overlong_punishment` (loaded from the installed trl package), an exact-match
    accuracy function, and GRPO advantages, including JSON parsing and writing, as a reward
    function in a training loop does.
Prints samples/s for each and the ratios, and checks that both give the same rewards.

Usage: .venv/bin/python scripts/bench/bench_score.py [--n 100000] [--repeat 3]
"""

import argparse
import importlib.util
import json
import os
import pathlib
import random
import resource
import statistics
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]


def gen(n: int, path: pathlib.Path) -> None:
    rng = random.Random(1234)
    words = "so we compute the sum then check it again and carry the digit to get".split()
    with path.open("w") as f:
        for i in range(n):
            g = i // 8
            a = (g * 37) % 1000
            guess = a if rng.random() < 0.6 else a + rng.randrange(1, 9)
            think = " ".join(rng.choice(words) for _ in range(rng.randrange(5, 40)))
            form = rng.random()
            if form < 0.6:
                resp = f"<think>{think}</think>\nThe answer is {guess}."
            elif form < 0.8:
                resp = f"<think>{think}</think>\n\\boxed{{{guess}}}"
            elif form < 0.9:
                resp = f"{think}. Answer: {guess}"
            else:
                resp = f"<think>{think}"
            toks = rng.choice([rng.randrange(20, 3000), rng.randrange(3500, 4200)])
            f.write(json.dumps({"id": i, "group": g, "response": resp, "reference": str(a), "tokens": toks}) + "\n")


def load_trl():
    spec = importlib.util.find_spec("trl")
    if spec is None:
        sys.exit("trl is not installed: run scripts/venv.sh and use .venv/bin/python")
    d = pathlib.Path(list(spec.submodule_search_locations)[0]) / "rewards"
    mods = {}
    for name in ("format_rewards", "other_rewards"):
        s = importlib.util.spec_from_file_location(f"trl_{name}", d / f"{name}.py")
        m = importlib.util.module_from_spec(s)
        s.loader.exec_module(m)
        mods[name] = m
    return mods["format_rewards"].think_format_reward, mods["other_rewards"].get_soft_overlong_punishment(4096, 512)


def python_baseline(inp: pathlib.Path, out: pathlib.Path, think_format, overlong) -> list[float]:
    import re

    boxed = re.compile(r"\\boxed\{([^{}]*)\}")
    marker = re.compile(r"(?:answer is|answer:)\s*(.*)", re.IGNORECASE)

    def extract(text):
        if "<think>" in text and "</think>" not in text:
            return None
        region = text.rsplit("</think>", 1)[-1]
        m = boxed.findall(region)
        if m:
            return m[-1]
        m = marker.findall(region)
        if m:
            return m[-1].split("\n")[0]
        return region

    def norm(s):
        s = " ".join(s.lower().split()).strip()
        return s[:-1].strip() if s.endswith(".") else s

    samples = [json.loads(line) for line in inp.open()]
    rewards, groups = [], {}
    for s in samples:  # one sample at a time, as reward functions are called per completion
        completion = [[{"content": s["response"]}]]
        fmt = think_format(completion)[0]
        ovl = overlong([[0] * s["tokens"]])[0]
        ans = extract(s["response"])
        correct = 1.0 if ans is not None and norm(ans) == norm(s["reference"]) else 0.0
        r = correct + 0.1 * fmt + ovl if ans is not None else 0.0
        rewards.append(r)
        groups.setdefault(s["group"], []).append(len(rewards) - 1)
    adv = [0.0] * len(rewards)
    for idx in groups.values():
        rs = [rewards[i] for i in idx]
        if len(rs) < 2:
            continue
        m = statistics.fmean(rs)
        sd = statistics.stdev(rs)
        for i in idx:
            adv[i] = (rewards[i] - m) / (sd + 1e-6)
    with out.open("w") as f:
        for s, r, a in zip(samples, rewards, adv):
            f.write(json.dumps({"id": s["id"], "reward": r, "advantage": a}) + "\n")
    return rewards


def timed(fn, repeat):
    best = float("inf")
    result = None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t)
    return best, result


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--dir", default=str(ROOT / "bench-data"))
    ap.add_argument("--no-build", action="store_true", help="use the existing target/release/plaudit")
    args = ap.parse_args()
    d = pathlib.Path(args.dir)
    d.mkdir(exist_ok=True)
    inp = d / f"short_{args.n}.jsonl"
    if not inp.exists():
        gen(args.n, inp)
    if not args.no_build:
        subprocess.run(["cargo", "build", "--release", "-q", "-p", "plaudit-cli"], cwd=ROOT, check=True)
    exe = str(ROOT / "target" / "release" / "plaudit")
    spec = str(ROOT / "scripts" / "bench" / "bench_spec.yaml")
    cores = os.cpu_count() or 1

    def run_plaudit(jobs):
        out = d / f"plaudit_{jobs}.jsonl"
        subprocess.run([exe, "score", "--quiet", "--jobs", str(jobs), "--spec", spec, "--out", str(out), str(inp)], check=True)
        return out

    t1, out1 = timed(lambda: run_plaudit(1), args.repeat)
    tn, _ = timed(lambda: run_plaudit(cores), args.repeat)
    rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    think_format, overlong = load_trl()
    tp, py_rewards = timed(lambda: python_baseline(inp, d / "python.jsonl", think_format, overlong), 1)

    pl_rewards = [json.loads(line)["reward"] for line in out1.open()]
    mismatches = sum(1 for a, b in zip(pl_rewards, py_rewards) if abs(a - b) > 1e-9)

    n = args.n
    print(f"samples: {n} short samples, groups of 8, spec scripts/bench/bench_spec.yaml, {cores} cores")
    print(f"python baseline (TRL reward funcs, 1 process): {n / tp:>12,.0f} samples/s")
    print(f"plaudit --jobs 1:                              {n / t1:>12,.0f} samples/s   ({tp / t1:.1f}x python)")
    print(f"plaudit --jobs {cores}:                              {n / tn:>12,.0f} samples/s   ({tp / tn:.1f}x python)")
    print(f"plaudit peak RSS: {rss_mb:.0f} MB")
    print(f"reward agreement with the baseline: {n - mismatches}/{n}")


if __name__ == "__main__":
    main()
