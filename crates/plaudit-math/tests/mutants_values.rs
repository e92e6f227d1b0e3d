//! Values compared at seeded random points (`src/equiv/values.rs`): where the points fall.
//! Written from the survivors of the cargo-mutants run over `equiv/intervals.rs` and
//! `equiv/values.rs` (docs/MUTANTS.md).

mod common;

use common::{boxed, correct};
use plaudit_math::Options;

#[test]
fn the_points_reach_past_one_in_size() {
    // ⌊x²⌋ is 0 only for |x| < 1: `x + ⌊x²⌋` is not x, the points being spread over ±[0.2, 3.2].
    assert!(!correct("x", "x + \\lfloor x^2 \\rfloor"));
    assert!(correct("x", "x + \\lfloor \\frac{x^2}{100} \\rfloor"));
}

#[test]
fn the_points_reach_below_the_square_root_of_ten() {
    // ⌊x²/10⌋ - 1 is 0 only for √10 ≤ |x| < √20: `x + ⌊x²/10⌋ - 1` is not x.
    assert!(!correct("x", "x + \\lfloor \\frac{x^2}{10} \\rfloor - 1"));
}

#[test]
fn every_variable_takes_both_signs() {
    // The second variable is negative at some points too: `x|y|` is not `xy`, `x + |y|` not
    // `x + y`.
    assert!(!correct("x|y|", "xy"));
    assert!(!correct("x + y", "x + |y|"));
    assert!(correct("x|y|", "|y|x"));
}

#[test]
fn the_variables_signs_vary_independently() {
    // x and y have opposite signs at some points: `|xy|` is not `xy`, `|x| + |y|` not `|x + y|`.
    assert!(!correct("xy", "|xy|"));
    assert!(!correct("|x + y|", "|x| + |y|"));
}

#[test]
fn infinities_with_imaginary_parts_compare_them() {
    // `∞ + i` is not `∞ - i`: beside an infinite real part the imaginary parts are compared.
    assert!(!correct("\\infty + i", "\\infty - i"));
    assert!(correct("\\infty + i", "\\infty + i"));
}

#[test]
fn a_decimal_beyond_doubles_is_held_to_half_its_last_place() {
    // 2^64 + 0.07 written `…616.0` is off by 0.07, more than half of 0.1: wrong, though doubles
    // cannot tell the two apart; `…616.1` is it rounded.
    assert!(!correct(
        "18446744073709551616.07",
        "18446744073709551616.0"
    ));
    assert!(correct("18446744073709551616.07", "18446744073709551616.1"));
}

#[test]
fn chains_of_equations_compare_item_by_item() {
    // `x = 2y = 4` is not `x = 2y = 6`, though their first two sides are the same equation.
    assert!(!correct("x = 2y = 4", "x = 2y = 6"));
    assert!(!correct("x + y = 2y = 4", "x + y = 2y = 6"));
    assert!(correct("x = 2y = 4", "x = 2y = 4"));
    // The same chain, no side solved for a variable: the same, item by item.
    assert!(correct("x + y = 2y = 4", "x + y = 2y = 4"));
}

#[test]
fn under_a_coarse_tolerance_a_short_decimal_within_half_its_last_place_matches() {
    // With `rel_tol` 0.01, `3.14` is 22/7 (0.0029 off, within 0.005); `3.15` (0.0071 off) is not;
    // with the default tolerance neither is.
    let mut coarse = Options::default();
    coarse.compare.rel_tol = 0.01;
    assert!(boxed(&coarse, "\\frac{22}{7}", "3.14").correct);
    assert!(!boxed(&coarse, "\\frac{22}{7}", "3.15").correct);
    assert!(!correct("\\frac{22}{7}", "3.14"));
}

#[test]
fn a_real_decimal_does_not_round_a_complex_value() {
    // `3.141593` rounds π, not π + i: the imaginary part is not dropped.
    assert!(!correct("\\pi + i", "3.141593"));
    assert!(correct("\\pi", "3.141593"));
}

#[test]
fn equations_with_no_real_point_are_compared_at_complex_points() {
    // `\sqrt{-1-x^2}` has no real value: the equations are compared at complex points, where
    // `\sqrt{-1-x^2} = 1` is `2\sqrt{-1-x^2} = 2` and not `\sqrt{-1-x^2} = 2`.
    assert!(correct("\\sqrt{-1-x^2} = 1", "2\\sqrt{-1-x^2} = 2"));
    assert!(!correct("\\sqrt{-1-x^2} = 1", "\\sqrt{-1-x^2} = 2"));
}

#[test]
fn equations_are_compared_at_real_points_first() {
    // On the reals `(x^3)^{1/3}` is x, so `(x^3)^{1/3} = 1` is `x = 1`; at complex points the
    // principal cube root is not z, so the real points must come first.
    assert!(correct("(x^3)^{1/3} = 1", "x = 1"));
    assert!(correct("(x^3)^{1/3} - 1 = 0", "2x = 2"));
}

