//! Redundant-reasoning penalty (DECS): minus `weight` times the share (or the count past a budget) of the reasoning that comes after the correct answer was first reached, per sequence or per token.
//!
//! ## What it computes
//! The reasoning is the text before the response's last `</think>` (without the `<think>` that
//! opens the response), the text after an unclosed `<think>` that opens it, or, with no think
//! tags or with `region: response`, the whole response. A `<think>` that does not open the
//! response is text of the reasoning: it hides nothing before it. The reasoning is split into
//! paragraphs on `delimiter`, and with `split: sentence` (default) each paragraph into sentences.
//! The reference's final answer is its GSM8K `#### …` answer, its last `\boxed{…}`, or else the
//! whole reference (trimmed); a list of references gives several. The reasoning first reaches
//! the answer in sentence (or paragraph) k:
//! - `detect: conclusion` (default): it states the answer as a conclusion: a `\boxed{…}` whose
//!   content is the answer (a box holding another box is read through the inner one), or an
//!   `answer is` / `answer:` marker followed by it on its line (up to the next marker when
//!   another follows on the line, so an answer that itself holds `answer is` or `answer:` is
//!   not read after a marker). With sentences, the paragraph that states it is found first,
//!   then the sentence where its `\boxed{…}` closes or its marker ends.
//! - `detect: mention`: it contains the answer anywhere as a whole word (`72` is in `= 72.` but
//!   not in `720`, `7.72`, `-72` or `72/5`).
//!
//! A sentence ends after a run of `.`, `!`, `?` or `…` (or the fullwidth `．`, `․` and `﹒`;
//! with any `)`, `]`, quote, `*` or `$` right after it) that is followed by whitespace or ends
//! the paragraph, or that is followed by a character that shows nothing (a zero-width space, a
//! Braille blank: these do not glue the next sentence to it), after a `.` right before a capital
//! letter (`72.Wait`), after `。`, `！`, `？`, `｡` and the full stops of other scripts (the
//! Devanagari danda `।` and `॥`, Urdu `۔`, Arabic `؟`, Ethiopic `።`, Burmese `။`, Khmer `។` and
//! `៕`), and at a line break. So `2.5`, `$x.y$`, `a.b` end nothing; an abbreviation followed by a space (`e.g. 72`) does end a sentence (then the
//! redundant part starts a little early). The whitespace after a sentence belongs to what
//! follows it.
//!
//! Answers, markers and boxes are looked for with the characters that show nothing dropped
//! (zero-width spaces and joiners, other format and control characters, unassigned and
//! private-use code points: `7\u200b2` is `72`, in the reasoning as in the reference) and other
//! scripts' decimal digits read as digits (Arabic-Indic `٧٢`, Devanagari `७२` are `72`; numerals
//! that are not decimal digits, like Ethiopic `፯`, are not). Answers are compared after
//! lower-casing, NFKC and collapsing whitespace, and as numbers when both sides are numbers
//! (`72.0` = `72`, `1,000` = `1000`).
//!
//! The reasoning up to the end of sentence k (or of paragraph k) is the exploration that found
//! the answer; everything after it is redundant (with `split: paragraph`: paragraphs k + 1…,
//! without their delimiters). With R the redundant units, T the reasoning's units (the words a
//! reader sees: split at whitespace and at characters that show as a space, like the Braille
//! blank, with invisible characters dropped and words of nothing but them not counted; or, with
//! `unit: chars`, the characters that are neither whitespace nor invisible):
//! ```text
//! measure: share   r = −weight · R / T
//! measure: count   r = −weight · max(0, R − budget)
//! ```
//! and r = 0 when the answer is never reached (or T = 0). The details give k (`reached_at`, the
//! index of the sentence among the reasoning's non-blank ones, or of the paragraph; null when
//! never), R and T. The search for the answer is one pass over the reasoning (however many
//! markers or unclosed boxes it holds) and stops at the sample's deadline: a response too long
//! to read by then is a `timeout`.
//!
//! **Per-token output** (`output: tokens`). The trainer supplies where each response token sits
//! in the response text, `meta.token_offsets`: one `[start, end)` pair per token, in characters
//! (Unicode code points, as Python string indices and tokenizers' offset mappings count them).
//! The units are then these tokens: a token is in the reasoning when its start lies in the
//! region, and redundant when its start lies at or after the end of sentence k (with `split:
//! paragraph`, the start of paragraph k + 1) and before the whitespace that ends the reasoning
//! (a token whose span is empty, like an end-of-sequence token, is neither). So with sentences
//! the first token after the sentence that reached the answer is redundant even when it is a
//! line break: the reasoning could have ended there. Each token gets its own reward, in
//! `token_rewards` (one per entry of `meta.token_offsets`, in order):
//! ```text
//! measure: share   −weight / T for each redundant token, 0 for every other token
//! measure: count   −weight for each redundant token after the first `budget` of them, else 0
//! ```
//! so the tokens before and at the first correct answer (exploration) and the answer after
//! `</think>` cost nothing, and the value, their sum, is the formula above counted in tokens.
//! The details also give `first_redundant_token` (its index, null when none). Offsets that are
//! missing, not pairs of integers, past the end of the response, with start > end, or whose
//! non-empty spans do not start in order are `invalid_input`; so are offsets with no non-empty
//! span for a non-empty response, and a count of offsets that differs from the sample's
//! `logprobs` or `tokens` when the sample has them.
//!
//! ## Why
//! "Overthinking Reduction with Decoupled Rewards and Curriculum Data Scheduling" (DECS) finds
//! that trajectory-level length penalties both penalise "essential exploratory tokens" and reward
//! "partial redundancy", and replaces them with "a decoupled token-level reward mechanism that
//! surgically distinguishes and penalizes redundant tokens". The abstract does not say how
//! redundancy is detected; Plaudit's reading: the tokens after the sentence where the reasoning
//! first reaches the correct answer are redundant, the ones before are exploration and cost
//! nothing. `output: tokens` is the token-level mechanism: a per-token penalty on the redundant
//! tokens and 0 on the others, for a trainer that adds a reward to each token (its sum over a
//! response is `count`'s −weight·R in tokens); `output: sequence` gives one number per response,
//! as a sequence-level trainer needs it. How the trainer folds the per-token rewards into its
//! advantages (DECS's "decoupled" update) is the trainer's. The curriculum
//! batch scheduling is the trainer's. Gate the penalty on correctness in the spec's expression
//! (DECS penalises redundancy in correct responses).
//!
//! The sentence is the default unit because the paragraph is easy to evade: with `split:
//! paragraph`, reasoning written without a `delimiter` (one paragraph, or single line breaks
//! with the default `"\n\n"`) is never redundant, as the paragraph that reaches the answer also
//! holds the verification after it (`…so the answer is 72. Wait, let me verify… Yes, 72.` costs
//! 0 there, 6 of its 21 words with sentences). `split: paragraph` keeps the coarser reading
//! (each reasoning step a paragraph) for a policy that writes its reasoning that way.
//!
//! What a policy could still do against it: never write the answer in the reasoning (nothing is
//! then redundant); move its verification after `</think>` (outside the default region, measured
//! with `region: response`); run its verification on in the sentence that states the answer,
//! with no sentence end (`the answer is 72 and checking 24 + 48 = 72 yes`). With `detect:
//! conclusion`, checks written before the answer is first stated as a conclusion (`= 72`,
//! checks, then `the answer is 72` last) cost nothing: this is inherent to the detector, which
//! cannot tell a check of an unstated result from the exploration that finds it; `detect:
//! mention` ends the exploration at the first `72` instead, and then counts a guess (`Is it
//! 72?`) as reaching it (a number inside another number does not count: not `7.72`, `72/5`,
//! `72,000`, nor a power's base or exponent, `72^2`, `2^72`). Pair the reward with a length
//! penalty where any of these matters.
//!
//! ## Parameters
//! - `detect` (conclusion | mention; default `conclusion`): what counts as reaching the answer.
//! - `split` (sentence | paragraph; default `sentence`): the redundant part starts after the
//!   sentence, or after the paragraph, that first reaches the answer.
//! - `measure` (share | count; default `share`): the redundant share, or the redundant units past
//!   `budget`.
//! - `weight` (number ≥ 0; default 1.0): the penalty at share 1, or per unit past the budget.
//! - `budget` (integer ≥ 0; default 0): redundant units allowed free with `measure: count`.
//! - `unit` (words | chars; default `words`): how R and T are counted.
//! - `delimiter` (string; default `"\n\n"`): what separates paragraphs (sentences never span
//!   one).
//! - `region` (reasoning | response; default `reasoning`): where redundancy is measured.
//! - `output` (sequence | tokens; default `sequence`): one value, or with `tokens` also a reward
//!   per token (`token_rewards`) from `meta.token_offsets`, counting R and T in those tokens
//!   (`unit` is then unused).
//!
//! ## Example
//! ```json
//! {"sample": {"response": "<think>Half of 48 is 24.\n\nSo 48 + 24 = 72, and the answer is 72.\n\nWait, let me double check: 24 + 48 = 72. Yes.</think>The answer is \\boxed{72}.", "reference": "#### 72"}, "value": -0.4074074074074074}
//! {"params": {"measure": "count", "weight": 0.01, "budget": 5}, "sample": {"response": "<think>Half of 48 is 24.\n\nSo 48 + 24 = 72, and the answer is 72.\n\nWait, let me double check: 24 + 48 = 72. Yes.</think>The answer is \\boxed{72}.", "reference": "#### 72"}, "value": -0.06}
//! {"sample": {"response": "<think>Is it 72? Let me compute.\n\n48 / 2 = 24, and 48 + 24 = 72.\n\nSo the answer is 72.</think>\\boxed{72}", "reference": "72"}, "value": 0.0}
//! {"params": {"detect": "mention"}, "sample": {"response": "<think>Is it 72? Let me compute.\n\n48 / 2 = 24, and 48 + 24 = 72.\n\nSo the answer is 72.</think>\\boxed{72}", "reference": "72"}, "value": -0.8636363636363636}
//! {"sample": {"response": "<think>Half of 48 is 24. 48 + 24 = 72, so the answer is 72. Wait, let me verify… Yes, 72.</think>\\boxed{72}", "reference": "72"}, "value": -0.2857142857142857}
//! {"params": {"split": "paragraph"}, "sample": {"response": "<think>Half of 48 is 24. 48 + 24 = 72, so the answer is 72. Wait, let me verify… Yes, 72.</think>\\boxed{72}", "reference": "72"}, "value": 0.0}
//! {"sample": {"response": "The answer is 72.", "reference": "72"}, "value": 0.0}
//! {"sample": {"response": "The answer is 72."}, "status": "invalid_input"}
//! {"params": {"output": "tokens"}, "sample": {"response": "<think>So the answer is 72.\n\nLet me check.</think>72", "reference": "72", "meta": {"token_offsets": [[0, 7], [7, 9], [9, 13], [13, 20], [20, 23], [23, 26], [26, 27], [27, 29], [29, 32], [32, 35], [35, 41], [41, 42], [42, 50], [50, 52]]}}, "value": -0.45454545454545453}
//! {"params": {"output": "tokens", "measure": "count", "weight": 0.5, "budget": 1}, "sample": {"response": "<think>So the answer is 72.\n\nLet me check.</think>72", "reference": "72", "meta": {"token_offsets": [[0, 7], [7, 9], [9, 13], [13, 20], [20, 23], [23, 26], [26, 27], [27, 29], [29, 32], [32, 35], [35, 41], [41, 42], [42, 50], [50, 52]]}}, "value": -2.0}
//! {"params": {"output": "tokens"}, "sample": {"response": "<think>So the answer is 72.\n\nLet me check.</think>72", "reference": "72"}, "status": "invalid_input"}
//! {"params": {"output": "tokens"}, "sample": {"response": "<think>So the answer is 72.</think>72", "reference": "72", "logprobs": [-0.1, -0.2], "meta": {"token_offsets": [[0, 7], [7, 27], [27, 35], [35, 37]]}}, "status": "invalid_input"}
//! ```

