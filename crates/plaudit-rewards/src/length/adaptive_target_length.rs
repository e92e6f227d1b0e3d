//! Adaptive target length (LEAD): a symmetric efficiency reward around a per-prompt target length learned online from the model's own correct rollouts.
//!
//! ## What it computes
//! Each prompt p (keyed by its text, or by `group`) has a target length T_p in the state store.
//! For a correct sample (the `correctness` component ≥ `threshold`) of length L:
//! ```text
//! r = max(0, 1 − |L − T_p| / (width · T_p))      (r = cold_value while p has no target yet)
//! ```
//! and r = 0 for a wrong one. It penalises both overthinking (L ≫ T_p) and over-compression
//! (L ≪ T_p). After each batch, the lengths of that batch's correct rollouts of p give a statistic
//! S (their mean, median or minimum) and the target moves toward it:
//! `T_p ← S` the first time, then `T_p ← (1 − momentum) · T_p + momentum · S`. Every sample of a
//! batch reads the targets as they were before the batch, so results do not depend on thread
//! scheduling; state lives in the engine's store (`--state PATH` keeps it across restarts).
//! Details carry the target used (`null` on a cold start).
//!
//! ## Why
//! "LEAD: Length-Efficient Adaptive and Dynamic Reasoning for Large Language Models" shows that
//! static weights and global length limits force a trade between accuracy and compression,
//! because the reasoning budget a problem needs varies widely; it estimates a per-problem target
//! online from the model's own correct rollouts and rewards closeness to it symmetrically. The
//! abstract gives neither the statistic nor the update rule nor the kernel; Plaudit's documented
//! choices are an exponential moving average of the batch mean with a triangular kernel, each a
//! parameter. LEAD's step-wise trade-off weight ("Potential-Scaled Instability") is left to the
//! spec's expression (e.g. `correct + 0.5 * eff`).
//!
//! ## Parameters
//! - `correctness` (component name; default `correct`): the component that says whether the
//!   answer is right; only correct rollouts earn the reward and move the target.
//! - `threshold` (number; default 0.5): the correctness value counted as correct.
//! - `key` (prompt | group; default `prompt`): what identifies a problem: the prompt text (hashed)
//!   or the sample's `group`.
//! - `statistic` (mean | median | min; default `mean`): S, over a batch's correct lengths.
//! - `momentum` (number in (0, 1]; default 0.5): weight of the new statistic in the update.
//! - `width` (number > 0; default 1.0): the kernel's half-width relative to T_p.
//! - `cold_value` (number; default 1.0): the reward of a correct sample whose prompt has no target.
//! - `unit` (tokens | chars | words; default `tokens`): how L is counted.
//!
//! ## Example
//! ```json
//! {"params": {"key": "group"}, "components": {"correct": 1.0}, "state": {"p1": {"target": 100.0}}, "sample": {"group": "p1", "response": "…", "tokens": 120}, "value": 0.8}
//! {"params": {"key": "group"}, "components": {"correct": 1.0}, "state": {"p1": {"target": 100.0}}, "sample": {"group": "p1", "response": "…", "tokens": 60}, "value": 0.6}
//! {"params": {"key": "group"}, "components": {"correct": 1.0}, "state": {"p1": {"target": 100.0}}, "sample": {"group": "p1", "response": "…", "tokens": 250}, "value": 0.0}
//! {"params": {"key": "group"}, "components": {"correct": 0.0}, "state": {"p1": {"target": 100.0}}, "sample": {"group": "p1", "response": "…", "tokens": 100}, "value": 0.0}
//! {"params": {"key": "group"}, "components": {"correct": 1.0}, "sample": {"group": "new", "response": "…", "tokens": 100}, "value": 1.0}
//! ```

use std::sync::Arc;

use plaudit_core::{
    Ctx, Failure, Kind, Outcome, ParamSpec, Params, Reward, RewardInfo, Sample, Score, Store,
};
use serde_json::{json, Value};

use crate::components::{CORRECTNESS_PARAM, THRESHOLD_PARAM};
use crate::problem_state::{by_key, updates, KeyBy};
use crate::util::{response_length, UNIT_PARAM};

pub const INFO: RewardInfo = RewardInfo {
    name: "adaptive_target_length",
    family: "length",
    source: include_str!("adaptive_target_length.rs"),
    params: PARAMS,
    build,
};

const PARAMS: &[ParamSpec] = &[
    CORRECTNESS_PARAM,
    THRESHOLD_PARAM,
    ParamSpec::new(
        "key",
        Kind::Enum(&["prompt", "group"]),
        "\"prompt\"",
        "what identifies a problem",
    ),
    ParamSpec::new(
        "statistic",
        Kind::Enum(&["mean", "median", "min"]),
        "\"mean\"",
        "statistic of correct lengths",
    ),
    ParamSpec::new(
        "momentum",
        Kind::Float,
        "0.5",
        "weight of the new statistic",
    )
    .above(0.0)
    .max(1.0),
    ParamSpec::new(
        "width",
        Kind::Float,
        "1.0",
        "kernel half-width relative to the target",
    )
    .above(0.0),
    ParamSpec::new(
        "cold_value",
        Kind::Float,
        "1.0",
        "reward before a prompt has a target",
    ),
    UNIT_PARAM,
];

struct AdaptiveTarget {
    correctness: (usize, String),
    threshold: f64,
    key: KeyBy,
    statistic: String,
    momentum: f64,
    width: f64,
    cold_value: f64,
    unit: String,
}

