//! Tightening cost reference (HyperEyes' TRACE): a correct rollout earns 1 when its cost (tool calls, by default) is within a reference that only ever tightens over training, and less the further it goes beyond it.
//!
//! ## What it computes
//! Each problem (its prompt, its `group`, or one global reference: `key`) has a reference cost R
//! in the state store. A correct sample (`correctness` ≥ `threshold`) with cost C gets
//! ```text
//! r = 1                 if C ≤ R
//! r = R / C             otherwise
//! r = cold_value        while the problem has no reference yet
//! ```
//! and a wrong sample gets 0 (its cost is not read). After each batch, the costs of the batch's
//! correct samples of a problem give a statistic S (`statistic`: their median, mean or minimum)
//! and `R ← max(floor, min(R, S))` (the first time, `R ← max(floor, S)`): the reference never
//! loosens. Every sample of a batch reads the references as they were before the batch. The
//! cost C is `meta.tool_calls` (a number, or a list of calls), the response's length, or another
//! component's value (`cost`). Details carry the `reference` used (`null` on a cold start) and
//! the `cost`.
//!
//! ## Why
//! "HyperEyes: Dual-Grained Efficiency-Aware Reinforcement Learning for Parallel Multimodal
//! Search Agents" proposes TRACE (Tool-use Reference-Adaptive Cost Efficiency), "a trajectory-level
//! reward whose reference is monotonically tightened during training to suppress superfluous tool
//! calls without restricting genuine multi-hop search". The abstract gives neither the statistic
//! nor the update rule nor the shape of the reward. Plaudit's documented choices, each a
//! parameter: a per-problem reference that moves to the batch's median correct cost when that is
//! lower (so a problem that needs many calls keeps a high reference), and a reward of 1 within the
//! reference decaying as R/C beyond it. Use it as a shaping term: `reward: correct + 0.5 * trace`.
//!
//! ## Parameters
//! - `correctness` (component name; default `correct`): the component that says whether the
//!   answer is right; only correct samples earn the reward and tighten the reference.
//! - `threshold` (number; default 0.5): the correctness value counted as correct.
//! - `key` (prompt | group | global; default `prompt`): what has its own reference: the prompt
//!   text (hashed), the sample's `group`, or one reference for every sample.
//! - `cost` (tool_calls | tokens | chars | words | component; default `tool_calls`): what C is:
//!   `meta.tool_calls`, the response length in that unit, or the `cost_component`'s value.
//! - `cost_component` (component name; default empty): the component read under `cost: component`.
//! - `statistic` (median | mean | min; default `median`): S, over a batch's correct costs.
//! - `cold_value` (number; default 1.0): the reward of a correct sample whose problem has no
//!   reference yet.
//! - `floor` (number ≥ 0; default 0.0): the reference never goes below it.
//!
//! ## Example
//! ```json
//! {"params": {"key": "group"}, "state": {"q": {"reference": 4.0}}, "components": {"correct": 1.0}, "sample": {"group": "q", "response": "…", "meta": {"tool_calls": 2}}, "value": 1.0}
//! {"params": {"key": "group"}, "state": {"q": {"reference": 4.0}}, "components": {"correct": 1.0}, "sample": {"group": "q", "response": "…", "meta": {"tool_calls": 8}}, "value": 0.5}
//! {"params": {"key": "group"}, "state": {"q": {"reference": 4.0}}, "components": {"correct": 0.0}, "sample": {"group": "q", "response": "…", "meta": {"tool_calls": 1}}, "value": 0.0}
//! {"params": {"key": "group"}, "components": {"correct": 1.0}, "sample": {"group": "new", "response": "…", "meta": {"tool_calls": 12}}, "value": 1.0}
//! {"params": {"key": "global", "cost": "tokens"}, "state": {"*": {"reference": 100.0}}, "components": {"correct": 1.0}, "sample": {"response": "…", "tokens": 400}, "value": 0.25}
//! {"params": {"key": "group", "cost": "component", "cost_component": "rounds"}, "state": {"q": {"reference": 3.0}}, "components": {"correct": 1.0, "rounds": 6.0}, "sample": {"group": "q", "response": "…"}, "value": 0.5}
//! {"params": {"key": "group"}, "state": {"q": {"reference": 4.0}}, "components": {"correct": 1.0}, "sample": {"group": "q", "response": "…"}, "status": "invalid_input"}
//! ```

use std::sync::Arc;

use plaudit_core::{
    Ctx, Failure, Kind, Outcome, ParamSpec, Params, Reward, RewardInfo, Sample, Score, Store,
};
use serde_json::{json, Value};

use super::costs::{mean, median, tool_calls};
use crate::components::{CORRECTNESS_PARAM, THRESHOLD_PARAM};
use crate::problem_state::{by_key, stored, updates, KeyBy};
use crate::util::response_length;

pub const INFO: RewardInfo = RewardInfo {
    name: "tightening_cost_reference",
    family: "efficiency",
    source: include_str!("tightening_cost_reference.rs"),
    params: PARAMS,
    build,
};

const PARAMS: &[ParamSpec] = &[
    CORRECTNESS_PARAM,
    THRESHOLD_PARAM,
    ParamSpec::new(
        "key",
        Kind::Enum(&["prompt", "group", "global"]),
        "\"prompt\"",
        "what has its own reference",
    ),
    ParamSpec::new(
        "cost",
        Kind::Enum(&["tool_calls", "tokens", "chars", "words", "component"]),
        "\"tool_calls\"",
        "what the cost is",
    ),
    ParamSpec::new(
        "cost_component",
        Kind::Component,
        "\"\"",
        "component read under `cost: component`",
    ),
    ParamSpec::new(
        "statistic",
        Kind::Enum(&["median", "mean", "min"]),
        "\"median\"",
        "statistic of a batch's correct costs",
    ),
    ParamSpec::new(
        "cold_value",
        Kind::Float,
        "1.0",
        "reward before a problem has a reference",
    ),
    ParamSpec::new("floor", Kind::Float, "0.0", "lowest reference").min(0.0),
];

