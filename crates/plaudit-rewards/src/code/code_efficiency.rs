//! Code efficiency (ACECode): for a solution that passes every test, its speed relative to a reference runtime; 0 for an incorrect solution.
//!
//! ## What it computes
//! The tests run as in `code_pass` (`plaudit explain code_pass`), stopping at the first failure.
//! An incorrect solution scores 0. For a correct one, T is its total measured runtime over the
//! tests in milliseconds (CPU time of each sandbox run by default, wall-clock time with
//! `measure: wall`) and
//! ```text
//! r = min(cap, (T_ref + floor_ms) / (T + floor_ms))
//! ```
//! so a solution as fast as the reference scores 1, twice as fast about 2 (capped at `cap`), half
//! as fast 0.5. T_ref is the reference's `reference_runtime_ms` (the total over the same tests,
//! measured the same way: the details' `runtime_ms` of a reference solution scored by this reward
//! is such a figure), or, when it gives `reference_solution` instead, that solution's runtime
//! measured in the same sandbox on the same tests right before (it must pass them all, else the
//! sample is `invalid_input`; this doubles the sample's sandbox time). `floor_ms` keeps tiny
//! runtimes from turning measurement noise into large ratios. Details add `runtime_ms` and
//! `reference_runtime_ms`. A reference with neither field is `invalid_input`.
//!
//! ## Why
//! "ACECode: A Reinforcement Learning Framework for Aligning Code Efficiency and Correctness in
//! Code Language Models" trains with a training-free reward from code execution feedback that
//! scores runtime efficiency jointly with correctness, because models often write correct but
//! slow code. The abstract gives no formula; Plaudit's documented choice is a correctness gate
//! (a wrong program earns nothing for being fast) and a capped speed ratio against a reference,
//! meant to be added to a correctness term in the spec (e.g. `pass + 0.2 * eff`). Runtimes are
//! noisy, especially under load: prefer CPU time, a floor, and references whose tests take
//! milliseconds, not microseconds.
//!
//! ## Parameters
//! - `measure` (cpu | wall; default `cpu`): which runtime the sandbox reports is compared.
//! - `cap` (number > 0; default 2.0): the largest value.
//! - `floor_ms` (number ≥ 0; default 1.0): added to both runtimes.
//! - `isolation` (full | weak; default `full`), `time_limit_ms` (integer; default 5000),
//!   `memory_mb` (integer; default 1024): as in `code_pass`.
//!   `max_time_limit_ms`, `max_memory_mb`, `max_tests`: as in `code_pass`.
//!
//! ## Example
//! A correct solution against a reference that took 1000 s is capped; a wrong one scores 0.
//! ```json
//! {"sample": {"response": "```python\ndef total(xs):\n    return sum(xs)\n```", "reference": {"tests": ["assert total([1, 2, 3]) == 6"], "reference_runtime_ms": 1000000}}, "value": 2.0}
//! {"sample": {"response": "```python\ndef total(xs):\n    return 0\n```", "reference": {"tests": ["assert total([1, 2, 3]) == 6"], "reference_runtime_ms": 5}}, "value": 0.0}
//! {"sample": {"response": "```python\ndef total(xs):\n    return sum(xs)\n```", "reference": {"tests": ["assert total([1, 2, 3]) == 6"]}}, "status": "invalid_input"}
//! ```

use std::sync::Arc;
use std::time::Duration;

use plaudit_code::TestResult;
use plaudit_core::{
    Ctx, Failure, Kind, Outcome, ParamSpec, Params, Reward, RewardInfo, Sample, Score,
};
use serde_json::{json, Value};

use super::runner::{
    Runner, ISOLATION, MAX_MEMORY_MB, MAX_TESTS, MAX_TIME_LIMIT_MS, MEMORY_MB, TIME_LIMIT_MS,
};

pub const INFO: RewardInfo = RewardInfo {
    name: "code_efficiency",
    family: "code",
    source: include_str!("code_efficiency.rs"),
    params: PARAMS,
    build,
};

const PARAMS: &[ParamSpec] = &[
    ParamSpec::new(
        "measure",
        Kind::Enum(&["cpu", "wall"]),
        "\"cpu\"",
        "runtime compared: CPU or wall-clock time",
    ),
    ParamSpec::new("cap", Kind::Float, "2.0", "largest value").above(0.0),
    ParamSpec::new(
        "floor_ms",
        Kind::Float,
        "1.0",
        "milliseconds added to both runtimes",
    )
    .min(0.0),
    ISOLATION,
    TIME_LIMIT_MS,
    MEMORY_MB,
    MAX_TIME_LIMIT_MS,
    MAX_MEMORY_MB,
    MAX_TESTS,
];

struct Efficiency {
    runner: Runner,
    wall: bool,
    cap: f64,
    floor_ms: f64,
}

fn build(p: &Params) -> Result<Arc<dyn Reward>, String> {
    let cap = p.f64("cap");
    let floor_ms = p.f64("floor_ms");
    Ok(Arc::new(Efficiency {
        runner: Runner::from_params(p, true)?,
        wall: p.str("measure") == "wall",
        cap,
        floor_ms,
    }))
}

impl Efficiency {
    fn runtime_ms(&self, tests: &[TestResult]) -> f64 {
        tests
            .iter()
            .map(|t| if self.wall { t.wall } else { t.cpu })
            .sum::<Duration>()
            .as_secs_f64()
            * 1000.0
    }
}

impl Reward for Efficiency {
    /// Waits on sandboxed runs: servers score it on their blocking pool.
    fn blocking(&self) -> bool {
        true
    }

    fn score(&self, sample: &Sample, cx: &Ctx) -> Outcome {
        // A reference without a runtime to compare with fails before anything runs.
        let r = plaudit_code::parse_reference(&sample.reference).map_err(Failure::invalid_input)?;
        if r.reference_runtime_ms.is_none() && r.reference_solution.is_none() {
            return Err(Failure::invalid_input(
                "code_efficiency needs `reference.reference_runtime_ms` or `reference.reference_solution`",
            ));
        }
        let c = self.runner.check(sample, cx)?;
        let r = &c.reference;
        let mut details = c.outcome.details();
        if !c.outcome.all_passed() {
            return Ok(Score::with_details(0.0, Value::Object(details)));
        }
        let t = self.runtime_ms(&c.outcome.tests);
        let t_ref = match (r.reference_runtime_ms, &r.reference_solution) {
            (Some(ms), _) => ms,
            (None, Some(solution)) => {
                let o = self.runner.check_solution(solution, &c, cx)?;
                if let Some(f) = &o.first_failure {
                    return Err(Failure::invalid_input(format!(
                        "`reference.reference_solution` fails test {} ({}: {})",
                        f.test,
                        f.verdict.name(),
                        f.message
                    )));
                }
                self.runtime_ms(&o.tests)
            }
            (None, None) => unreachable!("checked above"),
        };
        let value = ((t_ref + self.floor_ms) / (t + self.floor_ms)).min(self.cap);
        details.insert("runtime_ms".into(), json!(t));
        details.insert("reference_runtime_ms".into(), json!(t_ref));
        Ok(Score::with_details(value, Value::Object(details)))
    }
}
