//! Plaudit's math answer verification.
//!
//! [`verify`] takes a reference answer and a model response, extracts the response's final
//! answer ([`extract`]), parses both sides from LaTeX or plain text into one expression tree
//! ([`parser`]), and decides equivalence ([`equiv`]): exact big-rational arithmetic where the
//! values are rational, a relative tolerance otherwise, seeded random points for expressions with
//! variables, and structural rules for sets, tuples, intervals, matrices, equations and
//! inequalities. Everything runs under a [`Deadline`] and structural [`Limits`]; no input can
//! hang it or overflow its stack, and nothing is global, so it is safe from many threads.

pub mod ast;
pub mod equiv;
pub mod eval;
pub mod extract;
pub mod lexer;
pub mod limits;
pub mod parser;

use plaudit_deadline::{Deadline, Ticker};

use limits::CHECK_EVERY;

pub use ast::Node;
pub use equiv::{CompareOptions, Policy};
pub use extract::{Method, DEFAULT_ORDER};
pub use limits::{Limits, MathError};

/// Everything [`verify`] can be configured with.
#[derive(Clone, Debug)]
pub struct Options {
    pub compare: CompareOptions,
    pub limits: Limits,
    /// Extraction methods, in priority order.
    pub extract: Vec<Method>,
    /// Tag name of the answer block for [`Method::Tag`].
    pub tag: String,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            compare: CompareOptions::default(),
            limits: Limits::default(),
            extract: DEFAULT_ORDER.to_vec(),
            tag: "answer".to_string(),
        }
    }
}

/// The verdict and what it was based on.
#[derive(Clone, Debug, PartialEq)]
pub struct Verdict {
    pub correct: bool,
    /// The answer extracted from the response.
    pub answer: String,
    pub method: Method,
    /// Normalised forms of the response's answer and of the reference.
    pub answer_form: String,
    pub reference_form: String,
    /// How the comparison was made: `math`, `choice`, or `text` (when a side did not parse).
    pub basis: &'static str,
}

/// Why there is no verdict.
#[derive(Clone, Debug, PartialEq)]
pub enum VerifyError {
    /// The response has no answer any configured method can find.
    NoAnswer,
    /// The reference is empty.
    EmptyReference,
    /// Timeout or structural limit.
    Math(MathError),
}

impl std::fmt::Display for VerifyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            VerifyError::NoAnswer => f.write_str("no answer found in the response"),
            VerifyError::EmptyReference => f.write_str("the reference answer is empty"),
            VerifyError::Math(e) => write!(f, "{e}"),
        }
    }
}

impl From<MathError> for VerifyError {
    fn from(e: MathError) -> Self {
        VerifyError::Math(e)
    }
}

/// Parse one answer (LaTeX or plain text).
pub fn parse(s: &str, limits: &Limits, deadline: &Deadline) -> Result<Node, MathError> {
    let ticker = Ticker::new(deadline, CHECK_EVERY);
    parser::parse(s, limits, &ticker)
}

/// Whether two answer strings are equivalent (`gold` is the reference, `pred` the response's
/// extracted answer). A side that does not parse is compared as normalised text.
pub fn equivalent(
    gold: &str,
    pred: &str,
    opts: &Options,
    deadline: &Deadline,
) -> Result<bool, MathError> {
    let ticker = Ticker::new(deadline, CHECK_EVERY);
    compare(gold, pred, opts, &ticker).map(|(ok, ..)| ok)
}

