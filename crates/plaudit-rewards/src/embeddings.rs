//! Embeddings the trainer supplies in `meta`, for the rewards that compare them
//! (`embedding_similarity`, `bmas`, `embedding_diversity`): one vector or a list of vectors under a named key, read strictly (finite numbers, not
//! empty, not the zero vector, one dimension) and returned as unit vectors, so that a cosine is a
//! dot product. Vectors are scaled by their largest magnitude before the norm is taken, so that
//! the norm of huge values cannot overflow.

use plaudit_core::deadline::Ticker;
use plaudit_core::sample::type_name;
use plaudit_core::{Failure, Sample};
use serde_json::Value;

/// `v` (named `what` in messages) as a unit vector, or `invalid_input` naming the problem.
pub fn unit_vector(v: &Value, what: &str) -> Result<Vec<f64>, Failure> {
    let items = match v {
        Value::Array(items) => items,
        other => {
            return Err(Failure::invalid_input(format!(
                "`{what}`: expected a list of numbers, got {}",
                type_name(other)
            )))
        }
    };
    if items.is_empty() {
        return Err(Failure::invalid_input(format!("`{what}` is empty")));
    }
    let x = items
        .iter()
        .enumerate()
        .map(|(i, v)| {
            v.as_f64().filter(|f| f.is_finite()).ok_or_else(|| {
                Failure::invalid_input(format!(
                    "`{what}[{i}]`: expected a finite number, got {}",
                    type_name(v)
                ))
            })
        })
        .collect::<Result<Vec<f64>, _>>()?;
    let big = x.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    if big == 0.0 {
        return Err(Failure::invalid_input(format!(
            "`{what}` is the zero vector, whose cosine similarity is undefined"
        )));
    }
    let scaled: Vec<f64> = x.iter().map(|v| v / big).collect();
    let norm = scaled.iter().map(|v| v * v).sum::<f64>().sqrt();
    Ok(scaled.into_iter().map(|v| v / norm).collect())
}

/// The value of `meta.<key>`, or `invalid_input` saying it is missing and what it should hold.
pub fn meta_value<'a>(sample: &'a Sample, key: &str, holds: &str) -> Result<&'a Value, Failure> {
    match sample.meta.get(key) {
        None | Some(Value::Null) => Err(Failure::invalid_input(format!(
            "sample has no `meta.{key}` ({holds}, computed by the trainer)"
        ))),
        Some(v) => Ok(v),
    }
}

/// A list of vectors (`meta.<key>`, one per token), each as a unit vector, all of one dimension;
/// at most `max` of them. An empty list is returned as such (the caller decides what it means).
pub fn unit_vectors(
    v: &Value,
    key: &str,
    max: usize,
    tick: &Ticker,
) -> Result<Vec<Vec<f64>>, Failure> {
    let what = format!("meta.{key}");
    let Value::Array(rows) = v else {
        return Err(Failure::invalid_input(format!(
            "`{what}`: expected a list of vectors (lists of numbers), got {}",
            type_name(v)
        )));
    };
    if rows.len() > max {
        return Err(Failure::invalid_input(format!(
            "`{what}` has {} vectors, more than `max_tokens` ({max})",
            rows.len()
        )));
    }
    let mut out: Vec<Vec<f64>> = Vec::with_capacity(rows.len());
    for (i, r) in rows.iter().enumerate() {
        tick.tick()?;
        let u = unit_vector(r, &format!("{what}[{i}]"))?;
        if let Some(first) = out.first() {
            if first.len() != u.len() {
                return Err(Failure::invalid_input(format!(
                    "`{what}[{i}]` has dimension {}, `{what}[0]` {}: every vector must have the same",
                    u.len(),
                    first.len()
                )));
            }
        }
        out.push(u);
    }
    Ok(out)
}

/// The dot product of two vectors of one dimension (the cosine of two unit vectors), clamped to
/// [−1, 1] against rounding.
pub fn cosine(a: &[f64], b: &[f64]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(x, y)| x * y)
        .sum::<f64>()
        .clamp(-1.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unit_vectors_of_huge_values_do_not_overflow() {
        let u = unit_vector(&json!([1e300, 1e300]), "x").unwrap();
        assert!((u[0] - 0.5f64.sqrt()).abs() < 1e-15);
        assert!((cosine(&u, &u) - 1.0).abs() < 1e-15);
    }

    #[test]
    fn bad_vectors_are_named() {
        let err = |v: Value| unit_vector(&v, "meta.e").unwrap_err().message;
        assert_eq!(err(json!([])), "`meta.e` is empty");
        assert_eq!(
            err(json!([1, "2"])),
            "`meta.e[1]`: expected a finite number, got a string"
        );
        assert_eq!(
            err(json!([0, 0.0])),
            "`meta.e` is the zero vector, whose cosine similarity is undefined"
        );
        assert_eq!(
            err(json!({"a": 1})),
            "`meta.e`: expected a list of numbers, got an object"
        );
    }
}
