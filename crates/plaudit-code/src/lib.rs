//! Code verification for Plaudit's code rewards: extract the program from a response, read the
//! sample's tests (assert statements, a HumanEval `check` function, or stdin/stdout cases), run
//! every test as its own isolated run in [`plaudit_sandbox`] under the sample's deadline, and
//! judge each run (`passed`, `wrong_answer`, `runtime_error`, `timeout`, `memory`,
//! `compile_error`).
//!
//! Nothing ever runs outside the sandbox: when it cannot be created, the sample fails with the
//! sandbox's message.

use plaudit_deadline::Deadline;
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

/// Why a solution could not be checked: the verifier's own error, which a reward turns into the
/// sample's failure (`invalid_input`, `no_answer`, `error`, `timeout`). Each displays as its
/// message.
#[derive(Clone, Debug, PartialEq)]
pub enum CheckError {
    /// The reference is at fault: its shape (naming the field), a limit above the ceilings, a
    /// test form the solution's language cannot take (reported as `invalid_input`).
    Reference(String),
    /// The response holds no code to run (reported as `no_answer`).
    NoCode(String),
    /// The sandbox cannot be created or failed (reported as `error`).
    Sandbox(String),
    /// The sample's deadline left no time to run any test (reported as `timeout`).
    Timeout(String),
}

impl std::fmt::Display for CheckError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CheckError::Reference(m)
            | CheckError::NoCode(m)
            | CheckError::Sandbox(m)
            | CheckError::Timeout(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for CheckError {}

/// A [`RunError`] as a check's error: a sandbox that failed, or no time for any test.
impl From<RunError> for CheckError {
    fn from(e: RunError) -> Self {
        match e {
            RunError::Sandbox(m) => CheckError::Sandbox(format!("the sandbox failed: {m}")),
            RunError::Timeout(m) => CheckError::Timeout(m),
        }
    }
}

/// The sandbox for `isolation` (shared by the whole process), or [`CheckError::Sandbox`].
pub fn sandbox(isolation: Isolation) -> Result<&'static Sandbox, CheckError> {
    harness::preload_judge();
    Sandbox::shared(isolation)
        .map_err(|e| CheckError::Sandbox(format!("the sandbox cannot be created: {e}")))
}

/// The language a solution runs in: the reference's `language`, else its code fence's, else
/// Python.
pub fn language_of(reference: &Reference, code: &Code) -> Language {
    reference.language.or(code.tag).unwrap_or(Language::Python)
}

/// Read the reference, extract the code from `region` (the response's answer region; `None`
/// when the response was cut off inside its reasoning), and run every test.
///
/// Errors: a reference of the wrong shape is [`CheckError::Reference`] naming the field; no code
/// is [`CheckError::NoCode`]; a sandbox that cannot be created or fails is
/// [`CheckError::Sandbox`]; a deadline that leaves no time for any test is
/// [`CheckError::Timeout`].
pub fn check(
    region: Option<&str>,
    reference: &Value,
    isolation: Isolation,
    opts: &Options,
    deadline: &Deadline,
) -> Result<Checked, CheckError> {
    let reference = parse_reference(reference).map_err(CheckError::Reference)?;
    check_ceilings(&reference, opts).map_err(CheckError::Reference)?;
    let region = region.ok_or_else(|| {
        CheckError::NoCode(
            "the response ends inside an unclosed <think> block: no code after it".into(),
        )
    })?;
    let code = extract_code(region, reference.language).map_err(CheckError::NoCode)?;
    let language = language_of(&reference, &code);
    if language == Language::Cpp {
        if let Suite::Check { .. } = reference.suite {
            return Err(CheckError::Reference(
                "`reference.test_code` is HumanEval's Python form, but the solution is C++ (its code fence says so); C++ takes `tests` or `stdin_stdout`".into(),
            ));
        }
    }
    let sb = sandbox(isolation)?;
    let outcome = run_tests(sb, code.source, &reference, language, opts, deadline)?;
    Ok(Checked { outcome, reference })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_errors_become_check_errors() {
        let e = CheckError::from(RunError::Sandbox(
            "user namespaces are disabled: kernel.unprivileged_userns_clone = 0".into(),
        ));
        assert_eq!(
            e,
            CheckError::Sandbox(
                "the sandbox failed: user namespaces are disabled: kernel.unprivileged_userns_clone = 0"
                    .into()
            )
        );
        let e = CheckError::from(RunError::Timeout("no time".into()));
        assert_eq!(e, CheckError::Timeout("no time".into()));
        assert_eq!(e.to_string(), "no time");
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
