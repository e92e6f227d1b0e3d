//! Router-R1's cost reward: the price of the model calls a router made (tokens times each model's price), mapped to a reward that falls as the cost grows.
//!
//! ## What it computes
//! The trainer records the calls the router made in `meta.calls` (the field is `calls_field`):
//! a list of `{"model": name, "input_tokens": n, "output_tokens": n}`. With `prices` giving each
//! model's price per `per_tokens` tokens (one number for both directions, or
//! `{"input": x, "output": y}`), the cost is
//! ```text
//! C = Σ_calls (input_tokens · price_in(model) + output_tokens · price_out(model)) / per_tokens
//! ```
//! and the reward, with s = `scale`:
//! - `mapping: negative` (default): r = −C / s (0 for no calls, −1 at a cost of s);
//! - `mapping: budget`: r = 1 − min(C / s, 1) (1 for no calls, 0 at or beyond a cost of s).
//!
//! A call to a model that has no price is `invalid_input` naming it: an unpriced model is never
//! free, so a router cannot escape the cost by calling a model the table forgot (or spelling a
//! known one differently). Token counts must be numbers ≥ 0; a missing field, a call that is not
//! an object, or a cost too large to represent is `invalid_input`. An empty list costs 0 (the
//! router answered alone). Details give `cost` and `calls`.
//!
//! ## Why
//! "Router-R1: Teaching LLMs Multi-Round Routing and Aggregation via Reinforcement Learning"
//! trains an LLM router with "format rewards, final outcome rewards, and a novel cost reward for
//! performance and cost trade-off optimization", the router conditioning on model descriptors such
//! as "pricing". The abstract gives no formula; Router-R1's released code keeps a table of API
//! prices per million tokens and a cost coefficient that weighs the cost reward against the
//! outcome. Here the cost is the priced token count of the routed calls; the two mappings and the
//! scale are Plaudit's documented choices. Weigh it in the expression, e.g.
//! `(1 - a) * correct + a * cost`, and gate it on the format as Router-R1's hierarchical reward
//! does.
//!
//! ## Parameters
//! - `prices` (object, required): model name → price per `per_tokens` tokens, a number ≥ 0 or
//!   `{"input": x, "output": y}`.
//! - `per_tokens` (number > 0; default 1000000): the number of tokens a price is for.
//! - `mapping` (negative | budget; default `negative`): how the cost becomes a reward.
//! - `scale` (number > 0; default 1.0): the cost that maps to −1 (`negative`) or to 0 (`budget`).
//! - `calls_field` (string; default `calls`): the key under `meta` that lists the calls.
//!
//! ## Example
//! ```json
//! {"params": {"prices": {"small": 0.2, "large": {"input": 1.0, "output": 3.0}}}, "sample": {"response": "…", "meta": {"calls": [{"model": "small", "input_tokens": 500000, "output_tokens": 500000}, {"model": "large", "input_tokens": 100000, "output_tokens": 200000}]}}, "value": -0.9}
//! {"params": {"prices": {"small": 0.2, "large": {"input": 1.0, "output": 3.0}}, "mapping": "budget", "scale": 2.0}, "sample": {"response": "…", "meta": {"calls": [{"model": "large", "input_tokens": 250000, "output_tokens": 100000}]}}, "value": 0.725}
//! {"params": {"prices": {"small": 0.2}, "per_tokens": 1000, "scale": 0.01}, "sample": {"response": "…", "meta": {"calls": [{"model": "small", "input_tokens": 20, "output_tokens": 5}]}}, "value": -0.5}
//! {"params": {"prices": {"small": 0.2}}, "sample": {"response": "…", "meta": {"calls": []}}, "value": 0.0}
//! {"params": {"prices": {"small": 0.2}}, "sample": {"response": "…", "meta": {"calls": [{"model": "Small", "input_tokens": 10, "output_tokens": 10}]}}, "status": "invalid_input"}
//! {"params": {"prices": {"small": 0.2}}, "sample": {"response": "…"}, "status": "invalid_input"}
//! ```

use std::collections::HashMap;
use std::sync::Arc;

use plaudit_core::sample::type_name;
use plaudit_core::{
    Ctx, Failure, Kind, Outcome, ParamSpec, Params, Reward, RewardInfo, Sample, Score,
};
use serde_json::{json, Value};

pub const INFO: RewardInfo = RewardInfo {
    name: "routing_cost",
    family: "efficiency",
    source: include_str!("routing_cost.rs"),
    params: PARAMS,
    build,
};

const PARAMS: &[ParamSpec] = &[
    ParamSpec::required(
        "prices",
        Kind::Json,
        "model name → price per `per_tokens` tokens: a number, or {\"input\": x, \"output\": y}",
    ),
    ParamSpec::new(
        "per_tokens",
        Kind::Float,
        "1000000",
        "the number of tokens a price is for",
    )
    .above(0.0),
    ParamSpec::new(
        "mapping",
        Kind::Enum(&["negative", "budget"]),
        "\"negative\"",
        "−cost/scale, or 1 − min(cost/scale, 1)",
    ),
    ParamSpec::new(
        "scale",
        Kind::Float,
        "1.0",
        "the cost that maps to −1 (negative) or 0 (budget)",
    )
    .above(0.0),
    ParamSpec::new(
        "calls_field",
        Kind::Str,
        "\"calls\"",
        "the key under `meta` listing the calls",
    ),
];

struct RoutingCost {
    /// (input, output) price per token, by model.
    prices: HashMap<String, (f64, f64)>,
    budget: bool,
    scale: f64,
    field: String,
}

