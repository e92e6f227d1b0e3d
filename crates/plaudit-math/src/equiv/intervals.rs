//! Answers that describe a set of reals (intervals, inequalities, unions, relations in one
//! variable), compared as sets of intervals with constant bounds.

use crate::ast::{Bracket, Const, Node, Rel};
use crate::eval::{Mode, Numeric, C};
use crate::limits::MathError;

use super::Comparer;

/// One interval with bounds (free of variables).
pub(super) struct Iv<'n> {
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
    /// The set a relation, interval, union or list of them describes, as intervals with
    /// constant bounds. For the response (`pred`), under the safe policy, only solved forms.
    pub(super) fn intervals(
        &self,
        n: &Node,
        pred: bool,
    ) -> Result<Option<Vec<Iv<'static>>>, MathError> {
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
    pub(super) fn relation_is_set(&self, rel: &Node, set: &[Iv]) -> Result<bool, MathError> {
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
                ticker: self.ticker,
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
            self.ticker.tick()?;
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

    pub(super) fn interval_sets_eq(&self, a: &[Iv], b: &[Iv]) -> Result<bool, MathError> {
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
}

fn is_infinite(n: &Node) -> bool {
    match n {
        Node::Const(Const::Inf) => true,
        Node::Neg(a) => is_infinite(a),
        _ => false,
    }
}