use std::borrow::Cow;
use std::sync::Arc;

use plaudit_core::deadline::{Expired, Ticker};
use plaudit_core::sample::type_name;
use plaudit_core::{
    Ctx, Failure, Kind, Outcome, ParamSpec, Params, Reward, RewardInfo, Sample, Score,
};
use serde_json::{json, Value};
use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

use crate::util::{after_answer_marker, is_invisible, last_boxed, normalize_basic, visible_words};

pub const INFO: RewardInfo = RewardInfo {
    name: "redundancy_penalty",
    family: "text",
    source: include_str!("redundancy_penalty.rs"),
    params: PARAMS,
    build,
};

const PARAMS: &[ParamSpec] = &[
    ParamSpec::new(
        "detect",
        Kind::Enum(&["conclusion", "mention"]),
        "\"conclusion\"",
        "what counts as reaching the answer",
    ),
    ParamSpec::new(
        "measure",
        Kind::Enum(&["share", "count"]),
        "\"share\"",
        "redundant share, or redundant units past the budget",
    ),
    ParamSpec::new(
        "weight",
        Kind::Float,
        "1.0",
        "penalty at share 1, or per unit past the budget",
    )
    .min(0.0),
    ParamSpec::new(
        "budget",
        Kind::Int,
        "0",
        "redundant units allowed free (measure: count)",
    )
    .min(0.0),
    ParamSpec::new(
        "unit",
        Kind::Enum(&["words", "chars"]),
        "\"words\"",
        "words, or characters other than whitespace and invisible ones",
    ),
    ParamSpec::new(
        "split",
        Kind::Enum(&["sentence", "paragraph"]),
        "\"sentence\"",
        "the redundant part starts after the sentence, or the paragraph, that reaches the answer",
    ),
    ParamSpec::new(
        "delimiter",
        Kind::Str,
        "\"\\n\\n\"",
        "what separates paragraphs",
    ),
    ParamSpec::new(
        "region",
        Kind::Enum(&["reasoning", "response"]),
        "\"reasoning\"",
        "the reasoning, or the whole response",
    ),
    ParamSpec::new(
        "output",
        Kind::Enum(&["sequence", "tokens"]),
        "\"sequence\"",
        "one value, or also a reward per token from `meta.token_offsets`",
    ),
];

