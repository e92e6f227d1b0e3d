//! Plain data reported by a test run, and the type-strict equality unit tests are judged by.
//!
//! A value crosses the sandbox's boundary as tagged JSON: `["i", "123"]` (int, any size),
//! `["f", "0.5"]` (float, Python's `repr`), `["s", "…"]`, `["b", true]`, `["n"]` (None),
//! `["l", [...]]` (list), `["t", [...]]` (tuple), `["d", [[k, v], ...]]` (dict), `["S", [...]]`
//! (set). Anything else is malformed. Equality follows Python's `==` on these types except that
//! a bool equals only a bool (`True == 1` is not accepted), a list never equals a tuple, and NaN
//! equals nothing.

use serde_json::Value;

/// The deepest nesting accepted.
pub const MAX_DEPTH: usize = 80;

/// A plain value.
#[derive(Clone, Debug, PartialEq)]
pub enum Plain {
    /// Canonical decimal digits with an optional leading `-` (no leading zeros).
    Int(String),
    Float(f64),
    Str(String),
    Bool(bool),
    None,
    List(Vec<Plain>),
    Tuple(Vec<Plain>),
    Dict(Vec<(Plain, Plain)>),
    Set(Vec<Plain>),
}

fn canonical_int(s: &str) -> Option<String> {
    let (neg, digits) = match s.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, s),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let d = digits.trim_start_matches('0');
    Some(match (d.is_empty(), neg) {
        (true, _) => "0".to_string(),
        (false, true) => format!("-{d}"),
        (false, false) => d.to_string(),
    })
}

fn float(s: &str) -> Option<f64> {
    match s {
        "inf" => Some(f64::INFINITY),
        "-inf" => Some(f64::NEG_INFINITY),
        "nan" | "-nan" => Some(f64::NAN),
        _ => s.parse::<f64>().ok(),
    }
}

impl Plain {
    /// Read a tagged value; `None` when it is malformed.
    pub fn from_json(v: &Value) -> Option<Plain> {
        Self::read(v, 0)
    }

    fn read(v: &Value, depth: usize) -> Option<Plain> {
        if depth > MAX_DEPTH {
            return None;
        }
        let a = v.as_array()?;
        let tag = a.first()?.as_str()?;
        let items = |x: &Value| -> Option<Vec<Plain>> {
            x.as_array()?
                .iter()
                .map(|e| Self::read(e, depth + 1))
                .collect()
        };
        Some(match (tag, a.len()) {
            ("i", 2) => Plain::Int(canonical_int(a[1].as_str()?)?),
            ("f", 2) => Plain::Float(float(a[1].as_str()?)?),
            ("s", 2) => Plain::Str(a[1].as_str()?.to_string()),
            ("b", 2) => Plain::Bool(a[1].as_bool()?),
            ("n", 1) => Plain::None,
            ("l", 2) => Plain::List(items(&a[1])?),
            ("t", 2) => Plain::Tuple(items(&a[1])?),
            ("S", 2) => Plain::Set(items(&a[1])?),
            ("d", 2) => Plain::Dict(
                a[1].as_array()?
                    .iter()
                    .map(|kv| {
                        let kv = kv.as_array()?;
                        if kv.len() != 2 {
                            return None;
                        }
                        Some((
                            Self::read(&kv[0], depth + 1)?,
                            Self::read(&kv[1], depth + 1)?,
                        ))
                    })
                    .collect::<Option<Vec<_>>>()?,
            ),
            _ => return None,
        })
    }

    /// Python's truth value.
    pub fn truthy(&self) -> bool {
        match self {
            Plain::Int(s) => s != "0",
            Plain::Float(f) => *f != 0.0,
            Plain::Str(s) => !s.is_empty(),
            Plain::Bool(b) => *b,
            Plain::None => false,
            Plain::List(v) | Plain::Tuple(v) | Plain::Set(v) => !v.is_empty(),
            Plain::Dict(v) => !v.is_empty(),
        }
    }

    /// The Python type's name.
    pub fn type_name(&self) -> &'static str {
        match self {
            Plain::Int(_) => "int",
            Plain::Float(_) => "float",
            Plain::Str(_) => "str",
            Plain::Bool(_) => "bool",
            Plain::None => "NoneType",
            Plain::List(_) => "list",
            Plain::Tuple(_) => "tuple",
            Plain::Dict(_) => "dict",
            Plain::Set(_) => "set",
        }
    }

    /// A short Python-like rendering for messages.
    pub fn render(&self, max: usize) -> String {
        let mut s = String::new();
        self.write(&mut s, max);
        if s.len() > max {
            let mut to = max;
            while !s.is_char_boundary(to) {
                to -= 1;
            }
            s.truncate(to);
            s.push('…');
        }
        s
    }

    fn write(&self, out: &mut String, max: usize) {
        if out.len() > max {
            return;
        }
        let seq = |out: &mut String, v: &[Plain], open: &str, close: &str| {
            out.push_str(open);
            for (i, x) in v.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                x.write(out, max);
                if out.len() > max {
                    return;
                }
            }
            out.push_str(close);
        };
        match self {
            Plain::Int(s) => out.push_str(s),
            Plain::Float(f) => out.push_str(&if f.is_nan() {
                "nan".to_string()
            } else if f.is_infinite() {
                if *f > 0.0 { "inf" } else { "-inf" }.to_string()
            } else if f.fract() == 0.0 && f.abs() < 1e16 {
                format!("{f:.1}")
            } else {
                format!("{f}")
            }),
            Plain::Str(s) => out.push_str(&serde_json::to_string(s).unwrap_or_default()),
            Plain::Bool(b) => out.push_str(if *b { "True" } else { "False" }),
            Plain::None => out.push_str("None"),
            Plain::List(v) => seq(out, v, "[", "]"),
            Plain::Tuple(v) if v.len() == 1 => seq(out, v, "(", ",)"),
            Plain::Tuple(v) => seq(out, v, "(", ")"),
            Plain::Set(v) => seq(out, v, "{", "}"),
            Plain::Dict(v) => {
                out.push('{');
                for (i, (k, x)) in v.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    k.write(out, max);
                    out.push_str(": ");
                    x.write(out, max);
                    if out.len() > max {
                        return;
                    }
                }
                out.push('}');
            }
        }
    }
}

