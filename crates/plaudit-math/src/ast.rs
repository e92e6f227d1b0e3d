//! The expression tree every answer is parsed into, and its normalised printed form.

use std::fmt::{self, Display};

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Signed, ToPrimitive, Zero};

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

    /// Whether the node is `Node::int(-1)` (`== Node::int(-1)` without building one).
    pub fn is_minus_one(&self) -> bool {
        matches!(self, Node::Num(q, None)
            if !q.numer().is_zero()
                && q.numer().sign() != q.denom().sign()
                && q.numer().magnitude() == q.denom().magnitude())
    }

    /// Whether the node contains a free symbol.
    pub fn has_symbols(&self) -> bool {
        self.any(&|n| matches!(n, Node::Sym(_)))
    }

    /// Whether the node contains the symbol `name`.
    pub fn has_symbol(&self, name: &str) -> bool {
        self.any(&|n| matches!(n, Node::Sym(s) if s == name))
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

    /// The children in the order of [`Node::children`], without collecting them: `f` until
    /// it returns `false` (then `false`).
    fn each_child(&self, f: &mut dyn FnMut(&Node) -> bool) -> bool {
        match self {
            Node::Num(..) | Node::Const(_) | Node::Sym(_) | Node::Text(_) => true,
            Node::Add(v)
            | Node::Mul(v)
            | Node::Apply(_, v)
            | Node::Tuple(v, ..)
            | Node::Set(v)
            | Node::Union(v)
            | Node::List(v)
            | Node::Rel(v, _) => v.iter().all(f),
            Node::Neg(a) | Node::Percent(a) | Node::Degree(a) => f(a),
            Node::Div(a, b) | Node::Pow(a, b) | Node::Pm(a, b) => f(a) && f(b),
            Node::Matrix(rows) => rows.iter().flatten().all(f),
        }
    }

    /// Visit every node, depth first. Trees are depth-bounded by the parser, so recursion is safe.
    pub fn walk(&self, f: &mut dyn FnMut(&Node)) {
        f(self);
        self.each_child(&mut |c| {
            c.walk(f);
            true
        });
    }

    /// Whether any node satisfies `pred`.
    pub fn any(&self, pred: &dyn Fn(&Node) -> bool) -> bool {
        if pred(self) {
            return true;
        }
        !self.each_child(&mut |c| !c.any(pred))
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
    // Machine integers print the same digits without a big-integer conversion.
    if let (Some(n), Some(d)) = (q.numer().to_i64(), q.denom().to_i64()) {
        return if d == 1 {
            write!(f, "{n}")
        } else {
            write!(f, "{n}/{d}")
        };
    }
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
        x.fmt(f)?;
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

/// `n`, in parentheses unless it is atomic.
fn paren(n: &Node, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    if atomic(n) {
        n.fmt(f)
    } else {
        f.write_str("(")?;
        n.fmt(f)?;
        f.write_str(")")
    }
}

// Nodes print through the formatter directly (no `write!` per node: the printed form is built
// for every comparison); nothing formats a node with a width or other flags.
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
                        Node::Neg(inner) if i > 0 => {
                            f.write_str(" - ")?;
                            paren(inner, f)?;
                        }
                        _ if i > 0 => {
                            f.write_str(" + ")?;
                            x.fmt(f)?;
                        }
                        _ => x.fmt(f)?,
                    }
                }
                Ok(())
            }
            Node::Mul(v) => {
                fn inv(x: &Node) -> Option<&Node> {
                    match x {
                        Node::Pow(b, e) if e.is_minus_one() => Some(&**b),
                        _ => None,
                    }
                }
                let num_len = v.iter().filter(|x| inv(x).is_none()).count();
                let has_den = num_len < v.len();
                if num_len == 0 {
                    f.write_str("1")?;
                }
                for (i, x) in v.iter().filter(|x| inv(x).is_none()).enumerate() {
                    if i > 0 {
                        f.write_str("*")?;
                    }
                    if num_len == 1 && !has_den {
                        x.fmt(f)?;
                    } else {
                        paren(x, f)?;
                    }
                }
                for d in v.iter().filter_map(inv) {
                    f.write_str("/")?;
                    paren(d, f)?;
                }
                Ok(())
            }
            Node::Neg(a) => {
                f.write_str("-")?;
                paren(a, f)
            }
            Node::Div(a, b) => {
                paren(a, f)?;
                f.write_str("/")?;
                paren(b, f)
            }
            Node::Pow(a, b) => {
                paren(a, f)?;
                f.write_str("^")?;
                paren(b, f)
            }
            Node::Apply(func, args) => {
                f.write_str(func.name())?;
                f.write_str("(")?;
                join(f, args, ", ")?;
                f.write_str(")")
            }
            Node::Pm(a, b) => {
                a.fmt(f)?;
                f.write_str(" ± ")?;
                paren(b, f)
            }
            Node::Percent(a) => {
                paren(a, f)?;
                f.write_str("%")
            }
            Node::Degree(a) => {
                paren(a, f)?;
                f.write_str("°")
            }
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
                        f.write_str(" ")?;
                        f.write_str(ops[i - 1].symbol())?;
                        f.write_str(" ")?;
                    }
                    x.fmt(f)?;
                }
                Ok(())
            }
            Node::List(v) => join(f, v, "; "),
            Node::Text(s) => {
                f.write_str("\"")?;
                f.write_str(s)?;
                f.write_str("\"")
            }
        }
    }
}
