//! The canonical shapes before comparing (`src/equiv/canonical.rs`: `±` expanded, solved
//! equations and tuples, named quantities, assignment groups, sign-flipped relations, matrices
//! folded), sets of reals (`src/equiv/intervals.rs`) and values (`src/equiv/values.rs`).
//! Written from the survivors of the cargo-mutants run over those files and `src/limits.rs`
//! (docs/MUTANTS.md).

mod common;

use common::correct;

const M12: &str = "\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}";
const M58: &str = "\\begin{pmatrix}5&6\\\\7&8\\end{pmatrix}";

fn m(rows: &[&[i64]]) -> String {
    let body: Vec<String> = rows
        .iter()
        .map(|r| {
            r.iter()
                .map(|x| x.to_string())
                .collect::<Vec<_>>()
                .join("&")
        })
        .collect();
    format!("\\begin{{pmatrix}}{}\\end{{pmatrix}}", body.join("\\\\"))
}

#[test]
fn sums_of_matrices_fold_elementwise() {
    // `A + B` is the elementwise sum, only for the same shape.
    assert!(correct(
        &m(&[&[6, 8], &[10, 12]]),
        &format!("{M12} + {M58}")
    ));
    assert!(!correct(
        &m(&[&[6, 8], &[10, 13]]),
        &format!("{M12} + {M58}")
    ));
    assert!(correct(
        &m(&[&[-4, -4], &[-4, -4]]),
        &format!("{M12} - {M58}")
    ));
    // A 2×2 plus a 2×3 is no matrix (not the 2×2 of the pairs that meet).
    let m23 = m(&[&[5, 6, 9], &[7, 8, 9]]);
    assert!(!correct(
        &m(&[&[6, 8], &[10, 12]]),
        &format!("{M12} + {m23}")
    ));
    // A 2×2 plus a 1×2 neither.
    assert!(!correct(
        &m(&[&[6, 8]]),
        &format!("{M12} + {}", m(&[&[5, 6]]))
    ));
}

#[test]
fn products_of_matrices_fold_as_matrix_products() {
    // `AB` is the matrix product (rows by columns), scalars scale every entry.
    assert!(correct(&m(&[&[19, 22], &[43, 50]]), &format!("{M12}{M58}")));
    assert!(!correct(&m(&[&[5, 12], &[21, 32]]), &format!("{M12}{M58}")));
    assert!(correct(&m(&[&[23, 34], &[31, 46]]), &format!("{M58}{M12}")));
    assert!(correct(&m(&[&[2, 4], &[6, 8]]), &format!("2{M12}")));
    assert!(correct(&m(&[&[2, 4], &[6, 8]]), &format!("{M12} \\cdot 2")));
    assert!(correct(
        &m(&[&[6, 12], &[18, 24]]),
        &format!("2{M12} \\cdot 3")
    ));
    // A row times a column is 1×1; a column times a row 2×2.
    let row = m(&[&[1, 2]]);
    let col = m(&[&[3], &[4]]);
    assert!(correct(&m(&[&[11]]), &format!("{row}{col}")));
    assert!(correct(&m(&[&[3, 6], &[4, 8]]), &format!("{col}{row}")));
    // A row times a row has no product.
    assert!(!correct(&m(&[&[3, 8]]), &format!("{row}{}", m(&[&[3, 4]]))));
    assert!(!correct(&m(&[&[11]]), &format!("{row}{}", m(&[&[3, 4]]))));
}

#[test]
fn a_negated_matrix_folds_up_to_sixteen_levels() {
    // `-A` negates each entry; 16 nested signs still fold, 18 are left as they are.
    assert!(correct(&m(&[&[-1, -2], &[-3, -4]]), &format!("-{M12}")));
    assert!(!correct(&m(&[&[1, 2], &[3, 4]]), &format!("-{M12}")));
    assert!(correct(M12, &format!("{}{M12}", "-".repeat(16))));
    assert!(!correct(M12, &format!("{}{M12}", "-".repeat(18))));
}

