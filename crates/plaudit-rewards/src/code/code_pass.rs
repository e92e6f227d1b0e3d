//! Code pass/fail: 1 when the program extracted from the response passes every test of the reference, else 0.
//!
//! ## What it computes
//! The program is the last fenced code block of the right language in the answer region (after
//! the last `</think>`; ```` ```python ````, ```` ```py ````, ```` ```cpp ````, ```` ```c++ ````
//! … or an untagged fence), or the whole region when it holds no fence. Fences of other
//! languages only (```` ```java ````) are `no_answer`, as is a response cut off inside
//! `<think>`. The reference is one of
//! - `{"tests": ["assert f(1) == 2", …]}`: each statement is one test, run after the solution;
//!   an `AssertionError` is `wrong_answer`, any other exception `runtime_error`;
//! - `{"test_code": "def check(candidate): …", "entry_point": "f"}` (HumanEval): one test, the
//!   solution then the test code then `check(f)`;
//! - `{"stdin_stdout": [{"input": "…", "output": "…"}, …]}`: each case runs the whole program
//!   with the input on standard input; the output passes when its whitespace-separated tokens
//!   equal the expected ones (spacing and trailing newlines do not matter; with
//!   `"float_tolerance": t`, number tokens match within t absolutely or relatively); a non-zero
//!   exit is `runtime_error`;
//!
//! with optional `language` (python | cpp; else the code fence's tag; else Python),
//! `time_limit_ms` (per test) and `memory_mb`, which override the parameters. A reference of
//! another shape is `invalid_input` naming the field.
//!
//! Every test is a separate run in the sandbox (warm Python workers make this a fork); C++ is
//! compiled once per sample (g++ -O2 -std=c++17) and run per test (`tests` are statements such as
//! `assert(add(1, 2) == 3);` run inside a generated `main`, so the solution must not define
//! `main`). Unit tests run in a harness that must report the test's end: a solution that exits
//! early (`sys.exit(0)`, `os._exit(0)`) fails the test. Per-test verdicts are `passed`,
//! `wrong_answer`, `runtime_error`, `timeout`, `memory`, `compile_error` (C++ that does not
//! compile, Python that does not parse) or `skipped`; the details hold them with the counts, the
//! language and, for the first failure, its message and the end of its standard error.
//!
//! Each run gets min(time limit, what the sample's deadline leaves); a test the deadline leaves
//! no time for is `timeout` without running, and counts as failed (the details' `deadline_cut`
//! counts such tests). The sample is `timeout` only when not even the first test (or the C++
//! compile) could run. When the sandbox cannot be created (for example user namespaces are
//! disabled and `isolation` is `full`), the sample is `error` with the sandbox's message: code
//! never runs outside the sandbox.
//!
//! ## Why
//! The binary execution outcome is the standard verifiable reward of code RL: "VeRPO: Verifiable
//! Dense Reward Policy Optimization for Code Generation" describes mainstream pass/fail outcome
//! rewards as unit tests executed on the generated program, and "ACECode: A Reinforcement
//! Learning Framework for Aligning Code Efficiency and Correctness in Code Language Models"
//! derives its reward from execution feedback. OpenAI's HumanEval harness (`check(candidate)`)
//! and competitive-programming judges (token-wise output comparison) fix the two test forms.
//! Stopping at the first failure saves the sandbox time the other tests would take, since one
//! failure already decides the value.
//!
//! ## Parameters
//! - `stop_on_failure` (boolean; default true): stop at the first test that does not pass (the
//!   rest are `skipped`).
//! - `isolation` (full | weak; default `full`): the sandbox's isolation; `weak` (rlimits, a
//!   process group and a private directory only) is for machines without user namespaces and
//!   must be chosen explicitly.
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
//! {"sample": {"response": "```python\ndef add(a, b):\n    return a + b\n```", "reference": {"tests": ["assert add(1, 2) == 3", "assert add(-1, 1) == 0"]}}, "value": 1.0}
//! {"sample": {"response": "<think>add them</think>\n```python\ndef add(a, b):\n    return a - b\n```", "reference": {"tests": ["assert add(1, 2) == 3", "assert add(-1, 1) == 0"]}}, "value": 0.0}
//! {"sample": {"response": "```python\na, b = map(int, input().split())\nprint(a + b)\n```", "reference": {"stdin_stdout": [{"input": "2 3\n", "output": "5\n"}, {"input": "10 -4\n", "output": "6"}]}}, "value": 1.0}
//! {"sample": {"response": "```python\ndef add(a, b):\n    return a + b\n```", "reference": {"test_code": "def check(candidate):\n    assert candidate(2, 2) == 4\n", "entry_point": "add"}}, "value": 1.0}
//! {"sample": {"response": "```java\nclass A {}\n```", "reference": {"tests": ["assert add(1, 2) == 3"]}}, "status": "no_answer"}
//! {"sample": {"response": "```python\ndef add(a, b):\n    return a + b\n```", "reference": {"tests": "assert add(1, 2) == 3"}}, "status": "invalid_input"}
//! ```

use std::sync::Arc;

use plaudit_core::{Ctx, Kind, Outcome, ParamSpec, Params, Reward, RewardInfo, Sample, Score};
use serde_json::Value;

use super::runner::{
    Runner, ISOLATION, MAX_MEMORY_MB, MAX_TESTS, MAX_TIME_LIMIT_MS, MEMORY_MB, TIME_LIMIT_MS,
};

pub const INFO: RewardInfo = RewardInfo {
    name: "code_pass",
    family: "code",
    source: include_str!("code_pass.rs"),
    params: PARAMS,
    build,
};

const PARAMS: &[ParamSpec] = &[
    ParamSpec::new(
        "stop_on_failure",
        Kind::Bool,
        "true",
        "stop at the first test that does not pass",
    ),
    ISOLATION,
    TIME_LIMIT_MS,
    MEMORY_MB,
    MAX_TIME_LIMIT_MS,
    MAX_MEMORY_MB,
    MAX_TESTS,
];

struct CodePass {
    runner: Runner,
}

fn build(p: &Params) -> Result<Arc<dyn Reward>, String> {
    Ok(Arc::new(CodePass {
        runner: Runner::from_params(p, p.bool("stop_on_failure"))?,
    }))
}

impl Reward for CodePass {
    /// Waits on sandboxed runs: servers score it on their blocking pool.
    fn blocking(&self) -> bool {
        true
    }

    fn score(&self, sample: &Sample, cx: &Ctx) -> Outcome {
        let c = self.runner.check(sample, cx)?;
        let value = f64::from(u8::from(c.outcome.all_passed()));
        Ok(Score::with_details(
            value,
            Value::Object(c.outcome.details()),
        ))
    }
}
