#!/usr/bin/env python3
"""Generate the anchor fixtures for Plaudit's similarity rewards.

Writes crates/plaudit-rewards/tests/fixtures/similarity_{bleu,chrf,rouge_l,edit}.jsonl: one JSON
object per line, {"params": {...}, "hyp": str, "refs": [str, ...], "value": float}, where
`params` are the Plaudit reward's parameters and `value` is what the anchor gives:

- bleu:    sacrebleu's BLEU(...).sentence_score(hyp, refs).score / 100 (sentence_bleu defaults
           plus variations of smoothing, tokeniser, case, max order, effective order);
- chrf:    sacrebleu's CHRF(...).sentence_score(hyp, refs).score / 100;
- rouge_l: rouge_score.rouge_scorer.RougeScorer(['rougeL']).score_multi(refs, hyp)['rougeL'];
- edit:    a plain full-matrix Levenshtein in Python (no third-party anchor; a cross-check of the
           O(min(n, m)) Rust version).

Deterministic (fixed seed). Run with the project venv (scripts/venv.sh):
    .venv/bin/python scripts/gen/similarity_fixtures.py
and check crates/plaudit-rewards/tests/similarity_anchor.rs against the result.
"""

import json
import logging
import os
import random

import sacrebleu
from rouge_score import rouge_scorer
from sacrebleu.metrics import BLEU, CHRF

logging.getLogger("sacrebleu").setLevel(logging.ERROR)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "crates", "plaudit-rewards", "tests", "fixtures")
SEED = 20240611
N_RANDOM = 260
N_UNICODE = 120

WORDS = (
    "the a an cat cats dog sat sits on mat mats house houses big small red green quick brown fox "
    "jumps over lazy is was were be not and or of to in it its it's don't can't self-driving "
    "state-of-the-art New York U.S. e.g. Mr. Dr. O'Neil"
).split()
NUMBERS = ["3", "42", "3.5", "1,000", "1.000,5", "2024", "1-2", "10-", "-5", "0.5.", "7,", "99%"]
PUNCT = [",", ".", "!", "?", ";", ":", "(", ")", "\"", "'", "-", "--", "...", "/", "&", "@", "#",
         "[", "]", "{", "}", "<", ">", "|", "~", "`", "^", "_", "*", "+", "=", "$", "\\"]
UNICODE = ["café", "naïve", "Straße", "ΟΔΟΣ", "Σίσυφος", "İstanbul", "ǅungla", "\u212aelvin",
           "日本語", "中文分词", "😀", "👍🏽", "ｆｕｌｌ", "Ärger", "ﬁne", "ŉ", "—", "“quoted”",
           "«guillemets»", "¿qué?", "¡hola!", "½", "²", "٣", "①", "x\u0301", "Ꭰ", "ꭰ", "ß"]
SPECIAL = ["&amp;", "&lt;", "&gt;", "&quot;", "&amp;lt;", "<skipped>", "<SKIPPED>", "-\n", "\n",
           "\t", "\u00a0", "\u3000", "\u2009", "\u001c", "\u001f", "\u0085", "\u200b", "  "]


def token(rng):
    r = rng.random()
    if r < 0.62:
        w = rng.choice(WORDS)
        if rng.random() < 0.15:
            w = w.capitalize() if rng.random() < 0.7 else w.upper()
        return w
    if r < 0.72:
        return rng.choice(NUMBERS)
    if r < 0.84:
        return rng.choice(PUNCT)
    if r < 0.94:
        return rng.choice(UNICODE)
    return rng.choice(SPECIAL)


def join(rng, toks):
    out = ""
    for i, t in enumerate(toks):
        if i > 0:
            out += rng.choice([" ", " ", " ", " ", "", "  ", "\t"]) if rng.random() < 0.3 else " "
        out += t
    if rng.random() < 0.1:
        out = rng.choice([" ", "\n", "  \t"]) + out
    if rng.random() < 0.1:
        out += rng.choice([" ", "\n", " \u00a0", "\u001c"])
    return out


def sentence(rng, lo=0, hi=18):
    return [token(rng) for _ in range(rng.randint(lo, hi))]


