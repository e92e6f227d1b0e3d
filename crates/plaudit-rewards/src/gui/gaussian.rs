//! What GUI-G²'s Gaussian rewards share: the adaptive-variance parameter and the normal
//! distribution's mass over a box.

use plaudit_core::{Kind, ParamSpec};

/// The error function: its Maclaurin series for |x| < 0.5, Numerical Recipes' Chebyshev fit of
/// erfc (relative error below 1.2e-7) beyond.
pub fn erf(x: f64) -> f64 {
    if x.abs() < 0.5 {
        // Maclaurin series: converges fast for small |x|.
        let mut term = x;
        let mut sum = x;
        let x2 = x * x;
        for n in 1..30 {
            term *= -x2 / n as f64;
            let add = term / (2 * n + 1) as f64;
            sum += add;
            if add.abs() < 1e-17 {
                break;
            }
        }
        return sum * 2.0 / std::f64::consts::PI.sqrt();
    }
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let ans = t
        * (-z * z - 1.265_512_23
            + t * (1.000_023_68
                + t * (0.374_091_96
                    + t * (0.096_784_18
                        + t * (-0.186_288_06
                            + t * (0.278_868_07
                                + t * (-1.135_203_98
                                    + t * (1.488_515_87
                                        + t * (-0.822_152_23 + t * 0.170_872_77)))))))))
            .exp();
    if x >= 0.0 {
        1.0 - ans
    } else {
        ans - 1.0
    }
}

/// P(a ≤ X ≤ b) for X ~ N(mu, sigma²).
pub fn normal_mass(a: f64, b: f64, mu: f64, sigma: f64) -> f64 {
    let s = sigma * std::f64::consts::SQRT_2;
    ((erf((b - mu) / s) - erf((a - mu) / s)) / 2.0).clamp(0.0, 1.0)
}

pub(crate) const SIGMA_PARAM: ParamSpec = ParamSpec::new(
    "sigma_factor",
    Kind::Float,
    "0.5",
    "α: σx = α·width, σy = α·height (adaptive variance)",
)
.above(0.0);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erf_values() {
        assert!((erf(0.0)).abs() < 1e-15);
        assert!((erf(1.0) - 0.842_700_792_949_715).abs() < 2e-7);
        assert!((erf(-2.0) + 0.995_322_265_018_953).abs() < 2e-7);
        assert!((erf(0.3) - 0.328_626_759_459_127).abs() < 1e-12);
        assert!((normal_mass(-1.0, 1.0, 0.0, 1.0) - 0.682_689_492).abs() < 2e-7);
    }
}