#[test]
fn plus_minus_expands_into_every_variant() {
    // `a ± b` is the list a + b, a - b; each further `±` doubles it.
    assert!(correct("3, -1", "1 \\pm 2"));
    assert!(!correct("3", "1 \\pm 2"));
    assert!(correct("1 \\pm 2", "-1, 3"));
    assert!(correct("2, -2", "\\pm 2"));
    assert!(correct("7, -1, 3, -5", "1 \\pm 2 \\pm 4"));
    assert!(!correct("7, -1, 3", "1 \\pm 2 \\pm 4"));
    assert!(correct("4, 0", "2(1 \\pm 1)"));
    assert!(correct("9, 1", "(2 \\pm 1)^2"));
    assert!(correct("x = 3 \\text{ or } x = -1", "x = 1 \\pm 2"));
    assert!(correct("3, -1", "x = 1 \\pm 2"));
    assert!(correct("1, -1", "-(\\pm 1)"));
}

#[test]
fn relations_with_a_negated_variable_are_solved_up_to_sign() {
    // `-x = -3` is `x = 3`, `-x > -1` is `x < 1`, `-3 = -x` is `x = 3`.
    assert!(correct("3", "-x = -3"));
    assert!(correct("x = 3", "-3 = -x"));
    assert!(correct("x < 1", "-x > -1"));
    assert!(!correct("x > 1", "-x > -1"));
}

#[test]
fn membership_and_chains_of_equations() {
    // `x \in S` is S; `x = a = b` is `x = b`.
    assert!(correct("[0, 1]", "x \\in [0, 1]"));
    assert!(correct("3", "x = 1 + 2 = 3"));
    assert!(!correct("4", "x = 1 + 2 = 3"));
}

#[test]
fn solved_equations_and_tuples() {
    // `x = 3` and `3 = x` state 3; `(x, y) = (1, 2)` states (1, 2).
    assert!(correct("x = 3", "3"));
    assert!(correct("3 = x", "3"));
    assert!(correct("3", "3 = x"));
    assert!(correct("(1, 2)", "(x, y) = (1, 2)"));
    assert!(correct("(x, y) = (1, 2)", "(1, 2)"));
    assert!(!correct("(1, 2)", "(x, x) = (1, 2)"));
    assert!(!correct("(1, 2)", "(x, y) = (1, x)"));
    assert!(!correct("(1, 2)", "(x, y, z) = (1, 2)"));
    // Only a single `=` solves a tuple: not a chain, not an inequality.
    assert!(!correct("(1, 2)", "(x, y) = (1, 2) = (3, 4)"));
    assert!(!correct(
        "(1, 2), (3, 4)",
        "(x, y) < (1, 2), (x, y) = (3, 4)"
    ));
    assert!(correct(
        "(1, 2), (3, 4)",
        "(x, y) = (1, 2), (x, y) = (3, 4)"
    ));
    assert!(correct(
        "(1, 2), (2, 1)",
        "(x, y) = (1, 2), (x, y) = (2, 1)"
    ));
}

#[test]
fn named_quantities_state_their_value() {
    // `AB = 4`, `|AB| = 4`, `V_1 : V_2 = 11 : 21`, `\frac{NO}{BO} = 2` state the right side.
    assert!(correct("AB = 4", "4"));
    assert!(correct("|AB| = 4", "4"));
    assert!(correct("V_1 : V_2 = 11 : 21", "\\frac{11}{21}"));
    assert!(correct("\\frac{NO}{BO} = 2", "2"));
    assert!(correct("A/B = 2", "2"));
    assert!(!correct("AB^2 = 4", "4"));
    assert!(!correct("AB = 4A", "4"));
    assert!(!correct("2AB = 4", "4"));
    // A ratio or an absolute value is a named quantity only when its parts are.
    assert!(correct("V : W = 5", "5"));
    assert!(!correct("V : 2 = 5", "5"));
    assert!(!correct("2 : V = 5", "5"));
    assert!(!correct("|x + 1| = 4", "4"));
}

