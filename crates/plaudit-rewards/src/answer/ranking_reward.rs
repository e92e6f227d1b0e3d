//! Ranking reward: the response's ranking of candidate ids (`[3] > [1] > [2]`) scored against the reference's relevant ids by NDCG@k, MRR, hit@k or recall@k.
//!
//! ## What it computes
//! **The response's ranking.** In the answer (`extract`), the ids are read in order:
//! - when the answer has square brackets, the contents of every `[…]`, each split at commas
//!   (`[3] > [1] > [2]`, `[3, 1, 2]`, `["d3", "d1"]`); text outside the brackets is ignored;
//! - otherwise the answer split at `>`, `,`, `;` and whitespace (`3 > 1 > 2`, `d3, d1`).
//!
//! Surrounding quotes are removed; ids are compared as exact strings. No id at all is `no_answer`.
//!
//! **The reference** (an object): exactly one of
//! - `"relevant": [ids]`: binary relevance (gain 1 each, 0 for every other id);
//! - `"relevance": {"id": gain, …}`: graded gains (numbers ≥ 0; unlisted ids have gain 0);
//! - `"ranking": [ids]`: the ideal order; the id at position p (1-based) of m has gain m − p + 1
//!   (Plaudit's reading of "against a reference ranking"). Every id it lists is relevant, so it
//!   is meant for `ndcg`; the other metrics refuse it (`invalid_input`);
//!
//! and optionally `"candidates": [ids]`, the ids the response may rank (for a `ranking`
//! reference, its ids are the candidates unless `candidates` is given). A bare id (a string or a
//! number) is `{"relevant": [id]}`, the single target item of recommendation.
//!
//! **The metric** over the first k ids of the response's ranking L (all of it when `k` is 0),
//! with g(id) the gain and the relevant ids R = {id : g(id) > 0}:
//! ```text
//! ndcg:    DCG / IDCG,  DCG = Σ_{p ≤ k} g(L_p) / log2(p + 1),  IDCG the DCG of the gains sorted best first
//! mrr:     1 / p for the first p ≤ k with L_p ∈ R, else 0
//! hit:     1 when some L_p ∈ R with p ≤ k, else 0
//! recall:  |{L_p : p ≤ k} ∩ R| / |R|
//! ```
//! (linear gains, as `trec_eval` and scikit-learn's `ndcg_score`). All four are in [0, 1].
//!
//! **Strict parsing** (`strict: true`, the default): a ranking that lists an id twice, or an id
//! that is not a candidate (when the candidates are known), scores `invalid_value` (default 0)
//! whatever it ranks, with the problem in the details: repeating the relevant id would otherwise
//! collect its gain at every position, and listing made-up ids would pad the ranking. With
//! `strict: false` the repeats after the first are dropped and unknown ids keep their place with
//! gain 0. A reference without a relevant id, or of the wrong shape, is `invalid_input`.
//!
//! ## Why
//! "MM-R5: MultiModal Reasoning-Enhanced ReRanker via Reinforcement Learning for Document
//! Retrieval" trains a reranker with "a reranking reward tailored for multimodal candidates" and
//! reports recall@1; "Reinforced Preference Optimization for Recommendation" (ReRe) augments
//! "rule-based accuracy rewards with auxiliary ranking rewards for finer-grained supervision",
//! because "most items receive identical zero rewards". Neither abstract gives the formula: the
//! standard IR metrics above, over the ranking the response states, are Plaudit's reading, with
//! strict parsing so that the ranking cannot be padded or repeated into a higher score. For
//! ReRe's rank of the target item among beam candidates, use `mrr` with the target as the
//! reference.
//!
//! ## Parameters
//! - `metric` (ndcg | mrr | hit | recall; default `ndcg`).
//! - `k` (integer ≥ 0; default 10): the cutoff; 0 is the whole ranking.
//! - `strict` (boolean; default true): a repeated or unknown id makes the ranking invalid.
//! - `invalid_value` (number; default 0.0): the score of an invalid ranking.
//! - `extract` (auto | answer_tag | boxed | marker | last_line | none; default `auto`): where the
//!   ranking is in the response.
//! - `answer_tag` (string; default `answer`): the tag name of the answer block.
//!
//! ## Example
//! ```json
//! {"sample": {"response": "<answer>[3] > [1] > [2]</answer>", "reference": {"relevance": {"1": 2, "2": 1}}}, "value": 0.66967181649423}
//! {"sample": {"response": "[1] > [2] > [3]", "reference": {"relevant": ["1", "2"]}}, "value": 1.0}
//! {"params": {"metric": "mrr"}, "sample": {"response": "d7, d2, d9", "reference": "d9"}, "value": 0.3333333333333333}
//! {"params": {"metric": "hit", "k": 1}, "sample": {"response": "[2] > [1]", "reference": {"relevant": [1]}}, "value": 0.0}
//! {"params": {"metric": "recall", "k": 2}, "sample": {"response": "[4, 1, 2]", "reference": {"relevant": [1, 2]}}, "value": 0.5}
//! {"sample": {"response": "[b] > [a] > [c]", "reference": {"ranking": ["a", "b", "c"]}}, "value": 0.9224945116765986}
//! {"sample": {"response": "[1] > [1] > [1]", "reference": {"relevant": ["1", "2"]}}, "value": 0.0}
//! {"params": {"strict": false}, "sample": {"response": "[1] > [1] > [2]", "reference": {"relevant": ["1", "2"]}}, "value": 1.0}
//! {"sample": {"response": "[9] > [1]", "reference": {"relevant": ["1"], "candidates": ["1", "2", "3"]}}, "value": 0.0}
//! {"sample": {"response": "no ranking here", "reference": {"relevant": []}}, "status": "invalid_input"}
//! {"sample": {"response": "<answer></answer>", "reference": {"relevant": ["1"]}}, "status": "no_answer"}
//! ```

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use plaudit_core::sample::type_name;
use plaudit_core::{
    Ctx, Failure, Kind, Outcome, ParamSpec, Params, Reward, RewardInfo, Sample, Score,
};
use serde_json::{json, Value};

