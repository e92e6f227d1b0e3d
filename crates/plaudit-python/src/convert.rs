//! Python objects ⇄ JSON values, walked directly (no `json.dumps` round trip).
//!
//! Python → JSON accepts what `json.dumps` accepts (str, int, float, bool, None, dict with string
//! keys, list, tuple), plus anything with a `tolist()` method (numpy arrays and scalars, torch
//! tensors), which is how trainers hand over columns. Anything else, a non-finite float, a string
//! that is not valid Unicode or nesting deeper than [`MAX_DEPTH`] is an error that names the
//! place (`meta.tags[2]`), so that the sample becomes `invalid_input` instead of an exception.

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde_json::{Map, Number, Value};

use plaudit_core::{ScoreResult, Status};

/// Deeper nesting is refused (it also stops self-referencing lists).
pub const MAX_DEPTH: usize = 128;

/// A conversion failure: the path to the bad value (innermost segment first) and what is wrong.
pub struct ConvError {
    rev_path: Vec<String>,
    message: String,
}

impl ConvError {
    fn new(message: String) -> Self {
        ConvError {
            rev_path: Vec::new(),
            message,
        }
    }

    fn key(mut self, key: &str) -> Self {
        self.rev_path.push(format!(".{key}"));
        self
    }

    fn index(mut self, i: usize) -> Self {
        self.rev_path.push(format!("[{i}]"));
        self
    }

    /// `field `a.b[2]`: message` (or just the message at the top level).
    pub fn describe(&self) -> String {
        if self.rev_path.is_empty() {
            return self.message.clone();
        }
        let mut path: String = self.rev_path.iter().rev().map(String::as_str).collect();
        if path.starts_with('.') {
            path.remove(0);
        }
        format!("field `{path}`: {}", self.message)
    }
}

fn type_of(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "?".into())
}

fn float_value(f: f64) -> Result<Value, ConvError> {
    Number::from_f64(f)
        .map(Value::Number)
        .ok_or_else(|| ConvError::new(format!("expected a finite number, got {f}")))
}

fn dict_key(k: &Bound<'_, PyAny>) -> Result<String, ConvError> {
    if let Ok(s) = k.cast::<PyString>() {
        return s
            .to_str()
            .map(str::to_owned)
            .map_err(|_| ConvError::new("a key is not valid Unicode".into()));
    }
    // As `json.dumps` does: numbers, booleans and None become their JSON text.
    match to_value(k, MAX_DEPTH - 1) {
        Ok(Value::String(s)) => Ok(s),
        Ok(v @ (Value::Number(_) | Value::Bool(_) | Value::Null)) => Ok(v.to_string()),
        _ => Err(ConvError::new(format!(
            "keys must be strings, got a key of Python type `{}`",
            type_of(k)
        ))),
    }
}

