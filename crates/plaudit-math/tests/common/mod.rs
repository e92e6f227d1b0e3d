//! What the mutation-test files share: a generous deadline, and a boxed answer verified against
//! a reference.
#![allow(dead_code)] // each test file uses its own part

use std::time::Duration;

use plaudit_deadline::Deadline;
use plaudit_math::{verify, Options, Verdict};

/// A deadline no test reaches: the verdicts, not the timing, are under test.
pub fn deadline() -> Deadline {
    Deadline::after(Duration::from_secs(60))
}

/// The verdict on `\boxed{answer}` against `reference`.
pub fn boxed(opts: &Options, reference: &str, answer: &str) -> Verdict {
    verify(
        reference,
        &format!("\\boxed{{{answer}}}"),
        opts,
        &deadline(),
    )
    .unwrap_or_else(|e| panic!("{reference} / {answer}: {e:?}"))
}

/// Whether `\boxed{answer}` is judged correct against `reference` with the default options.
pub fn correct(reference: &str, answer: &str) -> bool {
    boxed(&Options::default(), reference, answer).correct
}
