//! One rollout to score, parsed from a JSON object with errors that name the field.

use serde_json::{Map, Value};

/// A rollout: `{"id", "group", "task", "prompt", "response", "reference", "meta"}` plus the optional
/// model-side inputs `tokens`, `steps`, `step_scores`, `logprobs`, `scores`.
///
/// `prompt` and `response` may also be chat message lists (`[{"role", "content"}, …]`, as TRL's
/// conversational datasets give them); their contents are joined with newlines.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Sample {
    /// Echoed back in the result; `null` when absent.
    pub id: Value,
    /// Key of the rollouts of one prompt (numbers are turned into their decimal text).
    pub group: Option<String>,
    /// Routes the sample to a spec's route (`math`, `code`, …).
    pub task: Option<String>,
    pub prompt: String,
    pub response: String,
    /// Whatever the task's verifier needs: an answer string, a list, an object.
    pub reference: Value,
    pub meta: Map<String, Value>,
    /// Response length in tokens, from the trainer's tokenizer.
    pub tokens: Option<u64>,
    pub steps: Option<Vec<String>>,
    pub step_scores: Option<Vec<f64>>,
    pub logprobs: Option<Vec<f64>>,
    /// Scores from an external reward model: a number or an object of named numbers.
    pub scores: Option<Value>,
}

/// How a JSON value's type is named in error messages: samples use JSON's words ("an array",
/// "an object"), specs use YAML's ("a list", "a mapping"), since that is how users write them.
pub fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// [`type_name`] in a spec's (YAML's) words.
pub(crate) fn spec_type_name(v: &Value) -> &'static str {
    match v {
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
        other => type_name(other),
    }
}

fn text_field(name: &str, v: Value) -> Result<String, String> {
    match v {
        Value::String(s) => Ok(s),
        Value::Array(items) => {
            let mut out = String::new();
            for (i, m) in items.iter().enumerate() {
                let content = match m {
                    Value::String(s) => s.as_str(),
                    Value::Object(o) => match o.get("content") {
                        Some(Value::String(s)) => s.as_str(),
                        Some(Value::Null) | None => "",
                        Some(other) => {
                            return Err(format!(
                                "field `{name}[{i}].content`: expected a string, got {}",
                                type_name(other)
                            ))
                        }
                    },
                    other => {
                        return Err(format!(
                        "field `{name}[{i}]`: expected a chat message object or a string, got {}",
                        type_name(other)
                    ))
                    }
                };
                if i > 0 {
                    out.push('\n');
                }
                out.push_str(content);
            }
            Ok(out)
        }
        other => Err(format!(
            "field `{name}`: expected a string or a list of chat messages, got {}",
            type_name(&other)
        )),
    }
}

fn key_field(name: &str, v: Value) -> Result<Option<String>, String> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(s)),
        Value::Number(n) => Ok(Some(n.to_string())),
        other => Err(format!(
            "field `{name}`: expected a string or a number, got {}",
            type_name(&other)
        )),
    }
}

fn float_list(name: &str, v: &Value) -> Result<Option<Vec<f64>>, String> {
    match v {
        Value::Null => Ok(None),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, x)| {
                x.as_f64().filter(|f| f.is_finite()).ok_or_else(|| {
                    format!(
                        "field `{name}[{i}]`: expected a finite number, got {}",
                        type_name(x)
                    )
                })
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        other => Err(format!(
            "field `{name}`: expected a list of numbers, got {}",
            type_name(other)
        )),
    }
}

/// The known fields of a sample, each as raw JSON (absent = `None`; JSON `null` also arrives as
/// `None` on the typed path and as `Some(Null)` on the value path, and both mean "absent" except
/// for `response`).
#[derive(Default, serde::Deserialize)]
#[serde(default)]
struct Fields {
    id: Option<Value>,
    group: Option<Value>,
    task: Option<Value>,
    prompt: Option<Value>,
    #[serde(deserialize_with = "present")]
    response: Option<Value>,
    reference: Option<Value>,
    meta: Option<Value>,
    tokens: Option<Value>,
    steps: Option<Value>,
    step_scores: Option<Value>,
    logprobs: Option<Value>,
    scores: Option<Value>,
}

