//! LASER-D: a step bonus within a target length that depends on the question's difficulty (the group's pass rate), with per-difficulty targets that adapt to the lengths of correct rollouts.
//!
//! ## What it computes
//! Over the rollouts of one prompt (a group), the pass rate p is the fraction of members whose
//! `correctness` component is ≥ `threshold` (a member whose correctness failed counts as not
//! passing). p picks a difficulty bucket b and its target length T_b:
//! ```text
//! b = easy    if p ≥ easy_from
//!     medium  if p ≥ medium_from
//!     hard    otherwise
//! r = alpha · 1[L ≤ T_b]     for a correct member of length L;   r = 0 for a wrong one
//! ```
//! Like `laser_length` it is a shaping term: `reward: correct + laser` gives `1 + alpha` to a
//! correct answer within its bucket's target, `1` to a longer correct one and 0 to wrong ones.
//! Easy questions get the tightest target, so long answers to easy questions lose the bonus first.
//!
//! The targets start at `targets` (easy, medium, hard) and, with `momentum` m > 0, adapt: after
//! each batch, for every bucket that had correct rollouts, S_b is the `coverage`-quantile of their
//! lengths (nearest rank: the length within which that fraction of the bucket's correct rollouts
//! fit) and `T_b ← (1 − m) · T_b + m · S_b`. The three targets are one state per component (keys
//! `easy`, `medium`, `hard`), not per prompt; every group of a batch reads them as they were before
//! the batch. With `momentum: 0` the targets are fixed and nothing is stored. Details carry
//! `pass_rate`, `bucket` and `target`.
//!
//! ## Why
//! "Learn to Reason Efficiently with Adaptive Length-based Reward Shaping" extends its step
//! reward LASER into LASER-D (Dynamic and Difficulty-aware): reasoning behaviour changes during
//! training, so the target lengths must adapt, and length shaping should penalise long chains of
//! thought more on easy queries. The abstract gives neither the difficulty estimate nor the
//! adaptation rule. Plaudit's documented choices, each a parameter: difficulty from the group's
//! pass rate in three buckets, and per-bucket targets that follow an exponential moving average
//! of a quantile of correct lengths (the paper re-estimates its targets periodically from the
//! lengths of correct responses; here every batch does).
//!
//! ## Parameters
//! - `correctness` (component name; default `correct`): the component that says whether the
//!   answer is right.
//! - `threshold` (number; default 0.5): the correctness value counted as correct.
//! - `easy_from` (number; default 0.7): pass rates at or above it are easy.
//! - `medium_from` (number; default 0.3): pass rates at or above it (and below `easy_from`) are
//!   medium; lower ones are hard. Must be ≤ `easy_from`.
//! - `targets` (three numbers > 0; default [2048, 4096, 8192]): the starting target lengths of
//!   the easy, medium and hard buckets.
//! - `alpha` (number; default 0.5): the bonus within the target.
//! - `momentum` (number in [0, 1]; default 0.5): how far a batch moves a target toward S_b;
//!   0 keeps the targets fixed.
//! - `coverage` (number in (0, 1]; default 0.75): the quantile of a bucket's correct lengths that
//!   the target moves toward.
//! - `unit` (tokens | chars | words; default `tokens`): how L is counted.
//!
//! ## Example
//! ```json
//! {"params": {"targets": [100, 200, 400]}, "group": [{"sample": {"response": "…", "tokens": 80}, "components": {"correct": 1.0}}, {"sample": {"response": "…", "tokens": 150}, "components": {"correct": 1.0}}, {"sample": {"response": "…", "tokens": 90}, "components": {"correct": 1.0}}, {"sample": {"response": "…", "tokens": 50}, "components": {"correct": 0.0}}], "values": [0.5, 0.0, 0.5, 0.0]}
//! {"params": {"targets": [100, 200, 400]}, "group": [{"sample": {"response": "…", "tokens": 150}, "components": {"correct": 1.0}}, {"sample": {"response": "…", "tokens": 250}, "components": {"correct": 1.0}}, {"sample": {"response": "…", "tokens": 50}, "components": {"correct": 0.0}}, {"sample": {"response": "…", "tokens": 60}, "components": {"correct": 0.0}}], "values": [0.5, 0.0, 0.0, 0.0]}
//! {"params": {"targets": [100, 200, 400]}, "group": [{"sample": {"response": "…", "tokens": 350}, "components": {"correct": 1.0}}, {"sample": {"response": "…", "tokens": 50}, "components": {"correct": 0.0}}, {"sample": {"response": "…", "tokens": 60}, "components": {"correct": 0.0}}, {"sample": {"response": "…", "tokens": 70}, "components": {"correct": 0.0}}], "values": [0.5, 0.0, 0.0, 0.0]}
//! {"params": {"targets": [100, 200, 400]}, "state": {"easy": {"target": 60.0}}, "group": [{"sample": {"response": "…", "tokens": 50}, "components": {"correct": 1.0}}, {"sample": {"response": "…", "tokens": 70}, "components": {"correct": 1.0}}, {"sample": {"response": "…", "tokens": 60}, "components": {"correct": 1.0}}], "values": [0.5, 0.0, 0.5]}
//! {"params": {"targets": [100, 200, 400], "alpha": 1.0}, "group": [{"sample": {"response": "…", "tokens": 80}, "components": {"correct": 1.0}}, {"sample": {"response": "…", "tokens": 80}, "components": {"correct": null}}, {"sample": {"response": "…", "tokens": 120}, "components": {"correct": 1.0}}], "values": [1.0, "error", 1.0]}
//! {"params": {"targets": [100, 200, 400]}, "group": [{"sample": {"response": "…"}, "components": {"correct": 1.0}}, {"sample": {"response": "…"}, "components": {"correct": 0.0}}], "values": ["invalid_input", 0.0]}
//! ```

