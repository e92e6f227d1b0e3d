//! Tool calls: parsing calls from responses (JSON, `<tool_call>` blocks, Python-call syntax),
//! reading references (expected calls, BFCL's possible answers), BFCL-style matching, and the
//! rewards built on them.

use std::sync::OnceLock;

use plaudit_core::{Failure, RewardInfo, Sample};
use regex::Regex;
use serde_json::{json, Map, Value};

use crate::util::answer_region;

pub mod call_match;
pub mod checklist;
pub mod pycall;
pub mod toolrl;

pub fn all() -> Vec<RewardInfo> {
    vec![call_match::INFO, toolrl::INFO, checklist::INFO]
}

/// One function call.
#[derive(Clone, Debug, PartialEq)]
pub struct Call {
    pub name: String,
    pub arguments: Map<String, Value>,
}

impl Call {
    pub fn to_json(&self) -> Value {
        json!({"name": self.name, "arguments": self.arguments})
    }
}

/// Most calls one response may hold (more is malformed, not a reason to spend the deadline).
pub const MAX_CALLS: usize = 256;

/// Calls from JSON: an object `{"name", "arguments" | "parameters" | "args"}` (arguments may be a
/// JSON string, as OpenAI sends them), OpenAI's `{"function": {…}}` and `{"tool_calls": […]}`,
/// BFCL's `{"f": {"a": 1}}`, or an array of any of these.
pub fn calls_from_json(v: &Value, out: &mut Vec<Call>) -> Result<(), String> {
    if out.len() > MAX_CALLS {
        return Err(format!("more than {MAX_CALLS} calls"));
    }
    match v {
        Value::Array(items) => {
            for it in items {
                calls_from_json(it, out)?;
            }
            Ok(())
        }
        Value::Object(o) => {
            if let Some(tc) = o.get("tool_calls") {
                return calls_from_json(tc, out);
            }
            if let Some(f @ Value::Object(_)) = o.get("function") {
                return calls_from_json(f, out);
            }
            if let Some(name) = o.get("name") {
                let name = name
                    .as_str()
                    .ok_or("a call's `name` must be a string")?
                    .to_string();
                let args = match o.get("arguments").or(o.get("parameters")).or(o.get("args")) {
                    None | Some(Value::Null) => Map::new(),
                    Some(Value::Object(m)) => m.clone(),
                    Some(Value::String(s)) => match serde_json::from_str::<Value>(s) {
                        Ok(Value::Object(m)) => m,
                        _ => {
                            return Err(format!(
                                "call `{name}`: `arguments` is a string that is not a JSON object"
                            ))
                        }
                    },
                    Some(_) => return Err(format!("call `{name}`: `arguments` must be an object")),
                };
                out.push(Call {
                    name,
                    arguments: args,
                });
                return Ok(());
            }
            if o.len() == 1 {
                let (k, a) = o.iter().next().expect("one entry");
                if let Value::Object(args) = a {
                    out.push(Call {
                        name: k.clone(),
                        arguments: args.clone(),
                    });
                    return Ok(());
                }
            }
            Err("a JSON call needs a `name` (or the form {\"function_name\": {arguments}})".into())
        }
        _ => Err("a call must be a JSON object".into()),
    }
}

/// JSON text or Python-call text, whichever it is.
fn calls_from_text(t: &str) -> Result<Vec<Call>, String> {
    let t = t.trim();
    let mut out = Vec::new();
    if t.starts_with('{') || t.starts_with('[') {
        if let Ok(v) = serde_json::from_str::<Value>(t) {
            calls_from_json(&v, &mut out)?;
            return Ok(out);
        }
        if t.starts_with('[') {
            if let Ok(c) = pycall::parse_calls(t) {
                return Ok(c);
            }
        }
        // JSON values one after another (one call per line), possibly followed by prose.
        let mut it = serde_json::Deserializer::from_str(t).into_iter::<Value>();
        let mut n = 0;
        loop {
            match it.next() {
                Some(Ok(v)) => {
                    calls_from_json(&v, &mut out)?;
                    n += 1;
                }
                None => return Ok(out),
                Some(Err(e)) => {
                    let rest = t[it.byte_offset()..].trim_start();
                    if n == 0 || rest.starts_with('{') || rest.starts_with('[') {
                        return Err(format!("invalid JSON: {e}"));
                    }
                    return Ok(out);
                }
            }
        }
    }
    pycall::parse_calls(t)
}

