//! Evaluation: exact big-rational arithmetic where the value is rational, complex floating
//! point otherwise. Recursion follows the tree, whose depth the parser bounds.

use num_bigint::BigInt;
use num_complex::Complex64;
use num_rational::BigRational;
use num_traits::{One, Signed, ToPrimitive, Zero};

use crate::ast::{Const, Func, Node};
use crate::limits::{Limits, MathError, Ticker};

pub type Q = BigRational;
pub type C = Complex64;

fn bits(q: &Q) -> u64 {
    q.numer().bits() + q.denom().bits()
}

/// A sum or product of rationals kept as an unreduced fraction `n / d`, reduced (one gcd) only
/// when its size has doubled since the last reduction, and once at the end.
///
/// The cost model behind it: `BigRational`'s `*=` and `+=` reduce after every step, a gcd whose
/// cost grows with the square of the operands' size; over an 800-factor product that is 800
/// gcds of thousands of bits (0.3 s of CPU for a product of 800 three-digit decimals). Doubling
/// thresholds make it O(log n) gcds, so such a product costs milliseconds. The size limit
/// (`max_bits`) still applies to every reduced value.
struct Fraction {
    n: BigInt,
    d: BigInt,
    reduce_at: u64,
    /// How many times it was reduced (the cost the model bounds; read by tests).
    reductions: u32,
}

/// Unreduced fractions smaller than this are never reduced before the end.
const REDUCE_FROM_BITS: u64 = 4096;

impl Fraction {
    fn new(q: Q) -> Fraction {
        let (n, d) = q.into_raw();
        Fraction {
            n,
            d,
            reduce_at: REDUCE_FROM_BITS,
            reductions: 0,
        }
    }

    fn mul(&mut self, q: &Q) {
        self.n *= q.numer();
        self.d *= q.denom();
    }

    fn add(&mut self, q: &Q) {
        self.n = &self.n * q.denom() + q.numer() * &self.d;
        self.d *= q.denom();
    }

    /// Reduces when due; `false` when the reduced value is over `max_bits`.
    fn fits(&mut self, max_bits: u64) -> bool {
        let size = self.n.bits() + self.d.bits();
        if size <= self.reduce_at {
            return true;
        }
        let reduced = Q::new(std::mem::take(&mut self.n), std::mem::take(&mut self.d));
        (self.n, self.d) = reduced.into_raw();
        self.reductions += 1;
        let size = self.n.bits() + self.d.bits();
        self.reduce_at = (2 * size).max(REDUCE_FROM_BITS);
        size <= max_bits
    }

    fn done(self) -> Q {
        Q::new(self.n, self.d)
    }
}

fn as_int(q: &Q) -> Option<&BigInt> {
    if q.denom().is_one() {
        Some(q.numer())
    } else {
        None
    }
}

/// The exact n-th root of a non-negative integer, if it is a perfect power.
fn int_root(x: &BigInt, n: u32) -> Option<BigInt> {
    if x.is_negative() {
        if n % 2 == 1 {
            return int_root(&-x, n).map(|r| -r);
        }
        return None;
    }
    if n >= 2 {
        if let Some(v) = x.to_u64() {
            return small_root(v, n).map(BigInt::from);
        }
    }
    let r = x.nth_root(n);
    if num_traits::pow(r.clone(), n as usize) == *x {
        Some(r)
    } else {
        None
    }
}

/// [`int_root`] of a machine integer (`n >= 2`): the root is below 2^32, where the
/// floating-point estimate is within one of it, and each candidate is checked exactly.
fn small_root(x: u64, n: u32) -> Option<u64> {
    let est = (x as f64).powf(1.0 / f64::from(n)).round() as u64;
    (est.saturating_sub(1)..=est + 1).find(|&c| u128::from(c).checked_pow(n) == Some(u128::from(x)))
}

fn rat_root(q: &Q, n: u32) -> Option<Q> {
    Some(Q::new(int_root(q.numer(), n)?, int_root(q.denom(), n)?))
}

/// A small exact value `n / d`: reduced, `d > 0`, both below [`SMALL_BOUND`] in magnitude.
/// Sums and products of two of them fit an `i128` before reduction.
pub(crate) type Small = (i128, i128);

