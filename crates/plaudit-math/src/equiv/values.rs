//! Comparing values: exact rationals, a relative tolerance, written decimals rounded,
//! percentages and degrees with or without their sign, expressions with variables at seeded
//! random points, and equations up to a constant factor.

use crate::ast::{Const, Node};
use crate::eval::{q_to_f64, small_to_f64, Exact, Mode, Numeric, C, Q};
use crate::limits::MathError;
use num_bigint::BigInt;
use num_traits::Signed;

use super::Comparer;

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
    /// The variables' values at point `k`, written into `env` (one entry per variable, named
    /// once): each real part from `point(k, j)`, then (complex mode) its imaginary part from
    /// `point(k + 1, j)`.
    fn env(&mut self, env: &mut [(String, C)], k: usize, mode: Mode) {
        for (j, (_, value)) in env.iter_mut().enumerate() {
            let re = self.point(k, j);
            let im = if mode == Mode::Complex {
                self.point(k + 1, j)
            } else {
                0.0
            };
            *value = C::new(re, im);
        }
    }
}

/// An environment naming `vars`, its values to be set by [`Rng::env`].
fn env_of(vars: &[String]) -> Vec<(String, C)> {
    vars.iter().map(|v| (v.clone(), C::new(0.0, 0.0))).collect()
}

fn close(a: C, b: C, tol: f64) -> bool {
    if a.re.is_infinite() || b.re.is_infinite() {
        return a.re == b.re && (a.im - b.im).abs() <= tol;
    }
    let d = (a - b).norm();
    d <= tol * a.norm().max(b.norm()) || d <= 1e-12
}

fn decimal_places(n: &Node) -> Option<u32> {
    match n {
        Node::Num(_, d) => *d,
        Node::Neg(a) => decimal_places(a),
        _ => None,
    }
}

/// Whether a side written as a decimal (`d` places) is within half a unit of its last place of
/// the other side, `diff` being their exact difference: no decimal is an approximation of a
/// value it could not have been rounded from. Exact, where doubles could not tell
/// `18446744073709551615.0` from 2^64.
fn a_rounding(a: &Node, b: &Node, diff: &Q) -> bool {
    let diff = diff.abs();
    [a, b].into_iter().any(|n| {
        decimal_places(n).is_some_and(|d| {
            // diff ≤ ½ · 10^-d, that is 2 · diff · 10^d ≤ 1; beyond 15 places a decimal is a
            // printed double, held to the 15th place as `rounds_to` does.
            let scale = BigInt::from(10u32).pow(d.min(15));
            &diff * Q::from_integer(scale * 2u32) <= Q::from_integer(BigInt::from(1u32))
        })
    })
}

/// Whether `a` and `b` differ by at most half a unit of the `d`-th decimal place (with a 1e-9
/// relative margin for the doubles' rounding).
fn within_half_unit(a: f64, b: f64, d: u32) -> bool {
    (a - b).abs() <= 0.5 * 10f64.powi(-(d.min(300) as i32)) * (1.0 + 1e-9)
}

fn has_real_only(n: &Node) -> bool {
    n.any(&|x| matches!(x, Node::Apply(f, _) if f.real_only()))
}

