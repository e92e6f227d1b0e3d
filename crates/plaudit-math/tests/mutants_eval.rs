//! Exact evaluation at its edges: roots of negative and of big integers, and values beyond the
//! size limit (`Limits::max_bits`), which floating point compares instead. Written from the
//! cargo-mutants run over `src/eval.rs` (docs/MUTANTS.md).

use std::time::Duration;

use plaudit_deadline::Deadline;
use plaudit_math::{verify, Options};

/// (correct, reference_form, answer_form)
fn check(opts: &Options, reference: &str, answer: &str) -> (bool, String, String) {
    let d = Deadline::after(Duration::from_secs(60));
    let v = verify(reference, &format!("\\boxed{{{answer}}}"), opts, &d)
        .unwrap_or_else(|e| panic!("{reference} / {answer}: {e:?}"));
    (v.correct, v.reference_form, v.answer_form)
}

#[test]
fn odd_roots_of_negative_numbers_are_exact() {
    let o = Options::default();
    for (root, value) in [
        ("\\sqrt[3]{-8}", "-2"),
        ("\\sqrt[5]{-32}", "-2"),
        ("\\sqrt[7]{-128}", "-2"),
        ("(-243)^{1/5}", "-3"),
    ] {
        assert_eq!(
            check(&o, root, value),
            (true, value.to_string(), value.to_string()),
            "{root}"
        );
    }
}

#[test]
fn roots_of_integers_beyond_64_bits_are_exact_only_for_perfect_powers() {
    let o = Options::default();
    let two_100 = "1267650600228229401496703205376";
    assert_eq!(
        check(&o, "\\sqrt{2^{200}}", "2^{100}"),
        (true, two_100.to_string(), two_100.to_string())
    );
    assert_eq!(
        check(&o, "\\sqrt[4]{2^{400}}", "2^{100}"),
        (true, two_100.to_string(), two_100.to_string())
    );
    // Not a perfect square: no exact value, so the tree is shown; the values still agree.
    assert_eq!(
        check(&o, "\\sqrt{2^{201}}", "2^{100}\\sqrt{2}"),
        (
            true,
            "(2^201)^(1/2)".to_string(),
            "(2^100)*(2^(1/2))".to_string()
        )
    );
}

#[test]
fn values_beyond_the_size_limit_compare_in_floating_point() {
    let mut o = Options::default();
    o.limits.max_bits = 700;
    // 2^800 needs 801 bits: beyond the limit it is a double, and 2^800 + 1 is within the
    // relative tolerance of it.
    assert!(check(&o, "(2^{200})^{4}", "(2^{200})^{4} + 1").0);
    // Within the default limit, exactly: they differ.
    assert!(!check(&Options::default(), "(2^{200})^{4}", "(2^{200})^{4} + 1").0);
}
