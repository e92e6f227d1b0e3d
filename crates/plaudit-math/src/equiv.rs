//! Equivalence of a reference (gold) answer and a response's answer, both parsed.
//!
//! The check is asymmetric where symmetry would let a policy game it (see [`Policy`]).

use num_traits::Zero;

use crate::ast::{Bracket, Const, Func, Node, Rel};
use crate::eval::{q_to_f64, Exact, Mode, Numeric, C};
use crate::limits::{Budget, Limits, MathError};

/// How strictly a response's form is judged against the reference.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Policy {
    /// A response equation or inequality earns the reward against a value, an interval or a
    /// solved reference only in solved form (`x = 3`, `x > 2`), never restated (`2x = 6`);
    /// several candidates never match one reference.
    Safe,
    /// Any equivalent relation is accepted (`2x = 6` for `x = 3`); candidates still never match.
    Symmetric,
}

/// Options of the comparison.
#[derive(Clone, Debug)]
pub struct CompareOptions {
    /// Relative tolerance of numeric comparison of constants.
    pub rel_tol: f64,
    pub policy: Policy,
    /// Seed of the random evaluation points.
    pub seed: u64,
}

impl Default for CompareOptions {
    fn default() -> Self {
        CompareOptions {
            rel_tol: 1e-9,
            policy: Policy::Safe,
            seed: 0,
        }
    }
}

pub struct Comparer<'a> {
    pub opts: &'a CompareOptions,
    pub limits: &'a Limits,
    pub budget: &'a Budget<'a>,
}

/// Deterministic pseudo-random numbers (SplitMix64).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// A value in ±[0.2, 3.2]; the sign of variable `j` at point `k` follows bit `j` of `k`, so
    /// the first points cover every sign pattern of the first variables.
    fn point(&mut self, k: usize, j: usize) -> f64 {
        let m = 0.2 + 3.0 * self.unit();
        if (k >> (j % 8)) & 1 == 0 {
            m
        } else {
            -m
        }
    }
}

impl Rng {
    /// The variables' values at point `k`: each real part from `point(k, j)`, then (complex
    /// mode) its imaginary part from `point(k + 1, j)`.
    fn env(&mut self, vars: &[String], k: usize, mode: Mode) -> Vec<(String, C)> {
        vars.iter()
            .enumerate()
            .map(|(j, v)| {
                let re = self.point(k, j);
                let im = if mode == Mode::Complex {
                    self.point(k + 1, j)
                } else {
                    0.0
                };
                (v.clone(), C::new(re, im))
            })
            .collect()
    }
}

