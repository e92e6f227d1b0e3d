"""Seeded generator of (reference, response, label, kind) math answer pairs, shared by
scripts/check/diff_math.py and the benchmarks in scripts/bench/. Labels hold by construction: a positive renders
one value two ways, a negative perturbs it. No third-party imports."""
import math
import random
from fractions import Fraction

REASONING = [
    "We begin by writing down what is given. Let the unknown quantity be $x$. From the statement, $3x + 5 = 2x + 12$, so moving terms gives the value of $x$, which we substitute back.",
    "Consider the sum $S = 1 + 2 + \\cdots + n = \\frac{n(n+1)}{2}$. For $n = 10$ this is $55$, and the pattern continues for larger cases. We now check the boundary cases one by one.",
    "There are 24 students in the class and 3/8 of them walk to school, so 9 walk. The remaining 15 students take the bus or are driven, split in the ratio 2:1, giving 10 and 5.",
    "By the Pythagorean theorem, $a^2 + b^2 = c^2$, so with $a = 6$ and $b = 8$ we get $c = 10$. The area of the triangle is $\\frac{1}{2} \\cdot 6 \\cdot 8 = 24$.",
    "Let $f(t) = t^3 - 3t$. Then $f'(t) = 3t^2 - 3$, which vanishes at $t = \\pm 1$. Evaluating $f(-1) = 2$ and $f(1) = -2$, and comparing with the endpoints, we find the extreme values.",
    "Wait, let me double-check the arithmetic. $17 \\times 23 = 391$ and $391 - 91 = 300$. Hmm, that matches the earlier estimate, so the computation is consistent.",
    "We use the identity $\\sin^2\\theta + \\cos^2\\theta = 1$. Since $\\cos\\theta = \\frac{3}{5}$, we get $\\sin\\theta = \\frac{4}{5}$, and therefore $\\tan\\theta = \\frac{4}{3}$.",
    "Counting the arrangements: there are $\\binom{5}{2} = 10$ ways to choose the positions, and $3! = 6$ ways to order the rest, for $60$ in all, before removing the overcounted ones.",
]


def reasoning(rng, lo, hi):
    """Reasoning text of roughly lo..hi bytes."""
    target = rng.randint(lo, hi)
    parts = []
    n = 0
    while n < target:
        p = rng.choice(REASONING)
        parts.append(p)
        n += len(p) + 2
    return "\n\n".join(parts)


def wrap(rng, ans, long=False):
    """A model-style response ending in `ans`."""
    pre = reasoning(rng, 2000, 6000) if long else reasoning(rng, 150, 600)
    style = rng.randrange(6)
    if style == 0:
        return f"{pre}\n\nTherefore, the answer is $\\boxed{{{ans}}}$."
    if style == 1:
        return f"{pre}\nFinal Answer: The final answer is ${ans}$. I hope it is correct."
    if style == 2:
        return f"{pre}\n\n**Final Answer**\n\\[\n\\boxed{{{ans}}}\n\\]"
    if style == 3:
        return f"<think>\n{pre}\n</think>\nThe answer is $\\boxed{{{ans}}}$."
    if style == 4:
        return f"{pre}\n\nSo the final answer is $\\boxed{{{ans}}}$"
    return f"{pre}\n\nHence we obtain \\(\\boxed{{{ans}}}\\)."


def frac_tex(q, style=0):
    q = Fraction(q)
    if q.denominator == 1:
        return str(q.numerator)
    s = "-" if q < 0 else ""
    a, b = abs(q.numerator), q.denominator
    return [f"{s}\\frac{{{a}}}{{{b}}}", f"{s}\\dfrac{{{a}}}{{{b}}}", f"{s}{a}/{b}"][style % 3]


def squarefree(rng):
    return rng.choice([2, 3, 5, 6, 7, 10, 11, 13, 14, 15, 17, 19, 21, 22])