/// [`q_to_f64`] of a [`Small`].
pub(crate) fn small_to_f64((n, d): Small) -> f64 {
    const EXACT: u128 = 1 << f64::MANTISSA_DIGITS;
    if n.unsigned_abs() <= EXACT && d.unsigned_abs() <= EXACT {
        return n as f64 / d as f64;
    }
    q_to_f64(&Q::new_raw(BigInt::from(n), BigInt::from(d)))
}

const SMALL_BOUND: u128 = 1 << 62;

/// The small path runs only under size limits it cannot reach: its values have at most 124
/// bits, and a power it computes passes the big path's pre-check (`bits(b) * |k|` is at most
/// 2 · 124 when `b^k` is small).
const SMALL_PATH_MIN_BITS: u64 = 1024;

/// `n / d` (`d != 0`, both below 2^125 in magnitude) reduced, if it is a [`Small`].
fn small(n: i128, d: i128) -> Option<Small> {
    let (n, d) = if d < 0 { (-n, -d) } else { (n, d) };
    let (a, b) = (n.unsigned_abs(), d.unsigned_abs());
    let (a, b) = match (u64::try_from(a), u64::try_from(b)) {
        // The usual case, in 64-bit arithmetic (128-bit division is a slow library call).
        (Ok(a), Ok(b)) => {
            let g = gcd_u64(a, b);
            (a / g, b / g)
        }
        _ => {
            let (mut x, mut y) = (a, b);
            while y != 0 {
                (x, y) = (y, x % y);
            }
            // x = gcd > 0 since d != 0.
            let (a, b) = (a / x, b / x);
            if a >= SMALL_BOUND || b >= SMALL_BOUND {
                return None;
            }
            (a as u64, b as u64)
        }
    };
    if u128::from(a) >= SMALL_BOUND || u128::from(b) >= SMALL_BOUND {
        return None;
    }
    let a = a as i128;
    Some((if n < 0 { -a } else { a }, b as i128))
}

/// Binary gcd; `gcd(0, b) = b`.
fn gcd_u64(mut a: u64, mut b: u64) -> u64 {
    if a == 0 || b == 0 {
        return a | b;
    }
    let shift = (a | b).trailing_zeros();
    a >>= a.trailing_zeros();
    loop {
        b >>= b.trailing_zeros();
        if a > b {
            std::mem::swap(&mut a, &mut b);
        }
        b -= a;
        if b == 0 {
            return a << shift;
        }
    }
}

/// Exact evaluation context.
pub struct Exact<'a> {
    pub limits: &'a Limits,
    pub ticker: &'a Ticker<'a>,
}

