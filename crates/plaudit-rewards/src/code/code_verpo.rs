//! VeRPO's dense code reward: partial credit weighted by each test's difficulty, learned online from its pass rate across rollouts (stateful), combined with the all-tests-pass outcome.
//!
//! ## What it computes
//! The tests run as in `code_pass_rate` (every test, one sandbox run each; `plaudit explain
//! code_pass` gives the extraction, reference forms and verdicts). Each problem p (its prompt
//! text, hashed, or its `group`) keeps per-test statistics in the state store: decayed counts of
//! runs n_j and passes s_j of test j over earlier batches' rollouts. With a prior of `prior`
//! pseudo-runs at pass rate ½:
//! ```text
//! rate_j = (s_j + prior/2) / (n_j + prior)          (½ before any run)
//! w_j    = 1 − rate_j                               (hard tests weigh more)
//! dense  = Σ_j w_j · pass_j / Σ_j w_j               (in [0, 1]; pass_j ∈ {0, 1})
//! outcome = 1 when every test passes, else 0
//! gated: r = outcome == 1 ? 1 : λ · dense           (default; r ∈ [0, λ] ∪ {1})
//! sum:   r = outcome + λ · dense                    (r ∈ [0, 1 + λ])
//! ```
//! With no statistics yet every weight is ½, so `dense` is the plain pass rate. After each batch,
//! the rollouts of p update its counts in input order: `n_j ← decay · n_j + (runs of j in the
//! batch)`, `s_j ← decay · s_j + (passes of j in the batch)`; every sample of a batch reads the
//! weights as they were before it, so results do not depend on scheduling. A test the sample's
//! deadline left no time for counts as failed in `dense` but is not counted in the statistics. If
//! p's number of tests changes (or its stored counts are inconsistent), its statistics start
//! afresh. Details add `weights` (the w_j used), `dense` and `outcome` to the verdicts.
//!
//! ## Why
//! "VeRPO: Verifiable Dense Reward Policy Optimization for Code Generation" argues that pass/fail
//! outcome rewards are too sparse and learned reward models misaligned and costly; it builds a
//! dense reward from weighted partial success, "dynamically estimating the difficulty weight of
//! each unit test based on the execution statistics during training", sums the weights of the
//! passed tests, and integrates that signal with the global execution outcome. The abstract gives
//! neither the estimator nor the combination; Plaudit's documented choices are the smoothed
//! failure rate as the weight (a test everyone passes teaches little; one few pass is worth
//! more), normalised so `dense` ∈ [0, 1], and a gate that keeps every fully correct solution
//! above every partial one. Each is a parameter.
//!
//! ## Parameters
//! - `lambda` (number ≥ 0; default 0.5): λ, the weight of the dense term.
//! - `combine` (gated | sum; default `gated`): how outcome and dense term combine.
//! - `prior` (number > 0; default 2.0): pseudo-runs at pass rate ½ that smooth each test's rate.
//! - `decay` (number in (0, 1]; default 0.9): how much of the old counts survives each batch
//!   (1 keeps all history).
//! - `key` (prompt | group; default `prompt`): what identifies a problem: the prompt text
//!   (hashed) or the sample's `group`.
//! - `isolation` (full | weak; default `full`), `time_limit_ms` (integer; default 5000),
//!   `memory_mb` (integer; default 1024): as in `code_pass`.
//!   `max_time_limit_ms`, `max_memory_mb`, `max_tests`: as in `code_pass`.
//!
//! ## Example
//! Problem `p1` has seen test 0 pass 7 of 8 times and test 1 once in 8: rate = 0.8 and 0.2,
//! weights 0.2 and 0.8.
//! ```json
//! {"params": {"key": "group"}, "state": {"p1": {"runs": [8.0, 8.0], "passes": [7.0, 1.0]}}, "sample": {"group": "p1", "response": "```python\ndef f(x):\n    return 0\n```", "reference": {"tests": ["assert f(0) == 0", "assert f(3) == 9"]}}, "value": 0.1}
//! {"params": {"key": "group"}, "state": {"p1": {"runs": [8.0, 8.0], "passes": [7.0, 1.0]}}, "sample": {"group": "p1", "response": "```python\ndef f(x):\n    return 9\n```", "reference": {"tests": ["assert f(0) == 0", "assert f(3) == 9"]}}, "value": 0.4}
//! {"params": {"key": "group"}, "state": {"p1": {"runs": [8.0, 8.0], "passes": [7.0, 1.0]}}, "sample": {"group": "p1", "response": "```python\ndef f(x):\n    return x * x\n```", "reference": {"tests": ["assert f(0) == 0", "assert f(3) == 9"]}}, "value": 1.0}
//! {"params": {"key": "group", "combine": "sum"}, "state": {"p1": {"runs": [8.0, 8.0], "passes": [7.0, 1.0]}}, "sample": {"group": "p1", "response": "```python\ndef f(x):\n    return x * x\n```", "reference": {"tests": ["assert f(0) == 0", "assert f(3) == 9"]}}, "value": 1.5}
//! {"params": {"key": "group"}, "sample": {"group": "new", "response": "```python\ndef f(x):\n    return 0\n```", "reference": {"tests": ["assert f(0) == 0", "assert f(3) == 9"]}}, "value": 0.25}
//! ```

