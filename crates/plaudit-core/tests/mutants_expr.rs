//! The reward expression language (`plaudit_core::expr`) at its edges: numbers and names as the
//! lexer reads them, the length and nesting bounds exactly, every comparison on both sides of
//! equality, `and`/`or` with their short cuts, the functions' domains, and the component values
//! an expression may not use. Written from the cargo-mutants run over `src/expr.rs`
//! (docs/MUTANTS.md).

use plaudit_core::expr::{Expr, Func, Op};

fn names() -> Vec<String> {
    vec!["correct".into(), "format".into(), "_bonus_2".into()]
}

fn eval(src: &str, vals: &[f64]) -> Result<f64, String> {
    let v: Vec<Option<f64>> = vals.iter().map(|x| Some(*x)).collect();
    Expr::parse(src, &names())
        .map_err(|e| e.to_string())?
        .eval(&v)
}

fn num(src: &str) -> Result<f64, String> {
    eval(src, &[0.0; 3])
}

fn parse_err(src: &str) -> String {
    Expr::parse(src, &names()).unwrap_err().to_string()
}

#[test]
fn numbers_with_exponents_and_leading_points() {
    assert_eq!(num("1E2"), Ok(100.0));
    assert_eq!(num("1e+2"), Ok(100.0));
    assert_eq!(num("1e5"), Ok(100000.0));
    assert_eq!(num("2.5e1"), Ok(25.0));
    assert_eq!(num("25e-1"), Ok(2.5));
    assert_eq!(num(".5"), Ok(0.5));
    assert_eq!(num("1 + .5"), Ok(1.5));
    assert_eq!(num("2*.5"), Ok(1.0));
    // An `e` without digits after it is not an exponent: the number ends before it.
    assert_eq!(
        parse_err("1e"),
        "unexpected `e` after a complete expression at column 2"
    );
    assert_eq!(
        parse_err("1e+"),
        "unexpected `e` after a complete expression at column 2"
    );
    assert_eq!(parse_err("."), "unexpected character `.` at column 1");
    assert_eq!(parse_err("1 + ."), "unexpected character `.` at column 5");
    assert_eq!(parse_err("1.2.3"), "malformed number `1.2.3` at column 1");
    assert_eq!(
        parse_err("1 2"),
        "unexpected number `2` after a complete expression at column 3"
    );
}

#[test]
fn names_with_underscores_and_digits() {
    assert_eq!(eval("_bonus_2 * 2", &[0.0, 0.0, 1.5]), Ok(3.0));
    assert_eq!(eval("correct+_bonus_2", &[1.0, 0.0, 1.5]), Ok(2.5));
    assert_eq!(
        Expr::parse("x", &[]).unwrap_err().to_string(),
        "unknown component `x` (no components are defined) at column 1"
    );
}

#[test]
fn unary_plus_and_minus() {
    assert_eq!(eval("+correct", &[2.0, 0.0, 0.0]), Ok(2.0));
    assert_eq!(eval("- -correct", &[2.0, 0.0, 0.0]), Ok(2.0));
    assert_eq!(eval("-+correct", &[2.0, 0.0, 0.0]), Ok(-2.0));
}

#[test]
fn the_length_bound_is_ten_thousand_characters() {
    // Characters, not bytes: the ideographic space is whitespace of three bytes.
    let at_bound = format!("1{}", "\u{3000}".repeat(9_999));
    assert_eq!(num(&at_bound), Ok(1.0));
    let over = format!("1{}", " ".repeat(10_000));
    assert_eq!(
        parse_err(&over),
        "expression longer than 10000 characters at column 1"
    );
}

#[test]
fn nesting_is_bounded_at_sixty_four_levels() {
    // The whole expression is one level, each parenthesis one more.
    let ok = format!("{}1{}", "(".repeat(63), ")".repeat(63));
    assert_eq!(num(&ok), Ok(1.0));
    let deep = format!("{}1{}", "(".repeat(64), ")".repeat(64));
    assert_eq!(
        parse_err(&deep),
        "expression nested deeper than 64 levels at column 65"
    );
    let negs = format!("{}1", "-".repeat(63));
    assert_eq!(num(&negs), Ok(-1.0));
    let nots = format!("{}1", "not ".repeat(63));
    assert_eq!(num(&nots), Ok(0.0));
}

#[test]
fn levels_are_left_on_the_way_out() {
    // Many terms side by side are not nested: only depth counts, not length.
    let terms = vec!["(1)"; 100].join(" + ");
    assert_eq!(num(&terms), Ok(100.0));
    let negs = vec!["-1"; 100].join(" + ");
    assert_eq!(num(&negs), Ok(-100.0));
    let nots = vec!["not 0"; 100].join(" and ");
    assert_eq!(num(&nots), Ok(1.0));
    let calls = vec!["max(1, 0)"; 100].join(" + ");
    assert_eq!(num(&calls), Ok(100.0));
}

#[test]
fn every_comparison_below_at_and_above() {
    let table = [
        ("<", [1.0, 0.0, 0.0]),
        ("<=", [1.0, 1.0, 0.0]),
        (">", [0.0, 0.0, 1.0]),
        (">=", [0.0, 1.0, 1.0]),
        ("==", [0.0, 1.0, 0.0]),
        ("!=", [1.0, 0.0, 1.0]),
    ];
    for (op, want) in table {
        for (x, w) in [1.0, 2.0, 3.0].into_iter().zip(want) {
            assert_eq!(
                eval(&format!("correct {op} 2"), &[x, 0.0, 0.0]),
                Ok(w),
                "{x} {op} 2"
            );
        }
    }
}

