//! The spec's reward expression: how component values combine into one reward.
//!
//! Grammar (lowest precedence first):
//! ```text
//! expr    := or
//! or      := and ("or" and)*
//! and     := not ("and" not)*
//! not     := "not" not | cmp
//! cmp     := sum (("<" | "<=" | ">" | ">=" | "==" | "!=") sum)?
//! sum     := product (("+" | "-") product)*
//! product := unary (("*" | "/") unary)*
//! unary   := "-" unary | "+" unary | atom
//! atom    := number | name | name "(" expr ("," expr)* ")" | "(" expr ")"
//! ```
//! Comparisons and logic give 1 or 0; any non-zero value is true. Functions: `min(a, b, …)`,
//! `max(a, b, …)`, `abs(x)`, `clamp(x, lo, hi)`, `if(cond, then, else)` (only the branch taken is
//! evaluated), `sqrt(x)`, `exp(x)`, `log(x)` (natural). A division by zero or a non-finite result is
//! an error for that sample, never a silent value.

use std::fmt;

#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    Num(f64),
    /// A component, by index into the route's components, with its name for messages.
    Var(usize, String),
    Neg(Box<Expr>),
    Not(Box<Expr>),
    Bin(Op, Box<Expr>, Box<Expr>, usize),
    Call(Func, Vec<Expr>),
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Op {
    Add,
    Sub,
    Mul,
    Div,
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
    And,
    Or,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Func {
    Min,
    Max,
    Abs,
    Clamp,
    If,
    Sqrt,
    Exp,
    Log,
}

impl Func {
    fn parse(name: &str) -> Option<Func> {
        Some(match name {
            "min" => Func::Min,
            "max" => Func::Max,
            "abs" => Func::Abs,
            "clamp" => Func::Clamp,
            "if" => Func::If,
            "sqrt" => Func::Sqrt,
            "exp" => Func::Exp,
            "log" => Func::Log,
            _ => return None,
        })
    }
    fn name(self) -> &'static str {
        match self {
            Func::Min => "min",
            Func::Max => "max",
            Func::Abs => "abs",
            Func::Clamp => "clamp",
            Func::If => "if",
            Func::Sqrt => "sqrt",
            Func::Exp => "exp",
            Func::Log => "log",
        }
    }
    /// (min, max) number of arguments.
    fn arity(self) -> (usize, usize) {
        match self {
            Func::Min | Func::Max => (1, usize::MAX),
            Func::Abs | Func::Sqrt | Func::Exp | Func::Log => (1, 1),
            Func::Clamp | Func::If => (3, 3),
        }
    }
}

/// A parse error: message and 1-based column (in characters).
#[derive(Clone, Debug, PartialEq)]
pub struct ParseError {
    pub message: String,
    pub column: usize,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at column {}", self.message, self.column)
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Num(f64),
    Ident(String),
    Op(&'static str),
    LParen,
    RParen,
    Comma,
    End,
}

impl fmt::Display for Tok {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Tok::Num(n) => write!(f, "number `{n}`"),
            Tok::Ident(s) => write!(f, "`{s}`"),
            Tok::Op(o) => write!(f, "`{o}`"),
            Tok::LParen => f.write_str("`(`"),
            Tok::RParen => f.write_str("`)`"),
            Tok::Comma => f.write_str("`,`"),
            Tok::End => f.write_str("end of expression"),
        }
    }
}

const MAX_LEN: usize = 10_000;
const MAX_DEPTH: usize = 64;

