//! How the comparison dispatches on the shapes of the two answers (one-item collections,
//! relations, intervals and unions, matrices against tuples) and which test points it uses.
//! Written from the cargo-mutants run over `src/equiv/mod.rs` and `src/ast.rs`
//! (docs/MUTANTS.md).

mod common;

use plaudit_math::{Options, Policy};

fn with(opts: &Options, reference: &str, answer: &str) -> bool {
    common::boxed(opts, reference, answer).correct
}

fn safe(reference: &str, answer: &str) -> bool {
    with(&Options::default(), reference, answer)
}

fn symmetric(reference: &str, answer: &str) -> bool {
    let mut o = Options::default();
    o.compare.policy = Policy::Symmetric;
    with(&o, reference, answer)
}

#[test]
fn a_one_item_set_is_its_item() {
    assert!(safe("3", "\\{3\\}"));
    assert!(safe("\\{3\\}", "3"));
    assert!(!safe("3", "\\{4\\}"));
}

#[test]
fn a_restated_equation_is_refused_under_the_safe_policy_only() {
    assert!(!safe("x = 3", "2x = 6"));
    assert!(symmetric("x = 3", "2x = 6"));
    assert!(safe("x = 3", "x = 3"));
}

#[test]
fn an_equation_whose_right_side_holds_its_variable_is_not_solved() {
    // `x = x/2 + 1` is the equation 2x = x + 2 restated, not the solution x = 2.
    assert!(!safe("x = 2", "x = \\frac{x}{2} + 1"));
    assert!(symmetric("x = 2", "x = \\frac{x}{2} + 1"));
}

#[test]
fn an_equation_is_not_an_inequality() {
    for p in [Policy::Safe, Policy::Symmetric] {
        let mut o = Options::default();
        o.compare.policy = p;
        assert!(!with(&o, "x = 3", "x \\le 3"), "{p:?}");
        assert!(!with(&o, "x = 3", "3 \\le x \\le 3"), "{p:?}");
    }
}

#[test]
fn inequalities_and_unions_compare_as_sets_of_reals() {
    assert!(safe("x > 1", "1 < x"));
    assert!(safe("x \\ge 1", "[1, \\infty)"));
    assert!(safe("[1,2] \\cup [3,4]", "[3,4] \\cup [1,2]"));
    assert!(!safe("[1,2] \\cup [3,4]", "[1,4]"));
    assert!(!safe("[1,4]", "[1,2] \\cup [3,4]"));
}

#[test]
fn a_union_of_inequalities_against_a_list_of_intervals_counts_the_intervals() {
    assert!(safe(
        "x < 1 \\text{ or } x > 2",
        "(-\\infty, 1), (2, \\infty)"
    ));
    // The same intervals with one repeated: not the reference's two intervals.
    assert!(!safe(
        "x < 1 \\text{ or } x > 2",
        "(-\\infty, 1), (2, \\infty), (2, \\infty)"
    ));
}

#[test]
fn matrices_match_matrices_of_their_shape() {
    let m22 = "\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}";
    assert!(safe(m22, m22));
    assert!(!safe(m22, "\\begin{pmatrix}1&2&3\\\\4&5&6\\end{pmatrix}"));
    assert!(!safe(
        m22,
        "\\begin{pmatrix}1&2\\\\3&4\\\\5&6\\end{pmatrix}"
    ));
    assert!(!safe(m22, "\\begin{pmatrix}1&2&3&4\\end{pmatrix}"));
}

#[test]
fn a_row_or_column_matrix_is_a_tuple_and_no_other_matrix_is() {
    assert!(safe("\\begin{pmatrix}1&2&3\\end{pmatrix}", "(1,2,3)"));
    assert!(safe("\\begin{pmatrix}1\\\\2\\\\3\\end{pmatrix}", "(1,2,3)"));
    assert!(safe("(1,2,3)", "\\begin{pmatrix}1&2&3\\end{pmatrix}"));
    assert!(!safe("\\begin{pmatrix}1&2&3\\end{pmatrix}", "(1,2)"));
    assert!(!safe(
        "\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}",
        "(1,2,3,4)"
    ));
    // A square-bracketed pair is an interval, not a row, though both print `[1, 2]`.
    assert!(!safe("\\begin{bmatrix}1&2\\end{bmatrix}", "[1, 2]"));
}

#[test]
fn expressions_defined_only_off_the_real_line_are_checked_at_complex_points() {
    // No real x makes -x^2 - 1 non-negative: only complex points can tell these apart.
    assert!(safe("\\sqrt{-x^2-1}", "\\sqrt{-1-x^2}"));
    assert!(safe("\\sqrt{-x^2-1}", "\\frac{\\sqrt{-2x^2-2}}{\\sqrt{2}}"));
    assert!(!safe("\\sqrt{-x^2-1}", "\\sqrt{-2-x^2}"));
}

#[test]
fn functions_of_real_arguments_are_never_checked_at_complex_points() {
    // |x|, floor, ceil, factorial and binomials mean nothing at complex points: with no real
    // point in the domain, the written forms decide (and they differ).
    assert!(!safe("|x| + \\sqrt{-x^2-1}", "\\sqrt{-1-x^2} + |x|"));
    assert!(!safe(
        "\\lfloor x \\rfloor + \\sqrt{-x^2-1}",
        "\\sqrt{-1-x^2} + \\lfloor x \\rfloor"
    ));
    assert!(safe("|x| + \\sqrt{-x^2-1}", "|x| + \\sqrt{-x^2-1}"));
}

#[test]
fn named_functions_defined_only_off_the_real_line_are_checked_at_complex_points() {
    // x^2 + 2 > 1 at every real x: arcsin and arccos of it have values only at complex points,
    // where arcsin z + arccos z = π/2 (a square root is a power, not a named function: this
    // pins that a named function does not by itself keep the complex points away).
    assert!(safe("\\arcsin(x^2+2)", "\\frac{\\pi}{2} - \\arccos(x^2+2)"));
    assert!(!safe(
        "\\arcsin(x^2+2)",
        "\\frac{\\pi}{3} - \\arccos(x^2+2)"
    ));
}

#[test]
fn a_union_against_an_inequality_is_compared_as_sets() {
    // Under the symmetric policy an inequality answers a union: x ≠ 1 is (-∞, 1) ∪ (1, ∞).
    assert!(symmetric("(-\\infty, 1) \\cup (1, \\infty)", "x \\neq 1"));
    assert!(!symmetric("(-\\infty, 1) \\cup (1, \\infty)", "x \\neq 2"));
    assert!(symmetric(
        "(-\\infty, 1) \\cup (2, \\infty)",
        "(-\\infty, 1) \\cup (2, \\infty)"
    ));
}

#[test]
fn a_mixed_chain_reference_is_not_an_empty_set() {
    // `1 < x = 2` is neither an inequality nor an equation: only the same chain answers it,
    // not a union of empty intervals (where "holds nowhere" and "empty" would agree).
    assert!(!safe("1 < x = 2", "(3, 3) \\cup (4, 4)"));
    assert!(!symmetric("1 < x = 2", "(3, 3) \\cup (4, 4)"));
}
