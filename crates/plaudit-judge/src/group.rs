//! Group replies: a judge shown several candidates at once (the rollouts of one prompt) gives
//! each a score, or ranks them, one line per candidate.
//!
//! The format is strict: a line of its own per candidate, `Candidate K: X`, K the candidate's
//! 1-based label as it was shown and X a number (a score on the declared scale, or a rank, 1 for
//! the best), with nothing else on the line but markdown (`**Candidate 2:** 7`, `- Candidate 3 =
//! 4`). A line `Candidate K: <text>` whose value is one word but not a number is
//! [`VerdictError::Unparsable`]; lines with more words (`Candidate 2: gives the right answer`)
//! are reasoning and are not read. Every candidate must have exactly one line: a missing one is
//! [`VerdictError::MissingCandidates`], a second line for one (even with the same value)
//! [`VerdictError::DuplicateCandidate`], a line for a label that was not shown
//! [`VerdictError::UnknownCandidate`]; a score off the scale is [`VerdictError::OutOfRange`]
//! (never clamped); two candidates with one rank are [`VerdictError::TiedRanks`]. Any of these
//! fails the whole group: a partial reply says nothing reliable about the candidates it did
//! answer, since they were judged against each other. Only the reply after the last `</think>`
//! is read, and a reply cut off at its token limit is [`VerdictError::Truncated`].
//!
//! The order the candidates are shown in is a seeded shuffle ([`shuffled`], [`group_seed`]), so
//! that a judge's position bias does not follow the order the policy generated them in.

use std::sync::OnceLock;

use regex::Regex;

use crate::error::VerdictError;
use crate::verdict::{after_thinking, refusal};

/// What a group judge is asked for.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum GroupMode {
    /// A score per candidate on `[lo, hi]`, mapped onto [0, 1] as `(x − lo) / (hi − lo)`.
    Score { lo: f64, hi: f64 },
    /// A rank per candidate, 1 the best, no ties; rank `k` of `n` is worth `(n − k) / (n − 1)`
    /// (a group of one: 1).
    Rank,
}

impl GroupMode {
    /// `Score` on `[lo, hi]`, or an error when the range is empty or not finite.
    pub fn score(lo: f64, hi: f64) -> Result<GroupMode, crate::ConfigError> {
        if !(lo.is_finite() && hi.is_finite() && lo < hi) {
            return Err(crate::ConfigError(format!(
                "the range [{lo}, {hi}] must be two finite numbers, lo < hi"
            )));
        }
        Ok(GroupMode::Score { lo, hi })
    }
}

/// A group reply, read: per candidate label (index 0 is `Candidate 1`), the number the judge
/// gave and its value on [0, 1].
#[derive(Clone, Debug, PartialEq)]
pub struct GroupVerdict {
    pub raw: Vec<f64>,
    pub values: Vec<f64>,
}

/// A candidate's line; group 1 the label, group 2 the value.
fn candidate_line() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"^[\s>]*(?:[-*+]\s+)?[*_`#\s]*(?i:candidate)\s*#?\s*(\d{1,6})\s*[*_`]*\s*[:=\-–—]\s*[*_`]*\s*([^\s*_`]+?)[*_`.]*\s*$",
        )
        .expect("fixed pattern")
    })
}

