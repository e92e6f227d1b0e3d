//! Code pass rate: the fraction of the reference's tests that the program extracted from the response passes.
//!
//! ## What it computes
//! `passed / total` over the reference's tests, each run separately in the sandbox (the same
//! extraction, reference forms, verdicts, limits and deadline rules as `code_pass`; see
//! `plaudit explain code_pass`). Every test runs, so the details list a verdict for each. A
//! HumanEval `test_code` reference is a single test, so there the value is 0 or 1. A solution
//! that does not compile or parse fails every test (0.0); a test the sample's deadline leaves no
//! time for counts as failed (`deadline_cut` in the details).
//!
//! ## Why
//! Partial credit per unit test is the simplest dense alternative to the sparse pass/fail
//! outcome that "VeRPO: Verifiable Dense Reward Policy Optimization for Code Generation"
//! criticises: a program that passes most tests earns more than one that passes none. Its
//! weakness — every test counts the same, so easy tests dominate — is what `code_verpo`'s
//! difficulty weights address.
//!
//! ## Parameters
//! - `isolation` (full | weak; default `full`): the sandbox's isolation (`weak` must be chosen
//!   explicitly, for machines without user namespaces).
//! - `time_limit_ms` (integer; default 5000): per-test wall-clock limit when the reference gives
//!   none.
//! - `memory_mb` (integer; default 1024): memory limit when the reference gives none.
//! - `max_time_limit_ms` (integer; default 60000), `max_memory_mb` (integer; default 4096),
//!   `max_tests` (integer; default 1024): ceilings on what a reference may ask for; a reference
//!   above one is `invalid_input` naming the field, its value and the ceiling. Only the
//!   operator's spec may set them (not an inline spec).
//!
//! ## Example
//! ```json
//! {"sample": {"response": "```python\ndef sign(x):\n    return 1 if x > 0 else -1\n```", "reference": {"tests": ["assert sign(5) == 1", "assert sign(-2) == -1", "assert sign(0) == 0", "assert sign(9) == 1"]}}, "value": 0.75}
//! {"sample": {"response": "```python\ndef sign(x):\n    return (x > 0) - (x < 0)\n```", "reference": {"tests": ["assert sign(5) == 1", "assert sign(-2) == -1", "assert sign(0) == 0", "assert sign(9) == 1"]}}, "value": 1.0}
//! {"sample": {"response": "```python\nn = int(input())\nprint(n * 2 if n < 10 else n)\n```", "reference": {"stdin_stdout": [{"input": "3", "output": "6"}, {"input": "12", "output": "24"}]}}, "value": 0.5}
//! {"sample": {"response": "```python\ndef sign(x) return 1\n```", "reference": {"tests": ["assert sign(5) == 1", "assert sign(-2) == -1"]}}, "value": 0.0}
//! ```

use std::sync::Arc;

use plaudit_core::{Ctx, Outcome, ParamSpec, Params, Reward, RewardInfo, Sample, Score};
use serde_json::Value;

use super::runner::{
    Runner, ISOLATION, MAX_MEMORY_MB, MAX_TESTS, MAX_TIME_LIMIT_MS, MEMORY_MB, TIME_LIMIT_MS,
};

pub const INFO: RewardInfo = RewardInfo {
    name: "code_pass_rate",
    family: "code",
    source: include_str!("code_pass_rate.rs"),
    params: PARAMS,
    build,
};

const PARAMS: &[ParamSpec] = &[
    ISOLATION,
    TIME_LIMIT_MS,
    MEMORY_MB,
    MAX_TIME_LIMIT_MS,
    MAX_MEMORY_MB,
    MAX_TESTS,
];

struct PassRate {
    runner: Runner,
}

fn build(p: &Params) -> Result<Arc<dyn Reward>, String> {
    Ok(Arc::new(PassRate {
        runner: Runner::from_params(p, false)?,
    }))
}

impl Reward for PassRate {
    /// Waits on sandboxed runs: servers score it on their blocking pool.
    fn blocking(&self) -> bool {
        true
    }

    fn score(&self, sample: &Sample, cx: &Ctx) -> Outcome {
        let c = self.runner.check(sample, cx)?;
        let o = &c.outcome;
        let value = o.passed() as f64 / o.total() as f64;
        Ok(Score::with_details(value, Value::Object(o.details())))
    }
}
