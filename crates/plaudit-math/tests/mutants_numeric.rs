//! Floating-point evaluation, which decides where exact arithmetic cannot (irrational and
//! complex values): ratios, percentages, real roots of values computed through `i`, and the
//! smallest normal double. Written from the cargo-mutants run over `src/eval.rs`
//! (docs/MUTANTS.md).

mod common;

use common::correct;

#[test]
fn ratios_and_percentages_of_irrational_values_have_values() {
    assert!(correct("\\pi:2", "\\frac{2\\pi}{4}"));
    assert!(!correct("\\pi:2", "\\frac{2\\pi}{3}"));
    assert!(correct("\\frac{\\pi}{2}", "\\pi \\cdot 50\\%"));
    assert!(!correct("\\frac{\\pi}{3}", "\\pi \\cdot 50\\%"));
}

#[test]
fn a_real_value_computed_through_i_keeps_its_real_odd_root() {
    // 1000 i^2 is -1000 up to rounding in its imaginary part: its cube root is -10, not the
    // principal complex root 5 + 8.66i.
    assert!(correct("-10", "\\sqrt[3]{1000 i^2}"));
    assert!(correct("-1", "\\sqrt[3]{i^2}"));
    assert!(!correct("5 + 5\\sqrt{3} i", "\\sqrt[3]{1000 i^2}"));
}

#[test]
fn the_smallest_normal_double_is_a_value_not_an_underflow() {
    // π^0 keeps the reference off the exact path: 2^-1022 is then a double, the smallest
    // normal one, and equals the exact 2^-1022 of the answer.
    assert!(correct("2^{-1022} \\pi^0", "2^{-1022}"));
    assert!(!correct("2^{-1022} \\pi^0", "1"));
}

#[test]
fn a_zero_factor_makes_a_zero_product_and_only_an_underflow_is_refused() {
    // π keeps these off the exact path.
    assert!(correct("0 \\cdot \\pi", "0"));
    assert!(correct("0:\\pi", "0"));
    // 10^-400 is below the smallest double: not zero, not a value; the written forms decide.
    assert!(!correct("10^{-200} \\cdot 10^{-200} \\cdot \\pi", "0"));
    assert!(!correct("10^{-200} : (10^{200} \\pi)", "0"));
}

#[test]
fn an_undefined_value_is_compared_by_its_written_form() {
    assert!(correct("\\infty - \\infty", "\\infty - \\infty"));
    assert!(!correct("\\infty - \\infty", "0"));
    // 0 to an imaginary power has no value; 0^0 is 1.
    assert!(!correct("0^{i}", "0"));
    assert!(correct("0^{0 \\cdot \\pi}", "1"));
}

#[test]
fn the_square_root_of_a_negative_number_is_on_the_positive_imaginary_axis() {
    // -4 is computed as -(4 + 0i) = -4 - 0i; its signed zero is dropped, so the principal
    // root is 2i, not -2i.
    assert!(correct("2i", "\\sqrt{-4}"));
    assert!(!correct("-2i", "\\sqrt{-4}"));
}

#[test]
fn the_square_root_of_a_negated_constant_is_on_the_positive_imaginary_axis() {
    // -π is -(π + 0i) = -π - 0i; the signed zero is dropped at every node, so the principal
    // root is i√π (a negative zero would give -i√π).
    assert!(correct("i\\sqrt{\\pi}", "\\sqrt{-\\pi}"));
    assert!(!correct("-i\\sqrt{\\pi}", "\\sqrt{-\\pi}"));
    assert!(correct("i\\sqrt{e}", "\\sqrt{-e}"));
}
