//! The normalised printed form of a parsed answer (what `Node`'s `Display` and a verdict's
//! `answer_form`/`reference_form` show), and the tree helpers behind it. Written from the
//! cargo-mutants run over `src/ast.rs` (docs/MUTANTS.md).

use std::time::Duration;

use num_bigint::BigInt;
use num_rational::BigRational;
use plaudit_deadline::Deadline;
use plaudit_math::{parse, Limits, Node};

fn printed(s: &str) -> String {
    let d = Deadline::after(Duration::from_secs(60));
    parse(s, &Limits::default(), &d)
        .unwrap_or_else(|e| panic!("{s}: {e:?}"))
        .to_string()
}

fn sym(s: &str) -> Node {
    Node::Sym(s.to_string())
}

#[test]
fn every_function_prints_by_its_name() {
    for (written, form) in [
        ("\\sin(x)", "sin(x)"),
        ("\\cos(x)", "cos(x)"),
        ("\\tan(x)", "tan(x)"),
        ("\\cot(x)", "cot(x)"),
        ("\\sec(x)", "sec(x)"),
        ("\\csc(x)", "csc(x)"),
        ("\\arcsin(x)", "asin(x)"),
        ("\\arccos(x)", "acos(x)"),
        ("\\arctan(x)", "atan(x)"),
        ("\\sinh x", "sinh(x)"),
        ("\\cosh x", "cosh(x)"),
        ("\\tanh x", "tanh(x)"),
        ("\\ln x", "ln(x)"),
        ("\\log_2 x", "log(x, 2)"),
        ("\\exp(x)", "exp(x)"),
        ("\\sqrt[3]{x}", "root(x, 3)"),
        ("|x|", "abs(x)"),
        ("x!", "factorial(x)"),
        ("\\binom{n}{2}", "binom(n, 2)"),
        ("\\lfloor x \\rfloor", "floor(x)"),
        ("\\lceil x \\rceil", "ceil(x)"),
    ] {
        assert_eq!(printed(written), form, "{written}");
    }
}

#[test]
fn every_relation_prints_by_its_symbol() {
    for (written, form) in [
        ("x = 3", "x = 3"),
        ("x \\ne 3", "x != 3"),
        ("x < 3", "x < 3"),
        ("x \\le 3", "x <= 3"),
        ("x > 3", "x > 3"),
        ("x \\ge 3", "x >= 3"),
        ("x \\in [1, 2]", "x in [1, 2]"),
        ("1 < x \\le 3", "1 < x <= 3"),
    ] {
        assert_eq!(printed(written), form, "{written}");
    }
}

#[test]
fn sums_print_their_signs_between_terms() {
    for (written, form) in [
        ("x + 3", "x + 3"),
        ("x + y + z", "x + y + z"),
        ("x - y", "x - y"),
        ("-x + y", "-x + y"),
        ("-x - y - z", "-x - y - z"),
        ("x - (y+1)", "x - (y + 1)"),
        ("x + 0.5", "x + 1/2"),
    ] {
        assert_eq!(printed(written), form, "{written}");
    }
}

#[test]
fn products_print_a_numerator_over_denominators() {
    for (written, form) in [
        ("2x", "2*x"),
        ("x y z", "x*y*z"),
        ("(x+1)(x-1)", "(x + 1)*(x - 1)"),
        ("\\frac{x}{y}", "x/y"),
        ("\\frac{1}{x}", "1/x"),
        ("\\frac{2x}{y}", "(2*x)/y"),
        ("\\frac{x}{yz}", "x/(y*z)"),
        ("\\frac{x+1}{y}", "(x + 1)/y"),
        ("x^2 y", "(x^2)*y"),
        ("2 x^{-1}", "2*(x^(-1))"),
        ("-2x", "(-2)*x"),
    ] {
        assert_eq!(printed(written), form, "{written}");
    }
    let inverse = |b: Node| Node::Pow(Box::new(b), Box::new(Node::int(-1)));
    // Only denominators: over 1.
    assert_eq!(Node::Mul(vec![inverse(sym("x"))]).to_string(), "1/x");
    assert_eq!(
        Node::Mul(vec![inverse(sym("x")), inverse(sym("y"))]).to_string(),
        "1/x/y"
    );
    // One factor alone is printed as it is.
    let sum = Node::Add(vec![sym("x"), Node::int(1)]);
    assert_eq!(Node::Mul(vec![sum.clone()]).to_string(), "x + 1");
    assert_eq!(
        Node::Mul(vec![sum, inverse(sym("y"))]).to_string(),
        "(x + 1)/y"
    );
    // An exponent of -1 written as a number is a denominator; -2 is not.
    assert_eq!(
        Node::Mul(vec![
            sym("x"),
            Node::Pow(Box::new(sym("y")), Box::new(Node::int(-2)))
        ])
        .to_string(),
        "x*(y^(-2))"
    );
}

