//! The parser's trees (`src/parser.rs`): numbers on the fast path and the general one, the
//! limits at their exact bounds, lists, relations, ratios, unions, sums with `±`, products
//! (implicit ones beside `|x|`), signs, postfix operators, exponents, subscripts, `\frac`
//! arguments and mixed numbers, functions and their powers, brackets and environments.
//! Written from the survivors of the cargo-mutants run over `src/parser.rs` (docs/MUTANTS.md).

mod common;

use common::node;
use num_bigint::BigInt;
use num_rational::BigRational;
use plaudit_math::ast::{Bracket, Const, Func, Rel};
use plaudit_math::{parse, Limits, MathError, Node};

fn parse_with(s: &str, limits: &Limits) -> Result<Node, MathError> {
    parse(s, limits, &common::deadline())
}

fn printed(s: &str) -> String {
    node(s).to_string()
}

fn int(i: i64) -> Node {
    Node::int(i)
}

fn sym(s: &str) -> Node {
    Node::Sym(s.to_string())
}

fn neg(n: Node) -> Node {
    Node::Neg(Box::new(n))
}

fn pow(a: Node, b: Node) -> Node {
    Node::Pow(Box::new(a), Box::new(b))
}

/// `p/q` as `\frac` builds it: `p · q^{-1}`.
fn frac(p: Node, q: Node) -> Node {
    Node::Mul(vec![p, pow(q, int(-1))])
}

fn apply(f: Func, args: Vec<Node>) -> Node {
    Node::Apply(f, args)
}

fn ratio(n: i64, d: i64, places: Option<u32>) -> Node {
    Node::Num(BigRational::new(BigInt::from(n), BigInt::from(d)), places)
}

fn half() -> Node {
    ratio(1, 2, None)
}

fn is_limit(r: Result<Node, MathError>) -> bool {
    matches!(r, Err(MathError::Limit(_)))
}

#[test]
fn plain_numbers_respect_the_digit_and_length_limits() {
    // A plain number takes a fast path, which must refuse what the lexer's limits refuse.
    let digits = Limits {
        max_digits: 3,
        ..Limits::default()
    };
    assert!(is_limit(parse_with("1234", &digits)));
    assert!(is_limit(parse_with("-1234", &digits)));
    assert_eq!(parse_with("123", &digits), Ok(int(123)));
    let len = Limits {
        max_answer_len: 3,
        ..Limits::default()
    };
    assert!(is_limit(parse_with("1234", &len)));
    assert!(is_limit(parse_with("-123", &len)));
    assert_eq!(parse_with("123", &len), Ok(int(123)));
    assert_eq!(parse_with("-12", &len), Ok(neg(int(12))));
}

#[test]
fn plain_numbers_respect_the_depth_limit() {
    // `-4` needs 4 levels (list, sign, sign's operand, number): at a depth limit of 3 it fails
    // on the fast path as on the general one.
    for s in ["-4", "- 4"] {
        let at = |d: usize| {
            parse_with(
                s,
                &Limits {
                    max_depth: d,
                    ..Limits::default()
                },
            )
        };
        assert!(is_limit(at(3)), "{s}");
        assert_eq!(at(4), Ok(neg(int(4))), "{s}");
    }
    let two = Limits {
        max_depth: 2,
        ..Limits::default()
    };
    assert!(is_limit(parse_with("4", &two)));
}

#[test]
fn decimals_keep_their_reduced_value_and_places() {
    // `small_num`: the value reduced by the gcd, and the number of fraction digits.
    assert_eq!(node("2.5"), ratio(5, 2, Some(1)));
    assert_eq!(node("0.25"), ratio(1, 4, Some(2)));
    assert_eq!(node("1.750"), ratio(7, 4, Some(3)));
    assert_eq!(
        node("x = 0.25"),
        Node::Rel(vec![sym("x"), ratio(1, 4, Some(2))], vec![Rel::Eq])
    );
    assert_eq!(printed("0.25"), "1/4");
    assert_eq!(printed("x + 0.25"), "x + 1/4");
    assert_eq!(printed("x + 12.5"), "x + 25/2");
    assert_eq!(printed("x + 0.125"), "x + 1/8");
    assert_eq!(node("x + 907"), Node::Add(vec![sym("x"), int(907)]));
}

