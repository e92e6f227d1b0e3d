//! Two numbers with only spacing or dropped words between them. They used to be multiplied, so
//! `2 \Rightarrow 5`, `2 \text{ apples } 5` and `2 5` were all judged equal to 10; now they are
//! refused, except the plain-text mixed number `3 1/2` (= 7/2, as `3\frac12` is) and a script's
//! number (`\log_2 8`).

mod common;

use common::correct;
use plaudit_deadline::Ticker;
use plaudit_math::lexer::lex;
use plaudit_math::{Limits, MathError};

fn lex_error(s: &str) -> MathError {
    let d = common::deadline();
    let ticker = Ticker::new(&d, 64);
    lex(s, &Limits::default(), &ticker).expect_err(s)
}

#[test]
fn numbers_side_by_side_are_not_a_product() {
    // None of these is 10; each was judged correct against 10 before.
    for answer in [
        "2 5",
        "2 \\quad 5",
        "2~5",
        "2 \\text{ apples } 5",
        "2 \\Rightarrow 5",
        "2 \\to 5",
        "2 → 5",
        "2⊕5",
        "2 ? 5",
    ] {
        assert!(!correct("10", answer), "{answer}");
    }
    // Nor are `3 \ldots 4` 12, `3 \text{ hours } 20 \text{ minutes}` 60, or `1 5` 5.
    assert!(!correct("12", "3 \\ldots 4"));
    assert!(!correct("60", "3 \\text{ hours } 20 \\text{ minutes}"));
    assert!(!correct("5", "1 5"));
}

#[test]
fn the_refusal_names_both_numbers() {
    // The parse error says which two numbers stand side by side.
    assert_eq!(
        lex_error("2 \\text{ apples } 5"),
        MathError::Parse("two numbers side by side: `2` and `5`".into())
    );
    assert_eq!(
        lex_error("x = 1.5 2"),
        MathError::Parse("two numbers side by side: `1.5` and `2`".into())
    );
    // Words between a number and a mixed-looking fraction: no mixed number.
    assert_eq!(
        lex_error("3 \\text{ cups } 1/2"),
        MathError::Parse("two numbers side by side: `3` and `1`".into())
    );
}

#[test]
fn a_plain_text_mixed_number_is_a_mixed_number() {
    // `3 1/2` is 7/2 (it was 3·1/2 = 3/2); the fraction must be proper and whole.
    assert!(correct("\\frac{7}{2}", "3 1/2"));
    assert!(!correct("\\frac{3}{2}", "3 1/2"));
    assert!(correct("-\\frac{7}{2}", "-3 1/2"));
    assert!(correct("\\frac{43}{4}", "10 3/4 "));
    assert!(!correct("\\frac{15}{2}", "3 5/2"));
    assert!(!correct("\\frac{3}{2}", "3 1/2.5"));
    assert!(!correct("3", "3 1/"));
}

#[test]
fn a_scripts_number_may_stand_before_another() {
    // `\log_2 8` is log base 2 of 8, `x^2 3` is 3x² as LaTeX reads it.
    assert!(correct("3", "\\log_2 8"));
    assert!(correct("3x^2", "x^2 3"));
}

#[test]
fn a_refused_answer_does_not_match_by_its_characters() {
    // `2 5` is refused; the text comparison (for references that are not mathematics) used to
    // match it to `25` character by character, and `12 34` to 1234.
    assert!(!correct("25", "2 5"));
    assert!(!correct("1234", "12 34"));
    // Both sides text: compared as text still.
    assert!(correct("\\text{at least } 4", "\\text{at least } 4"));
}
