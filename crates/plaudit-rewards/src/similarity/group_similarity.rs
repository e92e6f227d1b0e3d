//! PS-GRPO's group similarity reward: each rollout's mean similarity to the answers of the other rollouts of its group (paraphrased queries should get consistent answers).
//!
//! ## What it computes
//! The group is every rollout sharing the sample's `group` (the trainer puts the rollouts of all
//! the paraphrases of one question under one group). Each member's answer (`extract`) is
//! normalised as SQuAD does (lower case, punctuation and the articles a/an/the removed) and split
//! into words. With P_i the peers of member i, its reward is
//! ```text
//! r_i = (1/|P_i|) · Σ_{j ∈ P_i} sim(a_i, a_j)
//! ```
//! where sim (`measure`) is one of
//! - `token_f1`: SQuAD's token F1 (the multiset overlap; as `token_f1`),
//! - `jaccard`: |A ∩ B| / |A ∪ B| over the two sets of words,
//! - `rouge_l`: the F-measure of the longest common subsequence of the two word sequences,
//!
//! all symmetric and in [0, 1]. An answer with no word left after normalisation agrees with
//! nothing (sim 0, also against another empty answer), so empty answers cannot buy consistency.
//!
//! The peers P_i (`peers`): every other member (`all`), or only the members whose paraphrase
//! (`meta.paraphrase`, a string or number) differs from i's (`other_paraphrases`, the consistency
//! *across* paraphrases). `max_peers: M > 0` compares i with at most M peers, the M that follow it
//! in the group's order, wrapping around (each member then serves as a peer about M times).
//!
//! A member whose answer cannot be found (`extract`) gets `no_answer`, and still counts as a peer
//! of the others with similarity 0: a rollout that does not answer is not consistent with anyone.
//! A member without `meta.paraphrase` under `other_paraphrases` gets `invalid_input` and is left
//! out of the others' peers. A member with no peer (a group of one, or one paraphrase only) gets
//! `invalid_input`: there is nothing to be consistent with. Details give `peers` (|P_i|).
//!
//! Consistency alone is gameable (the same wrong answer everywhere is perfectly consistent):
//! combine it with a correctness component in the expression, as PS-GRPO does.
//!
//! ## Why
//! "Improving Consistency in Retrieval-Augmented Systems with Group Similarity Rewards" (Con-RAG)
//! trains the generator with PS-GRPO, which "leverages multiple rollouts across paraphrased set to
//! assign group similarity rewards", so that outputs "convey the same core content across
//! semantically equivalent inputs"; because "exact reward computation over paraphrase sets is
//! computationally expensive", it uses "a scalable approximation". The abstract names neither the
//! similarity nor the approximation: the mean similarity to the other paraphrases' rollouts is
//! the research catalogue's reading; the lexical measures, the treatment of empty and missing
//! answers and the M-following-peers approximation are Plaudit's documented choices.
//!
//! ## Parameters
//! - `measure` (token_f1 | jaccard | rouge_l; default `token_f1`): sim.
//! - `peers` (all | other_paraphrases; default `all`): who a rollout is compared with.
//! - `max_peers` (integer ≥ 0; default 0): compare with at most this many peers (0: all of them).
//! - `extract` (auto | answer_tag | boxed | marker | last_line | none; default `auto`): where the
//!   answer is in the response.
//! - `answer_tag` (string; default `answer`): the tag name for `extract: answer_tag` / `auto`.
//!
//! ## Example
//! ```json
//! {"group": [{"sample": {"response": "<answer>Paris</answer>"}}, {"sample": {"response": "<answer>Paris, France</answer>"}}, {"sample": {"response": "<answer>Lyon</answer>"}}], "values": [0.3333333333333333, 0.3333333333333333, 0.0]}
//! {"params": {"measure": "jaccard"}, "group": [{"sample": {"response": "<answer>Paris</answer>"}}, {"sample": {"response": "<answer>Paris, France</answer>"}}, {"sample": {"response": "<answer>Lyon</answer>"}}], "values": [0.25, 0.25, 0.0]}
//! {"params": {"measure": "rouge_l"}, "group": [{"sample": {"response": "The capital of France is Paris."}}, {"sample": {"response": "Paris is the capital of France."}}], "values": [0.6, 0.6]}
//! {"params": {"peers": "other_paraphrases"}, "group": [{"sample": {"response": "Paris", "meta": {"paraphrase": "a"}}}, {"sample": {"response": "Paris", "meta": {"paraphrase": "a"}}}, {"sample": {"response": "Paris", "meta": {"paraphrase": "b"}}}, {"sample": {"response": "Lyon", "meta": {"paraphrase": "b"}}}], "values": [0.5, 0.5, 1.0, 0.0]}
//! {"params": {"max_peers": 1}, "group": [{"sample": {"response": "Paris"}}, {"sample": {"response": "Paris"}}, {"sample": {"response": "Lyon"}}], "values": [1.0, 0.0, 0.0]}
//! {"params": {"extract": "answer_tag"}, "group": [{"sample": {"response": "<answer>Paris</answer>"}}, {"sample": {"response": "<answer>Paris</answer>"}}, {"sample": {"response": "no tag"}}], "values": [0.5, 0.5, "no_answer"]}
//! {"group": [{"sample": {"response": "Paris"}}], "values": ["invalid_input"]}
//! ```