#[test]
fn long_numbers_take_the_big_path() {
    // More than 18 digits: a big integer, the same value and places.
    let big: BigInt = "123456789012345678901234".parse().unwrap();
    assert_eq!(
        node("x + 123456789012345678901234"),
        Node::Add(vec![
            sym("x"),
            Node::Num(BigRational::from_integer(big), None)
        ])
    );
    let n: BigInt = "1234567890123456789".parse().unwrap();
    let d = BigInt::from(10u64).pow(19);
    assert_eq!(
        node("x + 0.1234567890123456789"),
        Node::Add(vec![sym("x"), Node::Num(BigRational::new(n, d), Some(19))])
    );
}

#[test]
fn scientific_notation_scales_by_its_exponent() {
    // `1e5`, `2.5e-3`, `1.25E+2`: the mantissa times a power of ten, no decimal places.
    assert_eq!(node("x + 1e5"), Node::Add(vec![sym("x"), int(100_000)]));
    assert_eq!(
        node("x + 2.5e-3"),
        Node::Add(vec![sym("x"), ratio(1, 400, None)])
    );
    assert_eq!(node("x + 1.25E+2"), Node::Add(vec![sym("x"), int(125)]));
    assert_eq!(node("x + 3e0"), Node::Add(vec![sym("x"), int(3)]));
}

#[test]
fn an_exponent_of_400_is_the_limit() {
    // `1e400` is read, `1e401` and `1e-401` are a limit error.
    let p = BigInt::from(10u32).pow(400);
    assert_eq!(
        node("1e400"),
        Node::Num(BigRational::from_integer(p.clone()), None)
    );
    assert_eq!(
        node("1e-400"),
        Node::Num(BigRational::new(BigInt::from(1), p), None)
    );
    let d = common::deadline();
    assert!(is_limit(parse("1e401", &Limits::default(), &d)));
    assert!(is_limit(parse("1e-401", &Limits::default(), &d)));
}

#[test]
fn words_are_dropped_with_a_unit_exponent() {
    // A word is dropped; `^2` or `^{2}` after it goes too; a word before `+` keeps the `+`.
    assert_eq!(node("3 apples + 2"), Node::Add(vec![int(3), int(2)]));
    assert_eq!(node("5 \\text{cm}^{2}"), int(5));
    assert_eq!(
        node("5 \\text{cm}^{2} + 1"),
        Node::Add(vec![int(5), int(1)])
    );
    assert_eq!(node("5 \\text{cm}^2"), int(5));
    assert_eq!(node("Yes"), Node::Text("yes".into()));
    assert_eq!(
        node("\\text{No Solution}"),
        Node::Text("no solution".into())
    );
}

#[test]
fn trailing_tokens_are_an_error() {
    // Tokens left after the answer: a parse error, not a silently shorter answer.
    let d = common::deadline();
    assert!(matches!(
        parse("3)", &Limits::default(), &d),
        Err(MathError::Parse(_))
    ));
    assert!(matches!(
        parse("(3", &Limits::default(), &d),
        Err(MathError::Parse(_))
    ));
}

#[test]
fn nesting_deeper_than_the_limit_fails_at_its_exact_bound() {
    // `((1))` needs 9 levels: list, sign, bracket (three for each pair), then the number.
    let at = |d: usize| {
        parse_with(
            "((1))",
            &Limits {
                max_depth: d,
                ..Limits::default()
            },
        )
    };
    assert_eq!(at(9), Ok(int(1)));
    assert!(is_limit(at(8)));
    let deep = format!("{}1{}", "(".repeat(100), ")".repeat(100));
    assert!(is_limit(parse_with(&deep, &Limits::default())));
}

#[test]
fn depth_is_released_after_each_operand() {
    // 200 terms and 200 factors are each at depth 3 or so, not 200.
    let sum = vec!["x"; 200].join(" + ");
    match node(&sum) {
        Node::Add(v) => assert_eq!(v.len(), 200),
        other => panic!("{other:?}"),
    }
    let prod = vec!["x"; 200].join(" * ");
    match node(&prod) {
        Node::Mul(v) => assert_eq!(v.len(), 200),
        other => panic!("{other:?}"),
    }
}

