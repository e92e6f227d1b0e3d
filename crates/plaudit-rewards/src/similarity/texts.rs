//! Which text the similarity rewards compare: the `extract` and `answer_tag` parameters, the
//! response's compared text, the references, and Python-compatible whitespace (the anchors,
//! sacrebleu and rouge-score, are Python).

use plaudit_core::{Failure, Kind, ParamSpec, Sample};

use crate::util::{extract_answer, EXTRACT_MODES};

/// `extract`: where the compared text is; `none` (the default here) is the whole response.
pub(crate) const EXTRACT_PARAM: ParamSpec = ParamSpec::new(
    "extract",
    Kind::Enum(EXTRACT_MODES),
    "\"none\"",
    "which part of the response is compared (`none`: all of it)",
);

/// `answer_tag`: the tag name of the answer block for `extract: answer_tag` / `auto`.
pub(crate) const TAG_PARAM: ParamSpec = ParamSpec::new(
    "answer_tag",
    Kind::Str,
    "\"answer\"",
    "tag name of the answer block",
);

/// The text of the response to compare: the whole response, untouched, for `extract: none`,
/// else the extracted answer (`no_answer` when there is none).
pub(crate) fn hypothesis<'a>(
    sample: &'a Sample,
    extract: &str,
    tag: &str,
) -> Result<&'a str, Failure> {
    if extract == "none" {
        return Ok(&sample.response);
    }
    extract_answer(&sample.response, extract, tag)
        .ok_or_else(|| Failure::no_answer(format!("no answer found (extract: {extract})")))
}

/// The sample's reference texts, or `invalid_input` naming `reference`.
pub(crate) fn references(sample: &Sample) -> Result<Vec<String>, Failure> {
    let refs = sample.reference_texts();
    if refs.is_empty() {
        return Err(Failure::invalid_input(
            "`reference` must be a reference text, a non-empty list of them, or {\"answer\": …}",
        ));
    }
    Ok(refs)
}

/// Python's `str.isspace` (what `str.split()` splits on): Rust's White_Space plus the ASCII
/// information separators U+001C..U+001F.
#[inline]
pub(crate) fn py_is_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Python's `str.split()` with no argument.
pub(crate) fn py_split(s: &str) -> impl Iterator<Item = &str> {
    s.split(py_is_space).filter(|w| !w.is_empty())
}

/// Python's `str.rstrip()` with no argument.
pub(crate) fn py_rstrip(s: &str) -> &str {
    s.trim_end_matches(py_is_space)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_whitespace() {
        assert_eq!(
            py_split(" a\u{1f}b\u{a0}c\u{3000} ").collect::<Vec<_>>(),
            vec!["a", "b", "c"]
        );
        assert_eq!(py_rstrip("x \u{1c}\n"), "x");
        assert!(!py_is_space('\u{200b}'));
    }
}
