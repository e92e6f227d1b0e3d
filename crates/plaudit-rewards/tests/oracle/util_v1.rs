//! The rewards' helpers as they were before issue 18 (commit 5de712f), kept unchanged as the
//! oracle of tests/util_differential.rs.

//! Helpers shared by several rewards: length units, answer extraction, text normalisation.
//! Not rewards themselves; every function here is linear in its input.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use plaudit_core::{Failure, Kind, ParamSpec, Sample};
use unicode_normalization::UnicodeNormalization;

/// The `unit` parameter every length-based reward takes.
pub const UNIT_PARAM: ParamSpec = ParamSpec::new(
    "unit",
    Kind::Enum(&["tokens", "chars", "words"]),
    "\"tokens\"",
    "how length is counted: the sample's `tokens`, Unicode characters, or whitespace-separated words",
);

/// The response's length in `unit`. Asking for tokens when the sample has none is `invalid_input`.
pub fn response_length(sample: &Sample, unit: &str) -> Result<f64, Failure> {
    match unit {
        "tokens" => sample.tokens.map(|t| t as f64).ok_or_else(|| {
            Failure::invalid_input(
                "sample has no `tokens` field, and this reward counts length in tokens (send `tokens`, or set `unit: chars` or `unit: words`)",
            )
        }),
        "chars" => Ok(sample.response.chars().count() as f64),
        "words" => Ok(sample.response.split_whitespace().count() as f64),
        other => Err(Failure::error(format!("unknown length unit `{other}`"))),
    }
}

/// The content of the last `\boxed{…}` or `\fbox{…}` (braces balanced), or of `\boxed x` up to
/// the next whitespace or `$`.
pub fn last_boxed(text: &str) -> Option<&str> {
    let b = text.rfind("\\boxed");
    let f = text.rfind("\\fbox");
    let (start, cmd_len) = match (b, f) {
        (Some(b), Some(f)) if f > b => (f, 5),
        (Some(b), _) => (b, 6),
        (None, Some(f)) => (f, 5),
        (None, None) => return None,
    };
    let rest = &text[start + cmd_len..];
    let trimmed = rest.trim_start();
    if let Some(inner) = trimmed.strip_prefix('{') {
        let mut depth = 1usize;
        for (i, c) in inner.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(&inner[..i]);
                    }
                }
                _ => {}
            }
        }
        None
    } else if rest.starts_with(' ') {
        let end = trimmed
            .find(|c: char| c.is_whitespace() || c == '$')
            .unwrap_or(trimmed.len());
        Some(&trimmed[..end]).filter(|s| !s.is_empty())
    } else {
        None
    }
}

/// The content of the last `<tag>…</tag>` block (shared with the math verifier).
pub use plaudit_math::extract::tag_content;

/// The text after the last answer marker ("final answer is", "answer is", "answer:", GSM8K's
/// "####"), to the end of its line, without a trailing period.
pub fn after_answer_marker(text: &str) -> Option<&str> {
    static MARKERS: LazyLock<AhoCorasick> = LazyLock::new(|| {
        AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(["answer is", "answer:", "####"])
            .expect("fixed patterns build")
    });
    let start = MARKERS.find_overlapping_iter(text).map(|m| m.end()).max()?;
    let rest = &text[start..];
    let rest = rest.trim_start_matches([':', ' ', '\t']);
    let line = rest.split('\n').next().unwrap_or("").trim();
    let line = line.strip_suffix('.').unwrap_or(line).trim();
    Some(line).filter(|s| !s.is_empty())
}

/// The last non-empty line.
pub fn last_line(text: &str) -> Option<&str> {
    text.lines().map(str::trim).rfind(|l| !l.is_empty())
}

/// Extraction modes shared by the answer rewards.
pub const EXTRACT_MODES: &[&str] = &["auto", "answer_tag", "boxed", "marker", "last_line", "none"];

/// Where a final answer may be: the text after the last `</think>` when there is one; nothing when
/// a `<think>` block was opened and never closed (the response was cut off mid-reasoning); else the
/// whole response. An answer written inside the reasoning does not count.
pub fn answer_region(response: &str) -> Option<&str> {
    match response.rfind("</think>") {
        Some(p) => Some(&response[p + "</think>".len()..]),
        None if response.contains("<think>") => None,
        None => Some(response),
    }
}

/// Pull the final answer out of a response (within [`answer_region`], except for `none`). `auto`
/// tries, in order: the `<answer_tag>` block (a `\boxed{}` inside it wins), the last `\boxed{}`,
/// an answer marker, and the whole region.
pub fn extract_answer<'a>(response: &'a str, mode: &str, tag: &str) -> Option<&'a str> {
    if mode == "none" {
        return Some(response.trim()).filter(|s| !s.is_empty());
    }
    let response = answer_region(response)?;
    let found = match mode {
        "answer_tag" => tag_content(response, tag),
        "boxed" => last_boxed(response),
        "marker" => after_answer_marker(response),
        "last_line" => last_line(response),
        _ => tag_content(response, tag)
            .and_then(|inner| last_boxed(inner).or(Some(inner)))
            .or_else(|| last_boxed(response))
            .or_else(|| after_answer_marker(response))
            .or(Some(response)),
    };
    found.map(str::trim).filter(|s| !s.is_empty())
}

/// Unicode NFKC, lower case (unless `case_sensitive`), whitespace collapsed, surrounding
/// whitespace, `$` delimiters and a trailing period removed.
pub fn normalize_basic(s: &str, case_sensitive: bool) -> String {
    // One pass: NFKC (the identity on ASCII, so skipped there), case folding, whitespace runs
    // collapsed to one space.
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    let chars: Box<dyn Iterator<Item = char>> = if s.is_ascii() {
        Box::new(s.chars())
    } else {
        Box::new(s.nfkc())
    };
    for c in chars {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        if case_sensitive {
            out.push(c);
        } else {
            out.extend(c.to_lowercase());
        }
    }
    let mut t = out.as_str();
    loop {
        let before = t.len();
        t = t.trim();
        if let Some(x) = t.strip_suffix('.') {
            t = x;
        }
        if t.len() >= 2 && t.starts_with('$') && t.ends_with('$') {
            t = &t[1..t.len() - 1];
        }
        if t.len() == before {
            return t.to_string();
        }
    }
}

/// SQuAD's answer normalisation: lower case, punctuation removed, the articles a/an/the removed,
/// whitespace collapsed ("Reading Wikipedia to Answer Open-Domain Questions"; the SQuAD v1.1
/// evaluation script).
pub fn normalize_squad(s: &str) -> String {
    let lower = s.to_lowercase();
    let no_punct: String = lower.chars().filter(|c| !is_punctuation(*c)).collect();
    no_punct
        .split_whitespace()
        .filter(|w| !matches!(*w, "a" | "an" | "the"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// ASCII punctuation (Python's `string.punctuation`).
pub fn is_punctuation(c: char) -> bool {
    c.is_ascii_punctuation()
}
