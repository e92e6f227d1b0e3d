//! Floating-point values of powers and functions, read from `Numeric::eval` itself: the
//! verdicts cannot see most of them, since exact arithmetic decides first wherever it can
//! (`(-8)^{1/3}`, `5!`, `\log_{10} 100`). Written from the cargo-mutants run over
//! `Numeric::pow_nonzero` and `Numeric::apply` in `src/eval.rs` (docs/MUTANTS.md).

mod common;

use std::f64::consts::{FRAC_PI_2, FRAC_PI_3, FRAC_PI_4, FRAC_PI_6, LN_10, PI};

use common::{assert_near, eval_node, value};
use plaudit_math::ast::Func;
use plaudit_math::eval::{Mode, C};
use plaudit_math::Node;

fn real(latex: &str) -> Option<C> {
    value(Mode::Real, latex)
}

fn complex(latex: &str) -> Option<C> {
    value(Mode::Complex, latex)
}

#[test]
fn an_integer_power_of_a_negative_base_is_exactly_real_in_both_modes() {
    // The complex power would leave a rounding error in the imaginary part (8 sin 3π).
    for mode in [Mode::Real, Mode::Complex] {
        assert_eq!(value(mode, "(-2)^3"), Some(C::new(-8.0, 0.0)), "{mode:?}");
        assert_eq!(
            value(mode, "(-2)^{-2}"),
            Some(C::new(0.25, 0.0)),
            "{mode:?}"
        );
    }
}

#[test]
fn an_integer_power_beyond_the_doubles_has_no_value() {
    assert_eq!(real("10^{400}"), None);
    assert_eq!(complex("10^{400}"), None);
    assert_eq!(real("(-10)^{401}"), None);
}

#[test]
fn a_negative_base_to_a_fraction_with_an_odd_denominator_has_a_real_value() {
    assert_near(real("(-8)^{1/3}"), (-2.0, 0.0));
    assert_near(real("(-8)^{2/3}"), (4.0, 0.0));
    assert_near(real("(-32)^{3/5}"), (-8.0, 0.0));
    assert_near(real("(-8)^{-\\frac{1}{3}}"), (-0.5, 0.0));
    // An even denominator: no real value.
    assert_eq!(real("(-8)^{1/2}"), None);
}

#[test]
fn a_base_with_a_tiny_imaginary_part_is_not_a_zero_base() {
    // 10^-13 i counts as real (its real part, 0, is what is read), but it is not zero: its
    // principal square root is sqrt(10^-13) e^(iπ/4).
    let r = (1e-13f64).sqrt() * std::f64::consts::FRAC_1_SQRT_2;
    let got = complex("(10^{-13} i)^{1/2}").expect("a value");
    assert!(
        (got.re - r).abs() <= 1e-12 * r && (got.im - r).abs() <= 1e-12 * r,
        "{got}"
    );
}

#[test]
fn a_positive_base_to_an_imaginary_power_is_on_the_unit_circle() {
    // 2^i = e^(i ln 2).
    let l = std::f64::consts::LN_2;
    assert_near(complex("2^{i}"), (l.cos(), l.sin()));
    assert_near(complex("2^{1+i}"), (2.0 * l.cos(), 2.0 * l.sin()));
}

#[test]
fn cotangent_secant_and_cosecant_have_their_values() {
    assert_near(real("\\cot 1"), (1f64.cos() / 1f64.sin(), 0.0));
    assert_near(real("\\sec 1"), (1.0 / 1f64.cos(), 0.0));
    assert_near(real("\\csc 1"), (1.0 / 1f64.sin(), 0.0));
    assert_near(complex("\\cot 1"), (1f64.cos() / 1f64.sin(), 0.0));
}

