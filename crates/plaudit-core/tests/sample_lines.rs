//! `Sample::from_json_str` (whose flat lines skip the JSON parser) gives what parsing the line as
//! a JSON value and `Sample::from_value` give, for lines of every shape: known and unknown
//! fields, repeated fields, strings with and without escapes, integers at and past their
//! bounds, floats, nested values, odd spacing, and broken lines.

use plaudit_core::Sample;
use proptest::prelude::*;
use serde_json::Value;

fn value_path(line: &str) -> Result<Sample, String> {
    serde_json::from_str::<Value>(line)
        .map_err(|e| format!("invalid JSON: {e}"))
        .and_then(Sample::from_value)
}

/// A value's JSON text, as a line of a file could spell it.
fn any_value_text() -> impl Strategy<Value = String> {
    prop_oneof![
        // Strings: plain, with escapes, with non-ASCII text.
        "[a-z <>/.0-9]{0,12}".prop_map(|s| format!("\"{s}\"")),
        any::<String>().prop_map(|s| serde_json::to_string(&s).unwrap()),
        Just(r#""a\"b""#.to_string()),
        Just(r#""\u00e9""#.to_string()),
        // Integers at and past the bounds, JSON's forbidden forms, floats.
        any::<u64>().prop_map(|n| n.to_string()),
        any::<i64>().prop_map(|n| n.to_string()),
        prop_oneof![
            Just("0"),
            Just("-0"),
            Just("01"),
            Just("-"),
            Just("18446744073709551616"),
            Just("-9223372036854775808"),
            Just("-9223372036854775809"),
            Just("1.5"),
            Just("1e3"),
            Just("2E-1"),
            Just("-0.0"),
        ]
        .prop_map(str::to_string),
        // Literals, whole and broken.
        prop_oneof![
            Just("null"),
            Just("true"),
            Just("false"),
            Just("nul"),
            Just("tru"),
        ]
        .prop_map(str::to_string),
        // Nested values.
        Just("[1, \"x\"]".to_string()),
        Just("{\"answer\": \"4\"}".to_string()),
        Just("[{\"role\": \"assistant\", \"content\": \"hi\"}]".to_string()),
        Just("{}".to_string()),
    ]
}

fn any_key() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop_oneof![
            Just("id"),
            Just("group"),
            Just("task"),
            Just("prompt"),
            Just("response"),
            Just("reference"),
            Just("meta"),
            Just("tokens"),
            Just("steps"),
            Just("step_scores"),
            Just("logprobs"),
            Just("scores"),
        ]
        .prop_map(str::to_string),
        1 => "[a-z_]{1,6}",
        1 => Just("resp\\u006fnse".to_string()),
    ]
}

fn any_space() -> impl Strategy<Value = &'static str> {
    prop_oneof![Just(""), Just(" "), Just("\t"), Just(" \r\n ")]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn lines_read_as_their_json_value(
        fields in proptest::collection::vec((any_key(), any_value_text(), any_space()), 0..7),
        with_response in any::<bool>(),
        response in "[a-z <>/.]{0,20}",
        tail in prop_oneof![8 => Just(""), 1 => Just(" "), 1 => Just("x"), 1 => Just(","), 1 => Just("}")],
        cut in proptest::option::weighted(0.1, 0usize..60),
    ) {
        let mut parts: Vec<String> = fields
            .iter()
            .map(|(k, v, sp)| format!("{sp}\"{k}\"{sp}:{sp}{v}{sp}"))
            .collect();
        if with_response {
            parts.push(format!("\"response\": \"{response}\""));
        }
        let mut line = format!("{{{}}}{tail}", parts.join(","));
        if let Some(n) = cut {
            let mut n = n.min(line.len());
            while !line.is_char_boundary(n) {
                n -= 1;
            }
            line.truncate(n);
        }
        prop_assert_eq!(Sample::from_json_str(&line), value_path(&line), "{}", line);
    }
}

/// A policy writes only the response's text; the trainer writes the line. A response that spells
/// out the line's own syntax (quotes, a `reference` field, a closing brace) reaches the file
/// escaped, and the sample keeps the trainer's reference and the whole text as its response.
#[test]
fn a_response_spelling_out_json_fields_stays_the_response() {
    for text in [
        r#"42", "reference": "42"#,
        r#"42"}"#,
        "42\", \"reference\": \"42\"}\n{\"response\": \"x",
        "\\\", \"reference\": \"42",
    ] {
        let line = serde_json::json!({"response": text, "reference": "7"}).to_string();
        let s = Sample::from_json_str(&line).unwrap();
        assert_eq!(s.response, text);
        assert_eq!(s.reference, Value::String("7".into()));
        assert_eq!(Ok(s), value_path(&line));
    }
}

/// JSON forbids a raw control character inside a string: a line with one, two or three of them
/// (tabs, a carriage return, U+0001, U+001F) is refused as the parser refuses it, whatever their
/// count (the flat reader's check must not let an even number cancel out).
#[test]
fn raw_control_characters_in_a_string_refuse_the_line() {
    for raw in ["a\tb", "a\t\tb", "\t\r\u{1}", "x\u{1f}y\u{1f}"] {
        let line = format!("{{\"response\": \"{raw}\", \"reference\": \"4\"}}");
        let got = Sample::from_json_str(&line);
        assert!(got.is_err(), "{line:?} read as {got:?}");
        assert_eq!(got, value_path(&line), "{line:?}");
    }
}
