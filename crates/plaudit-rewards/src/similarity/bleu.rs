//! Sentence BLEU of the response against the reference text(s), on a 0..1 scale (sacrebleu's `sentence_bleu` / 100).
//!
//! ## What it computes
//! sacrebleu's `sentence_bleu` (sacrebleu 2.x, same defaults), divided by 100. Both sides are
//! optionally lower-cased, right-stripped and tokenised (`13a` by default: mteval-v13a's
//! tokenisation, which splits off punctuation and symbols but keeps `3.5` and `1,000` whole).
//! For n = 1..`max_order`, p_n is the clipped n-gram precision: hypothesis n-grams matched, each
//! counted at most as often as it occurs in some single reference (the maximum over references),
//! over hypothesis n-grams. Then
//! ```text
//! BLEU = BP · exp( (1/N) · Σ_{n≤N} log p_n ),   BP = min(1, exp(1 − r/c))
//! ```
//! with c the hypothesis length in tokens and r the length of the reference closest to c (the
//! shorter one on a tie). Zero matches at every order give 0. With `effective_order` (the
//! sentence-level default) N stops at the highest order the hypothesis has n-grams of, so a
//! three-word answer is not zeroed for lacking 4-grams. Orders with no match are smoothed by
//! `smooth` (Chen & Cherry, "A Systematic Comparison of Smoothing Techniques for Sentence-Level
//! BLEU"): `exp` (mteval's: the k-th unmatched order gets precision 1/(2^k · total)), `floor`
//! (`smooth_value`/total, default 0.1), `add-k` (adds `smooth_value`, default 1, to the matches
//! and totals of orders ≥ 2), or `none`. An empty response gives 0. The result is clamped to
//! [0, 1] (floating-point rounding can give sacrebleu's 100.00000000000004 for identical texts).
//!
//! ## Why
//! "BLEU: a Method for Automatic Evaluation of Machine Translation" (Papineni et al., 2002) is the
//! standard n-gram precision metric of machine translation. In RL post-training it is a cheap,
//! deterministic reference-based reward for open-ended generation with a gold text (translation,
//! data-to-text, paraphrase), where no verifier can say right or wrong. It matches sacrebleu
//! ("A Call for Clarity in Reporting BLEU Scores") so rewards are comparable with reported scores;
//! sentence BLEU is noisy on short texts, which is why smoothing and effective order matter.
//!
//! ## Parameters
//! - `extract` (auto | answer_tag | boxed | marker | last_line | none; default `none`): which part
//!   of the response is compared; `none` is the whole response, as it is.
//! - `answer_tag` (string; default `answer`): the tag name for `extract: answer_tag` / `auto`.
//! - `max_order` (integer ≥ 1; default 4): N, the maximum n-gram order.
//! - `smooth` (exp | floor | add-k | none; default `exp`): smoothing of orders without matches.
//! - `smooth_value` (number or null; default null): the value of `floor` (null: 0.1) or `add-k`
//!   (null: 1); ignored by `exp` and `none`.
//! - `tokenize` (13a | intl | char | none; default `13a`): sacrebleu's tokenisers of those names:
//!   `intl` splits on Unicode punctuation and symbols (mteval-v14 international), `char` makes
//!   every non-space character a token (for languages without spaces), `none` splits on
//!   whitespace only.
//! - `lowercase` (boolean; default false): case-insensitive BLEU.
//! - `effective_order` (boolean; default true): stop N at the highest order the hypothesis has
//!   n-grams of (sacrebleu's `use_effective_order`, on in `sentence_bleu`).
//!
//! ## Example
//! ```json
//! {"sample": {"response": "The cat sat on the mat.", "reference": "The cat sat on the mat."}, "value": 1.0}
//! {"sample": {"response": "The cat is on the mat.", "reference": "The cat sat on the mat."}, "value": 0.4889230224349009}
//! {"sample": {"response": "The cat is on the mat.", "reference": ["The cat sat on the mat.", "There is a cat on the mat."]}, "value": 0.508132748154615}
//! {"params": {"smooth": "floor", "lowercase": true}, "sample": {"response": "THE CAT", "reference": "the cat sat"}, "value": 0.6065306597126336}
//! {"sample": {"response": "", "reference": "a b c"}, "value": 0.0}
//! {"sample": {"response": "a b c", "reference": []}, "status": "invalid_input"}
//! ```

use std::sync::Arc;