#[test]
fn the_cotangent_within_1e_300_of_zero_has_no_value() {
    // |sin z| below 1e-300 is a pole: no value, not the infinities a division by a number
    // whose square underflows would give.
    assert_eq!(real("\\cot 0"), None);
    assert_eq!(real("\\cot (10^{-301})"), None);
    assert_eq!(complex("\\cot (10^{-301} (1 + i))"), None);
    // Just outside: 1/z, up to rounding (cos z is 1 and sin z is z in a double).
    assert_near(real("\\cot (10^{-100})"), (1e100, 0.0));
}

#[test]
fn arcsine_and_arccosine_are_real_on_the_unit_interval_and_complex_beyond() {
    for mode in [Mode::Real, Mode::Complex] {
        assert_near(value(mode, "\\arcsin 1"), (FRAC_PI_2, 0.0));
        assert_near(value(mode, "\\arcsin \\frac{1}{2}"), (FRAC_PI_6, 0.0));
        assert_near(value(mode, "\\arcsin (-1)"), (-FRAC_PI_2, 0.0));
        assert_near(value(mode, "\\arccos 1"), (0.0, 0.0));
        assert_near(value(mode, "\\arccos \\frac{1}{2}"), (FRAC_PI_3, 0.0));
        assert_near(value(mode, "\\arccos (-1)"), (PI, 0.0));
    }
    assert_eq!(real("\\arcsin 2"), None);
    assert_eq!(real("\\arccos 2"), None);
    // ln(2 + sqrt 3) = arccosh 2.
    let h = (2.0 + 3f64.sqrt()).ln();
    assert_near(complex("\\arcsin 2"), (FRAC_PI_2, -h));
    assert_near(complex("\\arccos 2"), (0.0, h));
}

#[test]
fn the_reciprocal_inverse_functions_have_their_values() {
    assert_near(real("\\operatorname{arccot} 0"), (FRAC_PI_2, 0.0));
    assert_near(real("\\operatorname{arccot} 1"), (FRAC_PI_4, 0.0));
    assert_near(real("\\operatorname{arccot} 2"), (0.5f64.atan(), 0.0));
    assert_near(real("\\operatorname{arcsec} 2"), (FRAC_PI_3, 0.0));
    assert_near(real("\\operatorname{arccsc} 2"), (FRAC_PI_6, 0.0));
}

#[test]
fn the_natural_logarithm_of_zero_has_no_value_and_of_a_negative_number_is_complex() {
    assert_eq!(real("\\ln 0"), None);
    assert_eq!(complex("\\ln 0"), None);
    assert_eq!(real("\\ln (-2)"), None);
    assert_near(complex("\\ln (-2)"), (std::f64::consts::LN_2, PI));
    assert_near(real("\\ln 2"), (std::f64::consts::LN_2, 0.0));
}

#[test]
fn a_logarithm_to_a_base_has_its_value() {
    for mode in [Mode::Real, Mode::Complex] {
        assert_near(value(mode, "\\log_{10} 100"), (2.0, 0.0));
        assert_near(value(mode, "\\log_2 8"), (3.0, 0.0));
    }
    // Base 10 unless given: a tree with one argument (the parser reads `\log x` as `\ln x`).
    let log = |x: i64| Node::Apply(Func::Log, vec![Node::int(x)]);
    assert_near(eval_node(Mode::Real, &log(1000)), (3.0, 0.0));
    // A negative argument: complex, ln 100 + iπ over ln 10.
    assert_eq!(real("\\log_{10} (-100)"), None);
    assert_near(complex("\\log_{10} (-100)"), (2.0, PI / LN_10));
}

#[test]
fn a_logarithm_of_zero_or_to_a_non_positive_base_has_no_real_value() {
    // log_{-2} 1 would be 0 / (ln 2 + iπ) = 0, a real number: refused on the reals for its base.
    assert_eq!(real("\\log_{-2} 1"), None);
    assert_eq!(real("\\log_{-2} 8"), None);
    assert_eq!(real("\\log_{10} 0"), None);
    assert_eq!(real("\\log_{0} 5"), None);
    assert_eq!(real("\\log_{1} 5"), None);
    // In the complex plane, log_{-2} 1 is 0; log_{-2} 0 would be infinite in both parts.
    assert_near(complex("\\log_{-2} 1"), (0.0, 0.0));
    assert_eq!(complex("\\log_{-2} 0"), None);
    assert_eq!(complex("\\log_{10} 0"), None);
}

