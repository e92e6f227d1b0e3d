//! Exact evaluation at its edges: roots of negative and of big integers, and values beyond the
//! size limit (`Limits::max_bits`), which floating point compares instead. Written from the
//! cargo-mutants run over `src/eval.rs` (docs/MUTANTS.md).

mod common;

use num_rational::BigRational;
use plaudit_deadline::Ticker;
use plaudit_math::ast::Func;
use plaudit_math::eval::Exact;
use plaudit_math::{Limits, Node, Options};

/// (correct, reference_form, answer_form)
fn check(opts: &Options, reference: &str, answer: &str) -> (bool, String, String) {
    let v = common::boxed(opts, reference, answer);
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

fn bits_limited(max_bits: u64) -> Options {
    let mut o = Options::default();
    o.limits.max_bits = max_bits;
    o
}

#[test]
fn a_value_of_exactly_the_size_limit_is_exact() {
    // 2^349 · 2^349 = 2^698: 699 bits of numerator and 1 of denominator, 700 in all.
    let half = "1146749307995035755805410447651043470398282494584140561868794419693461438044242404035009276555062843277312";
    assert_eq!(half.len(), 106);
    let product = format!("{half} \\cdot {half}");
    let plus_one = format!("{half} \\cdot {half} + 1");
    // At the limit, exactly: they differ by 1.
    assert!(!check(&bits_limited(700), &product, &plus_one).0);
    // One bit below it, in floating point: within the tolerance.
    assert!(check(&bits_limited(699), &product, &plus_one).0);
}

#[test]
fn a_power_is_computed_when_its_size_bound_is_within_the_limit() {
    // 2 takes 3 bits (numerator 2, denominator 1): 2^200 is bounded by 600 bits.
    assert!(!check(&bits_limited(600), "2^{200}", "2^{200} + 1").0);
    assert!(check(&bits_limited(599), "2^{200}", "2^{200} + 1").0);
}

#[test]
fn roots_are_exact_up_to_the_64th() {
    let o = Options::default();
    assert_eq!(
        check(&o, "(2^{64})^{1/64}", "2"),
        (true, "2".to_string(), "2".to_string())
    );
    // The 65th root is left to floating point: no exact value to show.
    let (_, form, _) = check(&o, "(2^{65})^{1/65}", "2");
    assert_eq!(form, "(2^65)^(1/65)");
}

#[test]
fn under_a_small_size_limit_machine_integers_are_not_exact_either() {
    // Below 1024 bits the machine-integer path is off: 2^60 is over a 50-bit limit, so it
    // is a double, as is 2^60 + 1, and the two are within the tolerance; the forms are trees.
    assert_eq!(
        check(&bits_limited(50), "2^{60}", "2^{60} + 1"),
        (true, "2^60".to_string(), "2^60 + 1".to_string())
    );
    assert_eq!(
        check(&Options::default(), "2^{60}", "2^{60} + 1"),
        (
            false,
            "1152921504606846976".to_string(),
            "1152921504606846977".to_string()
        )
    );
}

#[test]
fn functions_of_rational_values_have_exact_forms() {
    let o = Options::default();
    for (expr, value) in [
        ("|-3|", "3"),
        ("\\left|\\frac{-7}{2}\\right|", "7/2"),
        ("\\lfloor \\frac{7}{2} \\rfloor", "3"),
        ("\\lfloor -\\frac{7}{2} \\rfloor", "-4"),
        ("\\lceil \\frac{7}{2} \\rceil", "4"),
        ("\\sqrt[3]{27}", "3"),
        ("\\sqrt[3]{\\frac{8}{27}}", "2/3"),
        ("5!", "120"),
        ("\\binom{5}{2}", "10"),
        ("\\binom{5}{7}", "0"),
        ("\\binom{5}{0}", "1"),
        ("\\binom{5}{5}", "1"),
        ("\\binom{5}{-1}", "0"),
        ("\\binom{10000}{9999}", "10000"),
        ("\\log_2 8", "3"),
        ("25!", "15511210043330985984000000"),
    ] {
        assert_eq!(
            check(&o, expr, value),
            (true, value.to_string(), value.to_string()),
            "{expr}"
        );
    }
}

#[test]
fn a_square_root_applied_to_one_value_is_exact() {
    // The parser writes `sqrt(x)` as `x^(1/2)`; a tree built with `Func::Sqrt` has the same
    // exact value.
    let d = common::deadline();
    let ticker = Ticker::new(&d, 64);
    let limits = Limits::default();
    let ex = Exact {
        limits: &limits,
        ticker: &ticker,
    };
    let sqrt = |n: Node| Node::Apply(Func::Sqrt, vec![n]);
    assert_eq!(
        ex.eval(&sqrt(Node::int(9))).unwrap(),
        Some(BigRational::from_integer(3.into()))
    );
    assert_eq!(ex.eval(&sqrt(Node::int(2))).unwrap(), None);
}

#[test]
fn a_root_of_index_zero_or_below_has_no_value() {
    let o = Options::default();
    assert_eq!(
        check(&o, "\\sqrt[0]{5}", "5"),
        (false, "root(5, 0)".to_string(), "5".to_string())
    );
    assert_eq!(
        check(&o, "\\sqrt[-2]{4}", "\\frac{1}{2}"),
        (false, "root(4, -2)".to_string(), "1/2".to_string())
    );
    // Logarithms: exact for integer powers of an integer base above 1 only.
    assert_eq!(
        check(&o, "\\log_2 9", "3"),
        (false, "log(9, 2)".to_string(), "3".to_string())
    );
    assert_eq!(
        check(&o, "\\log_{1} 1", "0"),
        (false, "log(1, 1)".to_string(), "0".to_string())
    );
    assert_eq!(
        check(&o, "\\log_2 0", "0"),
        (false, "log(0, 2)".to_string(), "0".to_string())
    );
}

#[test]
fn binomials_are_exact_up_to_3000_factors() {
    // C(6000, 3000) has 1805 digits: exact, it equals itself times 1 (as a double it would
    // overflow, and the written forms would decide).
    let o = Options::default();
    assert!(check(&o, "\\binom{6000}{3000}", "1 \\cdot \\binom{6000}{3000}").0);
}

#[test]
fn a_logarithm_is_exact_up_to_the_10000th_power_of_its_base() {
    let o = Options::default();
    assert_eq!(
        check(&o, "\\log_2 (2^{10000})", "10000"),
        (true, "10000".to_string(), "10000".to_string())
    );
    let (_, form, _) = check(&o, "\\log_2 (2^{10001})", "10001");
    assert_eq!(form, "log(2^10001, 2)");
}