use plaudit_core::deadline::Ticker;
use plaudit_core::{
    Ctx, Deadline, Failure, Kind, Outcome, ParamSpec, Params, Reward, RewardInfo, Sample, Score,
};
use regex::Regex;
use serde_json::{json, Value};

use super::ngrams::{Interner, RefGrams};
use super::texts::{
    hypothesis, py_is_space, py_rstrip, py_split, references, EXTRACT_PARAM, TAG_PARAM,
};

pub const INFO: RewardInfo = RewardInfo {
    name: "bleu",
    family: "similarity",
    source: include_str!("bleu.rs"),
    params: PARAMS,
    build,
};

const PARAMS: &[ParamSpec] = &[
    EXTRACT_PARAM,
    TAG_PARAM,
    ParamSpec::new("max_order", Kind::Int, "4", "maximum n-gram order N").range(1.0, 64.0),
    ParamSpec::new(
        "smooth",
        Kind::Enum(&["exp", "floor", "add-k", "none"]),
        "\"exp\"",
        "smoothing method",
    ),
    ParamSpec::new(
        "smooth_value",
        Kind::Json,
        "null",
        "value for `floor` (null: 0.1) or `add-k` (null: 1)",
    ),
    ParamSpec::new(
        "tokenize",
        Kind::Enum(&["13a", "intl", "char", "none"]),
        "\"13a\"",
        "sacrebleu tokeniser",
    ),
    ParamSpec::new("lowercase", Kind::Bool, "false", "lower-case both sides"),
    ParamSpec::new(
        "effective_order",
        Kind::Bool,
        "true",
        "stop N at the highest order present",
    ),
];

#[derive(Clone, Copy, Debug, PartialEq)]
enum Smooth {
    Exp,
    Floor(f64),
    AddK(f64),
    None,
}

enum Tokenizer {
    V13a,
    Intl([Regex; 3]),
    Char,
    None,
}

struct Bleu {
    extract: String,
    tag: String,
    max_order: usize,
    smooth: Smooth,
    tokenizer: Tokenizer,
    lowercase: bool,
    effective_order: bool,
}

fn build(p: &Params) -> Result<Arc<dyn Reward>, String> {
    let max_order = p.i64("max_order");
    let value = match p.json("smooth_value") {
        Value::Null => None,
        v => match v.as_f64() {
            Some(f) if f.is_finite() && f >= 0.0 => Some(f),
            _ => {
                return Err(format!(
                    "`smooth_value` must be a non-negative number or null, got {v}"
                ))
            }
        },
    };
    let smooth = match p.str("smooth") {
        "floor" => Smooth::Floor(value.unwrap_or(0.1)),
        "add-k" => Smooth::AddK(value.unwrap_or(1.0)),
        "none" => Smooth::None,
        _ => Smooth::Exp,
    };
    let tokenizer = match p.str("tokenize") {
        "intl" => Tokenizer::Intl(intl_regexes()?),
        "char" => Tokenizer::Char,
        "none" => Tokenizer::None,
        _ => Tokenizer::V13a,
    };
    Ok(Arc::new(Bleu {
        extract: p.str("extract").to_string(),
        tag: p.str("answer_tag").to_string(),
        max_order: max_order as usize,
        smooth,
        tokenizer,
        lowercase: p.bool("lowercase"),
        effective_order: p.bool("effective_order"),
    }))
}

// Code points given a category by Unicode 17.0, which the Python `regex` module behind sacrebleu's
// `intl` tokeniser knows and the `regex` crate's Unicode 16 tables do not (all were unassigned
// before). Added to the classes so `intl` tokenises exactly as sacrebleu does; redundant, and
// harmless, once the crate moves to Unicode 17.
const UNICODE17_P: &str = r"\x{2E60}-\x{2E63}\x{10ED0}";
const UNICODE17_S: &str = concat!(
    r"\x{20C1}-\x{20C4}\x{2B96}\x{FBC3}-\x{FBD2}\x{FD90}-\x{FD91}\x{FDC8}-\x{FDCE}\x{10EC9}-\x{10ECA}",
    r"\x{10ED1}-\x{10ED8}\x{1CCFA}-\x{1CCFC}\x{1CEBA}-\x{1CED0}\x{1CED2}-\x{1CED4}\x{1CEDD}-\x{1CEFD}",
    r"\x{1D1EB}-\x{1D1FF}\x{1D253}-\x{1D25A}\x{1D25D}-\x{1D25E}\x{1D260}-\x{1D27F}\x{1DB00}-\x{1DB1C}",
    r"\x{1F1AE}\x{1F6D8}-\x{1F6D9}\x{1F777}-\x{1F77A}\x{1F7DA}-\x{1F7DB}\x{1F7F1}-\x{1F7FF}",
    r"\x{1F8D0}-\x{1F8D8}\x{1FA54}-\x{1FA57}\x{1FA8A}-\x{1FA8E}\x{1FAC8}\x{1FACC}-\x{1FACD}\x{1FADD}",
    r"\x{1FAEA}-\x{1FAEB}\x{1FAEF}\x{1FAF9}-\x{1FAFA}\x{1FBFA}",
);
const UNICODE17_N: &str =
    r"\x{11DE0}-\x{11DE9}\x{1246F}\x{12475}-\x{1247F}\x{12550}-\x{12686}\x{16FF4}-\x{16FF6}";

