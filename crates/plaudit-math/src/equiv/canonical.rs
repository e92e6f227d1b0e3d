//! The canonical top-level shape of an answer, before comparing: `±` expanded into several
//! answers, `x \in S` as `S`, chains `x = a = b` as `x = b`, solved equations and their values,
//! sums and products of matrices folded into one matrix.

use std::borrow::Cow;

use num_traits::Zero;

use crate::ast::{Bracket, Func, Node, Rel};

/// `x = value` (or `value = x`) where `value` does not contain `x`.
pub fn solved(n: &Node) -> Option<(&str, &Node)> {
    if let Node::Rel(items, ops) = n {
        if ops.len() == 1 && ops[0] == Rel::Eq {
            if let Node::Sym(x) = &items[0] {
                if !items[1].has_symbol(x) {
                    return Some((x, &items[1]));
                }
            }
            if let Node::Sym(x) = &items[1] {
                if !items[0].has_symbol(x) {
                    return Some((x, &items[0]));
                }
            }
        }
    }
    None
}

/// `(x, y) = (1, 2)`: a tuple of distinct variables set to a tuple of values free of them.
pub fn tuple_solved(n: &Node) -> Option<&Node> {
    let Node::Rel(items, ops) = n else {
        return None;
    };
    if ops.len() != 1 || ops[0] != Rel::Eq {
        return None;
    }
    for (l, r) in [(&items[0], &items[1]), (&items[1], &items[0])] {
        if let (Node::Tuple(names, ..), Node::Tuple(vals, ..)) = (l, r) {
            // Distinct variables on one side, whichever side (`(1, 2) = (x, y)` too).
            let mut seen: Vec<&str> = Vec::new();
            let all_names = names.iter().all(|x| match x {
                Node::Sym(v) if !seen.contains(&v.as_str()) && !r.has_symbol(v) => {
                    seen.push(v);
                    true
                }
                _ => false,
            });
            if all_names && names.len() == vals.len() {
                return Some(r);
            }
        }
    }
    None
}

/// A quantity named only by letters: `AB`, `|AB|`, `V_1:V_2`, `\frac{NO}{BO}`, `x`.
fn named_quantity(n: &Node) -> bool {
    match n {
        Node::Sym(_) => true,
        Node::Mul(v) => {
            !v.is_empty()
                && v.iter().all(|x| match x {
                    Node::Pow(b, e) => {
                        named_quantity(b) && matches!(&**e, Node::Num(q, _) if *q == -num_rational::BigRational::from_integer(1.into()))
                    }
                    x => named_quantity(x),
                })
        }
        Node::Div(a, b) => named_quantity(a) && named_quantity(b),
        Node::Apply(Func::Abs, v) => v.len() == 1 && named_quantity(&v[0]),
        _ => false,
    }
}

/// A reference `AB = 4`, `V_1:V_2 = 11:21`, `(p, q) = (3, 2)`, `x = 5`: the value stated for a
/// named quantity (the reference is trusted to be an answer, not a restated question).
pub fn reference_value(n: &Node) -> Option<&Node> {
    if let Some((_, v)) = solved(n) {
        return Some(v);
    }
    if let Some(v) = tuple_solved(n) {
        return Some(v);
    }
    if let Node::Rel(items, ops) = n {
        if ops.len() == 1 && ops[0] == Rel::Eq && named_quantity(&items[0]) {
            let mut names = Vec::new();
            items[0].symbols(&mut names);
            if !names.iter().any(|x| items[1].has_symbol(x)) {
                return Some(&items[1]);
            }
        }
    }
    None
}

/// `p = 5, q = 2; p = 7, q = 2`: solved equations cycling through the same variables, as the
/// tuples `(5, 2), (7, 2)`.
pub(super) fn assignment_groups(items: &[Node], vals: &[Node]) -> Option<Vec<Node>> {
    let vars: Vec<&str> = items
        .iter()
        .map(|x| solved(x).map(|(v, _)| v))
        .collect::<Option<_>>()?;
    let m = vars.iter().skip(1).position(|v| *v == vars[0])? + 1;
    if m < 2
        || !vars.len().is_multiple_of(m)
        || vars[..m]
            .iter()
            .enumerate()
            .any(|(i, v)| vars[..i].contains(v))
    {
        return None;
    }
    if vars.iter().enumerate().any(|(i, v)| *v != vars[i % m]) {
        return None;
    }
    Some(
        vals.chunks(m)
            .map(|c| Node::Tuple(c.to_vec(), Bracket::Round, Bracket::Round))
            .collect(),
    )
}

pub(super) fn is_eq(n: &Node) -> bool {
    matches!(n, Node::Rel(_, ops) if ops.iter().all(|o| *o == Rel::Eq))
}

pub(super) fn is_ineq(n: &Node) -> bool {
    matches!(n, Node::Rel(_, ops) if ops.iter().all(|o| matches!(o, Rel::Lt | Rel::Le | Rel::Gt | Rel::Ge | Rel::Ne)))
}

