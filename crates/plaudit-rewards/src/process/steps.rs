//! What the process rewards share: reading and lining up the step scores (`steps_from`,
//! `delimiter`), the aggregations, reading lists under `meta`, the details limit, and the checks
//! that keep every value finite.

use plaudit_core::sample::type_name;
use plaudit_core::{Failure, Kind, ParamSpec, Params, Sample};
use serde_json::Value;

/// What `step_scores` is lined up with before it is used.
pub(crate) const STEPS_FROM_PARAM: ParamSpec = ParamSpec::new(
    "steps_from",
    Kind::Enum(&["auto", "field", "response", "none"]),
    "\"auto\"",
    "what `step_scores` must line up with: the sample's `steps` when it has them (auto), always `steps` (field), the response split at `delimiter` (response), nothing (none)",
);

/// The separator between steps when they are split from the response.
pub(crate) const DELIMITER_PARAM: ParamSpec = ParamSpec::new(
    "delimiter",
    Kind::Str,
    "\"\\n\\n\"",
    "separator between steps under `steps_from: response`",
);

/// How many per-step (or per-token) values the details list at most.
pub(crate) const DETAIL_LIMIT_PARAM: ParamSpec = ParamSpec::new(
    "detail_limit",
    Kind::Int,
    "64",
    "per-step or per-token values are listed in the details only when there are at most this many",
)
.min(0.0);

/// The aggregations of step values, in the order the docs list them.
pub(crate) const AGGREGATIONS: &[&str] = &["min", "last", "mean", "product", "sum"];

#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Aggregation {
    Min,
    Max,
    First,
    Last,
    Mean,
    Product,
    Sum,
}

impl Aggregation {
    pub(crate) fn from_params(p: &Params, name: &str) -> Result<Aggregation, String> {
        match p.str(name) {
            "min" => Ok(Aggregation::Min),
            "max" => Ok(Aggregation::Max),
            "first" => Ok(Aggregation::First),
            "last" => Ok(Aggregation::Last),
            "mean" => Ok(Aggregation::Mean),
            "product" => Ok(Aggregation::Product),
            "sum" => Ok(Aggregation::Sum),
            other => Err(format!("parameter `{name}`: unknown aggregation `{other}`")),
        }
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Aggregation::Min => "min",
            Aggregation::Max => "max",
            Aggregation::First => "first",
            Aggregation::Last => "last",
            Aggregation::Mean => "mean",
            Aggregation::Product => "product",
            Aggregation::Sum => "sum",
        }
    }

    /// The aggregate of `xs` (`what` names the values in the error). Callers make sure `xs` is
    /// not empty; an empty list is an error here too, never a silent 0. A result that overflows is
    /// an `error` naming the aggregation.
    pub(crate) fn apply(self, xs: &[f64], what: &str) -> Result<f64, Failure> {
        let (Some(&first), Some(&last)) = (xs.first(), xs.last()) else {
            return Err(Failure::invalid_input(format!(
                "there are no {what} to aggregate"
            )));
        };
        let v = match self {
            Aggregation::Min => xs.iter().copied().fold(f64::INFINITY, f64::min),
            Aggregation::Max => xs.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            Aggregation::First => first,
            Aggregation::Last => last,
            Aggregation::Mean => {
                let n = xs.len() as f64;
                let s: f64 = xs.iter().sum();
                if s.is_finite() {
                    s / n
                } else {
                    // Σ x/n never overflows: every partial sum is at most max |x| in magnitude.
                    xs.iter().map(|x| x / n).sum()
                }
            }
            Aggregation::Product => xs.iter().product(),
            Aggregation::Sum => xs.iter().sum(),
        };
        finite(v, || format!("the {} of the {what}", self.name()))
    }
}

/// `v` when it is finite, else an `error` saying that `what()` overflowed.
pub(crate) fn finite(v: f64, what: impl FnOnce() -> String) -> Result<f64, Failure> {
    if v.is_finite() {
        Ok(v)
    } else {
        Err(overflow(&what()))
    }
}

/// The `error` for a value (`what`) that overflowed.
pub(crate) fn overflow(what: &str) -> Failure {
    Failure::error(format!(
        "{what} is not a finite number (the inputs are too large in magnitude)"
    ))
}

/// Where the steps that `step_scores` scores come from.
#[derive(Clone, Copy, Debug, PartialEq)]
enum StepsFrom {
    Auto,
    Field,
    Response,
    None,
}