use std::collections::HashSet;
use std::sync::Arc;

use plaudit_core::sample::type_name;
use plaudit_core::{
    score_alone, Ctx, Deadline, Failure, GroupCtx, Kind, Member, Outcome, ParamSpec, Params,
    Reward, RewardInfo, Sample, Scope, Score,
};
use serde_json::{json, Value};

use super::sequences::lcs_len;
use super::texts::{hypothesis, TAG_PARAM};
use crate::answer::token_f1::f1;
use crate::util::{normalize_squad, EXTRACT_MODES};

pub const INFO: RewardInfo = RewardInfo {
    name: "group_similarity",
    family: "similarity",
    source: include_str!("group_similarity.rs"),
    params: PARAMS,
    build,
};

const PARAMS: &[ParamSpec] = &[
    ParamSpec::new(
        "measure",
        Kind::Enum(&["token_f1", "jaccard", "rouge_l"]),
        "\"token_f1\"",
        "the similarity of two answers",
    ),
    ParamSpec::new(
        "peers",
        Kind::Enum(&["all", "other_paraphrases"]),
        "\"all\"",
        "compare with every other rollout, or only with other paraphrases' (`meta.paraphrase`)",
    ),
    ParamSpec::new(
        "max_peers",
        Kind::Int,
        "0",
        "compare with at most this many peers, those following in the group (0: all)",
    )
    .min(0.0),
    ParamSpec::new(
        "extract",
        Kind::Enum(EXTRACT_MODES),
        "\"auto\"",
        "where the answer is in the response",
    ),
    TAG_PARAM,
];

#[derive(Clone, Copy, PartialEq)]
enum Measure {
    TokenF1,
    Jaccard,
    RougeL,
}

struct GroupSimilarity {
    measure: Measure,
    paraphrases: bool,
    max_peers: usize,
    extract: String,
    tag: String,
}

fn build(p: &Params) -> Result<Arc<dyn Reward>, String> {
    let measure = match p.str("measure") {
        "jaccard" => Measure::Jaccard,
        "rouge_l" => Measure::RougeL,
        _ => Measure::TokenF1,
    };
    Ok(Arc::new(GroupSimilarity {
        measure,
        paraphrases: p.str("peers") == "other_paraphrases",
        max_peers: p.usize("max_peers")?,
        extract: p.str("extract").to_string(),
        tag: p.str("answer_tag").to_string(),
    }))
}

/// The similarity of two normalised word lists; 0 when either is empty.
fn similarity(
    measure: Measure,
    a: &[&str],
    b: &[&str],
    deadline: &Deadline,
) -> Result<f64, Failure> {
    if a.is_empty() || b.is_empty() {
        return Ok(0.0);
    }
    Ok(match measure {
        Measure::TokenF1 => f1(a, b),
        Measure::Jaccard => {
            let sa: HashSet<&str> = a.iter().copied().collect();
            let sb: HashSet<&str> = b.iter().copied().collect();
            let inter = sa.intersection(&sb).count();
            inter as f64 / (sa.len() + sb.len() - inter) as f64
        }
        Measure::RougeL => {
            let lcs = lcs_len(a, b, deadline)? as f64;
            if lcs == 0.0 {
                0.0
            } else {
                let p = lcs / a.len() as f64;
                let r = lcs / b.len() as f64;
                2.0 * p * r / (p + r)
            }
        }
    })
}

