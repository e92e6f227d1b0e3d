//! Floating-point values of binomial coefficients, read from `Numeric::eval` itself (exact
//! arithmetic decides `\binom{5}{2}` first, so the verdicts never see these), and the exact
//! rational of a literal number (`rational_of`). Written from the cargo-mutants run over the
//! end of `src/eval.rs` (docs/MUTANTS.md).

mod common;

use common::{assert_near, correct, value};
use num_bigint::BigInt;
use num_rational::BigRational as Q;
use plaudit_math::eval::{rational_of, Mode, C};
use plaudit_math::Node;

fn q(n: i64, d: i64) -> Q {
    Q::new(BigInt::from(n), BigInt::from(d))
}

#[test]
fn binomials_of_whole_numbers_have_their_values() {
    // The product runs over the smaller of k and n − k: `\binom{10}{8}` is 45 either way.
    for mode in [Mode::Real, Mode::Complex] {
        assert_eq!(value(mode, "\\binom{5}{2}"), Some(C::new(10.0, 0.0)));
        assert_eq!(value(mode, "\\binom{10}{8}"), Some(C::new(45.0, 0.0)));
        assert_eq!(value(mode, "\\binom{10}{3}"), Some(C::new(120.0, 0.0)));
        assert_eq!(value(mode, "\\binom{7}{7}"), Some(C::new(1.0, 0.0)));
        assert_eq!(value(mode, "\\binom{7}{0}"), Some(C::new(1.0, 0.0)));
        assert_eq!(value(mode, "\\binom{0}{0}"), Some(C::new(1.0, 0.0)));
        assert_eq!(value(mode, "\\binom{7}{1}"), Some(C::new(7.0, 0.0)));
    }
}

#[test]
fn binomials_outside_zero_to_n_are_zero() {
    // k below 0 (for any n) and, for a whole n ≥ 0, k above n give 0.
    for mode in [Mode::Real, Mode::Complex] {
        assert_eq!(value(mode, "\\binom{5}{6}"), Some(C::new(0.0, 0.0)));
        assert_eq!(value(mode, "\\binom{5}{-1}"), Some(C::new(0.0, 0.0)));
        assert_eq!(value(mode, "\\binom{-3}{-5}"), Some(C::new(0.0, 0.0)));
        assert_eq!(value(mode, "\\binom{1/2}{-1}"), Some(C::new(0.0, 0.0)));
        assert_eq!(value(mode, "\\binom{0}{1}"), Some(C::new(0.0, 0.0)));
    }
}

#[test]
fn a_negative_whole_n_has_the_generalised_binomial() {
    // n(n−1)…(n−k+1)/k! for n < 0 too (as the documentation says for any n): `\binom{-1}{2}`
    // is (−1)(−2)/2 = 1, not 0, on both paths (this was 0 in floating point, no exact value).
    for mode in [Mode::Real, Mode::Complex] {
        assert_eq!(value(mode, "\\binom{-1}{2}"), Some(C::new(1.0, 0.0)));
        assert_eq!(value(mode, "\\binom{-2}{3}"), Some(C::new(-4.0, 0.0)));
        assert_eq!(value(mode, "\\binom{-5}{0}"), Some(C::new(1.0, 0.0)));
    }
    assert!(correct("1", "\\binom{-1}{2}"));
    assert!(correct("-4", "\\binom{-2}{3}"));
    assert!(!correct("0", "\\binom{-1}{2}"));
    // Exactly: (−10^6)(−10^6 − 1)/2, beyond the doubles' 2^53.
    assert!(correct("500000500000", "\\binom{-1000000}{2}"));
    assert!(!correct("500000500001", "\\binom{-1000000}{2}"));
    assert!(correct(
        "-\\frac{\\pi}{2}",
        "\\binom{-2}{3} \\cdot \\frac{\\pi}{8}"
    ));
}

#[test]
fn a_binomial_with_more_than_1000_factors_has_no_value() {
    // The product runs over min(k, n − k): `\binom{2000}{1990}` has 10 factors.
    let v = value(Mode::Real, "\\binom{2000}{1990}").expect("a value");
    let want = (0..10).fold(1.0, |a, j| a * (2000 - j) as f64 / (j + 1) as f64);
    assert_eq!(v, C::new(want, 0.0));
    // Exactly 1000 factors are computed (the value overflows to infinity); 1001 are refused.
    assert_eq!(
        value(Mode::Real, "\\binom{2000}{1000}"),
        Some(C::new(f64::INFINITY, 0.0))
    );
    assert_eq!(value(Mode::Real, "\\binom{2002}{1001}"), None);
    assert_eq!(value(Mode::Complex, "\\binom{2002}{1001}"), None);
}