/// An int (canonical digits) and a float compare exactly, as Python does.
fn int_eq_float(i: &str, f: f64) -> bool {
    if !f.is_finite() || f.fract() != 0.0 {
        return false;
    }
    format!("{f:.0}") == i || (i == "0" && f == 0.0)
}

/// Type-strict equality: Python's `==` on plain data, except that bool equals only bool, list
/// never equals tuple, and NaN equals nothing (also inside containers).
pub fn strict_eq(a: &Plain, b: &Plain) -> bool {
    use Plain::*;
    match (a, b) {
        (Int(x), Int(y)) => x == y,
        (Float(x), Float(y)) => x == y,
        (Int(i), Float(f)) | (Float(f), Int(i)) => int_eq_float(i, *f),
        (Str(x), Str(y)) => x == y,
        (Bool(x), Bool(y)) => x == y,
        (None, None) => true,
        (List(x), List(y)) | (Tuple(x), Tuple(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| strict_eq(p, q))
        }
        (Set(x), Set(y)) => same_members(x, y),
        (Dict(x), Dict(y)) => {
            x.len() == y.len()
                && x.iter().all(|(k, v)| {
                    y.iter()
                        .any(|(k2, v2)| strict_eq(k, k2) && strict_eq(v, v2))
                })
                && y.iter()
                    .all(|(k2, _)| x.iter().any(|(k, _)| strict_eq(k, k2)))
        }
        _ => false,
    }
}

fn same_members(x: &[Plain], y: &[Plain]) -> bool {
    x.len() == y.len()
        && x.iter().all(|p| y.iter().any(|q| strict_eq(p, q)))
        && y.iter().all(|q| x.iter().any(|p| strict_eq(p, q)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn p(v: Value) -> Plain {
        Plain::from_json(&v).unwrap()
    }

    #[test]
    fn equality_is_type_strict() {
        let one = p(json!(["i", "1"]));
        assert!(strict_eq(&one, &p(json!(["i", "01"]))));
        assert!(strict_eq(&one, &p(json!(["f", "1.0"]))));
        assert!(!strict_eq(&one, &p(json!(["b", true]))));
        assert!(!strict_eq(&p(json!(["f", "0.0"])), &p(json!(["b", false]))));
        assert!(!strict_eq(&p(json!(["f", "nan"])), &p(json!(["f", "nan"]))));
        assert!(!strict_eq(
            &p(json!(["l", [["f", "nan"]]])),
            &p(json!(["l", [["f", "nan"]]]))
        ));
        assert!(!strict_eq(
            &p(json!(["l", [["i", "1"]]])),
            &p(json!(["t", [["i", "1"]]]))
        ));
        assert!(strict_eq(
            &p(json!([
                "d",
                [[["s", "a"], ["i", "1"]], [["s", "b"], ["n"]]]
            ])),
            &p(json!([
                "d",
                [[["s", "b"], ["n"]], [["s", "a"], ["f", "1.0"]]]
            ]))
        ));
        assert!(!strict_eq(
            &p(json!(["d", [[["i", "1"], ["i", "1"]]]])),
            &p(json!(["d", [[["b", true], ["i", "1"]]]]))
        ));
        assert!(strict_eq(
            &p(json!(["S", [["i", "1"], ["i", "2"]]])),
            &p(json!(["S", [["i", "2"], ["i", "1"]]]))
        ));
        let big = "18446744073709551617";
        assert!(strict_eq(&p(json!(["i", big])), &p(json!(["i", big]))));
        assert!(!strict_eq(
            &p(json!(["i", big])),
            &p(json!(["f", "1.8446744073709552e+19"]))
        ));
        assert!(strict_eq(&p(json!(["i", "-0"])), &p(json!(["f", "-0.0"]))));
    }

    #[test]
    fn malformed_values_are_refused() {
        for v in [
            json!(["i", "1.5"]),
            json!(["i", 1]),
            json!(["x", 1]),
            json!(["b", 1]),
            json!(["l", [["i"]]]),
            json!("1"),
            json!(["d", [[["i", "1"]]]]),
        ] {
            assert_eq!(Plain::from_json(&v), None, "{v}");
        }
        let mut deep = json!(["n"]);
        for _ in 0..=MAX_DEPTH + 1 {
            deep = json!(["l", [deep]]);
        }
        assert_eq!(Plain::from_json(&deep), None);
    }

    #[test]
    fn truth_and_rendering() {
        assert!(!p(json!(["i", "0"])).truthy());
        assert!(p(json!(["f", "nan"])).truthy());
        assert!(!p(json!(["t", []])).truthy());
        assert_eq!(
            p(json!([
                "l",
                [["t", [["i", "1"]]], ["s", "a\""], ["f", "2.0"], ["b", true]]
            ]))
            .render(80),
            "[(1,), \"a\\\"\", 2.0, True]"
        );
    }
}
