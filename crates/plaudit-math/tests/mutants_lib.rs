//! The text comparison `plaudit_math` falls back to when a side does not parse as mathematics:
//! case, spacing, `$` and LaTeX spacing or sizing commands do not count, the words do. Written
//! from the cargo-mutants run over `src/lib.rs` (docs/MUTANTS.md).

use std::time::Duration;

use plaudit_deadline::Deadline;
use plaudit_math::{verify, Options};

fn deadline() -> Deadline {
    Deadline::after(Duration::from_secs(60))
}

#[test]
fn unparsed_answers_compare_as_normalised_text() {
    let v = verify(
        "$\\displaystyle Paris\\, & Rome$",
        "So: \\boxed{PARIS  &  rome}",
        &Options::default(),
        &deadline(),
    )
    .unwrap();
    assert_eq!(v.basis, "text");
    assert!(v.correct);
    assert_eq!(v.reference_form, "paris&rome");
    assert_eq!(v.answer_form, "paris&rome");
    let v = verify(
        "Paris & Rome",
        "\\boxed{Paris & Lyon}",
        &Options::default(),
        &deadline(),
    )
    .unwrap();
    assert_eq!(v.basis, "text");
    assert!(!v.correct);
    assert_eq!(
        (v.reference_form.as_str(), v.answer_form.as_str()),
        ("paris&rome", "paris&lyon")
    );
}
