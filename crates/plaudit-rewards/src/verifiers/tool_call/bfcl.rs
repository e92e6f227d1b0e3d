//! Matching calls against a reference, by BFCL's rules: expected calls or BFCL's possible
//! answers (with the function docs' types), value rules, and a bipartite matching of parallel calls.

use plaudit_core::Failure;
use serde_json::{Map, Value};

use super::{calls_from_json, Call};

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verifiers::tool_call::{parse_response, MAX_CALLS};
    use serde_json::json;

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
