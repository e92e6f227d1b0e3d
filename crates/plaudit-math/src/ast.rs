//! The expression tree every answer is parsed into, and its normalised printed form.

use std::fmt;

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Signed, Zero};

/// Mathematical constants.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Const {
    Pi,
    E,
    I,
    Inf,
}

/// Functions of one or two arguments.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Func {
    Sin,
    Cos,
    Tan,
    Cot,
    Sec,
    Csc,
    Asin,
    Acos,
    Atan,
    Acot,
    Asec,
    Acsc,
    Sinh,
    Cosh,
    Tanh,
    /// Natural logarithm.
    Ln,
    /// `Log[x, base]`.
    Log,
    Exp,
    Sqrt,
    /// `Root[x, n]`: the n-th root.
    Root,
    Abs,
    Fact,
    /// `Binom[n, k]`.
    Binom,
    Floor,
    Ceil,
}

impl Func {
    pub fn name(self) -> &'static str {
        match self {
            Func::Sin => "sin",
            Func::Cos => "cos",
            Func::Tan => "tan",
            Func::Cot => "cot",
            Func::Sec => "sec",
            Func::Csc => "csc",
            Func::Asin => "asin",
            Func::Acos => "acos",
            Func::Atan => "atan",
            Func::Acot => "acot",
            Func::Asec => "asec",
            Func::Acsc => "acsc",
            Func::Sinh => "sinh",
            Func::Cosh => "cosh",
            Func::Tanh => "tanh",
            Func::Ln => "ln",
            Func::Log => "log",
            Func::Exp => "exp",
            Func::Sqrt => "sqrt",
            Func::Root => "root",
            Func::Abs => "abs",
            Func::Fact => "factorial",
            Func::Binom => "binom",
            Func::Floor => "floor",
            Func::Ceil => "ceil",
        }
    }

    /// The inverse of a trigonometric function (`\sin^{-1}`), if it has one here.
    pub fn inverse(self) -> Option<Func> {
        Some(match self {
            Func::Sin => Func::Asin,
            Func::Cos => Func::Acos,
            Func::Tan => Func::Atan,
            Func::Cot => Func::Acot,
            Func::Sec => Func::Asec,
            Func::Csc => Func::Acsc,
            _ => return None,
        })
    }

    /// Functions that are only meaningful on real arguments (no complex test points).
    pub fn real_only(self) -> bool {
        matches!(
            self,
            Func::Abs | Func::Floor | Func::Ceil | Func::Fact | Func::Binom
        )
    }
}

/// Relations between expressions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rel {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    /// Set membership `x \in S`.
    In,
}

impl Rel {
    pub fn symbol(self) -> &'static str {
        match self {
            Rel::Eq => "=",
            Rel::Ne => "!=",
            Rel::Lt => "<",
            Rel::Le => "<=",
            Rel::Gt => ">",
            Rel::Ge => ">=",
            Rel::In => "in",
        }
    }
    /// The relation read right to left (`a < b` is `b > a`).
    pub fn flip(self) -> Rel {
        match self {
            Rel::Lt => Rel::Gt,
            Rel::Le => Rel::Ge,
            Rel::Gt => Rel::Lt,
            Rel::Ge => Rel::Le,
            r => r,
        }
    }
}

/// An opening or closing bracket of a tuple or interval.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bracket {
    Round,
    Square,
}

/// One parsed answer or sub-expression.
#[derive(Clone, Debug, PartialEq)]
pub enum Node {
    /// An exact number; `Some(d)` when it was written as a decimal with `d` fraction digits.
    Num(BigRational, Option<u32>),
    Const(Const),
    Sym(String),
    Add(Vec<Node>),
    Mul(Vec<Node>),
    Neg(Box<Node>),
    Div(Box<Node>, Box<Node>),
    Pow(Box<Node>, Box<Node>),
    Apply(Func, Vec<Node>),
    /// `a ± b`.
    Pm(Box<Node>, Box<Node>),
    Percent(Box<Node>),
    Degree(Box<Node>),
    /// `(a, b, …)` or `[a, b]`: a tuple, or an interval when it has two items.
    Tuple(Vec<Node>, Bracket, Bracket),
    Set(Vec<Node>),
    Matrix(Vec<Vec<Node>>),
    Union(Vec<Node>),
    /// A chain `a op b op c …`: items.len() == ops.len() + 1.
    Rel(Vec<Node>, Vec<Rel>),
    /// Several answers ("3, 5", "x = 1 or x = 2").
    List(Vec<Node>),
    /// Words that are not mathematics (normalised: lower case, single spaces).
    Text(String),
}

impl Node {
    pub fn int(i: i64) -> Node {
        Node::Num(BigRational::from_integer(BigInt::from(i)), None)
    }

    /// Whether the node contains a free symbol.
    pub fn has_symbols(&self) -> bool {
        let mut found = false;
        self.walk(&mut |n| {
            if matches!(n, Node::Sym(_)) {
                found = true;
            }
        });
        found
    }

    /// Whether the node contains the symbol `name`.
    pub fn has_symbol(&self, name: &str) -> bool {
        let mut found = false;
        self.walk(&mut |n| {
            if let Node::Sym(s) = n {
                if s == name {
                    found = true;
                }
            }
        });
        found
    }

    /// The free symbols, sorted and deduplicated.
    pub fn symbols(&self, out: &mut Vec<String>) {
        self.walk(&mut |n| {
            if let Node::Sym(s) = n {
                if !out.contains(s) {
                    out.push(s.clone());
                }
            }
        });
        out.sort();
    }

