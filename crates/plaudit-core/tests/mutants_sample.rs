//! Samples (`plaudit_core::Sample`) field by field: what each field accepts, what it becomes, and
//! the message naming a wrong one; the reference's textual answers. Written from the
//! cargo-mutants run over `src/sample.rs` (docs/MUTANTS.md).

use plaudit_core::sample::type_name;
use plaudit_core::Sample;
use serde_json::{json, Value};

fn err(v: Value) -> String {
    let text = v.to_string();
    let e = Sample::from_value(v).unwrap_err();
    // The fast typed pass falls back to the value pass: the same message.
    assert_eq!(Sample::from_json_str(&text).unwrap_err(), e, "{text}");
    e
}

fn ok(v: Value) -> Sample {
    let text = v.to_string();
    let s = Sample::from_value(v).unwrap();
    assert_eq!(Sample::from_json_str(&text).unwrap(), s, "{text}");
    s
}

#[test]
fn json_types_are_named_in_json_words() {
    let names: Vec<&str> = [
        json!(null),
        json!(true),
        json!(1.5),
        json!("x"),
        json!([1]),
        json!({"a": 1}),
    ]
    .iter()
    .map(type_name)
    .collect();
    assert_eq!(
        names,
        vec![
            "null",
            "a boolean",
            "a number",
            "a string",
            "an array",
            "an object"
        ]
    );
    assert_eq!(err(json!("x")), "expected a JSON object, got a string");
}

#[test]
fn chat_messages_join_their_contents_line_by_line() {
    let s = ok(json!({
        "prompt": ["plain text", {"role": "user"}, {"role": "user", "content": null}, {"content": "last"}],
        "response": [{"role": "assistant", "content": "one"}],
    }));
    assert_eq!(s.prompt, "plain text\n\n\nlast");
    assert_eq!(s.response, "one");
    assert_eq!(ok(json!({"response": []})).response, "");
    assert_eq!(
        err(json!({"response": [{"content": 3}]})),
        "field `response[0].content`: expected a string, got a number"
    );
    assert_eq!(
        err(json!({"response": "a", "prompt": ["x", 2]})),
        "field `prompt[1]`: expected a chat message object or a string, got a number"
    );
    assert_eq!(
        err(json!({"response": "a", "prompt": {"content": "x"}})),
        "field `prompt`: expected a string or a list of chat messages, got an object"
    );
    // A null prompt is no prompt; a null response is an error.
    assert_eq!(ok(json!({"response": "a", "prompt": null})).prompt, "");
    assert_eq!(
        err(json!({"response": null})),
        "field `response`: expected a string, got null"
    );
}

#[test]
fn ids_groups_and_tasks() {
    let s = ok(json!({"response": "a", "group": "g1", "task": 12, "id": {"k": [1]}}));
    assert_eq!(s.group.as_deref(), Some("g1"));
    assert_eq!(s.task.as_deref(), Some("12"));
    assert_eq!(s.id, json!({"k": [1]}));
    let s = ok(json!({"response": "a", "group": null, "task": null}));
    assert_eq!((s.group, s.task, s.id), (None, None, Value::Null));
    assert_eq!(
        err(json!({"response": "a", "task": true})),
        "field `task`: expected a string or a number, got a boolean"
    );
    assert_eq!(
        Sample::id_of(&json!({"id": "x7", "response": 1})),
        json!("x7")
    );
    assert_eq!(Sample::id_of(&json!({"response": 1})), Value::Null);
    assert_eq!(Sample::id_of(&json!([1])), Value::Null);
}

#[test]
fn meta_reference_and_model_side_fields() {
    let s = ok(json!({
        "response": "a", "meta": {"k": 1}, "reference": [1, "b"], "tokens": 0,
        "logprobs": [-0.5, 0], "scores": 0.25,
    }));
    assert_eq!(s.meta.get("k"), Some(&json!(1)));
    assert_eq!(s.reference, json!([1, "b"]));
    assert_eq!(s.tokens, Some(0));
    assert_eq!(s.logprobs, Some(vec![-0.5, 0.0]));
    assert_eq!(s.scores, Some(json!(0.25)));
    let s = ok(json!({
        "response": "a", "meta": null, "tokens": null, "steps": null, "step_scores": null,
        "logprobs": null, "scores": null,
    }));
    assert!(s.meta.is_empty());
    assert_eq!(s.reference, Value::Null);
    assert_eq!(
        (s.tokens, s.steps, s.step_scores, s.logprobs, s.scores),
        (None, None, None, None, None)
    );
    assert_eq!(
        ok(json!({"response": "a", "scores": {"rm": 1}})).scores,
        Some(json!({"rm": 1}))
    );
    for (field, bad, msg) in [
        (
            "meta",
            json!([1]),
            "field `meta`: expected an object, got an array",
        ),
        (
            "steps",
            json!("s"),
            "field `steps`: expected a list of strings, got a string",
        ),
        (
            "steps",
            json!(["s", 1]),
            "field `steps[1]`: expected a string, got a number",
        ),
        (
            "logprobs",
            json!(-1),
            "field `logprobs`: expected a list of numbers, got a number",
        ),
        (
            "logprobs",
            json!([null]),
            "field `logprobs[0]`: expected a finite number, got null",
        ),
        (
            "scores",
            json!("high"),
            "field `scores`: expected a number or an object of numbers, got a string",
        ),
        (
            "scores",
            json!([1]),
            "field `scores`: expected a number or an object of numbers, got an array",
        ),
        (
            "tokens",
            json!(2.5),
            "field `tokens`: expected a non-negative integer, got 2.5",
        ),
    ] {
        let mut v = json!({"response": "a"});
        v[field] = bad;
        assert_eq!(err(v), msg, "{field}");
    }
}

#[test]
fn invalid_json_text_is_named() {
    let e = Sample::from_json_str("{\"response\": ").unwrap_err();
    assert!(e.starts_with("invalid JSON: "), "{e}");
}

#[test]
fn the_reference_as_text() {
    let t = |r: Value| Sample::new("", r).reference_text();
    assert_eq!(t(json!("x")), Some("x".into()));
    assert_eq!(t(json!(2.5)), Some("2.5".into()));
    assert_eq!(t(json!(false)), Some("false".into()));
    assert_eq!(t(json!({"answer": 7})), Some("7".into()));
    assert_eq!(
        t(json!({"answer": {"answer": "deep"}})),
        Some("deep".into())
    );
    assert_eq!(t(json!({"other": 7})), None);
    assert_eq!(t(json!(null)), None);
    assert_eq!(t(json!(["x"])), None);
    let ts = |r: Value| Sample::new("", r).reference_texts();
    assert_eq!(
        ts(json!([1, null, "a", {"answer": "b"}, [2], true])),
        vec!["1", "a", "b", "true"]
    );
    assert_eq!(ts(json!({"answer": [3, "c"]})), vec!["3", "c"]);
    assert_eq!(ts(json!(null)), Vec::<String>::new());
    assert_eq!(ts(json!(true)), vec!["true"]);
    let s = Sample::new("resp", "ref");
    assert_eq!((s.response.as_str(), &s.reference), ("resp", &json!("ref")));
}