#[test]
fn assignments_cycling_through_variables_are_tuples() {
    // `p = 5, q = 2, p = 7, q = 2` against `(5, 2), (7, 2)`; in another order not.
    let r = "p = 5, q = 2, p = 7, q = 2";
    assert!(correct(r, "(5, 2), (7, 2)"));
    assert!(correct(r, "(7, 2), (5, 2)"));
    assert!(!correct(r, "(2, 5), (2, 7)"));
    assert!(!correct(r, "(5, 7), (2, 2)"));
    // Values alone, the multiset: 5, 2, 7, 2.
    assert!(correct(r, "5, 2, 7"));
    // Not a cycle: p, q, q, p.
    assert!(!correct("p = 5, q = 2, q = 7, p = 2", "(5, 2), (7, 2)"));
    // Three variables cycling.
    assert!(correct(
        "a = 1, b = 2, c = 3, a = 4, b = 5, c = 6",
        "(1, 2, 3), (4, 5, 6)"
    ));
    assert!(!correct("a = 1, b = 2, a = 3", "(1, 2), (3)"));
    // The cycle must fill its last group and name each variable once.
    assert!(!correct(
        "a = 1, b = 2, c = 3, a = 4, b = 5",
        "(1, 2, 3), (4, 5)"
    ));
    assert!(!correct(
        "p = 1, q = 2, q = 3, p = 4, q = 5, q = 6",
        "(1, 2, 3), (4, 5, 6)"
    ));
}

#[test]
fn solutions_of_one_variable_are_their_values() {
    // `x = 1 or x = 2` is the list 1, 2; a set of them the set.
    assert!(correct("1, 2", "x = 1 \\text{ or } x = 2"));
    assert!(correct("x = 1, x = 2", "2, 1"));
    assert!(correct("\\{1, 2\\}", "\\{x = 1, x = 2\\}"));
    // A list's items are put in canonical shape too: `±` expanded into the list.
    assert!(correct("3, -1, 5", "1 \\pm 2, 5"));
    assert!(correct("3, -1, 7", "x = 1 \\pm 2, x = 7"));
}

#[test]
fn inequalities_describe_intervals() {
    // `x < c`, `c > x`, `a < x \le b`, `a > x > b`, `x \ne c`: intervals, open or closed.
    assert!(correct("x < 1", "x < 1"));
    assert!(correct("x < 1", "1 > x"));
    assert!(!correct("x < 1", "x \\le 1"));
    assert!(correct("x \\ge 2", "2 \\le x"));
    assert!(!correct("x \\ge 2", "x > 2"));
    assert!(correct("1 < x \\le 2", "2 \\ge x > 1"));
    assert!(!correct("1 < x \\le 2", "1 \\le x \\le 2"));
    assert!(!correct("1 < x \\le 2", "1 < x < 2"));
    assert!(correct("x \\ne 3", "x < 3 \\text{ or } x > 3"));
    assert!(!correct("x \\ne 3", "x < 3"));
    assert!(correct(
        "[1, 2) \\cup (3, \\infty)",
        "(3, \\infty) \\cup [1, 2)"
    ));
    assert!(!correct(
        "[1, 2) \\cup (3, \\infty)",
        "[1, 2) \\cup [3, \\infty)"
    ));
    assert!(!correct("[1, 2) \\cup (3, \\infty)", "[1, 2)"));
    assert!(!correct(
        "[1, 2) \\cup (3, \\infty)",
        "[1, 2) \\cup (3, 4) \\cup (5, 6)"
    ));
}

#[test]
fn an_infinite_bound_is_open_however_written() {
    // Against an inequality or in a union, `[-\infty, 1)` is `(-\infty, 1)`: the bracket at an
    // infinite end is not read (the finite end's is).
    assert!(correct("x < 1", "[-\\infty, 1)"));
    assert!(correct("x < 1", "(-\\infty, 1)"));
    assert!(!correct("x < 1", "(-\\infty, 1]"));
    assert!(correct("x > 1", "(1, \\infty]"));
    assert!(!correct("x > 1", "[1, \\infty)"));
    let u = "(-\\infty, 0) \\cup (1, \\infty)";
    assert!(correct(u, "[-\\infty, 0) \\cup (1, \\infty]"));
    assert!(!correct(u, "(-\\infty, 0] \\cup (1, \\infty)"));
    assert!(!correct(u, "(-\\infty, 0) \\cup [1, \\infty)"));
}