use super::extraction::{EXTRACT_PARAM, TAG_PARAM};
use crate::util::extract_answer;

pub const INFO: RewardInfo = RewardInfo {
    name: "ranking_reward",
    family: "answer",
    source: include_str!("ranking_reward.rs"),
    params: PARAMS,
    build,
};

const PARAMS: &[ParamSpec] = &[
    ParamSpec::new(
        "metric",
        Kind::Enum(&["ndcg", "mrr", "hit", "recall"]),
        "\"ndcg\"",
        "the ranking metric",
    ),
    ParamSpec::new(
        "k",
        Kind::Int,
        "10",
        "cutoff: only the first k ids count (0: all)",
    )
    .min(0.0),
    ParamSpec::new(
        "strict",
        Kind::Bool,
        "true",
        "a repeated or unknown id makes the ranking invalid",
    ),
    ParamSpec::new(
        "invalid_value",
        Kind::Float,
        "0.0",
        "score of an invalid ranking",
    ),
    EXTRACT_PARAM,
    TAG_PARAM,
];

#[derive(Clone, Copy, PartialEq)]
enum Metric {
    Ndcg,
    Mrr,
    Hit,
    Recall,
}

struct Ranking {
    metric: Metric,
    k: usize,
    strict: bool,
    invalid_value: f64,
    extract: String,
    tag: String,
}

fn build(p: &Params) -> Result<Arc<dyn Reward>, String> {
    let metric = match p.str("metric") {
        "mrr" => Metric::Mrr,
        "hit" => Metric::Hit,
        "recall" => Metric::Recall,
        _ => Metric::Ndcg,
    };
    Ok(Arc::new(Ranking {
        metric,
        k: p.usize("k")?,
        strict: p.bool("strict"),
        invalid_value: p.f64("invalid_value"),
        extract: p.str("extract").to_string(),
        tag: p.str("answer_tag").to_string(),
    }))
}

/// An id with surrounding whitespace and quotes removed.
fn clean(id: &str) -> &str {
    let id = id.trim();
    for q in ['"', '\''] {
        if let Some(inner) = id.strip_prefix(q).and_then(|s| s.strip_suffix(q)) {
            return inner.trim();
        }
    }
    id
}