struct Redundancy {
    mention: bool,
    count: bool,
    weight: f64,
    budget: f64,
    chars: bool,
    sentences: bool,
    delimiter: String,
    whole_response: bool,
    tokens: bool,
}

fn build(p: &Params) -> Result<Arc<dyn Reward>, String> {
    let delimiter = p.str("delimiter").to_string();
    if delimiter.is_empty() {
        return Err("`delimiter` must not be empty".into());
    }
    Ok(Arc::new(Redundancy {
        mention: p.str("detect") == "mention",
        count: p.str("measure") == "count",
        weight: p.f64("weight"),
        budget: p.i64("budget") as f64,
        chars: p.str("unit") == "chars",
        sentences: p.str("split") == "sentence",
        delimiter,
        whole_response: p.str("region") == "response",
        tokens: p.str("output") == "tokens",
    }))
}

/// The reasoning part of a response (see the module documentation): the text before the last
/// `</think>` (all of it when there is none), without the `<think>` that opens it. Only a
/// `<think>` at the start (after whitespace) opens it: a `<think>` written later does not hide
/// the text before it.
fn reasoning(response: &str) -> &str {
    let r = match response.rfind("</think>") {
        Some(end) => &response[..end],
        None => response,
    };
    r.trim_start().strip_prefix("<think>").unwrap_or(r)
}

/// The final answer a reference text marks: `#### x`, the last `\boxed{x}`, else all of it (as
/// [`Matched`], normalised).
fn reference_answer(r: &str, tick: &Ticker) -> Result<String, Expired> {
    let m = Matched::new(r, tick)?;
    let r: &str = &m.text;
    let a = if r.contains("####") {
        after_answer_marker(r)
    } else {
        last_boxed(r)
    };
    Ok(normalize_basic(a.unwrap_or(r), false))
}

/// A number written plainly (`72`, `-3.5`, `1,000`), for comparing answers as numbers.
fn as_number(s: &str) -> Option<f64> {
    let t = s.trim().trim_matches('$').replace(',', "");
    if t.is_empty() || !t.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    t.parse::<f64>().ok().filter(|x| x.is_finite())
}