/// A member's paraphrase id, as text.
fn paraphrase(sample: &Sample) -> Result<String, Failure> {
    match sample.meta.get("paraphrase") {
        Some(Value::String(s)) => Ok(s.clone()),
        Some(Value::Number(n)) => Ok(n.to_string()),
        None | Some(Value::Null) => Err(Failure::invalid_input(
            "sample has no `meta.paraphrase` (`peers: other_paraphrases` compares a rollout with the rollouts of the other paraphrases)",
        )),
        Some(other) => Err(Failure::invalid_input(format!(
            "`meta.paraphrase`: expected a string or number, got {}",
            type_name(other)
        ))),
    }
}

impl GroupSimilarity {
    fn scores(&self, members: &[Member], deadline: &Deadline) -> Result<Vec<Outcome>, Failure> {
        let n = members.len();
        // The normalised answers (an Err for a member without one) and paraphrase ids.
        let answers: Vec<Result<String, Failure>> = members
            .iter()
            .map(|m| hypothesis(m.sample, &self.extract, &self.tag).map(normalize_squad))
            .collect();
        let words: Vec<Vec<&str>> = answers
            .iter()
            .map(|a| match a {
                Ok(a) => a.split_whitespace().collect(),
                Err(_) => Vec::new(),
            })
            .collect();
        let para: Vec<Option<Result<String, Failure>>> = members
            .iter()
            .map(|m| self.paraphrases.then(|| paraphrase(m.sample)))
            .collect();
        let usable = |j: usize| !matches!(para[j], Some(Err(_)));
        // sim(i, j) for i < j, computed once when first needed.
        let mut cache: Vec<Option<f64>> = vec![None; n * n];
        let mut out = Vec::with_capacity(n);
        for i in 0..n {
            deadline.check()?;
            if let Some(Err(f)) = &para[i] {
                out.push(Err(f.clone()));
                continue;
            }
            if let Err(f) = &answers[i] {
                out.push(Err(f.clone()));
                continue;
            }
            let mut peers: Vec<usize> = (1..n)
                .map(|d| (i + d) % n)
                .filter(|&j| usable(j))
                .filter(|&j| match (&para[i], &para[j]) {
                    (Some(Ok(a)), Some(Ok(b))) => a != b,
                    _ => true,
                })
                .collect();
            if self.max_peers > 0 {
                peers.truncate(self.max_peers);
            }
            if peers.is_empty() {
                out.push(Err(Failure::invalid_input(if self.paraphrases {
                    "no rollout of another paraphrase in the group: group similarity needs the rollouts of at least two paraphrases under one `group`"
                } else {
                    "no other rollout in the group: group similarity needs the other rollouts of the prompt (give the samples a shared `group`)"
                })));
                continue;
            }
            let mut total = 0.0;
            for &j in &peers {
                let key = i.min(j) * n + i.max(j);
                let s = match cache[key] {
                    Some(s) => s,
                    None => {
                        let s = similarity(self.measure, &words[i], &words[j], deadline)?;
                        cache[key] = Some(s);
                        s
                    }
                };
                total += s;
            }
            out.push(Ok(Score::with_details(
                total / peers.len() as f64,
                json!({"peers": peers.len()}),
            )));
        }
        Ok(out)
    }
}

impl Reward for GroupSimilarity {
    fn score(&self, sample: &Sample, cx: &Ctx) -> Outcome {
        score_alone(self, sample, cx)
    }

    fn scope(&self) -> Scope {
        Scope::Group
    }

    fn score_group(&self, members: &[Member], cx: &GroupCtx) -> Vec<Outcome> {
        match self.scores(members, cx.deadline) {
            Ok(out) => out,
            Err(f) => vec![Err(f); members.len()],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measures_are_symmetric_and_bounded() {
        let d = Deadline::none();
        let a = ["paris", "is", "capital"];
        let b = ["capital", "is", "paris", "france"];
        for m in [Measure::TokenF1, Measure::Jaccard, Measure::RougeL] {
            let x = similarity(m, &a, &b, &d).unwrap();
            let y = similarity(m, &b, &a, &d).unwrap();
            assert_eq!(x, y);
            assert!((0.0..=1.0).contains(&x));
            assert_eq!(similarity(m, &a, &a, &d).unwrap(), 1.0);
            assert_eq!(similarity(m, &[], &[], &d).unwrap(), 0.0);
        }
        // {paris, is, capital} and {capital, is, paris, france}: 3 shared of 4.
        assert_eq!(similarity(Measure::Jaccard, &a, &b, &d).unwrap(), 0.75);
    }
}
