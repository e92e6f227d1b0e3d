#!/usr/bin/env python3
"""Differential test: Plaudit's math verifier against math-verify on seeded generated pairs.

Generates --n (reference, response) pairs whose labels hold by construction (scripts/gen/mathgen.py),
runs Plaudit (the `verify_jsonl` example binary of plaudit-math, release build) and math-verify
(`verify(parse("$" + reference + "$"), parse(response))`, its default timeouts, in a process
pool), lists every disagreement with who is right by the construction label, and writes them to
target/diff_math/disagreements.jsonl. With --write-corpus, the cases where math-verify is wrong
and Plaudit right are appended to crates/plaudit-math/tests/corpus/mathverify_errors.jsonl
(deduplicated, at most --per-kind per kind).

With --check it is a test: it exits 1 when Plaudit disagrees with a construction label (math-verify's
disagreements are reported, not failed on). The test command runs it that way on the debug build
of the example (`--exe target/debug/examples/verify_jsonl`, built by `cargo test`).

    bash scripts/venv.sh && .venv/bin/python scripts/check/diff_math.py --n 5000
"""
import argparse
import collections
import json
import multiprocessing as mp
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts", "gen"))
import mathgen  # noqa: E402

POLICY_KINDS = {"solved"}  # where a disagreement may be a policy choice (restated equations)


def plaudit(pairs, exe=None):
    if exe is None:
        subprocess.run(["cargo", "build", "--release", "-q", "-p", "plaudit-math", "--example", "verify_jsonl"],
                       cwd=ROOT, check=True)
        exe = os.path.join(ROOT, "target", "release", "examples", "verify_jsonl")
    inp = "".join(json.dumps({"reference": p["reference"], "response": p["response"]}) + "\n" for p in pairs)
    t = time.time()
    out = subprocess.run([exe], input=inp, capture_output=True, text=True, check=True).stdout
    dt = time.time() - t
    res = [json.loads(l) for l in out.splitlines() if l.strip()]
    assert len(res) == len(pairs)
    return res, dt


def _mv_init():
    import logging
    logging.disable(logging.CRITICAL)


def _mv_one(p):
    from math_verify import parse, verify
    t = time.time()
    try:
        ok = bool(verify(parse("$" + p["reference"] + "$"), parse(p["response"])))
        err = None
    except Exception as e:  # math-verify raises on some inputs
        ok, err = False, type(e).__name__
    return ok, err, time.time() - t


def math_verify(pairs, workers):
    t = time.time()
    with mp.Pool(workers, initializer=_mv_init) as pool:
        res = pool.map(_mv_one, pairs, chunksize=16)
    return res, time.time() - t


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--out", default=os.path.join(ROOT, "target", "diff_math"))
    ap.add_argument("--write-corpus", action="store_true")
    ap.add_argument("--per-kind", type=int, default=12)
    ap.add_argument("--show", type=int, default=8, help="disagreements printed per (kind, side)")
    ap.add_argument("--exe", help="a built verify_jsonl example (default: build the release one)")
    ap.add_argument("--check", action="store_true",
                    help="exit 1 when Plaudit disagrees with any construction label")
    a = ap.parse_args()

    pairs = mathgen.pairs(a.n, a.seed)
    pl, pl_dt = plaudit(pairs, a.exe)
    mv, mv_dt = math_verify(pairs, a.workers)
    print(f"{len(pairs)} pairs (seed {a.seed}): Plaudit {pl_dt:.2f}s on 1 core, math-verify {mv_dt:.2f}s on {a.workers} processes")

    rows = []
    acc = collections.Counter()
    for p, r, (m, err, mdt) in zip(pairs, pl, mv):
        ok = r.get("status") == "ok" and r.get("correct", False)
        acc["plaudit"] += ok == p["label"]
        acc["math-verify"] += m == p["label"]
        if ok != m:
            right = "plaudit" if ok == p["label"] else "math-verify"
            rows.append({**{k: p[k] for k in ("id", "kind", "reference", "answer", "label")},
                         "plaudit": ok, "plaudit_status": r.get("status"), "plaudit_answer": r.get("answer"),
                         "math_verify": m, "math_verify_error": err, "right": right,
                         "response_tail": p["response"][-160:]})
    n = len(pairs)
    wrong = [(p, r) for p, r in zip(pairs, pl) if (r.get("status") == "ok" and r.get("correct", False)) != p["label"]]
    for p, r in wrong[: a.show * 3]:
        print(f"  plaudit differs from the label: [{p['kind']}] ref {p['reference']!r} answer {p['answer']!r} "
              f"label {p['label']} got {r.get('status')} {r.get('answer')!r}")
    print(f"agreement with the construction labels: Plaudit {acc['plaudit']}/{n} ({100 * acc['plaudit'] / n:.2f}%), "
          f"math-verify {acc['math-verify']}/{n} ({100 * acc['math-verify'] / n:.2f}%)")
    print(f"disagreements: {len(rows)}")
    by = collections.Counter((r["kind"], r["right"]) for r in rows)
    for (kind, right), c in sorted(by.items()):
        print(f"  {kind:10s} right: {right:12s} {c}")
    shown = collections.Counter()
    for r in rows:
        key = (r["kind"], r["right"])
        if shown[key] < a.show:
            shown[key] += 1
            print(f"- [{r['kind']}] ref {r['reference']!r} answer {r['answer']!r} label {r['label']} "
                  f"plaudit {r['plaudit']} ({r['plaudit_status']}) math-verify {r['math_verify']}"
                  f"{' (' + r['math_verify_error'] + ')' if r['math_verify_error'] else ''} -> {r['right']} right")
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "disagreements.jsonl"), "w") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"written: {os.path.join(a.out, 'disagreements.jsonl')}")

    if a.write_corpus:
        path = os.path.join(ROOT, "crates", "plaudit-math", "tests", "corpus", "mathverify_errors.jsonl")
        seen = set()
        if os.path.exists(path):
            for l in open(path):
                c = json.loads(l)
                seen.add((c["reference"], c.get("answer")))
        per = collections.Counter()
        added = 0
        byid = {p["id"]: p for p in pairs}
        with open(path, "a") as f:
            for r in rows:
                if r["right"] != "plaudit" or (r["reference"], r["answer"]) in seen or per[r["kind"]] >= a.per_kind:
                    continue
                seen.add((r["reference"], r["answer"]))
                per[r["kind"]] += 1
                added += 1
                note = f"math-verify 0.9.0 says {r['math_verify']}" + (" (policy: restated equation)" if r["kind"] in POLICY_KINDS else "")
                f.write(json.dumps({"reference": r["reference"], "answer": r["answer"], "response": byid[r["id"]]["response"],
                                    "expected": r["label"], "category": "mathverify_" + r["kind"], "note": note},
                                   ensure_ascii=False) + "\n")
        print(f"corpus: {added} cases appended to {path}")

    if a.check and wrong:
        for p, r in wrong[:50]:
            print(f"  [{p['kind']}] ref {p['reference']!r} answer {p['answer']!r} label {p['label']} "
                  f"got {r.get('status')} {r.get('answer')!r}")
        print(f"diff_math: FAILED: Plaudit differs from {len(wrong)} construction label(s)")
        sys.exit(1)


if __name__ == "__main__":
    main()