#[test]
fn a_relation_in_one_variable_against_intervals() {
    // A reference not in solved form holds exactly on the response's intervals.
    assert!(correct("x^2 < 4", "(-2, 2)"));
    assert!(!correct("x^2 < 4", "[-2, 2]"));
    assert!(!correct("x^2 < 4", "(-2, 3)"));
    assert!(correct("x^2 \\le 4", "[-2, 2]"));
    assert!(!correct("x^2 \\le 4", "(-2, 2)"));
    assert!(correct("1 \\le |x| \\le 2", "[-2, -1] \\cup [1, 2]"));
    assert!(!correct("1 \\le |x| \\le 2", "[-2, -1) \\cup [1, 2]"));
    assert!(correct("x^2 > 4", "(-\\infty, -2) \\cup (2, \\infty)"));
    assert!(correct("x^2 \\ge 4", "(-\\infty, -2] \\cup [2, \\infty)"));
    assert!(!correct("x^2 > 4", "(-\\infty, -2] \\cup [2, \\infty)"));
    assert!(correct(
        "x^2 \\ne 4",
        "(-\\infty, -2) \\cup (-2, 2) \\cup (2, \\infty)"
    ));
    assert!(!correct("x^2 \\ne 4", "(-\\infty, -2) \\cup (2, \\infty)"));
    assert!(correct("x^2 < 10^{6}", "(-1000, 1000)"));
    assert!(!correct("x^2 < 10^{6}", "(-1000, 999.9)"));
    // Two variables, or bounds without a real value: no set.
    assert!(!correct("x^2 < y", "(-2, 2)"));
    assert!(!correct("x^2 < 4", "(-2, \\sqrt{-1})"));
}

#[test]
fn equations_are_the_same_up_to_a_constant_factor() {
    // `2x + 2y = 2` is `x + y = 1`; `x + y = 2` is not; two true equations between constants
    // are the same, a true and a false one not, and two false ones not either.
    assert!(correct("x + y = 1", "2x + 2y = 2"));
    assert!(correct("x + y = 1", "-x - y = -1"));
    assert!(!correct("x + y = 1", "x + y = 2"));
    assert!(!correct("x + y = 1", "x - y = 1"));
    assert!(!correct("x + y = 1", "x^2 + y = 1"));
    assert!(correct("x^2 + y^2 = 1", "y^2 = 1 - x^2"));
    assert!(correct("1 + 1 = 2", "2 = 2"));
    assert!(!correct("1 + 1 = 2", "2 = 3"));
    // A false statement matches nothing, itself included (`false_chain`).
    assert!(!correct("2 = 3", "2 = 3"));
    assert!(!correct("2 = 3", "3 = 4"));
}

#[test]
fn percentages_and_degrees_with_or_without_their_sign() {
    // `50\%` and `50`, `30^\circ` and `30` are the same answer either way round.
    assert!(correct("50\\%", "50"));
    assert!(correct("50", "50\\%"));
    assert!(correct("30^\\circ", "30"));
    assert!(correct("30", "30^\\circ"));
    assert!(correct("50\\%", "0.5"));
    assert!(!correct("50\\%", "51"));
    assert!(!correct("30^\\circ", "31^\\circ"));
}

#[test]
fn decimals_of_six_or_more_places_round_the_value() {
    // `3.141593` (6 places) is π rounded; `3.14159` (5) and a wrong last digit are not.
    assert!(correct("\\pi", "3.141593"));
    assert!(correct("3.141593", "\\pi"));
    assert!(!correct("\\pi", "3.141592"));
    assert!(!correct("\\pi", "3.14159"));
    assert!(correct("\\pi", "3.14159265358979"));
    assert!(correct("\\frac{1}{3}", "0.333333"));
    assert!(!correct("\\frac{1}{3}", "0.333334"));
    assert!(!correct("\\frac{1}{3}", "0.33333"));
    assert!(correct("\\frac{2}{3}", "0.666667"));
    assert!(correct("-\\frac{2}{3}", "-0.666667"));
    assert!(correct("\\sqrt{2}", "1.414214"));
    assert!(!correct("\\sqrt{2}", "1.414213"));
    assert!(correct("\\frac{1}{7}", "0.14285714285714285714"));
}

#[test]
fn infinities_compare_by_sign() {
    // `\infty` is `\infty`, not `-\infty` and not a large number.
    assert!(correct("\\infty", "\\infty"));
    assert!(!correct("\\infty", "-\\infty"));
    assert!(!correct("\\infty", "10^{300}"));
    assert!(correct("-\\infty", "-\\infty"));
}