/// An inequality, or a list holding one.
pub(super) fn has_ineq(n: &Node) -> bool {
    match n {
        Node::List(v) => v.iter().any(is_ineq),
        _ => is_ineq(n),
    }
}

/// Replace the first `±` by `+` (or `-`); false when there is none.
fn replace_first_pm(n: &mut Node, plus: bool) -> bool {
    if let Node::Pm(a, b) = n {
        let a = std::mem::replace(a.as_mut(), Node::int(0));
        let b = std::mem::replace(b.as_mut(), Node::int(0));
        let b = if plus { b } else { Node::Neg(Box::new(b)) };
        *n = if matches!(a, Node::Num(ref q, _) if q.is_zero()) {
            b
        } else {
            Node::Add(vec![a, b])
        };
        return true;
    }
    let kids: Vec<&mut Node> = match n {
        Node::Add(v) | Node::Mul(v) | Node::Apply(_, v) | Node::Rel(v, _) => v.iter_mut().collect(),
        Node::Neg(a) | Node::Percent(a) | Node::Degree(a) => vec![a.as_mut()],
        Node::Div(a, b) | Node::Pow(a, b) => vec![a.as_mut(), b.as_mut()],
        _ => Vec::new(),
    };
    for k in kids {
        if replace_first_pm(k, plus) {
            return true;
        }
    }
    false
}

fn has_pm(n: &Node) -> bool {
    n.any(&|x| matches!(x, Node::Pm(..)))
}

/// `a ± b` as the list of its variants (at most 8).
fn expand_pm(n: &Node) -> Vec<Node> {
    let mut out = vec![n.clone()];
    for _ in 0..3 {
        if !out.iter().any(has_pm) {
            break;
        }
        let mut next = Vec::new();
        for v in out {
            let mut p = v.clone();
            let mut m = v;
            if replace_first_pm(&mut p, true) {
                replace_first_pm(&mut m, false);
                next.push(p);
                next.push(m);
            } else {
                next.push(m);
            }
        }
        out = next;
    }
    out
}

/// Canonical top-level shape: `±` expanded into several answers, `x \in S` as `S`, chains
/// `x = a = b` as `x = b`, several solved equations of one variable as their values.
pub fn normalize(n: &Node) -> Node {
    normalized(n).into_owned()
}

/// [`normalize`], borrowing `n` when it is already in canonical shape (the common case: no
/// copy of the tree).
pub fn normalized(n: &Node) -> Cow<'_, Node> {
    Cow::Owned(match n {
        Node::List(items) | Node::Set(items) => {
            let mut out = Vec::new();
            for it in items {
                match normalize(it) {
                    // An item that expands to several (`1 \pm 2`) gives them all, in a list or a
                    // set alike (`\{1 \pm 2\}` is {3, -1}).
                    Node::List(v) => out.extend(v),
                    x => out.push(x),
                }
            }
            // (x, y) = (5, 8) and (8, 5) → (5, 8), (8, 5)
            for x in out.iter_mut() {
                if let Some(v) = tuple_solved(x) {
                    *x = v.clone();
                }
            }
            // x = 1 or x = 2 → 1, 2
            let vars: Vec<&str> = out
                .iter()
                .filter_map(|x| solved(x).map(|(v, _)| v))
                .collect();
            if vars.len() == out.len() && vars.windows(2).all(|w| w[0] == w[1]) && !vars.is_empty()
            {
                let vals: Vec<Node> = out
                    .iter()
                    .filter_map(|x| solved(x).map(|(_, v)| v.clone()))
                    .collect();
                out = vals;
            }
            if matches!(n, Node::Set(_)) {
                Node::Set(out)
            } else if out.len() == 1 {
                out.pop().unwrap_or(Node::int(0))
            } else {
                Node::List(out)
            }
        }
        Node::Rel(items, ops) => {
            // `-x > -1` is `x < 1`, `-x = -3` is `x = 3`: solved up to sign.
            if ops.len() == 1 && ops[0] != Rel::In {
                for (k, other) in [(0, 1), (1, 0)] {
                    if let Node::Neg(x) = &items[k] {
                        if let Node::Sym(v) = &**x {
                            if !items[other].has_symbol(v) && !items[other].has_symbols() {
                                let mut out = vec![Node::int(0), Node::int(0)];
                                out[k] = (**x).clone();
                                out[other] = Node::Neg(Box::new(items[other].clone()));
                                return Cow::Owned(normalize(&Node::Rel(out, vec![ops[0].flip()])));
                            }
                        }
                    }
                }
            }
            if ops.len() == 1 && ops[0] == Rel::In && matches!(items[0], Node::Sym(_)) {
                return normalized(&items[1]);
            }
            if ops.len() >= 2
                && ops.iter().all(|o| *o == Rel::Eq)
                && matches!(items[0], Node::Sym(_))
            {
                let last = items[items.len() - 1].clone();
                return Cow::Owned(normalize(&Node::Rel(
                    vec![items[0].clone(), last],
                    vec![Rel::Eq],
                )));
            }
            if has_pm(n) {
                return Cow::Owned(normalize(&Node::List(expand_pm(n))));
            }
            return Cow::Borrowed(n);
        }
        Node::Add(_) | Node::Mul(_) | Node::Neg(_) if n.any(&|x| matches!(x, Node::Matrix(_))) => {
            match matrix_fold(n, 0) {
                Some(rows) => Node::Matrix(rows),
                None => return Cow::Borrowed(n),
            }
        }
        _ if has_pm(n) && n.is_scalar() => {
            let v = expand_pm(n);
            if v.len() == 1 {
                v.into_iter().next().unwrap_or(Node::int(0))
            } else {
                Node::List(v)
            }
        }
        _ => return Cow::Borrowed(n),
    })
}

