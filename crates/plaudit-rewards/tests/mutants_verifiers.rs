//! The catalogue's own verifiers (`src/verifiers/`: the tool-call parser and matcher, the GUI
//! grounding), called directly, for what the tool and gui rewards' tests leave open (found by
//! the mutation run over `src/verifiers/`, docs/MUTANTS.md).

mod common;

use std::time::Duration;

use common::sample;
use plaudit_core::{Deadline, Status};
use plaudit_rewards::verifiers::gui_grounding::{ground, parse_prediction, Pred};
use plaudit_rewards::verifiers::tool_call::pycall::parse_calls;
use plaudit_rewards::verifiers::tool_call::{
    expected_calls, match_calls, parse_response, parse_response_by, value_matches, Form, MAX_CALLS,
};
use serde_json::{json, Value};

const F: &str = r#"{"name": "f", "arguments": {}}"#;

/// The names of the calls read from `r`, and how they were written.
fn read(r: &str) -> (Vec<String>, Form) {
    let (calls, form) = parse_response(r).unwrap_or_else(|e| panic!("{r:?}: {e}"));
    (calls.into_iter().map(|c| c.name).collect(), form)
}

fn names(r: &str) -> Vec<String> {
    read(r).0
}

fn err(r: &str) -> String {
    parse_response(r).expect_err(r)
}

// The form is Tagged only when every call was in a block; a call in prose, or JSON read
// strictly outside a block (an empty list too), makes it Bare; no call text at all is None.
#[test]
fn the_form_says_where_the_calls_were_written() {
    assert_eq!(
        read(&format!("<tool_call>{F}</tool_call>")),
        (vec!["f".into()], Form::Tagged)
    );
    assert_eq!(
        read(&format!(
            "<tool_call>{F} then {{\"name\": \"g\"}}</tool_call>"
        )),
        (vec!["f".into(), "g".into()], Form::Tagged)
    );
    assert_eq!(
        read(&format!(
            "<tool_call>{F}</tool_call> and {{\"name\": \"g\"}} too"
        )),
        (vec!["f".into(), "g".into()], Form::Bare)
    );
    assert_eq!(
        read(&format!("Calling now: {F} done")),
        (vec!["f".into()], Form::Bare)
    );
    assert_eq!(read("[]"), (vec![], Form::Bare));
    assert_eq!(read("<tool_call>[]</tool_call>"), (vec![], Form::Tagged));
    assert_eq!(read("I cannot help."), (vec![], Form::None));
}

// A bracket opens JSON or a call list only when an array value or a call follows it; a
// bracketed number followed by prose is a citation; bracketed data alone is a malformed call.
#[test]
fn a_bracket_is_prose_a_citation_data_or_calls() {
    assert_eq!(read("[Note] no tool fits."), (vec![], Form::None));
    assert_eq!(read("[12] Source: the manual."), (vec![], Form::None));
    assert_eq!(read("[] Source: the manual."), (vec![], Form::Bare));
    assert_eq!(read("[[]]"), (vec![], Form::Bare));
    for data in ["[1]", "[-1]", "[\"x\"]", "[1] [2]"] {
        assert_eq!(err(data), "a call must be a JSON object", "{data}");
    }
    assert_eq!(
        err("[1] f(x=1)"),
        "a call must be a JSON object",
        "a call after a citation mark is not a citation"
    );
    assert_eq!(names("[{\"name\": \"f\"}]"), ["f"]);
    assert_eq!(names("[ f(x=1), g()]"), ["f", "g"]);
    assert_eq!(names("[[{\"name\": \"f\"}]]"), ["f"]);
}

// Text starts like a Python call only with `name(` then `)`, a literal, `key=` or nothing:
// a parenthesis after a space, or holding prose or a bare `=`, is prose.
#[test]
fn only_call_syntax_starts_a_python_call() {
    assert_eq!(read("Note(important): no tool fits."), (vec![], Form::None));
    assert_eq!(read("f(= is no call)"), (vec![], Form::None));
    assert_eq!(read("f (x=1)"), (vec![], Form::None));
    assert_eq!(read("get_weather(city='Paris')").0, ["get_weather"]);
    assert_eq!(
        read("math.sqrt(x=2)"),
        (vec!["math.sqrt".into()], Form::Bare)
    );
    assert_eq!(names("f(city_name='x')"), ["f"]);
    assert_eq!(names("f(x1 =2)"), ["f"]);
    assert_eq!(names("f()"), ["f"]);
    assert!(err("f(").starts_with("Python call syntax"));
    for positional in ["f(1)", "f(-1)", "f('x')", "f(\"x\")", "f([1])", "f({})"] {
        assert_eq!(
            err(positional),
            "Python call syntax: positional argument (BFCL calls name every argument) at byte 2",
            "{positional}"
        );
    }
}