#[test]
fn four_real_points_settle_equations_before_any_complex_one() {
    // `\sqrt{x}\sqrt{y}\sqrt{z}` has a real value only where x, y, z are all positive (4 of the
    // first 32 points): those 4 settle it, the complex points are not reached.
    assert!(correct(
        "\\sqrt{x}\\sqrt{y}\\sqrt{z} - 1 = 0",
        "2\\sqrt{x \\cdot y \\cdot z} = 2"
    ));
    // `\sqrt{x^2}` is x on those 4 points, and -x at a complex point with a negative real part
    // (the second one): reaching it would make the equations differ.
    assert!(correct(
        "\\sqrt{x}\\sqrt{y}\\sqrt{z}\\sqrt{x^2} - 1 = 0",
        "2x\\sqrt{x}\\sqrt{y}\\sqrt{z} = 2"
    ));
}

#[test]
fn equations_with_a_real_only_function_are_compared_at_real_points_only() {
    // `|x| = 1` is `2|x| = 2` at real points (no complex ones: `|x|` is real-only), not by
    // their print.
    assert!(correct("|x| = 1", "2|x| = 2"));
    // `\lfloor e \rfloor` is real-only: with it on either side no complex point is tried, and
    // equations with no real point are the same only if printed the same.
    assert!(!correct(
        "\\lfloor e \\rfloor \\sqrt{-1-x^2} = 1",
        "2\\sqrt{-1-x^2} = 1"
    ));
    assert!(!correct(
        "2\\sqrt{-1-x^2} = 1",
        "\\lfloor e \\rfloor \\sqrt{-1-x^2} = 1"
    ));
}

#[test]
fn expressions_with_a_real_only_function_are_compared_at_real_points_only() {
    // With `\lfloor e \rfloor` on one side, expressions with no real point are not compared at
    // complex points, whichever side it is on.
    assert!(!correct(
        "\\lfloor e \\rfloor \\sqrt{-1-x^2}",
        "2\\sqrt{-1-x^2}"
    ));
    assert!(!correct(
        "2\\sqrt{-1-x^2}",
        "\\lfloor e \\rfloor \\sqrt{-1-x^2}"
    ));
    assert!(correct("2\\sqrt{-1-x^2}", "\\sqrt{-1-x^2} \\cdot 2"));
}

#[test]
fn a_side_vanishing_where_the_other_does_not_is_no_proportion() {
    // `x - |x| = 0` (x ≥ 0) is not `2x = 0`: both are 2x on the negatives, but the first vanishes
    // on the positives where the second does not.
    assert!(!correct("x - |x| = 0", "2x = 0"));
    assert!(!correct("2x = 0", "x - |x| = 0"));
}

#[test]
fn a_rounding_residue_counts_as_zero_in_equations() {
    // `e^{\ln|x|} - x` is 0 on the positives up to rounding (below 1e-10, not exactly 0): where
    // the other side is exactly 0 both vanish, and `e^{\ln|x|} - x = 0` is `x - |x| = 0`.
    assert!(correct("e^{\\ln|x|} - x = 0", "x - |x| = 0"));
    assert!(correct("x - |x| = 0", "e^{\\ln|x|} - x = 0"));
    assert!(correct("(|x|^{1/7})^7 - x = 0", "x - |x| = 0"));
    assert!(correct("x - |x| = 0", "(|x|^{1/7})^7 - x = 0"));
}

#[test]
fn points_where_a_side_overflows_are_skipped() {
    // `e^{x^8}` overflows for |x| > 2.27, `e^{x^{16}}` for |x| > 1.51: there `\ln(e^{x^8})` is
    // infinite and the point is skipped, so `\ln(e^{x^8})` is `x^8`, as expressions and in
    // equations, either way round.
    assert!(correct("\\ln(e^{x^8})", "x^8"));
    assert!(correct("x^8", "\\ln(e^{x^8})"));
    assert!(correct("\\ln(e^{x^8}) = 1", "x^8 = 1"));
    assert!(correct("x^8 = 1", "\\ln(e^{x^8}) = 1"));
    assert!(correct("\\ln(e^{x^{16}}) = 1", "x^{16} = 1"));
    assert!(correct("x^{16} = 1", "\\ln(e^{x^{16}}) = 1"));
}

#[test]
fn an_overflowing_constant_is_not_rounded_by_a_decimal() {
    // `e^{1000.5}` overflows the doubles (an infinite value with no `\infty` written): it is no
    // value for `1.000000` to round, either way round; nor is `e^{1000}` (no value at all).
    assert!(!correct("e^{1000.5}", "1.000000"));
    assert!(!correct("1.000000", "e^{1000.5}"));
    assert!(!correct("e^{1000}", "1.000000"));
    assert!(!correct("1.000000", "e^{1000}"));
    assert!(correct("e^{1000.5}", "e^{1000.5}"));
}