use std::collections::HashMap;
use std::sync::Arc;

use plaudit_code::Verdict;
use plaudit_core::state::text_key;
use plaudit_core::{
    Ctx, Failure, Kind, Outcome, ParamSpec, Params, Reward, RewardInfo, Sample, Score, Store,
};
use serde_json::{json, Value};

use super::runner::{
    Runner, ISOLATION, MAX_MEMORY_MB, MAX_TESTS, MAX_TIME_LIMIT_MS, MEMORY_MB, TIME_LIMIT_MS,
};

pub const INFO: RewardInfo = RewardInfo {
    name: "code_verpo",
    family: "code",
    source: include_str!("code_verpo.rs"),
    params: PARAMS,
    build,
};

const PARAMS: &[ParamSpec] = &[
    ParamSpec::new("lambda", Kind::Float, "0.5", "weight of the dense term").min(0.0),
    ParamSpec::new(
        "combine",
        Kind::Enum(&["gated", "sum"]),
        "\"gated\"",
        "gated: 1 when all pass, else λ·dense; sum: outcome + λ·dense",
    ),
    ParamSpec::new(
        "prior",
        Kind::Float,
        "2.0",
        "pseudo-runs at pass rate 1/2 smoothing each test's rate",
    )
    .above(0.0),
    ParamSpec::new(
        "decay",
        Kind::Float,
        "0.9",
        "share of the old counts kept at each update",
    )
    .above(0.0)
    .max(1.0),
    ParamSpec::new(
        "key",
        Kind::Enum(&["prompt", "group"]),
        "\"prompt\"",
        "what identifies a problem",
    ),
    ISOLATION,
    TIME_LIMIT_MS,
    MEMORY_MB,
    MAX_TIME_LIMIT_MS,
    MAX_MEMORY_MB,
    MAX_TESTS,
];

struct Verpo {
    runner: Runner,
    lambda: f64,
    sum: bool,
    prior: f64,
    decay: f64,
    by_group: bool,
}

fn build(p: &Params) -> Result<Arc<dyn Reward>, String> {
    let lambda = p.f64("lambda");
    let prior = p.f64("prior");
    let decay = p.f64("decay");
    Ok(Arc::new(Verpo {
        runner: Runner::from_params(p, false)?,
        lambda,
        sum: p.str("combine") == "sum",
        prior,
        decay,
        by_group: p.str("key") == "group",
    }))
}

/// A problem's statistics: decayed run and pass counts per test.
#[derive(Debug, PartialEq)]
struct Stats {
    runs: Vec<f64>,
    passes: Vec<f64>,
}

