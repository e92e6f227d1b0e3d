//! Why a judge's reply gives no usable verdict.

use std::fmt;

/// A judge's reply that gives no verdict, or gives one that cannot be trusted. Every variant is a
/// failure of the component (`judge_error` in its details, [`VerdictError::kind`]), never a score
/// of 0 and never a clamped value.
#[derive(Clone, Debug, PartialEq)]
pub enum VerdictError {
    /// The reply is empty (or only whitespace).
    EmptyReply,
    /// No verdict where the parser looked; `looked_for` says where, in words.
    NoVerdict { looked_for: String },
    /// A verdict marker (`VERDICT:`, `\boxed{}`) whose value is neither a number on the scale nor
    /// a label: `VERDICT: <score>`, `\boxed{7 + 1}`, `VERDICT: 7/5` on a 0–10 scale.
    Unparsable { text: String, reason: String },
    /// A number outside the declared range. Never clamped.
    OutOfRange { value: f64, lo: f64, hi: f64 },
    /// `NaN`, `inf`, or a number too large for a float.
    NonFinite { text: String },
    /// Several different verdicts where one was expected (`VERDICT: 7 or 8`, `YES … NO` on the
    /// last line, two `VERDICT:`s that disagree on one line).
    Ambiguous {
        context: String,
        candidates: Vec<String>,
    },
    /// The judge refused and gave no verdict (only reported when there is no verdict).
    Refusal { phrase: String },
    /// The reply was cut off at its token limit (`finish_reason` `"length"`): whatever verdict it
    /// holds may be a fragment (`VERDICT: 1` of `VERDICT: 10`), so none is read.
    Truncated,
    /// Rubric replies: criteria with no answer (1-based), out of `count`.
    MissingAnswers { criteria: Vec<usize>, count: usize },
    /// Rubric replies: one criterion answered both YES and NO.
    DuplicateAnswer {
        criterion: usize,
        first: bool,
        second: bool,
    },
    /// Rubric replies: an answer for a criterion that was not asked.
    UnknownCriterion { criterion: usize, count: usize },
    /// Group replies: candidates with no line (1-based labels), out of `count`.
    MissingCandidates {
        candidates: Vec<usize>,
        count: usize,
    },
    /// Group replies: a candidate with two lines.
    DuplicateCandidate { candidate: usize },
    /// Group replies: a line for a candidate that was not shown.
    UnknownCandidate { candidate: usize, count: usize },
    /// Group replies in rank mode: two candidates given the same rank.
    TiedRanks {
        rank: usize,
        candidates: (usize, usize),
    },
}

impl VerdictError {
    /// A stable short name for the details field `judge_error`.
    pub fn kind(&self) -> &'static str {
        match self {
            VerdictError::EmptyReply => "empty_reply",
            VerdictError::NoVerdict { .. } => "no_verdict",
            VerdictError::Unparsable { .. } => "unparsable",
            VerdictError::OutOfRange { .. } => "out_of_range",
            VerdictError::NonFinite { .. } => "non_finite",
            VerdictError::Ambiguous { .. } => "ambiguous",
            VerdictError::Refusal { .. } => "refusal",
            VerdictError::Truncated => "truncated",
            VerdictError::MissingAnswers { .. } => "missing_answers",
            VerdictError::DuplicateAnswer { .. } => "duplicate_answer",
            VerdictError::UnknownCriterion { .. } => "unknown_criterion",
            VerdictError::MissingCandidates { .. } => "missing_candidates",
            VerdictError::DuplicateCandidate { .. } => "duplicate_candidate",
            VerdictError::UnknownCandidate { .. } => "unknown_candidate",
            VerdictError::TiedRanks { .. } => "tied_ranks",
        }
    }
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "YES"
    } else {
        "NO"
    }
}