/// A price: a finite number ≥ 0.
fn price(v: &Value, what: &str) -> Result<f64, String> {
    v.as_f64()
        .filter(|p| p.is_finite() && *p >= 0.0)
        .ok_or_else(|| format!("parameter `prices`: {what} must be a number ≥ 0, got {v}"))
}

fn build(p: &Params) -> Result<Arc<dyn Reward>, String> {
    let Value::Object(table) = p.json("prices") else {
        return Err(
            "parameter `prices` must be an object: model name → price (a number, or {\"input\": x, \"output\": y})"
                .into(),
        );
    };
    if table.is_empty() {
        return Err("parameter `prices` must price at least one model".into());
    }
    let per = p.f64("per_tokens");
    let mut prices = HashMap::new();
    for (model, v) in table {
        let (i, o) = match v {
            Value::Object(io) => {
                if let Some(k) = io.keys().find(|k| *k != "input" && *k != "output") {
                    return Err(format!(
                        "parameter `prices`: `{model}` has an unknown key `{k}` (the keys are `input` and `output`)"
                    ));
                }
                let get = |k: &str| {
                    io.get(k)
                        .ok_or_else(|| format!("parameter `prices`: `{model}` has no `{k}` price"))
                        .and_then(|x| price(x, &format!("`{model}.{k}`")))
                };
                (get("input")?, get("output")?)
            }
            other => {
                let x = price(other, &format!("`{model}`"))?;
                (x, x)
            }
        };
        prices.insert(model.clone(), (i / per, o / per));
    }
    let field = p.str("calls_field").to_string();
    if field.is_empty() {
        return Err("parameter `calls_field` must not be empty".into());
    }
    Ok(Arc::new(RoutingCost {
        prices,
        budget: p.str("mapping") == "budget",
        scale: p.f64("scale"),
        field,
    }))
}

impl RoutingCost {
    /// A call's token count `key`: a finite number ≥ 0.
    fn tokens(
        &self,
        call: &serde_json::Map<String, Value>,
        i: usize,
        key: &str,
    ) -> Result<f64, Failure> {
        let field = &self.field;
        match call.get(key) {
            None | Some(Value::Null) => Err(Failure::invalid_input(format!(
                "`meta.{field}[{i}]` has no `{key}`"
            ))),
            Some(v) => v
                .as_f64()
                .filter(|t| t.is_finite() && *t >= 0.0)
                .ok_or_else(|| {
                    Failure::invalid_input(format!(
                        "`meta.{field}[{i}].{key}`: expected a token count ≥ 0, got {v}"
                    ))
                }),
        }
    }

    fn cost(&self, sample: &Sample) -> Result<(f64, usize), Failure> {
        let field = &self.field;
        let calls = match sample.meta.get(field) {
            None | Some(Value::Null) => {
                return Err(Failure::invalid_input(format!(
                    "sample has no `meta.{field}` (the routed calls: [{{\"model\", \"input_tokens\", \"output_tokens\"}}])"
                )))
            }
            Some(Value::Array(calls)) => calls,
            Some(other) => {
                return Err(Failure::invalid_input(format!(
                    "`meta.{field}`: expected a list of calls, got {}",
                    type_name(other)
                )))
            }
        };
        let mut total = 0.0;
        for (i, call) in calls.iter().enumerate() {
            let Value::Object(call) = call else {
                return Err(Failure::invalid_input(format!(
                    "`meta.{field}[{i}]`: expected an object {{\"model\", \"input_tokens\", \"output_tokens\"}}, got {}",
                    type_name(call)
                )));
            };
            let model = match call.get("model") {
                Some(Value::String(m)) => m,
                other => {
                    return Err(Failure::invalid_input(format!(
                        "`meta.{field}[{i}].model`: expected a model name, got {}",
                        other.map_or("nothing", type_name)
                    )))
                }
            };
            let Some((pi, po)) = self.prices.get(model) else {
                return Err(Failure::invalid_input(format!(
                    "`meta.{field}[{i}]` calls `{model}`, which has no price in `prices`"
                )));
            };
            let input = self.tokens(call, i, "input_tokens")?;
            let output = self.tokens(call, i, "output_tokens")?;
            total += input * pi + output * po;
        }
        if !total.is_finite() {
            return Err(Failure::invalid_input(format!(
                "`meta.{field}`: the cost of the calls is too large to represent"
            )));
        }
        Ok((total, calls.len()))
    }
}

impl Reward for RoutingCost {
    fn score(&self, sample: &Sample, _cx: &Ctx) -> Outcome {
        let (cost, calls) = self.cost(sample)?;
        let ratio = cost / self.scale;
        let value = if self.budget {
            1.0 - ratio.min(1.0)
        } else {
            // 0 − x, not −x: no calls is 0, not −0.
            0.0 - ratio
        };
        if !value.is_finite() {
            return Err(Failure::invalid_input(format!(
                "`meta.{}`: the cost of the calls is too large for `scale`",
                self.field
            )));
        }
        Ok(Score::with_details(
            value,
            json!({"cost": cost, "calls": calls}),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_price_tables_are_spec_errors() {
        let err = |prices: Value| crate::spec_error(&INFO, json!({ "prices": prices }), &[]);
        assert!(err(json!([])).contains("must be an object"));
        assert!(err(json!({})).contains("at least one model"));
        assert!(err(json!({"m": -1})).contains("`m` must be a number ≥ 0"));
        assert!(err(json!({"m": {"input": 1}})).contains("`m` has no `output` price"));
        assert!(err(json!({"m": {"input": 1, "output": 1, "cached": 0}}))
            .contains("unknown key `cached`"));
        assert!(crate::spec_error(&INFO, json!({}), &[])
            .starts_with("missing required parameter `prices`"));
    }
}
