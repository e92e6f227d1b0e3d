#!/usr/bin/env python3
"""Seeded generator of a production-like long chain-of-thought corpus (issue 18, item 4).

Each sample is a `plaudit score` input line {"id", "response", "reference"}: 2-17 KB of reasoning
(log-normal lengths, about 4.4 KB on average), dense with inline `$...$` (and some `\\(...\\)`,
`$$...$$`) expressions and with numbers in the prose, often inside `<think>...</think>`, and the
final answer near the end in one of the forms models write: `\\boxed{}` (sometimes twice, or as
`\\fbox`), "the answer is", "Final Answer: The final answer is $x$. I hope it is correct.",
`<answer>...</answer>` tags, `####`, or an answer in a last math environment only. References and
answers come from scripts/gen/mathgen.py's generators (a positive renders the value another way,
a negative perturbs it), so labels hold by construction. No third-party imports.

    python3 scripts/gen/long_cot.py --n 10000 --seed 18 > bench-data/long_cot.jsonl
"""
import argparse
import json
import math
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mathgen  # noqa: E402

WORDS = ("so we then compute check the value of this term again since both sides are equal hence "
         "note that if and only when each factor gives us a new bound first second next substitute "
         "simplify expand collect terms carefully recall wait hmm let me verify that step").split()
VARS = "abcdfghkmnpqrstuvwxyz"
OPS = ["+", "-", "\\cdot", "="]


def inline(rng):
    """One inline math expression, the kind a model writes mid-sentence."""
    r = rng.randrange(9)
    a, b, c = rng.randint(1, 99), rng.randint(2, 30), rng.randint(1, 999)
    x, y = rng.choice(VARS), rng.choice(VARS)
    if r == 0:
        return f"${x}$"
    if r == 1:
        return f"${a}{x} {rng.choice(OPS)} {b} = {c}$"
    if r == 2:
        return f"$\\frac{{{a}}}{{{b}}}$"
    if r == 3:
        return f"${x}^2 + {b}{x} - {a} = 0$"
    if r == 4:
        return f"$\\sqrt{{{c}}} \\approx {math.sqrt(c):.3f}$"
    if r == 5:
        return f"${x}_{{{b}}} = {x}_{{{b - 1}}} + {a}$"
    if r == 6:
        return f"\\({x} + {y} = {a + b}\\)"
    if r == 7:
        return f"$\\binom{{{b}}}{{2}} = {b * (b - 1) // 2}$"
    return f"${a} \\times {b} = {a * b}$"


def sentence(rng):
    n = rng.randint(6, 22)
    out = []
    for _ in range(n):
        r = rng.random()
        if r < 0.17:
            out.append(inline(rng))
        elif r < 0.24:
            out.append(str(rng.randint(0, 5000)))
        else:
            out.append(rng.choice(WORDS))
    s = " ".join(out)
    return s[0].upper() + s[1:] + rng.choice([".", ".", ".", ",", ":", "?"])


def paragraph(rng):
    r = rng.random()
    if r < 0.08:
        a, b = rng.randint(2, 40), rng.randint(2, 40)
        return f"$$\n\\sum_{{k=1}}^{{{a}}} k^2 = \\frac{{{a}({a}+1)(2\\cdot {a}+1)}}{{6}} = {a * (a + 1) * (2 * a + 1) // 6}, \\quad {b}^2 = {b * b}\n$$"
    if r < 0.16:
        return rng.choice(mathgen.REASONING)
    return " ".join(sentence(rng) for _ in range(rng.randint(2, 6)))


def reasoning(rng, target):
    parts, n = [], 0
    while n < target:
        p = paragraph(rng)
        parts.append(p)
        n += len(p) + 2
    return "\n\n".join(parts)


def ending(rng, ans):
    """The end of the response, carrying `ans`, and the form's name."""
    r = rng.randrange(10)
    if r == 0:
        return "boxed", f"Therefore, the answer is $\\boxed{{{ans}}}$."
    if r == 1:
        return "final_answer", f"Final Answer: The final answer is ${ans}$. I hope it is correct."
    if r == 2:
        return "boxed_display", f"**Final Answer**\n\\[\n\\boxed{{{ans}}}\n\\]"
    if r == 3:
        return "answer_is", f"So the answer is ${ans}$."
    if r == 4:
        return "answer_tag", f"<answer>\n{ans}\n</answer>"
    if r == 5:
        return "answer_tag_boxed", f"<answer>The answer is $\\boxed{{{ans}}}$.</answer>"
    if r == 6:
        return "hashes", f"#### {ans}"
    if r == 7:
        return "fbox", f"Hence we obtain \\(\\fbox{{{ans}}}\\)."
    if r == 8:
        return "answer_colon", f"**Answer:** ${ans}$"
    return "env_only", f"Putting everything together, we conclude that $${ans}$$"


def lognormal_len(rng):
    # Log-normal around 3.8 KB, clipped to 2-17 KB: mean about 4.4 KB.
    while True:
        n = int(math.exp(rng.gauss(math.log(3800), 0.45)))
        if 2000 <= n <= 17000:
            return n


def samples(n, seed):
    rng = random.Random(seed)
    table = [(k, g) for k, g, w in mathgen.GENERATORS for _ in range(w)]
    out = []
    for i in range(n):
        kind, g = rng.choice(table)
        gold, ans, label = g(rng)
        form, end = ending(rng, ans)
        size = lognormal_len(rng)
        body = reasoning(rng, max(size - len(end) - 200, 1000))
        # An intermediate box in the reasoning, superseded by the final answer.
        if rng.random() < 0.15:
            body += f"\n\nA first attempt gives $\\boxed{{{rng.randint(1, 99)}}}$, but let me re-check."
        tail = " ".join(sentence(rng) for _ in range(rng.randint(1, 2)))
        if rng.random() < 0.5:
            resp = f"<think>\n{body}\n</think>\n\n{tail}\n\n{end}"
        else:
            resp = f"{body}\n\n{tail}\n\n{end}"
        while len(resp) < 2000:
            resp = sentence(rng) + " " + resp
        out.append({"id": i, "response": resp, "reference": gold, "kind": kind, "form": form,
                    "label": bool(label)})
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=18)
    ap.add_argument("--meta", action="store_true", help="keep kind/form/label fields in each line")
    a = ap.parse_args()
    w = sys.stdout
    for s in samples(a.n, a.seed):
        if not a.meta:
            s = {"id": s["id"], "response": s["response"], "reference": s["reference"]}
        w.write(json.dumps(s) + "\n")


if __name__ == "__main__":
    main()
