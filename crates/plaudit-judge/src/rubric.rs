//! Rubric replies: numbered YES/NO answers, one per criterion.
//!
//! A rubric judge asked about several criteria answers each on a line of its own that starts
//! with the criterion's number: `1. YES`, `2: no`, `Criterion 3 - YES`, `**4.** NO`, `[5] yes`,
//! `Q6) NO`, `- 7: YES`. On such a line the answer is
//! - *firm* when YES or NO comes right after the number (`1. YES — it names the units`);
//! - *loose* when it comes after a `:`, `-`, `=` or `→` later on the line, or is the line's last
//!   word (`1. Names the units: YES`, `2. The units are given, so yes.`); a line whose loose
//!   answers disagree is ambiguous.
//!
//! A criterion with firm answers takes them and ignores loose ones (the judge's numbered
//! reasoning above its numbered answers); answers that disagree are a
//! [`VerdictError::DuplicateAnswer`], answers that agree are one answer. A firm answer for a
//! number that was not asked is [`VerdictError::UnknownCriterion`]. Only the reply after the last
//! `</think>` is read, and a reply cut off at its token limit is [`VerdictError::Truncated`].

use std::sync::OnceLock;

use regex::Regex;

use crate::error::VerdictError;
use crate::verdict::{after_thinking, refusal};

/// A line that starts with a criterion's number; group 1 the number, group 2 the rest.
fn answer_line() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"^[\s>]*(?:[-*+]\s+)?[*_`#\s]*(?:(?i:criterion|criteria|item|question|requirement|check|rule|q|c)\s*)?[#\[(]?\s*(\d{1,6})\s*[\])]?[*_`]*\s*(?:[.:)=\-–—](?:[\s*_`]|$)|\s|$)(.*)$",
        )
        .expect("fixed pattern")
    })
}

/// YES or NO at the start (after markdown and quotes).
fn firm() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r#"^[\s*_`"'(\[]*(?i:(yes|no))\b"#).expect("fixed pattern"))
}

/// YES or NO after a separator, or as the last word.
fn loose() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r#"(?:[:=→>\-–—][\s*_`"'(\[]*(?i:(yes|no))\b)|(?:\b(?i:(yes|no))[\s*_`.!)\]"']*$)"#,
        )
        .expect("fixed pattern")
    })
}

/// Another YES or NO right after a firm one: `YES/NO`, `yes or no`.
fn alternative() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"^\s*(?:/|\||,|(?i:or)\b)\s*[*_`]*\s*(?i:(yes|no))\b").expect("fixed pattern")
    })
}

fn is_yes(word: &str) -> bool {
    word.eq_ignore_ascii_case("yes")
}

fn shown(b: bool) -> String {
    if b { "YES" } else { "NO" }.to_string()
}

