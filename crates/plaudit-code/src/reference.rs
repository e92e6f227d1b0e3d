//! The test references a code sample carries, read with errors that name the field.

use std::time::Duration;

use plaudit_sandbox::Language;
use serde_json::{Map, Value};

/// A JSON value's kind as error messages name it (`a string`, `an array` …).
fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The most tests one reference may hold.
pub const MAX_TESTS: usize = 4096;

/// One stdin/stdout case.
#[derive(Clone, Debug, PartialEq)]
pub struct IoCase {
    pub input: String,
    pub output: String,
}

/// What the program is checked against.
#[derive(Clone, Debug, PartialEq)]
pub enum Suite {
    /// `{"tests": [...]}`: each statement (an `assert …`) is one test, run after the solution.
    Asserts(Vec<String>),
    /// `{"test_code": "def check(candidate): …", "entry_point": "f"}`: HumanEval's form, one test
    /// (`check(f)` after the solution and the test code).
    Check {
        test_code: String,
        entry_point: String,
        /// `"prompt"`: the problem's prompt (HumanEval's `prompt`). Its functions other than
        /// `entry_point` (helpers such as `encode_cyclic`, `poly`) are defined in the judge,
        /// trusted, so the test's calls to them do not reach the solution's redefinitions.
        prompt: Option<String>,
    },
    /// `{"stdin_stdout": [{"input", "output"}, …]}`: each case is one run of the whole program.
    Io(Vec<IoCase>),
}

impl Suite {
    /// How many tests the suite holds.
    pub fn len(&self) -> usize {
        match self {
            Suite::Asserts(t) => t.len(),
            Suite::Check { .. } => 1,
            Suite::Io(c) => c.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The reference field it came from.
    pub fn field(&self) -> &'static str {
        match self {
            Suite::Asserts(_) => "tests",
            Suite::Check { .. } => "test_code",
            Suite::Io(_) => "stdin_stdout",
        }
    }
}

/// A code sample's reference.
#[derive(Clone, Debug, PartialEq)]
pub struct Reference {
    pub suite: Suite,
    /// `language`: python | cpp (else the code fence's, else Python).
    pub language: Option<Language>,
    /// `time_limit_ms`: per test.
    pub time_limit: Option<Duration>,
    /// `memory_mb`.
    pub memory_mb: Option<u64>,
    /// `float_tolerance`: stdin/stdout tokens that parse as numbers match within it.
    pub float_tolerance: Option<f64>,
    /// `reference_runtime_ms`: the runtime a correct solution is compared with (efficiency).
    pub reference_runtime_ms: Option<f64>,
    /// `reference_solution`: a solution whose measured runtime is the reference (efficiency).
    pub reference_solution: Option<String>,
}

const SHAPES: &str = "{\"tests\": [\"assert …\", …]}, {\"test_code\": \"def check(candidate): …\", \"entry_point\": \"f\"} or {\"stdin_stdout\": [{\"input\": …, \"output\": …}, …]}";

fn field_err(field: &str, expected: &str, got: &Value) -> String {
    format!(
        "`reference.{field}`: expected {expected}, got {}",
        type_name(got)
    )
}

fn string_list(o: &Map<String, Value>, field: &str) -> Result<Vec<String>, String> {
    let v = &o[field];
    let Value::Array(items) = v else {
        return Err(field_err(field, "an array of strings", v));
    };
    if items.is_empty() {
        return Err(format!(
            "`reference.{field}` is empty: there is no test to run"
        ));
    }
    if items.len() > MAX_TESTS {
        return Err(format!(
            "`reference.{field}` has {} tests; at most {MAX_TESTS} are allowed",
            items.len()
        ));
    }
    items
        .iter()
        .enumerate()
        .map(|(i, x)| match x {
            Value::String(s) if !s.trim().is_empty() => Ok(s.clone()),
            Value::String(_) => Err(format!("`reference.{field}[{i}]` is an empty test")),
            other => Err(field_err(&format!("{field}[{i}]"), "a string", other)),
        })
        .collect()
}

fn io_cases(o: &Map<String, Value>) -> Result<Vec<IoCase>, String> {
    let v = &o["stdin_stdout"];
    let Value::Array(items) = v else {
        return Err(field_err(
            "stdin_stdout",
            "an array of {\"input\", \"output\"} objects",
            v,
        ));
    };
    if items.is_empty() {
        return Err("`reference.stdin_stdout` is empty: there is no test to run".into());
    }
    if items.len() > MAX_TESTS {
        return Err(format!(
            "`reference.stdin_stdout` has {} cases; at most {MAX_TESTS} are allowed",
            items.len()
        ));
    }
    items
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let Value::Object(c) = c else {
                return Err(field_err(
                    &format!("stdin_stdout[{i}]"),
                    "an object {\"input\", \"output\"}",
                    c,
                ));
            };
            let text = |k: &str| match c.get(k) {
                Some(Value::String(s)) => Ok(s.clone()),
                Some(other) => Err(field_err(
                    &format!("stdin_stdout[{i}].{k}"),
                    "a string",
                    other,
                )),
                None => Err(format!("`reference.stdin_stdout[{i}].{k}` is missing")),
            };
            Ok(IoCase {
                input: text("input")?,
                output: text("output")?,
            })
        })
        .collect()
}