impl fmt::Display for VerdictError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VerdictError::EmptyReply => write!(f, "the judge's reply is empty"),
            VerdictError::NoVerdict { looked_for } => {
                write!(f, "no verdict in the judge's reply (looked for {looked_for})")
            }
            VerdictError::Unparsable { text, reason } => {
                write!(f, "cannot read the verdict `{text}`: {reason}")
            }
            VerdictError::OutOfRange { value, lo, hi } => write!(
                f,
                "verdict {value} is outside the declared range [{lo}, {hi}] (never clamped)"
            ),
            VerdictError::NonFinite { text } => {
                write!(f, "verdict `{text}` is not a finite number")
            }
            VerdictError::Ambiguous {
                context,
                candidates,
            } => write!(
                f,
                "ambiguous verdict in {context}: {}",
                candidates.join(", ")
            ),
            VerdictError::Refusal { phrase } => {
                write!(f, "the judge refused (\"{phrase}\") and gave no verdict")
            }
            VerdictError::Truncated => write!(
                f,
                "the judge's reply was cut off at its token limit (finish_reason \"length\"); raise max_tokens"
            ),
            VerdictError::MissingAnswers { criteria, count } => {
                let list: Vec<String> = criteria.iter().map(|c| c.to_string()).collect();
                let noun = if criteria.len() == 1 {
                    "criterion"
                } else {
                    "criteria"
                };
                write!(f, "no answer for {noun} {} (of {count})", list.join(", "))
            }
            VerdictError::DuplicateAnswer {
                criterion,
                first,
                second,
            } => write!(
                f,
                "criterion {criterion} is answered twice, {} and then {}",
                yes_no(*first),
                yes_no(*second)
            ),
            VerdictError::UnknownCriterion { criterion, count } => write!(
                f,
                "an answer for criterion {criterion}, but only {count} were asked"
            ),
            VerdictError::MissingCandidates { candidates, count } => {
                let list: Vec<String> = candidates.iter().map(|c| c.to_string()).collect();
                let noun = if candidates.len() == 1 {
                    "candidate"
                } else {
                    "candidates"
                };
                write!(f, "no line for {noun} {} (of {count})", list.join(", "))
            }
            VerdictError::DuplicateCandidate { candidate } => {
                write!(f, "candidate {candidate} has more than one line")
            }
            VerdictError::UnknownCandidate { candidate, count } => write!(
                f,
                "a line for candidate {candidate}, but only {count} were shown"
            ),
            VerdictError::TiedRanks { rank, candidates } => write!(
                f,
                "candidates {} and {} are both ranked {rank} (ranks must not tie)",
                candidates.0, candidates.1
            ),
        }
    }
}

impl std::error::Error for VerdictError {}

/// A verdict parser configured wrongly (a reward's `build()` reports it as a spec error).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError(pub String);

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConfigError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_and_kinds() {
        let cases: Vec<(VerdictError, &str, &str)> = vec![
            (VerdictError::EmptyReply, "empty_reply", "the judge's reply is empty"),
            (
                VerdictError::NoVerdict {
                    looked_for: "a `VERDICT:` line".into(),
                },
                "no_verdict",
                "no verdict in the judge's reply (looked for a `VERDICT:` line)",
            ),
            (
                VerdictError::OutOfRange {
                    value: 11.0,
                    lo: 0.0,
                    hi: 10.0,
                },
                "out_of_range",
                "verdict 11 is outside the declared range [0, 10] (never clamped)",
            ),
            (
                VerdictError::Ambiguous {
                    context: "the last line".into(),
                    candidates: vec!["YES".into(), "NO".into()],
                },
                "ambiguous",
                "ambiguous verdict in the last line: YES, NO",
            ),
            (
                VerdictError::Truncated,
                "truncated",
                "the judge's reply was cut off at its token limit (finish_reason \"length\"); raise max_tokens",
            ),
            (
                VerdictError::MissingAnswers {
                    criteria: vec![2],
                    count: 3,
                },
                "missing_answers",
                "no answer for criterion 2 (of 3)",
            ),
            (
                VerdictError::MissingAnswers {
                    criteria: vec![1, 3],
                    count: 3,
                },
                "missing_answers",
                "no answer for criteria 1, 3 (of 3)",
            ),
            (
                VerdictError::DuplicateAnswer {
                    criterion: 2,
                    first: true,
                    second: false,
                },
                "duplicate_answer",
                "criterion 2 is answered twice, YES and then NO",
            ),
            (
                VerdictError::UnknownCriterion {
                    criterion: 5,
                    count: 4,
                },
                "unknown_criterion",
                "an answer for criterion 5, but only 4 were asked",
            ),
        ];
        for (e, kind, msg) in cases {
            assert_eq!(e.kind(), kind);
            assert_eq!(e.to_string(), msg);
        }
    }
}