fn text_key(s: &str) -> String {
    let mut t = s.to_string();
    for w in [
        "\\left",
        "\\right",
        "\\!",
        "\\,",
        "\\;",
        "\\displaystyle",
        "\\dfrac",
        "\\tfrac",
        "$",
    ] {
        t = t.replace(w, if w.ends_with("frac") { "\\frac" } else { "" });
    }
    t.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

fn compare(
    gold: &str,
    pred: &str,
    opts: &Options,
    ticker: &Ticker,
) -> Result<(bool, String, String, &'static str), MathError> {
    let side = |who: &str, e: MathError| match e {
        MathError::Limit(m) => MathError::Limit(format!("{who}: {m}")),
        e => e,
    };
    let g = parser::parse(gold, &opts.limits, ticker).map_err(|e| side("reference", e));
    let p = parser::parse(pred, &opts.limits, ticker).map_err(|e| side("response answer", e));
    // A decimal comma (`2,74` for 2.74) when the other side is a single number.
    let single = |n: &Result<Node, MathError>| matches!(n, Ok(x) if x.is_scalar() && !x.has_symbols() && !matches!(x, Node::List(_)));
    let (g, p) = match (decimal_comma(gold), decimal_comma(pred)) {
        (Some(d), None) if single(&p) => (parser::parse(&d, &opts.limits, ticker), p),
        (None, Some(d)) if single(&g) => (g, parser::parse(&d, &opts.limits, ticker)),
        _ => (g, p),
    };
    match (g, p) {
        (Ok(g), Ok(p)) => {
            let cmp = equiv::Comparer {
                opts: &opts.compare,
                limits: &opts.limits,
                ticker,
            };
            let ok = cmp.equivalent(&g, &p)?;
            Ok((ok, form(&p, opts, ticker)?, form(&g, opts, ticker)?, "math"))
        }
        (Err(e @ (MathError::Timeout | MathError::Limit(_))), _)
        | (_, Err(e @ (MathError::Timeout | MathError::Limit(_)))) => Err(e),
        // A reference read as mathematics is not answered by text that is not: `2 5`, refused as
        // two numbers side by side, would otherwise match `25` by its characters.
        (Ok(_), Err(_)) => Ok((false, text_key(pred), text_key(gold), "text")),
        _ => {
            let (a, b) = (text_key(gold), text_key(pred));
            Ok((!a.is_empty() && a == b, b, a, "text"))
        }
    }
}

/// How many answers the reference lists (1 when it is not a list).
fn reference_items(gold: &str, opts: &Options, ticker: &Ticker) -> usize {
    match parser::parse(gold, &opts.limits, ticker) {
        Ok(Node::List(v)) => v.len(),
        _ => 1,
    }
}

/// `2,74` or `0,111` read with a decimal comma: two integers joined by a comma without
/// spacing, not a thousands grouping (a first group starting with 0, or a last group not of
/// three digits).
fn decimal_comma(s: &str) -> Option<String> {
    let t = s.trim();
    let (sign, body) = match t.strip_prefix('-') {
        Some(r) => ("-", r),
        None => ("", t),
    };
    let (a, b) = body.split_once(',')?;
    if a.is_empty() || b.is_empty() || !a.bytes().chain(b.bytes()).all(|c| c.is_ascii_digit()) {
        return None;
    }
    if b.len() == 3 && !a.starts_with('0') && a.len() <= 3 {
        return None;
    }
    Some(format!("{sign}{a}.{b}"))
}

/// The normalised form shown in details: the exact value of a rational constant, else the tree.
fn form(n: &Node, opts: &Options, ticker: &Ticker) -> Result<String, MathError> {
    if n.is_scalar() && !n.has_symbols() {
        let ex = eval::Exact {
            limits: &opts.limits,
            ticker,
        };
        // A small rational prints as `Node::Num` does (`0`, `n`, `n/d`) without big integers.
        if let Some((a, b)) = ex.small_value(n)? {
            return Ok(if a == 0 {
                "0".to_string()
            } else if b == 1 {
                a.to_string()
            } else {
                format!("{a}/{b}")
            });
        }
        if let Some(q) = ex.eval(n)? {
            if q.numer().bits() + q.denom().bits() <= 256 {
                return Ok(Node::Num(q, None).to_string());
            }
        }
    }
    Ok(print(n))
}

/// `n.to_string()`, into a buffer sized for a typical answer (no regrowth as it is written).
fn print(n: &Node) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(64);
    let _ = write!(s, "{n}");
    s
}

/// Verify `response` against `reference`.
pub fn verify(
    reference: &str,
    response: &str,
    opts: &Options,
    deadline: &Deadline,
) -> Result<Verdict, VerifyError> {
    let ticker = Ticker::new(deadline, CHECK_EVERY);
    let mut gold = extract::reference_answer(reference);
    // A reference that is a whole solution ("… Final Answer: The final answer is $28\%$. …"):
    // its answer, found as in a response (boxed, marker or math environment only).
    if gold.len() > 120 || gold.contains('\n') {
        let strong = [Method::Boxed, Method::Marker, Method::Env];
        if let Some((a, _)) = extract::extract(&gold, &strong, &opts.tag) {
            gold = a;
        }
    }
    if gold.is_empty() {
        return Err(VerifyError::EmptyReference);
    }
    if gold.len() > opts.limits.max_answer_len {
        return Err(VerifyError::Math(MathError::Limit(format!(
            "reference: answer of {} bytes is longer than {} bytes",
            gold.len(),
            opts.limits.max_answer_len
        ))));
    }
    let found = extract::extract(response, &opts.extract, &opts.tag);
    ticker.check().map_err(MathError::from)?;
    // Multiple choice: the reference is a single option letter.
    if let Some(letter) = extract::choice_letter(&gold, true) {
        let from_answer = found
            .as_ref()
            .and_then(|(a, _)| extract::choice_letter(a, false));
        let tail_start = response.len().saturating_sub(400);
        let tail_start = (tail_start..response.len())
            .find(|i| response.is_char_boundary(*i))
            .unwrap_or(0);
        let pick = from_answer
            .or_else(|| extract::last_choice_mention(&response[tail_start..]))
            .or_else(|| extract::leading_choice(response))
            .or_else(|| extract::lone_choice(response));
        return match pick {
            Some(c) => Ok(Verdict {
                correct: c == letter,
                answer: found.map(|(a, _)| a).unwrap_or_else(|| format!("({c})")),
                method: Method::Marker,
                answer_form: c.to_string(),
                reference_form: letter.to_string(),
                basis: "choice",
            }),
            None => Err(VerifyError::NoAnswer),
        };
    }
    let Some((answer, method)) = found else {
        return Err(VerifyError::NoAnswer);
    };
    let (mut correct, mut answer_form, reference_form, basis) =
        compare(&gold, &answer, opts, &ticker)?;
    let mut answer = answer;
    // A reference of k answers against a response that boxes its k parts apart
    // (`\boxed{(3, 3)} for part (a) and \boxed{(1, 1)}`): the last k boxes together.
    if !correct && method == Method::Boxed {
        let k = reference_items(&gold, opts, &ticker);
        if k >= 2 {
            if let Some(joined) = extract::last_boxes(response, k) {
                if joined != answer {
                    let (c, f, _, _) = compare(&gold, &joined, opts, &ticker)?;
                    if c {
                        correct = true;
                        answer_form = f;
                        answer = joined;
                    }
                }
            }
        }
    }
    Ok(Verdict {
        correct,
        answer,
        method,
        answer_form,
        reference_form,
        basis,
    })
}
