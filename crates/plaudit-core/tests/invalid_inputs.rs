//! An input that cannot be scored still belongs to its group: its failure reward counts in the
//! group's advantages, whether it came as a JSON value or as a JSONL line, with a string or a
//! number as its group.

use plaudit_core::{BatchOptions, Engine, Input, Registry, ScoreResult, Spec, Status};
use serde_json::json;

mod common;

fn engine() -> Engine {
    let mut r = Registry::new();
    r.add(common::num_info());
    let spec =
        json!({"components": {"v": "num"}, "on_error": -1.0, "group": {"advantage": "dr_grpo"}});
    Engine::new(Spec::from_value(&spec, &r).unwrap())
}

fn finish(inputs: Vec<Input>) -> Vec<ScoreResult> {
    let mut b = engine().batch::<ScoreResult>(BatchOptions::default());
    let mut out = b.push(inputs);
    let done = b.finish();
    assert_eq!(done.state_error, None);
    out.extend(done.results);
    out
}

#[test]
fn an_invalid_input_counts_in_its_group() {
    let inputs = vec![
        // Group "g": 3 and an input without a response (reward −1): mean 1, advantages 2, −2.
        Input::from_value(json!({"id": "a", "group": "g", "response": "3"})),
        Input::from_value(json!({"id": "b", "group": "g"})),
        // Group 7 (a number): 5 and a JSONL line without a response: mean 2, advantages 3, −3.
        Input::from_value(json!({"id": "c", "group": 7, "response": "5"})),
        Input::from_line(br#"{"id": "d", "group": 7}"#, 4),
        // Group "h" from a line: 0 and an invalid line in the same group: mean −0.5.
        Input::from_value(json!({"id": "e", "group": "h", "response": "0"})),
        Input::from_line(br#"{"id": "f", "group": "h", "response": null}"#, 6),
        // No group: a group of one.
        Input::from_value(json!({"id": "i"})),
    ];
    assert_eq!(
        inputs.iter().map(Input::group).collect::<Vec<_>>(),
        [
            Some("g".to_string()),
            Some("g".into()),
            Some("7".into()),
            Some("7".into()),
            Some("h".into()),
            Some("h".into()),
            None
        ]
    );
    let out = finish(inputs);
    let got: Vec<(String, Status, f64, f64)> = out
        .iter()
        .map(|r| {
            (
                r.id.as_str().unwrap().to_string(),
                r.status,
                r.reward,
                r.advantage.unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("a".into(), Status::Ok, 3.0, 2.0),
            ("b".into(), Status::InvalidInput, -1.0, -2.0),
            ("c".into(), Status::Ok, 5.0, 3.0),
            ("d".into(), Status::InvalidInput, -1.0, -3.0),
            ("e".into(), Status::Ok, 0.0, 0.5),
            ("f".into(), Status::InvalidInput, -1.0, -0.5),
            ("i".into(), Status::InvalidInput, -1.0, 0.0),
        ]
    );
    assert_eq!(
        out[3].error.as_deref(),
        Some("line 4: missing field `response`")
    );
}