#[test]
fn only_atoms_go_without_parentheses() {
    for (written, form) in [
        ("x^2", "x^2"),
        ("x^{0.5}", "x^(1/2)"),
        ("x^{y+1}", "x^(y + 1)"),
        ("(-x)^2", "(-x)^2"),
        ("(x+1)^2", "(x + 1)^2"),
        ("-(x+1)", "-(x + 1)"),
        ("-x", "-x"),
        ("-\\pi", "-pi"),
        ("-\\sin(x)", "-sin(x)"),
        ("-(2)", "-2"),
        ("-\\frac{1}{2}", "-(1/2)"),
        ("2^{1/2}", "2^(1/2)"),
        ("e^x", "e^x"),
        ("(1, 2)^2", "(1, 2)^2"),
        ("\\{1\\}^2", "{1}^2"),
        ("50\\%", "50%"),
        ("(x+1)\\%", "(x + 1)%"),
        ("30^\\circ", "30°"),
        ("3 \\pm 2", "3 ± 2"),
        ("3 \\pm (x+1)", "3 ± (x + 1)"),
    ] {
        assert_eq!(printed(written), form, "{written}");
    }
    // A negative integer is not an atom: `x^(-3)`, not `x^-3`.
    let minus_three = Node::Num(BigRational::from_integer(BigInt::from(-3)), None);
    assert_eq!(
        Node::Pow(Box::new(sym("x")), Box::new(minus_three)).to_string(),
        "x^(-3)"
    );
}

#[test]
fn numbers_print_as_integers_or_fractions() {
    let q = |n: i64, d: i64| Node::Num(BigRational::new(n.into(), d.into()), None);
    assert_eq!(q(3, 1).to_string(), "3");
    assert_eq!(q(-3, 1).to_string(), "-3");
    assert_eq!(q(6, 4).to_string(), "3/2");
    assert_eq!(q(0, 5).to_string(), "0");
    assert_eq!(
        Node::Num(BigRational::from_integer(BigInt::from(2).pow(100u32)), None).to_string(),
        "1267650600228229401496703205376"
    );
}

#[test]
fn collections_print_with_their_brackets() {
    for (written, form) in [
        ("(1, 2)", "(1, 2)"),
        ("[1, 2)", "[1, 2)"),
        ("(1, 2]", "(1, 2]"),
        ("[1,2]", "[1, 2]"),
        ("(1, 2, 3)", "(1, 2, 3)"),
        ("\\{1, 2, 3\\}", "{1, 2, 3}"),
        ("\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}", "[1, 2; 3, 4]"),
        ("\\begin{pmatrix}1\\\\2\\\\3\\end{pmatrix}", "[1; 2; 3]"),
        ("[1,2] \\cup [3,4]", "[1, 2] U [3, 4]"),
        ("x = 1, y = 2", "x = 1; y = 2"),
        ("\\text{hello world}", "\"hello world\""),
        ("\\pi + \\infty + i + e", "pi + oo + i + e"),
    ] {
        assert_eq!(printed(written), form, "{written}");
    }
}

#[test]
fn a_node_lists_its_children_in_order() {
    let d = Deadline::after(Duration::from_secs(60));
    let n = parse("x + 2y - \\sin(z)", &Limits::default(), &d).unwrap();
    let kids: Vec<String> = n.children().iter().map(|c| c.to_string()).collect();
    assert_eq!(kids, ["x", "2*y", "-sin(z)"]);
    let m = parse(
        "\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}",
        &Limits::default(),
        &d,
    )
    .unwrap();
    let kids: Vec<String> = m.children().iter().map(|c| c.to_string()).collect();
    assert_eq!(kids, ["1", "2", "3", "4"]);
    assert!(sym("x").children().is_empty());
}
