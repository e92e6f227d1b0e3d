//! Reading the calls of a response: JSON (OpenAI's and BFCL's shapes), `<tool_call>` blocks,
//! fenced blocks and Python-call syntax ([`super::pycall`]), wherever they are in the answer: every
//! call the response makes is read, in one left-to-right pass over the text.

use std::collections::HashMap;
use std::sync::OnceLock;

use plaudit_core::deadline::Expired;
use plaudit_core::{Deadline, Ticker};
use regex::Regex;
use serde_json::{Map, Value};

use super::{pycall, Call, MAX_CALLS};

/// Calls from JSON: an object `{"name", "arguments" | "parameters" | "args"}` (arguments may be a
/// JSON string, as OpenAI sends them), OpenAI's `{"function": {…}}` and `{"tool_calls": […]}`,
/// BFCL's `{"f": {"a": 1}}`, or an array of any of these. An object with a `name` beside
/// `tool_calls` or `function` is refused: which of them is the call cannot be told.
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
            let function = o.get("function").filter(|f| f.is_object());
            if o.contains_key("name") {
                let other = if o.contains_key("tool_calls") {
                    Some("tool_calls")
                } else {
                    function.map(|_| "function")
                };
                if let Some(k) = other {
                    return Err(format!(
                        "a call object has both `name` and `{k}`: which is the call is ambiguous"
                    ));
                }
            }
            if let Some(tc) = o.get("tool_calls") {
                return calls_from_json(tc, out);
            }
            if let Some(f) = function {
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

/// Whether a parsed JSON object found in prose is a call (or holds calls): a string `name` with
/// an `arguments`, `parameters` or `args` key or no other key, `tool_calls`, or a `function`
/// object. Any other object is data: `{"name": "Paris", "temp_c": 20}`, `{"name": null}`, and
/// BFCL's one-key `{"f": {arguments}}`, which is a call only where calls are read strictly.
fn call_shaped(v: &Value) -> bool {
    let Value::Object(o) = v else { return false };
    let named = o.get("name").is_some_and(Value::is_string)
        && (o.len() == 1
            || ["arguments", "parameters", "args"]
                .iter()
                .any(|k| o.contains_key(*k)));
    named || o.contains_key("tool_calls") || o.get("function").is_some_and(Value::is_object)
}

/// The text the calls are read from: after the first `</think>` (serving engines end the
/// reasoning there and read every call after it, later think blocks included), or the whole
/// response when it has no `</think>`. `None`: cut off inside an unclosed `<think>`.
fn call_region(response: &str) -> Option<&str> {
    const CLOSE: &str = "</think>";
    match response.find(CLOSE) {
        Some(p) => Some(&response[p + CLOSE.len()..]),
        None if response.contains("<think>") => None,
        None => Some(response),
    }
}

/// Call text at the start of `t` (trimmed, starting with `{`, `[` or a Python call): JSON values
/// one after another (one value, an array, one call per line) or Python-call syntax, which must
/// be the whole of `t`. Returns how many bytes of `t` were read: JSON may be followed by prose.
fn lead_calls(t: &str, out: &mut Vec<Call>) -> Result<usize, String> {
    if t.starts_with('{') || t.starts_with('[') {
        if let Ok(v) = serde_json::from_str::<Value>(t) {
            calls_from_json(&v, out)?;
            return Ok(t.len());
        }
        if t.starts_with('[') {
            if let Ok(c) = pycall::parse_calls(t) {
                out.extend(c);
                return Ok(t.len());
            }
        }
        // JSON values one after another (one call per line), possibly followed by prose.
        let mut it = serde_json::Deserializer::from_str(t).into_iter::<Value>();
        let mut n = 0;
        loop {
            match it.next() {
                Some(Ok(v)) => {
                    calls_from_json(&v, out)?;
                    n += 1;
                }
                None => return Ok(t.len()),
                Some(Err(e)) => {
                    let read = it.byte_offset();
                    let rest = t[read..].trim_start();
                    if n == 0 || rest.starts_with('{') || rest.starts_with('[') {
                        return Err(format!("invalid JSON: {e}"));
                    }
                    return Ok(read);
                }
            }
        }
    }
    out.extend(pycall::parse_calls(t)?);
    Ok(t.len())
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

/// Text (trimmed) that starts like a Python call or a list of them (`[1] f(x=1)` included).
fn pycall_like(t: &str) -> bool {
    looks_like_call(t)
        || t.strip_prefix('[').is_some_and(looks_like_call)
        || citation_rest(t).is_some_and(looks_like_call)
}

/// Text (trimmed) that starts as calls do: JSON, a call list or a Python call. A bracket that
/// opens neither JSON nor a call list is prose (`[Note] …`).
fn starts_as_calls(t: &str) -> bool {
    let bracket_prose = t.strip_prefix('[').is_some_and(|rest| {
        let r = rest.trim_start();
        !(r.is_empty()
            || looks_like_call(r)
            || r.starts_with(['{', '[', '"', ']'])
            || r.starts_with(|c: char| c.is_ascii_digit() || c == '-'))
    });
    (t.starts_with('{') || t.starts_with('[') || looks_like_call(t))
        && !bracket_prose
        && !citation(t)
}

/// `[1] Source: …`: a bracketed number followed by prose is a citation, not a list (but
/// `[1] f(x=1)` starts like a call).
fn citation(t: &str) -> bool {
    citation_rest(t).is_some_and(|after| {
        !after.is_empty()
            && !after.starts_with(['{', '[', ']', ',', '"'])
            && !looks_like_call(after)
    })
}

/// The text after a leading `[n]` (trimmed).
fn citation_rest(t: &str) -> Option<&str> {
    let rest = t.strip_prefix('[')?.trim_start();
    let d = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    let after = rest[d..].trim_start().strip_prefix(']')?;
    (d > 0).then(|| after.trim_start())
}

/// How the calls were written.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Form {
    /// `<tool_call>…</tool_call>` blocks, and no call outside them.
    Tagged,
    /// JSON or Python-call text (some of it outside any `<tool_call>` block).
    Bare,
    /// No call at all (plain text).
    None,
}

/// The calls of a response, read after its first `</think>`, with no deadline: [`parse_response_by`].
pub fn parse_response(response: &str) -> Result<(Vec<Call>, Form), String> {
    match parse_response_by(response, &Deadline::none()) {
        Ok(r) => r,
        Err(_) => unreachable!("no deadline"),
    }
}

/// The calls of a response in the order they are written, wherever they are after its first
/// `</think>` (as serving engines split the reasoning off: a later `</think>`, even one inside
/// a call's argument, hides nothing, and a call inside a later `<think>…</think>` counts), or in
/// the whole response when it has no `</think>`. That text is cut into `<tool_call>` blocks,
/// fenced code blocks and the text around them. A block's body, and a stretch of text or a fence
/// that starts like calls (JSON, `[`, `name(`; not a citation `[1] Source…`), is read strictly
/// as calls first: JSON values one after another (prose may follow), BFCL's `{"f": {arguments}}`
/// included, or Python-call syntax (the whole stretch). Then every JSON object in what is left
/// (prose, pretty-printed or not, any key order) that has a call's shape is a call: a string
/// `name` with `arguments`/`parameters`/`args` or no other key, `tool_calls`, or a `function`
/// object; other objects are data (and what they hold is not read). A fence or stretch that
/// starts like JSON but is not calls is data read as prose, unless no call was read cleanly
/// anywhere else (then it is the answer, a malformed call). Plain text with no call is an empty
/// list (the right answer when no call is expected).
///
/// The outer `Err` is the deadline; the inner `Err` a malformed call (its message says why): a
/// response cut off inside `<think>`, an unclosed `<tool_call>`, a block that is not calls, text
/// that starts like a Python call and is not one, JSON that is not calls when nothing else is,
/// a call-shaped object that is malformed or whose first key is `name`, `function` or
/// `tool_calls` and is not valid JSON, more than [`MAX_CALLS`] calls. The time is linear in the length of the response: the JSON recogniser
/// reads each byte at most twice (see `Reader::objects`) and the JSON parser reads disjoint
/// objects; the deadline is checked every 1024 steps.
pub fn parse_response_by(
    response: &str,
    deadline: &Deadline,
) -> Result<Result<(Vec<Call>, Form), String>, Expired> {
    let Some(region) = call_region(response) else {
        return Ok(Err("the response was cut off inside <think>".into()));
    };
    let mut r = Reader {
        out: Vec::new(),
        bare: false,
        clean: false,
        pending: None,
        tick: Ticker::new(deadline, 1024),
    };
    match r.region(region) {
        Ok(()) if r.out.len() > MAX_CALLS => Ok(Err(format!("more than {MAX_CALLS} calls"))),
        Ok(()) if !r.clean && r.pending.is_some() => Ok(Err(r.pending.unwrap_or_default())),
        Ok(()) => {
            let form = if r.bare {
                Form::Bare
            } else if region.contains("<tool_call>") {
                Form::Tagged
            } else {
                Form::None
            };
            Ok(Ok((r.out, form)))
        }
        Err(Stop::Malformed(m)) => Ok(Err(m)),
        Err(Stop::Expired(e)) => Err(e),
    }
}

/// Why reading stopped: a malformed call, or the deadline.
enum Stop {
    Malformed(String),
    Expired(Expired),
}

impl From<String> for Stop {
    fn from(m: String) -> Self {
        Stop::Malformed(m)
    }
}

impl From<Expired> for Stop {
    fn from(e: Expired) -> Self {
        Stop::Expired(e)
    }
}

struct Reader<'d> {
    out: Vec<Call>,
    /// Some call text was read outside a `<tool_call>` block.
    bare: bool,
    /// Some call was read from a piece that read cleanly (not from a piece whose strict reading
    /// failed).
    clean: bool,
    /// Why the first fence or stretch that started like calls but was not calls failed: the
    /// answer's error when no call was read cleanly, data otherwise.
    pending: Option<String>,
    tick: Ticker<'d>,
}

