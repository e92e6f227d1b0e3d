//! One result per input sample.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// What happened to a sample. Anything but `Ok` gives the spec's failure value and a reason.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Ok,
    NoAnswer,
    InvalidInput,
    Timeout,
    Error,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Ok,
        Status::NoAnswer,
        Status::InvalidInput,
        Status::Timeout,
        Status::Error,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::NoAnswer => "no_answer",
            Status::InvalidInput => "invalid_input",
            Status::Timeout => "timeout",
            Status::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|st| st.as_str() == s)
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The result of scoring one sample: `{"id", "reward", "components", "status", "error"?,
/// "details"?, "advantage"?}` (plus `"zero_variance"` when the spec's group stage asks for it).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScoreResult {
    pub id: Value,
    pub reward: f64,
    pub components: IndexMap<String, f64>,
    pub status: Status,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<Value>,
    /// Filled by the group stage, which comes after the rest of the result (see
    /// [`crate::batch`]): it serializes after them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub advantage: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zero_variance: Option<bool>,
    /// Observations of stateful rewards, waiting for the batch's commit; never serialized.
    #[serde(skip)]
    pub observations: Vec<Observation>,
}

/// What one stateful component observed of one sample (see [`crate::state`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Observation {
    /// The route's name (`*` for the fallback).
    pub route: std::sync::Arc<str>,
    /// The component's index in its route.
    pub component: usize,
    pub value: Value,
}

impl ScoreResult {
    /// Append the result as one line of JSON (`{…}\n`) to `out`: the bytes of
    /// `serde_json::to_vec(self)` and a newline, written field by field without a serializer
    /// (the result line of every sample of `plaudit score`).
    pub fn write_json_line(&self, out: &mut Vec<u8>) {
        // Every field named: a field added to the struct does not compile here until the line
        // writes it as its `Serialize` does (tests/result_json.rs compares the two).
        let ScoreResult {
            id,
            reward,
            components,
            status,
            error,
            details,
            advantage,
            zero_variance,
            observations: _,
        } = self;
        write_line(
            out,
            id,
            *reward,
            components.iter().map(|(k, v)| (k.as_str(), *v)),
            *status,
            error.as_deref(),
            details
                .as_ref()
                .map(|d| move |out: &mut Vec<u8>| write_value(out, d)),
            *advantage,
            *zero_variance,
        );
    }

    /// A result for a sample that could not be scored at all.
    pub fn failed(id: Value, status: Status, reward: f64, error: String) -> Self {
        ScoreResult {
            id,
            reward,
            components: IndexMap::new(),
            advantage: None,
            status,
            error: Some(error),
            details: None,
            zero_variance: None,
            observations: Vec::new(),
        }
    }
}

/// A sample's result as scoring leaves it, before it is put together as a [`ScoreResult`]: what
/// an output form that writes the result straight away needs ([`crate::Emit::emit_parts`]).
pub struct ResultParts<'a> {
    pub id: Value,
    pub reward: f64,
    pub status: Status,
    pub error: Option<String>,
    /// The route that scored the sample: its components' names.
    pub(crate) route: &'a crate::spec::Route,
    /// Each component's value, by index (`None`: no value).
    pub(crate) values: &'a [Option<f64>],
    /// Components' details, by component index, in the order they were recorded.
    pub(crate) details: Vec<(usize, Value)>,
}

