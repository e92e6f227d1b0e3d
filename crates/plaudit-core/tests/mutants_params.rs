//! Reward parameters (`plaudit_core::params`): every kind as it is checked, described and read
//! back, ranges at their ends, and the messages of a wrong, unknown or missing parameter.
//! Written from the cargo-mutants run over `src/params.rs` (docs/MUTANTS.md).

use plaudit_core::params::{Bound, Range};
use plaudit_core::{Kind, ParamSpec, Params};
use serde_json::{json, Value};

static ALL: &[ParamSpec] = &[
    ParamSpec::new("f", Kind::Float, "0.5", "f"),
    ParamSpec::new("i", Kind::Int, "-3", "i"),
    ParamSpec::new("b", Kind::Bool, "true", "b"),
    ParamSpec::new("s", Kind::Str, "\"x\"", "s"),
    ParamSpec::new("e", Kind::Enum(&["tokens", "chars"]), "\"chars\"", "e"),
    ParamSpec::new("sl", Kind::StrList, "[\"p\", \"q\"]", "sl"),
    ParamSpec::new("fl", Kind::FloatList, "[1, 2.5]", "fl"),
    ParamSpec::new("c", Kind::Component, "\"\"", "c"),
    ParamSpec::new("cl", Kind::ComponentList, "[]", "cl"),
    ParamSpec::new("j", Kind::Json, "{\"k\": [1]}", "j"),
    ParamSpec::new("u", Kind::Int, "7", "u"),
];

fn errs(specs: &'static [ParamSpec], given: Value) -> Vec<String> {
    Params::from_json(specs, &given, &["a", "b", "c"]).unwrap_err()
}

#[test]
fn every_kind_is_described() {
    let kinds = [
        (Kind::Float, "a number"),
        (Kind::Int, "an integer"),
        (Kind::Bool, "a boolean"),
        (Kind::Str, "a string"),
        (Kind::Enum(&["x", "y", "z"]), "one of x | y | z"),
        (Kind::StrList, "a list of strings"),
        (Kind::FloatList, "a list of numbers"),
        (Kind::Component, "a component name"),
        (Kind::ComponentList, "a list of component names"),
        (Kind::Json, "any JSON value"),
        (Kind::Judge, "a judge name (from `judges:`)"),
    ];
    for (k, want) in kinds {
        assert_eq!(k.describe(), want);
    }
}

#[test]
fn defaults_read_back_through_every_accessor() {
    let p = Params::from_json(ALL, &Value::Null, &[]).unwrap();
    assert_eq!(p.f64("f"), 0.5);
    assert_eq!(p.i64("i"), -3);
    assert_eq!(p.usize("u"), Ok(7));
    assert_eq!(
        p.usize("i"),
        Err("parameter `i` must be >= 0, got -3".to_string())
    );
    assert!(p.bool("b"));
    assert_eq!(p.str("s"), "x");
    assert_eq!(p.str("e"), "chars");
    assert_eq!(p.strs("sl"), vec!["p".to_string(), "q".to_string()]);
    assert_eq!(p.f64s("fl"), vec![1.0, 2.5]);
    assert_eq!(p.json("j"), &json!({"k": [1]}));
    assert_eq!(p.component("c"), None);
    assert_eq!(p.component_list("cl"), vec![]);
    assert_eq!(p.component_indices(), Vec::<usize>::new());
    assert_eq!(
        p.to_json(),
        json!({"f": 0.5, "i": -3, "b": true, "s": "x", "e": "chars", "sl": ["p", "q"],
               "fl": [1, 2.5], "c": "", "cl": [], "j": {"k": [1]}, "u": 7})
    );
}

#[test]
fn given_values_are_checked_and_made_canonical() {
    let p = Params::from_json(
        ALL,
        &json!({"f": 2, "i": 4.0, "b": false, "s": "y", "e": "tokens", "sl": "one",
                "fl": [-1], "c": "b", "cl": "c", "j": null, "u": 0}),
        &["a", "b", "c"],
    )
    .unwrap();
    // An integer given for a number is that number; a whole float given for an integer is that
    // integer; a single string given for a list is a list of one.
    assert_eq!(p.to_json()["f"], json!(2.0));
    assert!(p.to_json()["f"].is_f64());
    assert_eq!(p.to_json()["i"], json!(4));
    assert!(p.to_json()["i"].is_i64());
    assert!(!p.bool("b"));
    assert_eq!(p.strs("sl"), vec!["one".to_string()]);
    assert_eq!(p.f64s("fl"), vec![-1.0]);
    assert_eq!(p.component("c"), Some((1, "b".to_string())));
    assert_eq!(p.component_list("cl"), vec![(2, "c".to_string())]);
    assert_eq!(p.component_indices(), vec![1, 2]);
    assert_eq!(p.json("j"), &Value::Null);
    assert_eq!(p.usize("u"), Ok(0));
}