fn items(k: usize) -> Limits {
    Limits {
        max_items: k,
        ..Limits::default()
    }
}

#[test]
fn every_kind_of_chain_stops_at_the_item_limit() {
    // At most 3 items: 3 pass, 4 are a limit error, for each kind of chain.
    for (three, four) in [
        ("1, 2, 3", "1, 2, 3, 4"),
        ("x < y < z", "x < y < z < w"),
        ("1 : 2 : 3", "1 : 2 : 3 : 4"),
        (
            "[0, 1] \\cup [2, 3] \\cup [4, 5]",
            "[0, 1] \\cup [2, 3] \\cup [4, 5] \\cup [6, 7]",
        ),
        ("x + y + z", "x + y + z + w"),
        ("x y z", "x y z w"),
        ("x * y * z", "x * y * z * w"),
        ("\\sin x y z", "\\sin x y z w"),
        (
            "\\begin{pmatrix} 1 & 2 & 3 \\end{pmatrix}",
            "\\begin{pmatrix} 1 & 2 & 3 & 4 \\end{pmatrix}",
        ),
        (
            "\\begin{pmatrix} 1 \\\\ 2 \\\\ 3 \\end{pmatrix}",
            "\\begin{pmatrix} 1 \\\\ 2 \\\\ 3 \\\\ 4 \\end{pmatrix}",
        ),
    ] {
        assert!(parse_with(three, &items(3)).is_ok(), "{three}");
        assert!(is_limit(parse_with(four, &items(3))), "{four}");
    }
}

#[test]
fn lists_and_trailing_separators_in_brackets() {
    // `(1, 2,)` is the pair; `(1,)` is the number; a colon with nothing after it ends.
    assert_eq!(
        node("(1, 2,)"),
        Node::Tuple(vec![int(1), int(2)], Bracket::Round, Bracket::Round)
    );
    assert_eq!(node("(1,)"), int(1));
    assert_eq!(node("\\{1, 2,\\}"), Node::Set(vec![int(1), int(2)]));
    assert_eq!(node("1 :, 2"), Node::List(vec![int(1), int(2)]));
    assert_eq!(node("1, 2"), Node::List(vec![int(1), int(2)]));
    assert_eq!(node("1 ;, 2"), Node::List(vec![int(1), int(2)]));
}

#[test]
fn approximations_state_a_value_only_for_a_bare_variable() {
    // `x \approx 0.5` is `x = 0.5`; after an exact value the approximation is dropped.
    let x_eq = |v: Node| Node::Rel(vec![sym("x"), v], vec![Rel::Eq]);
    assert_eq!(node("x \\approx 0.5"), x_eq(ratio(1, 2, Some(1))));
    assert_eq!(
        node("x = \\frac{1}{3} \\approx 0.33"),
        x_eq(frac(int(1), int(3)))
    );
    assert_eq!(node("\\frac{1}{3} \\approx 0.33"), frac(int(1), int(3)));
    assert_eq!(
        node("x < 1"),
        Node::Rel(vec![sym("x"), int(1)], vec![Rel::Lt])
    );
}

#[test]
fn ratios_are_quotients_and_three_parts_a_tuple() {
    // `1:2` is 1/2; `1:2:3` a tuple.
    assert_eq!(node("1:2"), Node::Div(Box::new(int(1)), Box::new(int(2))));
    assert_eq!(
        node("1:2:3"),
        Node::Tuple(vec![int(1), int(2), int(3)], Bracket::Round, Bracket::Round)
    );
}

#[test]
fn unions_keep_every_part() {
    // `A \cup B` is the union of both.
    let iv = |a, b| Node::Tuple(vec![int(a), int(b)], Bracket::Square, Bracket::Square);
    assert_eq!(
        node("[0, 1] \\cup [2, 3]"),
        Node::Union(vec![iv(0, 1), iv(2, 3)])
    );
}