use std::sync::Arc;

use plaudit_core::{
    score_alone, Ctx, Failure, GroupCtx, Kind, Member, Outcome, ParamSpec, Params, Reward,
    RewardInfo, Sample, Scope, Score, Store,
};
use serde_json::{json, Value};

use super::costs::quantile;
use crate::components::{correctness, missing};
use crate::components::{CORRECTNESS_PARAM, THRESHOLD_PARAM};
use crate::problem_state::{by_key, stored, updates};
use crate::util::{response_length, UNIT_PARAM};

pub const INFO: RewardInfo = RewardInfo {
    name: "laser_d_length",
    family: "efficiency",
    source: include_str!("laser_d_length.rs"),
    params: PARAMS,
    build,
};

const PARAMS: &[ParamSpec] = &[
    CORRECTNESS_PARAM,
    THRESHOLD_PARAM,
    ParamSpec::new(
        "easy_from",
        Kind::Float,
        "0.7",
        "pass rate at or above which a question is easy",
    ),
    ParamSpec::new(
        "medium_from",
        Kind::Float,
        "0.3",
        "pass rate at or above which a question is medium",
    ),
    ParamSpec::new(
        "targets",
        Kind::FloatList,
        "[2048, 4096, 8192]",
        "starting target lengths of the easy, medium and hard buckets",
    ),
    ParamSpec::new("alpha", Kind::Float, "0.5", "bonus within the target"),
    ParamSpec::new(
        "momentum",
        Kind::Float,
        "0.5",
        "weight of a batch in the target update (0: fixed targets)",
    )
    .range(0.0, 1.0),
    ParamSpec::new(
        "coverage",
        Kind::Float,
        "0.75",
        "quantile of correct lengths the targets move toward",
    )
    .above(0.0)
    .max(1.0),
    UNIT_PARAM,
];

const BUCKETS: [&str; 3] = ["easy", "medium", "hard"];

struct LaserD {
    correctness: (usize, String),
    threshold: f64,
    easy_from: f64,
    medium_from: f64,
    targets: [f64; 3],
    alpha: f64,
    momentum: f64,
    coverage: f64,
    unit: String,
}

fn build(p: &Params) -> Result<Arc<dyn Reward>, String> {
    let correctness = p
        .component("correctness")
        .ok_or("`correctness` must name the component that says whether the answer is right")?;
    let (easy_from, medium_from) = (p.f64("easy_from"), p.f64("medium_from"));
    if medium_from > easy_from {
        return Err(format!(
            "`medium_from` ({medium_from}) must not be above `easy_from` ({easy_from})"
        ));
    }
    let targets: [f64; 3] = p.f64s("targets").try_into().map_err(|t: Vec<f64>| {
        format!(
            "`targets` must be three numbers (easy, medium, hard), got {}",
            t.len()
        )
    })?;
    if let Some(t) = targets.iter().find(|t| **t <= 0.0) {
        return Err(format!("`targets` must all be > 0, got {t}"));
    }
    let momentum = p.f64("momentum");
    let coverage = p.f64("coverage");
    Ok(Arc::new(LaserD {
        correctness,
        threshold: p.f64("threshold"),
        easy_from,
        medium_from,
        targets,
        alpha: p.f64("alpha"),
        momentum,
        coverage,
        unit: p.str("unit").to_string(),
    }))
}

impl LaserD {
    fn bucket(&self, pass_rate: f64) -> usize {
        if pass_rate >= self.easy_from {
            0
        } else if pass_rate >= self.medium_from {
            1
        } else {
            2
        }
    }

    /// The target of bucket `b` as the batch reads it: the state's, else the configured start.
    fn target(&self, b: usize, store: &dyn Store, namespace: &str) -> Result<f64, Failure> {
        if self.momentum == 0.0 {
            return Ok(self.targets[b]);
        }
        let v = store.get(namespace, BUCKETS[b]).map_err(Failure::error)?;
        Ok(stored(v.as_ref(), "target")
            .filter(|t| *t > 0.0)
            .unwrap_or(self.targets[b]))
    }
}

impl Reward for LaserD {
    fn score(&self, sample: &Sample, cx: &Ctx) -> Outcome {
        score_alone(self, sample, cx)
    }

    fn scope(&self) -> Scope {
        Scope::Group
    }