/// How a reward reads and checks a sample's step scores (`steps_from`, `delimiter`).
#[derive(Clone, Debug)]
pub(crate) struct StepSource {
    from: StepsFrom,
    delimiter: String,
}

/// A sample's step scores, and the texts of the steps when they are known.
pub(crate) struct Steps<'a> {
    pub scores: &'a [f64],
    pub texts: Option<Vec<&'a str>>,
}

impl StepSource {
    pub(crate) fn from_params(p: &Params) -> Result<StepSource, String> {
        let from = match p.str("steps_from") {
            "auto" => StepsFrom::Auto,
            "field" => StepsFrom::Field,
            "response" => StepsFrom::Response,
            "none" => StepsFrom::None,
            other => return Err(format!("parameter `steps_from`: unknown value `{other}`")),
        };
        let delimiter = p.str("delimiter").to_string();
        if delimiter.is_empty() {
            return Err("parameter `delimiter` must not be empty".into());
        }
        Ok(StepSource { from, delimiter })
    }

    /// The sample's `step_scores`, checked against the steps they score. Missing or empty scores
    /// and a count that differs from the number of steps are `invalid_input` naming both counts.
    pub(crate) fn read<'a>(&self, sample: &'a Sample) -> Result<Steps<'a>, Failure> {
        let scores = sample.step_scores.as_deref().ok_or_else(|| {
            Failure::invalid_input(
                "sample has no `step_scores` (this reward needs one score per reasoning step)",
            )
        })?;
        if scores.is_empty() {
            return Err(Failure::invalid_input(
                "`step_scores` is empty: there is no step to score",
            ));
        }
        let texts: Option<Vec<&str>> = match self.from {
            StepsFrom::None => None,
            StepsFrom::Auto => sample
                .steps
                .as_ref()
                .map(|s| s.iter().map(String::as_str).collect()),
            StepsFrom::Field => Some(
                sample
                    .steps
                    .as_ref()
                    .ok_or_else(|| {
                        Failure::invalid_input(
                            "sample has no `steps` (parameter `steps_from: field` lines `step_scores` up with the sample's `steps`)",
                        )
                    })?
                    .iter()
                    .map(String::as_str)
                    .collect(),
            ),
            StepsFrom::Response => Some(split_steps(&sample.response, &self.delimiter)),
        };
        if let Some(t) = &texts {
            if t.len() != scores.len() {
                let what = match self.from {
                    StepsFrom::Response => format!(
                        "the response splits into {} steps at delimiter {:?}",
                        t.len(),
                        self.delimiter
                    ),
                    _ => format!("`steps` has {} steps", t.len()),
                };
                return Err(Failure::invalid_input(format!(
                    "`step_scores` has {} scores but {what}",
                    scores.len()
                )));
            }
        }
        Ok(Steps { scores, texts })
    }
}

/// The response's steps: the pieces between delimiters, trimmed; pieces that are empty or only
/// whitespace are not steps.
pub(crate) fn split_steps<'a>(response: &'a str, delimiter: &str) -> Vec<&'a str> {
    response
        .split(delimiter)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect()
}

/// The `detail_limit` parameter, checked.
pub(crate) fn detail_limit(p: &Params) -> Result<usize, String> {
    p.usize("detail_limit")
}

/// `xs` as a JSON list when it has at most `limit` items.
pub(crate) fn listed(xs: &[f64], limit: usize) -> Option<Value> {
    (xs.len() <= limit).then(|| Value::from(xs.to_vec()))
}

/// A list of finite numbers under `meta.{key}`. Absent, ill-typed or non-finite entries are
/// `invalid_input` naming the key (and `needs` says what the list is for).
pub(crate) fn meta_floats(sample: &Sample, key: &str, needs: &str) -> Result<Vec<f64>, Failure> {
    match sample.meta.get(key) {
        None | Some(Value::Null) => Err(Failure::invalid_input(format!(
            "sample has no `meta.{key}` ({needs})"
        ))),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, x)| {
                x.as_f64().filter(|f| f.is_finite()).ok_or_else(|| {
                    Failure::invalid_input(format!(
                        "`meta.{key}[{i}]`: expected a finite number, got {}",
                        type_name(x)
                    ))
                })
            })
            .collect(),
        Some(other) => Err(Failure::invalid_input(format!(
            "`meta.{key}`: expected a list of numbers, got {}",
            type_name(other)
        ))),
    }
}