/// Keeps an explicit `null` as `Some(Null)` so that `"response": null` is reported, not missing.
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    <Value as serde::Deserialize>::deserialize(d).map(Some)
}

impl Fields {
    fn into_sample(self) -> Result<Sample, String> {
        let mut s = Sample {
            id: self.id.unwrap_or(Value::Null),
            ..Default::default()
        };
        if let Some(v) = self.group {
            s.group = key_field("group", v)?;
        }
        if let Some(v) = self.task {
            s.task = key_field("task", v)?;
        }
        if let Some(v) = self.prompt {
            if !v.is_null() {
                s.prompt = text_field("prompt", v)?;
            }
        }
        s.response = match self.response {
            None => return Err("missing field `response`".into()),
            Some(Value::Null) => return Err("field `response`: expected a string, got null".into()),
            Some(v) => text_field("response", v)?,
        };
        s.reference = self.reference.unwrap_or(Value::Null);
        match self.meta {
            None | Some(Value::Null) => {}
            Some(Value::Object(m)) => s.meta = m,
            Some(other) => {
                return Err(format!(
                    "field `meta`: expected an object, got {}",
                    type_name(&other)
                ))
            }
        }
        s.tokens = match &self.tokens {
            None | Some(Value::Null) => None,
            Some(Value::Number(n)) => match n.as_u64() {
                Some(t) => Some(t),
                None => {
                    return Err(format!(
                        "field `tokens`: expected a non-negative integer, got {n}"
                    ))
                }
            },
            Some(other) => {
                return Err(format!(
                    "field `tokens`: expected a non-negative integer, got {}",
                    type_name(other)
                ))
            }
        };
        s.steps = match &self.steps {
            None | Some(Value::Null) => None,
            Some(Value::Array(items)) => Some(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, x)| match x {
                        Value::String(t) => Ok(t.clone()),
                        other => Err(format!(
                            "field `steps[{i}]`: expected a string, got {}",
                            type_name(other)
                        )),
                    })
                    .collect::<Result<Vec<_>, _>>()?,
            ),
            Some(other) => {
                return Err(format!(
                    "field `steps`: expected a list of strings, got {}",
                    type_name(other)
                ))
            }
        };
        if let Some(v) = &self.step_scores {
            s.step_scores = float_list("step_scores", v)?;
        }
        if let Some(v) = &self.logprobs {
            s.logprobs = float_list("logprobs", v)?;
        }
        s.scores = match self.scores {
            None | Some(Value::Null) => None,
            Some(v @ (Value::Number(_) | Value::Object(_))) => Some(v),
            Some(other) => {
                return Err(format!(
                    "field `scores`: expected a number or an object of numbers, got {}",
                    type_name(&other)
                ))
            }
        };
        Ok(s)
    }
}

impl Sample {
    /// A sample with just a response and a reference (handy in tests and examples).
    pub fn new(response: impl Into<String>, reference: impl Into<Value>) -> Self {
        Sample {
            response: response.into(),
            reference: reference.into(),
            ..Default::default()
        }
    }

    /// The `id` of a JSON value if it has one, for results of samples that fail to parse.
    pub fn id_of(v: &Value) -> Value {
        v.get("id").cloned().unwrap_or(Value::Null)
    }

    /// Parse a sample from a JSON value. The error names the field and what was wrong with it.
    pub fn from_value(v: Value) -> Result<Sample, String> {
        let obj = match v {
            Value::Object(o) => o,
            other => return Err(format!("expected a JSON object, got {}", type_name(&other))),
        };
        let mut f = Fields::default();
        for (k, v) in obj {
            let slot = match k.as_str() {
                "id" => &mut f.id,
                "group" => &mut f.group,
                "task" => &mut f.task,
                "prompt" => &mut f.prompt,
                "response" => &mut f.response,
                "reference" => &mut f.reference,
                "meta" => &mut f.meta,
                "tokens" => &mut f.tokens,
                "steps" => &mut f.steps,
                "step_scores" => &mut f.step_scores,
                "logprobs" => &mut f.logprobs,
                "scores" => &mut f.scores,
                // Unknown fields are the user's own columns: kept out of the way, not an error.
                _ => continue,
            };
            *slot = Some(v);
        }
        f.into_sample()
    }