/// sacrebleu's `intl` tokeniser (mteval-v14 international): punctuation split off unless between
/// digits on that side, symbols always split off.
fn intl_regexes() -> Result<[Regex; 3], String> {
    let punct = format!(r"[\p{{P}}{UNICODE17_P}]");
    let not_number = format!(r"[^\p{{N}}{UNICODE17_N}]");
    let symbol = format!(r"[\p{{S}}{UNICODE17_S}]");
    let re = |p: String| Regex::new(&p).map_err(|e| e.to_string());
    Ok([
        re(format!("({not_number})({punct})"))?,
        re(format!("({punct})({not_number})"))?,
        re(format!("({symbol})"))?,
    ])
}

/// Python `re.sub` of a two-character pattern `(A)(B)`: leftmost, non-overlapping matches, each
/// replaced by what `emit` pushes.
fn sub_pairs(
    s: &[char],
    a: impl Fn(char) -> bool,
    b: impl Fn(char) -> bool,
    emit: impl Fn(&mut Vec<char>, char, char),
) -> Vec<char> {
    let mut out = Vec::with_capacity(s.len() + s.len() / 4);
    let mut i = 0;
    while i < s.len() {
        if i + 1 < s.len() && a(s[i]) && b(s[i + 1]) {
            emit(&mut out, s[i], s[i + 1]);
            i += 2;
        } else {
            out.push(s[i]);
            i += 1;
        }
    }
    out
}

/// The character class `[\{-\~\[-\` -\&\(-\+\:-\@\/]` of mteval-v13a: ASCII punctuation and
/// symbols except `'`, `,`, `-` and `.` (and the space itself).
fn v13a_split_char(c: char) -> bool {
    matches!(c, '{'..='~' | '['..='`' | ' '..='&' | '('..='+' | ':'..='@' | '/')
}

/// sacrebleu's `13a` tokeniser (mteval-v13a.pl), returning the space-joined tokens.
fn tokenize_13a(line: &str, deadline: &Deadline) -> Result<String, Failure> {
    let mut line = line
        .replace("<skipped>", "")
        .replace("-\n", "")
        .replace('\n', " ");
    if line.contains('&') {
        line = line
            .replace("&quot;", "\"")
            .replace("&amp;", "&")
            .replace("&lt;", "<")
            .replace("&gt;", ">");
    }
    let mut s: Vec<char> = Vec::with_capacity(line.len() + 2);
    s.push(' ');
    for c in line.chars() {
        if v13a_split_char(c) {
            s.extend([' ', c, ' ']);
        } else {
            s.push(c);
        }
    }
    s.push(' ');
    let digit = |c: char| c.is_ascii_digit();
    let dot_comma = |c: char| c == '.' || c == ',';
    deadline.check()?;
    // Period and comma split off unless preceded by a digit …
    let s = sub_pairs(
        &s,
        |c| !digit(c),
        dot_comma,
        |o, x, y| o.extend([x, ' ', y, ' ']),
    );
    deadline.check()?;
    // … or unless followed by one.
    let s = sub_pairs(
        &s,
        dot_comma,
        |c| !digit(c),
        |o, x, y| o.extend([' ', x, ' ', y]),
    );
    deadline.check()?;
    // A dash after a digit is split off.
    let s = sub_pairs(
        &s,
        digit,
        |c| c == '-',
        |o, x, y| o.extend([x, ' ', y, ' ']),
    );
    deadline.check()?;
    let s: String = s.into_iter().collect();
    Ok(py_split(&s).collect::<Vec<_>>().join(" "))
}