#[test]
fn expressions_compare_at_random_points() {
    // Equal as functions of their variables, at real points and complex ones.
    assert!(correct("(x+1)^2", "x^2 + 2x + 1"));
    assert!(!correct("(x+1)^2", "x^2 + 2x"));
    assert!(correct("\\sqrt{x^2}", "|x|"));
    assert!(!correct("\\sqrt{x^2}", "x"));
    assert!(correct("\\ln(x^2)", "2\\ln|x|"));
    assert!(correct("\\frac{x^2 - 1}{x - 1}", "x + 1"));
    let many: Vec<String> = (0..13).map(|k| format!("a_{k}")).collect();
    let sum = many.join(" + ");
    let rev: Vec<String> = many.iter().rev().cloned().collect();
    assert!(correct(&sum, &sum));
    assert!(!correct(&sum, &rev.join(" + ")));
    let twelve = many[..12].join(" + ");
    let twelve_rev: Vec<String> = many[..12].iter().rev().cloned().collect();
    assert!(correct(&twelve, &twelve_rev.join(" + ")));
}

#[test]
fn a_scalar_too_large_to_copy_into_every_entry_is_not_folded() {
    // `(1/1/…/1) A`: with 1000 quotients (3002 nodes, copied into 4 entries) the product folds
    // and is A; with 3400 (10 202 nodes) the entries would pass 20 000 nodes, so it stays a
    // product, which is no matrix.
    let ones = |k: usize| format!("(1{})", "/1".repeat(k));
    assert!(correct(M12, &format!("{}{M12}", ones(1000))));
    let big = format!("{}{M12}", ones(3400));
    assert!(!correct(M12, &big));
    // (It parses: against itself it is the same.)
    assert!(correct(&big, &big));
}

#[test]
fn solutions_in_one_variable_compare_by_their_values() {
    // `x = 1 or x = 2` and `y = 2 or y = 1` are both the values 1, 2; `x = 1, 5` is not 1.
    assert!(correct(
        "x = 1 \\text{ or } x = 2",
        "y = 2 \\text{ or } y = 1"
    ));
    assert!(!correct("1", "x = 1, 5"));
}

#[test]
fn only_a_single_relation_is_solved_up_to_sign() {
    // `-x = -3 = 4` is a chain, not `x = 3`.
    assert!(!correct("3", "-x = -3 = 4"));
    assert!(correct("3", "-x = -3"));
}

#[test]
fn a_product_whose_entries_would_be_too_large_is_not_folded() {
    // A row of two entries of 1502 nodes each (`(1/1/…/1)`, value 1) times a 2×2 matrix of
    // ones folds to (2, 2); times a 2×10 one each entry would be copied 10 times (over 20 000
    // nodes), so it stays a product.
    let e = format!("(1{})", "/1".repeat(500));
    let row = format!("\\begin{{pmatrix}}{e}&{e}\\end{{pmatrix}}");
    let ones = |cols: usize| {
        let r = vec!["1"; cols].join("&");
        format!("\\begin{{pmatrix}}{r}\\\\{r}\\end{{pmatrix}}")
    };
    let twos = |cols: usize| {
        format!(
            "\\begin{{pmatrix}}{}\\end{{pmatrix}}",
            vec!["2"; cols].join("&")
        )
    };
    assert!(correct(&twos(2), &format!("{row}{}", ones(2))));
    let big = format!("{row}{}", ones(10));
    assert!(!correct(&twos(10), &big));
    assert!(correct(&big, &big));
}

#[test]
fn nested_sums_of_matrices_fold_up_to_sixteen_levels() {
    // `A + (A + (… + A))`: 16 levels deep the sum folds (17 A), 17 levels deep it stays a sum.
    let nested = |k: usize| format!("{}{M12}{}", format!("{M12} + (").repeat(k), ")".repeat(k));
    let times = |c: i64| m(&[&[c, 2 * c], &[3 * c, 4 * c]]);
    assert!(correct(&times(17), &nested(16)));
    assert!(!correct(&times(18), &nested(17)));
    assert!(correct(&nested(17), &nested(17)));
}

/// A `rows`×`cols` matrix whose entries are all `v`.
fn filled(rows: usize, cols: usize, v: i64) -> String {
    let r = vec![v; cols];
    m(&vec![r.as_slice(); rows])
}