#[test]
fn a_value_of_the_wrong_kind_is_named_with_what_was_expected() {
    assert_eq!(
        errs(
            ALL,
            json!({"f": "1", "i": 1.5, "b": 1, "s": 2, "e": 3, "sl": [1], "fl": ["x"], "c": 4,
                   "cl": 5})
        ),
        vec![
            "parameter `f`: expected a number, got a string",
            "parameter `i`: expected an integer, got a number",
            "parameter `b`: expected a boolean, got a number",
            "parameter `s`: expected a string, got a number",
            "parameter `e`: expected one of tokens | chars, got a number",
            "parameter `sl`: expected a list of strings, got a list",
            "parameter `fl`: expected a list of numbers, got a list",
            "parameter `c`: expected a component name, got a number",
            "parameter `cl`: expected a list of component names, got a number",
        ]
    );
    assert_eq!(
        errs(ALL, json!({"e": "bytes", "fl": 1, "sl": {"a": 1}})),
        vec![
            "parameter `e`: `bytes` is not one of: tokens, chars",
            "parameter `sl`: expected a list of strings, got a mapping",
            "parameter `fl`: expected a list of numbers, got a number",
        ]
    );
}

#[test]
fn integers_given_as_floats_must_be_whole_and_exact() {
    static INTS: &[ParamSpec] = &[ParamSpec::new("n", Kind::Int, "0", "n")];
    let ints = INTS;
    let p = Params::from_json(ints, &json!({"n": -12.0}), &[]).unwrap();
    assert_eq!(p.i64("n"), -12);
    let p = Params::from_json(ints, &json!({"n": 1e15}), &[]).unwrap();
    assert_eq!(p.i64("n"), 1_000_000_000_000_000);
    for bad in [json!(0.5), json!(-2.25), json!(1e16), json!(-1e300)] {
        assert_eq!(
            errs(ints, json!({ "n": bad })),
            vec!["parameter `n`: expected an integer, got a number"],
            "{bad}"
        );
    }
}

#[test]
fn unknown_and_missing_parameters() {
    static NONE: &[ParamSpec] = &[];
    assert_eq!(
        errs(NONE, json!({"x": 1})),
        vec!["unknown parameter `x` (this reward takes no parameters)"]
    );
    static REQ: &[ParamSpec] = &[
        ParamSpec::required("n", Kind::Int, "n"),
        ParamSpec::required("names", Kind::StrList, "names"),
        ParamSpec::new("o", Kind::Bool, "false", "o"),
    ];
    assert_eq!(
        errs(REQ, json!({"y": 1})),
        vec![
            "unknown parameter `y` (valid: n, names, o)",
            "missing required parameter `n` (an integer)",
            "missing required parameter `names` (a list of strings)",
        ]
    );
    let p = Params::from_json(REQ, &json!({"n": 2, "names": []}), &[]).unwrap();
    assert_eq!(p.i64("n"), 2);
    assert_eq!(
        Params::from_json(REQ, &json!([1]), &[]).unwrap_err(),
        vec!["params must be an object"]
    );
    assert_eq!(
        Params::from_json(REQ, &json!("n"), &[]).unwrap_err(),
        vec!["params must be an object"]
    );
}

#[test]
fn ranges_at_their_ends() {
    let b = |value, inclusive| Some(Bound { value, inclusive });
    let closed = Range {
        min: b(0.0, true),
        max: b(1.0, true),
    };
    let open = Range {
        min: b(0.0, false),
        max: b(1.0, false),
    };
    for (x, in_closed, in_open) in [
        (-0.5, false, false),
        (0.0, true, false),
        (0.5, true, true),
        (1.0, true, false),
        (1.5, false, false),
    ] {
        assert_eq!(closed.contains(x), in_closed, "{x} in [0, 1]");
        assert_eq!(open.contains(x), in_open, "{x} in (0, 1)");
    }
    assert!(Range::default().contains(-1e300));
    assert_eq!(Range::default().describe(), None);
    assert_eq!(open.describe().as_deref(), Some("in (0, 1)"));
    let above = Range {
        min: b(2.0, false),
        max: None,
    };
    assert!(!above.contains(2.0) && above.contains(2.5) && above.contains(1e300));
    let below = Range {
        min: None,
        max: b(-1.0, false),
    };
    assert!(!below.contains(-1.0) && below.contains(-1.5));
    assert_eq!(below.describe().as_deref(), Some("< -1"));

    static R: &[ParamSpec] = &[
        ParamSpec::new("lo", Kind::Int, "1", "lo").above(0.0),
        ParamSpec::new("hi", Kind::Float, "0.5", "hi").below(1.0),
        ParamSpec::new("both", Kind::Float, "0.5", "both").range(0.0, 1.0),
    ];
    assert_eq!(
        errs(R, json!({"lo": 0, "hi": 1, "both": -0.25})),
        vec![
            "parameter `lo` must be > 0, got 0",
            "parameter `hi` must be < 1, got 1",
            "parameter `both` must be in [0, 1], got -0.25",
        ]
    );
    assert!(Params::from_json(R, &json!({"lo": 1, "hi": 0.99, "both": 0}), &[]).is_ok());
    assert_eq!(R[1].describe(), "a number < 1");
}

#[test]
fn host_parameters_keep_their_declaration() {
    let p = ParamSpec::new("dir", Kind::Str, "\"/tmp\"", "where").host();
    assert!(p.host);
    assert_eq!(p.name, "dir");
    assert_eq!(p.default, Some("\"/tmp\""));
    assert!(!ParamSpec::new("x", Kind::Str, "\"\"", "x").host);
    let r = ParamSpec::required("n", Kind::Int, "n").min(1.0).max(9.0);
    assert_eq!(r.default, None);
    assert_eq!(r.describe(), "an integer in [1, 9]");
}
