#!/usr/bin/env python3
"""Guard the throughput gains (issue 18, item 5): each family's samples/s beside the floor.

Runs `plaudit score -q --jobs 1` (one worker thread) on two seeded corpora, written to a
temporary directory:
  * long_cot: --n-long production-like long chain-of-thought responses (scripts/gen/long_cot.py);
  * short:    --n-short short R1-style samples (`<think>…</think>` then "The answer is N.").
For each, one spec per family (format, answer, math, length, text, similarity) and the floor:
`regex_match` with an anchored pattern, which costs what reading, parsing and writing a sample
costs and nothing more. Prints samples/s (best of --repeat runs, wall clock and per CPU second
of the process) and floor/spec: how many times the floor's cost a family takes. No timed
assertion: the machine's load moves the absolute figures, so compare the ratios within one run.
Fails only when a run fails. A few seconds on the release binary, about twice that on the
debug one.

    python3 scripts/bench/guard.py                      # target/release/plaudit, else target/debug
    python3 scripts/bench/guard.py --exe target/debug/plaudit --n-long 500
"""
import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts", "gen"))
import long_cot  # noqa: E402

# (family, reward, params); the floor first.
SPECS = [
    ("floor", "regex_match", {"pattern": "\\A.", "mode": "search"}),
    ("format", "think_answer_format", {"answer_tag": ""}),
    ("answer", "exact_match", {}),
    ("math", "math_equivalence", {}),
    ("length", "soft_overlong_penalty", {"max_len": 4096, "buffer": 512, "unit": "chars"}),
    ("text", "repetition_penalty", {}),
    ("similarity", "rouge_l", {}),
]


def short_corpus(n, seed=1234):
    rng = random.Random(seed)
    words = "so we compute the sum then check it again and carry the digit to get".split()
    out = []
    for i in range(n):
        a = (i // 8 * 37) % 1000
        guess = a if rng.random() < 0.6 else a + rng.randrange(1, 9)
        think = " ".join(rng.choice(words) for _ in range(rng.randrange(5, 40)))
        out.append(json.dumps({"id": i, "response": f"<think>{think}</think>\nThe answer is {guess}.",
                               "reference": str(a)}) + "\n")
    return "".join(out)


def long_corpus(n):
    return "".join(json.dumps({"id": s["id"], "response": s["response"], "reference": s["reference"]}) + "\n"
                   for s in long_cot.samples(n, 18))


def run(exe, spec, inp, n, repeat):
    """Best (wall samples/s, CPU samples/s) over `repeat` runs."""
    best_wall = best_cpu = 0.0
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        subprocess.run([exe, "score", "-q", "--jobs", "1", "--spec", spec, inp],
                       stdout=subprocess.DEVNULL, check=True)
        wall = time.perf_counter() - t
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        best_wall = max(best_wall, n / wall)
        best_cpu = max(best_cpu, n / max(cpu, 1e-9))
    return best_wall, best_cpu


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--exe", help="plaudit binary (default: target/release/plaudit, else target/debug/plaudit)")
    ap.add_argument("--n-long", type=int, default=2000)
    ap.add_argument("--n-short", type=int, default=50000)
    ap.add_argument("--repeat", type=int, default=2)
    a = ap.parse_args()
    exe = a.exe
    if exe is None:
        for p in ("release", "debug"):
            c = os.path.join(ROOT, "target", p, "plaudit")
            if os.path.exists(c):
                exe = c
                break
        else:
            sys.exit("no plaudit binary: cargo build -p plaudit-cli (or --exe)")
    with tempfile.TemporaryDirectory() as tmp:
        corpora = []
        for name, text in (("long_cot", long_corpus(a.n_long)), ("short", short_corpus(a.n_short))):
            path = os.path.join(tmp, name + ".jsonl")
            with open(path, "w") as f:
                f.write(text)
            corpora.append((name, path, text.count("\n")))
        specs = []
        for fam, reward, params in SPECS:
            path = os.path.join(tmp, fam + ".json")
            with open(path, "w") as f:
                json.dump({"components": {"r": {"reward": reward, "params": params}}}, f)
            specs.append((fam, reward, path))
        print(f"guard: {os.path.relpath(exe, ROOT)} score --jobs 1, best of {a.repeat}; "
              f"floor/spec = the floor's samples/s over the spec's (1.0 = as cheap as the floor)")
        print(f"{'corpus':9s} {'family':11s} {'reward':22s} {'samples/s':>10s} {'per CPU s':>10s} {'floor/spec':>10s}")
        for cname, path, n in corpora:
            floor = None
            for fam, reward, spec in specs:
                wall, cpu = run(exe, spec, path, n, a.repeat)
                floor = floor or (wall, cpu)
                print(f"{cname:9s} {fam:11s} {reward:22s} {wall:10.0f} {cpu:10.0f} {floor[1] / cpu:9.2f}x")


if __name__ == "__main__":
    main()
