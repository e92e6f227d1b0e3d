//! A²TGPO's variance-rescaled discounted accumulation: each turn's advantage is the discounted sum of its rollout's per-turn signals from that turn on, divided by the square root of the number of terms summed.
//!
//! ## What it computes
//! Each sample is one turn of an agent's rollout: `meta.<rollout_field>` (`meta.rollout` by
//! default; a string or a non-negative integer) names the rollout within the group (the prompt),
//! `meta.<field>` (`meta.turn`) its turn index, and the component `of` its per-turn signal z
//! (A²TGPO's turn-group-normalised information gain: `turn_advantage` over an IG component).
//! For turn t of a rollout whose last turn is T:
//! ```text
//! A_t = Σ_{k=t..T} γ^{k−t} · z_k / sqrt(T − t + 1)        (rescale: sqrt)
//! A_t = Σ_{k=t..T} γ^{k−t} · z_k                          (rescale: none)
//! ```
//! Without the rescaling an early turn of a long rollout sums many more terms than a late turn,
//! so advantage magnitudes drift with trajectory depth; dividing by √(number of terms) keeps a
//! sum of n unit-variance terms at unit variance whatever n is. Use it as the advantage with
//! `group: {advantage: reward}`.
//!
//! Strict on its inputs, since a silently missing term changes every earlier turn's value:
//! - a sample without a rollout id or turn index, or with one of the wrong type, is
//!   `invalid_input` naming the field;
//! - a rollout whose turn indices are not consecutive integers (a gap, or the same turn twice)
//!   is `invalid_input` for every one of its turns;
//! - a turn whose `of` failed gets `error`, and so does every earlier turn of its rollout (their
//!   sums would lack its term); later turns are scored.
//!
//! Details give the member's `rollout`, `turn`, `terms` (T − t + 1) and the unscaled `sum`.
//!
//! ## Why
//! "A$^2$TGPO: Agentic Turn-Group Policy Optimization with Adaptive Turn-level Clipping" names
//! three problems of information-gain process credit for multi-turn agents; the second is that
//! "accumulating a variable number of terms causes advantage magnitudes to drift with trajectory
//! depth", and its fix (ii), "variance-rescaled discounted accumulation", "divides cumulative
//! normalized IG by square root of accumulated terms to keep advantage magnitudes comparable
//! across turn positions". This computes that accumulation; fix (i), the normalisation within
//! each (prompt, turn-index) group, is `turn_advantage`, and fix (iii), the IG-adaptive clipping
//! range, is the trainer's optimizer. The direction of the accumulation (from each turn to the end
//! of its rollout, as a return) and γ are the research catalogue's reading: the abstract gives
//! neither. How the outcome reward joins the turn advantages is not stated either: add it in the
//! expression (`reward: n_outcome + acc`) as a Plaudit choice.
//!
//! ## Parameters
//! - `of` (component name; default `correct`): the per-turn signal to accumulate.
//! - `gamma` (number in [0, 1]; default 1.0): the discount γ.
//! - `rescale` (sqrt | none; default `sqrt`): divide by √(number of terms), or not.
//! - `field` (string; default `turn`): the `meta` key holding the turn index.
//! - `rollout_field` (string; default `rollout`): the `meta` key naming the rollout.
//!
//! ## Example
//! ```json
//! {"group": [{"sample": {"response": "a0", "meta": {"rollout": "a", "turn": 0}}, "components": {"correct": 1.0}}, {"sample": {"response": "b0", "meta": {"rollout": "b", "turn": 0}}, "components": {"correct": 0.2}}, {"sample": {"response": "a1", "meta": {"rollout": "a", "turn": 1}}, "components": {"correct": -1.0}}, {"sample": {"response": "a2", "meta": {"rollout": "a", "turn": 2}}, "components": {"correct": 0.5}}, {"sample": {"response": "b1", "meta": {"rollout": "b", "turn": 1}}, "components": {"correct": 0.4}}], "values": [0.2886751345948129, 0.42426406871192857, -0.35355339059327373, 0.5, 0.4]}
//! {"params": {"gamma": 0.5, "rescale": "none"}, "group": [{"sample": {"response": "a0", "meta": {"rollout": 7, "turn": 1}}, "components": {"correct": 1.0}}, {"sample": {"response": "a1", "meta": {"rollout": 7, "turn": 2}}, "components": {"correct": 2.0}}, {"sample": {"response": "a2", "meta": {"rollout": 7, "turn": 3}}, "components": {"correct": 4.0}}], "values": [3.0, 4.0, 4.0]}
//! {"group": [{"sample": {"response": "a0", "meta": {"rollout": "a", "turn": 0}}, "components": {"correct": 1.0}}, {"sample": {"response": "a2", "meta": {"rollout": "a", "turn": 2}}, "components": {"correct": 1.0}}, {"sample": {"response": "b0", "meta": {"rollout": "b", "turn": 0}}, "components": {"correct": 2.0}}, {"sample": {"response": "c0", "meta": {"turn": 0}}, "components": {"correct": 2.0}}], "values": ["invalid_input", "invalid_input", 2.0, "invalid_input"]}
//! {"group": [{"sample": {"response": "a0", "meta": {"rollout": "a", "turn": 0}}, "components": {"correct": 1.0}}, {"sample": {"response": "a1", "meta": {"rollout": "a", "turn": 1}}, "components": {"correct": null}}, {"sample": {"response": "a2", "meta": {"rollout": "a", "turn": 2}}, "components": {"correct": 3.0}}], "values": ["error", "error", 3.0]}
//! ```