impl Bleu {
    /// Lower-case (optionally), right-strip and tokenise; the space-joined tokens.
    fn preprocess(&self, s: &str, deadline: &Deadline) -> Result<String, Failure> {
        let lowered;
        let s = if self.lowercase {
            lowered = s.to_lowercase();
            lowered.as_str()
        } else {
            s
        };
        let s = py_rstrip(s);
        Ok(match &self.tokenizer {
            Tokenizer::V13a => tokenize_13a(s, deadline)?,
            Tokenizer::Intl([r1, r2, r3]) => {
                let s = r1.replace_all(s, "$1 $2 ");
                let s = r2.replace_all(&s, " $1 $2");
                let s = r3.replace_all(&s, " $1 ");
                py_split(&s).collect::<Vec<_>>().join(" ")
            }
            Tokenizer::Char => {
                let mut out = String::with_capacity(s.len() * 2);
                for c in s.chars().filter(|c| !py_is_space(*c)) {
                    if !out.is_empty() {
                        out.push(' ');
                    }
                    out.push(c);
                }
                out
            }
            Tokenizer::None => s.to_string(),
        })
    }
}

/// sacrebleu's `_get_closest_ref_len`: the reference length closest to `hyp_len`, the shorter on
/// a tie.
fn closest_ref_len(hyp_len: usize, ref_lens: &[usize]) -> usize {
    let mut best: Option<(usize, usize)> = None; // (diff, len)
    for &r in ref_lens {
        let diff = hyp_len.abs_diff(r);
        best = match best {
            None => Some((diff, r)),
            Some((d, l)) if diff < d || (diff == d && r < l) => Some((diff, r)),
            keep => keep,
        };
    }
    best.map_or(0, |(_, l)| l)
}

/// sacrebleu's `my_log`: the natural log, with log(0) floored to −9999999999.
fn floored_log(x: f64) -> f64 {
    if x == 0.0 {
        -9_999_999_999.0
    } else {
        x.ln()
    }
}

/// The BLEU score (0..100, as sacrebleu) from its sufficient statistics, with its brevity penalty
/// and precisions. Mirrors sacrebleu's `BLEU.compute_bleu`.
fn compute_bleu(
    mut correct: Vec<f64>,
    mut total: Vec<f64>,
    sys_len: usize,
    ref_len: usize,
    smooth: Smooth,
    effective_order: bool,
) -> (f64, f64, Vec<f64>) {
    let max_order = correct.len();
    let bp = if sys_len < ref_len {
        if sys_len > 0 {
            (1.0 - ref_len as f64 / sys_len as f64).exp()
        } else {
            0.0
        }
    } else {
        1.0
    };
    let mut precisions = vec![0.0; max_order];
    if correct.iter().all(|c| *c == 0.0) {
        return (0.0, bp, precisions);
    }
    let mut smooth_mteval = 1.0;
    let mut eff_order = max_order;
    for n in 0..max_order {
        if let Smooth::AddK(k) = smooth {
            if n > 0 {
                correct[n] += k;
                total[n] += k;
            }
        }
        if total[n] == 0.0 {
            break;
        }
        if effective_order {
            eff_order = n + 1;
        }
        if correct[n] == 0.0 {
            match smooth {
                Smooth::Exp => {
                    smooth_mteval *= 2.0;
                    precisions[n] = 100.0 / (smooth_mteval * total[n]);
                }
                Smooth::Floor(v) => precisions[n] = 100.0 * v / total[n],
                Smooth::AddK(_) | Smooth::None => {}
            }
        } else {
            precisions[n] = 100.0 * correct[n] / total[n];
        }
    }
    let log_sum = precisions[..eff_order]
        .iter()
        .fold(0.0, |acc, p| acc + floored_log(*p));
    (bp * (log_sum / eff_order as f64).exp(), bp, precisions)
}