impl Stats {
    /// The stored statistics, if they hold `n` tests (else the problem starts afresh).
    fn read(v: Option<Value>, n: usize) -> Option<Stats> {
        let v = v?;
        let list = |k: &str| -> Option<Vec<f64>> {
            v.get(k)?
                .as_array()?
                .iter()
                .map(|x| x.as_f64().filter(|f| f.is_finite() && *f >= 0.0))
                .collect()
        };
        let (runs, passes) = (list("runs")?, list("passes")?);
        // Counts that cannot come from updates (more passes than runs) are not trusted.
        let sane =
            runs.len() == n && passes.len() == n && runs.iter().zip(&passes).all(|(r, p)| p <= r);
        sane.then_some(Stats { runs, passes })
    }
}

impl Verpo {
    fn key(&self, sample: &Sample) -> Result<String, Failure> {
        if self.by_group {
            sample.group.clone().ok_or_else(|| {
                Failure::invalid_input(
                    "sample has no `group`, and code_verpo keys problems by group (key: group)",
                )
            })
        } else if sample.prompt.is_empty() {
            Err(Failure::invalid_input(
                "sample has no `prompt`, and code_verpo keys problems by prompt (send the prompt, or set key: group)",
            ))
        } else {
            Ok(text_key(&sample.prompt))
        }
    }

    fn weights(&self, stats: Option<&Stats>, n: usize) -> Vec<f64> {
        (0..n)
            .map(|j| {
                let (runs, passes) = stats.map_or((0.0, 0.0), |s| (s.runs[j], s.passes[j]));
                let rate = (passes + self.prior / 2.0) / (runs + self.prior);
                1.0 - rate
            })
            .collect()
    }
}

impl Reward for Verpo {
    /// Waits on sandboxed runs: servers score it on their blocking pool.
    fn blocking(&self) -> bool {
        true
    }

    fn score(&self, sample: &Sample, cx: &Ctx) -> Outcome {
        let key = self.key(sample)?;
        let c = self.runner.check(sample, cx)?;
        let o = &c.outcome;
        let n = o.total();
        let stats = Stats::read(cx.store.get(cx.namespace, &key).map_err(Failure::error)?, n);
        let w = self.weights(stats.as_ref(), n);
        let passed: Vec<bool> = o
            .tests
            .iter()
            .map(|t| t.verdict == Verdict::Passed)
            .collect();
        let total_w: f64 = w.iter().sum();
        let dense = w
            .iter()
            .zip(&passed)
            .filter(|(_, p)| **p)
            .map(|(w, _)| w)
            .sum::<f64>()
            / total_w;
        let outcome = f64::from(u8::from(o.all_passed()));
        let value = if self.sum {
            outcome + self.lambda * dense
        } else if outcome == 1.0 {
            1.0
        } else {
            self.lambda * dense
        };
        let mut details = o.details();
        details.insert("weights".into(), json!(w));
        details.insert("dense".into(), json!(dense));
        details.insert("outcome".into(), json!(outcome));
        // Tests the deadline left no time for are not observations of their difficulty.
        let obs: Vec<Value> = o
            .tests
            .iter()
            .map(|t| {
                if t.cut_by_deadline {
                    Value::Null
                } else {
                    json!(u8::from(t.verdict == Verdict::Passed))
                }
            })
            .collect();
        Ok(Score::with_details(value, Value::Object(details)).observe(json!({"k": key, "p": obs})))
    }