use std::collections::HashMap;
use std::sync::Arc;

use plaudit_core::sample::type_name;
use plaudit_core::{
    score_alone, Ctx, Failure, GroupCtx, Kind, Member, Outcome, ParamSpec, Params, Reward,
    RewardInfo, Sample, Scope, Score,
};
use serde_json::{json, Value};

use super::stats::overflow;
use crate::components::missing;

pub const INFO: RewardInfo = RewardInfo {
    name: "turn_accumulate",
    family: "estimators",
    source: include_str!("turn_accumulate.rs"),
    params: PARAMS,
    build,
};

const PARAMS: &[ParamSpec] = &[
    ParamSpec::new(
        "of",
        Kind::Component,
        "\"correct\"",
        "the per-turn signal to accumulate",
    ),
    ParamSpec::new("gamma", Kind::Float, "1.0", "the discount γ").range(0.0, 1.0),
    ParamSpec::new(
        "rescale",
        Kind::Enum(&["sqrt", "none"]),
        "\"sqrt\"",
        "divide by √(number of terms), or not",
    ),
    ParamSpec::new(
        "field",
        Kind::Str,
        "\"turn\"",
        "the `meta` key holding the turn index",
    ),
    ParamSpec::new(
        "rollout_field",
        Kind::Str,
        "\"rollout\"",
        "the `meta` key naming the rollout",
    ),
];

struct TurnAccumulate {
    of: (usize, String),
    gamma: f64,
    sqrt: bool,
    field: String,
    rollout_field: String,
}

fn build(p: &Params) -> Result<Arc<dyn Reward>, String> {
    let of = p
        .component("of")
        .ok_or("`of` must name the per-turn signal to accumulate".to_string())?;
    let field = p.str("field").to_string();
    let rollout_field = p.str("rollout_field").to_string();
    if field.is_empty() || rollout_field.is_empty() {
        return Err("`field` and `rollout_field` must name `meta` keys".into());
    }
    if field == rollout_field {
        return Err("`field` and `rollout_field` must be different `meta` keys".into());
    }
    Ok(Arc::new(TurnAccumulate {
        of,
        gamma: p.f64("gamma"),
        sqrt: p.str("rescale") == "sqrt",
        field,
        rollout_field,
    }))
}