impl Exact<'_> {
    fn guard(&self, q: Q) -> Result<Option<Q>, MathError> {
        if bits(&q) > self.limits.max_bits {
            Ok(None)
        } else {
            Ok(Some(q))
        }
    }

    fn pow(&self, b: &Q, e: &Q) -> Result<Option<Q>, MathError> {
        if let Some(k) = as_int(e) {
            let Some(k) = k.to_i64() else { return Ok(None) };
            if b.is_zero() {
                return Ok(if k > 0 {
                    Some(Q::zero())
                } else if k == 0 {
                    Some(Q::one())
                } else {
                    None
                });
            }
            if b.abs().is_one() {
                return Ok(Some(if k % 2 == 0 { Q::one() } else { b.clone() }));
            }
            if (bits(b) as u128) * (k.unsigned_abs() as u128) > self.limits.max_bits as u128 {
                return Ok(None);
            }
            // The numerator and denominator apart: one reduction, not one per multiplication.
            let k_abs = k.unsigned_abs() as usize;
            let p = Q::new(
                num_traits::pow(b.numer().clone(), k_abs),
                num_traits::pow(b.denom().clone(), k_abs),
            );
            return self.guard(if k < 0 { p.recip() } else { p });
        }
        // Rational exponent p/q: exact when the base is a perfect q-th power.
        let (Some(p), Some(q)) = (e.numer().to_i64(), e.denom().to_u32()) else {
            return Ok(None);
        };
        if q > 64 || b.is_negative() && q % 2 == 0 {
            return Ok(None);
        }
        match rat_root(b, q) {
            Some(r) => self.pow(&r, &Q::from_integer(BigInt::from(p))),
            None => Ok(None),
        }
    }

    /// The exact rational value of `n`, or `None` when it is not rational or not computable
    /// within the limits (then floating point takes over).
    pub fn eval(&self, n: &Node) -> Result<Option<Q>, MathError> {
        // Small values (the common answer) in machine integers; anything else, or any
        // overflow, in big rationals. The size limit cannot bind on values below 2^62 (see
        // `Small`), so both paths give the same value whenever the small one gives one.
        if self.limits.max_bits >= SMALL_PATH_MIN_BITS {
            if let Some((a, b)) = self.eval_small(n)? {
                return Ok(Some(Q::new_raw(BigInt::from(a), BigInt::from(b))));
            }
        }
        self.eval_big(n)
    }

    /// [`Exact::eval`] when it is a [`Small`] (`n / d`, reduced), else `None` (then
    /// [`Exact::eval`] decides). For comparisons that need no big rational.
    pub(crate) fn small_value(&self, n: &Node) -> Result<Option<Small>, MathError> {
        if self.limits.max_bits >= SMALL_PATH_MIN_BITS {
            self.eval_small(n)
        } else {
            Ok(None)
        }
    }

    /// [`Exact::eval`] on machine integers: `Some` only when every value on the way is a
    /// [`Small`], `None` when one is not or the node is not one this path knows (then
    /// [`Exact::eval_big`] decides). Ticks the deadline at every node, as the big path does.
    fn eval_small(&self, n: &Node) -> Result<Option<Small>, MathError> {
        self.ticker.tick()?;
        Ok(match n {
            Node::Num(q, _) => match (q.numer().to_i64(), q.denom().to_i64()) {
                (Some(a), Some(b)) if b != 0 => small(i128::from(a), i128::from(b)),
                _ => None,
            },
            Node::Add(v) => {
                let mut acc: Small = (0, 1);
                for x in v {
                    let Some((a, b)) = self.eval_small(x)? else {
                        return Ok(None);
                    };
                    let Some(next) = small(acc.0 * b + a * acc.1, acc.1 * b) else {
                        return Ok(None);
                    };
                    acc = next;
                }
                Some(acc)
            }
            Node::Mul(v) => {
                let mut acc: Small = (1, 1);
                for x in v {
                    let Some((a, b)) = self.eval_small(x)? else {
                        return Ok(None);
                    };
                    let Some(next) = small(acc.0 * a, acc.1 * b) else {
                        return Ok(None);
                    };
                    acc = next;
                }
                Some(acc)
            }
            Node::Neg(a) => self.eval_small(a)?.map(|(a, b)| (-a, b)),
            Node::Div(a, b) => match (self.eval_small(a)?, self.eval_small(b)?) {
                (Some((p, q)), Some((r, s))) if r != 0 => small(p * s, q * r),
                _ => None,
            },
            Node::Pow(b, e) => {
                let Some((k, 1)) = self.eval_small(e)? else {
                    return Ok(None);
                };
                let Some((p, q)) = self.eval_small(b)? else {
                    return Ok(None);
                };
                if p == 0 {
                    // 0^k: as the big path (0 for k > 0, 1 for k = 0; k < 0 is undefined).
                    return Ok(match k {
                        1.. => Some((0, 1)),
                        0 => Some((1, 1)),
                        _ => None,
                    });
                }
                if q == 1 && (p == 1 || p == -1) {
                    return Ok(Some(if k % 2 == 0 { (1, 1) } else { (p, 1) }));
                }
                if k.unsigned_abs() > 64 {
                    return Ok(None);
                }
                let (mut num, mut den) = (1i128, 1i128);
                for _ in 0..k.unsigned_abs() {
                    num *= p;
                    den *= q;
                    if num.unsigned_abs() >= SMALL_BOUND || den.unsigned_abs() >= SMALL_BOUND {
                        return Ok(None);
                    }
                }
                if k < 0 {
                    small(den, num)
                } else {
                    small(num, den)
                }
            }
            Node::Percent(a) => match self.eval_small(a)? {
                Some((a, b)) => small(a, b * 100),
                None => None,
            },
            _ => None,
        })
    }

    /// [`Exact::eval`] in big rationals.
    fn eval_big(&self, n: &Node) -> Result<Option<Q>, MathError> {
        self.ticker.tick()?;
        Ok(match n {
            Node::Num(q, _) => Some(q.clone()),
            Node::Add(v) => {
                let mut acc = Fraction::new(Q::zero());
                for x in v {
                    let Some(q) = self.eval_big(x)? else {
                        return Ok(None);
                    };
                    acc.add(&q);
                    if !acc.fits(self.limits.max_bits) {
                        return Ok(None);
                    }
                }
                self.guard(acc.done())?
            }
            Node::Mul(v) => {
                let mut acc = Fraction::new(Q::one());
                for x in v {
                    let Some(q) = self.eval_big(x)? else {
                        return Ok(None);
                    };
                    acc.mul(&q);
                    if !acc.fits(self.limits.max_bits) {
                        return Ok(None);
                    }
                }
                self.guard(acc.done())?
            }
            Node::Neg(a) => self.eval_big(a)?.map(|q| -q),
            Node::Div(a, b) => match (self.eval_big(a)?, self.eval_big(b)?) {
                (Some(a), Some(b)) if !b.is_zero() => self.guard(a / b)?,
                _ => None,
            },
            Node::Pow(b, e) => {
                let Some(e) = self.eval_big(e)? else {
                    return Ok(None);
                };
                let Some(b) = self.eval_big(b)? else {
                    return Ok(None);
                };
                if e.is_negative() && b.is_zero() {
                    return Ok(None);
                }
                self.pow(&b, &e)?
            }
            Node::Percent(a) => self
                .eval(a)?
                .map(|q| q / Q::from_integer(BigInt::from(100))),
            Node::Apply(f, args) => {
                let mut vals = Vec::with_capacity(args.len());
                for a in args {
                    let Some(q) = self.eval_big(a)? else {
                        return Ok(None);
                    };
                    vals.push(q);
                }
                self.apply(*f, &vals)?
            }
            _ => None,
        })
    }

    fn apply(&self, f: Func, v: &[Q]) -> Result<Option<Q>, MathError> {
        Ok(match (f, v) {
            (Func::Abs, [x]) => Some(x.abs()),
            (Func::Floor, [x]) => Some(x.floor()),
            (Func::Ceil, [x]) => Some(x.ceil()),
            (Func::Sqrt, [x]) => self.pow(x, &Q::new(BigInt::one(), BigInt::from(2)))?,
            (Func::Root, [x, k]) => match as_int(k)
                .and_then(|k| k.to_i64())
                .filter(|k| *k > 0 && *k <= 64)
            {
                Some(k) => self.pow(x, &Q::new(BigInt::one(), BigInt::from(k)))?,
                None => None,
            },
            (Func::Fact, [x]) => {
                let Some(n) = as_int(x).and_then(|n| n.to_u64()).filter(|n| *n <= 3000) else {
                    return Ok(None);
                };
                let mut acc = BigInt::one();
                for k in 2..=n {
                    self.ticker.tick()?;
                    acc *= k;
                }
                Some(Q::from_integer(acc))
            }
            (Func::Binom, [n, k]) => {
                let (Some(n), Some(k)) = (
                    as_int(n).and_then(|n| n.to_i64()),
                    as_int(k).and_then(|k| k.to_i64()),
                ) else {
                    return Ok(None);
                };
                if !(-1_000_000..=1_000_000).contains(&n) {
                    return Ok(None);
                }
                if k < 0 || (n >= 0 && k > n) {
                    return Ok(Some(Q::zero()));
                }
                // n ≥ 0: C(n, k) = C(n, n − k), the shorter product. n < 0: the generalised
                // binomial n(n−1)…(n−k+1)/k! (`\binom{-1}{2}` = 1), an integer at every step too.
                let k = if n >= 0 { k.min(n - k) } else { k };
                if k > 3000 {
                    return Ok(None);
                }
                let mut acc = BigInt::one();
                for j in 0..k {
                    self.ticker.tick()?;
                    acc = acc * BigInt::from(n - j) / BigInt::from(j + 1);
                }
                Some(Q::from_integer(acc))
            }
            (Func::Log, [x, b]) => {
                // Exact when x is an integer power of b: log_2 8 = 3.
                let (Some(xi), Some(bi)) = (as_int(x), as_int(b)) else {
                    return Ok(None);
                };
                if bi <= &BigInt::one() || xi <= &BigInt::zero() {
                    return Ok(None);
                }
                let mut p = BigInt::one();
                let mut k = 0i64;
                while &p < xi && k < 10_000 {
                    self.ticker.tick()?;
                    p *= bi;
                    k += 1;
                }
                if &p == xi {
                    Some(Q::from_integer(BigInt::from(k)))
                } else {
                    None
                }
            }
            _ => None,
        })
    }
}