def perturb(rng, toks):
    toks = list(toks)
    for _ in range(rng.randint(0, 4)):
        op = rng.random()
        if op < 0.3 and toks:
            del toks[rng.randrange(len(toks))]
        elif op < 0.55:
            toks.insert(rng.randint(0, len(toks)), token(rng))
        elif op < 0.8 and toks:
            toks[rng.randrange(len(toks))] = token(rng)
        elif len(toks) > 1:
            i = rng.randrange(len(toks) - 1)
            toks[i], toks[i + 1] = toks[i + 1], toks[i]
    if rng.random() < 0.15:
        toks = [t.lower() if rng.random() < 0.5 else t.upper() for t in toks]
    return toks


FIXED = [
    ("", [""]),
    ("", ["a b c"]),
    ("a b c", [""]),
    ("The cat sat on the mat.", ["The cat sat on the mat."]),
    ("The cat is on the mat.", ["The cat sat on the mat."]),
    ("The cat is on the mat.", ["The cat sat on the mat.", "There is a cat on the mat."]),
    ("THE CAT", ["the cat sat"]),
    ("The cats sat on a mat", ["The cat sat on the mat."]),
    ("colour", ["color", "colours"]),
    ("the cat was found under the bed", ["the cat was under the bed"]),
    ("police killed the gunman", ["the gunman kill police", "police kill the gunman"]),
    ("¡¿…!?", ["anything"]),
    ("the the the the the the the", ["the cat is on the mat"]),
    ("a", ["a"]),
    ("a b", ["a b"]),
    ("a b c", ["a b c d"]),
    ("1,000 people paid $3.5 each (approx.) -- 10-20% more.", ["1,000 people paid $3.50 each, approx. 10-20% more."]),
    ("It's a state-of-the-art self-driving car.", ["It is a state-of-the-art, self-driving car!"]),
    ("x &amp;lt; y &quot;z&quot;", ["x < y \"z\""]),
    ("end-\nof line<skipped>", ["endof line"]),
    ("日本語のテキスト", ["日本語のテキストです"]),
    ("Σίσυφος ΟΔΟΣ", ["σίσυφος οδος"]),
    ("İstanbul \u212aelvin", ["istanbul kelvin"]),
    ("   ", ["\t\n"]),
    ("word", ["word", "word", ""]),
    ("a b c d e f g h", ["h g f e d c b a", "a b c d", "e f g h"]),
    ("(hi) there, friend.", ["hi there friend"]),
    ("..., ,,, ...", [".,.,"]),
]

BLEU_VARIANTS = [
    {},
    {"smooth": "floor"},
    {"smooth": "floor", "smooth_value": 0.01},
    {"smooth": "add-k"},
    {"smooth": "add-k", "smooth_value": 0.5},
    {"smooth": "none"},
    {"tokenize": "none"},
    {"tokenize": "char"},
    {"tokenize": "intl"},
    {"lowercase": True},
    {"max_order": 2},
    {"max_order": 6},
    {"effective_order": False},
    {"effective_order": False, "smooth": "floor"},
]
CHRF_VARIANTS = [
    {},
    {"word_order": 2},
    {"word_order": 1, "char_order": 3},
    {"beta": 1},
    {"beta": 3},
    {"lowercase": True},
    {"whitespace": True},
    {"eps_smoothing": True},
    {"word_order": 2, "eps_smoothing": True},
    {"char_order": 0, "word_order": 2},
]
ROUGE_VARIANTS = [{}, {"measure": "precision"}, {"measure": "recall"}]


def bleu_value(params, hyp, refs):
    smooth = params.get("smooth", "exp")
    metric = BLEU(
        lowercase=params.get("lowercase", False),
        tokenize=params.get("tokenize", "13a"),
        smooth_method=smooth,
        smooth_value=params.get("smooth_value"),
        max_ngram_order=params.get("max_order", 4),
        effective_order=params.get("effective_order", True),
    )
    return metric.sentence_score(hyp, refs).score / 100.0


def chrf_value(params, hyp, refs):
    metric = CHRF(
        char_order=params.get("char_order", 6),
        word_order=params.get("word_order", 0),
        beta=params.get("beta", 2),
        lowercase=params.get("lowercase", False),
        whitespace=params.get("whitespace", False),
        eps_smoothing=params.get("eps_smoothing", False),
    )
    return metric.sentence_score(hyp, refs).score / 100.0


SCORER = rouge_scorer.RougeScorer(["rougeL"], use_stemmer=False)


