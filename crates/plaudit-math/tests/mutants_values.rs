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