impl<'a> ResultParts<'a> {
    /// The components with a value, by name, in the route's order.
    pub fn components(&self) -> impl Iterator<Item = (&'a str, f64)> + 'a {
        self.route
            .components
            .iter()
            .zip(self.values)
            .filter_map(|(c, v)| v.map(|v| (c.name.as_str(), v)))
    }

    /// The components' details, by name.
    pub fn details(&self) -> impl Iterator<Item = (&'a str, &Value)> + '_ {
        let route = self.route;
        self.details
            .iter()
            .map(move |(i, d)| (route.components[*i].name.as_str(), d))
    }

    /// The result (without observations, and before the group stage).
    pub fn into_result(self) -> ScoreResult {
        let mut components = IndexMap::with_capacity(self.route.components.len());
        for (k, v) in self.components() {
            components.insert(k.to_string(), v);
        }
        let route = self.route;
        let details = if self.details.is_empty() {
            None
        } else {
            Some(Value::Object(
                self.details
                    .into_iter()
                    .map(|(i, d)| (route.components[i].name.clone(), d))
                    .collect(),
            ))
        };
        ScoreResult {
            id: self.id,
            reward: self.reward,
            components,
            status: self.status,
            error: self.error,
            details,
            advantage: None,
            zero_variance: None,
            observations: Vec::new(),
        }
    }

    /// [`ScoreResult::write_json_line`] of [`ResultParts::into_result`], without building it.
    pub fn write_json_line(&self, out: &mut Vec<u8>) {
        let details = (!self.details.is_empty())
            .then_some(|out: &mut Vec<u8>| write_object(out, self.details(), write_value));
        write_line(
            out,
            &self.id,
            self.reward,
            self.components(),
            self.status,
            self.error.as_deref(),
            details,
            None,
            None,
        );
    }
}

/// A result's line: `{"id", "reward", "components", "status", "error"?, "details"?,
/// "advantage"?, "zero_variance"?}` as `serde_json` writes a [`ScoreResult`], and a newline.
#[allow(clippy::too_many_arguments)]
fn write_line<'c>(
    out: &mut Vec<u8>,
    id: &Value,
    reward: f64,
    components: impl Iterator<Item = (&'c str, f64)>,
    status: Status,
    error: Option<&str>,
    details: Option<impl FnOnce(&mut Vec<u8>)>,
    advantage: Option<f64>,
    zero_variance: Option<bool>,
) {
    out.extend_from_slice(b"{\"id\":");
    write_value(out, id);
    out.extend_from_slice(b",\"reward\":");
    write_f64(out, reward);
    out.extend_from_slice(b",\"components\":");
    write_object(out, components, write_f64);
    out.extend_from_slice(b",\"status\":\"");
    out.extend_from_slice(status.as_str().as_bytes());
    out.push(b'"');
    if let Some(e) = error {
        out.extend_from_slice(b",\"error\":");
        write_str(out, e);
    }
    if let Some(write_details) = details {
        out.extend_from_slice(b",\"details\":");
        write_details(out);
    }
    if let Some(a) = advantage {
        out.extend_from_slice(b",\"advantage\":");
        write_f64(out, a);
    }
    if let Some(z) = zero_variance {
        out.extend_from_slice(if z {
            b",\"zero_variance\":true"
        } else {
            b",\"zero_variance\":false"
        });
    }
    out.extend_from_slice(b"}\n");
}

/// A float as `serde_json` writes it: its shortest round-trip form, `null` when not finite.
fn write_f64(out: &mut Vec<u8>, x: f64) {
    // The two values most rewards give, spelled as serde_json spells them.
    if x == 0.0 && x.is_sign_positive() {
        out.extend_from_slice(b"0.0");
    } else if x == 1.0 {
        out.extend_from_slice(b"1.0");
    } else if x.is_finite() {
        serde_json::to_writer(&mut *out, &x).expect("a float serializes");
    } else {
        out.extend_from_slice(b"null");
    }
}

/// A string as `serde_json` writes it: as is between quotes when nothing in it needs an escape,
/// else through `serde_json`'s escaping.
fn write_str(out: &mut Vec<u8>, s: &str) {
    // Branch-free over the bytes (it vectorises).
    let escapes = s
        .bytes()
        .fold(false, |e, b| e | (b < 0x20) | (b == b'"') | (b == b'\\'));
    if !escapes {
        out.reserve(s.len() + 2);
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    } else {
        serde_json::to_writer(&mut *out, s).expect("a string serializes");
    }
}

/// A JSON value as `serde_json::to_writer` writes it (compact; numbers as their text, which is
/// how they are kept).
fn write_value(out: &mut Vec<u8>, v: &Value) {
    match v {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        Value::Number(n) => out.extend_from_slice(n.as_str().as_bytes()),
        Value::String(s) => write_str(out, s),
        Value::Array(items) => {
            out.push(b'[');
            for (i, x) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_value(out, x);
            }
            out.push(b']');
        }
        Value::Object(m) => write_object(out, m.iter().map(|(k, x)| (k.as_str(), x)), write_value),
    }
}

/// `{"key":value,…}`, each value written by `write`.
fn write_object<'k, V>(
    out: &mut Vec<u8>,
    entries: impl Iterator<Item = (&'k str, V)>,
    write: impl Fn(&mut Vec<u8>, V),
) {
    out.push(b'{');
    for (i, (k, v)) in entries.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_str(out, k);
        out.push(b':');
        write(out, v);
    }
    out.push(b'}');
}