impl TurnAccumulate {
    /// The member's (rollout id, turn index).
    fn key(&self, s: &Sample) -> Result<(String, u64), Failure> {
        let rollout = match s.meta.get(&self.rollout_field) {
            None | Some(Value::Null) => {
                return Err(Failure::invalid_input(format!(
                    "field `meta.{}`: missing (turn_accumulate sums the turns of one rollout)",
                    self.rollout_field
                )))
            }
            Some(Value::String(r)) => r.clone(),
            Some(v) => match v.as_u64() {
                Some(n) => n.to_string(),
                None => {
                    return Err(Failure::invalid_input(format!(
                        "field `meta.{}`: expected a string or a non-negative integer, got {}",
                        self.rollout_field,
                        match v {
                            Value::Number(_) => "a non-integer or negative number",
                            other => type_name(other),
                        }
                    )))
                }
            },
        };
        let turn = match s.meta.get(&self.field) {
            None | Some(Value::Null) => {
                return Err(Failure::invalid_input(format!(
                    "field `meta.{}`: missing (turn_accumulate orders a rollout's turns by it)",
                    self.field
                )))
            }
            Some(v) => v.as_u64().ok_or_else(|| {
                Failure::invalid_input(format!(
                    "field `meta.{}`: expected a non-negative integer, got {}",
                    self.field,
                    match v {
                        Value::Number(_) => "a non-integer or negative number",
                        other => type_name(other),
                    }
                ))
            })?,
        };
        Ok((rollout, turn))
    }
}

impl Reward for TurnAccumulate {
    fn score(&self, sample: &Sample, cx: &Ctx) -> Outcome {
        score_alone(self, sample, cx)
    }

    fn scope(&self) -> Scope {
        Scope::Group
    }

    fn score_group(&self, members: &[Member], _cx: &GroupCtx) -> Vec<Outcome> {
        let (idx, name) = &self.of;
        let keys: Vec<Result<(String, u64), Failure>> =
            members.iter().map(|m| self.key(m.sample)).collect();
        // Each rollout's members, by turn.
        let mut rollouts: HashMap<&str, Vec<(u64, usize)>> = HashMap::new();
        for (i, k) in keys.iter().enumerate() {
            if let Ok((r, t)) = k {
                rollouts.entry(r.as_str()).or_default().push((*t, i));
            }
        }
        let mut out: Vec<Option<Outcome>> = keys
            .iter()
            .map(|k| k.as_ref().err().map(|f| Err(f.clone())))
            .collect();
        for (rollout, turns) in rollouts.iter_mut() {
            turns.sort_unstable();
            let first = turns[0].0;
            let consecutive = turns
                .iter()
                .enumerate()
                .all(|(j, (t, _))| first.checked_add(j as u64) == Some(*t));
            if !consecutive {
                let listed: Vec<String> = turns.iter().map(|(t, _)| t.to_string()).collect();
                let f = Failure::invalid_input(format!(
                    "rollout `{rollout}`: turns {} are not consecutive (a turn is missing or repeated)",
                    listed.join(", ")
                ));
                for (_, i) in turns.iter() {
                    out[*i] = Some(Err(f.clone()));
                }
                continue;
            }
            // Backwards from the last turn: the discounted sum, or the turn that broke it.
            let n = turns.len();
            let mut sum = 0.0f64;
            let mut broken: Option<u64> = None;
            for (j, (t, i)) in turns.iter().enumerate().rev() {
                let Some(z) = members[*i].value(*idx) else {
                    broken = Some(*t);
                    out[*i] = Some(Err(missing(name)));
                    continue;
                };
                sum = z + self.gamma * sum;
                if let Some(b) = broken {
                    out[*i] = Some(Err(Failure::error(format!(
                        "rollout `{rollout}`: turn {b}'s `{name}` has no value, so the sum from turn {t} on lacks a term"
                    ))));
                    continue;
                }
                let terms = n - j;
                let a = if self.sqrt {
                    sum / (terms as f64).sqrt()
                } else {
                    sum
                };
                out[*i] = Some(if a.is_finite() {
                    Ok(Score::with_details(
                        a,
                        json!({"rollout": rollout, "turn": t, "terms": terms, "sum": sum}),
                    ))
                } else {
                    Err(overflow(name))
                });
            }
        }
        out.into_iter()
            .map(|o| o.expect("every member is keyed or failed"))
            .collect()
    }
}