fn tool_call_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| Regex::new(r"(?s)<tool_call>(.*?)</tool_call>").expect("regex"))
}

fn fence_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| Regex::new(r"(?s)```[A-Za-z0-9_]*\s*\n?(.*?)```").expect("regex"))
}

/// Starts like a Python call: `name(` directly followed by `)`, `key=`, a literal or nothing (so
/// prose such as `Note (important): …` is not taken for a call).
fn looks_like_call(t: &str) -> bool {
    let t = t.trim_start();
    let id_end = t
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
        .unwrap_or(t.len());
    if id_end == 0 || !t[id_end..].starts_with('(') {
        return false;
    }
    let inner = t[id_end + 1..].trim_start();
    // `f()`, a cut-off `f(`, or a literal argument (positional: malformed, but a call).
    if inner.is_empty()
        || inner.starts_with([')', '"', '\'', '[', '{', '-'])
        || inner.starts_with(|c: char| c.is_ascii_digit())
    {
        return true;
    }
    let k_end = inner
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(inner.len());
    k_end > 0 && inner[k_end..].trim_start().starts_with('=')
}

/// How the calls were written.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Form {
    /// `<tool_call>…</tool_call>` blocks.
    Tagged,
    /// JSON or Python-call text.
    Bare,
    /// No call at all (plain text).
    None,
}

/// The calls of a response, read from its answer region (after the last `</think>`):
/// `<tool_call>` blocks when there are any (each JSON or Python syntax), else a fenced code block,
/// else the whole region when it is JSON or a call list, else an embedded JSON object with a
/// `name`. Plain text with no call is an empty list (the right answer when no call is expected).
/// `Err` is a malformed call (its message says why).
pub fn parse_response(response: &str) -> Result<(Vec<Call>, Form), String> {
    let r = parse_region(response)?;
    if r.0.len() > MAX_CALLS {
        return Err(format!("more than {MAX_CALLS} calls"));
    }
    Ok(r)
}

fn parse_region(response: &str) -> Result<(Vec<Call>, Form), String> {
    let Some(region) = answer_region(response) else {
        return Err("the response was cut off inside <think>".into());
    };
    if region.contains("<tool_call>") {
        let mut calls = Vec::new();
        let mut last_end = 0;
        for c in tool_call_re().captures_iter(region) {
            let body = c.get(1).expect("group").as_str();
            calls.extend(calls_from_text(body)?);
            last_end = c.get(0).expect("match").end();
            if calls.len() > MAX_CALLS {
                return Err(format!("more than {MAX_CALLS} calls"));
            }
        }
        if region[last_end..].contains("<tool_call>") {
            return Err("unclosed <tool_call> block".into());
        }
        return Ok((calls, Form::Tagged));
    }
    let text = match fence_re().captures(region) {
        Some(c) => c.get(1).expect("group").as_str(),
        None => region,
    };
    let t = text.trim();
    // A bracket that opens neither JSON nor a call list is prose (`[Note] …`).
    let bracket_prose = t.strip_prefix('[').is_some_and(|rest| {
        let r = rest.trim_start();
        !(r.is_empty()
            || looks_like_call(r)
            || r.starts_with(['{', '[', '"', ']'])
            || r.starts_with(|c: char| c.is_ascii_digit() || c == '-'))
    });
    if (t.starts_with('{') || t.starts_with('[') || looks_like_call(t)) && !bracket_prose {
        return calls_from_text(t).map(|c| (c, Form::Bare));
    }
    // An object embedded in prose: the first `{` from which a JSON object with a name parses.
    if let Some(p) = t.find("{\"name\"").or_else(|| t.find("{ \"name\"")) {
        let mut it = serde_json::Deserializer::from_str(&t[p..]).into_iter::<Value>();
        return match it.next() {
            Some(Ok(v)) => {
                let mut out = Vec::new();
                calls_from_json(&v, &mut out)?;
                Ok((out, Form::Bare))
            }
            Some(Err(e)) => Err(format!("invalid JSON: {e}")),
            None => Ok((Vec::new(), Form::None)),
        };
    }
    Ok((Vec::new(), Form::None))
}

