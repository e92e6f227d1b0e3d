//! `\f^{-1}` of a trigonometric function is its inverse function, not its reciprocal: written
//! from the cargo-mutants run over `src/ast.rs` (`Func::inverse`'s arms, docs/MUTANTS.md).

mod common;

use common::correct;

#[test]
fn a_trig_function_to_the_minus_one_is_its_inverse() {
    for (f, arc) in [
        ("sin", "arcsin"),
        ("cos", "arccos"),
        ("tan", "arctan"),
        ("cot", "arccot"),
        ("sec", "arcsec"),
        ("csc", "arccsc"),
    ] {
        let inverse = format!("\\{f}^{{-1}}(x)");
        assert!(
            correct(&format!("\\{arc}(x)"), &inverse),
            "{inverse} = \\{arc}(x)"
        );
        assert!(
            !correct(&format!("\\frac{{1}}{{\\{f}(x)}}"), &inverse),
            "{inverse} is not 1/\\{f}(x)"
        );
    }
}