fn lex(src: &str) -> Result<Vec<(Tok, usize)>, ParseError> {
    if src.chars().count() > MAX_LEN {
        return Err(ParseError {
            message: format!("expression longer than {MAX_LEN} characters"),
            column: 1,
        });
    }
    let chars: Vec<char> = src.chars().collect();
    let mut toks = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let col = i + 1;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if c.is_ascii_digit() || (c == '.' && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit()))
        {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            if i < chars.len() && (chars[i] == 'e' || chars[i] == 'E') {
                let mut j = i + 1;
                if j < chars.len() && (chars[j] == '+' || chars[j] == '-') {
                    j += 1;
                }
                if j < chars.len() && chars[j].is_ascii_digit() {
                    i = j;
                    while i < chars.len() && chars[i].is_ascii_digit() {
                        i += 1;
                    }
                }
            }
            let text: String = chars[start..i].iter().collect();
            let n: f64 = text.parse().map_err(|_| ParseError {
                message: format!("malformed number `{text}`"),
                column: col,
            })?;
            toks.push((Tok::Num(n), col));
            continue;
        }
        if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            toks.push((Tok::Ident(chars[start..i].iter().collect()), col));
            continue;
        }
        let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
        let op2 = ["<=", ">=", "==", "!=", "&&", "||"]
            .into_iter()
            .find(|o| *o == two);
        if let Some(o) = op2 {
            toks.push((Tok::Op(o), col));
            i += 2;
            continue;
        }
        let tok = match c {
            '+' => Tok::Op("+"),
            '-' => Tok::Op("-"),
            '*' => Tok::Op("*"),
            '/' => Tok::Op("/"),
            '<' => Tok::Op("<"),
            '>' => Tok::Op(">"),
            '!' => Tok::Op("!"),
            '(' => Tok::LParen,
            ')' => Tok::RParen,
            ',' => Tok::Comma,
            _ => {
                return Err(ParseError {
                    message: format!("unexpected character `{c}`"),
                    column: col,
                })
            }
        };
        toks.push((tok, col));
        i += 1;
    }
    toks.push((Tok::End, chars.len() + 1));
    Ok(toks)
}

struct Parser<'a> {
    toks: Vec<(Tok, usize)>,
    pos: usize,
    depth: usize,
    resolve: &'a dyn Fn(&str) -> Option<usize>,
    names: &'a [String],
}