/// The verdict of a reply about `count` candidates (see the module doc).
pub fn parse_group(
    reply: &str,
    count: usize,
    mode: GroupMode,
    finish_reason: Option<&str>,
) -> Result<GroupVerdict, VerdictError> {
    if finish_reason == Some("length") {
        return Err(VerdictError::Truncated);
    }
    if reply.trim().is_empty() {
        return Err(VerdictError::EmptyReply);
    }
    let mut raw: Vec<Option<f64>> = vec![None; count];
    let mut seen_any = false;
    for line in after_thinking(reply).lines() {
        let Some(caps) = candidate_line().captures(line) else {
            continue;
        };
        seen_any = true;
        let label: usize = caps[1].parse().unwrap_or(0);
        let text = &caps[2];
        if label == 0 || label > count {
            return Err(VerdictError::UnknownCandidate {
                candidate: label,
                count,
            });
        }
        if raw[label - 1].is_some() {
            return Err(VerdictError::DuplicateCandidate { candidate: label });
        }
        let x = number(text, mode)?;
        raw[label - 1] = Some(x);
    }
    if !seen_any {
        if let Some(phrase) = refusal(reply) {
            return Err(VerdictError::Refusal {
                phrase: phrase.to_string(),
            });
        }
        return Err(VerdictError::NoVerdict {
            looked_for: format!("{count} lines `Candidate K: <number>`"),
        });
    }
    let missing: Vec<usize> = (1..=count).filter(|k| raw[k - 1].is_none()).collect();
    if !missing.is_empty() {
        return Err(VerdictError::MissingCandidates {
            candidates: missing,
            count,
        });
    }
    let raw: Vec<f64> = raw.into_iter().map(|x| x.expect("checked")).collect();
    let values = match mode {
        GroupMode::Score { lo, hi } => {
            for &x in &raw {
                if x < lo || x > hi {
                    return Err(VerdictError::OutOfRange { value: x, lo, hi });
                }
            }
            raw.iter().map(|x| (x - lo) / (hi - lo)).collect()
        }
        GroupMode::Rank => {
            let mut by_rank: Vec<Option<usize>> = vec![None; count];
            for (i, &r) in raw.iter().enumerate() {
                if r < 1.0 || r > count as f64 {
                    return Err(VerdictError::OutOfRange {
                        value: r,
                        lo: 1.0,
                        hi: count as f64,
                    });
                }
                let slot = &mut by_rank[r as usize - 1];
                if let Some(other) = *slot {
                    return Err(VerdictError::TiedRanks {
                        rank: r as usize,
                        candidates: (other + 1, i + 1),
                    });
                }
                *slot = Some(i);
            }
            raw.iter()
                .map(|&r| {
                    if count == 1 {
                        1.0
                    } else {
                        (count as f64 - r) / (count as f64 - 1.0)
                    }
                })
                .collect()
        }
    };
    Ok(GroupVerdict { raw, values })
}

/// A candidate's number: a finite float (score) or a whole number (rank).
fn number(text: &str, mode: GroupMode) -> Result<f64, VerdictError> {
    let x: f64 = text.parse().map_err(|_| VerdictError::Unparsable {
        text: text.to_string(),
        reason: "not a number".into(),
    })?;
    if !x.is_finite() {
        return Err(VerdictError::NonFinite {
            text: text.to_string(),
        });
    }
    if mode == GroupMode::Rank && x.fract() != 0.0 {
        return Err(VerdictError::Unparsable {
            text: text.to_string(),
            reason: "a rank is a whole number".into(),
        });
    }
    Ok(x)
}

/// The seed of one group's shuffle: `seed` mixed with the FNV-1a hash of the group's `key`
/// (stable across runs, platforms and Rust versions, unlike the standard library's hasher).
pub fn group_seed(seed: u64, key: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in key.as_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    splitmix(&mut (h ^ seed.wrapping_mul(0x9e37_79b9_7f4a_7c15)))
}

fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A permutation of `0..n` drawn from `seed` (Fisher–Yates over SplitMix64): `order[k]` is the
/// index of the member shown as `Candidate k+1`. The same `(n, seed)` always gives the same order.
pub fn shuffled(n: usize, seed: u64) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    let mut state = seed;
    for i in (1..n).rev() {
        let j = (splitmix(&mut state) % (i as u64 + 1)) as usize;
        order.swap(i, j);
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCORE: GroupMode = GroupMode::Score { lo: 0.0, hi: 10.0 };

    fn kind(r: Result<GroupVerdict, VerdictError>) -> &'static str {
        r.unwrap_err().kind()
    }

    #[test]
    fn scores_are_read_per_label_and_mapped() {
        let reply =
            "Candidate 2 is best.\n\nCandidate 1: 4\n**Candidate 2:** 9.5\n- Candidate 3 = 0.";
        let v = parse_group(reply, 3, SCORE, Some("stop")).unwrap();
        assert_eq!(v.raw, vec![4.0, 9.5, 0.0]);
        assert_eq!(v.values, vec![0.4, 0.95, 0.0]);
        // Headers and reasoning lines (more than one word) are not read.
        let v = parse_group(
            "Candidate 1:\nIt is right.\n**Candidate 2:**\nCandidate 1: gives the right answer\nCandidate 2: wrong units\nCandidate 1: 10\nCandidate 2: 3",
            2,
            SCORE,
            None,
        )
        .unwrap();
        assert_eq!(v.raw, vec![10.0, 3.0]);
    }

    #[test]
    fn ranks_become_relative_values() {
        let v = parse_group(
            "Candidate 1: 3\nCandidate 2: 1\nCandidate 3: 2",
            3,
            GroupMode::Rank,
            None,
        )
        .unwrap();
        assert_eq!(v.raw, vec![3.0, 1.0, 2.0]);
        assert_eq!(v.values, vec![0.0, 1.0, 0.5]);
        let one = parse_group("Candidate 1: 1", 1, GroupMode::Rank, None).unwrap();
        assert_eq!(one.values, vec![1.0]);
    }

    #[test]
    fn every_flaw_fails_the_whole_reply() {
        assert_eq!(
            kind(parse_group("Candidate 1: 4", 2, SCORE, None)),
            "missing_candidates"
        );
        let e = parse_group("Candidate 2: 4", 3, SCORE, None).unwrap_err();
        assert_eq!(e.to_string(), "no line for candidates 1, 3 (of 3)");
        assert_eq!(
            kind(parse_group(
                "Candidate 1: 4\nCandidate 1: 4\nCandidate 2: 1",
                2,
                SCORE,
                None
            )),
            "duplicate_candidate"
        );
        assert_eq!(
            kind(parse_group(
                "Candidate 1: 4\nCandidate 3: 1",
                2,
                SCORE,
                None
            )),
            "unknown_candidate"
        );
        assert_eq!(
            kind(parse_group("Candidate 0: 4", 2, SCORE, None)),
            "unknown_candidate"
        );
        let e = parse_group("Candidate 1: 4\nCandidate 2: 12", 2, SCORE, None).unwrap_err();
        assert_eq!(
            e,
            VerdictError::OutOfRange {
                value: 12.0,
                lo: 0.0,
                hi: 10.0
            }
        );
        assert_eq!(
            kind(parse_group(
                "Candidate 1: -1\nCandidate 2: 2",
                2,
                SCORE,
                None
            )),
            "out_of_range"
        );
        assert_eq!(
            kind(parse_group(
                "Candidate 1: good\nCandidate 2: 2",
                2,
                SCORE,
                None
            )),
            "unparsable"
        );
        assert_eq!(
            kind(parse_group(
                "Candidate 1: NaN\nCandidate 2: 2",
                2,
                SCORE,
                None
            )),
            "non_finite"
        );
        assert_eq!(
            kind(parse_group(
                "Candidate 1: 1\nCandidate 2: 1",
                2,
                GroupMode::Rank,
                None
            )),
            "tied_ranks"
        );
        assert_eq!(
            kind(parse_group(
                "Candidate 1: 1\nCandidate 2: 3",
                2,
                GroupMode::Rank,
                None
            )),
            "out_of_range"
        );
        assert_eq!(
            kind(parse_group(
                "Candidate 1: 1.5\nCandidate 2: 1",
                2,
                GroupMode::Rank,
                None
            )),
            "unparsable"
        );
        assert_eq!(kind(parse_group("", 2, SCORE, None)), "empty_reply");
        assert_eq!(
            kind(parse_group("All fine. VERDICT: 7", 2, SCORE, None)),
            "no_verdict"
        );
        assert_eq!(
            kind(parse_group(
                "I'm sorry, but I can't help with evaluating this.",
                2,
                SCORE,
                None
            )),
            "refusal"
        );
        assert_eq!(
            kind(parse_group(
                "Candidate 1: 4\nCandidate 2: 1",
                2,
                SCORE,
                Some("length")
            )),
            "truncated"
        );
    }

    #[test]
    fn reasoning_before_think_end_is_not_read() {
        let reply = "<think>Candidate 1: 2\nCandidate 1: 3</think>\nCandidate 1: 8\nCandidate 2: 5";
        assert_eq!(
            parse_group(reply, 2, SCORE, None).unwrap().raw,
            vec![8.0, 5.0]
        );
    }

    #[test]
    fn the_shuffle_is_a_seeded_permutation() {
        let a = shuffled(8, group_seed(0, "prompt-17"));
        assert_eq!(a, shuffled(8, group_seed(0, "prompt-17")));
        let mut sorted = a.clone();
        sorted.sort();
        assert_eq!(sorted, (0..8).collect::<Vec<_>>());
        assert_ne!(
            a,
            (0..8).collect::<Vec<_>>(),
            "eight candidates are shuffled"
        );
        assert_ne!(
            a,
            shuffled(8, group_seed(1, "prompt-17")),
            "the seed changes the order"
        );
        assert_ne!(
            a,
            shuffled(8, group_seed(0, "prompt-18")),
            "the key changes the order"
        );
        assert_eq!(shuffled(1, 5), vec![0]);
        assert!(shuffled(0, 5).is_empty());
        assert!(GroupMode::score(1.0, 1.0).is_err());
    }
}