type Rows = Vec<Vec<Node>>;

/// At most this many nodes in the entries of a folded matrix: a product of matrices copies each
/// entry once per column or row of the other factor, so a chain of products grows without bound
/// (22 factors of a 2×2 matrix were gigabytes). Past it the expression stays as written.
const FOLD_NODES: usize = 20_000;

fn nodes(n: &Node) -> usize {
    let mut k = 0;
    n.walk(&mut |_| k += 1);
    k
}

fn rows_nodes(m: &Rows) -> usize {
    m.iter().flatten().map(nodes).sum()
}

/// A sum, product or negation of matrices (and scalars) as one matrix, elementwise; `None`
/// when the shapes do not fit, there is no matrix, or the entries would pass [`FOLD_NODES`].
/// Each step adds one level to the entries (the scalars of a product are one factor, the terms of
/// a sum one sum), so their depth stays bounded by the parser's.
fn matrix_fold(n: &Node, depth: usize) -> Option<Rows> {
    if depth > 16 {
        return None;
    }
    match n {
        Node::Matrix(rows) => Some(rows.clone()),
        Node::Neg(a) => {
            let m = matrix_fold(a, depth + 1)?;
            Some(scaled(m, &[Node::int(-1)]))
        }
        Node::Add(terms) => {
            let mut ms = Vec::with_capacity(terms.len());
            for t in terms {
                let m = matrix_fold(t, depth + 1)?;
                if let Some(first) = ms.first() {
                    if !same_shape(first, &m) {
                        return None;
                    }
                }
                ms.push(m);
            }
            let first = ms.first()?;
            let (r, c) = (first.len(), first.first().map_or(0, Vec::len));
            Some(
                (0..r)
                    .map(|i| {
                        (0..c)
                            .map(|j| Node::Add(ms.iter().map(|m| m[i][j].clone()).collect()))
                            .collect()
                    })
                    .collect(),
            )
        }
        Node::Mul(factors) => {
            let mut acc: Option<Rows> = None;
            let mut scalars = Vec::new();
            for f in factors {
                if !f.any(&|x| matches!(x, Node::Matrix(_))) {
                    scalars.push(f.clone());
                    continue;
                }
                let m = matrix_fold(f, depth + 1)?;
                acc = Some(match acc {
                    None => m,
                    Some(a) => {
                        let inner = a.first().map_or(0, Vec::len);
                        if inner != m.len() || m.iter().any(|r| r.len() != m[0].len()) {
                            return None;
                        }
                        let cols = m[0].len();
                        // Each entry of `a` is copied once per column of `m`, each of `m` once
                        // per row of `a`, and each product entry is a sum of `inner` products.
                        let grown = rows_nodes(&a) * cols
                            + rows_nodes(&m) * a.len()
                            + a.len() * cols * (inner + 1);
                        if grown > FOLD_NODES {
                            return None;
                        }
                        a.iter()
                            .map(|r| {
                                (0..cols)
                                    .map(|j| {
                                        Node::Add(
                                            (0..inner)
                                                .map(|k| {
                                                    Node::Mul(vec![r[k].clone(), m[k][j].clone()])
                                                })
                                                .collect(),
                                        )
                                    })
                                    .collect()
                            })
                            .collect()
                    }
                });
            }
            let m = acc?;
            if scalars.is_empty() {
                return Some(m);
            }
            let entries = m.iter().map(Vec::len).sum::<usize>();
            if rows_nodes(&m) + entries * scalars.iter().map(nodes).sum::<usize>() > FOLD_NODES {
                return None;
            }
            Some(scaled(m, &scalars))
        }
        _ => None,
    }
}

/// Every entry of `m` times the scalars `c` (one product per entry, however many scalars).
fn scaled(m: Rows, c: &[Node]) -> Rows {
    m.into_iter()
        .map(|r| {
            r.into_iter()
                .map(|x| {
                    let mut f = c.to_vec();
                    f.push(x);
                    Node::Mul(f)
                })
                .collect()
        })
        .collect()
}

fn same_shape(a: &Rows, b: &Rows) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.len() == y.len())
}