def gen_int(rng):
    n = rng.choice([rng.randint(0, 100), rng.randint(100, 99999), rng.randint(10**6, 10**9)])
    if rng.random() < 0.2:
        n = -n
    r = rng.random()
    if r < 0.15:
        return str(n), f"{n:,}", True
    if r < 0.25:
        return str(n), f"{n}.0", True
    if r < 0.35 and n > 1:
        d = rng.choice([k for k in range(2, 13) if n % k == 0] or [1])
        return str(n), f"{d} \\cdot {n // d}", True
    if r < 0.55:
        return str(n), str(n + rng.choice([-2, -1, 1, 2, 10])), False
    if r < 0.62 and n != 0:
        return str(n), str(-n), False
    return str(n), str(n), True


def gen_frac(rng):
    q = Fraction(rng.randint(1, 40), rng.randint(2, 40))
    if q.denominator == 1:
        q += Fraction(1, 7)
    if rng.random() < 0.25:
        q = -q
    g = frac_tex(q, rng.randrange(3))
    r = rng.random()
    if r < 0.2:
        k = rng.randint(2, 5)
        s = "-" if q < 0 else ""
        return g, f"{s}\\frac{{{abs(q.numerator) * k}}}{{{q.denominator * k}}}", True
    if r < 0.35:
        d = q.denominator
        while d % 2 == 0:
            d //= 2
        while d % 5 == 0:
            d //= 5
        if d == 1:
            return g, str(float(q)).rstrip("0").rstrip("."), True
        return g, f"{float(q):.6f}", True  # rounded to 6 places: matches the exact value
    if r < 0.45:
        return g, f"{float(q):.2f}", False if abs(round(float(q), 2) - float(q)) > 1e-12 else True
    if r < 0.55 and q.numerator != q.denominator and abs(q.numerator) != 1:
        return g, frac_tex(1 / q), False
    if r < 0.65:
        return g, frac_tex(q + Fraction(1, q.denominator)), False
    if r < 0.75 and abs(q) > 1:
        w = int(abs(q))
        rest = abs(q) - w
        s = "-" if q < 0 else ""
        if rest:
            return g, f"{s}{w}\\frac{{{rest.numerator}}}{{{rest.denominator}}}", True
    return g, frac_tex(q, rng.randrange(3)), True


def gen_sqrt(rng):
    a, b = rng.randint(2, 9), squarefree(rng)
    g = f"{a}\\sqrt{{{b}}}"
    r = rng.random()
    if r < 0.35:
        return g, f"\\sqrt{{{a * a * b}}}", True
    if r < 0.5:
        return g, f"\\sqrt{{{a * a * b + 1}}}", False
    if r < 0.6 and a != b:
        return g, f"{b}\\sqrt{{{a}}}", False
    if r < 0.7:
        return g, f"\\frac{{{a * b}}}{{\\sqrt{{{b}}}}}", True
    if r < 0.8:
        return g, f"{a}\\sqrt{{{b + 1 if b + 1 != 4 else 6}}}", False
    return g, f"{a} \\sqrt{{{b}}}", True


def gen_pi(rng):
    p, q = rng.randint(1, 11), rng.choice([2, 3, 4, 6, 12])
    f = Fraction(p, q)
    g = f"\\frac{{{f.numerator}\\pi}}{{{f.denominator}}}" if f.denominator > 1 else f"{f.numerator}\\pi"
    r = rng.random()
    if r < 0.3:
        return g, (f"\\frac{{{f.numerator}}}{{{f.denominator}}}\\pi" if f.denominator > 1 else f"{f.numerator} \\pi"), True
    if r < 0.45:
        return g, f"{float(f) * math.pi:.10f}", True
    if r < 0.6:
        return g, f"{float(f) * math.pi:.2f}", False
    if r < 0.75 and f.numerator != f.denominator:
        h = 1 / f
        return g, (f"\\frac{{{h.numerator}\\pi}}{{{h.denominator}}}" if h.denominator > 1 else f"{h.numerator}\\pi"), False
    return g, g.replace("\\pi", " \\pi"), True


