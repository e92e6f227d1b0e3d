//! Answers written with Unicode mathematics: radical signs over whole numbers, superscript and
//! subscript runs, vulgar fractions (mixed numbers too) and the fraction slash. Each of these was
//! once misread (`√16` as √1·6, `2⁴` as 2, `2½` as 2·½, `⅓` and `2⁄5` dropped), giving wrong
//! verdicts both ways.

mod common;

use common::correct;

#[test]
fn a_radical_sign_covers_the_whole_number() {
    // `√16` is 4, not √1·6 = 6; `√27` is 3√3, not √2·7.
    assert!(correct("4", "√16"));
    assert!(!correct("6", "√16"));
    assert!(correct("12", "√144"));
    assert!(!correct("44", "√144"));
    assert!(correct("3\\sqrt{3}", "√27"));
    assert!(!correct("7\\sqrt{2}", "√27"));
    assert!(correct("1.5", "√2.25"));
    assert!(correct("8", "2√16"));
    assert!(correct("2\\sqrt{2}+1", "√8+1"));
}

#[test]
fn cube_and_fourth_root_signs_carry_their_index() {
    // `∛8` is 2 and `∜81` is 3; `∛(x)` is the cube root of x.
    assert!(correct("2", "∛8"));
    assert!(!correct("8", "∛8"));
    assert!(correct("3", "∜81"));
    assert!(correct("\\sqrt[3]{x}", "∛(x)"));
    assert!(!correct("\\sqrt{x}", "∛(x)"));
}

#[test]
fn superscript_runs_are_exponents() {
    // `2⁴` is 16 (the `⁴` was dropped: 2), `10⁻³` a thousandth, `x²⁺¹` is x³.
    assert!(correct("16", "2⁴"));
    assert!(!correct("2", "2⁴"));
    assert!(correct("1024", "2¹⁰"));
    assert!(correct("0.001", "10⁻³"));
    assert!(correct("x^3", "x²⁺¹"));
    assert!(correct("x^2+2x+1", "x² + 2x + 1"));
}

#[test]
fn subscript_runs_are_indices() {
    // `x₃` is the variable x_3, not x.
    assert!(correct("x_3", "x₃"));
    assert!(!correct("x", "x₃"));
    assert!(correct("a_{12}", "a₁₂"));
}

#[test]
fn vulgar_fractions_are_fractions_and_make_mixed_numbers() {
    // `⅓` is 1/3 (it was dropped), `2½` the mixed number 5/2 (not 2·½ = 1), `¾x` is 3x/4.
    assert!(correct("\\frac{1}{3}", "⅓"));
    assert!(correct("0.75", "¾"));
    assert!(correct("\\frac{5}{2}", "2½"));
    assert!(!correct("1", "2½"));
    assert!(correct("\\frac{23}{8}", "2⅞"));
    assert!(correct("\\frac{3x}{4}", "¾x"));
    assert!(correct("-\\frac{7}{2}", "-3½"));
}

#[test]
fn the_fraction_slash_divides() {
    // `2⁄5` (U+2044) is 2/5, not 2·5.
    assert!(correct("\\frac{2}{5}", "2⁄5"));
    assert!(!correct("10", "2⁄5"));
}
