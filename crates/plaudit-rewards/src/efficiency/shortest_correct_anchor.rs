//! Shortest-correct anchor (CEEH): a correct rollout earns more the closer its length is to the shortest correct response ever seen for its prompt.
//!
//! ## What it computes
//! Each prompt p (keyed by its text, or by `group`) keeps in the state store A_p, the shortest
//! correct length seen so far. For a group, the anchor is
//! `A = min(A_p, lengths of the group's correct members of p)`, so it is defined as soon as one
//! rollout is correct and never exceeds a correct member's own length. A correct member
//! (`correctness` ≥ `threshold`) of length L gets
//! ```text
//! form: ratio   r = A / L                  (in [0, 1]; 1 for the shortest)
//! form: exp     r = exp(−(L − A) / A)      (1 for the shortest; e⁻¹ at twice the anchor)
//! ```
//! (with A = 0, the limit: 1 when L = 0, else 0), and a wrong member gets 0. After the batch the
//! state keeps `A_p ← min(A_p, every correct length of p in the batch)`: the anchor only ever
//! shortens. Every group reads the anchors as they were before the batch. Details carry the
//! `anchor` used.
//!
//! ## Why
//! "Compress the Easy, Explore the Hard: Difficulty-Aware Entropy Regularization for Efficient
//! LLM Reasoning" (CEEH) introduces "a dynamic optimal-length penalty anchored to the historically
//! shortest correct response", which counteracts entropy-induced length inflation and stabilises
//! the reward. The abstract gives the anchor, not the penalty's shape: the two forms are Plaudit's
//! documented choices (`form`). The term is meant to multiply or be added to correctness
//! (`reward: correct + 0.5 * anchor`); it never rewards a wrong answer.
//!
//! ## Parameters
//! - `correctness` (component name; default `correct`): the component that says whether the
//!   answer is right; only correct rollouts earn the reward and move the anchor.
//! - `threshold` (number; default 0.5): the correctness value counted as correct.
//! - `key` (prompt | group; default `prompt`): what identifies a problem: the prompt text (hashed)
//!   or the sample's `group`.
//! - `form` (ratio | exp; default `ratio`): the shape of the reward around the anchor.
//! - `unit` (tokens | chars | words; default `tokens`): how L is counted.
//!
//! ## Example
//! ```json
//! {"params": {"key": "group"}, "group": [{"sample": {"group": "q", "response": "…", "tokens": 100}, "components": {"correct": 1.0}}, {"sample": {"group": "q", "response": "…", "tokens": 200}, "components": {"correct": 1.0}}, {"sample": {"group": "q", "response": "…", "tokens": 50}, "components": {"correct": 0.0}}], "values": [1.0, 0.5, 0.0]}
//! {"params": {"key": "group"}, "state": {"q": {"anchor": 80.0}}, "group": [{"sample": {"group": "q", "response": "…", "tokens": 100}, "components": {"correct": 1.0}}, {"sample": {"group": "q", "response": "…", "tokens": 160}, "components": {"correct": 1.0}}], "values": [0.8, 0.5]}
//! {"params": {"key": "group", "form": "exp"}, "state": {"q": {"anchor": 100.0}}, "group": [{"sample": {"group": "q", "response": "…", "tokens": 100}, "components": {"correct": 1.0}}, {"sample": {"group": "q", "response": "…", "tokens": 200}, "components": {"correct": 1.0}}], "values": [1.0, 0.36787944117144233]}
//! {"params": {"key": "group"}, "group": [{"sample": {"group": "q", "response": "…", "tokens": 100}, "components": {"correct": 1.0}}, {"sample": {"group": "q", "response": "…", "tokens": 40}, "components": {"correct": null}}], "values": [1.0, "error"]}
//! {"params": {"key": "group"}, "group": [{"sample": {"response": "…", "tokens": 100}, "components": {"correct": 1.0}}], "values": ["invalid_input"]}
//! {"params": {"unit": "words"}, "group": [{"sample": {"prompt": "2+2?", "response": "it is 4"}, "components": {"correct": 1.0}}, {"sample": {"prompt": "2+2?", "response": "so the answer is 4"}, "components": {"correct": 1.0}}], "values": [1.0, 0.6]}
//! ```

use std::collections::HashMap;
use std::sync::Arc;

use plaudit_core::{
    score_alone, Ctx, Failure, GroupCtx, Kind, Member, Outcome, ParamSpec, Params, Reward,
    RewardInfo, Sample, Scope, Score, Store,
};
use serde_json::{json, Value};

use crate::components::{correctness, missing};
use crate::components::{CORRECTNESS_PARAM, THRESHOLD_PARAM};
use crate::problem_state::{by_key, stored, updates, KeyBy, KEY_PARAM};
use crate::util::{response_length, UNIT_PARAM};

pub const INFO: RewardInfo = RewardInfo {
    name: "shortest_correct_anchor",
    family: "efficiency",
    source: include_str!("shortest_correct_anchor.rs"),
    params: PARAMS,
    build,
};

const PARAMS: &[ParamSpec] = &[
    CORRECTNESS_PARAM,
    THRESHOLD_PARAM,
    KEY_PARAM,
    ParamSpec::new(
        "form",
        Kind::Enum(&["ratio", "exp"]),
        "\"ratio\"",
        "shape of the reward around the anchor",
    ),
    UNIT_PARAM,
];

struct Anchor {
    correctness: (usize, String),
    threshold: f64,
    key: KeyBy,
    exp: bool,
    unit: String,
}