#[test]
fn a_column_of_large_entries_copied_per_row_is_not_folded() {
    // Ones (10×2) times a column of two entries of 1502 nodes each (value 1): each entry of the
    // column is copied into 10 rows, over 20 000 nodes, so it stays a product; ones (2×2) fold.
    let e = format!("(1{})", "/1".repeat(500));
    let col = format!("\\begin{{pmatrix}}{e}\\\\{e}\\end{{pmatrix}}");
    assert!(correct(
        &filled(2, 1, 2),
        &format!("{}{col}", filled(2, 2, 1))
    ));
    let big = format!("{}{col}", filled(10, 2, 1));
    assert!(!correct(&filled(10, 1, 2), &big));
    assert!(correct(&big, &big));
}

#[test]
fn the_product_bound_counts_the_sums_it_builds() {
    // Ones r×n times ones n×c: r·n·c + n·c·r entry copies and r·c sums of n + 1 nodes each.
    // 40×3 by 3×50 is exactly 20 000 and folds (a 40×50 matrix of 3s); 54×2 by 2×54 is 20 412
    // and does not, 53×2 by 2×53 (19 663) does.
    assert!(correct(
        &filled(40, 50, 3),
        &format!("{}{}", filled(40, 3, 1), filled(3, 50, 1))
    ));
    assert!(correct(
        &filled(53, 53, 2),
        &format!("{}{}", filled(53, 2, 1), filled(2, 53, 1))
    ));
    let big = format!("{}{}", filled(54, 2, 1), filled(2, 54, 1));
    assert!(!correct(&filled(54, 54, 2), &big));
    assert!(correct(&big, &big));
}

#[test]
fn nested_products_of_matrices_fold_up_to_sixteen_levels() {
    // `2(2(…(2A)))`: the matrix 16 levels deep folds, 17 levels deep the product stays.
    let nested = |k: usize| format!("{}2{M12}{}", "2(".repeat(k), ")".repeat(k));
    let times = |c: i64| m(&[&[c, 2 * c], &[3 * c, 4 * c]]);
    assert!(correct(&times(1 << 16), &nested(15)));
    assert!(!correct(&times(1 << 17), &nested(16)));
    assert!(correct(&nested(16), &nested(16)));
}

#[test]
fn the_scalar_bound_at_its_exact_value() {
    // `3 (1/1/…/1) (1 1 1 1 1)`: 5 entries + 5 × (1 + 3998) scalar nodes is exactly 20 000 and
    // folds (a row of 3s); one quotient more (20 015) does not.
    let row = filled(1, 5, 1);
    let ones = |k: usize| format!("(1{})", "/1".repeat(k));
    assert!(correct(&filled(1, 5, 3), &format!("3{}{row}", ones(1332))));
    let big = format!("3{}{row}", ones(1333));
    assert!(!correct(&filled(1, 5, 3), &big));
    assert!(correct(&big, &big));
}

#[test]
fn only_a_pair_is_an_interval_in_a_union() {
    // A triple in a union is no interval: `(1, 2, 3) \cup (4, 5)` is not `(1, 2, 4) \cup (4, 5)`
    // (read as intervals, both would be (1, 2) and (4, 5)).
    assert!(!correct("(1, 2, 3) \\cup (4, 5)", "(1, 2, 4) \\cup (4, 5)"));
    assert!(correct("(1, 2, 3) \\cup (4, 5)", "(1, 2, 3) \\cup (4, 5)"));
}

#[test]
fn a_bound_with_a_variable_is_no_interval_bound() {
    // `x < y` and `z < y` are relations in two variables, compared as written: not both the
    // interval below y.
    assert!(!correct("x < y", "z < y"));
    assert!(correct("x < y", "x < y"));
}

#[test]
fn a_constant_before_an_expression_in_x_is_no_solved_form() {
    // `1 < x + 1` is not `x > 1`: it holds on (0, ∞), checked point by point.
    assert!(correct("1 < x + 1", "(0, \\infty)"));
    assert!(!correct("1 < x + 1", "(1, \\infty)"));
}

#[test]
fn a_chain_that_turns_is_no_interval() {
    // `0 < x > 2` holds on (2, ∞) and `2 > x < 5` on (-∞, 2): neither is the interval between
    // its ends.
    assert!(correct("0 < x > 2", "(2, \\infty)"));
    assert!(!correct("0 < x > 2", "(0, 2)"));
    assert!(correct("2 > x < 5", "(-\\infty, 2)"));
    assert!(!correct("2 > x < 5", "(5, 2)"));
}