impl Parser<'_> {
    fn peek(&self) -> &Tok {
        &self.toks[self.pos].0
    }
    fn col(&self) -> usize {
        self.toks[self.pos].1
    }
    fn next(&mut self) -> (Tok, usize) {
        let t = self.toks[self.pos].clone();
        if self.pos + 1 < self.toks.len() {
            self.pos += 1;
        }
        t
    }
    fn err<T>(&self, message: String) -> Result<T, ParseError> {
        Err(ParseError {
            message,
            column: self.col(),
        })
    }
    fn is_op(&self, op: &str) -> bool {
        matches!(self.peek(), Tok::Op(o) if *o == op)
    }
    fn is_word(&self, w: &str) -> bool {
        matches!(self.peek(), Tok::Ident(s) if s == w)
    }

    fn enter(&mut self) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return self.err(format!("expression nested deeper than {MAX_DEPTH} levels"));
        }
        Ok(())
    }

    fn expr(&mut self) -> Result<Expr, ParseError> {
        self.enter()?;
        let mut lhs = self.and()?;
        while self.is_word("or") || self.is_op("||") {
            let col = self.next().1;
            let rhs = self.and()?;
            lhs = Expr::Bin(Op::Or, Box::new(lhs), Box::new(rhs), col);
        }
        self.depth -= 1;
        Ok(lhs)
    }
    fn and(&mut self) -> Result<Expr, ParseError> {
        let mut lhs = self.not()?;
        while self.is_word("and") || self.is_op("&&") {
            let col = self.next().1;
            let rhs = self.not()?;
            lhs = Expr::Bin(Op::And, Box::new(lhs), Box::new(rhs), col);
        }
        Ok(lhs)
    }
    fn not(&mut self) -> Result<Expr, ParseError> {
        if self.is_word("not") || self.is_op("!") {
            self.next();
            self.enter()?;
            let e = self.not()?;
            self.depth -= 1;
            return Ok(Expr::Not(Box::new(e)));
        }
        self.cmp()
    }
    fn cmp(&mut self) -> Result<Expr, ParseError> {
        let lhs = self.sum()?;
        let op = match self.peek() {
            Tok::Op("<") => Op::Lt,
            Tok::Op("<=") => Op::Le,
            Tok::Op(">") => Op::Gt,
            Tok::Op(">=") => Op::Ge,
            Tok::Op("==") => Op::Eq,
            Tok::Op("!=") => Op::Ne,
            _ => return Ok(lhs),
        };
        let col = self.next().1;
        let rhs = self.sum()?;
        if matches!(self.peek(), Tok::Op("<" | "<=" | ">" | ">=" | "==" | "!=")) {
            return self.err("comparisons cannot be chained; use `and`".into());
        }
        Ok(Expr::Bin(op, Box::new(lhs), Box::new(rhs), col))
    }
    fn sum(&mut self) -> Result<Expr, ParseError> {
        let mut lhs = self.product()?;
        loop {
            let op = match self.peek() {
                Tok::Op("+") => Op::Add,
                Tok::Op("-") => Op::Sub,
                _ => return Ok(lhs),
            };
            let col = self.next().1;
            let rhs = self.product()?;
            lhs = Expr::Bin(op, Box::new(lhs), Box::new(rhs), col);
        }
    }
    fn product(&mut self) -> Result<Expr, ParseError> {
        let mut lhs = self.unary()?;
        loop {
            let op = match self.peek() {
                Tok::Op("*") => Op::Mul,
                Tok::Op("/") => Op::Div,
                _ => return Ok(lhs),
            };
            let col = self.next().1;
            let rhs = self.unary()?;
            lhs = Expr::Bin(op, Box::new(lhs), Box::new(rhs), col);
        }
    }
    fn unary(&mut self) -> Result<Expr, ParseError> {
        if self.is_op("-") || self.is_op("+") {
            let neg = self.is_op("-");
            self.next();
            self.enter()?;
            let e = self.unary()?;
            self.depth -= 1;
            return Ok(if neg { Expr::Neg(Box::new(e)) } else { e });
        }
        self.atom()
    }
    fn atom(&mut self) -> Result<Expr, ParseError> {
        let (tok, col) = self.next();
        match tok {
            Tok::Num(n) => Ok(Expr::Num(n)),
            Tok::LParen => {
                let e = self.expr()?;
                if *self.peek() != Tok::RParen {
                    return self.err(format!("expected `)`, found {}", self.peek()));
                }
                self.next();
                Ok(e)
            }
            Tok::Ident(name) => {
                if *self.peek() == Tok::LParen {
                    let Some(f) = Func::parse(&name) else {
                        return Err(ParseError {
                            message: format!(
                                "unknown function `{name}` (functions: min, max, abs, clamp, if, sqrt, exp, log)"
                            ),
                            column: col,
                        });
                    };
                    self.next();
                    let mut args = vec![self.expr()?];
                    while *self.peek() == Tok::Comma {
                        self.next();
                        args.push(self.expr()?);
                    }
                    if *self.peek() != Tok::RParen {
                        return self.err(format!("expected `,` or `)`, found {}", self.peek()));
                    }
                    self.next();
                    let (lo, hi) = f.arity();
                    if args.len() < lo || args.len() > hi {
                        let want = if lo == hi {
                            format!("{lo}")
                        } else {
                            format!("at least {lo}")
                        };
                        return Err(ParseError {
                            message: format!(
                                "`{}` takes {want} argument(s), got {}",
                                f.name(),
                                args.len()
                            ),
                            column: col,
                        });
                    }
                    return Ok(Expr::Call(f, args));
                }
                match (self.resolve)(&name) {
                    Some(i) => Ok(Expr::Var(i, name)),
                    None => Err(ParseError {
                        message: if self.names.is_empty() {
                            format!("unknown component `{name}` (no components are defined)")
                        } else {
                            let hint = crate::registry::closest(
                                &name,
                                self.names.iter().map(String::as_str),
                            )
                            .map(|s| format!("did you mean `{s}`? "))
                            .unwrap_or_default();
                            format!(
                                "unknown component `{name}` ({hint}components: {})",
                                self.names.join(", ")
                            )
                        },
                        column: col,
                    }),
                }
            }
            other => Err(ParseError {
                message: format!("unexpected {other}"),
                column: col,
            }),
        }
    }
}

impl Expr {
    /// Parse `src`, resolving names among `names` (the route's components, by index).
    pub fn parse(src: &str, names: &[String]) -> Result<Expr, ParseError> {
        let resolve = |n: &str| names.iter().position(|c| c == n);
        let mut p = Parser {
            toks: lex(src)?,
            pos: 0,
            depth: 0,
            resolve: &resolve,
            names,
        };
        if *p.peek() == Tok::End {
            return p.err("empty expression".into());
        }
        let e = p.expr()?;
        if *p.peek() != Tok::End {
            return p.err(format!(
                "unexpected {} after a complete expression",
                p.peek()
            ));
        }
        Ok(e)
    }

    /// Indices of the components this expression reads.
    pub fn vars(&self, out: &mut Vec<usize>) {
        match self {
            Expr::Num(_) => {}
            Expr::Var(i, _) => out.push(*i),
            Expr::Neg(e) | Expr::Not(e) => e.vars(out),
            Expr::Bin(_, a, b, _) => {
                a.vars(out);
                b.vars(out);
            }
            Expr::Call(_, args) => args.iter().for_each(|a| a.vars(out)),
        }
    }