#[test]
fn sums_differences_and_plus_minus() {
    // `±` takes the sum so far as its left side: a single term alone, several as a sum.
    assert_eq!(node("x + 1"), Node::Add(vec![sym("x"), int(1)]));
    assert_eq!(node("x - 1"), Node::Add(vec![sym("x"), neg(int(1))]));
    assert_eq!(
        node("x \\pm 1"),
        Node::Pm(Box::new(sym("x")), Box::new(int(1)))
    );
    assert_eq!(
        node("x + 2 \\pm 1"),
        Node::Pm(
            Box::new(Node::Add(vec![sym("x"), int(2)])),
            Box::new(int(1))
        )
    );
    assert_eq!(
        node("x \\pm 1 + y"),
        Node::Add(vec![
            Node::Pm(Box::new(sym("x")), Box::new(int(1))),
            sym("y")
        ])
    );
}

#[test]
fn at_most_three_plus_minus_signs() {
    // Three `±` in one expression are read, a fourth is a limit error.
    let three = node("1 \\pm 2 \\pm 3 \\pm 4");
    assert_eq!(three.to_string(), "1 ± 2 ± 3 ± 4");
    let d = common::deadline();
    assert!(is_limit(parse(
        "1 \\pm 2 \\pm 3 \\pm 4 \\pm 5",
        &Limits::default(),
        &d
    )));
}

#[test]
fn products_explicit_and_implicit() {
    // `2*3`, `1/2`, `2x`, `2(x+1)`, `2|x|`: products; `/` is a power -1.
    assert_eq!(node("2*3"), Node::Mul(vec![int(2), int(3)]));
    assert_eq!(node("x/2"), Node::Mul(vec![sym("x"), pow(int(2), int(-1))]));
    assert_eq!(node("2x"), Node::Mul(vec![int(2), sym("x")]));
    assert_eq!(
        node("2x + 1"),
        Node::Add(vec![Node::Mul(vec![int(2), sym("x")]), int(1)])
    );
    assert_eq!(
        node("2|x|"),
        Node::Mul(vec![int(2), apply(Func::Abs, vec![sym("x")])])
    );
    assert_eq!(
        node("|2x|"),
        apply(Func::Abs, vec![Node::Mul(vec![int(2), sym("x")])])
    );
    assert_eq!(
        node("|x||y|"),
        Node::Mul(vec![
            apply(Func::Abs, vec![sym("x")]),
            apply(Func::Abs, vec![sym("y")])
        ])
    );
    assert_eq!(
        node("|x| y"),
        Node::Mul(vec![apply(Func::Abs, vec![sym("x")]), sym("y")])
    );
}

#[test]
fn signs_before_an_operand() {
    // `-x`, `+3`, `\pm 3` (± with 0 on its left).
    assert_eq!(node("-x"), neg(sym("x")));
    let x_eq = |v: Node| Node::Rel(vec![sym("x"), v], vec![Rel::Eq]);
    assert_eq!(node("x = +3"), x_eq(int(3)));
    assert_eq!(
        node("x = \\pm 3"),
        x_eq(Node::Pm(Box::new(int(0)), Box::new(int(3))))
    );
}

#[test]
fn degrees_after_a_caret_or_alone() {
    // `30^\circ`, `30^{\circ}`, `30°`: degrees; `x^2` a power.
    let deg = Node::Degree(Box::new(int(30)));
    assert_eq!(node("30^\\circ"), deg);
    assert_eq!(node("30^{\\circ}"), deg);
    assert_eq!(node("30°"), deg);
    assert_eq!(
        node("x + 30^\\circ"),
        Node::Add(vec![sym("x"), deg.clone()])
    );
    assert_eq!(node("30^{\\circ} + x"), Node::Add(vec![deg, sym("x")]));
    assert_eq!(node("x^2"), pow(sym("x"), int(2)));
}