def gen_e(rng):
    k = rng.randint(1, 4)
    g = f"1 - \\frac{{1}}{{e^{{{k}}}}}" if k > 1 else "1 - \\frac{1}{e}"
    r = rng.random()
    if r < 0.35:
        return g, (f"\\frac{{e^{{{k}}} - 1}}{{e^{{{k}}}}}" if k > 1 else "\\frac{e-1}{e}"), True
    if r < 0.7:
        return g, (f"1 + \\frac{{1}}{{e^{{{k}}}}}" if k > 1 else "1 + \\frac{1}{e}"), False
    if r < 0.85:
        return g, f"1 - e^{{-{k}}}", True
    return g, f"1 - e^{{{k}}}", False


def gen_poly(rng):
    a, b = rng.randint(-9, 9), rng.randint(-9, 9)
    v = rng.choice("xyt")
    def lin(c):
        return f"({v} + {c})" if c >= 0 else f"({v} - {-c})"
    s, p = a + b, a * b
    expanded = f"{v}^2 {'+' if s >= 0 else '-'} {abs(s)}{v} {'+' if p >= 0 else '-'} {abs(p)}"
    r = rng.random()
    if r < 0.4:
        return expanded, f"{lin(a)}{lin(b)}", True
    if r < 0.6:
        return f"{lin(a)}{lin(b)}", expanded, True
    if r < 0.8:
        return expanded, f"{lin(a)}{lin(b + 1)}", False
    return expanded, f"{lin(-a)}{lin(-b)}" if (a, b) != (0, 0) and s != 0 else f"{lin(a)}{lin(b)} + 1", False


def gen_line(rng):
    m, c = rng.randint(-6, 6) or 2, rng.randint(-9, 9)
    g = f"y = {m}x {'+' if c >= 0 else '-'} {abs(c)}"
    r = rng.random()
    if r < 0.3:
        k = rng.choice([1, 2, -1, 3])
        return g, f"{k * m}x - {k}y {'+' if k * c >= 0 else '-'} {abs(k * c)} = 0", True
    if r < 0.55:
        return g, f"y = {m + 1}x {'+' if c >= 0 else '-'} {abs(c)}", False
    if r < 0.75:
        return g, f"y = {m}x {'+' if c + 1 >= 0 else '-'} {abs(c + 1)}", False
    return g, f"y - {m}x = {c}", True


def gen_solved(rng):
    v = rng.choice("xnka")
    q = Fraction(rng.randint(-20, 20), rng.choice([1, 1, 2, 3]))
    r = rng.random()
    if r < 0.35:
        return frac_tex(q), f"{v} = {frac_tex(q)}", True
    if r < 0.6:
        return f"{v} = {frac_tex(q)}", frac_tex(q), True
    if r < 0.8:
        return frac_tex(q), f"{v} = {frac_tex(q + 1)}", False
    return frac_tex(q), f"2{v} = {frac_tex(2 * q)}", False


def gen_interval(rng):
    a = rng.randint(-9, 5)
    b = a + rng.randint(1, 9)
    lo, hi = rng.choice("(["), rng.choice(")]")
    g = f"{lo}{a}, {b}{hi}"
    le = "\\le"
    ineq = f"{a} {'<' if lo == '(' else le} x {'<' if hi == ')' else le} {b}"
    r = rng.random()
    if r < 0.3:
        # A response inequality against an interval reference restates the question under the
        # safe policy (math-verify refuses it too).
        return g, ineq, False
    if r < 0.45:
        return ineq, g, True
    if r < 0.65:
        flip = {"(": "[", "[": "("}[lo]
        return g, f"{flip}{a}, {b}{hi}", False
    if r < 0.8:
        return f"x < {a} \\text{{ or }} x > {b}", f"(-\\infty, {a}) \\cup ({b}, \\infty)", True
    return f"(-\\infty, {a}) \\cup ({b}, \\infty)", f"(-\\infty, {a}] \\cup [{b}, \\infty)", False