    fn score_group(&self, members: &[Member], cx: &GroupCtx) -> Vec<Outcome> {
        if members.is_empty() {
            return Vec::new();
        }
        let correct = correctness(members, self.correctness.0, self.threshold);
        let passed = correct.iter().filter(|c| **c == Some(true)).count();
        let pass_rate = passed as f64 / members.len() as f64;
        let b = self.bucket(pass_rate);
        let target = match self.target(b, cx.store, cx.namespace) {
            Ok(t) => t,
            Err(f) => return vec![Err(f); members.len()],
        };
        let details = json!({"pass_rate": pass_rate, "bucket": BUCKETS[b], "target": target});
        members
            .iter()
            .zip(&correct)
            .map(|(m, c)| match c {
                None => Err(missing(&self.correctness.1)),
                Some(false) => Ok(Score::with_details(0.0, details.clone())),
                Some(true) => {
                    let l = response_length(m.sample, &self.unit)?;
                    let value = if l <= target { self.alpha } else { 0.0 };
                    let score = Score::with_details(value, details.clone());
                    Ok(if self.momentum > 0.0 {
                        score.observe(json!({"k": BUCKETS[b], "l": l}))
                    } else {
                        score
                    })
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
        for (k, mut lengths) in by_key(observations, "l") {
            let Some(b) = BUCKETS.iter().position(|x| *x == k) else {
                continue;
            };
            let s = quantile(&mut lengths, self.coverage);
            let old = store.get(namespace, &k)?;
            let t = stored(old.as_ref(), "target")
                .filter(|t| *t > 0.0)
                .unwrap_or(self.targets[b]);
            let new = (1.0 - self.momentum) * t + self.momentum * s;
            if !(new.is_finite() && new > 0.0) {
                continue;
            }
            entries.push((
                k,
                json!({"target": new, "updates": updates(old.as_ref()) + 1}),
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
    use plaudit_core::{Deadline, MemoryStore};

    fn reward(params: Value) -> Arc<dyn Reward> {
        build(&Params::from_json(PARAMS, &params, &["correct"]).unwrap()).unwrap()
    }

    #[test]
    fn bucket_targets_move_toward_the_coverage_quantile() {
        let r = reward(json!({"targets": [100, 200, 400], "momentum": 0.5, "coverage": 0.5}));
        let store = MemoryStore::new();
        let obs = |k: &str, l: f64| json!({"k": k, "l": l});
        r.update(
            &[
                obs("easy", 40.0),
                obs("hard", 1000.0),
                obs("easy", 60.0),
                obs("easy", 80.0),
            ],
            &store,
            "ns",
        )
        .unwrap();
        // easy: median-rank of {40, 60, 80} at coverage 0.5 is 60 → ½·100 + ½·60.
        assert_eq!(
            store.get("ns", "easy").unwrap(),
            Some(json!({"target": 80.0, "updates": 1}))
        );
        assert_eq!(
            store.get("ns", "hard").unwrap(),
            Some(json!({"target": 700.0, "updates": 1}))
        );
        assert_eq!(store.get("ns", "medium").unwrap(), None);
        r.update(&[obs("easy", 40.0)], &store, "ns").unwrap();
        assert_eq!(
            store.get("ns", "easy").unwrap(),
            Some(json!({"target": 60.0, "updates": 2}))
        );
    }

    #[test]
    fn fixed_targets_store_nothing() {
        let r = reward(json!({"targets": [100, 200, 400], "momentum": 0.0}));
        let store = MemoryStore::new();
        store
            .put("ns", vec![("easy".into(), json!({"target": 10.0}))])
            .unwrap();
        let d = Deadline::none();
        let s = Sample {
            tokens: Some(50),
            ..Sample::new("x", Value::Null)
        };
        let values = [Some(1.0)];
        let m = Member {
            sample: &s,
            values: &values,
        };
        let gcx = GroupCtx {
            deadline: &d,
            store: &store,
            namespace: "ns",
            key: None,
        };
        let out = r.score_group(&[m], &gcx);
        let score = out[0].as_ref().unwrap();
        assert_eq!(score.value, 0.5, "the stored target is ignored");
        assert_eq!(score.observation, None);
        assert_eq!(
            score.details,
            Some(json!({"pass_rate": 1.0, "bucket": "easy", "target": 100.0}))
        );
        assert!(r.score_group(&[], &gcx).is_empty());
    }

    #[test]
    fn bad_parameters() {
        let err = |v: Value| crate::spec_error(&INFO, v, &["correct"]);
        assert_eq!(
            err(json!({"targets": [1, 2]})),
            "`targets` must be three numbers (easy, medium, hard), got 2"
        );
        assert_eq!(
            err(json!({"targets": [1, 0, 2]})),
            "`targets` must all be > 0, got 0"
        );
        assert_eq!(
            err(json!({"easy_from": 0.2})),
            "`medium_from` (0.3) must not be above `easy_from` (0.2)"
        );
        assert_eq!(
            err(json!({"coverage": 0})),
            "parameter `coverage` must be in (0, 1], got 0"
        );
        assert_eq!(
            err(json!({"momentum": 1.5})),
            "parameter `momentum` must be in [0, 1], got 1.5"
        );
    }
}