#[test]
fn a_relation_without_a_variable_is_no_set() {
    // `1 < 2` describes no set of x: not (0, 1), not the whole line.
    assert!(!correct("1 < 2", "(0, 1)"));
    assert!(!correct("1 < 2", "(-\\infty, \\infty)"));
}

#[test]
fn a_relation_is_checked_just_right_of_an_endpoint() {
    // `(x - 1000)(x - 1000.00001)(x - 1000.001) > 0` fails on [1000.00001, 1000.001]: (1000, ∞)
    // is wrong, seen only at 1000 + 10^-7 · 1000 (the step beside an endpoint scales with it).
    let r = "(x - 1000)(x - 1000.00001)(x - 1000.001) > 0";
    assert!(!correct(r, "(1000, \\infty)"));
    assert!(correct(r, "(1000, 1000.00001) \\cup (1000.001, \\infty)"));
}

#[test]
fn a_relation_is_checked_inside_the_gap_between_endpoints() {
    // `(x^2 - 4)(x^2 - 0.25) < 0` fails on [-0.5, 0.5]: (-2, 2) is wrong, seen only at the
    // points between -2 and 2 (the middle, 0).
    let r = "(x^2 - 4)(x^2 - 0.25) < 0";
    assert!(!correct(r, "(-2, 2)"));
    assert!(correct(r, "(-2, -0.5) \\cup (0.5, 2)"));
}

#[test]
fn a_relation_is_checked_far_left_of_the_first_endpoint() {
    // `(x + 150)(x + 2)(x - 2) < 0` also holds below -150: (-2, 2) is wrong, seen only at
    // -2 - 100 · 2 = -202.
    let r = "(x + 150)(x + 2)(x - 2) < 0";
    assert!(!correct(r, "(-2, 2)"));
    assert!(correct(r, "(-\\infty, -150) \\cup (-2, 2)"));
}

#[test]
fn a_relation_is_checked_far_right_of_the_last_endpoint() {
    // `(x + 2)(x - 2)(x - 150)(x - 300) < 0` also holds on (150, 300): (-2, 2) is wrong, seen
    // only at 2 + 100 · 2 = 202.
    let r = "(x + 2)(x - 2)(x - 150)(x - 300) < 0";
    assert!(!correct(r, "(-2, 2)"));
    assert!(correct(r, "(-2, 2) \\cup (150, 300)"));
}

#[test]
fn a_closed_endpoint_holds_up_to_rounding_scaled_by_the_endpoints() {
    // √2000000 squared is 2000000 + 2.3·10^-10 in doubles, √3000000 squared 3000000 - 4.7·10^-10:
    // `\le` and `\ge` hold there within 10^-12 times the largest endpoint (1.4·10^-9, 1.7·10^-9).
    assert!(correct(
        "x^2 \\le 2000000",
        "[-\\sqrt{2000000}, \\sqrt{2000000}]"
    ));
    assert!(correct(
        "x^2 \\ge 3000000",
        "(-\\infty, -\\sqrt{3000000}] \\cup [\\sqrt{3000000}, \\infty)"
    ));
    assert!(!correct(
        "x^2 \\le 2000000",
        "(-\\sqrt{2000000}, \\sqrt{2000000})"
    ));
}

#[test]
fn a_false_chain_of_any_length_is_no_answer() {
    // `x = 2 = 2 = 3` (three `=`) is a false statement, not x = 3; `x = 2 = 2 = 2` is 2.
    assert!(!correct("3", "x = 2 = 2 = 3"));
    assert!(correct("2", "x = 2 = 2 = 2"));
}

#[test]
fn only_a_chain_of_equations_is_checked_for_false_values() {
    // `x = 5 < 6` is a mixed chain, compared as written: the same chain is the same answer.
    assert!(correct("x = 5 < 6", "x = 5 < 6"));
}

#[test]
fn unknowns_named_one_by_one_answer_a_tuple_of_as_many() {
    // `x = 1, y = 2` is the reference (1, 2), not (1, 2, 3).
    assert!(correct("(1, 2)", "x = 1, y = 2"));
    assert!(!correct("(1, 2, 3)", "x = 1, y = 2"));
}