/// A Python object as a JSON value. `depth` counts the enclosing containers.
pub fn to_value(obj: &Bound<'_, PyAny>, depth: usize) -> Result<Value, ConvError> {
    if let Ok(s) = obj.cast::<PyString>() {
        return s
            .to_str()
            .map(|s| Value::String(s.to_owned()))
            .map_err(|_| {
                ConvError::new("a string that is not valid Unicode (lone surrogates)".into())
            });
    }
    if depth >= MAX_DEPTH {
        return Err(ConvError::new(format!(
            "nested deeper than {MAX_DEPTH} levels"
        )));
    }
    if let Ok(d) = obj.cast::<PyDict>() {
        let mut m = Map::with_capacity(d.len());
        for (k, v) in d.iter() {
            let key = dict_key(&k)?;
            let val = to_value(&v, depth + 1).map_err(|e| e.key(&key))?;
            m.insert(key, val);
        }
        return Ok(Value::Object(m));
    }
    if let Ok(l) = obj.cast::<PyList>() {
        let mut out = Vec::with_capacity(l.len());
        for (i, v) in l.iter().enumerate() {
            out.push(to_value(&v, depth + 1).map_err(|e| e.index(i))?);
        }
        return Ok(Value::Array(out));
    }
    if let Ok(t) = obj.cast::<PyTuple>() {
        let mut out = Vec::with_capacity(t.len());
        for (i, v) in t.iter().enumerate() {
            out.push(to_value(&v, depth + 1).map_err(|e| e.index(i))?);
        }
        return Ok(Value::Array(out));
    }
    if obj.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if obj.cast::<PyInt>().is_ok() {
        if let Ok(i) = obj.extract::<i64>() {
            return Ok(Value::from(i));
        }
        if let Ok(u) = obj.extract::<u64>() {
            return Ok(Value::from(u));
        }
        // Beyond 64 bits: exact, from its decimal text (serde_json keeps numbers as written).
        let text = obj
            .str()
            .map_err(|_| ConvError::new("an integer without a decimal form".into()))?
            .to_string();
        return text
            .parse::<Number>()
            .map(Value::Number)
            .map_err(|e| ConvError::new(format!("an integer that is not a JSON number: {e}")));
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        return float_value(f.value());
    }
    // numpy arrays and scalars, torch tensors: their Python equivalent.
    if let Ok(tolist) = obj.getattr(pyo3::intern!(obj.py(), "tolist")) {
        if let Ok(v) = tolist.call0() {
            return to_value(&v, depth + 1);
        }
    }
    Err(ConvError::new(format!(
        "cannot convert a value of Python type `{}` to JSON",
        type_of(obj)
    )))
}

/// Whether a JSON number's text is an integer (digits, an optional leading minus).
fn is_integer_text(t: &str) -> bool {
    let digits = t.strip_prefix('-').unwrap_or(t);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// A JSON value as a Python object.
pub fn to_py<'py>(py: Python<'py>, v: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match v {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.into_pyobject(py)?.into_any()
            } else if let Some(u) = n.as_u64() {
                u.into_pyobject(py)?.into_any()
            } else if is_integer_text(&n.to_string()) {
                // Beyond 64 bits: a Python int, exact.
                py.get_type::<PyInt>().call1((n.to_string(),))?
            } else {
                PyFloat::new(py, n.as_f64().unwrap_or(f64::NAN)).into_any()
            }
        }
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(a) => {
            let l = PyList::empty(py);
            for x in a {
                l.append(to_py(py, x)?)?;
            }
            l.into_any()
        }
        Value::Object(o) => {
            let d = PyDict::new(py);
            for (k, x) in o {
                d.set_item(k, to_py(py, x)?)?;
            }
            d.into_any()
        }
    })
}

/// A result as a dict with the CLI's keys, in its order: `id`, `reward`, `components`, `status`,
/// `error`?, `details`?, `advantage`?, `zero_variance`?.
pub fn result_to_py<'py>(py: Python<'py>, r: &ScoreResult) -> PyResult<Bound<'py, PyDict>> {
    use pyo3::intern;
    let d = PyDict::new(py);
    d.set_item(intern!(py, "id"), to_py(py, &r.id)?)?;
    d.set_item(intern!(py, "reward"), r.reward)?;
    let c = PyDict::new(py);
    for (k, v) in &r.components {
        c.set_item(k, *v)?;
    }
    d.set_item(intern!(py, "components"), c)?;
    let status = match r.status {
        Status::Ok => intern!(py, "ok"),
        Status::NoAnswer => intern!(py, "no_answer"),
        Status::InvalidInput => intern!(py, "invalid_input"),
        Status::Timeout => intern!(py, "timeout"),
        Status::Error => intern!(py, "error"),
    };
    d.set_item(intern!(py, "status"), status)?;
    if let Some(e) = &r.error {
        d.set_item(intern!(py, "error"), e)?;
    }
    if let Some(det) = &r.details {
        d.set_item(intern!(py, "details"), to_py(py, det)?)?;
    }
    if let Some(a) = r.advantage {
        d.set_item(intern!(py, "advantage"), a)?;
    }
    if let Some(z) = r.zero_variance {
        d.set_item(intern!(py, "zero_variance"), z)?;
    }
    Ok(d)
}
