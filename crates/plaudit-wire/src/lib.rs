//! The wire formats Plaudit's fronts share (the CLI, the HTTP server, the Python package): what
//! comes in and what goes out, apart from the engine that scores it.
//!
//! - [`openrlhf`]: OpenRLHF's remote reward protocol (`POST /get_reward`,
//!   `plaudit.openrlhf.reward_func`).
//! - [`score_request`]: the `/v1/score` request body (`{"samples", "spec"?}`).
//! - [`spec_errors`]: an invalid spec as its user reads it (`plaudit score`/`check`, the
//!   Python package's `SpecError`).
//!
//! Results go out as the engine serializes them ([`plaudit_core::ScoreResult`],
//! [`plaudit_core::JsonLine`]).

pub mod openrlhf;

use plaudit_core::sample::type_name;
use plaudit_core::{Input, Registry, Spec, SpecError};
use serde_json::Value;

/// A parsed `/v1/score` request: its samples, and its inline spec, if it has one.
pub struct ScoreRequest {
    pub inputs: Vec<Input>,
    pub spec: Option<Box<Spec>>,
}

/// Parse a `/v1/score` body: `{"samples": [...], "spec"?: {...} | "yaml text"}`. A sample that
/// is not a valid sample is still an input (its result is `invalid_input`); a malformed body is
/// an error naming the field.
pub fn score_request(body: Value, registry: &Registry) -> Result<ScoreRequest, String> {
    let Value::Object(mut obj) = body else {
        return Err(format!(
            "request: expected a JSON object with `samples`, got {}",
            type_name(&body)
        ));
    };
    for k in obj.keys() {
        if k != "samples" && k != "spec" {
            return Err(format!(
                "request: unknown field `{k}` (fields: samples, spec)"
            ));
        }
    }
    let samples = match obj.remove("samples") {
        Some(Value::Array(a)) => a,
        Some(other) => {
            return Err(format!(
                "field `samples`: expected an array of samples, got {}",
                type_name(&other)
            ))
        }
        None => return Err("missing field `samples`".into()),
    };
    let spec = match obj.remove("spec") {
        None | Some(Value::Null) => None,
        Some(Value::String(text)) => Some(Spec::from_text(&text, registry)),
        Some(v @ Value::Object(_)) => Some(Spec::from_value(&v, registry)),
        Some(other) => {
            return Err(format!(
                "field `spec`: expected a spec object or YAML text, got {}",
                type_name(&other)
            ))
        }
    };
    let spec = match spec {
        None => None,
        Some(Ok(s)) => Some(Box::new(s)),
        Some(Err(e)) => return Err(format!("field `spec` is invalid:\n{e}")),
    };
    Ok(ScoreRequest {
        inputs: samples.into_iter().map(Input::from_value).collect(),
        spec,
    })
}

/// An invalid spec as its user reads it: `spec LABEL is invalid:` then every error as an
/// indented list item (continuation lines indented under it). `label` names the spec (its path).
pub fn spec_errors(label: &str, e: &SpecError) -> String {
    let lines: Vec<String> = e
        .errors
        .iter()
        .map(|l| format!("  - {}", l.replace('\n', "\n    ")))
        .collect();
    format!("spec {label} is invalid:\n{}", lines.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_spec_error_is_a_list_item() {
        let e = SpecError {
            errors: vec![
                "component `a`: unknown reward `x`".into(),
                "line one\nline two".into(),
            ],
        };
        assert_eq!(
            spec_errors("s.yaml", &e),
            "spec s.yaml is invalid:\n  - component `a`: unknown reward `x`\n  - line one\n    line two"
        );
    }

    #[test]
    fn a_malformed_score_request_names_the_field() {
        let r = Registry::new();
        let err = |v: Value| score_request(v, &r).err().unwrap();
        assert_eq!(
            err(json!([1])),
            "request: expected a JSON object with `samples`, got an array"
        );
        assert_eq!(
            err(json!({"samples": [], "x": 1})),
            "request: unknown field `x` (fields: samples, spec)"
        );
        assert_eq!(err(json!({})), "missing field `samples`");
        assert_eq!(
            err(json!({"samples": {}})),
            "field `samples`: expected an array of samples, got an object"
        );
        assert_eq!(
            err(json!({"samples": [], "spec": 3})),
            "field `spec`: expected a spec object or YAML text, got a number"
        );
        let ok = score_request(json!({"samples": [{"response": "x"}, 7]}), &r).unwrap();
        assert_eq!(ok.inputs.len(), 2);
        assert!(ok.spec.is_none());
        assert!(matches!(ok.inputs[1], Input::Invalid { .. }));
    }
}