fn positive(o: &Map<String, Value>, field: &str) -> Result<Option<f64>, String> {
    match o.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => match v.as_f64() {
            Some(x) if x.is_finite() && x > 0.0 => Ok(Some(x)),
            Some(x) => Err(format!("`reference.{field}` must be > 0, got {x}")),
            None => Err(field_err(field, "a positive number", v)),
        },
    }
}

fn is_identifier(s: &str) -> bool {
    let mut cs = s.chars();
    matches!(cs.next(), Some(c) if c == '_' || c.is_alphabetic())
        && cs.all(|c| c == '_' || c.is_alphanumeric())
}

/// Read a sample's reference. The message of an `Err` names the field that is wrong.
pub fn parse_reference(v: &Value) -> Result<Reference, String> {
    let Value::Object(o) = v else {
        return Err(format!(
            "`reference` must be {SHAPES}; got {}",
            type_name(v)
        ));
    };
    let present: Vec<&str> = ["tests", "test_code", "stdin_stdout"]
        .into_iter()
        .filter(|k| o.contains_key(*k))
        .collect();
    let suite = match present.as_slice() {
        [] => return Err(format!("`reference` must be {SHAPES}")),
        ["tests"] => Suite::Asserts(string_list(o, "tests")?),
        ["test_code"] => {
            let test_code = match &o["test_code"] {
                Value::String(s) if !s.trim().is_empty() => s.clone(),
                Value::String(_) => return Err("`reference.test_code` is empty".into()),
                other => return Err(field_err("test_code", "a string", other)),
            };
            let entry_point =
                match o.get("entry_point") {
                    Some(Value::String(s)) if is_identifier(s.trim()) => s.trim().to_string(),
                    Some(Value::String(s)) => {
                        return Err(format!(
                            "`reference.entry_point`: `{s}` is not a function name"
                        ))
                    }
                    Some(other) => return Err(field_err("entry_point", "a string", other)),
                    None => return Err(
                        "`reference.entry_point` is missing: `test_code` calls check(entry_point)"
                            .into(),
                    ),
                };
            let prompt = match o.get("prompt") {
                None | Some(Value::Null) => None,
                Some(Value::String(s)) => Some(s.clone()),
                Some(other) => return Err(field_err("prompt", "a string", other)),
            };
            Suite::Check {
                test_code,
                entry_point,
                prompt,
            }
        }
        ["stdin_stdout"] => Suite::Io(io_cases(o)?),
        more => {
            return Err(format!(
                "`reference` has {}: give exactly one of `tests`, `test_code`, `stdin_stdout`",
                more.iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(" and ")
            ))
        }
    };
    let language = match o.get("language") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(Language::parse(s).ok_or_else(|| {
            format!("`reference.language`: `{s}` is not supported (python or cpp)")
        })?),
        Some(other) => return Err(field_err("language", "a string", other)),
    };
    if language == Some(Language::Cpp) {
        if let Suite::Check { .. } = suite {
            return Err(
                "`reference.test_code` is HumanEval's Python form; C++ takes `tests` or `stdin_stdout`"
                    .into(),
            );
        }
    }
    let time_limit = positive(o, "time_limit_ms")?.map(|ms| Duration::from_secs_f64(ms / 1000.0));
    let memory_mb = match o.get("memory_mb") {
        None | Some(Value::Null) => None,
        Some(v) => match v.as_u64() {
            Some(m) if m > 0 => Some(m),
            _ => return Err(field_err("memory_mb", "a positive integer", v)),
        },
    };
    let float_tolerance = match o.get("float_tolerance") {
        None | Some(Value::Null) => None,
        Some(v) => match v.as_f64() {
            Some(t) if t.is_finite() && t >= 0.0 => Some(t),
            _ => return Err(field_err("float_tolerance", "a non-negative number", v)),
        },
    };
    if float_tolerance.is_some() && !matches!(suite, Suite::Io(_)) {
        return Err("`reference.float_tolerance` applies to `stdin_stdout` cases only".into());
    }
    let reference_solution = match o.get("reference_solution") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.clone()),
        Some(Value::String(_)) => return Err("`reference.reference_solution` is empty".into()),
        Some(other) => return Err(field_err("reference_solution", "a string", other)),
    };
    Ok(Reference {
        suite,
        language,
        time_limit,
        memory_mb,
        float_tolerance,
        reference_runtime_ms: positive(o, "reference_runtime_ms")?,
        reference_solution,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn err(v: Value) -> String {
        parse_reference(&v).unwrap_err()
    }

    #[test]
    fn the_three_forms() {
        let r =
            parse_reference(&json!({"tests": ["assert f(1) == 2", "assert f(2) == 3"]})).unwrap();
        assert_eq!(r.suite.len(), 2);
        assert_eq!(r.language, None);
        let r = parse_reference(&json!({"test_code": "def check(c):\n    assert c(1) == 2\n", "entry_point": " f ", "language": "Python3", "time_limit_ms": 1500}))
            .unwrap();
        assert_eq!(
            r.suite,
            Suite::Check {
                test_code: "def check(c):\n    assert c(1) == 2\n".into(),
                entry_point: "f".into(),
                prompt: None
            }
        );
        assert_eq!(r.language, Some(Language::Python));
        assert_eq!(r.time_limit, Some(Duration::from_millis(1500)));
        let r = parse_reference(&json!({"stdin_stdout": [{"input": "1 2\n", "output": "3\n"}], "language": "c++", "memory_mb": 64, "float_tolerance": 1e-6})).unwrap();
        assert_eq!(
            r.suite,
            Suite::Io(vec![IoCase {
                input: "1 2\n".into(),
                output: "3\n".into()
            }])
        );
        assert_eq!(
            (r.language, r.memory_mb, r.float_tolerance),
            (Some(Language::Cpp), Some(64), Some(1e-6))
        );
    }

    #[test]
    fn wrong_shapes_name_the_field() {
        assert_eq!(
            err(json!("assert f(1) == 2")),
            format!("`reference` must be {SHAPES}; got a string")
        );
        assert_eq!(
            err(json!({"answer": 3})),
            format!("`reference` must be {SHAPES}")
        );
        assert_eq!(
            err(json!({"tests": "assert f(1) == 2"})),
            "`reference.tests`: expected an array of strings, got a string"
        );
        assert_eq!(
            err(json!({"tests": ["assert True", 3]})),
            "`reference.tests[1]`: expected a string, got a number"
        );
        assert_eq!(
            err(json!({"tests": []})),
            "`reference.tests` is empty: there is no test to run"
        );
        assert_eq!(
            err(json!({"test_code": "def check(c): pass"})),
            "`reference.entry_point` is missing: `test_code` calls check(entry_point)"
        );
        assert_eq!(
            err(json!({"test_code": "def check(c): pass", "entry_point": "f(x)"})),
            "`reference.entry_point`: `f(x)` is not a function name"
        );
        assert_eq!(
            err(json!({"stdin_stdout": [{"input": "1"}]})),
            "`reference.stdin_stdout[0].output` is missing"
        );
        assert_eq!(
            err(json!({"stdin_stdout": [{"input": "1", "output": 2}]})),
            "`reference.stdin_stdout[0].output`: expected a string, got a number"
        );
        assert_eq!(
            err(json!({"stdin_stdout": {"input": "1", "output": "2"}})),
            "`reference.stdin_stdout`: expected an array of {\"input\", \"output\"} objects, got an object"
        );
        assert_eq!(
            err(json!({"tests": ["assert 1"], "stdin_stdout": []})),
            "`reference` has `tests` and `stdin_stdout`: give exactly one of `tests`, `test_code`, `stdin_stdout`"
        );
        assert_eq!(
            err(json!({"tests": ["assert 1"], "language": "java"})),
            "`reference.language`: `java` is not supported (python or cpp)"
        );
        assert_eq!(
            err(json!({"tests": ["assert 1"], "time_limit_ms": 0})),
            "`reference.time_limit_ms` must be > 0, got 0"
        );
        assert_eq!(
            err(json!({"tests": ["assert 1"], "time_limit_ms": "1s"})),
            "`reference.time_limit_ms`: expected a positive number, got a string"
        );
        assert_eq!(
            err(json!({"tests": ["assert 1"], "memory_mb": -5})),
            "`reference.memory_mb`: expected a positive integer, got a number"
        );
        assert_eq!(
            err(json!({"tests": ["assert 1"], "float_tolerance": 0.1})),
            "`reference.float_tolerance` applies to `stdin_stdout` cases only"
        );
        assert_eq!(
            err(json!({"test_code": "def check(c): pass", "entry_point": "f", "language": "cpp"})),
            "`reference.test_code` is HumanEval's Python form; C++ takes `tests` or `stdin_stdout`"
        );
    }
}
