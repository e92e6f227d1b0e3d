//! One convention for the root of a negative number, whichever path decides: the real odd root
//! (`(-8)^{1/3}` is -2), as the exact arithmetic takes it, also when a constant with no exact
//! value (π, e, √2) sends the comparison to floating point. The principal complex root stays
//! acceptable where only the plane gives both sides a value (`(-1)^{1/3}` against
//! `\frac{1}{2}+\frac{\sqrt{3}}{2}i`).

mod common;

use common::correct;

/// The exact path: no constant without an exact value, so rational arithmetic decides.
#[test]
fn an_odd_root_of_a_negative_number_is_real_on_the_exact_path() {
    assert!(correct("-2", "(-8)^{1/3}"));
    assert!(correct("-2", "\\sqrt[3]{-8}"));
    assert!(correct("-\\frac{1}{2}", "(-8)^{-1/3}"));
    assert!(correct("4", "(-8)^{2/3}"));
    assert!(!correct("2", "(-8)^{1/3}"));
}

/// With π beside it, floating point decides: the same real root (this was judged wrong: the
/// plane's principal root of -8 is 1 + √3 i).
#[test]
fn an_odd_root_of_a_negative_number_is_real_beside_a_constant() {
    assert!(correct("-2\\pi", "(-8)^{1/3}\\pi"));
    assert!(correct("-2\\pi", "\\sqrt[3]{-8}\\pi"));
    assert!(correct("-2\\sqrt{2}", "(-8)^{1/3}\\sqrt{2}"));
    assert!(correct("4e", "(-8)^{2/3}e"));
    assert!(correct("-8\\pi", "(-32)^{3/5}\\pi"));
    assert!(correct("-2", "(-8)^{1/3}\\pi^0"));
    assert!(!correct("2\\pi", "(-8)^{1/3}\\pi"));
    assert!(!correct("-2\\pi", "(-8)^{1/3}\\pi + 1"));
}

/// A negative exponent written as `-1/3` (read as `(-1) · 3^{-1}`) is the same rational as
/// `-\frac{1}{3}`: the real root of -8 is then -1/2, beside a constant too.
#[test]
fn a_negative_fractional_exponent_is_read_as_a_rational() {
    assert!(correct("-\\frac{\\pi}{2}", "(-8)^{-1/3}\\pi"));
    assert!(correct("-\\frac{\\pi}{2}", "(-8)^{-\\frac{1}{3}}\\pi"));
    assert!(correct("\\frac{\\pi}{4}", "(-8)^{-2/3}\\pi"));
    assert!(!correct("\\frac{\\pi}{2}", "(-8)^{-1/3}\\pi"));
}

/// Where a side has no real value, the plane decides, as before.
#[test]
fn complex_values_are_still_compared_in_the_plane() {
    assert!(correct("2i", "\\sqrt{-4}"));
    assert!(correct("-1", "e^{i\\pi}"));
    assert!(correct("i\\pi", "\\ln(-1)"));
    assert!(!correct("-2i", "\\sqrt{-4}"));
    assert!(correct("\\frac{1}{2}+\\frac{\\sqrt{3}}{2}i", "(-1)^{1/3}"));
    assert!(!correct("\\frac{1}{2}-\\frac{\\sqrt{3}}{2}i", "(-1)^{1/3}"));
}

/// An overflow is still no value: two different towers of powers are not equal.
#[test]
fn overflowing_constants_are_still_compared_as_written() {
    assert!(!correct("10^{10^{10^{11}}}", "10^{10^{10^{10}}}"));
    assert!(correct("10^{10^{10^{10}}}", "10^{10^{10^{10}}}"));
}