// After a call read cleanly, a fence or stretch that fails to read is data unless it starts
// like a Python call (or a list of them): then it is a malformed call.
#[test]
fn a_broken_python_call_after_a_clean_call_is_malformed() {
    let e = err(&format!("{F}\n\n```\nf(x=1\n```"));
    assert!(e.starts_with("Python call syntax"), "{e}");
    let e = err(&format!("{F}\n\n```\n[f(x=1\n```"));
    assert!(e.starts_with("invalid JSON"), "{e}");
    assert_eq!(names(&format!("{F}\n\n```\n[1, 2]\n```")), ["f"]);
    assert_eq!(names(&format!("{F}\n\n```\n{{\"a\": 1}}\n```")), ["f"]);
}

// A `<tool_call>` block that is not calls is malformed even after a clean call (a block is
// always call text, never data).
#[test]
fn a_broken_block_after_a_clean_call_is_malformed() {
    let e = err(&format!(
        "<tool_call>{F}</tool_call><tool_call>{{\"name\": \"g\", </tool_call>"
    ));
    assert!(e.starts_with("invalid JSON"), "{e}");
    let e = err(&format!(
        "<tool_call>{F}</tool_call><tool_call>{{\"a\": 1}}</tool_call>"
    ));
    assert_eq!(
        e,
        "a JSON call needs a `name` (or the form {\"function_name\": {arguments}})"
    );
    let e = err(&format!(
        "<tool_call>{F}</tool_call><tool_call>call g</tool_call>"
    ));
    assert!(e.starts_with("Python call syntax"), "{e}");
}

// JSON values one after another may be followed by prose, not by another (broken) array or
// object.
#[test]
fn json_calls_may_be_followed_by_prose_only() {
    assert_eq!(names(&format!("{F}\n{F} That is all.")), ["f", "f"]);
    let e = err(&format!("{F}\n[oops"));
    assert!(e.starts_with("invalid JSON"), "{e}");
    let e = err(&format!("{F}\n{{oops"));
    assert!(e.starts_with("invalid JSON"), "{e}");
}

// A response holds at most MAX_CALLS calls, however they are written (Python lines, a JSON
// array, objects in prose, tagged blocks).
#[test]
fn exactly_max_calls_are_read_and_one_more_is_refused() {
    let too_many = format!("more than {MAX_CALLS} calls");
    let lines = |n: usize| "f()\n".repeat(n);
    let array = |n: usize| format!("[{}]", vec![F; n].join(", "));
    let prose = |n: usize| format!("Calls: {}", vec![F; n].join(" and "));
    let tagged = |n: usize| format!("<tool_call>{F}</tool_call>").repeat(n);
    for build in [&lines as &dyn Fn(usize) -> String, &array, &prose, &tagged] {
        assert_eq!(names(&build(MAX_CALLS)).len(), MAX_CALLS);
        assert_eq!(err(&build(MAX_CALLS + 1)), too_many);
    }
    // A reference holds at most MAX_CALLS calls too (read as a JSON list of calls).
    let reference = |n: usize| json!({"calls": vec![json!({"name": "f", "arguments": {}}); n]});
    assert_eq!(
        expected_calls(&reference(MAX_CALLS + 1)).unwrap().len(),
        MAX_CALLS + 1
    );
    let e = expected_calls(&reference(MAX_CALLS + 2)).unwrap_err();
    assert_eq!(e.message, format!("`reference.calls`: {too_many}"));
}

// Reading stops at the call past MAX_CALLS ("more is malformed, not a reason to spend the
// deadline"): under a passed deadline, 257 calls in a fence followed by prose of 2000 places a
// call could start are refused as too many, not timed out reading the prose.
#[test]
fn reading_stops_at_one_call_past_max_calls() {
    let passed = Deadline::after(Duration::ZERO);
    let r = format!(
        "```\n{}```\nSets: {}",
        "f()\n".repeat(MAX_CALLS + 1),
        "{x} ".repeat(2000)
    );
    assert_eq!(
        parse_response_by(&r, &passed).unwrap(),
        Err(format!("more than {MAX_CALLS} calls"))
    );
    // The control: without the calls the prose alone runs into the passed deadline.
    let prose = format!("Sets: {}", "{x} ".repeat(2000));
    assert!(parse_response_by(&prose, &passed).is_err());
}