/// How points are evaluated: on the reals (leaving the real domain makes the point invalid) or
/// on the complex plane (principal branches).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Mode {
    Real,
    Complex,
}

/// Floating-point evaluation at one point.
pub struct Numeric<'a> {
    pub ticker: &'a Ticker<'a>,
    pub env: &'a [(String, C)],
    pub mode: Mode,
}

pub fn q_to_f64(q: &Q) -> f64 {
    // `Ratio::to_f64`'s own fast track (both sides exact in a double: one correctly rounded
    // division), taken without its big-integer sign and size checks.
    const EXACT: i64 = 1 << f64::MANTISSA_DIGITS;
    if let (Some(n), Some(d)) = (q.numer().to_i64(), q.denom().to_i64()) {
        if (-EXACT..=EXACT).contains(&n) && (-EXACT..=EXACT).contains(&d) && d != 0 {
            return n as f64 / d as f64;
        }
    }
    q.to_f64().unwrap_or(f64::NAN)
}

fn real(x: f64) -> C {
    C::new(x, 0.0)
}

fn is_real(z: C) -> bool {
    z.im.abs() <= 1e-12 * z.re.abs().max(1.0)
}

/// A value too small for a double (zero or subnormal) computed from non-zero operands: the
/// true value is not zero, and every such value would compare equal to every other
/// (`2^{-100000}` to `3^{-100000}`, `e^{-1000}` to `e^{-2000}`). Like an overflow, it is not a
/// value: the comparison falls back to the written forms.
fn underflowed(z: C) -> bool {
    // |z| is at least its larger component: no `hypot` unless both are tiny.
    if z.re.abs() >= f64::MIN_POSITIVE || z.im.abs() >= f64::MIN_POSITIVE {
        return false;
    }
    z.norm() < f64::MIN_POSITIVE
}