#[test]
fn and_or_not_give_one_or_zero_and_stop_early() {
    for (src, want) in [
        ("0 and 1", 0.0),
        ("1 and 0", 0.0),
        ("2 and 3", 1.0),
        ("0 && 0", 0.0),
        ("0 or 0", 0.0),
        ("0 or 2", 1.0),
        ("2 or 0", 1.0),
        ("1 || 1", 1.0),
        ("not 0", 1.0),
        ("not 3", 0.0),
        ("!-1", 0.0),
    ] {
        assert_eq!(num(src), Ok(want), "{src}");
    }
    // The right side is not evaluated once the left decides.
    assert_eq!(
        eval("format != 0 and correct / format > 1", &[1.0, 0.0, 0.0]),
        Ok(0.0)
    );
    assert_eq!(
        eval("format == 0 or correct / format > 1", &[1.0, 0.0, 0.0]),
        Ok(1.0)
    );
    // `and` binds tighter than `or`.
    assert_eq!(num("1 or 1 and 0"), Ok(1.0));
    assert_eq!(num("0 and 1 or 1"), Ok(1.0));
}

#[test]
fn functions_at_the_edges_of_their_domains() {
    assert_eq!(num("sqrt(0)"), Ok(0.0));
    assert_eq!(num("sqrt(6.25)"), Ok(2.5));
    assert_eq!(
        num("sqrt(-4)"),
        Err("sqrt of a negative number (-4) in reward expression".into())
    );
    assert_eq!(num("log(1)"), Ok(0.0));
    assert_eq!(
        num("log(-1)"),
        Err("log of a non-positive number (-1) in reward expression".into())
    );
    assert_eq!(num("exp(0)"), Ok(1.0));
    assert_eq!(num("clamp(5, 1, 1)"), Ok(1.0));
    assert_eq!(num("clamp(-5, 1, 1)"), Ok(1.0));
    assert_eq!(num("clamp(0.5, 0, 1)"), Ok(0.5));
    assert_eq!(
        num("clamp(0, 2, 1)"),
        Err("clamp with lower bound 2 above upper bound 1".into())
    );
    assert_eq!(num("min(3)"), Ok(3.0));
    assert_eq!(num("max(1, 3, 2)"), Ok(3.0));
    assert_eq!(num("min(2, -1, 3)"), Ok(-1.0));
    assert_eq!(num("abs(-2) + abs(2)"), Ok(4.0));
    assert_eq!(num("if(0, 1, 2) + if(-1, 10, 20)"), Ok(12.0));
    assert_eq!(num("10 / 4"), Ok(2.5));
    assert_eq!(num("7 - 2 - 1"), Ok(4.0));
}

#[test]
fn arity_is_checked_for_every_function() {
    assert_eq!(
        parse_err("abs(1, 2)"),
        "`abs` takes 1 argument(s), got 2 at column 1"
    );
    assert_eq!(
        parse_err("if(1, 2)"),
        "`if` takes 3 argument(s), got 2 at column 1"
    );
    assert_eq!(
        parse_err("1 + log(1, 2, 3)"),
        "`log` takes 1 argument(s), got 3 at column 5"
    );
    assert_eq!(parse_err("min()"), "unexpected `)` at column 5");
    assert_eq!(
        parse_err("max(1 2)"),
        "expected `,` or `)`, found number `2` at column 7"
    );
    assert_eq!(num("min(1, 2, 3, 4, 5, 6, 7, 8, 9, 10)"), Ok(1.0));
}

#[test]
fn component_values_that_cannot_be_used() {
    let e = Expr::parse("min(correct, 1)", &names()).unwrap();
    assert_eq!(e.eval(&[Some(0.5), None, None]), Ok(0.5));
    // Not finite: an error naming the component, even where the result would be finite.
    assert_eq!(
        e.eval(&[Some(f64::INFINITY), None, None]),
        Err("component `correct` is not finite (inf)".into())
    );
    assert_eq!(
        e.eval(&[Some(f64::NAN), None, None]),
        Err("component `correct` is not finite (NaN)".into())
    );
    // A component the values do not reach has no value.
    assert_eq!(e.eval(&[]), Err("component `correct` has no value".into()));
    // One that is not read does not matter.
    assert_eq!(e.eval(&[Some(2.0), Some(f64::NAN), None]), Ok(1.0));
}

#[test]
fn the_tree_records_operators_and_their_columns() {
    let e = Expr::parse("correct <= 2 or -format", &names()).unwrap();
    assert_eq!(
        e,
        Expr::Bin(
            Op::Or,
            Box::new(Expr::Bin(
                Op::Le,
                Box::new(Expr::Var(0, "correct".into())),
                Box::new(Expr::Num(2.0)),
                9
            )),
            Box::new(Expr::Neg(Box::new(Expr::Var(1, "format".into())))),
            14
        )
    );
    assert_eq!(
        Expr::parse("clamp(_bonus_2, 0, 1)", &names()).unwrap(),
        Expr::Call(
            Func::Clamp,
            vec![
                Expr::Var(2, "_bonus_2".into()),
                Expr::Num(0.0),
                Expr::Num(1.0)
            ]
        )
    );
}

#[test]
fn vars_lists_every_component_read_in_order() {
    let e = Expr::parse(
        "min(correct, format) + -_bonus_2 * (not correct) - if(format, 1, 2)",
        &names(),
    )
    .unwrap();
    let mut out = Vec::new();
    e.vars(&mut out);
    assert_eq!(out, vec![0, 1, 2, 0, 1]);
    let mut none = Vec::new();
    Expr::parse("1 + 2", &names()).unwrap().vars(&mut none);
    assert_eq!(none, Vec::<usize>::new());
}