/// The answers of a reply to `count` criteria: `Some(true)` YES, `Some(false)` NO, `None` for a
/// criterion it does not answer. A reply that answers none of them is an error
/// ([`VerdictError::NoVerdict`], or [`VerdictError::Refusal`]).
pub fn parse_rubric(
    reply: &str,
    count: usize,
    finish_reason: Option<&str>,
) -> Result<Vec<Option<bool>>, VerdictError> {
    if finish_reason == Some("length") {
        return Err(VerdictError::Truncated);
    }
    if count == 0 {
        return Ok(Vec::new());
    }
    if reply.trim().is_empty() {
        return Err(VerdictError::EmptyReply);
    }
    // Per criterion: firm answers, loose answers.
    let mut firm_answers: Vec<Vec<bool>> = vec![Vec::new(); count];
    let mut loose_answers: Vec<Vec<bool>> = vec![Vec::new(); count];
    for line in after_thinking(reply).lines() {
        let Some(caps) = answer_line().captures(line) else {
            continue;
        };
        let number: usize = caps[1].parse().unwrap_or(0);
        let rest = caps.get(2).map_or("", |m| m.as_str());
        if let Some(f) = firm().captures(rest) {
            let answer = is_yes(&f[1]);
            if let Some(alt) = alternative().captures(&rest[f.get(0).expect("group 0").end()..]) {
                if is_yes(&alt[1]) != answer {
                    return Err(VerdictError::Ambiguous {
                        context: format!("the answer to criterion {number}"),
                        candidates: vec![f[1].to_string(), alt[1].to_string()],
                    });
                }
            }
            if number == 0 || number > count {
                return Err(VerdictError::UnknownCriterion {
                    criterion: number,
                    count,
                });
            }
            firm_answers[number - 1].push(answer);
            continue;
        }
        let words: Vec<&str> = loose()
            .captures_iter(rest)
            .filter_map(|c| c.get(1).or_else(|| c.get(2)).map(|m| m.as_str()))
            .collect();
        let Some(first) = words.first() else {
            continue;
        };
        if let Some(other) = words.iter().find(|w| is_yes(w) != is_yes(first)) {
            return Err(VerdictError::Ambiguous {
                context: format!("the answer to criterion {number}"),
                candidates: vec![first.to_string(), other.to_string()],
            });
        }
        if (1..=count).contains(&number) {
            loose_answers[number - 1].push(is_yes(first));
        }
    }
    let mut answers = Vec::with_capacity(count);
    for (i, (firm, loose)) in firm_answers.iter().zip(&loose_answers).enumerate() {
        let chosen = if firm.is_empty() { loose } else { firm };
        let Some(&first) = chosen.first() else {
            answers.push(None);
            continue;
        };
        if let Some(&second) = chosen.iter().find(|&&a| a != first) {
            return Err(VerdictError::DuplicateAnswer {
                criterion: i + 1,
                first,
                second,
            });
        }
        answers.push(Some(first));
    }
    if answers.iter().all(Option::is_none) {
        if let Some(phrase) = refusal(reply) {
            return Err(VerdictError::Refusal {
                phrase: phrase.to_string(),
            });
        }
        return Err(VerdictError::NoVerdict {
            looked_for: "numbered YES/NO answers (`1. YES`)".to_string(),
        });
    }
    Ok(answers)
}

/// Like [`parse_rubric`], but every criterion must be answered
/// ([`VerdictError::MissingAnswers`] lists those that are not).
pub fn parse_rubric_all(
    reply: &str,
    count: usize,
    finish_reason: Option<&str>,
) -> Result<Vec<bool>, VerdictError> {
    let answers = parse_rubric(reply, count, finish_reason)?;
    let missing: Vec<usize> = answers
        .iter()
        .enumerate()
        .filter(|(_, a)| a.is_none())
        .map(|(i, _)| i + 1)
        .collect();
    if !missing.is_empty() {
        return Err(VerdictError::MissingAnswers {
            criteria: missing,
            count,
        });
    }
    Ok(answers.into_iter().map(|a| a.unwrap_or(false)).collect())
}

