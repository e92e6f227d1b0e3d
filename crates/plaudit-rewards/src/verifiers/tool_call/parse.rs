//! Reading the calls of a response: JSON (OpenAI's and BFCL's shapes), `<tool_call>` blocks,
//! fenced blocks and Python-call syntax ([`super::pycall`]).

use std::sync::OnceLock;

use regex::Regex;
use serde_json::{Map, Value};

use super::{pycall, Call, MAX_CALLS};
use crate::util::answer_region;

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
}
