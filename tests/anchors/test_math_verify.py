"""Differential test: Plaudit's `math_equivalence` against math-verify 0.9.0 on a fixed corpus.

The corpus: every labelled case of `crates/plaudit-math/tests/corpus/*.jsonl`, the cases in
`tests/anchors/math_known_hard.jsonl` (written to hold answers Plaudit is known to judge wrong or
conservatively), and 800 generated pairs (`scripts/gen/mathgen.py`, seed 1). Both verifiers judge every
case; then

- Plaudit and math-verify agree on at least `AGREEMENT_FLOOR` of all cases and
  `GENERATED_FLOOR` of the generated ones;
- every case where they disagree is a reviewed case in `tests/anchors/math_verify_review.jsonl`,
  with both verdicts, the label, who is right and why; a new disagreement (or a reviewed one that
  no longer occurs) fails the test, so a change in either verifier is looked at by a person.

To review after a change: `PLAUDIT_MATH_REVIEW=target/review.jsonl pytest tests/anchors/test_math_verify.py`
writes the current disagreements (with the reasons already given) to that file.
"""
import hashlib
import json
import multiprocessing as mp
import os
import sys

from conftest import ROOT, score

sys.path.insert(0, str(ROOT / "scripts" / "gen"))
import mathgen  # noqa: E402

# The labelled corpus is written to hold math-verify's known weak spots (`mathverify_*.jsonl`,
# answer styles it does not read), so agreement there is lower than on plain generated pairs.
AGREEMENT_FLOOR = 0.87
GENERATED_FLOOR = 0.95
CORPUS = ROOT / "crates" / "plaudit-math" / "tests" / "corpus"
KNOWN_HARD = ROOT / "tests" / "anchors" / "math_known_hard.jsonl"
REVIEW = ROOT / "tests" / "anchors" / "math_verify_review.jsonl"
SPEC = "timeout_ms: 10000\ncomponents:\n  correct: math_equivalence\n"


def cases():
    out = []
    for path in sorted(CORPUS.glob("*.jsonl")) + [KNOWN_HARD]:
        for line in open(path, encoding="utf-8"):
            c = json.loads(line)
            if "policy" in c:  # labelled for a non-default policy
                continue
            # `{"status": …}` cases expect a failure: not correct.
            out.append({"source": path.name, "reference": c["reference"], "response": c["response"],
                        "label": c.get("expected") is True})
    for p in mathgen.pairs(800, 1):
        out.append({"source": "mathgen", "reference": p["reference"], "response": p["response"],
                    "label": p["label"]})
    return out


def key(c):
    return c["reference"] + "\u0000" + hashlib.sha1(c["response"].encode()).hexdigest()[:16]


def _mv_init():
    import logging
    logging.disable(logging.CRITICAL)


def _mv_one(c):
    from math_verify import parse, verify
    try:
        return bool(verify(parse("$" + c["reference"] + "$"), parse(c["response"])))
    except Exception:  # math-verify raises on some inputs: no verdict is a "not correct"
        return False


def test_agreement_with_math_verify_and_every_disagreement_reviewed():
    cs = cases()
    results = score(SPEC, [{"response": c["response"], "reference": c["reference"]} for c in cs])
    plaudit = [r["status"] == "ok" and r["reward"] == 1.0 for r in results]
    with mp.get_context("spawn").Pool(2, initializer=_mv_init) as pool:
        mv = pool.map(_mv_one, cs, chunksize=16)

    rows = {}
    for c, p, m in zip(cs, plaudit, mv):
        if p != m:
            rows[key(c)] = {"source": c["source"], "reference": c["reference"],
                            "response_tail": c["response"][-120:], "label": c["label"],
                            "plaudit": p, "math_verify": m,
                            "right": "plaudit" if p == c["label"] else "math-verify"}
    agree = 1 - len(rows) / len(cs)
    generated = [p == m for c, p, m in zip(cs, plaudit, mv) if c["source"] == "mathgen"]
    agree_generated = sum(generated) / len(generated)
    print(f"\n{len(cs)} cases: Plaudit and math-verify agree on {agree:.2%}; "
          f"Plaudit matches the label on {sum(p == c['label'] for c, p in zip(cs, plaudit))}, "
          f"math-verify on {sum(m == c['label'] for c, m in zip(cs, mv))}; "
          f"on the {len(generated)} generated pairs they agree on {agree_generated:.2%}")

    reviewed = {}
    if REVIEW.exists():
        for line in open(REVIEW, encoding="utf-8"):
            r = json.loads(line)
            reviewed[r["key"]] = r
    out = os.environ.get("PLAUDIT_MATH_REVIEW")
    if out:
        with open(out, "w", encoding="utf-8") as f:
            for k, r in rows.items():
                why = reviewed.get(k, {}).get("why", "")
                f.write(json.dumps({"key": k, **r, "why": why}, ensure_ascii=False) + "\n")

    assert agree >= AGREEMENT_FLOOR, f"agreement {agree:.2%} is below the floor of {AGREEMENT_FLOOR:.0%}"
    assert agree_generated >= GENERATED_FLOOR, \
        f"agreement on generated pairs {agree_generated:.2%} is below {GENERATED_FLOOR:.0%}"
    new = [rows[k] for k in rows if k not in reviewed]
    gone = [reviewed[k] for k in reviewed if k not in rows]
    changed = [k for k in rows if k in reviewed and
               (reviewed[k]["plaudit"], reviewed[k]["math_verify"]) != (rows[k]["plaudit"], rows[k]["math_verify"])]
    assert not new, f"{len(new)} disagreements nobody reviewed (see the module doc), first: {new[:3]}"
    assert not gone, f"{len(gone)} reviewed disagreements no longer occur, first: {gone[:3]}"
    assert not changed, f"verdicts changed for reviewed cases: {changed[:3]}"
    assert all(r["why"] for r in reviewed.values()), "every reviewed case says why"
