//! The spec's `judges:` section: named model endpoints, checked by the catalogue's judge check,
//! that components name through [`Kind::Judge`] parameters.

use std::sync::Arc;

use plaudit_core::{
    Ctx, Engine, Input, Kind, Outcome, ParamSpec, Params, Registry, Reward, RewardInfo, Sample,
    Score, Spec,
};
use serde_json::{json, Value};

/// Test reward: its value is the judge's `max_concurrency`, its details the judge it was given.
struct Uses(String, Value);
impl Reward for Uses {
    fn score(&self, _s: &Sample, _cx: &Ctx) -> Outcome {
        let v = self.1["max_concurrency"].as_f64().unwrap_or(-1.0);
        Ok(Score::with_details(v, json!({"judge": self.0})))
    }
}

const USES_PARAMS: &[ParamSpec] = &[ParamSpec::new(
    "judge",
    Kind::Judge,
    "\"grader\"",
    "the judge",
)];

/// The test catalogue's judge check: `base_url` required (http or https), `max_concurrency`
/// defaults to 16.
fn check(name: &str, v: &Value) -> Result<Value, Vec<String>> {
    let Value::Object(o) = v else {
        return Err(vec![format!("judges.{name}: expected a mapping")]);
    };
    let mut errors = Vec::new();
    match o.get("base_url").and_then(Value::as_str) {
        Some(u) if u.starts_with("http://") || u.starts_with("https://") => {}
        Some(u) => errors.push(format!(
            "judges.{name}.base_url: expected an http(s) URL, got `{u}`"
        )),
        None => errors.push(format!("judges.{name}.base_url: missing")),
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut r = o.clone();
    r.entry("max_concurrency").or_insert(json!(16));
    Ok(Value::Object(r))
}

fn registry(with_check: bool) -> Registry {
    let mut r = Registry::new();
    r.add(RewardInfo {
        name: "uses",
        family: "test",
        source: "//! Test reward.",
        params: USES_PARAMS,
        build: |p: &Params| {
            let (name, config) = p.judge("judge");
            Ok(Arc::new(Uses(name.to_string(), config.clone())) as Arc<dyn Reward>)
        },
    });
    if with_check {
        r.set_judge_check(check);
    }
    r
}

fn errors(spec: Value, with_check: bool) -> Vec<String> {
    Spec::from_value(&spec, &registry(with_check))
        .err()
        .unwrap()
        .errors
}

#[test]
fn components_name_their_judge_and_get_its_resolved_entry() {
    let spec = json!({
        "judges": {
            "grader": {"base_url": "http://127.0.0.1:8000/v1", "model": "m", "max_concurrency": 4},
            "other": {"base_url": "https://example.org/v1"}
        },
        "components": {"a": "uses", "b": {"reward": "uses", "params": {"judge": "other"}}},
        "reward": "a + b"
    });
    let spec = Spec::from_value(&spec, &registry(true)).unwrap();
    assert_eq!(
        spec.resolved["judges"],
        json!({
            "grader": {"base_url": "http://127.0.0.1:8000/v1", "model": "m", "max_concurrency": 4},
            "other": {"base_url": "https://example.org/v1", "max_concurrency": 16}
        })
    );
    let r = Engine::new(spec).score_input(&Input::from_value(json!({"response": "x"})));
    assert_eq!(r.reward, 20.0);
    assert_eq!(
        r.details,
        Some(json!({"a": {"judge": "grader"}, "b": {"judge": "other"}}))
    );
}

#[test]
fn judge_mistakes_are_spec_errors_naming_where_they_are() {
    // A judge with errors is reported once, where it is defined (not again by its components).
    let judges = json!({"grader": {"base_url": "ftp://x"}, "two": {}});
    assert_eq!(
        errors(json!({"judges": judges, "components": {"a": "uses"}}), true),
        [
            "judges.grader.base_url: expected an http(s) URL, got `ftp://x`",
            "judges.two.base_url: missing",
        ]
    );
    let ok = json!({"other": {"base_url": "http://h/v1"}});
    assert_eq!(
        errors(json!({"judges": ok, "components": {"a": "uses"}}), true),
        ["components.a.params: parameter `judge` names judge `grader`, which `judges:` does not define (judges: other)"]
    );
    assert_eq!(
        errors(json!({"components": {"a": "uses"}}), true),
        ["components.a.params: parameter `judge` names judge `grader`, but the spec has no `judges:` section"]
    );
    assert_eq!(
        errors(json!({"judges": [1], "components": {"a": "uses"}}), true)[0],
        "judges: expected a mapping of judge name → endpoint, got a list"
    );
    assert_eq!(
        errors(json!({"judges": ok, "components": {"a": "uses"}}), false)[0],
        "judges: this build has no model-backed rewards to call judges with"
    );
}