#[test]
fn postfix_operators() {
    // `5!`, `50\%`, a subscript after a number dropped, and at most six in a row.
    assert_eq!(node("5!"), apply(Func::Fact, vec![int(5)]));
    assert_eq!(
        node("5! + 1"),
        Node::Add(vec![apply(Func::Fact, vec![int(5)]), int(1)])
    );
    assert_eq!(node("50\\%"), Node::Percent(Box::new(int(50))));
    assert_eq!(
        node("50\\% + 1"),
        Node::Add(vec![Node::Percent(Box::new(int(50))), int(1)])
    );
    assert_eq!(node("5_{10}"), int(5));
    assert_eq!(node("101_2 + 1"), Node::Add(vec![int(101), int(1)]));
    let mut six = int(3);
    for _ in 0..6 {
        six = apply(Func::Fact, vec![six]);
    }
    assert_eq!(node("3!!!!!!"), six);
    let d = common::deadline();
    assert!(is_limit(parse("3!!!!!!!", &Limits::default(), &d)));
}

#[test]
fn exponents_bind_to_one_operand() {
    // `x^-2`, `x^+2`; `2^3^2` is read left to right; a factorial after `^2` or `^{2}` applies
    // to the power.
    assert_eq!(node("x^-2"), pow(sym("x"), neg(int(2))));
    assert_eq!(node("x^+2"), pow(sym("x"), int(2)));
    assert_eq!(node("2^3^2"), pow(pow(int(2), int(3)), int(2)));
    assert_eq!(node("x^2!"), apply(Func::Fact, vec![pow(sym("x"), int(2))]));
    assert_eq!(
        node("x^{2}!"),
        apply(Func::Fact, vec![pow(sym("x"), int(2))])
    );
    assert_eq!(node("x^{-1}"), pow(sym("x"), neg(int(1))));
}

#[test]
fn subscripts_name_variables() {
    // The subscript's text is part of the name: digits, letters, signs, commas, ∞; any other
    // token a `?`.
    assert_eq!(node("x_1"), sym("x_1"));
    assert_eq!(node("x_{12}"), sym("x_12"));
    assert_eq!(node("a_{n+1}"), sym("a_n+1"));
    assert_eq!(node("a_{n-1}"), sym("a_n-1"));
    assert_eq!(node("a_{i,j}"), sym("a_i,j"));
    assert_eq!(node("x_\\infty"), sym("x_oo"));
    assert_eq!(node("x_{\\pi}"), sym("x_?"));
    assert_eq!(node("x_{1} + y"), Node::Add(vec![sym("x_1"), sym("y")]));
    assert_eq!(node("x_1 y"), Node::Mul(vec![sym("x_1"), sym("y")]));
}

#[test]
fn frac_arguments_from_a_digit_run() {
    // `\frac12` splits its digits; a single digit is a whole argument; braces take the group.
    assert_eq!(node("\\frac12"), frac(int(1), int(2)));
    assert_eq!(node("\\frac3{4}"), frac(int(3), int(4)));
    assert_eq!(node("\\frac3x"), frac(int(3), sym("x")));
    assert_eq!(node("\\frac1{2}"), frac(int(1), int(2)));
    assert_eq!(node("\\frac{12}{5}"), frac(int(12), int(5)));
    assert_eq!(
        node("\\frac123"),
        Node::Mul(vec![frac(int(1), int(2)), int(3)])
    );
    assert_eq!(node("\\binom52"), apply(Func::Binom, vec![int(5), int(2)]));
}

#[test]
fn mixed_numbers() {
    // `3\frac{1}{2}` and `3\frac12` are 3 + 1/2; not after a decimal or a non-integer fraction.
    let three_half = Node::Add(vec![int(3), frac(int(1), int(2))]);
    assert_eq!(node("3\\frac{1}{2}"), three_half);
    assert_eq!(node("3\\frac12"), three_half);
    assert_eq!(
        node("3\\frac{x}{2}"),
        Node::Mul(vec![int(3), frac(sym("x"), int(2))])
    );
    assert_eq!(
        node("3\\frac{1}{x}"),
        Node::Mul(vec![int(3), frac(int(1), sym("x"))])
    );
    assert_eq!(
        node("3\\frac{1}{2}x"),
        Node::Mul(vec![three_half.clone(), sym("x")])
    );
    assert_eq!(
        node("2.5\\frac{1}{2}"),
        Node::Mul(vec![ratio(5, 2, Some(1)), frac(int(1), int(2))])
    );
    assert_eq!(
        node("3\\frac123"),
        Node::Mul(vec![int(3), frac(int(1), int(2)), int(3)])
    );
}