// The call object's shapes: `args` and `parameters` hold arguments, `null` arguments are none,
// anything but an object (or a JSON string of one) is malformed; BFCL's `{"f": {…}}` has one key.
#[test]
fn call_objects_read_their_arguments_by_every_name() {
    let args = |r: &str| {
        let (calls, _) = parse_response(r).unwrap();
        Value::Array(
            calls
                .iter()
                .map(|c| Value::Object(c.arguments.clone()))
                .collect(),
        )
    };
    assert_eq!(
        args(
            r#"[{"name": "f", "args": {"a": 1}}, {"name": "g", "parameters": {"b": 2}}, {"name": "h", "arguments": null}]"#
        ),
        json!([{"a": 1}, {"b": 2}, {}])
    );
    assert_eq!(
        args(r#"Then {"name": "f", "args": {"a": 1}} and {"name": "g", "parameters": {"b": 2}}."#),
        json!([{"a": 1}, {"b": 2}])
    );
    assert_eq!(
        err(r#"{"name": "f", "arguments": 3}"#),
        "call `f`: `arguments` must be an object"
    );
    assert_eq!(
        err(r#"{"name": "f", "arguments": "[1]"}"#),
        "call `f`: `arguments` is a string that is not a JSON object"
    );
    let needs_name = "a JSON call needs a `name` (or the form {\"function_name\": {arguments}})";
    assert_eq!(err(r#"{"f": {"a": 1}, "g": {}}"#), needs_name);
    assert_eq!(err(r#"{"f": 3}"#), needs_name);
    assert_eq!(read("\"f\""), (vec![], Form::None));
    // In prose a `function` that is not an object, or a `name` that is not a string, is data.
    assert_eq!(
        read(r#"Say {"function": "f"} or {"name": 3}."#),
        (vec![], Form::None)
    );
    assert_eq!(read(r#"Sure: {"tool_calls": []}"#), (vec![], Form::Bare));
}

// A broken object in prose is a malformed call when its first key (after any white space)
// is `name`, `function` or `tool_calls`; otherwise it is prose.
#[test]
fn a_broken_object_is_a_call_by_its_first_key() {
    for r in [
        "Calling { \"name\": \"f\", \"arguments\": {",
        "Calling {\n\t\"function\": {\"name\": \"f\"",
        "Calling {\"tool_calls\": [",
    ] {
        let e = err(r);
        assert!(e.starts_with("invalid JSON: EOF while parsing"), "{r}: {e}");
    }
    assert_eq!(
        read("Calling {\"why\": \"name\", \"arguments\": {"),
        (vec![], Form::None)
    );
    assert_eq!(read("Nothing here: {   "), (vec![], Form::None));
}

// A data object in prose whose string JSON refuses (an unknown escape, a short `\u`, a control
// character) opens no object: it is skipped and the call after it read. A call whose strings
// hold spaces is one object.
#[test]
fn strings_are_read_by_json_rules() {
    for bad in [r#""a\xb""#, r#""\u12zz""#, "\"a\u{1}b\""] {
        let r = format!("Note {{\"k\": {bad}}} then {F}");
        assert_eq!(read(&r), (vec!["f".into()], Form::Bare), "{r}");
    }
    let r = r#"Then {"name": "f", "arguments": {"city": "New York", "q": "a\"b \u00e9"}} ok"#;
    let (calls, _) = parse_response(r).unwrap();
    assert_eq!(calls.len(), 1);
    assert_eq!(
        Value::Object(calls[0].arguments.clone()),
        json!({"city": "New York", "q": "a\"b \u{e9}"})
    );
}

// Numbers, literals and structure by JSON's grammar: a data object JSON refuses opens no object
// (skipped, the call after it read); a call with every valid form is read whole.
#[test]
fn objects_are_recognised_by_json_grammar() {
    for bad in [
        "01",
        "1.",
        "-",
        "-x",
        "+1",
        ".5",
        "1e",
        "1e+",
        "1.e3",
        "tru",
        "nul",
        "[1,]",
        "[1 2]",
        "[1}",
        "{\"a\" 1}",
        "{\"a\": 1,}",
        "{,}",
        "1 \"j\": 2",
        "1]",
        "",
    ] {
        let r = format!("Note {{\"k\": {bad}}} then {F}");
        assert_eq!(read(&r), (vec!["f".into()], Form::Bare), "{r}");
    }
    let args = r#"{"a": 0, "b": -0.5, "c": 10, "d": 1e5, "e": 2E+2, "g": 3.25e-1, "h": [1, [2, {}], [], {"i": null}], "t": true, "u": false, "v": -0}"#;
    let (calls, _) = parse_response(&format!(
        "Then {{\"name\": \"f\", \"arguments\": {args}}} ok"
    ))
    .unwrap();
    assert_eq!(calls.len(), 1);
    let want: Value = serde_json::from_str(args).unwrap();
    assert_eq!(Value::Object(calls[0].arguments.clone()), want);
    assert_eq!(want["e"], 200.0);
}

/// `n` objects opened and never closed, then a call: each `{` is a place a call could start.
fn unclosed_then_call(n: usize) -> String {
    format!("Plan: {}{F}", "{\"a\": ".repeat(n))
}

// Reading is linear: every `{` a failed reading opened is not read again. Under a passed
// deadline (checked every 1024 steps) a response of 150 unclosed objects before a call is read
// within the first 1024 steps; reading each of them again from its own start would take
// thousands.
#[test]
fn unclosed_objects_are_read_once() {
    let passed = Deadline::after(Duration::ZERO);
    let r = unclosed_then_call(150);
    let (calls, _) = parse_response_by(&r, &passed).unwrap().unwrap();
    assert_eq!(calls.len(), 1);
    // The control: a response of many more steps stops at the same passed deadline.
    let long = format!("Sets: {}", "{x} ".repeat(2000));
    assert!(parse_response_by(&long, &passed).is_err());
}

// The `</think>` ends the reasoning at its end: the text after it is read, nothing of it lost.
#[test]
fn calls_are_read_right_after_the_first_think_close() {
    assert_eq!(
        names(&format!("<think>{{\"name\": \"g\"}}</think>{F}")),
        ["f"]
    );
    assert_eq!(names("<think>a</think>f()"), ["f"]);
    assert_eq!(names("</think>f()"), ["f"]);
    assert_eq!(err("<think>f()"), "the response was cut off inside <think>");
    assert_eq!(
        err("f() <think>"),
        "the response was cut off inside <think>"
    );
}

// Python-call syntax: calls separated by `;` or new lines, names with `_`, `.` and non-ASCII
// letters, every literal form (`+`, `_` in numbers, floats by `.` or exponent, integers past
// i64 as floats, escapes, both quotes, tuples, dict keys that are numbers or booleans).
#[test]
fn python_calls_read_every_literal() {
    let calls = parse_calls("f(); mod.g_2(x=1)\nété(y=2)").unwrap();
    let names: Vec<&str> = calls.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["f", "mod.g_2", "été"]);
    let c = parse_calls(
        r#"f(a=+5, b=1_000, c=.5, d=2e3, e=1E-2, f=-7, g=99999999999999999999, h=5., i='a"b', j="x\ty\n\r\0\\\q", k=(1, 'z'), l={1: 'one', True: 't', 'k': None}, m=false, n=null, o=[])"#,
    )
    .unwrap();
    assert_eq!(
        Value::Object(c[0].arguments.clone()),
        json!({"a": 5, "b": 1000, "c": 0.5, "d": 2000.0, "e": 0.01, "f": -7,
               "g": 1e20, "h": 5.0, "i": "a\"b", "j": "x\ty\n\r\u{0}\\q", "k": [1, "z"],
               "l": {"1": "one", "true": "t", "k": null}, "m": false, "n": null, "o": []})
    );
    assert!(c[0].arguments["d"].is_f64());
    assert!(c[0].arguments["a"].is_i64());
}

// Python-call syntax refuses, saying where: text after the list, a missing separator, an
// unclosed list, a bad name, a non-finite number, an unterminated string, a `None` dict key.
#[test]
fn python_calls_refuse_what_is_not_a_call() {
    for (t, why) in [
        ("[f()] x", "text after the closing `]` at byte 6"),
        ("[f() g()]", "expected `,` or `]` at byte 5"),
        ("[f()", "expected `,` or `]` at byte 4"),
        ("f()]", "expected a function name at byte 3"),
        ("[f(),", "unclosed `[` at byte 5"),
        ("1f(x=1)", "expected a function name at byte 2"),
        ("f(x=1e999)", "bad number `1e999` at byte 9"),
        ("f(x='ab)", "unterminated string at byte 8"),
        ("f(x='ab\\", "unterminated string at byte 8"),
        (
            "f(x={None: 1})",
            "dict keys must be strings or numbers at byte 9",
        ),
        ("f(x=[1 2])", "expected `,` or `]` at byte 7"),
        ("f(x={'a' 1})", "expected `:` at byte 9"),
        ("f(x={'a': 1 'b': 2})", "expected `,` or `}` at byte 12"),
        ("f(x=1 y=2)", "expected `,` or `)` at byte 6"),
        ("f(x=)", "expected a value at byte 4"),
        ("f(x=", "unexpected end at byte 4"),
    ] {
        assert_eq!(
            parse_calls(t).unwrap_err(),
            format!("Python call syntax: {why}"),
            "{t}"
        );
    }
}

// Nesting is bounded at 64 levels of values (64 read, 65 refused), counted down again after
// each value: a long flat list is not deep.
#[test]
fn python_call_nesting_is_bounded_by_depth_not_by_count() {
    let nested = |n: usize| format!("f(a={}1{})", "[".repeat(n - 1), "]".repeat(n - 1));
    assert!(parse_calls(&nested(64)).is_ok());
    assert!(parse_calls(&nested(65))
        .unwrap_err()
        .contains("nesting too deep"));
    let flat = format!("f(a=[{}])", vec!["[1]"; 200].join(", "));
    assert_eq!(
        parse_calls(&flat).unwrap()[0].arguments["a"]
            .as_array()
            .unwrap()
            .len(),
        200
    );
}

// Call text is bounded at 1 MiB: exactly that much is read, one byte more refused.
#[test]
fn python_call_text_is_bounded_at_one_mebibyte() {
    let at = |n: usize| format!("f(s='{}')", "x".repeat(n - 7));
    assert_eq!(at(1 << 20).len(), 1 << 20);
    assert!(parse_calls(&at(1 << 20)).is_ok());
    assert_eq!(
        parse_calls(&at((1 << 20) + 1)).unwrap_err(),
        format!("call text longer than {} bytes", 1 << 20)
    );
}

// BFCL's value rules: integers compare exactly (negative ones too), an integer is accepted for
// a float, a float never for an integer, floats within a relative 1e-9; lists in order, objects
// with the same keys.
#[test]
fn values_match_by_bfcl_rules() {
    assert!(value_matches(&json!(-1), &json!(-1), None));
    assert!(!value_matches(&json!(-1), &json!(-2), None));
    assert!(!value_matches(&json!(2), &json!(3), Some("float")));
    assert!(value_matches(&json!(3), &json!(3), Some("float")));
    assert!(value_matches(&json!(3), &json!(3.0), None));
    assert!(!value_matches(&json!(3.0), &json!(3), None));
    assert!(value_matches(&json!(3.0), &json!(3), Some("number")));
    assert!(value_matches(&json!(3.0), &json!(3), Some("double")));
    assert!(value_matches(&json!(1.0), &json!(1.0 + 1e-10), None));
    assert!(!value_matches(&json!(1.0), &json!(1.0 + 1e-8), None));
    assert!(value_matches(&json!(-1e6), &json!(-1e6 - 1e-4), None));
    assert!(!value_matches(&json!(1.5), &json!(-1.5), None));
    assert!(value_matches(&json!(null), &json!(null), None));
    assert!(!value_matches(&json!(true), &json!(false), None));
    assert!(value_matches(&json!(true), &json!(true), None));
    assert!(value_matches(&json!(false), &json!(false), None));
    assert!(value_matches(&json!([1, "A b"]), &json!([1, "ab"]), None));
    assert!(!value_matches(&json!([1, 2]), &json!([2, 1]), None));
    assert!(!value_matches(&json!([1]), &json!([1, 1]), None));
    assert!(value_matches(&json!({"a": 1}), &json!({"a": 1}), None));
    assert!(!value_matches(
        &json!({"a": 1, "b": 2}),
        &json!({"a": 1}),
        None
    ));
    assert!(!value_matches(&json!({"b": 1}), &json!({"a": 1}), None));
    assert!(!value_matches(&json!("1"), &json!(1), None));
    // A negative float is not the negative integer; integers past i64 and past 2^53 compare
    // exactly, not as doubles.
    assert!(!value_matches(&json!(-3.0), &json!(-3), None));
    assert!(value_matches(&json!(1u64 << 63), &json!(1u64 << 63), None));
    assert!(!value_matches(
        &json!((1u64 << 63) + 1),
        &json!(1u64 << 63),
        None
    ));
    assert!(!value_matches(
        &json!((1u64 << 53) + 1),
        &json!(1u64 << 53),
        None
    ));
}

// Matching says why it failed: the count, a missing required or unknown parameter, a call of
// no expected name, a call matched twice; a dotted name may come back with `_`.
#[test]
fn matching_failures_say_why() {
    let docs = json!([{"name": "f", "parameters": {"properties": {"a": {"type": "integer"}, "b": {"type": "string"}}, "required": ["a", "b"]}}]);
    let want = expected_calls(&json!({"bfcl": [{"f": {"a": [1], "b": ["x"]}}], "functions": docs}))
        .unwrap();
    let m = |r: &str| match_calls(&parse_response(r).unwrap().0, &want, false);
    assert_eq!(m("f(a=1, b='x')"), Ok(()));
    assert_eq!(
        m("f(a=1)"),
        Err("`f`: required parameter `b` missing".into())
    );
    assert_eq!(m("g(a=1, b='x')"), Err("no call of `f`".into()));
    assert_eq!(
        m("f(a=1, b='x', c=2)"),
        Err("`f`: unknown parameter `c`".into())
    );
    let calls = json!({"calls": [{"name": "f", "arguments": {"a": 1}}, {"name": "f", "arguments": {"a": 1}}]});
    let want = expected_calls(&calls).unwrap();
    let got = parse_response("[f(a=1), f(a=2)]").unwrap().0;
    assert_eq!(
        match_calls(&got, &want, false),
        Err("`f` matched twice".into())
    );
    let got = parse_response("[f(a=2), f(a=1)]").unwrap().0;
    assert_eq!(
        match_calls(&got, &want, false),
        Err("`f`: parameter `a` = 2 is not among the allowed values [1]".into())
    );
    let want = expected_calls(
        &json!({"calls": [{"name": "f", "arguments": {"a": 1}}, {"name": "g", "arguments": {}}]}),
    )
    .unwrap();
    let got = parse_response("[f(a=1), f(a=1)]").unwrap().0;
    assert_eq!(
        match_calls(&got, &want, false),
        Err("no call of `g`".into())
    );
    let got = parse_response("[f(a=1), g()]").unwrap().0;
    assert_eq!(match_calls(&got, &want, true), Ok(()));
    let got = parse_response("[g(), f(a=1)]").unwrap().0;
    assert_eq!(
        match_calls(&got, &want, true),
        Err("function `g` instead of `f`".into())
    );
    assert_eq!(match_calls(&got, &want, false), Ok(()));
    let want = expected_calls(&json!([{"name": "a.b", "arguments": {}}])).unwrap();
    assert_eq!(
        match_calls(&parse_response("a_b()").unwrap().0, &want, true),
        Ok(())
    );
    assert_eq!(
        match_calls(&parse_response("ab()").unwrap().0, &want, true),
        Err("function `ab` instead of `a.b`".into())
    );
}

// A BFCL parameter is optional only when its list holds `""`, which is no allowed value; a
// parameter of an expected call is never optional; a BFCL item names one function.
#[test]
fn optional_parameters_are_marked_by_an_empty_string() {
    let want = expected_calls(&json!({"bfcl": [{"f": {"a": [1], "b": [2, ""]}}]})).unwrap();
    let m = |r: &str| match_calls(&parse_response(r).unwrap().0, &want, true);
    assert_eq!(m("f(a=1)"), Ok(()));
    assert_eq!(m("f(a=1, b=2)"), Ok(()));
    assert_eq!(m("f(b=2)"), Err("`f`: parameter `a` missing".into()));
    assert_eq!(
        m("f(a=1, b='')"),
        Err("`f`: parameter `b` = \"\" is not among the allowed values [2]".into())
    );
    let want =
        expected_calls(&json!({"calls": [{"name": "f", "arguments": {"a": 1, "b": 2}}]})).unwrap();
    assert_eq!(
        match_calls(&parse_response("f(a=1)").unwrap().0, &want, true),
        Err("`f`: parameter `b` missing".into())
    );
    let e = expected_calls(&json!({"bfcl": [{"f": {}, "g": {}}]})).unwrap_err();
    assert_eq!(e.status, Status::InvalidInput);
    assert!(
        e.message.starts_with("`reference.bfcl[0]` must be"),
        "{}",
        e.message
    );
}

// A BFCL dict value: keys whose options hold `""` may be left out, no other key may appear, an
// option that is itself a dict is matched the same way.
#[test]
fn bfcl_dict_values_match_key_by_key() {
    let want =
        expected_calls(&json!({"bfcl": [{"f": {"d": [{"k": [1, ""], "n": [{"m": ["x"]}]}]}}]}))
            .unwrap();
    let m = |r: &str| match_calls(&parse_response(r).unwrap().0, &want, true).is_ok();
    assert!(m("f(d={'n': {'m': 'X'}})"));
    assert!(m("f(d={'k': 1, 'n': {'m': 'x'}})"));
    assert!(!m("f(d={'k': 1})"));
    assert!(!m("f(d={'k': 2, 'n': {'m': 'x'}})"));
    assert!(!m("f(d={'n': {'m': 'y'}})"));
    assert!(!m("f(d={'n': {'m': 'x', 'o': 1}})"));
    // With expected calls (not BFCL's form) a dict value must be equal.
    let want =
        expected_calls(&json!({"calls": [{"name": "f", "arguments": {"d": {"k": [1, ""]}}}]}))
            .unwrap();
    assert_eq!(
        match_calls(
            &parse_response("f(d={'k': [1, '']})").unwrap().0,
            &want,
            true
        ),
        Ok(())
    );
    assert!(match_calls(&parse_response("f(d={'k': 1})").unwrap().0, &want, true).is_err());
}

/// A GUI sample with `response` and reference `r`.
fn gui(response: &str, r: Value) -> Result<(Pred, [f64; 4], Value), (Status, String)> {
    ground(
        &sample(json!({"response": response, "reference": r})),
        "pixels",
    )
    .map(|g| (g.pred, g.target, g.details))
    .map_err(|f| (f.status, f.message))
}

// The prediction is the last point or box written; among matches ending at the same place the
// longest; every written form, signs and decimals included.
#[test]
fn gui_predictions_in_every_form() {
    assert_eq!(
        parse_prediction("(1, 2), (3, 4)"),
        Some(Pred::Box(1.0, 2.0, 3.0, 4.0))
    );
    assert_eq!(
        parse_prediction("(1,2)(3,4)"),
        Some(Pred::Box(1.0, 2.0, 3.0, 4.0))
    );
    assert_eq!(
        parse_prediction("(1, 2, 3, 4)"),
        Some(Pred::Box(1.0, 2.0, 3.0, 4.0))
    );
    assert_eq!(parse_prediction("[+1.5, -2]"), Some(Pred::Point(1.5, -2.0)));
    assert_eq!(
        parse_prediction("<point>5, 6</point>"),
        Some(Pred::Point(5.0, 6.0))
    );
    assert_eq!(
        parse_prediction("<box>1 2, 3 4</box>"),
        Some(Pred::Box(1.0, 2.0, 3.0, 4.0))
    );
    assert_eq!(
        parse_prediction("x=10, y=20"),
        Some(Pred::Point(10.0, 20.0))
    );
    assert_eq!(
        parse_prediction("'x': 1, 'y': 2"),
        Some(Pred::Point(1.0, 2.0))
    );
    assert_eq!(
        parse_prediction("[1, 2, 3, 4] then (5, 6)"),
        Some(Pred::Point(5.0, 6.0))
    );
    assert_eq!(
        parse_prediction("(5, 6) then [1, 2, 3, 4]"),
        Some(Pred::Box(1.0, 2.0, 3.0, 4.0))
    );
    assert_eq!(Pred::Box(1.0, 2.0, 3.0, 6.0).center(), (2.0, 4.0));
    assert_eq!(Pred::Point(1.0, 2.0).center(), (1.0, 2.0));
    assert_eq!(
        Pred::Point(1.0, 2.0).to_json(),
        json!({"point": [1.0, 2.0]})
    );
    assert_eq!(
        Pred::Box(1.0, 2.0, 3.0, 4.0).to_json(),
        json!({"box": [1.0, 2.0, 3.0, 4.0]})
    );
}

// A point whose number overflows to infinity is skipped: the last finite one is the prediction.
#[test]
fn gui_prediction_skips_infinite_numbers() {
    let huge = format!("1{}", "0".repeat(400));
    assert_eq!(
        parse_prediction(&format!("(5, 6) then ({huge}, 2)")),
        Some(Pred::Point(5.0, 6.0))
    );
    assert_eq!(
        parse_prediction(&format!("[1, 2, 3, 4] then [1, 2, 3, {huge}]")),
        Some(Pred::Box(1.0, 2.0, 3.0, 4.0))
    );
}

// Frames: with an image size, normalised predictions and boxes become pixels; without one, a
// shared normalised convention stays as it is and mixing conventions is refused.
#[test]
fn gui_grounding_brings_both_into_one_frame() {
    let (p, t, d) = gui(
        "(0.5, 0.25)",
        json!({"box": [100, 50, 300, 150], "image_size": [400, 200], "pred_coords": "0-1"}),
    )
    .unwrap();
    assert_eq!(
        (p, t),
        (Pred::Point(200.0, 50.0), [100.0, 50.0, 300.0, 150.0])
    );
    assert_eq!(
        d,
        json!({"prediction": {"point": [0.5, 0.25]}, "frame": "pixels"})
    );
    let (p, t, _) = gui(
        "[100, 500, 300, 1000]",
        json!({"box": [0.1, 0.2, 0.3, 0.4], "image_size": [1000, 10], "coords": "0-1", "pred_coords": "0-1000"}),
    )
    .unwrap();
    assert_eq!(p, Pred::Box(100.0, 5.0, 300.0, 10.0));
    assert_eq!(t, [100.0, 2.0, 300.0, 4.0]);
    let (p, t, d) = gui(
        "(500, 1000)",
        json!({"box": [0, 0, 10, 10], "coords": "0-1000", "pred_coords": "0-1000"}),
    )
    .unwrap();
    assert_eq!((p, t), (Pred::Point(500.0, 1000.0), [0.0, 0.0, 10.0, 10.0]));
    assert_eq!(d["frame"], "0-1000");
    let e = gui(
        "(0.5, 0.5)",
        json!({"box": [0, 0, 10, 10], "pred_coords": "0-1"}),
    )
    .unwrap_err();
    assert_eq!(
        e,
        (
            Status::InvalidInput,
            "converting between pixel and normalised coordinates needs `reference.image_size`"
                .into()
        )
    );
}

// Off the screen: a coordinate below 0 or past the screen's width or height (the edges are on
// it); with pixels and no image size only negative coordinates are off; an empty predicted box.
#[test]
fn gui_grounding_refuses_predictions_off_the_screen() {
    let r = json!({"box": [0, 0, 10, 10], "image_size": [100, 50]});
    assert!(gui("(100, 50)", r.clone()).is_ok());
    assert!(gui("(0, 0)", r.clone()).is_ok());
    for off in ["(100.5, 1)", "(1, 50.5)", "(-1, 1)", "(1, -1)"] {
        let (s, m) = gui(off, r.clone()).unwrap_err();
        assert_eq!(s, Status::NoAnswer, "{off}");
        assert!(
            m.ends_with("lies outside the screen (0..100 × 0..50, pixels)"),
            "{m}"
        );
    }
    let r = json!({"box": [0, 0, 10, 10]});
    assert!(gui("(5000, 5000)", r.clone()).is_ok());
    let (_, m) = gui("(-1, 5)", r.clone()).unwrap_err();
    assert_eq!(
        m,
        "predicted coordinate (-1, 5) lies outside the screen (non-negative coordinates, pixels)"
    );
    let r01 = json!({"box": [0.1, 0.1, 0.2, 0.2], "coords": "0-1"});
    let (_, m) = ground(
        &sample(json!({"response": "(0.5, 1.5)", "reference": r01})),
        "0-1",
    )
    .map_err(|f| (f.status, f.message))
    .unwrap_err();
    assert_eq!(
        m,
        "predicted coordinate (0.5, 1.5) lies outside the screen (0..1 × 0..1, 0-1)"
    );
    for empty in ["[5, 5, 5, 6]", "[5, 5, 6, 5]", "[6, 5, 5, 6]"] {
        let (s, m) = gui(empty, r.clone()).unwrap_err();
        assert_eq!(s, Status::NoAnswer);
        assert!(
            m.ends_with("is empty or inverted (needs x1 < x2, y1 < y2)"),
            "{m}"
        );
    }
}

// The reference: `box` or `bbox`, four finite numbers with an area; an image size of two
// positive numbers; conventions among the three known.
#[test]
fn gui_references_are_checked() {
    assert!(gui("(1, 1)", json!({"bbox": [0, 0, 2, 2]})).is_ok());
    assert!(gui("(1, 1)", json!({"box": [0, 0, 2, 2], "image_size": null})).is_ok());
    for bad in [
        json!({"box": [0, 0, 2]}),
        json!({"box": [0, 0, 2, "2"]}),
        json!({"box": [0, 0, 2, 2, 3]}),
        json!({"point": [0, 0]}),
    ] {
        assert_eq!(gui("(1, 1)", bad).unwrap_err().0, Status::InvalidInput);
    }
    for flat in [
        json!([0, 0, 0, 2]),
        json!([0, 0, 2, 0]),
        json!([2, 0, 0, 2]),
    ] {
        let (s, m) = gui("(1, 1)", json!({"box": flat})).unwrap_err();
        assert_eq!(
            (s, m.as_str()),
            (
                Status::InvalidInput,
                "`reference.box` must have x1 < x2 and y1 < y2 (an element with an area)"
            )
        );
    }
    for size in [json!([0, 10]), json!([10, 0]), json!([10]), json!([10, -1])] {
        let (_, m) = gui("(1, 1)", json!({"box": [0, 0, 2, 2], "image_size": size})).unwrap_err();
        assert_eq!(m, "`reference.image_size` must be [w, h] with w, h > 0");
    }
    let (_, m) = gui("(1, 1)", json!({"box": [0, 0, 2, 2], "coords": "percent"})).unwrap_err();
    assert_eq!(m, "`reference.coords` must be one of pixels, 0-1, 0-1000");
    let (s, _) = gui("<think>(1, 1)", json!({"box": [0, 0, 2, 2]})).unwrap_err();
    assert_eq!(s, Status::NoAnswer);
    let (s, _) = gui("the button", json!({"box": [0, 0, 2, 2]})).unwrap_err();
    assert_eq!(s, Status::NoAnswer);
}