impl Comparer<'_> {
    /// `L1 = R1` and `L2 = R2` are the same equation when `L1 - R1 = k (L2 - R2)` for a
    /// non-zero constant `k` (checked at random points).
    pub(super) fn proportional(&self, g: &Node, p: &Node) -> Result<bool, MathError> {
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
        let mut env = env_of(&vars);
        for k in 0..40 {
            let mode = if k < 32 || !complex_ok {
                Mode::Real
            } else {
                Mode::Complex
            };
            if k >= 32 && (valid >= 4 || !complex_ok) {
                break;
            }
            rng.env(&mut env, k, mode);
            let ev = Numeric {
                ticker: self.ticker,
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
    fn alternatives(n: &Node) -> impl Iterator<Item = &Node> {
        let bare = match n {
            Node::Percent(x) | Node::Degree(x) => Some(&**x),
            _ => None,
        };
        std::iter::once(n).chain(bare)
    }

    pub(super) fn scalar_eq(&self, g: &Node, p: &Node) -> Result<bool, MathError> {
        for a in Self::alternatives(g) {
            for b in Self::alternatives(p) {
                if self.value_eq(a, b)? {
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
        // No decimal is a rounding of an infinity (the tolerance below would be infinite).
        if d < 6 || !other.is_finite() {
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
            ticker: self.ticker,
        };
        // Two small rationals (the common case): compared without big integers.
        if let Some(x) = ex.small_value(a)? {
            if let Some(y) = ex.small_value(b)? {
                if x == y {
                    return Ok(true);
                }
                let q = |(n, d): crate::eval::Small| Q::new(BigInt::from(n), BigInt::from(d));
                if !a_rounding(a, b, &(q(x) - q(y))) {
                    return Ok(false);
                }
                return Ok(self.decimal_match(a, b, small_to_f64(x), small_to_f64(y)));
            }
        }
        let qa = ex.eval(a)?;
        let qb = ex.eval(b)?;
        if let (Some(x), Some(y)) = (&qa, &qb) {
            if x == y {
                return Ok(true);
            }
            if !a_rounding(a, b, &(x - y)) {
                return Ok(false);
            }
            return Ok(self.decimal_match(a, b, q_to_f64(x), q_to_f64(y)));
        }
        let num = |n: &Node, mode: Mode| -> Result<Option<C>, MathError> {
            Numeric {
                ticker: self.ticker,
                env: &[],
                mode,
            }
            .eval(n)
        };
        // On the reals first: a negative number's odd root is then the real one, as on the exact
        // path (`(-8)^{1/3}\pi` is `-2\pi`); the plane only when a side has no real value
        // (`\sqrt{-4}`, `e^{i\pi}`, an overflow), where `(-8)^{1/3}` is the principal root.
        let (va, vb) = match (num(a, Mode::Real)?, num(b, Mode::Real)?) {
            (Some(x), Some(y)) => (Some(x), Some(y)),
            _ => (num(a, Mode::Complex)?, num(b, Mode::Complex)?),
        };
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

    /// Whether `dec`, written as a decimal, is `other` rounded to its places (the last step of
    /// `x = \sqrt{2} = 1.414`): how a worked chain writes an approximation.
    pub(super) fn rounded_to(&self, other: &Node, dec: &Node) -> Result<bool, MathError> {
        let Some(d) = decimal_places(dec) else {
            return Ok(false);
        };
        let num = |n: &Node| {
            Numeric {
                ticker: self.ticker,
                env: &[],
                mode: Mode::Real,
            }
            .eval(n)
        };
        // Real mode gives real values (no imaginary part, no NaN); an infinite value is never
        // within half a unit of a decimal.
        Ok(match (num(other)?, num(dec)?) {
            (Some(x), Some(y)) => within_half_unit(x.re, y.re, d),
            _ => false,
        })
    }

    fn decimal_match(&self, a: &Node, b: &Node, x: f64, y: f64) -> bool {
        // A decimal is an approximation: within the relative tolerance of the other value, and
        // no further from it than half a unit of its last place (so `1000000000.0` is not
        // 999999999, nor `2432902008000000000.0` 20!, though each is within 1e-9 of it; matters
        // when `rel_tol` is set coarser than the default: `3.14` for 3.14159).
        let within_places = |n: &Node, v: f64, other: f64| {
            decimal_places(n).is_some_and(|d| within_half_unit(v, other, d))
        };
        let written = within_places(a, x, y) || within_places(b, y, x);
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
        let mut env = env_of(vars);
        let mut valid = 0;
        let mut total = 0;
        for k in 0..40 {
            let mode = if k < 32 { Mode::Real } else { Mode::Complex };
            if mode == Mode::Complex && (valid >= 3 || !complex_ok) {
                break;
            }
            rng.env(&mut env, k, mode);
            let ev = Numeric {
                ticker: self.ticker,
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