impl Reader<'_> {
    fn region(&mut self, region: &str) -> Result<(), Stop> {
        let mut last = 0;
        for c in tool_call_re().captures_iter(region) {
            let m = c.get(0).expect("match");
            self.outside(&region[last..m.start()])?;
            self.stretch(c.get(1).expect("group").as_str(), true)?;
            last = m.end();
        }
        let tail = &region[last..];
        if tail.contains("<tool_call>") {
            return Err(Stop::Malformed("unclosed <tool_call> block".into()));
        }
        self.outside(tail)
    }

    /// Text outside `<tool_call>` blocks: fenced blocks and the text around them, in order.
    fn outside(&mut self, text: &str) -> Result<(), Stop> {
        let mut last = 0;
        for c in fence_re().captures_iter(text) {
            let m = c.get(0).expect("match");
            self.stretch(&text[last..m.start()], false)?;
            self.stretch(c.get(1).expect("group").as_str(), false)?;
            last = m.end();
        }
        self.stretch(&text[last..], false)
    }

    /// One block body, fence body or stretch of text: its leading call text (a `<tool_call>`
    /// body always is), then the call objects in the rest. A fence or stretch that starts like
    /// JSON but is not calls (data: `{"temp_c": 20}`, `[1, 2]`) is read as prose instead, its
    /// error kept for the end ([`Reader::pending`]); a block body, or text that starts like a
    /// Python call, that is not calls is malformed.
    fn stretch(&mut self, text: &str, tagged: bool) -> Result<(), Stop> {
        self.tick.tick()?;
        let t = text.trim();
        let before = self.out.len();
        if tagged || starts_as_calls(t) {
            let mut calls = Vec::new();
            match lead_calls(t, &mut calls) {
                Ok(n) => {
                    self.out.extend(calls);
                    self.bare |= !tagged;
                    self.check_count()?;
                    self.objects(&t[n..], tagged)?;
                }
                Err(e) if tagged || pycall_like(t) => return Err(Stop::Malformed(e)),
                Err(e) => {
                    self.objects(t, false)?;
                    self.pending.get_or_insert(e);
                    return Ok(());
                }
            }
        } else {
            self.objects(t, tagged)?;
        }
        self.clean |= self.out.len() > before;
        Ok(())
    }

    fn check_count(&self) -> Result<(), Stop> {
        if self.out.len() > MAX_CALLS {
            return Err(Stop::Malformed(format!("more than {MAX_CALLS} calls")));
        }
        Ok(())
    }

    /// Every call-shaped JSON object in `text`, left to right. An object that parses is taken
    /// whole (its calls, or nothing when it is data) and reading goes on after it; from a `{`
    /// that opens no valid object, reading goes on at the next `{`. Linear: a `{` that a failed
    /// reading opened as an object has its fate in `known` (its end, or failure at the same byte),
    /// so a new reading starts only inside a string of an earlier one, with the opposite quote
    /// parity; two such readings cannot both go past an escape (one sees `\` outside a string and
    /// fails), so no byte is read by more than two readings.
    fn objects(&mut self, text: &str, tagged: bool) -> Result<(), Stop> {
        let b = text.as_bytes();
        let mut known: HashMap<usize, Option<usize>> = HashMap::new();
        let mut i = 0;
        while let Some(off) = b[i..].iter().position(|&c| c == b'{') {
            let p = i + off;
            self.tick.tick()?;
            let end = match known.remove(&p) {
                Some(e) => e,
                None => object_end(b, p, &mut known, &self.tick)?,
            };
            let Some(q) = end else {
                if opens_a_call(b, p) {
                    // Its first key says it is a call: a malformed one, whose error serde words.
                    let mut it =
                        serde_json::Deserializer::from_str(&text[p..]).into_iter::<Value>();
                    if let Some(Err(e)) = it.next() {
                        return Err(Stop::Malformed(format!("invalid JSON: {e}")));
                    }
                }
                i = p + 1;
                continue;
            };
            // Valid JSON by the grammar; serde may still refuse it (nesting deeper than it reads,
            // a lone surrogate): malformed, not data to skip, since it may hide a call.
            let v: Value = serde_json::from_str(&text[p..q])
                .map_err(|e| Stop::Malformed(format!("invalid JSON: {e}")))?;
            if call_shaped(&v) {
                calls_from_json(&v, &mut self.out)?;
                self.bare |= !tagged;
                self.check_count()?;
            }
            i = q;
        }
        Ok(())
    }
}