#[test]
fn a_binomial_with_a_complex_k_has_no_value() {
    assert_eq!(value(Mode::Complex, "\\binom{5}{i}"), None);
    assert_eq!(value(Mode::Complex, "\\binom{5}{2+i}"), None);
}

#[test]
fn the_generalised_binomial_of_a_fraction_or_a_complex_n() {
    // n(n−1)…(n−k+1)/k! for an n that is not whole.
    for mode in [Mode::Real, Mode::Complex] {
        assert_near(value(mode, "\\binom{1/2}{2}"), (-0.125, 0.0));
        assert_near(value(mode, "\\binom{5/2}{3}"), (0.3125, 0.0));
        assert_near(value(mode, "\\binom{3/2}{1}"), (1.5, 0.0));
        assert_near(value(mode, "\\binom{1/2}{0}"), (1.0, 0.0));
        // k above 1000: no value.
        assert_eq!(value(mode, "\\binom{1/2}{1001}"), None);
    }
    // A complex n: i(i − 1)/2 = (−1 − i)/2.
    assert_near(value(Mode::Complex, "\\binom{i}{2}"), (-0.5, -0.5));
    // 1000 factors still computed.
    let v = value(Mode::Real, "\\binom{1/2}{1000}").expect("a value");
    let want = (0..1000).fold(1.0, |a, j| a * (0.5 - j as f64) / (j + 1) as f64);
    assert!((v.re - want).abs() <= 1e-9 * want.abs(), "{v} {want}");
}

#[test]
fn the_rational_of_a_literal_number() {
    // A number, a negated number, and `a · b^{-1}` as the parser writes `a/b`.
    assert_eq!(rational_of(&Node::int(7)), Some(q(7, 1)));
    assert_eq!(
        rational_of(&Node::Neg(Box::new(Node::int(7)))),
        Some(q(-7, 1))
    );
    let over = |a: i64, b: Node, e: i64| {
        Node::Mul(vec![
            Node::int(a),
            Node::Pow(Box::new(b), Box::new(Node::int(e))),
        ])
    };
    assert_eq!(rational_of(&over(2, Node::int(3), -1)), Some(q(2, 3)));
    assert_eq!(
        rational_of(&over(2, Node::Neg(Box::new(Node::int(3))), -1)),
        Some(q(-2, 3))
    );
    assert_eq!(rational_of(&over(5, Node::int(10), -1)), Some(q(1, 2)));
    // A negated numerator (`-1/3` is `(-1) · 3^{-1}`); a symbol over a number is none.
    let neg_over = Node::Mul(vec![
        Node::Neg(Box::new(Node::int(1))),
        Node::Pow(Box::new(Node::int(3)), Box::new(Node::int(-1))),
    ]);
    assert_eq!(rational_of(&neg_over), Some(q(-1, 3)));
    let sym_over = Node::Mul(vec![
        Node::Sym("x".into()),
        Node::Pow(Box::new(Node::int(3)), Box::new(Node::int(-1))),
    ]);
    assert_eq!(rational_of(&sym_over), None);
    // Not a reciprocal, a zero denominator, a symbol, three factors: none.
    assert_eq!(rational_of(&over(2, Node::int(3), -2)), None);
    assert_eq!(rational_of(&over(2, Node::int(0), -1)), None);
    assert_eq!(rational_of(&Node::Sym("x".into())), None);
    assert_eq!(
        rational_of(&Node::Mul(vec![Node::int(2), Node::int(3)])),
        None
    );
    let mut three = match over(2, Node::int(3), -1) {
        Node::Mul(v) => v,
        _ => unreachable!(),
    };
    three.push(Node::int(5));
    assert_eq!(rational_of(&Node::Mul(three)), None);
}

#[test]
fn a_negative_base_to_a_written_fraction_is_the_real_odd_root() {
    // `(-8)^{2/3}` reads the exponent's rational: 2/3, an odd denominator, an even numerator.
    assert_near(value(Mode::Real, "(-8)^{2/3}"), (4.0, 0.0));
    assert_near(value(Mode::Real, "(-27)^{1/3}"), (-3.0, 0.0));
    assert_near(value(Mode::Real, "(-27)^{4/3}"), (81.0, 0.0));
}