/// The ids of a ranking, in order (see "What it computes").
fn parse_ranking(text: &str) -> Vec<String> {
    let mut ids = Vec::new();
    if text.contains('[') {
        let mut rest = text;
        while let Some(open) = rest.find('[') {
            let after = &rest[open + 1..];
            let Some(close) = after.find(']') else { break };
            for part in after[..close].split(',') {
                let id = clean(part);
                if !id.is_empty() {
                    ids.push(id.to_string());
                }
            }
            rest = &after[close + 1..];
        }
    } else {
        for part in text.split(|c: char| c == '>' || c == ',' || c == ';' || c.is_whitespace()) {
            let id = clean(part);
            if !id.is_empty() {
                ids.push(id.to_string());
            }
        }
    }
    ids
}

/// The reference's gains, whether it is a graded ranking, and its candidates (when known).
struct Reference {
    gains: HashMap<String, f64>,
    graded_ranking: bool,
    candidates: Option<HashSet<String>>,
}

/// An id of the reference: a string or a number, as text.
fn ref_id(v: &Value, field: &str) -> Result<String, Failure> {
    match v {
        Value::String(s) => Ok(s.trim().to_string()),
        Value::Number(n) => Ok(n.to_string()),
        other => Err(Failure::invalid_input(format!(
            "`reference.{field}`: an id is a string or a number, got {}",
            type_name(other)
        ))),
    }
}

fn ref_ids(v: &Value, field: &str) -> Result<Vec<String>, Failure> {
    match v {
        Value::Array(items) => items.iter().map(|x| ref_id(x, field)).collect(),
        other => Err(Failure::invalid_input(format!(
            "`reference.{field}`: expected a list of ids, got {}",
            type_name(other)
        ))),
    }
}

fn reference(sample: &Sample) -> Result<Reference, Failure> {
    const SHAPE: &str = "`reference` must be {\"relevant\": [ids]}, {\"relevance\": {id: gain}} or {\"ranking\": [ids]} (optionally with \"candidates\"), or a single id";
    let obj = match &sample.reference {
        Value::String(_) | Value::Number(_) => {
            let id = ref_id(&sample.reference, "relevant")?;
            return Ok(Reference {
                gains: HashMap::from([(id, 1.0)]),
                graded_ranking: false,
                candidates: None,
            });
        }
        Value::Object(o) => o,
        _ => return Err(Failure::invalid_input(SHAPE)),
    };
    let given: Vec<&str> = ["relevant", "relevance", "ranking"]
        .into_iter()
        .filter(|k| obj.get(*k).is_some_and(|v| !v.is_null()))
        .collect();
    if given.len() != 1 {
        return Err(Failure::invalid_input(SHAPE));
    }
    let mut gains = HashMap::new();
    let mut ranked = None;
    match given[0] {
        "relevant" => {
            for id in ref_ids(&obj["relevant"], "relevant")? {
                gains.insert(id, 1.0);
            }
        }
        "relevance" => {
            let Value::Object(map) = &obj["relevance"] else {
                return Err(Failure::invalid_input(format!(
                    "`reference.relevance`: expected an object of id → gain, got {}",
                    type_name(&obj["relevance"])
                )));
            };
            for (id, g) in map {
                let g = g
                    .as_f64()
                    .filter(|g| g.is_finite() && *g >= 0.0)
                    .ok_or_else(|| {
                        Failure::invalid_input(format!(
                            "`reference.relevance[{id:?}]`: a gain is a finite number ≥ 0, got {g}"
                        ))
                    })?;
                gains.insert(id.trim().to_string(), g);
            }
        }
        _ => {
            let ids = ref_ids(&obj["ranking"], "ranking")?;
            let m = ids.len();
            for (p, id) in ids.iter().enumerate() {
                if gains.insert(id.clone(), (m - p) as f64).is_some() {
                    return Err(Failure::invalid_input(format!(
                        "`reference.ranking` lists `{id}` twice"
                    )));
                }
            }
            ranked = Some(ids);
        }
    }
    if !gains.values().any(|g| *g > 0.0) {
        return Err(Failure::invalid_input(
            "the reference has no relevant id (every gain is 0 or nothing is listed)",
        ));
    }
    let candidates = match obj.get("candidates") {
        None | Some(Value::Null) => ranked.map(|r| r.into_iter().collect()),
        Some(v) => Some(ref_ids(v, "candidates")?.into_iter().collect()),
    };
    Ok(Reference {
        gains,
        graded_ranking: given[0] == "ranking",
        candidates,
    })
}