#[test]
fn a_square_root_node_takes_the_principal_root() {
    // The parser writes `\sqrt{x}` as a power; a tree may still hold `Func::Sqrt`.
    let sqrt = |n: Node| Node::Apply(Func::Sqrt, vec![n]);
    assert_eq!(
        eval_node(Mode::Real, &sqrt(Node::int(0))),
        Some(C::new(0.0, 0.0))
    );
    assert_near(
        eval_node(Mode::Real, &sqrt(Node::int(2))),
        (2f64.sqrt(), 0.0),
    );
    assert_eq!(eval_node(Mode::Real, &sqrt(Node::int(-4))), None);
    assert_near(eval_node(Mode::Complex, &sqrt(Node::int(-4))), (0.0, 2.0));
    assert_near(
        eval_node(Mode::Complex, &sqrt(Node::int(2))),
        (2f64.sqrt(), 0.0),
    );
}

#[test]
fn roots_of_zero_and_of_negative_numbers() {
    for mode in [Mode::Real, Mode::Complex] {
        assert_eq!(
            value(mode, "\\sqrt[4]{0}"),
            Some(C::new(0.0, 0.0)),
            "{mode:?}"
        );
        assert_eq!(
            value(mode, "\\sqrt[3]{0}"),
            Some(C::new(0.0, 0.0)),
            "{mode:?}"
        );
        // Odd roots of negative numbers are real.
        assert_near(value(mode, "\\sqrt[5]{-32}"), (-2.0, 0.0));
        assert_near(value(mode, "\\sqrt[3]{-8}"), (-2.0, 0.0));
        assert_near(value(mode, "\\sqrt[4]{16}"), (2.0, 0.0));
    }
    // Even roots of negative numbers: none on the reals, the principal one in the plane.
    assert_eq!(real("\\sqrt[2]{-4}"), None);
    assert_eq!(real("\\sqrt[4]{-16}"), None);
    assert_near(complex("\\sqrt[2]{-4}"), (0.0, 2.0));
    assert_near(complex("\\sqrt[4]{-16}"), (2f64.sqrt(), 2f64.sqrt()));
    // A root of a complex number: the principal one, 8i = 8 e^(iπ/2) → 2 e^(iπ/6).
    assert_near(complex("\\sqrt[3]{8i}"), (3f64.sqrt(), 1.0));
}

#[test]
fn floor_ceiling_and_factorial_of_real_values() {
    for mode in [Mode::Real, Mode::Complex] {
        assert_eq!(value(mode, "\\lfloor 2.5 \\rfloor"), Some(C::new(2.0, 0.0)));
        assert_eq!(
            value(mode, "\\lfloor -2.5 \\rfloor"),
            Some(C::new(-3.0, 0.0))
        );
        assert_eq!(value(mode, "\\lceil 2.5 \\rceil"), Some(C::new(3.0, 0.0)));
        assert_eq!(value(mode, "\\lceil -2.5 \\rceil"), Some(C::new(-2.0, 0.0)));
        assert_eq!(value(mode, "5!"), Some(C::new(120.0, 0.0)));
        assert_eq!(value(mode, "0!"), Some(C::new(1.0, 0.0)));
        assert_eq!(
            value(mode, "170!").map(|z| z.re),
            Some((2..=170).fold(1.0, |a, k| a * k as f64))
        );
    }
    // Not for complex values, negative numbers, or beyond the doubles.
    assert_eq!(complex("\\lfloor i \\rfloor"), None);
    assert_eq!(complex("\\lceil i \\rceil"), None);
    assert_eq!(complex("i!"), None);
    assert_eq!(real("(-1)!"), None);
    assert_eq!(real("171!"), None);
}