#[test]
fn logarithms_by_base() {
    // `\log x` is ln, `\log_2 x` and `log(x, 2)` to base 2, `\log_{2}^{2} x` a power of one.
    assert_eq!(node("\\log x"), apply(Func::Ln, vec![sym("x")]));
    assert_eq!(node("\\log_2 x"), apply(Func::Log, vec![sym("x"), int(2)]));
    assert_eq!(
        node("\\log(x, 2)"),
        apply(Func::Log, vec![sym("x"), int(2)])
    );
    assert_eq!(
        node("\\log(x, 2, 3)"),
        apply(Func::Log, vec![sym("x"), int(2)])
    );
    assert_eq!(
        node("\\log_2^2 x"),
        pow(apply(Func::Log, vec![sym("x"), int(2)]), int(2))
    );
    assert_eq!(node("\\ln x"), apply(Func::Ln, vec![sym("x")]));
}

#[test]
fn square_roots_by_name_and_command() {
    // `sqrt(x)` and `\sqrt{x}` are x^(1/2); `sqrt(x, 3)` keeps both arguments; `\sqrt[3]{x}`
    // is a root.
    assert_eq!(node("sqrt(x)"), pow(sym("x"), half()));
    assert_eq!(node("\\sqrt{x}"), pow(sym("x"), half()));
    assert_eq!(
        node("sqrt(x, 3)"),
        apply(Func::Sqrt, vec![sym("x"), int(3)])
    );
    assert_eq!(
        node("\\sqrt[3]{x}"),
        apply(Func::Root, vec![sym("x"), int(3)])
    );
    assert_eq!(
        node("\\sqrt{x} + 1"),
        Node::Add(vec![pow(sym("x"), half()), int(1)])
    );
}

#[test]
fn brackets_pair_up() {
    // `(x)` is x, `(x]` an error, a pair in mixed brackets a half-open interval.
    assert_eq!(node("(x)"), sym("x"));
    assert_eq!(node("[x]"), sym("x"));
    let d = common::deadline();
    assert!(matches!(
        parse("(x]", &Limits::default(), &d),
        Err(MathError::Parse(_))
    ));
    assert_eq!(
        node("(0, 1]"),
        Node::Tuple(vec![int(0), int(1)], Bracket::Round, Bracket::Square)
    );
    assert_eq!(
        node("\\lfloor x \\rfloor"),
        apply(Func::Floor, vec![sym("x")])
    );
    assert_eq!(node("\\lceil x \\rceil"), apply(Func::Ceil, vec![sym("x")]));
    assert_eq!(node("{x}"), sym("x"));
    assert_eq!(node("{}x"), Node::Mul(vec![int(1), sym("x")]));
}

#[test]
fn matrices_and_other_environments() {
    // A `*matrix` or `array` is a matrix; `cases` and others a list of their cells.
    let m = Node::Matrix(vec![vec![int(1), int(2)], vec![int(3), int(4)]]);
    assert_eq!(node("\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}"), m);
    assert_eq!(
        node("\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\\\ \\end{pmatrix}"),
        m
    );
    assert_eq!(node("\\begin{array}{cc} 1 & 2 \\\\ 3 & 4 \\end{array}"), m);
    let x_eq = |v: i64| Node::Rel(vec![sym("x"), int(v)], vec![Rel::Eq]);
    assert_eq!(
        node("\\begin{cases} x = 1 \\\\ x = 2 \\end{cases}"),
        Node::List(vec![x_eq(1), x_eq(2)])
    );
    assert_eq!(
        node("\\begin{cases} x = 1 & x = 2 \\end{cases}"),
        Node::List(vec![x_eq(1), x_eq(2)])
    );
    assert_eq!(
        node("\\begin{cases} x = 1, x = 2 \\end{cases}"),
        Node::List(vec![x_eq(1), x_eq(2)])
    );
    assert_eq!(node("\\begin{cases} x = 1 \\end{cases}"), x_eq(1));
    let d = common::deadline();
    for bad in [
        "\\begin{pmatrix} 1, 2 \\end{pmatrix}",
        "\\begin{pmatrix} 1 & 2 \\\\ 3 \\end{pmatrix}",
        "\\begin{pmatrix} \\end{pmatrix}",
    ] {
        assert!(
            matches!(parse(bad, &Limits::default(), &d), Err(MathError::Parse(_))),
            "{bad}"
        );
    }
    assert_eq!(
        parse("\\begin{pmatrix} 1 & 2", &Limits::default(), &d),
        Err(MathError::Parse("unclosed environment pmatrix".into()))
    );
}