/// A `{` whose first key is `name`, `function` or `tool_calls`.
fn opens_a_call(b: &[u8], p: usize) -> bool {
    let i = skip_ws(b, p + 1);
    [&b"\"name\""[..], b"\"function\"", b"\"tool_calls\""]
        .iter()
        .any(|k| b[i..].starts_with(k))
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\n' | b'\r') {
        i += 1;
    }
    i
}

/// The end of the JSON string starting at `b[i] == '"'` (just after its closing quote).
fn string_end(b: &[u8], i: usize) -> Option<usize> {
    let mut j = i + 1;
    loop {
        match *b.get(j)? {
            b'"' => return Some(j + 1),
            b'\\' => match *b.get(j + 1)? {
                b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => j += 2,
                b'u' if b.get(j + 2..j + 6)?.iter().all(u8::is_ascii_hexdigit) => j += 6,
                _ => return None,
            },
            c if c < 0x20 => return None,
            _ => j += 1,
        }
    }
}

fn digits_end(b: &[u8], mut j: usize) -> Option<usize> {
    let start = j;
    while b.get(j).is_some_and(u8::is_ascii_digit) {
        j += 1;
    }
    (j > start).then_some(j)
}

/// The end of the JSON number starting at `b[i]` (`-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?`).
fn number_end(b: &[u8], i: usize) -> Option<usize> {
    let mut j = i + usize::from(b[i] == b'-');
    j = match *b.get(j)? {
        b'0' => j + 1,
        b'1'..=b'9' => digits_end(b, j)?,
        _ => return None,
    };
    if b.get(j) == Some(&b'.') {
        j = digits_end(b, j + 1)?;
    }
    if matches!(b.get(j), Some(b'e' | b'E')) {
        j += 1;
        if matches!(b.get(j), Some(b'+' | b'-')) {
            j += 1;
        }
        j = digits_end(b, j)?;
    }
    Some(j)
}