/// `YES`/`NO` for an answer (for details).
pub fn answer_text(answer: bool) -> String {
    shown(answer)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(reply: &str, count: usize) -> Vec<Option<bool>> {
        parse_rubric(reply, count, None).unwrap_or_else(|e| panic!("{reply:?}: {e}"))
    }

    fn error(reply: &str, count: usize) -> VerdictError {
        parse_rubric(reply, count, None).unwrap_err()
    }

    #[test]
    fn the_usual_numbering_styles() {
        let reply = "1. YES\n2: no\nCriterion 3 - YES\n**4.** NO\n[5] yes\nQ6) NO\n- 7: YES\n8 no\n#9 — Yes\nItem 10 = NO";
        assert_eq!(
            parse(reply, 10),
            [true, false, true, false, true, false, true, false, true, false].map(Some)
        );
    }

    #[test]
    fn answers_after_the_criterion_text() {
        let reply = "1. Names the units: YES\n2. Gives the formula → no\n3. The final value is right, so yes.\n4. Mentions the sign - NO (it does not)";
        assert_eq!(
            parse(reply, 4),
            [Some(true), Some(false), Some(true), Some(false)]
        );
    }

    #[test]
    fn missing_answers_are_none_or_an_error() {
        assert_eq!(parse("1. YES\n3. NO", 3), [Some(true), None, Some(false)]);
        let e = parse_rubric_all("1. YES\n3. NO", 4, None).unwrap_err();
        assert_eq!(
            e,
            VerdictError::MissingAnswers {
                criteria: vec![2, 4],
                count: 4
            }
        );
        assert_eq!(e.to_string(), "no answer for criteria 2, 4 (of 4)");
        assert_eq!(e.kind(), "missing_answers");
        assert_eq!(
            parse_rubric_all("1: yes\n2: YES", 2, None),
            Ok(vec![true, true])
        );
    }

    #[test]
    fn duplicates_agree_or_fail() {
        // Reasoning then a summary that agrees: one answer each.
        assert_eq!(
            parse(
                "1. YES, units are there\n2. NO\n\nSummary:\n1. YES\n2. NO",
                2
            ),
            [Some(true), Some(false)]
        );
        let e = error("1. YES\n2. NO\n1. NO", 2);
        assert_eq!(
            e,
            VerdictError::DuplicateAnswer {
                criterion: 1,
                first: true,
                second: false
            }
        );
        assert_eq!(
            e.to_string(),
            "criterion 1 is answered twice, YES and then NO"
        );
        assert_eq!(e.kind(), "duplicate_answer");
    }

    #[test]
    fn numbered_reasoning_yields_to_firm_answers() {
        let reply = "1. The response states no unit, but the value itself is right - no units needed here.\n2. It explains the method.\n\nAnswers:\n1. YES\n2. YES";
        assert_eq!(parse(reply, 2), [Some(true), Some(true)]);
    }

    #[test]
    fn ambiguous_and_unknown_criteria() {
        let e = error("1. YES/NO\n2. YES", 2);
        assert_eq!(
            e.to_string(),
            "ambiguous verdict in the answer to criterion 1: YES, NO"
        );
        assert_eq!(e.kind(), "ambiguous");
        assert_eq!(error("1. partly: yes, but: no", 1).kind(), "ambiguous");
        let e = error("1. YES\n2. NO\n3. YES", 2);
        assert_eq!(
            e.to_string(),
            "an answer for criterion 3, but only 2 were asked"
        );
        assert_eq!(e.kind(), "unknown_criterion");
        assert_eq!(error("0. YES", 2).kind(), "unknown_criterion");
    }

    #[test]
    fn no_answers_refusals_and_truncation() {
        let e = error("The response is good overall.", 3);
        assert_eq!(
            e.to_string(),
            "no verdict in the judge's reply (looked for numbered YES/NO answers (`1. YES`))"
        );
        assert_eq!(error("", 2), VerdictError::EmptyReply);
        assert_eq!(
            error("I cannot assist with evaluating this.", 2).kind(),
            "refusal"
        );
        assert_eq!(
            parse_rubric("1. YES\n2. N", 2, Some("length")),
            Err(VerdictError::Truncated)
        );
        assert_eq!(parse_rubric("anything", 0, None), Ok(vec![]));
    }

    #[test]
    fn lines_that_are_not_answers() {
        // Numbers that are not criterion labels, YES/NO inside words.
        assert_eq!(
            parse(
                "1.5 is the value, yes\n2020 was the year\n1. YES\n2. Nobody - yesterday",
                2
            ),
            [Some(true), None]
        );
        assert_eq!(
            parse("<think>1. NO\n2. NO</think>\n1. YES\n2. YES", 2),
            [Some(true), Some(true)]
        );
        assert_eq!(answer_text(true), "YES");
        assert_eq!(answer_text(false), "NO");
    }
}