fn build(p: &Params) -> Result<Arc<dyn Reward>, String> {
    let correctness = p
        .component("correctness")
        .ok_or("`correctness` must name the component that says whether the answer is right")?;
    Ok(Arc::new(Anchor {
        correctness,
        threshold: p.f64("threshold"),
        key: KeyBy::parse(p.str("key")),
        exp: p.str("form") == "exp",
        unit: p.str("unit").to_string(),
    }))
}

impl Anchor {
    fn value(&self, l: f64, anchor: f64) -> f64 {
        if anchor <= 0.0 {
            return if l <= 0.0 { 1.0 } else { 0.0 };
        }
        if self.exp {
            (-(l - anchor) / anchor).exp().min(1.0)
        } else {
            (anchor / l).min(1.0)
        }
    }
}

impl Reward for Anchor {
    fn score(&self, sample: &Sample, cx: &Ctx) -> Outcome {
        score_alone(self, sample, cx)
    }

    fn scope(&self) -> Scope {
        Scope::Group
    }

    fn score_group(&self, members: &[Member], cx: &GroupCtx) -> Vec<Outcome> {
        let correct = correctness(members, self.correctness.0, self.threshold);
        // (key, length) of each correct member, or why it has none.
        let measured: Vec<Option<Result<(String, f64), Failure>>> = members
            .iter()
            .zip(&correct)
            .map(|(m, c)| {
                (*c == Some(true)).then(|| {
                    let k = self.key.key(m.sample, "shortest_correct_anchor")?;
                    Ok((k, response_length(m.sample, &self.unit)?))
                })
            })
            .collect();
        // The anchor of each key: the stored one, lowered by this group's correct lengths.
        let mut anchors: HashMap<String, Result<f64, Failure>> = HashMap::new();
        for (k, l) in measured.iter().flatten().flatten() {
            let a = anchors.entry(k.clone()).or_insert_with(|| {
                let old = cx.store.get(cx.namespace, k).map_err(Failure::error)?;
                Ok(stored(old.as_ref(), "anchor").unwrap_or(f64::INFINITY))
            });
            if let Ok(a) = a {
                *a = a.min(*l);
            }
        }
        measured
            .into_iter()
            .zip(&correct)
            .map(|(meas, c)| match (c, meas) {
                (None, _) => Err(missing(&self.correctness.1)),
                (Some(false), _) | (_, None) => Ok(Score::new(0.0)),
                (Some(true), Some(meas)) => {
                    let (k, l) = meas?;
                    let anchor = anchors[&k].clone()?;
                    Ok(
                        Score::with_details(self.value(l, anchor), json!({"anchor": anchor}))
                            .observe(json!({"k": k, "l": l})),
                    )
                }
            })
            .collect()
    }

    fn update(
        &self,
        observations: &[Value],
        store: &dyn Store,
        namespace: &str,
    ) -> Result<(), String> {
        let mut entries = Vec::new();
        for (k, lengths) in by_key(observations, "l") {
            let shortest = lengths.iter().copied().fold(f64::INFINITY, f64::min);
            let old = store.get(namespace, &k)?;
            let anchor = stored(old.as_ref(), "anchor").map_or(shortest, |a| a.min(shortest));
            if !(anchor.is_finite() && anchor >= 0.0) {
                continue;
            }
            entries.push((
                k,
                json!({"anchor": anchor, "updates": updates(old.as_ref()) + 1}),
            ));
        }
        if entries.is_empty() {
            return Ok(());
        }
        store.put(namespace, entries)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use plaudit_core::MemoryStore;

    fn reward(params: Value) -> Arc<dyn Reward> {
        build(&Params::from_json(PARAMS, &params, &["correct"]).unwrap()).unwrap()
    }

    #[test]
    fn the_anchor_only_shortens() {
        let r = reward(json!({"key": "group"}));
        let store = MemoryStore::new();
        let obs = |k: &str, l: f64| json!({"k": k, "l": l});
        r.update(
            &[obs("a", 120.0), obs("b", 40.0), obs("a", 90.0)],
            &store,
            "ns",
        )
        .unwrap();
        assert_eq!(
            store.get("ns", "a").unwrap(),
            Some(json!({"anchor": 90.0, "updates": 1}))
        );
        r.update(&[obs("a", 300.0)], &store, "ns").unwrap();
        assert_eq!(
            store.get("ns", "a").unwrap(),
            Some(json!({"anchor": 90.0, "updates": 2}))
        );
        r.update(&[obs("a", 0.0)], &store, "ns").unwrap();
        assert_eq!(
            store.get("ns", "a").unwrap(),
            Some(json!({"anchor": 0.0, "updates": 3}))
        );
        assert_eq!(
            store.get("ns", "b").unwrap(),
            Some(json!({"anchor": 40.0, "updates": 1}))
        );
    }

    #[test]
    fn a_zero_anchor_is_the_limit() {
        let r = Anchor {
            correctness: (0, "correct".into()),
            threshold: 0.5,
            key: KeyBy::Group,
            exp: true,
            unit: "tokens".into(),
        };
        assert_eq!(r.value(0.0, 0.0), 1.0);
        assert_eq!(r.value(5.0, 0.0), 0.0);
        assert_eq!(r.value(30.0, 10.0), (-2.0f64).exp());
        let ratio = Anchor { exp: false, ..r };
        assert_eq!(ratio.value(0.0, 0.0), 1.0);
        assert_eq!(ratio.value(40.0, 10.0), 0.25);
    }
}