#[derive(Clone, Copy, PartialEq)]
enum Expect {
    KeyOrClose,
    Key,
    Colon,
    Value,
    ValueOrClose,
    CommaOrClose,
}

/// The end of the JSON object opening at `b[p] == '{'` (just after its `}`), or `None` when no
/// valid object starts there: a recogniser of JSON's grammar with no depth limit, which records
/// in `known` the fate of every object it opens inside (its end, or `None` for those still open
/// when it failed: read from their own start they fail at the same byte).
fn object_end(
    b: &[u8],
    p: usize,
    known: &mut HashMap<usize, Option<usize>>,
    tick: &Ticker,
) -> Result<Option<usize>, Expired> {
    // Open containers: (start, is an object).
    let mut open: Vec<(usize, bool)> = vec![(p, true)];
    let mut want = Expect::KeyOrClose;
    let mut i = p + 1;
    loop {
        tick.tick()?;
        i = skip_ws(b, i);
        let Some(&c) = b.get(i) else { break };
        let in_object = open.last().is_some_and(|o| o.1);
        let close = match (want, c) {
            (Expect::KeyOrClose | Expect::Key, b'"') => match string_end(b, i) {
                Some(j) => {
                    i = j;
                    want = Expect::Colon;
                    false
                }
                None => break,
            },
            (Expect::KeyOrClose, b'}') | (Expect::ValueOrClose, b']') => true,
            (Expect::CommaOrClose, b'}') if in_object => true,
            (Expect::CommaOrClose, b']') if !in_object => true,
            (Expect::CommaOrClose, b',') => {
                i += 1;
                want = if in_object {
                    Expect::Key
                } else {
                    Expect::Value
                };
                false
            }
            (Expect::Colon, b':') => {
                i += 1;
                want = Expect::Value;
                false
            }
            (Expect::Value | Expect::ValueOrClose, _) => {
                let end = match c {
                    b'{' | b'[' => {
                        open.push((i, c == b'{'));
                        i += 1;
                        want = if c == b'{' {
                            Expect::KeyOrClose
                        } else {
                            Expect::ValueOrClose
                        };
                        continue;
                    }
                    b'"' => string_end(b, i),
                    b'-' | b'0'..=b'9' => number_end(b, i),
                    _ => [&b"true"[..], b"false", b"null"]
                        .iter()
                        .find(|w| b[i..].starts_with(w))
                        .map(|w| i + w.len()),
                };
                match end {
                    Some(j) => {
                        i = j;
                        want = Expect::CommaOrClose;
                        false
                    }
                    None => break,
                }
            }
            _ => break,
        };
        if close {
            let (start, is_object) = open.pop().expect("an open container");
            i += 1;
            if open.is_empty() {
                return Ok(Some(i));
            }
            if is_object {
                known.insert(start, Some(i));
            }
            want = Expect::CommaOrClose;
        }
    }
    for (start, is_object) in open {
        if is_object && start != p {
            known.insert(start, None);
        }
    }
    Ok(None)
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

    // object_end accepts exactly the objects serde_json reads, ending where serde's reading ends,
    // on strings built from JSON fragments (a fixed xorshift sequence: the same cases each run).
    #[test]
    fn object_end_agrees_with_serde_json() {
        const PARTS: &[&str] = &[
            "{", "}", "[", "]", ",", ":", " ", "\"", "\"k\"", "\\", "\\\"", "\\u00e9", "\\u12",
            "\\x", "1", "-", "0", "01", ".", "5", "e", "E+", "-2.5e-3", "true", "nul", "null",
            "false", "x", "\n", "\t", "\u{1}", "é",
        ];
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let d = Deadline::none();
        let tick = Ticker::new(&d, 1024);
        let (mut valid, mut total) = (0, 0);
        for _ in 0..20_000 {
            let n = (next() % 14) as usize;
            let mut t = String::from("{");
            for _ in 0..n {
                t.push_str(PARTS[(next() % PARTS.len() as u64) as usize]);
            }
            let mut known = HashMap::new();
            let ours = object_end(t.as_bytes(), 0, &mut known, &tick).unwrap();
            let mut it = serde_json::Deserializer::from_str(&t).into_iter::<Value>();
            let theirs = match it.next() {
                Some(Ok(_)) => Some(it.byte_offset()),
                _ => None,
            };
            assert_eq!(ours, theirs, "{t:?}");
            total += 1;
            valid += usize::from(ours.is_some());
        }
        // The sequence exercises both outcomes.
        assert!(valid > 100 && total - valid > 100, "{valid} of {total}");
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