    pub fn children(&self) -> Vec<&Node> {
        match self {
            Node::Num(..) | Node::Const(_) | Node::Sym(_) | Node::Text(_) => Vec::new(),
            Node::Add(v) | Node::Mul(v) | Node::Apply(_, v) | Node::Tuple(v, ..) | Node::Set(v) => {
                v.iter().collect()
            }
            Node::Union(v) | Node::List(v) | Node::Rel(v, _) => v.iter().collect(),
            Node::Neg(a) | Node::Percent(a) | Node::Degree(a) => vec![a],
            Node::Div(a, b) | Node::Pow(a, b) | Node::Pm(a, b) => vec![a, b],
            Node::Matrix(rows) => rows.iter().flatten().collect(),
        }
    }

    /// Visit every node, depth first. Trees are depth-bounded by the parser, so recursion is safe.
    pub fn walk(&self, f: &mut dyn FnMut(&Node)) {
        f(self);
        for c in self.children() {
            c.walk(f);
        }
    }

    /// Whether any node satisfies `pred`.
    pub fn any(&self, pred: &dyn Fn(&Node) -> bool) -> bool {
        if pred(self) {
            return true;
        }
        self.children().into_iter().any(|c| c.any(pred))
    }

    /// A scalar expression (not a set, tuple, relation, list or text).
    pub fn is_scalar(&self) -> bool {
        !matches!(
            self,
            Node::Tuple(..)
                | Node::Set(_)
                | Node::Matrix(_)
                | Node::Union(_)
                | Node::Rel(..)
                | Node::List(_)
                | Node::Text(_)
        )
    }
}

fn fmt_rational(q: &BigRational, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    if q.denom().is_one() {
        write!(f, "{}", q.numer())
    } else {
        write!(f, "{}/{}", q.numer(), q.denom())
    }
}

fn join(f: &mut fmt::Formatter<'_>, items: &[Node], sep: &str) -> fmt::Result {
    for (i, x) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(sep)?;
        }
        write!(f, "{x}")?;
    }
    Ok(())
}

fn atomic(n: &Node) -> bool {
    match n {
        Node::Num(q, _) => !q.is_negative() && q.denom().is_one(),
        Node::Const(_) | Node::Sym(_) | Node::Apply(..) | Node::Tuple(..) | Node::Set(_) => true,
        _ => false,
    }
}

struct Paren<'a>(&'a Node);
impl fmt::Display for Paren<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if atomic(self.0) {
            write!(f, "{}", self.0)
        } else {
            write!(f, "({})", self.0)
        }
    }
}

impl fmt::Display for Node {
    /// The normalised form shown in result details: plain-text mathematics.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Node::Num(q, _) => {
                if q.is_zero() {
                    f.write_str("0")
                } else {
                    fmt_rational(q, f)
                }
            }
            Node::Const(c) => f.write_str(match c {
                Const::Pi => "pi",
                Const::E => "e",
                Const::I => "i",
                Const::Inf => "oo",
            }),
            Node::Sym(s) => f.write_str(s),
            Node::Add(v) => {
                for (i, x) in v.iter().enumerate() {
                    match x {
                        Node::Neg(inner) if i > 0 => write!(f, " - {}", Paren(inner))?,
                        _ if i > 0 => write!(f, " + {x}")?,
                        _ => write!(f, "{x}")?,
                    }
                }
                Ok(())
            }
            Node::Mul(v) => {
                let inv = |x: &Node| match x {
                    Node::Pow(b, e) if **e == Node::int(-1) => Some(b.as_ref().clone()),
                    _ => None,
                };
                let num: Vec<&Node> = v.iter().filter(|x| inv(x).is_none()).collect();
                let den: Vec<Node> = v.iter().filter_map(inv).collect();
                if num.is_empty() {
                    f.write_str("1")?;
                }
                for (i, x) in num.iter().enumerate() {
                    if i > 0 {
                        f.write_str("*")?;
                    }
                    if num.len() == 1 && den.is_empty() {
                        write!(f, "{x}")?;
                    } else {
                        write!(f, "{}", Paren(x))?;
                    }
                }
                for d in &den {
                    write!(f, "/{}", Paren(d))?;
                }
                Ok(())
            }
            Node::Neg(a) => write!(f, "-{}", Paren(a)),
            Node::Div(a, b) => write!(f, "{}/{}", Paren(a), Paren(b)),
            Node::Pow(a, b) => write!(f, "{}^{}", Paren(a), Paren(b)),
            Node::Apply(func, args) => {
                write!(f, "{}(", func.name())?;
                join(f, args, ", ")?;
                f.write_str(")")
            }
            Node::Pm(a, b) => write!(f, "{} ± {}", a, Paren(b)),
            Node::Percent(a) => write!(f, "{}%", Paren(a)),
            Node::Degree(a) => write!(f, "{}°", Paren(a)),
            Node::Tuple(v, o, c) => {
                f.write_str(if *o == Bracket::Round { "(" } else { "[" })?;
                join(f, v, ", ")?;
                f.write_str(if *c == Bracket::Round { ")" } else { "]" })
            }
            Node::Set(v) => {
                f.write_str("{")?;
                join(f, v, ", ")?;
                f.write_str("}")
            }
            Node::Matrix(rows) => {
                f.write_str("[")?;
                for (i, r) in rows.iter().enumerate() {
                    if i > 0 {
                        f.write_str("; ")?;
                    }
                    join(f, r, ", ")?;
                }
                f.write_str("]")
            }
            Node::Union(v) => join(f, v, " U "),
            Node::Rel(items, ops) => {
                for (i, x) in items.iter().enumerate() {
                    if i > 0 {
                        write!(f, " {} ", ops[i - 1].symbol())?;
                    }
                    write!(f, "{x}")?;
                }
                Ok(())
            }
            Node::List(v) => join(f, v, "; "),
            Node::Text(s) => write!(f, "\"{s}\""),
        }
    }
}
