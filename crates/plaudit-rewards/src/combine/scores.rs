//! The external reward-model scores a sample carries (`scores`: a number, or an object of named
//! numbers or lists of numbers), read with errors that name the field.

use plaudit_core::sample::type_name;
use plaudit_core::{Failure, Sample};
use serde_json::Value;

/// How a `scores` key is written in messages: `scores.rm`, or `scores` for the empty key.
fn field(key: &str) -> String {
    if key.is_empty() {
        "scores".to_string()
    } else {
        format!("scores.{key}")
    }
}

/// The raw value at `scores.key`; the empty key is the `scores` value itself, which must then
/// be a number.
fn raw<'a>(sample: &'a Sample, key: &str) -> Result<&'a Value, Failure> {
    let Some(scores) = sample.scores.as_ref() else {
        return Err(Failure::invalid_input(format!(
            "sample has no `scores` field (this reward reads `{}`)",
            field(key)
        )));
    };
    if key.is_empty() {
        return match scores {
            Value::Object(_) => Err(Failure::invalid_input(
                "field `scores` is an object of named scores, but this reward reads `scores` as one number: name the key to read",
            )),
            v => Ok(v),
        };
    }
    match scores {
        Value::Object(o) => o.get(key).ok_or_else(|| {
            let mut keys: Vec<&str> = o.keys().map(String::as_str).take(11).collect();
            let more = if keys.len() > 10 {
                keys.pop();
                ", …"
            } else {
                ""
            };
            Failure::invalid_input(if keys.is_empty() {
                format!("field `scores` has no key `{key}` (it is empty)")
            } else {
                format!(
                    "field `scores` has no key `{key}` (it has: {}{more})",
                    keys.join(", ")
                )
            })
        }),
        _ => Err(Failure::invalid_input(format!(
            "field `scores` is a number, but this reward reads `scores.{key}`: send an object of named scores"
        ))),
    }
}

fn number(v: &Value, what: &str) -> Result<f64, Failure> {
    v.as_f64().filter(|f| f.is_finite()).ok_or_else(|| {
        Failure::invalid_input(format!(
            "field `{what}`: expected a finite number, got {}",
            type_name(v)
        ))
    })
}

/// The number at `scores.key` (the empty key: `scores` itself).
pub(crate) fn score_at(sample: &Sample, key: &str) -> Result<f64, Failure> {
    number(raw(sample, key)?, &field(key))
}

/// The number, or the non-empty list of numbers, at `scores.key` (the empty key: `scores`
/// itself).
pub(crate) fn scores_at(sample: &Sample, key: &str) -> Result<Vec<f64>, Failure> {
    let what = field(key);
    match raw(sample, key)? {
        Value::Array(items) if items.is_empty() => Err(Failure::invalid_input(format!(
            "field `{what}`: expected a number or a non-empty list of numbers, got an empty list"
        ))),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, x)| number(x, &format!("{what}[{i}]")))
            .collect(),
        v => Ok(vec![number(v, &what)?]),
    }
}

/// Every entry of the `scores` object in its order (or the one number `scores` is), each as its
/// name and its numbers.
pub(crate) fn all_scores(sample: &Sample) -> Result<Vec<(String, Vec<f64>)>, Failure> {
    match sample.scores.as_ref() {
        None => Err(Failure::invalid_input(
            "sample has no `scores` field (this reward reads every score in it)",
        )),
        Some(Value::Object(o)) => o
            .keys()
            .map(|k| Ok((k.clone(), scores_at(sample, k)?)))
            .collect(),
        Some(v) => Ok(vec![("scores".to_string(), vec![number(v, "scores")?])]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn with(scores: Value) -> Sample {
        Sample {
            scores: Some(scores),
            ..Default::default()
        }
    }

    #[test]
    fn reads_numbers_and_lists_with_named_errors() {
        assert_eq!(score_at(&with(json!({"a": 2})), "a").unwrap(), 2.0);
        assert_eq!(score_at(&with(json!(1.5)), "").unwrap(), 1.5);
        assert_eq!(
            scores_at(&with(json!({"a": [1, 2.5]})), "a").unwrap(),
            vec![1.0, 2.5]
        );
        let msg = |r: Result<_, Failure>| r.map(|_: Vec<f64>| ()).unwrap_err().message;
        assert_eq!(
            msg(scores_at(&Sample::default(), "a")),
            "sample has no `scores` field (this reward reads `scores.a`)"
        );
        assert_eq!(
            msg(scores_at(&with(json!({"b": 1, "c": 2})), "a")),
            "field `scores` has no key `a` (it has: b, c)"
        );
        assert_eq!(
            msg(scores_at(&with(json!({"a": [1, "x"]})), "a")),
            "field `scores.a[1]`: expected a finite number, got a string"
        );
        assert_eq!(
            msg(scores_at(&with(json!({"a": []})), "a")),
            "field `scores.a`: expected a number or a non-empty list of numbers, got an empty list"
        );
        assert!(msg(scores_at(&with(json!(3)), "a")).contains("is a number"));
        assert!(msg(scores_at(&with(json!({"a": 1})), "")).contains("object"));
        assert_eq!(
            score_at(&with(json!({"a": [1]})), "a").unwrap_err().message,
            "field `scores.a`: expected a finite number, got an array"
        );
    }

    #[test]
    fn all_scores_in_order() {
        let got = all_scores(&with(json!({"x": 1, "y": [2, 3]}))).unwrap();
        assert_eq!(
            got,
            vec![
                ("x".to_string(), vec![1.0]),
                ("y".to_string(), vec![2.0, 3.0])
            ]
        );
        assert_eq!(
            all_scores(&with(json!(4))).unwrap(),
            vec![("scores".to_string(), vec![4.0])]
        );
    }
}
