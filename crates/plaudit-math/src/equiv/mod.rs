//! Equivalence of a reference (gold) answer and a response's answer, both parsed.
//!
//! The check is asymmetric where symmetry would let a policy game it (see [`Policy`]).
//!
//! By phase: [`canonical`] puts each side in its canonical top-level shape (`±` expanded,
//! solved equations, matrices folded); this module dispatches on the two shapes (lists, sets,
//! tuples, relations); [`intervals`] compares what describes a set of reals (intervals,
//! inequalities, unions); [`values`] compares values (exact, with tolerance, at seeded random
//! points, equations up to a constant factor).

mod canonical;
mod intervals;
mod values;

use crate::ast::{Bracket, Node, Rel};
use crate::limits::{Limits, MathError, Ticker};

pub use canonical::{normalize, reference_value, solved, tuple_solved};

use canonical::{assignment_groups, has_ineq, is_eq, is_ineq};

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
    pub ticker: &'a Ticker<'a>,
}

fn norm_text(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether every item solves for a variable (`a = 3`) and no two name the same unknown, an
/// unknown being the name before any subscript (`x_1` and `x_2` are one unknown's roots).
fn distinct_unknowns(items: &[Node]) -> bool {
    let mut bases: Vec<&str> = Vec::with_capacity(items.len());
    for x in items {
        let Some((name, _)) = solved(x) else {
            return false;
        };
        let base = name.split('_').next().unwrap_or(name);
        if bases.contains(&base) {
            return false;
        }
        bases.push(base);
    }
    bases.len() > 1
}

impl Comparer<'_> {
    /// Whether `pred` (the response's answer) is equivalent to `gold` (the reference).
    pub fn equivalent(&self, gold: &Node, pred: &Node) -> Result<bool, MathError> {
        if self.false_chain(pred)? {
            return Ok(false);
        }
        let g = canonical::normalized(gold);
        let p = canonical::normalized(pred);
        self.cmp(&g, &p)
    }

    /// An equation that states two unequal values equal: two sides next to each other with no
    /// variable in them that are not equal, nor the second a rounding of the first
    /// (`x = \sqrt{2} = 1.414` holds). `x = 5 = 6` and `2x = 4 = 5` are false statements,
    /// not the answer `x = 6` (a chain is read as its last side otherwise); they match nothing.
    fn false_chain(&self, p: &Node) -> Result<bool, MathError> {
        let Node::Rel(sides, ops) = p else {
            return Ok(false);
        };
        if ops.iter().any(|o| *o != Rel::Eq) {
            return Ok(false);
        }
        let value = |v: &Node| !v.has_symbols() && v.is_scalar();
        for w in sides.windows(2) {
            if value(&w[0])
                && value(&w[1])
                && !self.scalar_eq(&w[0], &w[1])?
                && !self.rounded_to(&w[0], &w[1])?
            {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// A computation written out (`9 \times 2 = 18`, `2 + 2 = 4`): an equation chain with no
    /// variable whose sides are all equal is the value of its last side; a false one (`3 = 4`)
    /// matches nothing.
    fn computed(&self, g: &Node, p: &Node) -> Result<bool, MathError> {
        let Node::Rel(sides, _) = p else {
            return Ok(false);
        };
        if p.has_symbols() || !sides.iter().all(Node::is_scalar) {
            return Ok(false);
        }
        for w in sides.windows(2) {
            if !self.scalar_eq(&w[0], &w[1])? {
                return Ok(false);
            }
        }
        match sides.last() {
            Some(last) => self.cmp(g, last),
            None => Ok(false),
        }
    }

    fn cmp(&self, g: &Node, p: &Node) -> Result<bool, MathError> {
        self.ticker.tick()?;
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
                // `a = 3, b = 5` names two unknowns: `5, 3` swaps them, so the values are taken
                // in the order given. Values of one unknown (`x = 1, x = 2`, or its indexed roots
                // `x_1 = 2, x_2 = 3`) stay unordered.
                if distinct_unknowns(a) {
                    // A set has no order to name them by.
                    return Ok(!matches!(p, Node::Set(_))
                        && a.len() == b.len()
                        && self.all_pairs(&vals, b)?);
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
            // A system's solution as a tuple against its unknowns named one by one: `(1, 2)`
            // and `x = 1, y = 2`, in the order given (not an interval: `(1, 2]`, `[1, 2]`).
            (Some(a), None) if distinct_unknowns(a) => {
                return match p {
                    Node::Tuple(items, Bracket::Round, Bracket::Round)
                        if items.len() == a.len() =>
                    {
                        let vals: Vec<Node> =
                            a.iter().filter_map(reference_value).cloned().collect();
                        self.all_pairs(&vals, items)
                    }
                    _ => Ok(false),
                };
            }
            (None, Some(b)) if distinct_unknowns(b) => {
                return match g {
                    Node::Tuple(items, Bracket::Round, Bracket::Round)
                        if items.len() == b.len() =>
                    {
                        let vals: Vec<Node> =
                            b.iter().filter_map(reference_value).cloned().collect();
                        self.all_pairs(items, &vals)
                    }
                    _ => Ok(false),
                };
            }
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
                    None => self.computed(g, p),
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
}
