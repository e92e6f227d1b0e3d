//! Values compared at seeded random points (`src/equiv/values.rs`): where the points fall.
//! Written from the survivors of the cargo-mutants run over `equiv/intervals.rs` and
//! `equiv/values.rs` (docs/MUTANTS.md).

mod common;

use common::correct;

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