fn build(p: &Params) -> Result<Arc<dyn Reward>, String> {
    let correctness = p
        .component("correctness")
        .ok_or("`correctness` must name the component that says whether the answer is right")?;
    let momentum = p.f64("momentum");
    let width = p.f64("width");
    Ok(Arc::new(AdaptiveTarget {
        correctness,
        threshold: p.f64("threshold"),
        key: KeyBy::parse(p.str("key")),
        statistic: p.str("statistic").to_string(),
        momentum,
        width,
        cold_value: p.f64("cold_value"),
        unit: p.str("unit").to_string(),
    }))
}

impl AdaptiveTarget {
    fn statistic(&self, lengths: &mut [f64]) -> f64 {
        match self.statistic.as_str() {
            "min" => lengths.iter().copied().fold(f64::INFINITY, f64::min),
            "median" => {
                lengths.sort_by(f64::total_cmp);
                let n = lengths.len();
                if n % 2 == 1 {
                    lengths[n / 2]
                } else {
                    (lengths[n / 2 - 1] + lengths[n / 2]) / 2.0
                }
            }
            _ => lengths.iter().sum::<f64>() / lengths.len() as f64,
        }
    }
}

fn target_of(v: Option<Value>) -> Option<f64> {
    v.and_then(|v| v.get("target").and_then(Value::as_f64))
        .filter(|t| t.is_finite() && *t > 0.0)
}

impl Reward for AdaptiveTarget {
    fn score(&self, sample: &Sample, cx: &Ctx) -> Outcome {
        let key = self.key.key(sample, "adaptive_target_length")?;
        let correct = cx.component(self.correctness.0, &self.correctness.1)? >= self.threshold;
        let l = response_length(sample, &self.unit)?;
        let target = target_of(cx.store.get(cx.namespace, &key).map_err(Failure::error)?);
        let value = match (correct, target) {
            (false, _) => 0.0,
            (true, None) => self.cold_value,
            (true, Some(t)) => (1.0 - (l - t).abs() / (self.width * t)).max(0.0),
        };
        let score = Score::with_details(value, json!({ "target": target }));
        Ok(if correct {
            score.observe(json!({"k": key, "l": l}))
        } else {
            score
        })
    }

    fn update(
        &self,
        observations: &[Value],
        store: &dyn Store,
        namespace: &str,
    ) -> Result<(), String> {
        // Keys in first-seen order, so the update is deterministic.
        let groups = by_key(observations, "l");
        let mut entries = Vec::with_capacity(groups.len());
        for (k, mut ls) in groups {
            let s = self.statistic(&mut ls);
            if !(s.is_finite() && s > 0.0) {
                continue;
            }
            let old = store.get(namespace, &k)?;
            let updates = updates(old.as_ref());
            let t = match target_of(old) {
                Some(t) => (1.0 - self.momentum) * t + self.momentum * s,
                None => s,
            };
            entries.push((k, json!({"target": t, "updates": updates + 1})));
        }
        store.put(namespace, entries)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use plaudit_core::state::text_key;
    use plaudit_core::{Deadline, MemoryStore};

    fn reward(params: Value) -> Arc<dyn Reward> {
        build(&Params::from_json(PARAMS, &params, &["correct"]).unwrap()).unwrap()
    }

    #[test]
    fn targets_move_toward_the_batch_statistic() {
        let r = reward(json!({"key": "group", "statistic": "median"}));
        let store = MemoryStore::new();
        let obs = |k: &str, l: f64| json!({"k": k, "l": l});
        r.update(
            &[
                obs("a", 100.0),
                obs("b", 40.0),
                obs("a", 300.0),
                obs("a", 200.0),
            ],
            &store,
            "ns",
        )
        .unwrap();
        assert_eq!(
            store.get("ns", "a").unwrap(),
            Some(json!({"target": 200.0, "updates": 1}))
        );
        assert_eq!(
            store.get("ns", "b").unwrap(),
            Some(json!({"target": 40.0, "updates": 1}))
        );
        r.update(&[obs("a", 100.0)], &store, "ns").unwrap();
        assert_eq!(
            store.get("ns", "a").unwrap(),
            Some(json!({"target": 150.0, "updates": 2}))
        );
    }

    #[test]
    fn prompt_keys_and_missing_keys() {
        let r = reward(json!({}));
        let store = MemoryStore::new();
        store
            .put(
                "ns",
                vec![(text_key("What is 2+2?"), json!({"target": 50.0}))],
            )
            .unwrap();
        let d = Deadline::none();
        let values = [Some(1.0)];
        let cx = Ctx::with_state(&d, &values, &store, "ns");
        let s = Sample {
            prompt: "What is 2+2?".into(),
            tokens: Some(75),
            ..Sample::new("4", Value::Null)
        };
        let out = r.score(&s, &cx).unwrap();
        assert_eq!(out.value, 0.5);
        assert_eq!(
            out.observation,
            Some(json!({"k": text_key("What is 2+2?"), "l": 75.0}))
        );
        let e = r
            .score(
                &Sample {
                    tokens: Some(3),
                    ..Sample::new("4", Value::Null)
                },
                &cx,
            )
            .unwrap_err();
        assert_eq!(e.status, plaudit_core::Status::InvalidInput);
    }

    #[test]
    fn bad_parameters() {
        assert_eq!(
            crate::spec_error(&INFO, json!({"momentum": 0.0}), &["correct"]),
            "parameter `momentum` must be in (0, 1], got 0"
        );
    }
}
