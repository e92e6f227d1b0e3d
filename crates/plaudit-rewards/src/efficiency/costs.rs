//! What the efficiency family measures and summarises: tool-call counts from `meta.tool_calls`,
//! and the mean, median and quantile of a list of costs.

use plaudit_core::{Failure, Sample};
use serde_json::Value;

/// The number of tool calls of a sample: `meta.tool_calls`, a non-negative number or a list of
/// calls (its length).
pub(crate) fn tool_calls(sample: &Sample) -> Result<f64, Failure> {
    match sample.meta.get("tool_calls") {
        None | Some(Value::Null) => Err(Failure::invalid_input(
            "sample has no `meta.tool_calls` (the number of tool calls, or the list of calls)",
        )),
        Some(Value::Array(calls)) => Ok(calls.len() as f64),
        Some(Value::Number(n)) => n.as_f64().filter(|x| *x >= 0.0).ok_or_else(|| {
            Failure::invalid_input(format!(
                "field `meta.tool_calls`: expected a non-negative number, got {n}"
            ))
        }),
        Some(other) => Err(Failure::invalid_input(format!(
            "field `meta.tool_calls`: expected a non-negative number or a list of calls, got {}",
            plaudit_core::sample::type_name(other)
        ))),
    }
}

/// The mean of `xs` (non-empty), as a running mean so that large values cannot overflow.
pub(crate) fn mean(xs: &[f64]) -> f64 {
    let mut m = 0.0;
    for (i, x) in xs.iter().enumerate() {
        m += (x - m) / (i + 1) as f64;
    }
    m
}

/// The median of `xs` (non-empty; sorted in place): the middle value, or the mean of the two
/// middle values.
pub(crate) fn median(xs: &mut [f64]) -> f64 {
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    if n % 2 == 1 {
        xs[n / 2]
    } else {
        xs[n / 2 - 1] + (xs[n / 2] - xs[n / 2 - 1]) / 2.0
    }
}

/// The nearest-rank `q`-quantile of `xs` (non-empty; sorted in place): the smallest value with at
/// least a fraction `q` of the values at or below it.
pub(crate) fn quantile(xs: &mut [f64], q: f64) -> f64 {
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    let rank = (q * n as f64).ceil() as usize;
    xs[rank.clamp(1, n) - 1]
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn statistics() {
        assert_eq!(mean(&[1.0, 2.0, 6.0]), 3.0);
        assert_eq!(mean(&[f64::MAX, f64::MAX]), f64::MAX);
        assert_eq!(median(&mut [5.0, 1.0, 3.0]), 3.0);
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), 2.5);
        assert_eq!(quantile(&mut [40.0, 10.0, 30.0, 20.0], 0.75), 30.0);
        assert_eq!(quantile(&mut [40.0, 10.0, 30.0, 20.0], 0.76), 40.0);
        assert_eq!(quantile(&mut [40.0, 10.0, 30.0, 20.0], 0.0), 10.0);
        assert_eq!(quantile(&mut [7.0], 1.0), 7.0);
    }
    #[test]
    fn tool_call_counts() {
        let s = |meta: Value| Sample::from_value(json!({"response": "", "meta": meta})).unwrap();
        assert_eq!(tool_calls(&s(json!({"tool_calls": 3}))).unwrap(), 3.0);
        assert_eq!(
            tool_calls(&s(json!({"tool_calls": [{}, {}]}))).unwrap(),
            2.0
        );
        let e = tool_calls(&s(json!({"tool_calls": "3"}))).unwrap_err();
        assert_eq!(
            e.message,
            "field `meta.tool_calls`: expected a non-negative number or a list of calls, got a string"
        );
        let e = tool_calls(&s(json!({"tool_calls": -1}))).unwrap_err();
        assert_eq!(
            e.message,
            "field `meta.tool_calls`: expected a non-negative number, got -1"
        );
        assert!(tool_calls(&s(json!({})))
            .unwrap_err()
            .message
            .contains("no `meta.tool_calls`"));
    }
}
