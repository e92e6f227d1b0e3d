//! The text comparison `plaudit_math` falls back to when a side does not parse as mathematics:
//! case, spacing, `$` and LaTeX spacing or sizing commands do not count, the words do. Written
//! from the cargo-mutants run over `src/lib.rs` (docs/MUTANTS.md).

use std::time::Duration;

use plaudit_deadline::Deadline;
use plaudit_math::{equivalent, verify, MathError, Options, VerifyError};

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

#[test]
fn equivalence_of_two_answers() {
    let eq = |a: &str, b: &str| equivalent(a, b, &Options::default(), &deadline()).unwrap();
    assert!(eq("\\frac{1}{2}", "0.5"));
    assert!(eq("2x + 1", "1 + x*2"));
    assert!(!eq("\\frac{1}{2}", "0.6"));
    assert!(!eq("2x + 1", "2x - 1"));
}

#[test]
fn why_there_is_no_verdict_in_words() {
    assert_eq!(
        VerifyError::NoAnswer.to_string(),
        "no answer found in the response"
    );
    assert_eq!(
        VerifyError::EmptyReference.to_string(),
        "the reference answer is empty"
    );
    assert_eq!(
        VerifyError::Math(MathError::Limit("nesting".into())).to_string(),
        "limit exceeded: nesting"
    );
    assert_eq!(
        VerifyError::from(MathError::Timeout).to_string(),
        "deadline exceeded"
    );
}