/// Whether `a` and `b` (both normalised) are the same answer.
fn same_answer(a: &str, b: &str) -> bool {
    a == b || matches!((as_number(a), as_number(b)), (Some(x), Some(y)) if x == y)
}

fn is_numeric_edge(c: char) -> bool {
    c.is_ascii_digit()
}

/// Whether the occurrence of `answer` at byte `start` of `text` stands as a whole word.
fn whole_word_at(text: &str, start: usize, answer: &str) -> bool {
    let end = start + answer.len();
    let before = text[..start].chars().next_back();
    let mut after_chars = text[end..].chars();
    let after = after_chars.next();
    let after2 = after_chars.next();
    let first = answer.chars().next();
    let last = answer.chars().next_back();
    if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
        return false;
    }
    if after.is_some_and(|c| c.is_alphanumeric() || c == '_') {
        return false;
    }
    // A number does not continue a number: not `7.72`, `-72`, `1/72`, `72/5`, `72.5`, `72,000`.
    if first.is_some_and(is_numeric_edge) && before.is_some_and(|c| ".-/^,".contains(c)) {
        return false;
    }
    if last.is_some_and(is_numeric_edge)
        && (after == Some('/')
            || after == Some('^')
            || (matches!(after, Some('.') | Some(','))
                && after2.is_some_and(|c| c.is_ascii_digit())))
    {
        return false;
    }
    true
}

/// Whether `text` (normalised) contains `answer` (normalised, non-empty) as a whole word.
fn mentions(text: &str, answer: &str) -> bool {
    text.match_indices(answer)
        .any(|(i, _)| whole_word_at(text, i, answer))
}

/// The value of `c` when it is a decimal digit of another script (Unicode general category Nd:
/// Arabic-Indic `٧`, Devanagari `७`, full-width `７` …); `None` for ASCII and every other
/// character. Unicode encodes each script's decimal digits as a run of ten code points from 0 to
/// 9 (runs may follow one another, as the mathematical digits do), so a digit's value is its
/// distance from the first code point of its run of Nd code points, modulo ten.
fn decimal_digit(c: char) -> Option<u8> {
    let is_nd = |c: char| c.general_category() == GeneralCategory::DecimalNumber;
    if c.is_ascii() || !c.is_numeric() || !is_nd(c) {
        return None;
    }
    let mut first = c as u32;
    while let Some(p) = first.checked_sub(1).and_then(char::from_u32) {
        if !is_nd(p) {
            break;
        }
        first -= 1;
    }
    Some(((c as u32 - first) % 10) as u8)
}

/// A text as answers are looked for in it: the characters that show nothing
/// ([`is_invisible`]) dropped, other scripts' decimal digits written as ASCII digits; with the
/// way back to the text's byte offsets.
struct Matched<'a> {
    text: Cow<'a, str>,
    /// `(at, shift)`, increasing: an offset `x ≥ at` of `text` (up to the next entry) is `x +
    /// shift` in the original text.
    shifts: Vec<(usize, usize)>,
}

impl<'a> Matched<'a> {
    fn new(s: &'a str, tick: &Ticker) -> Result<Self, Expired> {
        let mut out: Option<String> = None;
        let mut shifts: Vec<(usize, usize)> = Vec::new();
        for (i, c) in s.char_indices() {
            tick.tick()?;
            let digit = decimal_digit(c);
            let dropped = digit.is_none() && is_invisible(c);
            if out.is_none() {
                if digit.is_none() && !dropped {
                    continue;
                }
                out = Some(s[..i].to_string());
            }
            let Some(o) = out.as_mut() else { continue };
            if dropped {
                continue;
            }
            match digit {
                Some(d) => o.push(char::from(b'0' + d)),
                None => o.push(c),
            }
            // The offset just after this character, here and in `s`.
            let shift = i + c.len_utf8() - o.len();
            if shifts.last().map_or(0, |&(_, s)| s) != shift {
                shifts.push((o.len(), shift));
            }
        }
        Ok(Matched {
            text: out.map_or(Cow::Borrowed(s), Cow::Owned),
            shifts,
        })
    }

    /// The original text's offset for offset `x` of `text` (just after the character before
    /// `x`, so before any dropped characters that follow it).
    fn original(&self, x: usize) -> usize {
        let k = self.shifts.partition_point(|&(at, _)| at <= x);
        x + k.checked_sub(1).map_or(0, |k| self.shifts[k].1)
    }
}

/// `text` normalised for comparing answers: [`Matched`], then [`normalize_basic`].
fn normalized(text: &str, tick: &Ticker) -> Result<String, Expired> {
    Ok(normalize_basic(&Matched::new(text, tick)?.text, false))
}

/// Where a paragraph states conclusions (see [`Conclusions::at`]), found once in one pass for
/// all the reference's answers, in the paragraph as [`Matched`].
struct Conclusions<'a> {
    matched: Matched<'a>,
    /// Each closed `\boxed{…}`, in the order of its `\boxed`: its content normalised (`None` when
    /// it holds another `\boxed`, which is read instead), and the offset just after its closing
    /// brace.
    boxes: Vec<(Option<String>, usize)>,
    /// Each `answer is` / `answer:` marker (ASCII, any case), in order: the offset just after
    /// it, what follows it on its line normalised, and whether another marker follows on the
    /// line (then what follows it is read up to and including that marker's `a`).
    markers: Vec<(usize, String, bool)>,
    /// The answer [`after_answer_marker`] reads (normalised), with the end of that marker.
    last: Option<(String, usize)>,
}