enum Cost {
    Tools,
    Length(String),
    Component(usize, String),
}

struct Trace {
    correctness: (usize, String),
    threshold: f64,
    key: KeyBy,
    cost: Cost,
    statistic: String,
    cold_value: f64,
    floor: f64,
}

fn build(p: &Params) -> Result<Arc<dyn Reward>, String> {
    let correctness = p
        .component("correctness")
        .ok_or("`correctness` must name the component that says whether the answer is right")?;
    let component = p.component("cost_component");
    let cost = match (p.str("cost"), component) {
        ("component", Some((i, name))) => Cost::Component(i, name),
        ("component", None) => {
            return Err("`cost: component` needs `cost_component` to name the component".into())
        }
        (other, Some((_, name))) => {
            return Err(format!(
                "`cost_component` ({name}) is only read under `cost: component`, but `cost` is `{other}`"
            ))
        }
        ("tool_calls", None) => Cost::Tools,
        (unit, None) => Cost::Length(unit.to_string()),
    };
    let floor = p.f64("floor");
    Ok(Arc::new(Trace {
        correctness,
        threshold: p.f64("threshold"),
        key: KeyBy::parse(p.str("key")),
        cost,
        statistic: p.str("statistic").to_string(),
        cold_value: p.f64("cold_value"),
        floor,
    }))
}

impl Trace {
    fn cost(&self, sample: &Sample, cx: &Ctx) -> Result<f64, Failure> {
        match &self.cost {
            Cost::Tools => tool_calls(sample),
            Cost::Length(unit) => response_length(sample, unit),
            Cost::Component(i, name) => {
                let c = cx.component(*i, name)?;
                if c < 0.0 {
                    return Err(Failure::invalid_input(format!(
                        "component `{name}` gave a cost of {c}; a cost must be ≥ 0"
                    )));
                }
                Ok(c)
            }
        }
    }
}

impl Reward for Trace {
    fn score(&self, sample: &Sample, cx: &Ctx) -> Outcome {
        let correct = cx.component(self.correctness.0, &self.correctness.1)? >= self.threshold;
        if !correct {
            return Ok(Score::new(0.0));
        }
        let key = self.key.key(sample, "tightening_cost_reference")?;
        let c = self.cost(sample, cx)?;
        let old = cx.store.get(cx.namespace, &key).map_err(Failure::error)?;
        let reference = stored(old.as_ref(), "reference");
        let value = match reference {
            None => self.cold_value,
            Some(r) if c <= r => 1.0,
            Some(r) => r / c,
        };
        Ok(
            Score::with_details(value, json!({"reference": reference, "cost": c}))
                .observe(json!({"k": key, "c": c})),
        )
    }

    fn update(
        &self,
        observations: &[Value],
        store: &dyn Store,
        namespace: &str,
    ) -> Result<(), String> {
        let mut entries = Vec::new();
        for (k, mut costs) in by_key(observations, "c") {
            let s = match self.statistic.as_str() {
                "min" => costs.iter().copied().fold(f64::INFINITY, f64::min),
                "mean" => mean(&costs),
                _ => median(&mut costs),
            };
            let old = store.get(namespace, &k)?;
            let r = stored(old.as_ref(), "reference")
                .map_or(s, |r| r.min(s))
                .max(self.floor);
            if !r.is_finite() {
                continue;
            }
            entries.push((
                k,
                json!({"reference": r, "updates": updates(old.as_ref()) + 1}),
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
    fn the_reference_never_loosens() {
        let r = reward(json!({"key": "group", "floor": 1.0}));
        let store = MemoryStore::new();
        let obs = |k: &str, c: f64| json!({"k": k, "c": c});
        r.update(
            &[obs("a", 6.0), obs("a", 2.0), obs("a", 4.0), obs("b", 0.0)],
            &store,
            "ns",
        )
        .unwrap();
        assert_eq!(
            store.get("ns", "a").unwrap(),
            Some(json!({"reference": 4.0, "updates": 1}))
        );
        // The floor holds b's reference at 1.
        assert_eq!(
            store.get("ns", "b").unwrap(),
            Some(json!({"reference": 1.0, "updates": 1}))
        );
        // A batch of costlier correct rollouts does not loosen it; a cheaper one tightens it.
        r.update(&[obs("a", 10.0), obs("a", 12.0)], &store, "ns")
            .unwrap();
        assert_eq!(
            store.get("ns", "a").unwrap(),
            Some(json!({"reference": 4.0, "updates": 2}))
        );
        r.update(&[obs("a", 3.0), obs("a", 2.0)], &store, "ns")
            .unwrap();
        assert_eq!(
            store.get("ns", "a").unwrap(),
            Some(json!({"reference": 2.5, "updates": 3}))
        );
    }

    #[test]
    fn bad_parameters() {
        let err = |v: Value, comps: &[&str]| crate::spec_error(&INFO, v, comps);
        assert_eq!(
            err(json!({"cost": "component"}), &["correct"]),
            "`cost: component` needs `cost_component` to name the component"
        );
        assert_eq!(
            err(json!({"cost_component": "x"}), &["correct", "x"]),
            "`cost_component` (x) is only read under `cost: component`, but `cost` is `tool_calls`"
        );
        assert_eq!(
            err(json!({"floor": -1}), &["correct"]),
            "parameter `floor` must be ≥ 0, got -1"
        );
    }
}
