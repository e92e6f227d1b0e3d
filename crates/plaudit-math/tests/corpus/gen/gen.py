# Generates the corpus files (except mathverify_errors.jsonl, written from the differential
# test's adjudicated disagreements): atomic (reference, answer, label) pairs from pairs.py, each
# wrapped in two real model answer styles. Run: python3 gen.py
import json, os, random, sys
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pairs import P
rng = random.Random(7)
REASON = [
  "Let's think step by step. We first note that $2+3=5$ and that the total of 17 items splits as $17 = 8 + 9$.",
  "We start from the given equation and isolate the unknown. Multiplying both sides by $4$ gives $4y = 12$, so after simplifying we compare the cases $n=1$ and $n=2$.",
  "Consider the function $f(t) = t^2 - 3t$. Its derivative is $f'(t) = 2t - 3$, which vanishes at $t = \\frac{3}{2}$. Checking the endpoints 0 and 10 gives the extremes.",
  "There are 12 apples and 7 oranges. Tom eats 3, so 16 fruits remain, and each of the 4 friends receives an equal share.",
  "By the Law of Cosines, $c^2 = a^2 + b^2 - 2ab\\cos C$. Substituting $a = 5$, $b = 7$ and $C = 60^\\circ$ we simplify step by step.",
]
def is_number(a):
    import re
    return re.fullmatch(r"-?[0-9][0-9,]*(\.[0-9]+)?", a) is not None
def styles(ans):
    r = rng.choice(REASON)
    out = [
      ("boxed", f"{r}\nTherefore, the answer is $\\boxed{{{ans}}}$."),
      ("minerva", f"{r}\nFinal Answer: The final answer is ${ans}$. I hope it is correct."),
      ("display_boxed", f"{r} Putting everything together:\n\\[\n\\boxed{{{ans}}}\n\\]"),
      ("tag", f"<think>{r}</think>\n<answer>{ans}</answer>"),
      ("answer_colon", f"{r}\n\n**Answer:** ${ans}$"),
    ]
    if is_number(ans):
        out.append(("gsm8k", f"{r}\n#### {ans}"))
        out.append(("last_number", f"{r} So in the end she has {ans}"))
    return out
rows = []
for ref, ans, exp, cat in P:
    st = styles(ans)
    picks = rng.sample(st, 2)
    for name, resp in picks:
        row = {"reference": ref, "response": resp, "expected": exp, "category": cat.split(":")[0], "style": name}
        if cat.endswith(":symmetric"):
            row["policy"] = "symmetric"
        rows.append(row)
by = {}
for r in rows:
    by.setdefault(r["category"], []).append(r)
for cat, rs in by.items():
    with open(f"{OUT}/{cat}.jsonl", "w") as f:
        for r in rs:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
print(len(rows), sum(1 for r in rows if not r["expected"]))
# Extraction edge cases and failure statuses, written out whole.
X = [
 ("7", "I am not sure how to solve this.", None, "no_answer"),
 ("\\frac12", "Let me think about the problem again; it seems hard.", None, "no_answer"),
 ("2, 3", "The roots are $\\boxed{2}$ and $\\boxed{3}$.", True, None),
 ("3", "The roots are $\\boxed{2}$ and $\\boxed{3}$.", False, None),
 ("5", "First I thought it was $\\boxed{4}$. Wait, that ignores the last term. Redoing the sum carefully gives 5 in total, so the answer is $\\boxed{5}$.", True, None),
 ("4", "First I thought it was $\\boxed{4}$. Wait, that ignores the last term. Redoing the sum carefully gives 5 in total, so the answer is $\\boxed{5}$.", False, None),
 ("\\frac{\\sqrt{3}}{2}", "Thus $\\sin 60^\\circ = \\boxed{\\frac{\\sqrt{3}}{2}}$.", True, None),
 ("x^2", "The result is \\fbox{$x^2$}.", True, None),
 ("\\frac12", "The answer is \\boxed{\\frac{1}{2", False, None),
 ("5", "so the count is \\boxed 5 in total", True, None),
 ("1234", "They sell 1,234 tickets.\n#### 1,234", True, None),
 ("42", "Summing the three cases gives 42.\nThe answer is 042.", True, None),
 ("24", "Summing the three cases gives 42.\nThe answer is 042.", False, None),
 ("x^2", "So $f(x) = x^2$ works. Therefore the answer is $\\boxed{f(x) = x^2}$.", True, None),
 ("5", "She ends up with $\\boxed{5 \\text{ apples}}$.", True, None),
 ("5", "Solving gives $\\boxed{x=5}$.", True, None),
 ("C", "Comparing all options, the correct option is (C).", True, None),
 ("D", "The answer is $\\boxed{B}$.", False, None),
 ("B", "Answer: (B) 12", True, None),
 ("B", "<answer>B</answer>", True, None),
 ("$\\frac{1}{2}$", "Hence the probability is \\boxed{0.5}.", True, None),
 ("\\boxed{7}", "Adding up: 3 + 4 = 7\n#### 7", True, None),
 ("\\(3\\sqrt{2}\\)", "The distance is $\\sqrt{18}$.", True, None),
 ("12", "We have $a=3$ and $b=4$, and the product is $P = 12$.", True, None),
 ("12", "We have $a=3$ and $b=4$, and the product is $ab = 12$.", False, None),
 ("12", "We have $a=3$ and $b=4$, so the product is 12.", True, None),
 ("13", "We have $a=3$ and $b=4$, so the product is 12.", False, None),
 ("\\frac{1}{2}", "<think>maybe \\boxed{1/3}</think><answer>\\frac{1}{2}</answer>", True, None),
 ("\\frac{1}{3}", "<think>maybe \\boxed{1/3}</think><answer>\\frac{1}{2}</answer>", False, None),
 ("6", "The final answer is: $6$", True, None),
 ("6", "**Final Answer**\n\\[\n\\boxed{6}\n\\]", True, None),
 ("-6", "**Final Answer**\n\\[\n\\boxed{6}\n\\]", False, None),
 ("1", "\\boxed{" + "{" * 10000 + "1" + "}" * 10000 + "}", None, "invalid_input"),
 ("1", "\\boxed{" + "(" * 10000 + "1" + ")" * 10000 + "}", None, "invalid_input"),
 ("10^{10^{10^{10}}}", "\\boxed{10^{10^{10^{10}}}}", True, None),
 ("10^{10^{10^{10}}}", "\\boxed{10^{10^{10^{11}}}}", False, None),
 ("2", "\\boxed{2^{2^{2^{2^{2^{2^{2^{2}}}}}}}}", False, None),
]
with open(f"{OUT}/extraction.jsonl", "w") as f:
    for ref, resp, exp, st in X:
        r = {"reference": ref, "response": resp, "category": "extraction"}
        if st: r["status"] = st
        else: r["expected"] = exp
        f.write(json.dumps(r, ensure_ascii=False) + "\n")
print("extraction", len(X))