def gen_set(rng):
    items = rng.sample(range(-10, 20), rng.randint(2, 4))
    g = "\\{" + ", ".join(map(str, items)) + "\\}"
    r = rng.random()
    perm = items[:]
    rng.shuffle(perm)
    if r < 0.35:
        return g, ", ".join(map(str, perm)), True
    if r < 0.5:
        return ", ".join(map(str, items)), "\\{" + ", ".join(map(str, perm)) + "\\}", True
    if r < 0.7:
        return g, ", ".join(map(str, perm[:-1])), False
    if r < 0.85:
        return g, str(items[0]), False
    return g, "\\{" + ", ".join(map(str, perm[:-1] + [perm[-1] + 100])) + "\\}", False


def gen_tuple(rng):
    a, b = rng.randint(-9, 9), rng.randint(-9, 9)
    while b == a:
        b = rng.randint(-9, 9)
    g = f"({a}, {b})"
    r = rng.random()
    if r < 0.4:
        return g, f"\\left({a}, {b}\\right)", True
    if r < 0.7:
        return g, f"({b}, {a})", False
    return g, f"({frac_tex(Fraction(2 * a, 2))}, {b})", True


def gen_matrix(rng):
    m = [[rng.randint(-5, 9) for _ in range(2)] for _ in range(2)]
    def tex(m, env="pmatrix"):
        return f"\\begin{{{env}}} " + " \\\\ ".join(" & ".join(map(str, r)) for r in m) + f" \\end{{{env}}}"
    g = tex(m)
    r = rng.random()
    if r < 0.4:
        return g, tex(m, "bmatrix"), True
    if r < 0.7:
        m2 = [row[:] for row in m]
        m2[1][0] += 1
        return g, tex(m2), False
    return g, tex(m), True


def gen_percent(rng):
    p = rng.randint(1, 99)
    r = rng.random()
    if r < 0.4:
        return f"{p}\\%", str(p), True
    if r < 0.6:
        return str(p), f"{p}\\%", True
    return f"{p}\\%", f"{p + 1}\\%", False


def gen_complex(rng):
    a, b = rng.randint(-9, 9), rng.randint(1, 9)
    g = f"{a} + {b}i"
    r = rng.random()
    if r < 0.4:
        return g, f"{b}i + {a}" if a >= 0 else f"{b}i - {-a}", True
    if r < 0.7:
        return g, f"{a} - {b}i", False
    return g, f"{a}+{b}i", True


def gen_units(rng):
    n = rng.randint(1, 500)
    unit = rng.choice(["cm", "meters", "dollars", "square units", "degrees", "minutes"])
    r = rng.random()
    if r < 0.45:
        return str(n), f"{n} \\text{{ {unit}}}", True
    if r < 0.7:
        return f"{n} \\text{{ {unit}}}", str(n), True
    return str(n), f"{n + 1} \\text{{ {unit}}}", False


def gen_pm(rng):
    a, b = rng.randint(-5, 5), squarefree(rng)
    g = f"{a} \\pm \\sqrt{{{b}}}"
    r = rng.random()
    if r < 0.4:
        return g, f"{a} + \\sqrt{{{b}}}, {a} - \\sqrt{{{b}}}", True
    if r < 0.7:
        return g, f"{a} + \\sqrt{{{b}}}", False
    return g, f"x = {a} \\pm \\sqrt{{{b}}}", True


def gen_bigint(rng):
    k = rng.randint(40, 200)
    n = 2 ** k
    r = rng.random()
    if r < 0.4:
        return f"2^{{{k}}}", str(n), True
    if r < 0.8:
        return f"2^{{{k}}}", str(n + 1), False
    return str(n), f"2^{{{k}}}", True


def gen_trig(rng):
    ang, sin_v, cos_v = rng.choice([
        ("\\frac{\\pi}{6}", "\\frac{1}{2}", "\\frac{\\sqrt{3}}{2}"), ("\\frac{\\pi}{4}", "\\frac{\\sqrt{2}}{2}", "\\frac{\\sqrt{2}}{2}"),
        ("\\frac{\\pi}{3}", "\\frac{\\sqrt{3}}{2}", "\\frac{1}{2}"), ("\\frac{\\pi}{2}", "1", "0")])
    if rng.random() < 0.5:
        return sin_v, f"\\sin\\left({ang}\\right)", True
    return sin_v, f"\\cos\\left({ang}\\right)", sin_v == cos_v


