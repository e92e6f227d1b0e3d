//! Group statistics the estimators share: the `std` and `eps` parameters, mean and standard
//! deviation, and the failure of a statistic that overflows.

use plaudit_core::{Failure, Kind, ParamSpec};

/// `std`: which standard deviation a group statistic uses.
pub(crate) const STD_PARAM: ParamSpec = ParamSpec::new(
    "std",
    Kind::Enum(&["sample", "population"]),
    "\"sample\"",
    "standard deviation over n − 1 (sample) or n (population)",
);

/// `eps`: added to a standard deviation before dividing by it.
pub(crate) const EPS_PARAM: ParamSpec = ParamSpec::new(
    "eps",
    Kind::Float,
    "1e-6",
    "added to the standard deviation before dividing",
)
.min(0.0);

/// Mean and standard deviation of `xs` (n − 1 when `sample`, n otherwise); (0, 0) for no
/// values, std 0 when the divisor would be 0. Equal values give exactly that value and std 0
/// (the rounding of Σx/n would otherwise leave a spread of 1e-17 that a z-score with `eps: 0`
/// blows up).
pub(crate) fn mean_std(xs: &[f64], sample: bool) -> (f64, f64) {
    if xs.is_empty() {
        return (0.0, 0.0);
    }
    if xs.iter().all(|&x| x == xs[0]) {
        return (xs[0], 0.0);
    }
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let denom = if sample { n - 1.0 } else { n };
    if denom <= 0.0 {
        return (mean, 0.0);
    }
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / denom;
    (mean, var.sqrt())
}

/// The failure of every member when a component's values are too large for the group's
/// statistics (their sum or spread overflows).
pub(crate) fn overflow(name: &str) -> Failure {
    Failure::error(format!(
        "the values of `{name}` are too large for the group's statistics (they overflow)"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mean_and_both_standard_deviations() {
        let (m, s) = mean_std(&[1.0, 0.0, 0.0, 1.0], true);
        assert_eq!(m, 0.5);
        assert!((s - (1.0f64 / 3.0).sqrt()).abs() < 1e-15);
        assert_eq!(mean_std(&[1.0, 0.0, 0.0, 1.0], false), (0.5, 0.5));
        assert_eq!(mean_std(&[3.0], true), (3.0, 0.0));
        assert_eq!(mean_std(&[], false), (0.0, 0.0));
        // Σx/n of three 0.1s is 0.10000000000000002; equal values are taken as they are.
        assert_eq!(mean_std(&[0.1, 0.1, 0.1], true), (0.1, 0.0));
    }
}
