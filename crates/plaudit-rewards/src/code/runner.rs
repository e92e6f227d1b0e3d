//! What the code rewards share: the sandbox parameters and the [`Runner`] that extracts the code
//! and runs a reference's tests on it.

use std::time::Duration;

use plaudit_code::{CheckError, Checked, Options};
use plaudit_core::{Ctx, Failure, Kind, ParamSpec, Params, Sample};
use plaudit_sandbox::Isolation;

use crate::util::answer_region;

pub(crate) const ISOLATION: ParamSpec = ParamSpec::new(
    "isolation",
    Kind::Enum(&["full", "weak"]),
    "\"full\"",
    "sandbox isolation: full (namespaces, seccomp, rlimits) or weak (rlimits and a process group only)",
)
.host();
pub(crate) const TIME_LIMIT_MS: ParamSpec = ParamSpec::new(
    "time_limit_ms",
    Kind::Int,
    "5000",
    "per-test wall-clock limit when the reference gives no `time_limit_ms`",
)
.min(1.0);
pub(crate) const MEMORY_MB: ParamSpec = ParamSpec::new(
    "memory_mb",
    Kind::Int,
    "1024",
    "memory limit when the reference gives no `memory_mb`",
)
.min(1.0);

pub(crate) const MAX_TIME_LIMIT_MS: ParamSpec = ParamSpec::new(
    "max_time_limit_ms",
    Kind::Int,
    "60000",
    "the largest `time_limit_ms` a reference may ask for (above it the sample is invalid_input)",
)
.host();
pub(crate) const MAX_MEMORY_MB: ParamSpec = ParamSpec::new(
    "max_memory_mb",
    Kind::Int,
    "4096",
    "the largest `memory_mb` a reference may ask for (above it the sample is invalid_input)",
)
.host();
pub(crate) const MAX_TESTS: ParamSpec = ParamSpec::new(
    "max_tests",
    Kind::Int,
    "1024",
    "the most tests (asserts or stdin/stdout cases) a reference may hold (more: invalid_input)",
)
.min(1.0)
.host();

/// The verifier's error as the sample's failure: a bad reference is `invalid_input`, no code
/// `no_answer`, a sandbox that cannot be created or fails `error`, no time for any test `timeout`.
pub(crate) fn check_failure(e: CheckError) -> Failure {
    match e {
        CheckError::Reference(m) => Failure::invalid_input(m),
        CheckError::NoCode(m) => Failure::no_answer(m),
        CheckError::Sandbox(m) => Failure::error(m),
        CheckError::Timeout(m) => Failure::timeout(m),
    }
}

/// The sandbox settings every code reward takes.
#[derive(Clone, Debug)]
pub(crate) struct Runner {
    isolation: Isolation,
    opts: Options,
}

impl Runner {
    pub(crate) fn from_params(p: &Params, stop_on_failure: bool) -> Result<Runner, String> {
        let time_limit_ms = p.i64("time_limit_ms");
        let memory_mb = p.i64("memory_mb");
        let max_time_limit_ms = p.i64("max_time_limit_ms");
        let max_memory_mb = p.i64("max_memory_mb");
        let max_tests = p.i64("max_tests");
        if max_time_limit_ms < time_limit_ms {
            return Err(format!(
                "`max_time_limit_ms` ({max_time_limit_ms}) is below `time_limit_ms` ({time_limit_ms})"
            ));
        }
        if max_memory_mb < memory_mb {
            return Err(format!(
                "`max_memory_mb` ({max_memory_mb}) is below `memory_mb` ({memory_mb})"
            ));
        }
        Ok(Runner {
            isolation: if p.str("isolation") == "weak" {
                Isolation::Weak
            } else {
                Isolation::Full
            },
            opts: Options {
                time_limit: Duration::from_millis(time_limit_ms as u64),
                memory_mb: memory_mb as u64,
                stop_on_failure,
                max_time_limit: Duration::from_millis(max_time_limit_ms as u64),
                max_memory_mb: max_memory_mb as u64,
                max_tests: max_tests as usize,
                ..Options::default()
            },
        })
    }

    /// Extract the code from the answer region, read the reference and run every test.
    pub(crate) fn check(&self, sample: &Sample, cx: &Ctx) -> Result<Checked, Failure> {
        plaudit_code::check(
            answer_region(&sample.response),
            &sample.reference,
            self.isolation,
            &self.opts,
            cx.deadline,
        )
        .map_err(check_failure)
    }

    /// Run another solution (a reference solution) on the same tests.
    pub(crate) fn check_solution(
        &self,
        solution: &str,
        checked: &Checked,
        cx: &Ctx,
    ) -> Result<plaudit_code::Outcome, Failure> {
        let sb = plaudit_code::sandbox(self.isolation).map_err(check_failure)?;
        plaudit_code::run_tests(
            sb,
            solution,
            &checked.reference,
            checked.outcome.language,
            &Options {
                stop_on_failure: true,
                ..self.opts.clone()
            },
            cx.deadline,
        )
        .map_err(|e| check_failure(e.into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use plaudit_code::RunError;
    use plaudit_core::Status;

    #[test]
    fn check_errors_become_sample_failures() {
        let f = |e: CheckError| {
            let f = check_failure(e);
            (f.status, f.message)
        };
        assert_eq!(
            f(CheckError::Reference(
                "`reference.tests[0]`: expected a string, got a number".into()
            )),
            (
                Status::InvalidInput,
                "`reference.tests[0]`: expected a string, got a number".into()
            )
        );
        assert_eq!(
            f(CheckError::NoCode("no code".into())),
            (Status::NoAnswer, "no code".into())
        );
        assert_eq!(
            f(RunError::Sandbox(
                "user namespaces are disabled: kernel.unprivileged_userns_clone = 0".into()
            )
            .into()),
            (
                Status::Error,
                "the sandbox failed: user namespaces are disabled: kernel.unprivileged_userns_clone = 0"
                    .into()
            )
        );
        assert_eq!(
            f(RunError::Timeout("no time".into()).into()),
            (Status::Timeout, "no time".into())
        );
    }
}