fn near_int(x: f64) -> Option<i64> {
    let r = x.round();
    if (x - r).abs() < 1e-9 && r.abs() < 1e15 {
        Some(r as i64)
    } else {
        None
    }
}

impl Numeric<'_> {
    /// The value at this point, or `None` where the expression is undefined (outside its
    /// domain, division by zero, overflow).
    pub fn eval(&self, n: &Node) -> Result<Option<C>, MathError> {
        self.ticker.tick()?;
        let v = match n {
            Node::Num(q, _) => real(q_to_f64(q)),
            Node::Const(c) => match c {
                Const::Pi => real(std::f64::consts::PI),
                Const::E => real(std::f64::consts::E),
                Const::I => {
                    if self.mode == Mode::Real {
                        return Ok(None);
                    }
                    C::new(0.0, 1.0)
                }
                Const::Inf => real(f64::INFINITY),
            },
            Node::Sym(s) => match self.env.iter().find(|(k, _)| k == s) {
                Some((_, v)) => *v,
                None => return Ok(None),
            },
            Node::Add(v) => {
                let mut acc = C::new(0.0, 0.0);
                for x in v {
                    let Some(z) = self.eval(x)? else {
                        return Ok(None);
                    };
                    acc += z;
                }
                acc
            }
            Node::Mul(v) => {
                let mut acc = C::new(1.0, 0.0);
                let mut zero_factor = false;
                for x in v {
                    let Some(z) = self.eval(x)? else {
                        return Ok(None);
                    };
                    // `z.norm() == 0.0` without a `hypot` (values here are never NaN).
                    zero_factor |= z.re == 0.0 && z.im == 0.0;
                    acc *= z;
                }
                if !zero_factor && underflowed(acc) {
                    return Ok(None);
                }
                acc
            }
            Node::Neg(a) => match self.eval(a)? {
                Some(z) => -z,
                None => return Ok(None),
            },
            Node::Div(a, b) => {
                let (Some(a), Some(b)) = (self.eval(a)?, self.eval(b)?) else {
                    return Ok(None);
                };
                if b.norm() == 0.0 {
                    return Ok(None);
                }
                let q = a / b;
                if a.norm() != 0.0 && underflowed(q) {
                    return Ok(None);
                }
                q
            }
            Node::Pow(b, e) => return self.pow(b, e),
            Node::Percent(a) => match self.eval(a)? {
                Some(z) => z / 100.0,
                None => return Ok(None),
            },
            Node::Degree(a) => match self.eval(a)? {
                Some(z) => z * (std::f64::consts::PI / 180.0),
                None => return Ok(None),
            },
            Node::Apply(f, args) => {
                let mut vals = Vec::with_capacity(args.len());
                for a in args {
                    let Some(z) = self.eval(a)? else {
                        return Ok(None);
                    };
                    vals.push(z);
                }
                match self.apply(*f, &vals, args) {
                    Some(z) => z,
                    None => return Ok(None),
                }
            }
            _ => return Ok(None),
        };
        if v.re.is_nan() || v.im.is_nan() {
            return Ok(None);
        }
        if self.mode == Mode::Real && !is_real(v) {
            return Ok(None);
        }
        // `+ 0.0` turns a negative zero into a positive one, so `-4` has argument π, not -π.
        Ok(Some(if self.mode == Mode::Real {
            real(v.re + 0.0)
        } else {
            C::new(v.re + 0.0, v.im + 0.0)
        }))
    }

    fn pow(&self, b: &Node, e: &Node) -> Result<Option<C>, MathError> {
        let (Some(bv), Some(ev)) = (self.eval(b)?, self.eval(e)?) else {
            return Ok(None);
        };
        if bv.norm() == 0.0 {
            if ev.re > 0.0 {
                return Ok(Some(real(0.0)));
            }
            if ev.norm() == 0.0 {
                return Ok(Some(real(1.0)));
            }
            return Ok(None);
        }
        // A non-zero base: a zero or subnormal power is an underflow.
        Ok(self.pow_nonzero(bv, ev, e)?.filter(|z| !underflowed(*z)))
    }

    fn pow_nonzero(&self, bv: C, ev: C, e: &Node) -> Result<Option<C>, MathError> {
        if is_real(ev) && is_real(bv) {
            let (x, y) = (bv.re, ev.re);
            if let Some(k) = near_int(y) {
                if k.abs() <= 1 << 20 {
                    let r = x.powi(k as i32);
                    return Ok(if r.is_finite() || x.is_infinite() {
                        Some(real(r))
                    } else {
                        None
                    });
                }
            }
            if x > 0.0 {
                let r = x.powf(y);
                return Ok(if r.is_nan() { None } else { Some(real(r)) });
            }
            // Negative base, fractional exponent: the real odd root where there is one.
            if self.mode == Mode::Real {
                if let Some(qe) = rational_of(e) {
                    if let (Some(p), Some(d)) = (qe.numer().to_i64(), qe.denom().to_i64()) {
                        if d % 2 == 1 {
                            let r = (-x).powf(y);
                            return Ok(Some(real(if p % 2 == 0 { r } else { -r })));
                        }
                    }
                }
                return Ok(None);
            }
        }
        let z = if bv.im == 0.0 && bv.re > 0.0 {
            (ev * bv.re.ln()).exp()
        } else {
            bv.powc(ev)
        };
        Ok(Some(z))
    }

    fn apply(&self, f: Func, v: &[C], args: &[Node]) -> Option<C> {
        let one = real(1.0);
        let z = *v.first()?;
        Some(match f {
            Func::Sin => z.sin(),
            Func::Cos => z.cos(),
            Func::Tan => {
                let c = z.cos();
                if c.norm() < 1e-300 {
                    return None;
                }
                z.sin() / c
            }
            Func::Cot => {
                let s = z.sin();
                if s.norm() < 1e-300 {
                    return None;
                }
                z.cos() / s
            }
            Func::Sec => one / z.cos(),
            Func::Csc => one / z.sin(),
            Func::Asin => {
                if self.mode == Mode::Real && z.re.abs() > 1.0 {
                    return None;
                }
                z.asin()
            }
            Func::Acos => {
                if self.mode == Mode::Real && z.re.abs() > 1.0 {
                    return None;
                }
                z.acos()
            }
            Func::Atan => z.atan(),
            Func::Acot => {
                if z.norm() == 0.0 {
                    real(std::f64::consts::FRAC_PI_2)
                } else {
                    (one / z).atan()
                }
            }
            Func::Asec => (one / z).acos(),
            Func::Acsc => (one / z).asin(),
            Func::Sinh => z.sinh(),
            Func::Cosh => z.cosh(),
            Func::Tanh => z.tanh(),
            Func::Ln => {
                if z.norm() == 0.0 || (self.mode == Mode::Real && z.re <= 0.0) {
                    return None;
                }
                z.ln()
            }
            Func::Log => {
                let b = *v.get(1).unwrap_or(&real(10.0));
                if z.norm() == 0.0 || b.norm() == 0.0 {
                    return None;
                }
                if self.mode == Mode::Real && (z.re <= 0.0 || b.re <= 0.0) {
                    return None;
                }
                let lb = b.ln();
                if lb.norm() == 0.0 {
                    return None;
                }
                z.ln() / lb
            }
            Func::Exp => {
                let w = z.exp();
                if underflowed(w) {
                    return None;
                }
                w
            }
            Func::Sqrt => {
                if self.mode == Mode::Real && z.re < 0.0 {
                    return None;
                }
                z.sqrt()
            }
            Func::Root => {
                let k = v.get(1)?;
                let kk = near_int(k.re)?;
                if kk <= 0 {
                    return None;
                }
                if is_real(z) && z.re < 0.0 {
                    if kk % 2 == 1 {
                        return Some(real(-(-z.re).powf(1.0 / kk as f64)));
                    }
                    if self.mode == Mode::Real {
                        return None;
                    }
                }
                if is_real(z) && z.re >= 0.0 {
                    real(z.re.powf(1.0 / kk as f64))
                } else {
                    z.powf(1.0 / kk as f64)
                }
            }
            Func::Abs => real(z.norm()),
            Func::Floor => {
                if !is_real(z) {
                    return None;
                }
                real(z.re.floor())
            }
            Func::Ceil => {
                if !is_real(z) {
                    return None;
                }
                real(z.re.ceil())
            }
            Func::Fact => {
                if !is_real(z) {
                    return None;
                }
                let n = near_int(z.re)?;
                if !(0..=170).contains(&n) {
                    return None;
                }
                real((2..=n).fold(1.0, |a, k| a * k as f64))
            }
            Func::Binom => {
                let k = v.get(1)?;
                if !is_real(*k) {
                    return None;
                }
                let k = near_int(k.re)?;
                if k < 0 {
                    return Some(real(0.0));
                }
                let whole = if is_real(z) { near_int(z.re) } else { None };
                let Some(n) = whole.filter(|n| *n >= 0) else {
                    // Any other n (a fraction, a complex number, a negative whole number): the
                    // generalised binomial, the falling factorial n(n−1)…(n−k+1)/k!, a polynomial
                    // in n (so `\binom{n}{2}` = n(n−1)/2 at every point where it is compared, and
                    // `\binom{-1}{2}` = 1, as in exact arithmetic).
                    if k > 1000 {
                        return None;
                    }
                    return Some((0..k).fold(one, |a, j| a * (z - j as f64) / (j + 1) as f64));
                };
                if k > n {
                    return Some(real(0.0));
                }
                let k = k.min(n - k);
                if k > 1000 {
                    return None;
                }
                let _ = args;
                real((0..k).fold(1.0, |a, j| a * (n - j) as f64 / (j + 1) as f64))
            }
        })
    }
}