impl<'a> Conclusions<'a> {
    fn new(paragraph: &'a str, tick: &Ticker) -> Result<Self, Expired> {
        let matched = Matched::new(paragraph, tick)?;
        let t: &str = &matched.text;
        let b = t.as_bytes();
        // Boxes: each `\boxed` followed (after whitespace) by `{`, and the brace closing it,
        // from one pass over all the braces.
        let mut opens: Vec<usize> = Vec::new();
        for (i, _) in t.match_indices("\\boxed") {
            tick.tick()?;
            let after = &t[i + "\\boxed".len()..];
            let rest = after.trim_start();
            if rest.starts_with('{') {
                opens.push(t.len() - rest.len());
            }
        }
        let mut closes: Vec<Option<usize>> = vec![None; opens.len()];
        if !opens.is_empty() {
            let mut stack: Vec<usize> = Vec::new();
            for (i, &c) in b.iter().enumerate() {
                tick.tick()?;
                match c {
                    b'{' => stack.push(i),
                    b'}' => {
                        if let Some(o) = stack.pop() {
                            if let Ok(k) = opens.binary_search(&o) {
                                closes[k] = Some(i);
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        let mut boxes = Vec::new();
        for (k, (&open, close)) in opens.iter().zip(&closes).enumerate() {
            tick.tick()?;
            let Some(close) = *close else { continue };
            // A box holding another box: the next `\boxed` starts inside it.
            let holds_box = opens.get(k + 1).is_some_and(|&next| next < close);
            let content = if holds_box {
                None
            } else {
                Some(normalized(&t[open + 1..close], tick)?)
            };
            boxes.push((content, close + 1));
        }
        // Markers: found in the text itself (ASCII case-insensitively), so that the offsets are
        // its own.
        let mut found: Vec<(usize, usize)> = Vec::new();
        for i in 0..b.len() {
            tick.tick()?;
            if b[i] | 0x20 != b'a' {
                continue;
            }
            for marker in ["answer is", "answer:"] {
                let end = i + marker.len();
                if end <= b.len() && b[i..end].eq_ignore_ascii_case(marker.as_bytes()) {
                    found.push((i, end));
                    break;
                }
            }
        }
        let mut markers = Vec::with_capacity(found.len());
        let mut line_end = 0usize;
        for (j, &(_, end)) in found.iter().enumerate() {
            tick.tick()?;
            let rest = t[end..].trim_start_matches([' ', ':', '*', '$', '\t']);
            let from = t.len() - rest.len();
            if line_end < from {
                line_end = t[from..].find('\n').map_or(t.len(), |n| from + n);
            }
            let next = found.get(j + 1).map(|&(i, _)| i).filter(|&i| i < line_end);
            let cut = next.map_or(line_end, |i| i + 1);
            markers.push((end, normalize_basic(&t[from..cut], false), next.is_some()));
        }
        let last = match after_answer_marker(t) {
            Some(a) => {
                let a = normalize_basic(a, false);
                plaudit_math::extract::last_marker_end(t, false).map(|end| (a, end))
            }
            None => None,
        };
        Ok(Conclusions {
            matched,
            boxes,
            markers,
            last,
        })
    }

    /// Where the paragraph first states `answer` (normalised, non-empty) as its conclusion, as
    /// a byte offset in the paragraph: just after the earliest `\boxed{…}` whose content is the
    /// answer, or just after the earliest `answer is` / `answer:` marker followed by it, or after
    /// the last answer marker (`####` too) when [`after_answer_marker`] reads the answer there;
    /// `None` when it states none.
    fn at(&self, answer: &str, tick: &Ticker) -> Result<Option<usize>, Expired> {
        let mut boxed = None;
        for (content, end) in &self.boxes {
            tick.tick()?;
            if content.as_deref().is_some_and(|c| same_answer(c, answer)) {
                boxed = Some(*end);
                break;
            }
        }
        let mut marked = None;
        for (end, rest, followed) in &self.markers {
            tick.tick()?;
            let starts = rest.starts_with(answer) && whole_word_at(rest, 0, answer);
            // Followed by another marker, `rest` ends with that marker's `a`: the answer must
            // stand before it.
            let hit = if *followed {
                starts && rest.len() > answer.len()
            } else {
                starts || same_answer(rest, answer)
            };
            if hit {
                marked = Some(*end);
                break;
            }
        }
        let last = self
            .last
            .as_ref()
            .filter(|(a, _)| same_answer(a, answer))
            .map(|&(_, end)| end);
        Ok([boxed, marked, last]
            .into_iter()
            .flatten()
            .min()
            .map(|x| self.matched.original(x)))
    }
}

/// Where a paragraph first states `answer` as its conclusion (see [`Conclusions::at`]).
#[cfg(test)]
fn conclusion_at(paragraph: &str, answer: &str) -> Option<usize> {
    let d = plaudit_core::Deadline::none();
    let tick = Ticker::new(&d, 256);
    Conclusions::new(paragraph, &tick)
        .unwrap()
        .at(answer, &tick)
        .unwrap()
}

/// Whether a paragraph states `answer` as its conclusion: a `\boxed{answer}`, or `answer is` /
/// `answer:` followed by it.
#[cfg(test)]
fn concludes(paragraph: &str, answer: &str) -> bool {
    conclusion_at(paragraph, answer).is_some()
}

/// Where each sentence of `paragraph` ends: increasing byte offsets, the last one the
/// paragraph's length. A sentence ends after a run of `.`, `!`, `?` or `…` (or the fullwidth,
/// one-dot-leader and small full stops, with the closing `)`, `]`, quotes, `*`, `$` or
/// [`is_invisible`] characters right after it) that is followed by whitespace, ends the
/// paragraph or holds an invisible character, after a `.` right before a capital letter, after
/// a `。`, `！`, `？`, `｡`, `।`, `॥`, `۔`, `؟`, `።`, `။`, `។` or `៕`, and before a line break. Sentence `i` is the text from
/// the previous end (0 for the first) to `ends[i]`: the whitespace after a sentence starts the
/// next one.
fn sentence_ends(paragraph: &str) -> Vec<usize> {
    let mut ends: Vec<usize> = Vec::new();
    let push = |e: usize, ends: &mut Vec<usize>| {
        if e > ends.last().copied().unwrap_or(0) {
            ends.push(e);
        }
    };
    let mut chars = paragraph.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '\n' => push(i, &mut ends),
            // Full stops that end a sentence wherever they stand: CJK, halfwidth, Devanagari
            // danda (Hindi, Bengali …), Urdu, Arabic question mark, Ethiopic, Burmese, Khmer.
            '。' | '！' | '？' | '｡' | '।' | '॥' | '۔' | '؟' | '።' | '။' | '។' | '៕' => {
                push(i + c.len_utf8(), &mut ends)
            }
            // `72.Wait`: a full stop straight before a capital letter ends a sentence too.
            '.' if chars.peek().is_some_and(|&(_, d)| d.is_uppercase()) => {
                push(i + c.len_utf8(), &mut ends)
            }
            '.' | '!' | '?' | '…' | '．' | '․' | '﹒' => {
                let mut end = i + c.len_utf8();
                let mut hidden = false;
                while let Some(&(j, d)) = chars.peek() {
                    let invisible = is_invisible(d);
                    if !invisible && !".!?…)]\"'”’*$".contains(d) {
                        break;
                    }
                    hidden |= invisible;
                    end = j + d.len_utf8();
                    chars.next();
                }
                if hidden || chars.peek().is_none_or(|&(_, d)| d.is_whitespace()) {
                    push(end, &mut ends);
                }
            }
            _ => {}
        }
    }
    push(paragraph.len(), &mut ends);
    ends
}

impl Redundancy {
    /// The units of `s` a reader sees: words ([`visible_words`]) or characters, without
    /// whitespace and [`is_invisible`] characters.
    fn units(&self, s: &str) -> usize {
        if self.chars {
            s.chars()
                .filter(|&c| !c.is_whitespace() && !is_invisible(c))
                .count()
        } else {
            visible_words(s).count()
        }
    }
}

impl Reward for Redundancy {
    fn score(&self, sample: &Sample, cx: &Ctx) -> Outcome {
        let tick = Ticker::new(cx.deadline, 256);
        let refs = sample.reference_texts();
        let mut answers: Vec<String> = Vec::with_capacity(refs.len());
        for r in &refs {
            let a = reference_answer(r, &tick)?;
            if !a.is_empty() {
                answers.push(a);
            }
        }
        if answers.is_empty() {
            return Err(Failure::invalid_input(
                "redundancy_penalty needs the correct answer: `reference` must be an answer (a string, a number, `#### x`, `\\boxed{x}`), a list of them, or {\"answer\": …}",
            ));
        }
        let offsets = if self.tokens {
            Some(token_offsets(sample)?)
        } else {
            None
        };
        let region = if self.whole_response {
            sample.response.as_str()
        } else {
            reasoning(&sample.response)
        };
        let paragraphs: Vec<&str> = region.split(self.delimiter.as_str()).collect();
        let (reached, from) = if self.sentences {
            self.first_sentence(&paragraphs, &answers, &tick)?
        } else {
            self.first_paragraph(&paragraphs, &answers, &tick)?
        };
        if let Some(offsets) = offsets {
            return Ok(self.per_token(sample, region, reached, from, &offsets));
        }
        let total = self.units(region);
        let redundant: usize = match reached {
            None => 0,
            Some(k) if !self.sentences => paragraphs[k + 1..].iter().map(|p| self.units(p)).sum(),
            Some(_) => self.units(&region[from..]),
        };
        Ok(Score::with_details(
            self.penalty(redundant, total),
            json!({"reached_at": reached, "redundant": redundant, "reasoning": total}),
        ))
    }
}

impl Redundancy {
    /// Whether `text` (a sentence, or a paragraph) reaches one of the answers: see the module
    /// documentation.
    fn hits(&self, text: &str, answers: &[String], tick: &Ticker) -> Result<bool, Expired> {
        if self.mention {
            let norm = normalized(text, tick)?;
            Ok(answers.iter().any(|a| mentions(&norm, a)))
        } else {
            let found = Conclusions::new(text, tick)?;
            for a in answers {
                if found.at(a, tick)?.is_some() {
                    return Ok(true);
                }
            }
            Ok(false)
        }
    }

    /// `split: paragraph`: the index k of the first paragraph that reaches the answer, and the
    /// byte offset in the region where paragraph k + 1 starts (the region's length when there is
    /// none, or when the answer is never reached).
    fn first_paragraph(
        &self,
        paragraphs: &[&str],
        answers: &[String],
        tick: &Ticker,
    ) -> Result<(Option<usize>, usize), Failure> {
        let len: usize = paragraphs.iter().map(|p| p.len()).sum::<usize>()
            + (paragraphs.len() - 1) * self.delimiter.len();
        for (k, p) in paragraphs.iter().enumerate() {
            tick.tick()?;
            if self.hits(p, answers, tick)? {
                let from = if k + 1 < paragraphs.len() {
                    paragraphs[..=k].iter().map(|p| p.len()).sum::<usize>()
                        + (k + 1) * self.delimiter.len()
                } else {
                    len
                };
                return Ok((Some(k), from));
            }
        }
        Ok((None, len))
    }

    /// `split: sentence`: the index k of the first sentence that reaches the answer (counting
    /// the sentences that are not blank, across paragraphs), and the byte offset in the region
    /// where it ends (the region's length when the answer is never reached). A stated conclusion
    /// is found in its paragraph (a `\boxed{…}` may hold a sentence end), then located: its
    /// sentence is the one where the `\boxed{…}` closes or the answer marker ends.
    fn first_sentence(
        &self,
        paragraphs: &[&str],
        answers: &[String],
        tick: &Ticker,
    ) -> Result<(Option<usize>, usize), Failure> {
        let mut base = 0usize;
        let mut index = 0usize;
        for p in paragraphs {
            tick.tick()?;
            let ends = sentence_ends(p);
            let mut anchor = None;
            if !self.mention {
                let found = Conclusions::new(p, tick)?;
                for a in answers {
                    if let Some(at) = found.at(a, tick)? {
                        anchor = Some(anchor.map_or(at, |b: usize| b.min(at)));
                    }
                }
            }
            let mut start = 0usize;
            for &end in &ends {
                tick.tick()?;
                let sentence = &p[start..end];
                let hit = match anchor {
                    Some(at) => end >= at,
                    None => self.mention && self.hits(sentence, answers, tick)?,
                };
                if hit {
                    return Ok((Some(index), base + end));
                }
                if !sentence.trim().is_empty() {
                    index += 1;
                }
                start = end;
            }
            base += p.len() + self.delimiter.len();
        }
        Ok((None, base - self.delimiter.len()))
    }
}

impl Redundancy {
    /// The penalty for `redundant` of `total` units (see the module documentation).
    fn penalty(&self, redundant: usize, total: usize) -> f64 {
        let value = if redundant == 0 || total == 0 {
            0.0
        } else if self.count {
            -self.weight * (redundant as f64 - self.budget).max(0.0)
        } else {
            -self.weight * redundant as f64 / total as f64
        };
        // −0.0 reads as 0.
        if value == 0.0 {
            0.0
        } else {
            value
        }
    }

    /// `output: tokens`: the units are the trainer's tokens, each with its own reward; `from` is
    /// the byte offset in the region where the redundant part starts.
    fn per_token(
        &self,
        sample: &Sample,
        region: &str,
        reached: Option<usize>,
        from: usize,
        offsets: &[(usize, usize)],
    ) -> Score {
        let response = sample.response.as_str();
        // Byte positions in the response, then in characters (the offsets' unit). The
        // whitespace that ends the reasoning (before `</think>`) is not redundant.
        let base = region.as_ptr() as usize - response.as_ptr() as usize;
        let end = base + region.len();
        let text_end = base + region.trim_end().len();
        let from = if reached.is_some() { base + from } else { end };
        let chars = |byte: usize| response[..byte].chars().count();
        let (lo, hi, from, text_hi) = (chars(base), chars(end), chars(from), chars(text_end));
        let in_region = |&(s, e): &(usize, usize)| s < e && lo <= s && s < hi;
        let is_redundant = |&(s, e): &(usize, usize)| s < e && from <= s && s < text_hi;
        let total = offsets.iter().filter(|t| in_region(t)).count();
        let redundant = offsets.iter().filter(|t| is_redundant(t)).count();
        let mut seen = 0usize;
        let mut first = None;
        let rewards: Vec<f64> = offsets
            .iter()
            .enumerate()
            .map(|(i, t)| {
                if !is_redundant(t) {
                    return 0.0;
                }
                first.get_or_insert(i);
                seen += 1;
                let r = if !self.count {
                    -self.weight / total as f64
                } else if seen as f64 > self.budget {
                    -self.weight
                } else {
                    0.0
                };
                if r == 0.0 {
                    0.0
                } else {
                    r
                }
            })
            .collect();
        Score::with_details(
            self.penalty(redundant, total),
            json!({
                "reached_at": reached,
                "redundant": redundant,
                "reasoning": total,
                "first_redundant_token": first,
                "token_rewards": rewards,
            }),
        )
    }
}

/// `meta.token_offsets`: one `[start, end)` pair of character offsets into the response per
/// token, checked (see the module documentation).
fn token_offsets(sample: &Sample) -> Result<Vec<(usize, usize)>, Failure> {
    let items = match sample.meta.get("token_offsets") {
        None | Some(Value::Null) => {
            return Err(Failure::invalid_input(
                "sample has no `meta.token_offsets` (`output: tokens` needs each response token's [start, end) character offsets in the response)",
            ))
        }
        Some(Value::Array(items)) => items,
        Some(other) => {
            return Err(Failure::invalid_input(format!(
                "`meta.token_offsets`: expected a list of [start, end] pairs, got {}",
                type_name(other)
            )))
        }
    };
    let n_chars = sample.response.chars().count();
    let mut out = Vec::with_capacity(items.len());
    let mut last_start = 0usize;
    for (i, item) in items.iter().enumerate() {
        let pair = match item.as_array().map(|a| a.as_slice()) {
            Some([s, e]) => s.as_u64().zip(e.as_u64()),
            _ => None,
        };
        let Some((s, e)) = pair else {
            return Err(Failure::invalid_input(format!(
                "`meta.token_offsets[{i}]`: expected a [start, end] pair of character offsets, got {item}"
            )));
        };
        let (s, e) = (s as usize, e as usize);
        if s > e || e > n_chars {
            return Err(Failure::invalid_input(format!(
                "`meta.token_offsets[{i}]` is [{s}, {e}], but a token's span must have start ≤ end ≤ {n_chars} (the response's length in characters)"
            )));
        }
        if s < e {
            if s < last_start {
                return Err(Failure::invalid_input(format!(
                    "`meta.token_offsets[{i}]` starts at {s}, before the previous token (at {last_start}): the tokens must be in order"
                )));
            }
            last_start = s;
        }
        out.push((s, e));
    }
    if n_chars > 0 && out.iter().all(|&(s, e)| s == e) {
        return Err(Failure::invalid_input(format!(
            "`meta.token_offsets` has no token with a non-empty span, but the response has {n_chars} characters: the offsets do not describe the response"
        )));
    }
    let n = out.len();
    if let Some(lp) = &sample.logprobs {
        if lp.len() != n {
            return Err(Failure::invalid_input(format!(
                "`meta.token_offsets` has {n} tokens but `logprobs` has {}",
                lp.len()
            )));
        }
    }
    if let Some(t) = sample.tokens {
        if t != n as u64 {
            return Err(Failure::invalid_input(format!(
                "`meta.token_offsets` has {n} tokens but the sample's `tokens` is {t}"
            )));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_words_only() {
        assert!(mentions("so x = 72.", "72"));
        assert!(mentions("72", "72"));
        assert!(mentions("is it 72?", "72"));
        for t in [
            "720", "7.72", "x = -72", "72/5", "72.5", "72,000", "a72", "1/72",
        ] {
            assert!(!mentions(t, "72"), "{t}");
        }
        assert!(mentions("the capital is paris, france", "paris"));
        assert!(!mentions("comparison", "paris"));
    }

    #[test]
    fn conclusions() {
        assert!(concludes("so \\boxed{72} it is", "72"));
        assert!(concludes("the answer is $72$, since", "72"));
        assert!(concludes("Final answer: 72.0", "72"));
        assert!(concludes("#### 1,000", "1000"));
        assert!(!concludes("the answer is 720", "72"));
        assert!(!concludes("we get 72 here", "72"));
        let d = plaudit_core::Deadline::none();
        let tick = Ticker::new(&d, 256);
        let boxes = |p: &str| Conclusions::new(p, &tick).unwrap().boxes;
        assert_eq!(
            boxes("\\boxed{1} and \\boxed {\\frac{1}{2}}"),
            [
                (Some("1".to_string()), 9),
                (Some("\\frac{1}{2}".to_string()), 34)
            ]
        );
        // A box holding a box is read through the inner one; an unclosed box is none.
        assert_eq!(
            boxes("\\boxed{\\boxed{7}} \\boxed{x"),
            [(None, 17), (Some("7".to_string()), 16)]
        );
        // Where the conclusion is: after the box, after the marker, after `####`.
        assert_eq!(conclusion_at("so \\boxed{72}. ok", "72"), Some(13));
        assert_eq!(conclusion_at("x. The Answer is 72. y", "72"), Some(16));
        assert_eq!(conclusion_at("x\n#### 72", "72"), Some(6));
        assert_eq!(conclusion_at("72 is it", "72"), None);
    }

    #[test]
    fn sentences() {
        let ends = |p: &str| {
            let mut start = 0;
            sentence_ends(p)
                .into_iter()
                .map(|e| {
                    let s = &p[start..e];
                    start = e;
                    s.to_string()
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(
            ends("Half of 48 is 24. So 72! Sure? Yes"),
            ["Half of 48 is 24.", " So 72!", " Sure?", " Yes"]
        );
        // Decimal points, `$x.y$`, a dot before a word are not ends; closers stay with theirs.
        assert_eq!(
            ends("2.5 and $x.y$ or a.b (ok.) \"yes.\" Wait... so"),
            ["2.5 and $x.y$ or a.b (ok.)", " \"yes.\"", " Wait...", " so"]
        );
        // A line break ends a sentence; the break starts the next one.
        assert_eq!(ends("a\nb.\nc"), ["a", "\nb.", "\nc"]);
        // Full-width ends need no space; the end of the text ends the last one.
        assert_eq!(ends("是72。对吗？"), ["是72。", "对吗？"]);
        assert_eq!(ends("done."), ["done."]);
        // An invisible character after the end stays with it and ends the sentence.
        assert_eq!(
            ends("72.\u{200b}Wait. 2.\u{2800}"),
            ["72.\u{200b}", "Wait.", " 2.\u{2800}"]
        );
        assert!(sentence_ends("").is_empty());
    }

    #[test]
    fn reasoning_region() {
        assert_eq!(reasoning("<think>a</think>b"), "a");
        assert_eq!(reasoning("<think>a cut off"), "a cut off");
        assert_eq!(reasoning("plain"), "plain");
        assert_eq!(reasoning(" <think>a</think>b"), "a");
        assert_eq!(reasoning("a <think></think>b"), "a <think>");
        assert_eq!(reasoning("a <think>b"), "a <think>b");
        let d = plaudit_core::Deadline::none();
        let tick = Ticker::new(&d, 256);
        let answer = |r: &str| reference_answer(r, &tick).unwrap();
        assert_eq!(answer("so 48+24 = 72\n#### 72"), "72");
        assert_eq!(answer("is $\\boxed{\\frac12}$"), "\\frac12");
        // Invisible characters dropped, other scripts' digits read as digits.
        assert_eq!(answer("#### 7\u{200b}2"), "72");
        assert_eq!(answer("\u{0667}\u{0662}"), "72");
    }
}