fn close(a: C, b: C, tol: f64) -> bool {
    if a.re.is_infinite() || b.re.is_infinite() {
        return a.re == b.re && (a.im - b.im).abs() <= tol;
    }
    let d = (a - b).norm();
    d <= tol * a.norm().max(b.norm()) || d <= 1e-12
}

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
            let mut seen: Vec<&str> = Vec::new();
            for x in names {
                match x {
                    Node::Sym(v) if !seen.contains(&v.as_str()) && !r.has_symbol(v) => seen.push(v),
                    _ => return None,
                }
            }
            if names.len() == vals.len() {
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
fn assignment_groups(items: &[Node], vals: &[Node]) -> Option<Vec<Node>> {
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

fn is_eq(n: &Node) -> bool {
    matches!(n, Node::Rel(_, ops) if ops.iter().all(|o| *o == Rel::Eq))
}

fn is_ineq(n: &Node) -> bool {
    matches!(n, Node::Rel(_, ops) if ops.iter().all(|o| matches!(o, Rel::Lt | Rel::Le | Rel::Gt | Rel::Ge | Rel::Ne)))
}

/// An inequality, or a list holding one.
fn has_ineq(n: &Node) -> bool {
    match n {
        Node::List(v) => v.iter().any(is_ineq),
        _ => is_ineq(n),
    }
}

fn decimal_places(n: &Node) -> Option<u32> {
    match n {
        Node::Num(_, d) => *d,
        Node::Neg(a) => decimal_places(a),
        _ => None,
    }
}

fn has_real_only(n: &Node) -> bool {
    n.any(&|x| matches!(x, Node::Apply(f, _) if f.real_only()))
}

fn norm_text(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
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
    match n {
        Node::List(items) | Node::Set(items) => {
            let mut out = Vec::new();
            for it in items {
                match normalize(it) {
                    Node::List(v) if matches!(n, Node::List(_)) => out.extend(v),
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
                                return normalize(&Node::Rel(out, vec![ops[0].flip()]));
                            }
                        }
                    }
                }
            }
            if ops.len() == 1 && ops[0] == Rel::In && matches!(items[0], Node::Sym(_)) {
                return normalize(&items[1]);
            }
            if ops.len() >= 2
                && ops.iter().all(|o| *o == Rel::Eq)
                && matches!(items[0], Node::Sym(_))
            {
                let last = items[items.len() - 1].clone();
                return normalize(&Node::Rel(vec![items[0].clone(), last], vec![Rel::Eq]));
            }
            if has_pm(n) {
                return normalize(&Node::List(expand_pm(n)));
            }
            n.clone()
        }
        Node::Add(_) | Node::Mul(_) | Node::Neg(_) if n.any(&|x| matches!(x, Node::Matrix(_))) => {
            match matrix_fold(n, 0) {
                Some(rows) => Node::Matrix(rows),
                None => n.clone(),
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
        _ => n.clone(),
    }
}

type Rows = Vec<Vec<Node>>;

/// A sum, product or negation of matrices (and scalars) as one matrix, elementwise; `None`
/// when the shapes do not fit or there is no matrix.
fn matrix_fold(n: &Node, depth: usize) -> Option<Rows> {
    if depth > 16 {
        return None;
    }
    let scale = |m: Rows, c: &Node| -> Rows {
        m.into_iter()
            .map(|r| {
                r.into_iter()
                    .map(|x| Node::Mul(vec![c.clone(), x]))
                    .collect()
            })
            .collect()
    };
    match n {
        Node::Matrix(rows) => Some(rows.clone()),
        Node::Neg(a) => Some(scale(matrix_fold(a, depth + 1)?, &Node::int(-1))),
        Node::Add(terms) => {
            let mut acc: Option<Rows> = None;
            for t in terms {
                let m = matrix_fold(t, depth + 1)?;
                acc = Some(match acc {
                    None => m,
                    Some(a) => {
                        if a.len() != m.len() || a.iter().zip(&m).any(|(x, y)| x.len() != y.len()) {
                            return None;
                        }
                        a.into_iter()
                            .zip(m)
                            .map(|(r, s)| {
                                r.into_iter()
                                    .zip(s)
                                    .map(|(x, y)| Node::Add(vec![x, y]))
                                    .collect()
                            })
                            .collect()
                    }
                });
            }
            acc
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
                        a.iter()
                            .map(|r| {
                                (0..m[0].len())
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
            let mut m = acc?;
            for c in &scalars {
                m = scale(m, c);
            }
            Some(m)
        }
        _ => None,
    }
}

/// One interval with bounds (free of variables).
struct Iv<'n> {
    lo: Node,
    lo_closed: bool,
    hi: Node,
    hi_closed: bool,
    _p: std::marker::PhantomData<&'n ()>,
}

fn iv(lo: Node, lo_closed: bool, hi: Node, hi_closed: bool) -> Iv<'static> {
    Iv {
        lo,
        lo_closed,
        hi,
        hi_closed,
        _p: std::marker::PhantomData,
    }
}

fn inf() -> Node {
    Node::Const(Const::Inf)
}
fn neg_inf() -> Node {
    Node::Neg(Box::new(inf()))
}

impl Comparer<'_> {
    /// Whether `pred` (the response's answer) is equivalent to `gold` (the reference).
    pub fn equivalent(&self, gold: &Node, pred: &Node) -> Result<bool, MathError> {
        let g = normalize(gold);
        let p = normalize(pred);
        self.cmp(&g, &p)
    }

    fn cmp(&self, g: &Node, p: &Node) -> Result<bool, MathError> {
        self.budget.tick()?;
        match (g, p) {
            (Node::Text(a), Node::Text(b)) => {
                return Ok(!a.is_empty() && norm_text(a) == norm_text(b))
            }
            (Node::Text(_), _) | (_, Node::Text(_)) => return Ok(false),
            _ => {}
        }
        // Safe policy: an inequality in the response does not answer a reference given as a
        // set or interval (it may restate the question "write … in interval notation").
        if self.opts.policy == Policy::Safe
            && has_ineq(p)
            && !has_ineq(g)
            && !matches!(g, Node::Rel(..))
        {
            return Ok(false);
        }
        // Collections of answers.
        let g_items = match g {
            Node::List(v) | Node::Set(v) => Some(v),
            _ => None,
        };
        let p_items = match p {
            Node::List(v) | Node::Set(v) => Some(v),
            _ => None,
        };
        match (g_items, p_items) {
            (Some(a), Some(b))
                if a.len() > 1
                    && b.iter().all(|x| !matches!(x, Node::Rel(..)))
                    && a.iter().all(|x| reference_value(x).is_some()) =>
            {
                // `x_1 = a, x_2 = b` (or `AB = 4, CD = 5`) against `a, b`.
                let vals: Vec<Node> = a.iter().filter_map(reference_value).cloned().collect();
                if let Some(groups) = assignment_groups(a, &vals) {
                    if b.iter().all(|x| matches!(x, Node::Tuple(..))) {
                        return self.multiset_eq(&groups, b);
                    }
                }
                return self.multiset_eq(&vals, b);
            }
            (Some(a), Some(b)) => {
                // Several inequalities / intervals joined by "or" form a union.
                if a.iter().any(is_ineq) || b.iter().any(is_ineq) {
                    if let (Some(gi), Some(pi)) =
                        (self.intervals(g, false)?, self.intervals(p, true)?)
                    {
                        return self.interval_sets_eq(&gi, &pi);
                    }
                }
                return self.multiset_eq(a, b);
            }
            (Some(a), None) if a.len() == 1 => return self.cmp(&a[0], p),
            (None, Some(b)) if b.len() == 1 => return self.cmp(g, &b[0]),
            (Some(a), None) => {
                if a.iter().any(is_ineq) {
                    if let (Some(gi), Some(pi)) =
                        (self.intervals(g, false)?, self.intervals(p, true)?)
                    {
                        return self.interval_sets_eq(&gi, &pi);
                    }
                }
                return Ok(false);
            }
            (None, Some(b)) => {
                if b.iter().any(is_ineq) {
                    if let (Some(gi), Some(pi)) =
                        (self.intervals(g, false)?, self.intervals(p, true)?)
                    {
                        return self.interval_sets_eq(&gi, &pi);
                    }
                }
                // Several candidates never match one answer.
                return Ok(false);
            }
            (None, None) => {}
        }
        // Equations.
        if is_eq(g) && !matches!(p, Node::Rel(..)) {
            return match reference_value(g) {
                Some(v) => self.cmp(v, p),
                None => Ok(false),
            };
        }
        if is_eq(p) && !matches!(g, Node::Rel(..)) {
            return match solved(p) {
                Some((_, v)) if !is_eq(v) => self.cmp(g, v),
                _ => match tuple_solved(p) {
                    Some(v) => self.cmp(g, v),
                    None => Ok(false),
                },
            };
        }
        if is_eq(g) && is_eq(p) {
            if let (Some((xg, vg)), Some((xp, vp))) = (solved(g), solved(p)) {
                if xg == xp && (self.cmp(vg, vp)?) {
                    return Ok(true);
                }
            }
            if let Some((_, vg)) = solved(g) {
                if !vg.has_symbols() && self.opts.policy == Policy::Safe && solved(p).is_none() {
                    return Ok(false);
                }
            }
            return self.proportional(g, p);
        }
        // Inequalities and intervals.
        if is_ineq(g) || is_ineq(p) || matches!(g, Node::Union(_)) || matches!(p, Node::Union(_)) {
            return match (self.intervals(g, false)?, self.intervals(p, true)?) {
                (Some(gi), Some(pi)) => self.interval_sets_eq(&gi, &pi),
                (None, Some(pi)) if is_ineq(g) => self.relation_is_set(g, &pi),
                _ => Ok(self.same_print(g, p)),
            };
        }
        match (g, p) {
            (Node::Tuple(a, go, gc), Node::Tuple(b, po, pc)) => {
                if a.len() != b.len() || (a.len() == 2 && (go != po || gc != pc)) {
                    return Ok(false);
                }
                self.all_pairs(a, b)
            }
            (Node::Matrix(a), Node::Matrix(b)) => {
                if a.len() != b.len() || a.first().map(Vec::len) != b.first().map(Vec::len) {
                    return Ok(false);
                }
                let fa: Vec<Node> = a.iter().flatten().cloned().collect();
                let fb: Vec<Node> = b.iter().flatten().cloned().collect();
                self.all_pairs(&fa, &fb)
            }
            (Node::Matrix(m), Node::Tuple(t, Bracket::Round, Bracket::Round))
            | (Node::Tuple(t, Bracket::Round, Bracket::Round), Node::Matrix(m)) => {
                let flat: Vec<Node> = m.iter().flatten().cloned().collect();
                let vector = m.len() == 1 || m.iter().all(|r| r.len() == 1);
                if !vector || flat.len() != t.len() {
                    return Ok(false);
                }
                if matches!(g, Node::Matrix(_)) {
                    self.all_pairs(&flat, t)
                } else {
                    self.all_pairs(t, &flat)
                }
            }
            // Mixed chains (`y = 2 < x + 1`): only the same chain.
            (Node::Rel(..), Node::Rel(..)) => Ok(self.same_print(g, p)),
            (Node::Rel(..), _) | (_, Node::Rel(..)) => Ok(false),
            _ if g.is_scalar() && p.is_scalar() => self.scalar_eq(g, p),
            _ => Ok(false),
        }
    }

    fn same_print(&self, a: &Node, b: &Node) -> bool {
        format!("{a}") == format!("{b}")
    }

    fn all_pairs(&self, a: &[Node], b: &[Node]) -> Result<bool, MathError> {
        for (x, y) in a.iter().zip(b) {
            if !self.cmp(x, y)? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Every item of each side equals some item of the other (sets, unordered lists).
    fn multiset_eq(&self, a: &[Node], b: &[Node]) -> Result<bool, MathError> {
        if a.is_empty() || b.is_empty() {
            return Ok(a.is_empty() && b.is_empty());
        }
        let mut b_hit = vec![false; b.len()];
        for x in a {
            let mut found = false;
            for (j, y) in b.iter().enumerate() {
                if self.cmp(x, y)? {
                    found = true;
                    b_hit[j] = true;
                }
            }
            if !found {
                return Ok(false);
            }
        }
        Ok(b_hit.iter().all(|h| *h))
    }

    /// The set a relation, interval, union or list of them describes, as intervals with
    /// constant bounds. For the response (`pred`), under the safe policy, only solved forms.
    fn intervals(&self, n: &Node, pred: bool) -> Result<Option<Vec<Iv<'static>>>, MathError> {
        let _ = pred;
        Ok(match n {
            Node::Tuple(v, o, c) if v.len() == 2 && !v[0].has_symbols() && !v[1].has_symbols() => {
                Some(vec![iv(
                    v[0].clone(),
                    *o == Bracket::Square,
                    v[1].clone(),
                    *c == Bracket::Square,
                )])
            }
            Node::Union(v) | Node::List(v) => {
                let mut out = Vec::new();
                for x in v {
                    match self.intervals(x, pred)? {
                        Some(i) => out.extend(i),
                        None => return Ok(None),
                    }
                }
                Some(out)
            }
            Node::Rel(items, ops) => self.rel_intervals(items, ops),
            _ => None,
        })
    }

    fn rel_intervals(&self, items: &[Node], ops: &[Rel]) -> Option<Vec<Iv<'static>>> {
        let lone = |n: &Node| matches!(n, Node::Sym(_));
        let constant = |n: &Node| !n.has_symbols() && n.is_scalar();
        match (items, ops) {
            ([a, b], [op]) => {
                let (c, op) = if lone(a) && constant(b) {
                    (b.clone(), *op)
                } else if lone(b) && constant(a) {
                    (a.clone(), op.flip())
                } else {
                    return None;
                };
                // x op c
                Some(match op {
                    Rel::Lt => vec![iv(neg_inf(), false, c, false)],
                    Rel::Le => vec![iv(neg_inf(), false, c, true)],
                    Rel::Gt => vec![iv(c, false, inf(), false)],
                    Rel::Ge => vec![iv(c, true, inf(), false)],
                    Rel::Ne => vec![
                        iv(neg_inf(), false, c.clone(), false),
                        iv(c, false, inf(), false),
                    ],
                    _ => return None,
                })
            }
            ([a, x, b], [o1, o2]) if lone(x) && constant(a) && constant(b) => {
                let up = |o: &Rel| matches!(o, Rel::Lt | Rel::Le);
                let down = |o: &Rel| matches!(o, Rel::Gt | Rel::Ge);
                if up(o1) && up(o2) {
                    Some(vec![iv(
                        a.clone(),
                        *o1 == Rel::Le,
                        b.clone(),
                        *o2 == Rel::Le,
                    )])
                } else if down(o1) && down(o2) {
                    Some(vec![iv(
                        b.clone(),
                        *o2 == Rel::Ge,
                        a.clone(),
                        *o1 == Rel::Ge,
                    )])
                } else {
                    None
                }
            }
            _ => None,
        }
    }

    fn bound_eq(&self, a: &Node, b: &Node) -> Result<bool, MathError> {
        self.scalar_eq(a, b)
    }

    /// A reference relation in one variable that is not in solved form (`1 \le |z| \le 2`)
    /// against the response's intervals: the relation holds exactly on their union, checked at
    /// every endpoint, just beside it, and at points inside each gap between endpoints.
    fn relation_is_set(&self, rel: &Node, set: &[Iv]) -> Result<bool, MathError> {
        let Node::Rel(items, ops) = rel else {
            return Ok(false);
        };
        let mut vars = Vec::new();
        rel.symbols(&mut vars);
        if vars.len() != 1 || set.is_empty() {
            return Ok(false);
        }
        let num = |n: &Node, env: &[(String, C)]| -> Result<Option<f64>, MathError> {
            let v = Numeric {
                budget: self.budget,
                env,
                mode: Mode::Real,
            }
            .eval(n)?;
            Ok(v.filter(|z| z.im.abs() < 1e-12).map(|z| z.re))
        };
        // Endpoints of the response's intervals (finite ones).
        let mut ends: Vec<f64> = Vec::new();
        let mut ivs: Vec<(f64, bool, f64, bool)> = Vec::new();
        for i in set {
            let lo = if is_infinite(&i.lo) {
                f64::NEG_INFINITY
            } else {
                match num(&i.lo, &[])? {
                    Some(x) => x,
                    None => return Ok(false),
                }
            };
            let hi = if is_infinite(&i.hi) {
                f64::INFINITY
            } else {
                match num(&i.hi, &[])? {
                    Some(x) => x,
                    None => return Ok(false),
                }
            };
            for e in [lo, hi] {
                if e.is_finite() {
                    ends.push(e);
                }
            }
            ivs.push((lo, i.lo_closed, hi, i.hi_closed));
        }
        ends.sort_by(|a, b| a.total_cmp(b));
        ends.dedup();
        let scale = ends.iter().fold(1.0f64, |m, e| m.max(e.abs()));
        let eps = 1e-7 * scale;
        let mut pts: Vec<f64> = Vec::new();
        for (k, e) in ends.iter().enumerate() {
            pts.extend([*e, e - eps, e + eps]);
            if let Some(next) = ends.get(k + 1) {
                for t in [0.13, 0.37, 0.5, 0.71, 0.94] {
                    pts.push(e + (next - e) * t);
                }
            }
        }
        let (first, last) = (
            ends.first().copied().unwrap_or(0.0),
            ends.last().copied().unwrap_or(0.0),
        );
        for d in [1.0, 3.7, 100.0] {
            pts.push(first - d * scale);
            pts.push(last + d * scale);
        }
        let inside = |x: f64| {
            ivs.iter()
                .any(|&(lo, lc, hi, hc)| (x > lo || (lc && x == lo)) && (x < hi || (hc && x == hi)))
        };
        for x in pts {
            self.budget.tick()?;
            let env = vec![(vars[0].clone(), C::new(x, 0.0))];
            let mut vals = Vec::with_capacity(items.len());
            for it in items {
                match num(it, &env)? {
                    Some(v) => vals.push(v),
                    None => return Ok(false),
                }
            }
            let holds = ops.iter().enumerate().all(|(k, op)| {
                let (a, b) = (vals[k], vals[k + 1]);
                match op {
                    Rel::Lt => a < b,
                    Rel::Le => a <= b + 1e-12 * scale,
                    Rel::Gt => a > b,
                    Rel::Ge => a + 1e-12 * scale >= b,
                    Rel::Ne => a != b,
                    _ => false,
                }
            });
            if holds != inside(x) {
                return Ok(false);
            }
        }
        Ok(true)
    }

    fn interval_sets_eq(&self, a: &[Iv], b: &[Iv]) -> Result<bool, MathError> {
        let same = |x: &Iv, y: &Iv| -> Result<bool, MathError> {
            let lo_inf = is_infinite(&x.lo);
            let hi_inf = is_infinite(&x.hi);
            Ok((lo_inf || x.lo_closed == y.lo_closed)
                && (hi_inf || x.hi_closed == y.hi_closed)
                && self.bound_eq(&x.lo, &y.lo)?
                && self.bound_eq(&x.hi, &y.hi)?)
        };
        if a.len() != b.len() {
            return Ok(false);
        }
        for x in a {
            let mut found = false;
            for y in b {
                if same(x, y)? {
                    found = true;
                    break;
                }
            }
            if !found {
                return Ok(false);
            }
        }
        for y in b {
            let mut found = false;
            for x in a {
                if same(x, y)? {
                    found = true;
                    break;
                }
            }
            if !found {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// `L1 = R1` and `L2 = R2` are the same equation when `L1 - R1 = k (L2 - R2)` for a
    /// non-zero constant `k` (checked at random points).
    fn proportional(&self, g: &Node, p: &Node) -> Result<bool, MathError> {
        let diff = |n: &Node| -> Option<Node> {
            match n {
                Node::Rel(items, ops) if ops.len() == 1 => Some(Node::Add(vec![
                    items[0].clone(),
                    Node::Neg(Box::new(items[1].clone())),
                ])),
                _ => None,
            }
        };
        let (Some(f), Some(h)) = (diff(g), diff(p)) else {
            // Chains: compare item by item.
            if let (Node::Rel(a, oa), Node::Rel(b, ob)) = (g, p) {
                if oa == ob && a.len() == b.len() {
                    return self.all_pairs(a, b);
                }
            }
            return Ok(false);
        };
        let mut vars = Vec::new();
        f.symbols(&mut vars);
        h.symbols(&mut vars);
        vars.dedup();
        if vars.is_empty() {
            // Two equations between constants: the same when both hold or both sides agree.
            let zf = self.scalar_eq(&f, &Node::int(0))?;
            let zh = self.scalar_eq(&h, &Node::int(0))?;
            return Ok(zf && zh || self.same_print(g, p));
        }
        let complex_ok = !has_real_only(&f) && !has_real_only(&h);
        let mut ratio: Option<C> = None;
        let mut valid = 0;
        let mut rng = Rng(self.opts.seed ^ 0x5eed);
        for k in 0..40 {
            let mode = if k < 32 || !complex_ok {
                Mode::Real
            } else {
                Mode::Complex
            };
            if k >= 32 && (valid >= 4 || !complex_ok) {
                break;
            }
            let env = rng.env(&vars, k, mode);
            let ev = Numeric {
                budget: self.budget,
                env: &env,
                mode,
            };
            let (Some(a), Some(b)) = (ev.eval(&f)?, ev.eval(&h)?) else {
                continue;
            };
            if !(a.re.is_finite() && a.im.is_finite() && b.re.is_finite() && b.im.is_finite()) {
                continue;
            }
            let za = a.norm() < 1e-10;
            let zb = b.norm() < 1e-10;
            if za && zb {
                continue;
            }
            if za != zb {
                return Ok(false);
            }
            let r = a / b;
            match ratio {
                None => ratio = Some(r),
                Some(r0) => {
                    if !close(r, r0, 1e-7) {
                        return Ok(false);
                    }
                }
            }
            valid += 1;
            if valid >= 6 {
                break;
            }
        }
        if valid >= 3 {
            return Ok(true);
        }
        Ok(self.same_print(g, p))
    }

    /// Percentages and degrees may be written with or without their sign.
    fn alternatives(n: &Node) -> Vec<Node> {
        match n {
            Node::Percent(x) => vec![n.clone(), (**x).clone()],
            Node::Degree(x) => vec![n.clone(), (**x).clone()],
            _ => vec![n.clone()],
        }
    }

    fn scalar_eq(&self, g: &Node, p: &Node) -> Result<bool, MathError> {
        for a in Self::alternatives(g) {
            for b in Self::alternatives(p) {
                if self.value_eq(&a, &b)? {
                    return Ok(true);
                }
            }
        }
        Ok(false)
    }

    fn value_eq(&self, a: &Node, b: &Node) -> Result<bool, MathError> {
        let mut vars = Vec::new();
        a.symbols(&mut vars);
        b.symbols(&mut vars);
        vars.dedup();
        if vars.is_empty() {
            self.const_eq(a, b)
        } else {
            self.random_eq(a, b, &vars)
        }
    }

    /// Whether a decimal written with `d` places is the other value rounded (6 or more places).
    fn rounds_to(&self, dec: &Node, d: u32, other: f64) -> bool {
        let Some(x) = crate::eval::rational_of(dec) else {
            return false;
        };
        if d < 6 {
            return false;
        }
        let x = q_to_f64(&x);
        // Beyond 15 places the rounding step is below double precision: a printed float.
        let half = 0.5 * 10f64.powi(-(d.min(15) as i32));
        (x - other).abs() <= half * (1.0 + 1e-9) + 4.0 * f64::EPSILON * other.abs()
    }

    fn const_eq(&self, a: &Node, b: &Node) -> Result<bool, MathError> {
        let ex = Exact {
            limits: self.limits,
            budget: self.budget,
        };
        let qa = ex.eval(a)?;
        let qb = ex.eval(b)?;
        if let (Some(x), Some(y)) = (&qa, &qb) {
            if x == y {
                return Ok(true);
            }
            return Ok(self.decimal_match(a, b, q_to_f64(x), q_to_f64(y)));
        }
        let num = |n: &Node| -> Result<Option<C>, MathError> {
            Numeric {
                budget: self.budget,
                env: &[],
                mode: Mode::Complex,
            }
            .eval(n)
        };
        let (va, vb) = (num(a)?, num(b)?);
        let has_inf = |n: &Node| n.any(&|x| matches!(x, Node::Const(Const::Inf)));
        let finite = |z: &C| z.re.is_finite() && z.im.is_finite();
        match (va, vb) {
            // An overflow is not a value: `10^{10^{10^{11}}}` is not `10^{10^{10^{10}}}`.
            (Some(x), Some(y)) if (!finite(&x) && !has_inf(a)) || (!finite(&y) && !has_inf(b)) => {
                Ok(self.same_print(a, b))
            }
            (Some(x), Some(y)) => {
                if close(x, y, self.opts.rel_tol) {
                    return Ok(true);
                }
                if x.im.abs() < 1e-12 && y.im.abs() < 1e-12 {
                    return Ok(self.decimal_match(a, b, x.re, y.re));
                }
                Ok(false)
            }
            _ => Ok(self.same_print(a, b)),
        }
    }

    fn decimal_match(&self, a: &Node, b: &Node, x: f64, y: f64) -> bool {
        // A decimal is an approximation: within the relative tolerance of the other value
        // (only matters when `rel_tol` is set coarser than the default).
        let written = decimal_places(a).is_some() || decimal_places(b).is_some();
        if written && close(C::new(x, 0.0), C::new(y, 0.0), self.opts.rel_tol) {
            return true;
        }
        if let Some(d) = decimal_places(a) {
            if self.rounds_to(a, d, y) {
                return true;
            }
        }
        if let Some(d) = decimal_places(b) {
            if self.rounds_to(b, d, x) {
                return true;
            }
        }
        false
    }

    /// Expressions with variables: equal at seeded random points (real first, complex when the
    /// real points leave the domain), skipping points where either side is undefined.
    fn random_eq(&self, a: &Node, b: &Node, vars: &[String]) -> Result<bool, MathError> {
        if vars.len() > 12 {
            return Ok(self.same_print(a, b));
        }
        let complex_ok = !has_real_only(a) && !has_real_only(b);
        let tol = self.opts.rel_tol.max(1e-8);
        let mut rng = Rng(self.opts.seed);
        let mut valid = 0;
        let mut total = 0;
        for k in 0..40 {
            let mode = if k < 32 { Mode::Real } else { Mode::Complex };
            if mode == Mode::Complex && (valid >= 3 || !complex_ok) {
                break;
            }
            let env = rng.env(vars, k, mode);
            let ev = Numeric {
                budget: self.budget,
                env: &env,
                mode,
            };
            let (Some(x), Some(y)) = (ev.eval(a)?, ev.eval(b)?) else {
                continue;
            };
            if !(x.re.is_finite() && x.im.is_finite() && y.re.is_finite() && y.im.is_finite()) {
                continue;
            }
            total += 1;
            if !close(x, y, tol) {
                return Ok(false);
            }
            valid += 1;
            if valid >= 6 {
                break;
            }
        }
        let _ = total;
        if valid >= 3 {
            Ok(true)
        } else {
            Ok(self.same_print(a, b))
        }
    }
}

fn is_infinite(n: &Node) -> bool {
    match n {
        Node::Const(Const::Inf) => true,
        Node::Neg(a) => is_infinite(a),
        _ => false,
    }
}
