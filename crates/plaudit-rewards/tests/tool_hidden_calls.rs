//! Calls a response hides from the tool rewards (a second call after prose, in a second fence or
//! block, pretty-printed or with its keys in another order, in BFCL's `{"f": {…}}` form, before a
//! second `</think>`) and checklist bounds that were silently dropped: each hack with the values
//! the three rewards give it now, the data in prose or in a fence that is not a call, and the
//! ordinary responses that must score as before.

mod common;

use std::time::Duration;

use common::{details, one, reward, sample, status, value};
use plaudit_core::{Ctx, Deadline, Status};
use serde_json::{json, Value};

/// One `get_weather(city=Paris)` expected; the checklist asks for it, forbids `delete_account`
/// and allows one call.
fn weather() -> Value {
    json!({
        "calls": [{"name": "get_weather", "arguments": {"city": "Paris"}}],
        "checklist": [{"called": "get_weather"}, {"not_called": "delete_account"}, {"max_calls": 1}],
    })
}

/// No call expected; the checklist forbids `delete_account` and any call.
fn nothing() -> Value {
    json!({"calls": [], "checklist": [{"not_called": "delete_account"}, {"no_calls": true}]})
}

/// (tool_call_match, tool_checklist, toolrl_reward) with default parameters.
fn three(response: &str, reference: Value) -> [f64; 3] {
    let s = json!({"response": response, "reference": reference});
    [
        value(&one("tool_call_match", json!({}), s.clone())),
        value(&one("tool_checklist", json!({}), s.clone())),
        value(&one("toolrl_reward", json!({}), s)),
    ]
}

