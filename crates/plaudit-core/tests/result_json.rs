//! `ScoreResult::write_json_line` writes exactly what `serde_json::to_vec` gives (and a newline):
//! every field, every status, escapes, numbers kept as their text, non-finite floats, nested
//! details, the group stage's fields.

use indexmap::IndexMap;
use plaudit_core::{ScoreResult, Status};
use proptest::prelude::*;
use serde_json::{json, Value};

fn serde_line(r: &ScoreResult) -> Vec<u8> {
    let mut b = serde_json::to_vec(r).unwrap();
    b.push(b'\n');
    b
}

fn written(r: &ScoreResult) -> Vec<u8> {
    let mut b = b"left as it was".to_vec();
    r.write_json_line(&mut b);
    b.drain(..b"left as it was".len());
    b
}

fn check(r: &ScoreResult) {
    assert_eq!(
        String::from_utf8(written(r)).unwrap(),
        String::from_utf8(serde_line(r)).unwrap()
    );
}

fn result(id: Value, reward: f64, components: &[(&str, f64)]) -> ScoreResult {
    ScoreResult {
        id,
        reward,
        components: components
            .iter()
            .map(|(k, v)| (k.to_string(), *v))
            .collect(),
        status: Status::Ok,
        error: None,
        details: None,
        advantage: None,
        zero_variance: None,
        observations: Vec::new(),
    }
}

/// Parsed from text, as samples' ids are (numbers keep their text).
fn parsed(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

#[test]
fn ids_of_every_kind() {
    for id in [
        "null",
        "0",
        "7",
        "-3",
        "18446744073709551615",
        "-9223372036854775808",
        "123456789012345678901234567890",
        "1.5",
        "1e5",
        "-0",
        "1E-7",
        "0.10",
        "true",
        "false",
        r#""a""#,
        r#""""#,
        r#""quote \" backslash \\ tab \t nl \n cr \r bell \u0007 del \u007f""#,
        r#""é ü 中文 😀 \u2028""#,
        "[1, \"x\", null, [true], {}]",
        r#"{"b": 1, "a": [2.50, {"c": "d\u0001"}], "": null}"#,
    ] {
        check(&result(parsed(id), 1.0, &[("r", 1.0)]));
    }
    check(&result(json!(42), 1.0, &[("r", 1.0)]));
    check(&result(json!(-0.5), 1.0, &[("r", 1.0)]));
    check(&result(json!(f64::MAX), 1.0, &[("r", 1.0)]));
}

#[test]
fn floats_of_every_kind() {
    for x in [
        0.0,
        -0.0,
        1.0,
        -1.0,
        0.5,
        1.0 / 3.0,
        2.0,
        1e16,
        1e-7,
        123456.0,
        f64::MAX,
        f64::MIN,
        f64::MIN_POSITIVE,
        5e-324,
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
    ] {
        let mut r = result(json!(1), x, &[("a", x), ("b", 1.0), ("c", 0.0)]);
        check(&r);
        r.advantage = Some(x);
        check(&r);
    }
}

#[test]
fn every_status_and_optional_field() {
    for status in Status::ALL {
        let mut r = result(json!("s"), 0.25, &[]);
        r.status = status;
        check(&r);
        r.error = Some("component `r` (exact_match): no answer \"found\"\n\t\\".into());
        check(&r);
        r.details = Some(json!({"r": {"answer": "PARIS", "normalized": "paris", "n": 3}}));
        check(&r);
        r.zero_variance = Some(true);
        check(&r);
        r.zero_variance = Some(false);
        r.advantage = Some(-1.25);
        check(&r);
        r.details = Some(json!(["not", "an", "object"]));
        r.error = None;
        check(&r);
    }
}

#[test]
fn component_names_that_need_escapes() {
    let r = result(
        json!(null),
        0.5,
        &[("a\"b", 0.5), ("c\\d", 1.0), ("e\u{1}f", 0.0), ("ünï", 2.0)],
    );
    check(&r);
    let mut m = IndexMap::new();
    m.insert("z".to_string(), 1.0);
    m.insert("a".to_string(), 2.0);
    check(&ScoreResult {
        components: m,
        ..result(json!(1), 1.0, &[])
    });
}

fn any_string() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z ]{0,8}",
        any::<String>(),
        proptest::collection::vec(0u8..0x80, 0..12)
            .prop_map(|b| String::from_utf8(b).expect("ASCII")),
    ]
}

fn any_float() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(0.0),
        Just(1.0),
        Just(-0.0),
        Just(f64::NAN),
        Just(f64::INFINITY),
        any::<f64>(),
        -1e6f64..1e6,
    ]
}

fn any_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |x| x.is_finite())
            .prop_map(Value::from),
        any_string().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::vec((any_string(), inner), 0..4)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn written_as_serde_json_writes_it(
        id in any_value(),
        reward in any_float(),
        components in proptest::collection::vec((any_string(), any_float()), 0..4),
        status in 0usize..5,
        error in proptest::option::of(any_string()),
        details in proptest::option::of(any_value()),
        advantage in proptest::option::of(any_float()),
        zero_variance in proptest::option::of(any::<bool>()),
    ) {
        let r = ScoreResult {
            id,
            reward,
            components: components.into_iter().collect(),
            status: Status::ALL[status],
            error,
            details,
            advantage,
            zero_variance,
            observations: Vec::new(),
        };
        prop_assert_eq!(written(&r), serde_line(&r));
        // And numbers read back from text keep that text.
        let text = String::from_utf8(serde_json::to_vec(&r.id).unwrap()).unwrap();
        let again = ScoreResult { id: serde_json::from_str(&text).unwrap(), ..r };
        prop_assert_eq!(written(&again), serde_line(&again));
    }
}