/// The exact rational value of a literal (possibly negated) number node, or of a quotient of
/// two (`-1/3` is read `(-1) · 3^{-1}`).
pub fn rational_of(n: &Node) -> Option<Q> {
    match n {
        Node::Num(q, _) => Some(q.clone()),
        Node::Neg(a) => rational_of(a).map(|q| -q),
        Node::Mul(v) if v.len() == 2 => match &v[1] {
            Node::Pow(b, e) if e.is_minus_one() => {
                let a = rational_of(&v[0])?;
                let b = rational_of(b)?;
                if b.is_zero() {
                    None
                } else {
                    Some(a / b)
                }
            }
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod fraction_tests {
    use super::*;

    fn q(n: i64, d: i64) -> Q {
        Q::new(BigInt::from(n), BigInt::from(d))
    }

    #[test]
    fn long_products_reduce_a_logarithmic_number_of_times() {
        // 800 three-digit decimals k/1000: reduced after every step, 800 gcds of up to
        // thousands of bits; with doubling thresholds, a handful.
        let mut acc = Fraction::new(Q::one());
        let mut want = Q::one();
        for k in 1..=800 {
            acc.mul(&q(k, 1000));
            assert!(acc.fits(1 << 16));
            want *= q(k, 1000);
        }
        assert!(acc.reductions <= 6, "{} reductions", acc.reductions);
        assert_eq!(acc.done(), want);
    }

    #[test]
    fn long_sums_are_exact_and_reduced() {
        let mut acc = Fraction::new(Q::zero());
        let mut want = Q::zero();
        for k in 1..=2000 {
            acc.add(&q(1, k));
            assert!(acc.fits(1 << 16));
            want += q(1, k);
        }
        assert!(acc.reductions <= 20, "{} reductions", acc.reductions);
        assert_eq!(acc.done(), want);
    }

    #[test]
    fn the_size_limit_applies_to_the_reduced_value() {
        let mut acc = Fraction::new(Q::one());
        let mut over = false;
        for _ in 0..2000 {
            acc.mul(&q(1_000_003, 7));
            if !acc.fits(1 << 14) {
                over = true;
                break;
            }
        }
        assert!(over);
        // Factors that cancel never grow it past the limit.
        let mut acc = Fraction::new(Q::one());
        for _ in 0..2000 {
            acc.mul(&q(1_000_003, 7));
            acc.mul(&q(7, 1_000_003));
            assert!(acc.fits(1 << 14));
        }
        assert_eq!(acc.done(), Q::one());
    }
}

#[cfg(test)]
mod small_path_tests {
    use super::*;
    use plaudit_deadline::Deadline;

    /// A seeded tree of the nodes the small path knows (and a few it does not), with small,
    /// large, zero and decimal numbers.
    fn tree(seed: &mut u64, depth: u32) -> Node {
        *seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let r = (*seed >> 33) as u32;
        let num = |r: u32| -> Node {
            match r % 6 {
                0 => Node::int(0),
                1 => Node::int(i64::from(r % 13) - 6),
                2 => Node::Num(Q::new(BigInt::from(r % 1000), BigInt::from(100)), Some(2)),
                3 => Node::int(i64::MAX - i64::from(r % 3)),
                4 => Node::int((1i64 << 61) + i64::from(r % 5)),
                _ => Node::int(i64::from(r % 97) + 2),
            }
        };
        if depth == 0 {
            return num(r >> 3);
        }
        let kid = |s: &mut u64| Box::new(tree(s, depth - 1));
        match r % 9 {
            0 => Node::Add(vec![*kid(seed), *kid(seed), *kid(seed)]),
            1 => Node::Mul(vec![*kid(seed), *kid(seed)]),
            2 => Node::Neg(kid(seed)),
            3 => Node::Div(kid(seed), kid(seed)),
            4 => Node::Pow(kid(seed), Box::new(Node::int(i64::from(r % 9) - 4))),
            5 => Node::Pow(kid(seed), kid(seed)),
            6 => Node::Percent(kid(seed)),
            7 => Node::Const(Const::Pi),
            _ => num(r >> 3),
        }
    }

    #[test]
    fn the_small_path_gives_what_the_big_path_gives() {
        let d = Deadline::none();
        let ticker = Ticker::new(&d, 64);
        let limits = Limits::default();
        let ex = Exact {
            limits: &limits,
            ticker: &ticker,
        };
        let mut seed = 7u64;
        let mut small_hits = 0;
        for i in 0..20_000 {
            let n = tree(&mut seed, 1 + i % 4);
            let big = ex.eval_big(&n).unwrap();
            if let Some((a, b)) = ex.eval_small(&n).unwrap() {
                small_hits += 1;
                let q = Q::new_raw(BigInt::from(a), BigInt::from(b));
                assert_eq!(Some(&q), big.as_ref(), "{n}");
                // The same representation: reduced, positive denominator.
                let r = big.as_ref().unwrap();
                assert_eq!((q.numer(), q.denom()), (r.numer(), r.denom()), "{n}");
            }
            assert_eq!(ex.eval(&n).unwrap(), big, "{n}");
        }
        assert!(small_hits > 5_000, "{small_hits}");
    }

    #[test]
    fn roots_of_machine_integers_are_exact() {
        for n in 2..=6u32 {
            for r in [0u64, 1, 2, 3, 10, 99, 1000, 65_535, 2_642_245] {
                let Some(x) = u128::from(r)
                    .checked_pow(n)
                    .filter(|x| *x <= u128::from(u64::MAX))
                else {
                    continue;
                };
                for y in [x, x + 1, x.saturating_sub(1)] {
                    let big = BigInt::from(y);
                    let want = {
                        let r = big.nth_root(n);
                        (num_traits::pow(r.clone(), n as usize) == big).then_some(r)
                    };
                    assert_eq!(int_root(&big, n), want, "{y} {n}");
                }
            }
        }
        assert_eq!(int_root(&BigInt::from(u64::MAX), 2), None);
        assert_eq!(int_root(&BigInt::from(-27), 3), Some(BigInt::from(-3)));
    }
}
