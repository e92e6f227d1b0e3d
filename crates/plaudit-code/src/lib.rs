//! Code verification for Plaudit's code rewards: extract the program from a response, read the
//! sample's tests (assert statements, a HumanEval `check` function, or stdin/stdout cases), run
//! every test as its own isolated run in [`plaudit_sandbox`] under the sample's deadline, and
//! judge each run (`passed`, `wrong_answer`, `runtime_error`, `timeout`, `memory`,
//! `compile_error`).
//!
//! Nothing ever runs outside the sandbox: when it cannot be created, the sample fails with the
//! sandbox's message.

use plaudit_core::{Deadline, Failure};
use plaudit_sandbox::{Isolation, Language, Sandbox};
use serde_json::Value;

pub mod compare;
pub mod cpp;
pub mod extract;
pub mod harness;
pub mod plain;
pub mod reference;
pub mod run;

pub use compare::outputs_match;
pub use extract::{extract_code, Code};
pub use reference::{parse_reference, IoCase, Reference, Suite};
pub use run::{
    check_ceilings, run_tests, FirstFailure, Options, Outcome, RunError, TestResult, Verdict,
};

/// A checked solution: its tests' outcome and the reference it was checked against.
pub struct Checked {
    pub outcome: Outcome,
    pub reference: Reference,
}

/// The sandbox for `isolation` (shared by the whole process), or the sample's `error`.
pub fn sandbox(isolation: Isolation) -> Result<&'static Sandbox, Failure> {
    harness::preload_judge();
    Sandbox::shared(isolation)
        .map_err(|e| Failure::error(format!("the sandbox cannot be created: {e}")))
}

/// The language a solution runs in: the reference's `language`, else its code fence's, else
/// Python.
pub fn language_of(reference: &Reference, code: &Code) -> Language {
    reference.language.or(code.tag).unwrap_or(Language::Python)
}

/// Turn a [`RunError`] into the sample's failure.
pub fn run_failure(e: RunError) -> Failure {
    match e {
        RunError::Sandbox(m) => Failure::error(format!("the sandbox failed: {m}")),
        RunError::Timeout(m) => Failure::timeout(m),
    }
}

/// Read the reference, extract the code from `region` (the response's answer region; `None`
/// when the response was cut off inside its reasoning), and run every test.
///
/// Failures: a reference of the wrong shape is `invalid_input` naming the field; no code is
/// `no_answer`; a sandbox that cannot be created or fails is `error`; a deadline that leaves no
/// time for any test is `timeout`.
pub fn check(
    region: Option<&str>,
    reference: &Value,
    isolation: Isolation,
    opts: &Options,
    deadline: &Deadline,
) -> Result<Checked, Failure> {
    let reference = parse_reference(reference).map_err(Failure::invalid_input)?;
    check_ceilings(&reference, opts).map_err(Failure::invalid_input)?;
    let region = region.ok_or_else(|| {
        Failure::no_answer("the response ends inside an unclosed <think> block: no code after it")
    })?;
    let code = extract_code(region, reference.language).map_err(Failure::no_answer)?;
    let language = language_of(&reference, &code);
    if language == Language::Cpp {
        if let Suite::Check { .. } = reference.suite {
            return Err(Failure::invalid_input(
                "`reference.test_code` is HumanEval's Python form, but the solution is C++ (its code fence says so); C++ takes `tests` or `stdin_stdout`",
            ));
        }
    }
    let sb = sandbox(isolation)?;
    let outcome =
        run_tests(sb, code.source, &reference, language, opts, deadline).map_err(run_failure)?;
    Ok(Checked { outcome, reference })
}

#[cfg(test)]
mod tests {
    use super::*;
    use plaudit_core::Status;

    #[test]
    fn run_errors_become_sample_failures() {
        let f = run_failure(RunError::Sandbox(
            "user namespaces are disabled: kernel.unprivileged_userns_clone = 0".into(),
        ));
        assert_eq!(
            (f.status, f.message.as_str()),
            (
                Status::Error,
                "the sandbox failed: user namespaces are disabled: kernel.unprivileged_userns_clone = 0"
            )
        );
        let f = run_failure(RunError::Timeout("no time".into()));
        assert_eq!((f.status, f.message.as_str()), (Status::Timeout, "no time"));
    }

    #[test]
    fn language_comes_from_the_reference_then_the_fence() {
        let r =
            parse_reference(&serde_json::json!({"stdin_stdout": [{"input": "", "output": ""}]}))
                .unwrap();
        let fenced = extract_code("```cpp\nint main(){}\n```", None).unwrap();
        assert_eq!(language_of(&r, &fenced), Language::Cpp);
        let bare = extract_code("print(1)", None).unwrap();
        assert_eq!(language_of(&r, &bare), Language::Python);
        let r = parse_reference(
            &serde_json::json!({"stdin_stdout": [{"input": "", "output": ""}], "language": "cpp"}),
        )
        .unwrap();
        assert_eq!(language_of(&r, &bare), Language::Cpp);
    }
}