/// DCG of the gains in order: Σ g_p / log2(p + 1), p from 1.
fn dcg(gains: impl Iterator<Item = f64>) -> f64 {
    gains
        .enumerate()
        .map(|(i, g)| g / ((i + 2) as f64).log2())
        .sum()
}

impl Reward for Ranking {
    fn score(&self, sample: &Sample, _cx: &Ctx) -> Outcome {
        let reference = reference(sample)?;
        if reference.graded_ranking && self.metric != Metric::Ndcg {
            return Err(Failure::invalid_input(
                "a `ranking` reference gives every id it lists a gain, so only `metric: ndcg` can use it; give `relevant` for mrr, hit or recall",
            ));
        }
        let answer = extract_answer(&sample.response, &self.extract, &self.tag);
        let ids = answer.map(parse_ranking).unwrap_or_default();
        if ids.is_empty() {
            return Err(Failure::no_answer(format!(
                "no ranking found in the answer (extract: {})",
                self.extract
            )));
        }
        let mut seen = HashSet::new();
        let mut ranking: Vec<&str> = Vec::with_capacity(ids.len());
        for id in &ids {
            let unknown = reference
                .candidates
                .as_ref()
                .is_some_and(|c| !c.contains(id));
            let repeated = !seen.insert(id.as_str());
            if self.strict && (unknown || repeated) {
                let problem = if repeated {
                    format!("the ranking lists `{id}` twice")
                } else {
                    format!("`{id}` is not a candidate")
                };
                return Ok(Score::with_details(
                    self.invalid_value,
                    json!({"invalid": problem, "listed": ids.len()}),
                ));
            }
            if !repeated {
                ranking.push(id);
            }
        }
        let k = if self.k == 0 {
            ranking.len()
        } else {
            self.k.min(ranking.len())
        };
        let top = &ranking[..k];
        let gain = |id: &str| reference.gains.get(id).copied().unwrap_or(0.0);
        let relevant = reference.gains.values().filter(|g| **g > 0.0).count();
        let value = match self.metric {
            Metric::Ndcg => {
                let mut ideal: Vec<f64> = reference.gains.values().copied().collect();
                ideal.sort_by(|a, b| b.total_cmp(a));
                let cut = if self.k == 0 { ideal.len() } else { self.k };
                let idcg = dcg(ideal.into_iter().take(cut));
                dcg(top.iter().map(|id| gain(id))) / idcg
            }
            Metric::Mrr => top
                .iter()
                .position(|id| gain(id) > 0.0)
                .map_or(0.0, |p| 1.0 / (p + 1) as f64),
            Metric::Hit => f64::from(u8::from(top.iter().any(|id| gain(id) > 0.0))),
            Metric::Recall => {
                top.iter().filter(|id| gain(id) > 0.0).count() as f64 / relevant as f64
            }
        };
        Ok(Score::with_details(value, json!({"listed": ranking.len()})))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rankings_parse_in_every_documented_form() {
        let ids = |t: &str| parse_ranking(t);
        assert_eq!(ids("[3] > [1] > [2]"), ["3", "1", "2"]);
        assert_eq!(ids("Ranking: [3, 1,2]."), ["3", "1", "2"]);
        assert_eq!(ids("[\"d3\", 'd1']"), ["d3", "d1"]);
        assert_eq!(ids("3 > 1 > 2"), ["3", "1", "2"]);
        assert_eq!(ids("d3, d1;d2"), ["d3", "d1", "d2"]);
        assert!(ids("[] > []").is_empty());
        assert_eq!(ids("[unclosed"), Vec::<String>::new());
    }
}