def rouge_value(params, hyp, refs):
    s = SCORER.score_multi(refs, hyp)["rougeL"]
    return {"f": s.fmeasure, "precision": s.precision, "recall": s.recall}[params.get("measure", "f")]


def levenshtein(a, b):
    d = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        d[i][0] = i
    for j in range(len(b) + 1):
        d[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1]))
    return d[len(a)][len(b)]


def edit_value(params, hyp, refs):
    if params.get("lowercase"):
        hyp, refs = hyp.lower(), [r.lower() for r in refs]
    # Rust's split_whitespace: White_Space, which is Python's isspace minus U+001C..U+001F.
    split = (lambda s: [w for w in "".join(" " if c.isspace() and c not in "\x1c\x1d\x1e\x1f" else c
                                              for c in s).split(" ") if w])
    unit = split if params.get("level") == "words" else list
    best = 0.0
    for r in refs:
        a, b = unit(hyp), unit(r)
        n = max(len(a), len(b))
        best = max(best, 1.0 if n == 0 else 1.0 - levenshtein(a, b) / n)
    return best


EDIT_VARIANTS = [{}, {"level": "words"}, {"lowercase": True}]


def any_char(rng):
    """A random code point: ASCII half the time, else anywhere in Unicode (no surrogates), so
    categories, case mappings and whitespace of rare and recently assigned characters are hit."""
    r = rng.random()
    if r < 0.5:
        return chr(rng.randint(0x20, 0x7E))
    if r < 0.8:
        return chr(rng.randint(0xA0, 0x2FFF))
    while True:
        c = rng.randint(0x3000, 0x10FFFF)
        if not 0xD800 <= c <= 0xDFFF:
            return chr(c)


def unicode_text(rng):
    return "".join(any_char(rng) if rng.random() < 0.5 else rng.choice(WORDS) + " "
                   for _ in range(rng.randint(0, 30)))


def cases(rng):
    out = list(FIXED)
    for _ in range(N_RANDOM):
        base = sentence(rng, 0, 20)
        n_refs = rng.choice([1, 1, 1, 2, 3])
        refs = [join(rng, perturb(rng, base) if rng.random() < 0.8 else sentence(rng)) for _ in range(n_refs)]
        r = rng.random()
        if r < 0.75:
            hyp = join(rng, perturb(rng, base))
        elif r < 0.85:
            hyp = refs[0]
        elif r < 0.93:
            hyp = join(rng, sentence(rng))
        else:
            hyp = join(rng, base * rng.randint(2, 4))
        out.append((hyp, refs))
    for _ in range(N_UNICODE):
        t = unicode_text(rng)
        refs = [t if rng.random() < 0.3 else unicode_text(rng) for _ in range(rng.choice([1, 2]))]
        r = rng.random()
        hyp = t[::-1] if r < 0.2 else t.upper() if r < 0.4 else unicode_text(rng)
        out.append((hyp, refs))
    return out


def main():
    rng = random.Random(SEED)
    all_cases = cases(rng)
    os.makedirs(OUT, exist_ok=True)
    metrics = {
        "bleu": (BLEU_VARIANTS, bleu_value, [{"tokenize": "intl"}, {"lowercase": True}]),
        "chrf": (CHRF_VARIANTS, chrf_value, [{"lowercase": True, "word_order": 2}]),
        "rouge_l": (ROUGE_VARIANTS, rouge_value, []),
        "edit": (EDIT_VARIANTS, edit_value, [{"lowercase": True}]),
    }
    first_unicode = len(all_cases) - N_UNICODE
    for name, (variants, fn, unicode_variants) in metrics.items():
        rows = []
        for i, (hyp, refs) in enumerate(all_cases):
            # Every case under the defaults; each case also under one rotating variant, and the
            # random-Unicode cases under the Unicode-sensitive options.
            params_list = [{}]
            if i % len(variants):
                params_list.append(variants[i % len(variants)])
            if i >= first_unicode:
                params_list += [p for p in unicode_variants if p not in params_list]
            for params in params_list:
                rows.append({"params": params, "hyp": hyp, "refs": refs, "value": fn(params, hyp, refs)})
        path = os.path.join(OUT, f"similarity_{name}.jsonl")
        with open(path, "w", encoding="utf-8") as f:
            for row in rows:
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
        print(f"{path}: {len(rows)} rows (sacrebleu {sacrebleu.__version__})")


if __name__ == "__main__":
    main()