#[test]
fn function_values_constants_and_names() {
    // `f(x)` is one symbol; `x(1+x)` a product; `e` and `i` constants; `\pi`.
    assert_eq!(node("f(x)"), sym("f(x)"));
    assert_eq!(node("g(2) + 1"), Node::Add(vec![sym("g(2)"), int(1)]));
    assert_eq!(
        node("x(1+x)"),
        Node::Mul(vec![sym("x"), Node::Add(vec![int(1), sym("x")])])
    );
    assert_eq!(node("f + 1"), Node::Add(vec![sym("f"), int(1)]));
    assert_eq!(node("e"), Node::Const(Const::E));
    assert_eq!(node("i"), Node::Const(Const::I));
    assert_eq!(node("2i"), Node::Mul(vec![int(2), Node::Const(Const::I)]));
    assert_eq!(node("\\pi"), Node::Const(Const::Pi));
}

#[test]
fn a_term_after_plus_takes_no_extra_level() {
    // `x + 1` needs 3 levels (list, term, operand), as `x` does: the `+` is the sum's, not a
    // sign.
    let at = |d: usize| {
        parse_with(
            "x + 1",
            &Limits {
                max_depth: d,
                ..Limits::default()
            },
        )
    };
    assert_eq!(at(3), Ok(Node::Add(vec![sym("x"), int(1)])));
    assert!(is_limit(at(2)));
}

#[test]
fn function_powers_inverses_and_arguments() {
    // `\sin^2 x` is a power of the sine, `\sin^{-1} x` the arcsine, `\ln^{-1}` a power -1; the
    // argument is a bracket, a brace group, or a product up to the next function or bar.
    let sin_x = apply(Func::Sin, vec![sym("x")]);
    assert_eq!(node("\\sin^2 x"), pow(sin_x.clone(), int(2)));
    assert_eq!(node("\\sin^{-1} x"), apply(Func::Asin, vec![sym("x")]));
    assert_eq!(
        node("\\ln^{-1} x"),
        pow(apply(Func::Ln, vec![sym("x")]), neg(int(1)))
    );
    assert_eq!(node("\\sin x"), sin_x);
    assert_eq!(node("\\sin(x)"), sin_x);
    assert_eq!(node("\\sin(x]"), sin_x);
    assert_eq!(node("\\sin(x) y"), Node::Mul(vec![sin_x.clone(), sym("y")]));
    assert_eq!(node("\\sin{x} y"), Node::Mul(vec![sin_x.clone(), sym("y")]));
    assert_eq!(
        node("\\sin 2x"),
        apply(Func::Sin, vec![Node::Mul(vec![int(2), sym("x")])])
    );
    assert_eq!(
        node("\\sin x \\cos x"),
        Node::Mul(vec![sin_x.clone(), apply(Func::Cos, vec![sym("x")])])
    );
    assert_eq!(node("\\sin -x"), apply(Func::Sin, vec![neg(sym("x"))]));
    assert_eq!(node("|\\sin x|"), apply(Func::Abs, vec![sin_x]));
    assert_eq!(
        node("\\sin x|y|"),
        apply(
            Func::Sin,
            vec![Node::Mul(vec![sym("x"), apply(Func::Abs, vec![sym("y")])])]
        )
    );
}

#[test]
fn each_comma_in_cases_starts_an_item_counted_against_the_limit() {
    // `1, 2 \\ 3, 4` in `cases` is four items, one row each: over a limit of 3.
    let s = "\\begin{cases} 1, 2 \\\\ 3, 4 \\end{cases}";
    assert!(is_limit(parse_with(s, &items(3))));
    assert_eq!(
        parse_with(s, &items(4)),
        Ok(Node::List(vec![int(1), int(2), int(3), int(4)]))
    );
}