    /// Evaluate with component values. Errors name the problem (division by zero, a failed
    /// component, a non-finite value).
    pub fn eval(&self, values: &[Option<f64>]) -> Result<f64, String> {
        let v = self.eval_inner(values)?;
        if v.is_finite() {
            Ok(v)
        } else {
            Err(format!("reward expression gave a non-finite value ({v})"))
        }
    }

    fn eval_inner(&self, values: &[Option<f64>]) -> Result<f64, String> {
        let truth = |x: f64| if x != 0.0 { 1.0 } else { 0.0 };
        Ok(match self {
            Expr::Num(n) => *n,
            Expr::Var(i, name) => match values.get(*i).copied().flatten() {
                Some(v) if v.is_finite() => v,
                Some(v) => return Err(format!("component `{name}` is not finite ({v})")),
                None => return Err(format!("component `{name}` has no value")),
            },
            Expr::Neg(e) => -e.eval_inner(values)?,
            Expr::Not(e) => 1.0 - truth(e.eval_inner(values)?),
            Expr::Bin(op, a, b, col) => {
                let x = a.eval_inner(values)?;
                match op {
                    Op::And if x == 0.0 => return Ok(0.0),
                    Op::Or if x != 0.0 => return Ok(1.0),
                    _ => {}
                }
                let y = b.eval_inner(values)?;
                let b2f = |b: bool| if b { 1.0 } else { 0.0 };
                match op {
                    Op::Add => x + y,
                    Op::Sub => x - y,
                    Op::Mul => x * y,
                    Op::Div => {
                        if y == 0.0 {
                            return Err(format!(
                                "division by zero in reward expression at column {col}"
                            ));
                        }
                        x / y
                    }
                    Op::Lt => b2f(x < y),
                    Op::Le => b2f(x <= y),
                    Op::Gt => b2f(x > y),
                    Op::Ge => b2f(x >= y),
                    Op::Eq => b2f(x == y),
                    Op::Ne => b2f(x != y),
                    Op::And | Op::Or => truth(y),
                }
            }
            Expr::Call(f, args) => match f {
                Func::If => {
                    if args[0].eval_inner(values)? != 0.0 {
                        args[1].eval_inner(values)?
                    } else {
                        args[2].eval_inner(values)?
                    }
                }
                Func::Min | Func::Max => {
                    let mut acc = args[0].eval_inner(values)?;
                    for a in &args[1..] {
                        let v = a.eval_inner(values)?;
                        acc = if *f == Func::Min {
                            acc.min(v)
                        } else {
                            acc.max(v)
                        };
                    }
                    acc
                }
                Func::Abs => args[0].eval_inner(values)?.abs(),
                Func::Sqrt => {
                    let x = args[0].eval_inner(values)?;
                    if x < 0.0 {
                        return Err(format!(
                            "sqrt of a negative number ({x}) in reward expression"
                        ));
                    }
                    x.sqrt()
                }
                Func::Exp => args[0].eval_inner(values)?.exp(),
                Func::Log => {
                    let x = args[0].eval_inner(values)?;
                    if x <= 0.0 {
                        return Err(format!(
                            "log of a non-positive number ({x}) in reward expression"
                        ));
                    }
                    x.ln()
                }
                Func::Clamp => {
                    let x = args[0].eval_inner(values)?;
                    let lo = args[1].eval_inner(values)?;
                    let hi = args[2].eval_inner(values)?;
                    if lo > hi {
                        return Err(format!(
                            "clamp with lower bound {lo} above upper bound {hi}"
                        ));
                    }
                    x.max(lo).min(hi)
                }
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> Vec<String> {
        vec!["correct".into(), "format".into(), "overlong".into()]
    }

    fn eval(src: &str, vals: &[f64]) -> Result<f64, String> {
        let v: Vec<Option<f64>> = vals.iter().map(|x| Some(*x)).collect();
        Expr::parse(src, &names())
            .map_err(|e| e.to_string())?
            .eval(&v)
    }

    #[test]
    fn arithmetic_and_precedence() {
        assert_eq!(
            eval("correct + 0.25 * format + overlong", &[1.0, 1.0, -0.5]),
            Ok(0.75)
        );
        assert_eq!(eval("-(correct - 3) * 2", &[1.0, 0.0, 0.0]), Ok(4.0));
        assert_eq!(eval("2 * -correct", &[1.5, 0.0, 0.0]), Ok(-3.0));
        assert_eq!(eval("1e-1 * 10", &[0.0; 3]), Ok(1.0));
        assert_eq!(eval("10 / 4 / 5", &[0.0; 3]), Ok(0.5));
    }

    #[test]
    fn functions_and_logic() {
        assert_eq!(eval("min(correct, format, 0.5)", &[1.0, 0.2, 0.0]), Ok(0.2));
        assert_eq!(eval("max(correct, format)", &[1.0, 0.2, 0.0]), Ok(1.0));
        assert_eq!(
            eval("clamp(overlong * 3, -1, 1)", &[0.0, 0.0, -0.5]),
            Ok(-1.0)
        );
        assert_eq!(eval("abs(overlong)", &[0.0, 0.0, -0.5]), Ok(0.5));
        assert_eq!(
            eval("if(correct >= 1, 1 + format, -1)", &[1.0, 0.5, 0.0]),
            Ok(1.5)
        );
        assert_eq!(
            eval("if(correct >= 1, 1 + format, -1)", &[0.0, 0.5, 0.0]),
            Ok(-1.0)
        );
        assert_eq!(
            eval(
                "correct > 0 and format > 0 or overlong < 0",
                &[1.0, 0.0, -1.0]
            ),
            Ok(1.0)
        );
        assert_eq!(eval("not correct", &[0.0, 0.0, 0.0]), Ok(1.0));
        assert_eq!(
            eval("correct == 1 && !(format != 0)", &[1.0, 0.0, 0.0]),
            Ok(1.0)
        );
        // Only the branch taken is evaluated.
        assert_eq!(
            eval("if(format, correct / format, 0)", &[1.0, 0.0, 0.0]),
            Ok(0.0)
        );
        assert_eq!(eval("sqrt(4) + log(exp(2))", &[0.0; 3]), Ok(4.0));
    }

    #[test]
    fn runtime_errors() {
        assert_eq!(
            eval("correct / format", &[1.0, 0.0, 0.0]),
            Err("division by zero in reward expression at column 9".into())
        );
        assert_eq!(
            eval("log(format)", &[1.0, 0.0, 0.0]),
            Err("log of a non-positive number (0) in reward expression".into())
        );
        let e = Expr::parse("correct + format", &names()).unwrap();
        assert_eq!(
            e.eval(&[Some(1.0), None, None]),
            Err("component `format` has no value".into())
        );
        assert_eq!(
            e.eval(&[Some(f64::MAX), Some(f64::MAX), None]),
            Err("reward expression gave a non-finite value (inf)".into())
        );
    }

    #[test]
    fn parse_errors_point_at_the_column() {
        let err = |s: &str| Expr::parse(s, &names()).unwrap_err().to_string();
        assert_eq!(
            err("correct + "),
            "unexpected end of expression at column 11"
        );
        assert_eq!(
            err("correct + (format"),
            "expected `)`, found end of expression at column 18"
        );
        assert_eq!(
            err("correct + formatt"),
            "unknown component `formatt` (did you mean `format`? components: correct, format, overlong) at column 11"
        );
        assert_eq!(err("corect $ 2"), "unexpected character `$` at column 8");
        assert_eq!(err("pow(correct, 2)"), "unknown function `pow` (functions: min, max, abs, clamp, if, sqrt, exp, log) at column 1");
        assert_eq!(
            err("clamp(correct, 1)"),
            "`clamp` takes 3 argument(s), got 2 at column 1"
        );
        assert_eq!(
            err("correct format"),
            "unexpected `format` after a complete expression at column 9"
        );
        assert_eq!(
            err("0 < correct < 1"),
            "comparisons cannot be chained; use `and` at column 13"
        );
        assert_eq!(err(""), "empty expression at column 1");
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        let deep = format!("{}1{}", "(".repeat(4_000), ")".repeat(4_000));
        let e = Expr::parse(&deep, &names()).unwrap_err();
        assert_eq!(e.message, "expression nested deeper than 64 levels");
        let negs = format!("{}1", "-".repeat(4_000));
        assert!(Expr::parse(&negs, &names()).is_err());
    }
}