    fn update(
        &self,
        observations: &[Value],
        store: &dyn Store,
        namespace: &str,
    ) -> Result<(), String> {
        // Per problem, in first-seen order: the batch's run and pass counts per test.
        let mut order: Vec<&str> = Vec::new();
        let mut batch: HashMap<&str, (Vec<f64>, Vec<f64>)> = HashMap::new();
        for o in observations {
            let (Some(k), Some(p)) = (
                o.get("k").and_then(Value::as_str),
                o.get("p").and_then(Value::as_array),
            ) else {
                continue;
            };
            let entry = batch.entry(k).or_insert_with(|| {
                order.push(k);
                (vec![0.0; p.len()], vec![0.0; p.len()])
            });
            if entry.0.len() != p.len() {
                // The problem's tests changed within the batch: the later reference wins.
                *entry = (vec![0.0; p.len()], vec![0.0; p.len()]);
            }
            for (j, x) in p.iter().enumerate() {
                if let Some(x) = x.as_f64() {
                    entry.0[j] += 1.0;
                    entry.1[j] += x;
                }
            }
        }
        let mut entries = Vec::with_capacity(order.len());
        for k in order {
            let (runs, passes) = &batch[k];
            let n = runs.len();
            let old = Stats::read(store.get(namespace, k)?, n).unwrap_or(Stats {
                runs: vec![0.0; n],
                passes: vec![0.0; n],
            });
            let new = Stats {
                runs: (0..n).map(|j| self.decay * old.runs[j] + runs[j]).collect(),
                passes: (0..n)
                    .map(|j| self.decay * old.passes[j] + passes[j])
                    .collect(),
            };
            entries.push((
                k.to_string(),
                json!({"runs": new.runs, "passes": new.passes}),
            ));
        }
        store.put(namespace, entries)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use plaudit_core::MemoryStore;

    fn reward(params: Value) -> Verpo {
        let p = Params::from_json(PARAMS, &params, &[]).unwrap();
        Verpo {
            runner: Runner::from_params(&p, false).unwrap(),
            lambda: p.f64("lambda"),
            sum: p.str("combine") == "sum",
            prior: p.f64("prior"),
            decay: p.f64("decay"),
            by_group: p.str("key") == "group",
        }
    }

    #[test]
    fn updates_decay_old_counts_and_add_the_batch() {
        let r = reward(json!({"decay": 0.5}));
        let store = MemoryStore::new();
        let obs = |k: &str, p: Value| json!({"k": k, "p": p});
        r.update(
            &[
                obs("a", json!([1, 0, null])),
                obs("b", json!([1])),
                obs("a", json!([1, 1, 0])),
            ],
            &store,
            "ns",
        )
        .unwrap();
        assert_eq!(
            store.get("ns", "a").unwrap(),
            Some(json!({"runs": [2.0, 2.0, 1.0], "passes": [2.0, 1.0, 0.0]}))
        );
        assert_eq!(
            store.get("ns", "b").unwrap(),
            Some(json!({"runs": [1.0], "passes": [1.0]}))
        );
        r.update(&[obs("a", json!([0, 0, 0]))], &store, "ns")
            .unwrap();
        assert_eq!(
            store.get("ns", "a").unwrap(),
            Some(json!({"runs": [2.0, 2.0, 1.5], "passes": [1.0, 0.5, 0.0]}))
        );
        // The problem's tests changed: its statistics start afresh.
        r.update(&[obs("a", json!([1]))], &store, "ns").unwrap();
        assert_eq!(
            store.get("ns", "a").unwrap(),
            Some(json!({"runs": [1.0], "passes": [1.0]}))
        );
    }

    #[test]
    fn weights_follow_the_smoothed_failure_rate() {
        let r = reward(json!({"prior": 2.0}));
        assert_eq!(r.weights(None, 2), vec![0.5, 0.5]);
        let s = Stats {
            runs: vec![8.0, 8.0, 0.0],
            passes: vec![8.0, 0.0, 0.0],
        };
        assert_eq!(r.weights(Some(&s), 3), vec![0.09999999999999998, 0.9, 0.5]);
        assert_eq!(
            Stats::read(Some(json!({"runs": [1.0], "passes": [1.0]})), 2),
            None
        );
        assert_eq!(
            Stats::read(Some(json!({"runs": [1.0, 2.0], "passes": [1.0, 3.0]})), 2),
            None
        );
    }

    #[test]
    fn bad_parameters() {
        for (p, msg) in [
            (
                json!({"decay": 0.0}),
                "parameter `decay` must be in (0, 1], got 0",
            ),
            (
                json!({"prior": 0.0}),
                "parameter `prior` must be > 0, got 0",
            ),
            (
                json!({"lambda": -1.0}),
                "parameter `lambda` must be ≥ 0, got -1",
            ),
        ] {
            assert_eq!(crate::spec_error(&INFO, p, &[]), msg);
        }
    }
}