impl Bleu {
    fn bleu(&self, hyp: &str, refs: &[String], deadline: &Deadline) -> Outcome {
        let mut ticker = Ticker::new(deadline, 4096);
        let hyp_text = self.preprocess(hyp, deadline)?;
        deadline.check()?;
        let ref_texts = refs
            .iter()
            .map(|r| self.preprocess(r, deadline))
            .collect::<Result<Vec<_>, _>>()?;
        deadline.check()?;
        let mut words = Interner::default();
        let hyp_tokens = words.ids(py_split(&hyp_text), &mut ticker)?;
        let ref_tokens = ref_texts
            .iter()
            .map(|r| words.ids(py_split(r), &mut ticker))
            .collect::<Result<Vec<_>, _>>()?;
        deadline.check()?;

        // The reference n-grams: for each, its maximum count in a single reference.
        let mut ref_grams: Option<RefGrams<u32>> = None;
        for toks in &ref_tokens {
            let g = RefGrams::new(toks, self.max_order, &mut ticker)?;
            match ref_grams.as_mut() {
                None => ref_grams = Some(g),
                Some(all) => all.merge_max(g, &mut ticker)?,
            }
        }
        let Some(mut ref_grams) = ref_grams else {
            return Err(Failure::invalid_input("`reference` has no reference text"));
        };
        let ref_lens: Vec<usize> = ref_tokens.iter().map(Vec::len).collect();
        let ref_len = closest_ref_len(hyp_tokens.len(), &ref_lens);
        let (total, correct): (Vec<u64>, Vec<u64>) = ref_grams
            .match_hypothesis(&hyp_tokens, &mut ticker)?
            .into_iter()
            .unzip();
        let (score, bp, precisions) = compute_bleu(
            correct.iter().map(|c| *c as f64).collect(),
            total.iter().map(|t| *t as f64).collect(),
            hyp_tokens.len(),
            ref_len,
            self.smooth,
            self.effective_order,
        );
        Ok(Score::with_details(
            (score / 100.0).clamp(0.0, 1.0),
            json!({
                "bp": bp,
                "precisions": precisions.iter().map(|p| p / 100.0).collect::<Vec<_>>(),
                "hyp_len": hyp_tokens.len(),
                "ref_len": ref_len,
            }),
        ))
    }
}

impl Reward for Bleu {
    fn score(&self, sample: &Sample, cx: &Ctx) -> Outcome {
        let refs = references(sample)?;
        let hyp = hypothesis(sample, &self.extract, &self.tag)?;
        self.bleu(hyp, &refs, cx.deadline)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reward(params: Value) -> Arc<dyn Reward> {
        build(&Params::from_json(PARAMS, &params, &[]).unwrap()).unwrap()
    }

    fn score(params: Value, response: &str, reference: Value) -> f64 {
        let d = Deadline::none();
        reward(params)
            .score(&Sample::new(response, reference), &Ctx::new(&d, &[]))
            .unwrap()
            .value
    }

    #[test]
    fn tokenizer_13a() {
        assert_eq!(
            tokenize_13a("Hello, world! It's 3.5 or 1,000.", &Deadline::none()).unwrap(),
            "Hello , world ! It's 3.5 or 1,000 ."
        );
        assert_eq!(
            tokenize_13a("a-b 1-2 x&amp;lt;y", &Deadline::none()).unwrap(),
            "a-b 1 - 2 x < y"
        );
        assert_eq!(
            tokenize_13a("end-\nof <skipped>line", &Deadline::none()).unwrap(),
            "endof line"
        );
        assert_eq!(tokenize_13a("a..b", &Deadline::none()).unwrap(), "a . . b");
    }

    #[test]
    fn identical_is_one_and_disjoint_is_zero() {
        assert!(
            (score(
                json!({}),
                "the quick brown fox",
                json!("the quick brown fox")
            ) - 1.0)
                .abs()
                < 1e-12
        );
        assert_eq!(score(json!({}), "alpha beta", json!("gamma delta")), 0.0);
    }

    #[test]
    fn spec_errors() {
        assert_eq!(
            crate::spec_error(&INFO, json!({"max_order": 0}), &[]),
            "parameter `max_order` must be in [1, 64], got 0"
        );
        assert!(
            crate::spec_error(&INFO, json!({"smooth_value": "x"}), &[]).contains("smooth_value")
        );
    }

    #[test]
    fn huge_input_times_out() {
        let text = "word ".repeat(2_000_000);
        let d = Deadline::after(std::time::Duration::from_millis(1));
        std::thread::sleep(std::time::Duration::from_millis(2));
        let r =
            reward(json!({})).score(&Sample::new(text.clone(), json!(text)), &Ctx::new(&d, &[]));
        assert_eq!(r.unwrap_err().status, plaudit_core::Status::Timeout);
    }
}