    /// Parse a sample from JSON text: a fast typed pass that skips unknown fields without building
    /// them, and on any failure the value-based pass, whose error names the problem.
    pub fn from_json_str(text: &str) -> Result<Sample, String> {
        if let Some(s) = flat::parse(text) {
            return Ok(s);
        }
        if let Ok(f) = serde_json::from_str::<Fields>(text) {
            if let Ok(s) = f.into_sample() {
                return Ok(s);
            }
        }
        match serde_json::from_str::<Value>(text) {
            Ok(v) => Sample::from_value(v),
            Err(e) => Err(format!("invalid JSON: {e}")),
        }
    }

    /// The reference as text: a string as is, a number in its JSON form, `{"answer": …}` by its
    /// answer. `None` for other shapes.
    pub fn reference_text(&self) -> Option<String> {
        fn text(v: &Value) -> Option<String> {
            match v {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                Value::Bool(b) => Some(b.to_string()),
                Value::Object(o) => o.get("answer").and_then(text),
                _ => None,
            }
        }
        text(&self.reference)
    }

    /// All acceptable reference answers: a list gives each of its textual items, anything else
    /// what [`Sample::reference_text`] gives. Empty when the reference has no textual answer.
    pub fn reference_texts(&self) -> Vec<String> {
        match &self.reference {
            Value::Array(items) => items
                .iter()
                .filter_map(|v| {
                    Sample {
                        reference: v.clone(),
                        ..Default::default()
                    }
                    .reference_text()
                })
                .collect(),
            Value::Object(o) if matches!(o.get("answer"), Some(Value::Array(_))) => Sample {
                reference: o["answer"].clone(),
                ..Default::default()
            }
            .reference_texts(),
            _ => self.reference_text().into_iter().collect(),
        }
    }
}

/// The common line read without a JSON parser: one flat object whose values are strings without
/// escapes, integers, `null` or booleans, each known field at most once, and `response` a
/// string. Anything else (nested values, escapes, floats, a repeated or misplaced field, a
/// syntax error) gives `None`, and the general parser decides; what is accepted gives the
/// sample the general parser gives.
mod flat {
    use serde_json::{Number, Value};

    use super::Sample;

    /// A scalar value of the flat form.
    enum Scalar<'a> {
        Null,
        Bool(bool),
        Str(&'a str),
        /// A non-negative integer that fits a u64.
        Pos(u64),
        /// A negative integer that fits an i64.
        Neg(i64),
    }