def gen_log(rng):
    b, k = rng.choice([2, 3, 5, 10]), rng.randint(1, 6)
    r = rng.random()
    if r < 0.5:
        return str(k), f"\\log_{{{b}}} {b ** k}", True
    return str(k), f"\\log_{{{b}}} {b ** k + 1}", False


def gen_choice(rng):
    c = rng.choice("ABCDE")
    r = rng.random()
    if r < 0.5:
        return c, f"({c})", True
    return c, f"({rng.choice([x for x in 'ABCDE' if x != c])})", False


def gen_forms(rng):
    """Answer forms models write that a verifier must read: mixed numbers, LaTeX thousands
    separators, odd roots of negatives, degrees, text-mode numbers, malformed fractions."""
    r = rng.randrange(12)
    n = rng.randint(2, 9)
    if r == 0:
        w, p, q = rng.randint(1, 9), 1, rng.choice([2, 3, 4, 5])
        return frac_tex(Fraction(w * q + p, q)), f"{w}\\frac{{{p}}}{{{q}}}", True
    if r == 1:
        k = rng.randint(1000, 999999)
        return str(k), f"{k:,}".replace(",", "{,}"), True
    if r == 2:
        return f"-{n}", f"\\sqrt[3]{{-{n ** 3}}}", True
    if r == 3:
        return f"{n}", f"\\sqrt[3]{{-{n ** 3}}}", False
    if r == 4:
        deg = rng.choice([30, 45, 60, 90, 120, 135, 150])
        f = Fraction(deg, 180)
        return (f"\\frac{{{f.numerator}\\pi}}{{{f.denominator}}}" if f.denominator > 1 else f"{f.numerator}\\pi"), f"{deg}^\\circ", True
    if r == 5:
        return str(n), f"\\text{{{n}}}", True
    if r == 6:
        a, b = rng.randint(1, 9), rng.randint(2, 9)
        return f"\\frac{{{a}}}{{{b}}}", f"\\frac{a}{b}", True
    if r == 7:
        a, b = rng.randint(1, 9), rng.randint(2, 9)
        return f"\\frac{{{a}}}{{{b}}}", f"\\frac{b}{a}", a == b
    if r == 8:
        return f"{n}", f"{n} \\text{{ and }} {n + 1}", False
    if r == 9:
        return f"x = {n}", f"x = {n} \\text{{ or }} x = {n + 2}", False
    if r == 10:
        p = rng.randint(1, 99)
        return f"{p}\\%", f"{p / 100:g}", True
    return f"\\{{{n}, {n + 1}\\}}", f"x \\in \\{{{n + 1}, {n}\\}}", True


GENERATORS = [
    ("int", gen_int, 3), ("frac", gen_frac, 3), ("sqrt", gen_sqrt, 2), ("pi", gen_pi, 2), ("e", gen_e, 1),
    ("poly", gen_poly, 2), ("line", gen_line, 2), ("solved", gen_solved, 2), ("interval", gen_interval, 2),
    ("set", gen_set, 2), ("tuple", gen_tuple, 1), ("matrix", gen_matrix, 1), ("percent", gen_percent, 1),
    ("complex", gen_complex, 1), ("units", gen_units, 1), ("pm", gen_pm, 1), ("bigint", gen_bigint, 1),
    ("trig", gen_trig, 1), ("log", gen_log, 1), ("choice", gen_choice, 1), ("forms", gen_forms, 3),
]


def pairs(n, seed, long=False):
    rng = random.Random(seed)
    table = [(k, g) for k, g, w in GENERATORS for _ in range(w)]
    out = []
    for i in range(n):
        kind, g = rng.choice(table)
        gold, ans, label = g(rng)
        out.append({"id": i, "kind": kind, "reference": gold, "answer": ans,
                    "response": wrap(rng, ans, long), "label": bool(label)})
    return out