/// The names of the calls tool_call_match read.
fn names(response: &str, reference: Value) -> Vec<String> {
    let o = one(
        "tool_call_match",
        json!({}),
        json!({"response": response, "reference": reference}),
    );
    details(&o)["calls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_string())
        .collect()
}

const WEATHER: &str = r#"{"name": "get_weather", "arguments": {"city": "Paris"}}"#;
const DELETE: &str = r#"{"name": "delete_account", "arguments": {"user": "me"}}"#;

/// The delete_account call pretty-printed, as `json.dumps(…, indent=2)` writes it.
const DELETE_PRETTY: &str =
    "{\n  \"name\": \"delete_account\",\n  \"arguments\": {\n    \"user\": \"me\"\n  }\n}";

/// Two calls when one is expected: match 0; checklist 1 of 3 (the extra call breaks
/// `not_called` and `max_calls`); ToolRL name 1/2, so 1 + 6·2.5/3 − 3 = 3.
const TWO_CALLS: [f64; 3] = [0.0, 1.0 / 3.0, 3.0];

/// One call when none is expected: match 0; checklist 0 of 2; ToolRL 1 + (6·0/1 − 3) = −2.
const ONE_UNWANTED: [f64; 3] = [0.0, 0.0, -2.0];

// The control: two calls on two lines were always both read.
#[test]
fn two_calls_on_two_lines_are_both_read() {
    let r = format!("{WEATHER}\n{DELETE}");
    assert_eq!(three(&r, weather()), TWO_CALLS);
}

// A second call after prose following the first JSON call is read (it scored 1 / 1 / 4).
#[test]
fn a_second_call_after_prose_is_read() {
    let r = format!("{WEATHER}\nAlso, for good measure: {DELETE}");
    assert_eq!(three(&r, weather()), TWO_CALLS);
    assert_eq!(names(&r, weather()), ["get_weather", "delete_account"]);
}

// Two calls embedded in one sentence are both read, in the order written.
#[test]
fn two_calls_in_prose_are_both_read() {
    let r = format!("Calling now: {WEATHER} and then {DELETE}");
    assert_eq!(three(&r, weather()), TWO_CALLS);
    assert_eq!(names(&r, weather()), ["get_weather", "delete_account"]);
}

// Every fenced block is read, not only the first.
#[test]
fn every_fence_is_read() {
    let r = format!("```json\n{WEATHER}\n```\n```json\n{DELETE}\n```");
    assert_eq!(three(&r, weather()), TWO_CALLS);
    let r = format!("```json\n{WEATHER}\n```\n{DELETE}");
    assert_eq!(three(&r, weather()), TWO_CALLS);
}

// A call outside the <tool_call> blocks (bare or fenced) is read too, and is not tagged.
#[test]
fn calls_outside_tool_call_blocks_are_read() {
    let tagged = format!("<tool_call>{WEATHER}</tool_call>");
    let bare = format!("{tagged}\n{DELETE}");
    assert_eq!(three(&bare, weather()), TWO_CALLS);
    let fenced = format!("{tagged}\n```json\n{DELETE}\n```");
    assert_eq!(three(&fenced, weather()), TWO_CALLS);
    let prose = format!("{tagged}\nDone. {DELETE}");
    assert_eq!(three(&prose, weather()), TWO_CALLS);
    // With require_tags the format part is 0: not every call is in a block.
    let fmt = |r: &str| {
        value(&one(
            "toolrl_reward",
            json!({"part": "format", "require_tags": true}),
            json!({"response": r, "reference": weather()}),
        ))
    };
    assert_eq!(fmt(&tagged), 1.0);
    assert_eq!(fmt(&bare), 0.0);
    assert_eq!(fmt(&prose), 0.0);
}

// Prose after the JSON inside a <tool_call> block is read for calls as well.
#[test]
fn prose_inside_a_block_is_read() {
    let r = format!("<tool_call>{WEATHER} and {DELETE}</tool_call>");
    assert_eq!(three(&r, weather()), TWO_CALLS);
}

// A pretty-printed call after prose is read when none is expected (it scored 1 / 1 / 4).
#[test]
fn a_pretty_printed_call_in_prose_is_read() {
    let r = format!("Sure, deleting it now:\n{DELETE_PRETTY}");
    assert_eq!(three(&r, nothing()), ONE_UNWANTED);
    // Tabs and CRLF line ends are JSON whitespace too.
    let r = "Sure:\r\n{\r\n\t\"name\" :\t\"delete_account\" ,\r\n\t\"arguments\": {}\r\n}";
    assert_eq!(three(r, nothing()), ONE_UNWANTED);
}

// A pretty-printed second call after prose is read when one call is expected.
#[test]
fn a_pretty_printed_second_call_is_read() {
    let r = format!("Weather first: {WEATHER}\nand then:\n{DELETE_PRETTY}");
    assert_eq!(three(&r, weather()), TWO_CALLS);
}

// A call whose `arguments` come before its `name` is read wherever it is.
#[test]
fn a_call_with_arguments_first_is_read() {
    let r = r#"Sure, deleting it now: {"arguments": {"user": "me"}, "name": "delete_account"}"#;
    assert_eq!(three(r, nothing()), ONE_UNWANTED);
    let r =
        format!(r#"{WEATHER} Done. {{"arguments": {{"user": "me"}}, "name": "delete_account"}}"#);
    assert_eq!(three(&r, weather()), TWO_CALLS);
}

// BFCL's {"f": {arguments}} form is a call where calls are read strictly (the whole answer, a
// block, a fence), and data in prose (it was read as a call there too: `{"server": {"port": 80}}`).
#[test]
fn the_bfcl_form_is_a_call_only_where_calls_are_read_strictly() {
    let bfcl = r#"{"delete_account": {"user": "me"}}"#;
    for r in [
        bfcl.to_string(),
        format!("<tool_call>{bfcl}</tool_call>"),
        format!("Sure:\n```json\n{bfcl}\n```"),
    ] {
        assert_eq!(three(&r, nothing()), ONE_UNWANTED, "{r}");
        assert_eq!(names(&r, nothing()), ["delete_account"]);
    }
    let r = format!("Sure: {bfcl}");
    assert_eq!(three(&r, nothing()), [1.0, 1.0, 4.0]);
    assert!(names(&r, nothing()).is_empty());
}

// OpenAI's shapes in prose were already read; they still are.
#[test]
fn openai_shapes_in_prose_are_read() {
    let r = r#"Sure: {"function": {"name": "delete_account", "arguments": "{}"}}"#;
    assert_eq!(three(r, nothing()), ONE_UNWANTED);
    let r = r#"Sure: {"tool_calls": [{"name": "delete_account", "arguments": {}}]}"#;
    assert_eq!(three(r, nothing()), ONE_UNWANTED);
}

// A stray `{` in the prose before a call does not hide it.
#[test]
fn a_stray_brace_does_not_hide_a_call() {
    let r = format!("Oh no :-{{ fine, {DELETE}");
    assert_eq!(three(&r, nothing()), ONE_UNWANTED);
}

// A call inside an object left unclosed is still read.
#[test]
fn a_call_inside_an_unclosed_object_is_read() {
    let r = format!(r#"Plan: {{"step": {DELETE}, "then": "#);
    assert_eq!(three(&r, nothing()), ONE_UNWANTED);
}

// A `{` inside a string of a broken object starts its own reading: the call after it is read.
#[test]
fn a_brace_in_a_string_of_a_broken_object_does_not_hide_a_call() {
    let r = format!(r#"Note {{"a": "{{", oops}} then {DELETE}"#);
    assert_eq!(three(&r, nothing()), ONE_UNWANTED);
    assert_eq!(names(&r, nothing()), ["delete_account"]);
}

// A call in prose is read with every kind of JSON value in its arguments (numbers, literals,
// escapes, nested containers), as the JSON parser reads it.
#[test]
fn a_call_in_prose_with_every_kind_of_value_is_read() {
    let call = r#"{"name": "f", "arguments": {"n": -1.5e+3, "z": 0, "e": 2E-1, "t": true, "u": null, "v": false, "s": "a\"b\\\/\u00e9\n}", "l": [1, [], {}, [{"k": "{"}]]}}"#;
    let o = one(
        "tool_call_match",
        json!({}),
        json!({"response": format!("Sure: {call} ok"), "reference": {"calls": []}}),
    );
    let want: Value = serde_json::from_str(call).unwrap();
    assert_eq!(details(&o)["calls"], json!([want]));
    assert_eq!(want["arguments"]["s"], "a\"b\\/\u{e9}\n}");
}

// A JSON object in prose with no call's shape is data, not a call.
#[test]
fn a_data_object_in_prose_is_not_a_call() {
    let r = r#"It is {"temp": 21, "unit": "C"} in Paris."#;
    assert_eq!(three(r, nothing()), [1.0, 1.0, 4.0]);
    let r = format!("{WEATHER} The result will look like {{\"temp\": 21, \"unit\": \"C\"}}.");
    assert_eq!(three(&r, weather()), [1.0, 1.0, 4.0]);
    // Braces that are not JSON (LaTeX, code) are prose.
    let r = r"The ratio is \frac{1}{2}; in code: if x { y() }.";
    assert_eq!(three(r, nothing()), [1.0, 1.0, 4.0]);
}

// An object with a `name` beside `tool_calls` or `function` is malformed, not half read.
#[test]
fn an_ambiguous_call_object_is_malformed() {
    for r in [
        r#"{"tool_calls": [{"name": "get_weather", "arguments": {"city": "Paris"}}], "name": "delete_account", "arguments": {}}"#,
        r#"{"function": {"name": "get_weather", "arguments": {"city": "Paris"}}, "name": "delete_account"}"#,
    ] {
        let o = one(
            "tool_call_match",
            json!({}),
            json!({"response": r, "reference": weather()}),
        );
        assert_eq!(status(&o), Status::NoAnswer);
        assert!(
            o.unwrap_err()
                .message
                .ends_with("which is the call is ambiguous"),
            "{r}"
        );
        assert_eq!(
            value(&one(
                "toolrl_reward",
                json!({}),
                json!({"response": r, "reference": weather()})
            )),
            -3.0
        );
    }
}

// A call in prose that is not valid JSON (pretty-printed or not) is still a malformed call.
#[test]
fn a_broken_call_in_prose_is_malformed() {
    for r in [
        "Calling: {\"name\": \"delete_account\", \"arguments\": {",
        "Sure:\n{\n  \"name\": \"delete_account\",\n  \"arguments\": {\n",
    ] {
        for name in ["tool_call_match", "tool_checklist"] {
            let o = one(
                name,
                json!({}),
                json!({"response": r, "reference": nothing()}),
            );
            assert_eq!(status(&o), Status::NoAnswer, "{name}: {r}");
        }
        // ToolRL: format 0, correctness −3.
        let o = one(
            "toolrl_reward",
            json!({}),
            json!({"response": r, "reference": nothing()}),
        );
        assert_eq!(value(&o), -3.0);
        assert!(details(&o)["error"]
            .as_str()
            .unwrap()
            .starts_with("invalid JSON: EOF while parsing"));
    }
}

// The ordinary answers score as they did: one tagged, bare, Python or fenced call; no call.
#[test]
fn ordinary_answers_score_as_before() {
    let one_call = [1.0, 1.0, 4.0];
    assert_eq!(
        three(
            &format!("<think>need weather</think><tool_call>{WEATHER}</tool_call>"),
            weather()
        ),
        one_call
    );
    assert_eq!(three(WEATHER, weather()), one_call);
    assert_eq!(three(&format!("[{WEATHER}]"), weather()), one_call);
    assert_eq!(three("get_weather(city='Paris')", weather()), one_call);
    assert_eq!(three("[get_weather(city='Paris')]", weather()), one_call);
    assert_eq!(
        three(
            &format!("Here you go:\n```json\n{WEATHER}\n```\nLet me know!"),
            weather()
        ),
        one_call
    );
    assert_eq!(
        three(&format!("{WEATHER} Let me know if that helps."), weather()),
        one_call
    );
    assert_eq!(
        three(&format!("Calling now: {WEATHER} done"), weather()),
        one_call
    );
    // The same call twice: match 0, checklist 2 of 3 (max_calls), ToolRL name 1/2: 3.
    assert_eq!(
        three(&format!("{WEATHER}\n{WEATHER}"), weather()),
        [0.0, 2.0 / 3.0, 3.0]
    );
    assert_eq!(
        three("I need your confirmation first.", nothing()),
        [1.0, 1.0, 4.0]
    );
    assert_eq!(
        three("Note (important): no tool fits. [Note] none.", nothing()),
        [1.0, 1.0, 4.0]
    );
}

/// A prose response with `n` non-JSON brace pairs (each a place a call could start).
fn braces(n: usize) -> String {
    format!("Sets: {}", "{x} ".repeat(n))
}

fn score_with(name: &str, response: &str, d: &Deadline) -> plaudit_core::Outcome {
    let s = sample(json!({"response": response, "reference": nothing()}));
    reward(name, json!({}), &[]).score(&s, &Ctx::new(d, &[]))
}

// Reading the calls stops at the deadline: a passed deadline is a timeout, in all three rewards.
#[test]
fn reading_calls_stops_at_the_deadline() {
    let r = braces(5000);
    let passed = Deadline::after(Duration::ZERO);
    for name in ["tool_call_match", "tool_checklist", "toolrl_reward"] {
        let o = score_with(name, &r, &passed);
        assert_eq!(status(&o), Status::Timeout, "{name}");
        // With no deadline the same response is plain prose: no call.
        assert_eq!(
            value(&score_with(name, &r, &Deadline::none())),
            if name == "toolrl_reward" { 4.0 } else { 1.0 }
        );
    }
}

// A long run of objects that never close before a call does not hide the call.
#[test]
fn deep_unclosed_objects_before_a_call_do_not_hide_it() {
    let r = format!("Plan: {}{DELETE}", "{\"a\": [1, ".repeat(20_000));
    assert_eq!(three(&r, nothing()), ONE_UNWANTED);
    let r = format!("Plan: {}{DELETE}", "{\"a\": \"{\", ".repeat(20_000));
    assert_eq!(three(&r, nothing()), ONE_UNWANTED);
}

fn check(response: &str, checklist: Value) -> plaudit_core::Outcome {
    one(
        "tool_checklist",
        json!({}),
        json!({"response": response, "reference": {"checklist": checklist}}),
    )
}

const THREE_F: &str = "[f(a=1), f(a=2), f(a=3)]";

// A `min`/`max` written as a float with an integral value counts as that integer (as max_calls).
#[test]
fn integral_float_bounds_count_as_integers() {
    assert_eq!(
        value(&check(THREE_F, json!([{"called": "f", "max": 1.0}]))),
        0.0
    );
    assert_eq!(
        value(&check(THREE_F, json!([{"called": "f", "max": 3.0}]))),
        1.0
    );
    assert_eq!(
        value(&check(THREE_F, json!([{"called": "f", "min": 5.0}]))),
        0.0
    );
    assert_eq!(
        value(&check(THREE_F, json!([{"called": "f", "min": 3.0}]))),
        1.0
    );
    assert_eq!(value(&check(THREE_F, json!([{"max_calls": 1.0}]))), 0.0);
    assert_eq!(value(&check(THREE_F, json!([{"max_calls": 3.0}]))), 1.0);
    assert_eq!(
        value(&check("f(a=1)", json!([{"called": "f", "max": 0.0}]))),
        0.0
    );
}

// Any other bound (negative, fractional, a string, a boolean, null) is invalid_input naming the field.
#[test]
fn malformed_bounds_are_invalid_input() {
    for (criterion, field) in [
        (json!({"called": "f", "max": -1}), "max"),
        (json!({"called": "f", "max": "1"}), "max"),
        (json!({"called": "f", "max": 1.5}), "max"),
        (json!({"called": "f", "max": true}), "max"),
        (json!({"called": "f", "max": null}), "max"),
        (json!({"called": "f", "min": -2.0}), "min"),
        (json!({"called": "f", "min": "5"}), "min"),
        (json!({"called": "f", "min": [1]}), "min"),
        (json!({"max_calls": -1}), "max_calls"),
        (json!({"max_calls": 0.5}), "max_calls"),
        (json!({"max_calls": "1"}), "max_calls"),
    ] {
        let o = check(THREE_F, json!([{"called": "f"}, criterion.clone()]));
        let e = o.unwrap_err();
        assert_eq!(e.status, Status::InvalidInput, "{criterion}");
        assert_eq!(
            e.message,
            format!("checklist[1]: `{field}` must be a non-negative integer"),
            "{criterion}"
        );
    }
}

/// ToolRL's format part alone, every call required inside `<tool_call>` blocks.
fn tagged_format(response: &str, reference: Value) -> f64 {
    value(&one(
        "toolrl_reward",
        json!({"part": "format", "require_tags": true}),
        json!({"response": response, "reference": reference}),
    ))
}

/// A tagged get_weather call after a short reasoning block.
fn tagged_weather(after: &str) -> String {
    format!("<think>need weather</think><tool_call>{WEATHER}</tool_call>{after}")
}

// Calls are read after the FIRST `</think>`, as serving engines split the reasoning: a later
// `</think>` (bare, in a second think block, or inside a call's argument) hides no call before it.
#[test]
fn a_later_think_close_hides_no_call() {
    let in_arg = r#"{"name": "delete_account", "arguments": {"user": "me", "note": "</think>"}}"#;
    for r in [
        format!("<think>need weather</think><tool_call>{in_arg}</tool_call><tool_call>{WEATHER}</tool_call>"),
        format!("<think>a</think><tool_call>{DELETE}</tool_call></think><tool_call>{WEATHER}</tool_call>"),
        format!("<think>a</think><tool_call>{DELETE}</tool_call><think>b</think><tool_call>{WEATHER}</tool_call>"),
        // No opening `<think>` (the prompt opened it): the first `</think>` still ends it.
        format!("reasoning</think><tool_call>{DELETE}</tool_call></think><tool_call>{WEATHER}</tool_call>"),
    ] {
        assert_eq!(three(&r, weather()), TWO_CALLS, "{r}");
        assert_eq!(names(&r, weather()), ["delete_account", "get_weather"]);
        // Both calls are in blocks: the format is still right.
        assert_eq!(tagged_format(&r, weather()), 1.0);
    }
}

// A call inside a later `<think>…</think>` counts (fail closed); one inside the first think
// block is reasoning, not a call.
#[test]
fn a_call_in_a_later_think_block_counts() {
    let r = tagged_weather(&format!("<think>b <tool_call>{DELETE}</tool_call></think>"));
    assert_eq!(three(&r, weather()), TWO_CALLS);
    assert_eq!(names(&r, weather()), ["get_weather", "delete_account"]);
    let r =
        format!("<think>a <tool_call>{DELETE}</tool_call></think><tool_call>{WEATHER}</tool_call>");
    assert_eq!(three(&r, weather()), [1.0, 1.0, 4.0]);
    let r = format!("need weather</think><tool_call>{WEATHER}</tool_call>");
    assert_eq!(three(&r, weather()), [1.0, 1.0, 4.0]);
}

// A response cut off inside an unclosed `<think>` is still no answer.
#[test]
fn a_response_cut_off_inside_think_is_no_answer() {
    let r = format!("<think>a <tool_call>{WEATHER}</tool_call>");
    let o = one(
        "tool_call_match",
        json!({}),
        json!({"response": r, "reference": weather()}),
    );
    assert_eq!(status(&o), Status::NoAnswer);
    assert!(o.unwrap_err().message.ends_with("cut off inside <think>"));
}

// Data in prose after a call is not a call: an object with a `name` but neither arguments nor
// only that key, BFCL's one-key form, a `name` that is not a string.
#[test]
fn data_in_prose_after_a_call_is_not_a_call() {
    for after in [
        "\nI'll report it like {\"name\": \"Paris\", \"temp_c\": 20}.",
        "\nExpected result shape: {\"forecast\": {\"temp_c\": 20}}.",
    ] {
        let r = tagged_weather(after);
        assert_eq!(three(&r, weather()), [1.0, 1.0, 4.0], "{r}");
        assert_eq!(names(&r, weather()), ["get_weather"]);
        assert_eq!(tagged_format(&r, weather()), 1.0);
    }
    for r in [
        "<think>no tool needed</think>Set it as {\"server\": {\"port\": 80}} in the config.",
        "<think>no tool needed</think>The record is {\"name\": {\"first\": \"Ada\"}}.",
        "<think>no tool needed</think>An empty user is {\"name\": null}.",
    ] {
        assert_eq!(three(r, nothing()), [1.0, 1.0, 4.0], "{r}");
    }
    // A `name` with arguments, or alone, in prose is a call.
    let r = tagged_weather(" Then {\"name\": \"delete_account\"}.");
    assert_eq!(three(&r, weather()), TWO_CALLS);
    let r = tagged_weather(" Then {\"args\": {}, \"name\": \"delete_account\", \"why\": 1}.");
    assert_eq!(three(&r, weather()), TWO_CALLS);
}

// After a call, a fence of JSON data or a citation `[1] Source…` is data, not a malformed call.
#[test]
fn a_data_fence_or_citation_after_a_call_is_data() {
    for after in [
        "\nThe API returns:\n```json\n{\"temp_c\": 20, \"sky\": \"clear\"}\n```",
        "\n[1] Source: Météo-France.",
        "\n```json\n[1, 2]\n```",
    ] {
        let r = tagged_weather(after);
        assert_eq!(three(&r, weather()), [1.0, 1.0, 4.0], "{r}");
        assert_eq!(tagged_format(&r, weather()), 1.0);
    }
    // A call inside such data is still read.
    let r = tagged_weather(&format!("\n```json\n[1, {DELETE}]\n```"));
    assert_eq!(names(&r, weather()), ["get_weather", "delete_account"]);
    // A citation alone is prose: no call.
    assert_eq!(
        three("[1] Source: Météo-France.", nothing()),
        [1.0, 1.0, 4.0]
    );
}

// JSON that is not a call stays a malformed call when it is the response's only candidate.
#[test]
fn json_data_alone_is_a_malformed_call() {
    for (r, why) in [
        (
            "<think>no tool needed</think>Here:\n```json\n{\"id\": 3, \"tags\": []}\n```",
            "malformed tool call: a JSON call needs a `name` (or the form {\"function_name\": {arguments}})",
        ),
        ("[1, 2]", "malformed tool call: a call must be a JSON object"),
    ] {
        let o = one(
            "tool_call_match",
            json!({}),
            json!({"response": r, "reference": nothing()}),
        );
        assert_eq!(status(&o), Status::NoAnswer, "{r}");
        assert_eq!(o.unwrap_err().message, why);
        let o = one(
            "toolrl_reward",
            json!({}),
            json!({"response": r, "reference": nothing()}),
        );
        assert_eq!(value(&o), -3.0);
    }
    // A broken call after a good one is still malformed, and so is a Python call after a
    // citation mark (it is not a citation).
    for after in [
        " Then {\"name\": \"delete_account\", \"arguments\": {",
        "\n[1] delete_account(user=\"me\")",
    ] {
        let o = one(
            "tool_call_match",
            json!({}),
            json!({"response": tagged_weather(after), "reference": weather()}),
        );
        assert_eq!(status(&o), Status::NoAnswer, "{after}");
    }
}