    impl Scalar<'_> {
        fn into_value(self) -> Value {
            match self {
                Scalar::Null => Value::Null,
                Scalar::Bool(b) => Value::Bool(b),
                Scalar::Str(s) => Value::String(s.to_owned()),
                Scalar::Pos(n) => Value::Number(Number::from(n)),
                Scalar::Neg(n) => Value::Number(Number::from(n)),
            }
        }
    }

    struct Cursor<'a> {
        text: &'a str,
        at: usize,
    }

    impl<'a> Cursor<'a> {
        fn skip_ws(&mut self) {
            let b = self.text.as_bytes();
            while self.at < b.len() && matches!(b[self.at], b' ' | b'\n' | b'\t' | b'\r') {
                self.at += 1;
            }
        }

        fn peek(&self) -> Option<u8> {
            self.text.as_bytes().get(self.at).copied()
        }

        fn next(&mut self) -> Option<u8> {
            let c = self.peek()?;
            self.at += 1;
            Some(c)
        }

        /// A string with nothing to unescape (no `\`, no control character, which JSON
        /// forbids unescaped), after its opening quote.
        fn plain_str(&mut self) -> Option<&'a str> {
            let b = self.text.as_bytes();
            let start = self.at;
            let len = memchr::memchr2(b'"', b'\\', &b[start..])?;
            let i = start + len;
            if b[i] != b'"' || b[start..i].iter().fold(false, |c, &x| c | (x < 0x20)) {
                return None;
            }
            self.at = i + 1;
            // Both ends are ASCII quotes: char boundaries.
            Some(&self.text[start..i])
        }

        /// An integer in JSON's form (no leading zero, no fraction, no exponent) within u64 or
        /// i64, its first byte (`-` or a digit) already read; `-0` is left to the parser.
        fn integer(&mut self, first: u8) -> Option<Scalar<'a>> {
            let b = self.text.as_bytes();
            let negative = first == b'-';
            let digits_start = if negative { self.at } else { self.at - 1 };
            let mut i = digits_start;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            let digits = &b[digits_start..i];
            if digits.is_empty()
                || (digits[0] == b'0' && digits.len() > 1)
                || matches!(b.get(i), Some(b'.' | b'e' | b'E'))
            {
                return None;
            }
            let mut n: u64 = 0;
            for &d in digits {
                n = n.checked_mul(10)?.checked_add(u64::from(d - b'0'))?;
            }
            self.at = i;
            if !negative {
                return Some(Scalar::Pos(n));
            }
            if n == 0 {
                return None;
            }
            // -n within i64: n <= 2^63.
            let neg = 0i64.checked_sub_unsigned(n)?;
            Some(Scalar::Neg(neg))
        }

        fn literal(&mut self, rest: &[u8]) -> Option<()> {
            let b = self.text.as_bytes();
            if b[self.at..].starts_with(rest) {
                self.at += rest.len();
                Some(())
            } else {
                None
            }
        }

        fn scalar(&mut self) -> Option<Scalar<'a>> {
            match self.next()? {
                b'"' => self.plain_str().map(Scalar::Str),
                c @ (b'-' | b'0'..=b'9') => self.integer(c),
                b'n' => self.literal(b"ull").map(|()| Scalar::Null),
                b't' => self.literal(b"rue").map(|()| Scalar::Bool(true)),
                b'f' => self.literal(b"alse").map(|()| Scalar::Bool(false)),
                _ => None,
            }
        }
    }

    /// A `group` or `task`: a string, a number's text, or absent for `null`.
    fn key(v: Scalar) -> Option<Option<String>> {
        match v {
            Scalar::Null => Some(None),
            Scalar::Str(s) => Some(Some(s.to_owned())),
            Scalar::Pos(n) => Some(Some(n.to_string())),
            Scalar::Neg(n) => Some(Some(n.to_string())),
            Scalar::Bool(_) => None,
        }
    }

    /// The fields this reader knows (the names in [`parse`]): a field added to [`Sample`] does
    /// not compile here until the reader knows it too; else a line carrying it would be read
    /// with the field skipped as one of the user's own columns.
    #[allow(dead_code)]
    fn knows_every_field(s: Sample) {
        let Sample {
            id: _,
            group: _,
            task: _,
            prompt: _,
            response: _,
            reference: _,
            meta: _,
            tokens: _,
            steps: _,
            step_scores: _,
            logprobs: _,
            scores: _,
        } = s;
    }

    pub(super) fn parse(text: &str) -> Option<Sample> {
        let mut c = Cursor { text, at: 0 };
        let mut s = Sample::default();
        let mut seen = 0u16;
        c.skip_ws();
        if c.next()? != b'{' {
            return None;
        }
        loop {
            c.skip_ws();
            if c.next()? != b'"' {
                return None;
            }
            let name = c.plain_str()?;
            c.skip_ws();
            if c.next()? != b':' {
                return None;
            }
            c.skip_ws();
            let v = c.scalar()?;
            let field = match name {
                "id" => Some(0),
                "group" => Some(1),
                "task" => Some(2),
                "prompt" => Some(3),
                "response" => Some(4),
                "reference" => Some(5),
                "meta" => Some(6),
                "tokens" => Some(7),
                "steps" => Some(8),
                "step_scores" => Some(9),
                "logprobs" => Some(10),
                "scores" => Some(11),
                _ => None,
            };
            match field {
                // The user's own columns are skipped (their scalar value is valid JSON).
                None => {}
                Some(f) => {
                    if seen & (1 << f) != 0 {
                        return None;
                    }
                    seen |= 1 << f;
                    match (f, v) {
                        (0, v) => s.id = v.into_value(),
                        (1, v) => s.group = key(v)?,
                        (2, v) => s.task = key(v)?,
                        (3, Scalar::Str(t)) => s.prompt = t.to_owned(),
                        (4, Scalar::Str(t)) => s.response = t.to_owned(),
                        (5, v) => s.reference = v.into_value(),
                        (7, Scalar::Pos(n)) => s.tokens = Some(n),
                        // The other fields only as null (absent); any other value of a field
                        // (a number for `prompt`, `null` for `response`, …) is left to the parser.
                        (3 | 6..=11, Scalar::Null) => {}
                        _ => return None,
                    }
                }
            }
            c.skip_ws();
            match c.next()? {
                b',' => {}
                b'}' => break,
                _ => return None,
            }
        }
        c.skip_ws();
        // `response` is required; nothing may follow the object.
        (seen & (1 << 4) != 0 && c.at == text.len()).then_some(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_all_fields() {
        let s = Sample::from_value(json!({
            "id": 7, "group": 3, "task": "math", "prompt": "1+1?", "response": "2",
            "reference": "2", "meta": {"k": 1}, "tokens": 5, "steps": ["a", "b"],
            "step_scores": [0.5, 1], "logprobs": [-1.0], "scores": {"rm": 0.3}, "extra": true
        }))
        .unwrap();
        assert_eq!(s.id, json!(7));
        assert_eq!(s.group.as_deref(), Some("3"));
        assert_eq!(s.task.as_deref(), Some("math"));
        assert_eq!(s.tokens, Some(5));
        assert_eq!(s.step_scores, Some(vec![0.5, 1.0]));
        assert_eq!(s.steps, Some(vec!["a".to_string(), "b".to_string()]));
    }

    #[test]
    fn errors_name_the_field() {
        let e = |v: Value| Sample::from_value(v).unwrap_err();
        assert_eq!(e(json!({"prompt": "x"})), "missing field `response`");
        assert_eq!(e(json!([1])), "expected a JSON object, got an array");
        assert_eq!(
            e(json!({"response": 3})),
            "field `response`: expected a string or a list of chat messages, got a number"
        );
        assert_eq!(
            e(json!({"response": "a", "tokens": "12"})),
            "field `tokens`: expected a non-negative integer, got a string"
        );
        assert_eq!(
            e(json!({"response": "a", "tokens": -1})),
            "field `tokens`: expected a non-negative integer, got -1"
        );
        assert_eq!(
            e(json!({"response": "a", "group": [1]})),
            "field `group`: expected a string or a number, got an array"
        );
        assert_eq!(
            e(json!({"response": "a", "step_scores": [1, "x"]})),
            "field `step_scores[1]`: expected a finite number, got a string"
        );
    }

    #[test]
    fn fast_and_value_paths_agree() {
        let cases = [
            r#"{"id": 1, "response": "x", "extra": {"deep": [1, 2]}, "group": 4, "tokens": 3}"#,
            r#"{"response": null}"#,
            r#"{"prompt": "p"}"#,
            r#"{"response": "a", "tokens": 1.5}"#,
            r#"{"response": "a", "response": "b"}"#,
            r#"{"response": "a", "scores": "high"}"#,
            r#"[1]"#,
            r#"{"response": "a""#,
        ];
        for c in cases {
            let fast = Sample::from_json_str(c);
            let slow = serde_json::from_str::<Value>(c)
                .map_err(|e| format!("invalid JSON: {e}"))
                .and_then(Sample::from_value);
            assert_eq!(fast, slow, "{c}");
        }
    }

    #[test]
    fn flat_lines_skip_the_parser_and_agree_with_it() {
        let value_path = |c: &str| {
            serde_json::from_str::<Value>(c)
                .map_err(|e| format!("invalid JSON: {e}"))
                .and_then(Sample::from_value)
        };
        // Taken by the flat reader.
        for c in [
            r#"{"id": 0, "response": "<think>add them</think> The answer is 332.", "reference": "331"}"#,
            r#"{"response":"x"}"#,
            r#" { "response" : "x" , "id" : -9223372036854775808 } "#,
            r#"{"id": 18446744073709551615, "group": 7, "task": "math", "prompt": "p", "response": "é😀", "reference": 4}"#,
            r#"{"id": "a", "group": -3, "task": null, "prompt": null, "response": "", "reference": true, "tokens": 12}"#,
            r#"{"response": "r", "meta": null, "steps": null, "step_scores": null, "logprobs": null, "scores": null, "tokens": null}"#,
            r#"{"response": "r", "extra": "kept out", "other": 5, "flag": false, "none": null}"#,
            "{\"response\":\t\"r\"\r\n}",
        ] {
            let fast = flat::parse(c).unwrap_or_else(|| panic!("not flat: {c}"));
            assert_eq!(Ok(fast), value_path(c), "{c}");
        }
        // Left to the parser.
        for c in [
            r#"{"response": "a\"b"}"#,
            r#"{"response": "a\u0041"}"#,
            "{\"response\": \"tab\there\"}",
            r#"{"response": "a", "id": 1.5}"#,
            r#"{"response": "a", "id": 1e3}"#,
            r#"{"response": "a", "id": -0}"#,
            r#"{"response": "a", "id": 01}"#,
            r#"{"response": "a", "id": 18446744073709551616}"#,
            r#"{"response": "a", "id": -9223372036854775809}"#,
            r#"{"response": "a", "id": -}"#,
            r#"{"response": "a", "reference": [1]}"#,
            r#"{"response": "a", "reference": {"answer": "x"}}"#,
            r#"{"response": "a", "extra": {"deep": 1}}"#,
            r#"{"response": "a", "response": "b"}"#,
            r#"{"response": null}"#,
            r#"{"response": 3}"#,
            r#"{"prompt": "p"}"#,
            r#"{"response": "a", "group": true}"#,
            r#"{"response": "a", "prompt": 3}"#,
            r#"{"response": "a", "tokens": -1}"#,
            r#"{"response": "a", "tokens": "3"}"#,
            r#"{"response": "a", "meta": {}}"#,
            r#"{"response": "a", "steps": ["s"]}"#,
            r#"{"response": "a", "scores": 0.5}"#,
            r#"{"response": "a"} x"#,
            r#"{"response": "a",}"#,
            r#"{"response": "a" "id": 1}"#,
            r#"{"response": "a""#,
            r#"{"response": "a", "id": nul}"#,
            r#"{"response": "a", "id": tru}"#,
            r#"{}"#,
            r#"["response"]"#,
            r#"{response: "a"}"#,
            r#"{"response" "a"}"#,
        ] {
            assert!(flat::parse(c).is_none(), "{c}");
            assert_eq!(Sample::from_json_str(c), value_path(c), "{c}");
        }
    }

    #[test]
    fn chat_messages_are_joined() {
        let s = Sample::from_value(json!({
            "response": [{"role": "assistant", "content": "The answer is 4."}],
            "prompt": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "2+2?"}]
        }))
        .unwrap();
        assert_eq!(s.response, "The answer is 4.");
        assert_eq!(s.prompt, "Be brief.\n2+2?");
    }

    #[test]
    fn reference_texts_of_shapes() {
        let s = |r: Value| Sample::new("", r).reference_texts();
        assert_eq!(s(json!("4")), vec!["4"]);
        assert_eq!(s(json!(4)), vec!["4"]);
        assert_eq!(s(json!(["a", "b"])), vec!["a", "b"]);
        assert_eq!(s(json!({"answer": "x"})), vec!["x"]);
        assert_eq!(s(json!({"answer": ["x", "y"]})), vec!["x", "y"]);
        assert!(s(json!({"tests": []})).is_empty());
    }
}