/// What a parameter of an expected call accepts.
#[derive(Clone, Debug, PartialEq)]
pub struct Allowed {
    /// Acceptable values (any one matches).
    pub values: Vec<Value>,
    /// The parameter may be left out (BFCL's `""` in the list).
    pub optional: bool,
    /// The declared type from the function docs (`integer`, `float`, `string`, …), if any.
    pub ty: Option<String>,
    /// BFCL form: a dict value's keys map to lists of allowed values in turn.
    pub nested: bool,
}

/// One expected call.
#[derive(Clone, Debug, PartialEq)]
pub struct Expected {
    pub name: String,
    pub params: Vec<(String, Allowed)>,
    /// Required parameters from the function docs.
    pub required: Vec<String>,
}

impl Expected {
    pub fn param(&self, k: &str) -> Option<&Allowed> {
        self.params.iter().find(|(n, _)| n == k).map(|(_, a)| a)
    }
}

/// Read the reference: `{"calls": [...]}` (expected calls; every argument as given),
/// `{"bfcl": [{"f": {"a": [allowed…]}}, …], "functions"?: [docs]}`, or a bare list of calls. An
/// empty list means no call is expected.
pub fn expected_calls(reference: &Value) -> Result<Vec<Expected>, Failure> {
    let bad = |m: String| Failure::invalid_input(m);
    let shape = "`reference` must be {\"calls\": [{\"name\", \"arguments\"}, …]} or {\"bfcl\": [{\"func\": {\"arg\": [allowed…]}}, …], \"functions\"?: […]}";
    if let Some(b) = reference.get("bfcl") {
        let items = b
            .as_array()
            .ok_or_else(|| bad("`reference.bfcl` must be a list".into()))?;
        let docs = reference.get("functions").and_then(Value::as_array);
        let mut out = Vec::new();
        for (i, it) in items.iter().enumerate() {
            let Some((name, params)) = it.as_object().filter(|o| o.len() == 1).and_then(|o| {
                let (k, v) = o.iter().next()?;
                Some((k.clone(), v.as_object()?))
            }) else {
                return Err(bad(format!(
                    "`reference.bfcl[{i}]` must be {{\"function_name\": {{\"param\": [allowed values…]}}}}"
                )));
            };
            let doc = docs.and_then(|d| {
                d.iter()
                    .find(|f| f.get("name").and_then(Value::as_str) == Some(name.as_str()))
            });
            let props = doc.and_then(|d| d.pointer("/parameters/properties"));
            let required: Vec<String> = doc
                .and_then(|d| d.pointer("/parameters/required"))
                .and_then(Value::as_array)
                .map(|r| {
                    r.iter()
                        .filter_map(|x| x.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            let mut ps = Vec::new();
            for (k, allowed) in params {
                let list = allowed.as_array().ok_or_else(|| {
                    bad(format!(
                        "`reference.bfcl[{i}].{name}.{k}` must be a list of allowed values"
                    ))
                })?;
                let optional = list.iter().any(|x| x.as_str() == Some(""));
                let values = list
                    .iter()
                    .filter(|x| x.as_str() != Some(""))
                    .cloned()
                    .collect();
                let ty = props
                    .and_then(|p| {
                        p.pointer(&format!(
                            "/{}/type",
                            k.replace('~', "~0").replace('/', "~1")
                        ))
                    })
                    .and_then(Value::as_str)
                    .map(str::to_string);
                ps.push((
                    k.clone(),
                    Allowed {
                        values,
                        optional,
                        ty,
                        nested: true,
                    },
                ));
            }
            out.push(Expected {
                name,
                params: ps,
                required,
            });
        }
        return Ok(out);
    }
    let calls = match reference {
        Value::Object(o) => o.get("calls").ok_or_else(|| bad(shape.into()))?,
        Value::Array(_) => reference,
        _ => return Err(bad(shape.into())),
    };
    let mut parsed = Vec::new();
    calls_from_json(calls, &mut parsed).map_err(|e| bad(format!("`reference.calls`: {e}")))?;
    Ok(parsed
        .into_iter()
        .map(|c| Expected {
            name: c.name,
            params: c
                .arguments
                .into_iter()
                .map(|(k, v)| {
                    (
                        k,
                        Allowed {
                            values: vec![v],
                            optional: false,
                            ty: None,
                            nested: false,
                        },
                    )
                })
                .collect(),
            required: Vec::new(),
        })
        .collect())
}

/// BFCL's string standardisation: lower case, without spaces and `,./-_*^`.
pub fn normalize_str(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && !",./-_*^".contains(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

fn is_int(v: &Value) -> bool {
    v.as_i64().is_some() || v.as_u64().is_some()
}

/// Does `got` equal the allowed value `want`, BFCL-style: an integer is accepted where a float is
/// expected (declared `float`/`number`, or the allowed value is a float), never a float for an
/// integer; strings compare after [`normalize_str`]; lists element by element, in order;
/// objects key by key.
pub fn value_matches(got: &Value, want: &Value, ty: Option<&str>) -> bool {
    match (got, want) {
        (Value::Number(g), Value::Number(w)) => {
            let want_float = matches!(ty, Some("float" | "number" | "double")) || !is_int(want);
            if is_int(got) && is_int(want) && !matches!(ty, Some("float" | "number" | "double")) {
                return g.as_i64() == w.as_i64() && g.as_u64() == w.as_u64();
            }
            if !is_int(got) && !want_float {
                return false;
            }
            match (g.as_f64(), w.as_f64()) {
                (Some(a), Some(b)) => a == b || (a - b).abs() <= 1e-9 * a.abs().max(b.abs()),
                _ => false,
            }
        }
        (Value::String(g), Value::String(w)) => normalize_str(g) == normalize_str(w),
        (Value::Bool(g), Value::Bool(w)) => g == w,
        (Value::Null, Value::Null) => true,
        (Value::Array(g), Value::Array(w)) => {
            g.len() == w.len() && g.iter().zip(w).all(|(a, b)| value_matches(a, b, None))
        }
        (Value::Object(g), Value::Object(w)) => {
            g.len() == w.len()
                && w.iter()
                    .all(|(k, wv)| g.get(k).is_some_and(|gv| value_matches(gv, wv, None)))
        }
        _ => false,
    }
}

/// BFCL's possible answer for a dict value: each key maps to a list of allowed values (`""`:
/// the key may be left out); no other key may appear.
fn nested_dict_matches(got: &Map<String, Value>, want: &Map<String, Value>) -> bool {
    got.keys().all(|k| want.contains_key(k))
        && want.iter().all(|(k, w)| match (got.get(k), w) {
            (None, Value::Array(opts)) => opts.iter().any(|o| o.as_str() == Some("")),
            (None, _) => false,
            (Some(g), Value::Array(opts)) => opts.iter().any(|o| match (g, o) {
                (Value::Object(gm), Value::Object(om)) => nested_dict_matches(gm, om),
                _ => value_matches(g, o, None),
            }),
            (Some(g), w) => value_matches(g, w, None),
        })
}

/// Does `got` match any allowed value?
pub fn allowed_matches(got: &Value, a: &Allowed) -> bool {
    a.values.iter().any(|w| match (got, w) {
        (Value::Object(g), Value::Object(wm)) if a.nested => nested_dict_matches(g, wm),
        _ => value_matches(got, w, a.ty.as_deref()),
    })
}

fn names_match(got: &str, want: &str) -> bool {
    got == want || got.replace('.', "_") == want.replace('.', "_")
}

/// Check one call against one expected call with BFCL's rules; `Err` says what failed.
pub fn check_call(c: &Call, e: &Expected) -> Result<(), String> {
    if !names_match(&c.name, &e.name) {
        return Err(format!("function `{}` instead of `{}`", c.name, e.name));
    }
    for r in &e.required {
        if !c.arguments.contains_key(r) {
            return Err(format!("`{}`: required parameter `{r}` missing", e.name));
        }
    }
    for k in c.arguments.keys() {
        if e.param(k).is_none() {
            return Err(format!("`{}`: unknown parameter `{k}`", e.name));
        }
    }
    for (k, a) in &e.params {
        match c.arguments.get(k) {
            None if a.optional => {}
            None => return Err(format!("`{}`: parameter `{k}` missing", e.name)),
            Some(v) if allowed_matches(v, a) => {}
            Some(v) => {
                return Err(format!(
                    "`{}`: parameter `{k}` = {v} is not among the allowed values {}",
                    e.name,
                    Value::Array(a.values.clone())
                ))
            }
        }
    }
    Ok(())
}

/// Match predicted calls to expected ones: the same number of calls, each expected call matched
/// by a distinct predicted call (in order when `ordered`, else any order: a bipartite matching,
/// so the order of parallel calls never matters). `Err` says what failed.
pub fn match_calls(got: &[Call], want: &[Expected], ordered: bool) -> Result<(), String> {
    if got.len() != want.len() {
        return Err(if want.is_empty() {
            format!("no call expected, got {}", got.len())
        } else {
            format!("expected {} call(s), got {}", want.len(), got.len())
        });
    }
    if ordered {
        for (c, e) in got.iter().zip(want) {
            check_call(c, e)?;
        }
        return Ok(());
    }
    let n = got.len();
    let ok: Vec<Vec<bool>> = want
        .iter()
        .map(|e| got.iter().map(|c| check_call(c, e).is_ok()).collect())
        .collect();
    // Kuhn's augmenting paths: expected j -> predicted i.
    let mut owner: Vec<Option<usize>> = vec![None; n];
    fn augment(j: usize, ok: &[Vec<bool>], seen: &mut [bool], owner: &mut [Option<usize>]) -> bool {
        for i in 0..ok[j].len() {
            if ok[j][i] && !seen[i] {
                seen[i] = true;
                if owner[i].is_none_or(|k| augment(k, ok, seen, owner)) {
                    owner[i] = Some(j);
                    return true;
                }
            }
        }
        false
    }
    for (j, e) in want.iter().enumerate() {
        let mut seen = vec![false; n];
        if !augment(j, &ok, &mut seen, &mut owner) {
            // Report the reason against the closest predicted call of the same name.
            let reason = got
                .iter()
                .find(|c| names_match(&c.name, &e.name))
                .map(|c| {
                    check_call(c, e)
                        .err()
                        .unwrap_or_else(|| format!("`{}` matched twice", e.name))
                })
                .unwrap_or_else(|| format!("no call of `{}`", e.name));
            return Err(reason);
        }
    }
    Ok(())
}

/// The parsed calls of a sample, or its failure: a malformed call is `no_answer`.
pub fn sample_calls(sample: &Sample) -> Result<(Vec<Call>, Form), Failure> {
    parse_response(&sample.response)
        .map_err(|e| Failure::no_answer(format!("malformed tool call: {e}")))
}

pub fn calls_json(calls: &[Call]) -> Value {
    Value::Array(calls.iter().map(Call::to_json).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(r: &str) -> Vec<String> {
        parse_response(r)
            .unwrap()
            .0
            .into_iter()
            .map(|c| c.name)
            .collect()
    }

    #[test]
    fn parses_the_common_forms() {
        assert_eq!(names(r#"{"name": "f", "arguments": {"a": 1}}"#), ["f"]);
        assert_eq!(
            names(r#"[{"name": "f", "arguments": "{\"a\": 1}"}, {"function": {"name": "g"}}]"#),
            ["f", "g"]
        );
        assert_eq!(
            names("<think>hm</think><tool_call>\n{\"name\": \"f\", \"arguments\": {}}\n</tool_call>\n<tool_call>g(x=1)</tool_call>"),
            ["f", "g"]
        );
        assert_eq!(names("```python\n[f(a=1), g(b='x')]\n```"), ["f", "g"]);
        assert_eq!(
            names("Calling now: {\"name\": \"f\", \"arguments\": {}} done"),
            ["f"]
        );
        assert_eq!(
            names(r#"{"get_weather": {"city": "Paris"}}"#),
            ["get_weather"]
        );
        assert!(names("I cannot help with that request.").is_empty());
        assert!(names("Note (important): no tool fits.").is_empty());
        assert!(names("[Note] no tool fits.").is_empty());
        assert_eq!(
            names("{\"name\": \"f\", \"arguments\": {}}\n{\"name\": \"g\", \"arguments\": {}}"),
            ["f", "g"]
        );
        assert_eq!(
            names("{\"name\": \"f\", \"arguments\": {}} Let me know if that helps."),
            ["f"]
        );
    }

    #[test]
    fn malformed_calls_say_why() {
        let e = parse_response("{\"name\": \"f\"}\n{\"name\": ").unwrap_err();
        assert!(e.starts_with("invalid JSON"), "{e}");
        let e = parse_response("f(a=1").unwrap_err();
        assert!(e.starts_with("Python call syntax"), "{e}");
        let e = parse_response(r#"{"name": "f", "arguments": {"a": 1}"#).unwrap_err();
        assert!(e.starts_with("invalid JSON: EOF"), "{e}");
        let e = parse_response("<tool_call>{\"name\": \"f\"}</tool_call><tool_call>{").unwrap_err();
        assert_eq!(e, "unclosed <tool_call> block");
        let e = parse_response(r#"{"name": 3}"#).unwrap_err();
        assert_eq!(e, "a call's `name` must be a string");
        let e = parse_response(r#"{"name": "f", "arguments": "not json"}"#).unwrap_err();
        assert!(e.contains("not a JSON object"), "{e}");
    }

    #[test]
    fn bfcl_type_rules() {
        let int = Allowed {
            values: vec![json!(3)],
            optional: false,
            ty: Some("integer".into()),
            nested: false,
        };
        let float = Allowed {
            values: vec![json!(3.0)],
            optional: false,
            ty: Some("float".into()),
            nested: false,
        };
        assert!(allowed_matches(&json!(3), &float));
        assert!(allowed_matches(&json!(3.0), &float));
        assert!(!allowed_matches(&json!(3.0), &int));
        assert!(!allowed_matches(&json!("3"), &int));
        let s = Allowed {
            values: vec![json!("New York, NY")],
            optional: false,
            ty: None,
            nested: false,
        };
        assert!(allowed_matches(&json!("new york ny"), &s));
        assert!(!allowed_matches(&json!("New York City"), &s));
    }

    #[test]
    fn bfcl_reference_and_matching() {
        let r = json!({
            "bfcl": [{"f": {"a": [1], "unit": ["celsius", ""]}}, {"g": {"x": ["a", "b"]}}],
            "functions": [{"name": "f", "parameters": {"type": "dict", "properties": {"a": {"type": "float"}, "unit": {"type": "string"}}, "required": ["a"]}}]
        });
        let want = expected_calls(&r).unwrap();
        let got = parse_response("[g(x='B'), f(a=1)]").unwrap().0;
        assert_eq!(match_calls(&got, &want, false), Ok(()));
        assert!(match_calls(&got, &want, true).is_err());
        let got = parse_response("[g(x='c'), f(a=1)]").unwrap().0;
        assert!(match_calls(&got, &want, false)
            .unwrap_err()
            .contains("not among the allowed"));
        let got = parse_response("[g(x='a'), f(a=1, z=2)]").unwrap().0;
        assert_eq!(
            match_calls(&got, &want, false).unwrap_err(),
            "`f`: unknown parameter `z`"
        );
        // An extra call is not free.
        let got = parse_response("[g(x='a'), f(a=1), f(a=1)]").unwrap().0;
        assert_eq!(
            match_calls(&got, &want, false).unwrap_err(),
            "expected 2 call(s), got 3"
        );
        // Irrelevance: no call expected.
        let none = expected_calls(&json!({"bfcl": []})).unwrap();
        assert_eq!(match_calls(&[], &none, false), Ok(()));
        assert_eq!(
            match_calls(&got[..1], &none, false).unwrap_err(),
            "no call expected, got 1"
        );
    }

    #[test]
    fn bfcl_nested_dicts_and_call_limits() {
        let want = expected_calls(
            &json!({"bfcl": [{"book": {"when": [{"day": ["mon", "monday"], "hour": [9, ""]}]}}]}),
        )
        .unwrap();
        let ok = |r: &str| match_calls(&parse_response(r).unwrap().0, &want, false);
        assert_eq!(ok("book(when={'day': 'Monday'})"), Ok(()));
        assert_eq!(ok("book(when={'day': 'mon', 'hour': 9})"), Ok(()));
        assert!(ok("book(when={'day': 'tue'})").is_err());
        assert!(ok("book(when={'day': 'mon', 'room': 2})").is_err());
        let many = "f()\n".repeat(MAX_CALLS + 1);
        assert_eq!(
            parse_response(&many).unwrap_err(),
            format!("more than {MAX_CALLS} calls")
        );
    }

    /// One case of each BFCL AST category, in BFCL's own shapes (function docs with `dict`
    /// parameters, possible answers with defaults and `""`).
    #[test]
    fn bfcl_categories() {
        let docs = json!([
            {"name": "calc_area", "description": "area of a triangle", "parameters": {"type": "dict",
                "properties": {"base": {"type": "integer"}, "height": {"type": "integer"}, "unit": {"type": "string", "default": "units"}},
                "required": ["base", "height"]}},
            {"name": "math.hypot", "parameters": {"type": "dict",
                "properties": {"x": {"type": "float"}, "y": {"type": "float"}, "z": {"type": "float"}},
                "required": ["x", "y"]}},
            {"name": "sort_list", "parameters": {"type": "dict",
                "properties": {"items": {"type": "array", "items": {"type": "integer"}}, "reverse": {"type": "boolean"}},
                "required": ["items"]}}
        ]);
        let case = |bfcl: Value, response: &str| {
            let want = expected_calls(&json!({"bfcl": bfcl, "functions": docs})).unwrap();
            match_calls(&parse_response(response).unwrap().0, &want, false)
        };
        // simple
        let simple = json!([{"calc_area": {"base": [10], "height": [5], "unit": ["units", ""]}}]);
        assert_eq!(
            case(simple.clone(), "[calc_area(base=10, height=5)]"),
            Ok(())
        );
        assert_eq!(
            case(
                simple.clone(),
                "[calc_area(base=10, height=5, unit='units')]"
            ),
            Ok(())
        );
        assert!(case(simple.clone(), "[calc_area(base=10, height=5, unit='cm')]").is_err());
        assert!(case(simple, "[calc_area(base='10', height=5)]").is_err());
        // multiple (several functions documented, one to pick); a dotted name may come back with `_`
        let multiple = json!([{"math.hypot": {"x": [3.0], "y": [4.0], "z": [0.0, ""]}}]);
        assert_eq!(case(multiple.clone(), "[math_hypot(x=3, y=4)]"), Ok(()));
        assert!(case(multiple, "[calc_area(base=3, height=4)]").is_err());
        // parallel
        let parallel = json!([{"calc_area": {"base": [10], "height": [5], "unit": [""]}},
                              {"calc_area": {"base": [3], "height": [2], "unit": [""]}}]);
        assert_eq!(
            case(
                parallel.clone(),
                "[calc_area(base=3, height=2), calc_area(base=10, height=5)]"
            ),
            Ok(())
        );
        assert!(case(parallel, "[calc_area(base=3, height=2)]").is_err());
        // parallel multiple
        let pm = json!([{"sort_list": {"items": [[3, 1, 2]], "reverse": [false, ""]}},
                        {"math.hypot": {"x": [1.5], "y": [2.0], "z": [""]}}]);
        assert_eq!(
            case(
                pm.clone(),
                "[math.hypot(x=1.5, y=2), sort_list(items=[3, 1, 2])]"
            ),
            Ok(())
        );
        assert!(case(
            pm.clone(),
            "[math.hypot(x=1.5, y=2), sort_list(items=[1, 2, 3])]"
        )
        .is_err());
        assert!(case(
            pm,
            "[math.hypot(x=1.5, y=2), sort_list(items=[3, 1, 2], reverse=0)]"
        )
        .is_err());
        // irrelevance
        assert_eq!(
            case(json!([]), "I can't compute that with these tools."),
            Ok(())
        );
        assert!(case(json!([]), "[calc_area(base=1, height=1)]").is_err());
    }

    #[test]
    fn matching_is_a_true_bipartite_matching() {
        // The first predicted call matches both expected calls; greedy would pair it wrongly.
        let want =
            expected_calls(&json!({"bfcl": [{"f": {"a": [1, 2]}}, {"f": {"a": [1]}}]})).unwrap();
        let got = parse_response("[f(a=1), f(a=2)]").unwrap().0;
        assert_eq!(match_calls(&got, &want, false), Ok(()));
    }
}
