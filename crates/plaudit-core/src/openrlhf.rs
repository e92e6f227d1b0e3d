//! OpenRLHF's remote reward protocol, shared by every front that speaks it (the HTTP server's
//! `POST /get_reward`, the Python package's `plaudit.openrlhf.reward_func`).
//!
//! Request: `{"query": [...], "prompts": [...], "labels": [...]}` where each query is the prompt
//! followed by the response (OpenRLHF sends the decoded sequence), `prompts` the prompts and
//! `labels` the references. Any other key whose value is a list of the same length is a
//! per-sample column and becomes that sample field (`task`, `group`, `reference`, `tokens`, `id`,
//! …); a key holding a single non-list value applies to every sample.
//! Response: `{"rewards": [...], "scores": [...], "extra_logs": {component: [...], "plaudit_ok": [...]}}`.
//! `rewards` are the spec's rewards (the failure value for failed samples); `scores` are the same
//! numbers (OpenRLHF uses them for dynamic filtering); `extra_logs` holds each component's values
//! (NaN-free: a component that failed for a sample logs the failure value) and `plaudit_ok`, 1.0
//! for a sample scored `ok` and 0.0 for any failure (OpenRLHF turns every log into a tensor, so
//! only numbers).

use serde_json::{json, Map, Value};

use crate::result::{ScoreResult, Status};
use crate::sample::type_name;

/// The response part of a query: the query with its prompt removed. When the query does not
/// start with the prompt (a tokenizer round trip can change whitespace), the text after the
/// prompt's last occurrence; when the prompt does not occur at all, the whole query.
pub fn strip_prompt<'a>(query: &'a str, prompt: &str) -> &'a str {
    if prompt.is_empty() {
        return query;
    }
    if let Some(rest) = query.strip_prefix(prompt) {
        return rest;
    }
    match query.rfind(prompt) {
        Some(p) => &query[p + prompt.len()..],
        None => query,
    }
}

/// Turn a request into sample objects (one per query), or an error naming the field.
pub fn samples_from_request(req: &Value) -> Result<Vec<Value>, String> {
    let obj = req
        .as_object()
        .ok_or_else(|| format!("request: expected a JSON object, got {}", type_name(req)))?;
    let queries = match obj.get("query") {
        Some(Value::Array(q)) => q,
        Some(other) => {
            return Err(format!(
                "field `query`: expected a list of strings, got {}",
                type_name(other)
            ))
        }
        None => return Err("missing field `query`".into()),
    };
    let n = queries.len();
    let column = |name: &str| -> Result<Option<&Vec<Value>>, String> {
        match obj.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Array(a)) if a.len() == n => Ok(Some(a)),
            Some(Value::Array(a)) => Err(format!(
                "field `{name}`: has {} items but `query` has {n}",
                a.len()
            )),
            Some(other) => Err(format!(
                "field `{name}`: expected a list, got {}",
                type_name(other)
            )),
        }
    };
    let prompts = column("prompts")?;
    let labels = column("labels")?;
    let mut out = Vec::with_capacity(n);
    for (i, q) in queries.iter().enumerate() {
        let q = q.as_str().ok_or_else(|| {
            format!(
                "field `query[{i}]`: expected a string, got {}",
                type_name(q)
            )
        })?;
        let prompt = match prompts.map(|p| &p[i]) {
            None | Some(Value::Null) => "",
            Some(Value::String(p)) => p.as_str(),
            Some(other) => {
                return Err(format!(
                    "field `prompts[{i}]`: expected a string, got {}",
                    type_name(other)
                ))
            }
        };
        let mut s = Map::new();
        s.insert("id".into(), json!(i));
        s.insert("prompt".into(), json!(prompt));
        s.insert("response".into(), json!(strip_prompt(q, prompt)));
        if let Some(l) = labels {
            s.insert("reference".into(), l[i].clone());
        }
        out.push(s);
    }
    for (k, v) in obj {
        if matches!(k.as_str(), "query" | "prompts" | "labels") {
            continue;
        }
        match v {
            Value::Array(a) if a.len() == n => {
                for (s, x) in out.iter_mut().zip(a) {
                    s.insert(k.clone(), x.clone());
                }
            }
            Value::Array(a) => {
                return Err(format!(
                    "field `{k}`: has {} items but `query` has {n}",
                    a.len()
                ))
            }
            other => {
                for s in out.iter_mut() {
                    s.insert(k.clone(), other.clone());
                }
            }
        }
    }
    Ok(out.into_iter().map(Value::Object).collect())
}

/// The protocol's response for scored results (in request order).
pub fn response(results: &[ScoreResult]) -> Value {
    let rewards: Vec<f64> = results.iter().map(|r| r.reward).collect();
    let mut logs: Map<String, Value> = Map::new();
    let mut names: Vec<&str> = Vec::new();
    for r in results {
        for k in r.components.keys() {
            if !names.contains(&k.as_str()) {
                names.push(k);
            }
        }
    }
    for name in names {
        let vals: Vec<f64> = results
            .iter()
            .map(|r| r.components.get(name).copied().unwrap_or(r.reward))
            .collect();
        logs.insert(name.to_string(), json!(vals));
    }
    if let Some(adv) = results
        .iter()
        .map(|r| r.advantage)
        .collect::<Option<Vec<f64>>>()
    {
        logs.insert("advantage".into(), json!(adv));
    }
    // OpenRLHF turns every extra_logs value into a tensor: numbers only. 1.0 where the sample
    // was scored (`ok`), 0.0 where it failed (any other status).
    let ok: Vec<f64> = results
        .iter()
        .map(|r| if r.status == Status::Ok { 1.0 } else { 0.0 })
        .collect();
    logs.insert("plaudit_ok".into(), json!(ok));
    json!({"rewards": rewards, "scores": rewards, "extra_logs": logs})
}

#[cfg(test)]
mod tests {
    use super::*;
    use indexmap::IndexMap;

    #[test]
    fn prompt_is_stripped() {
        assert_eq!(strip_prompt("Q: 1+1?A: 2", "Q: 1+1?"), "A: 2");
        assert_eq!(strip_prompt("<s>Q: 1+1? A: 2", "Q: 1+1?"), " A: 2");
        assert_eq!(strip_prompt("A: 2", "Q"), "A: 2");
        assert_eq!(strip_prompt("A: 2", ""), "A: 2");
    }

    #[test]
    fn request_to_samples() {
        let req = json!({"query": ["P1 r1", "P2 r2"], "prompts": ["P1", "P2"], "labels": ["1", {"answer": "2"}],
                         "task": ["math", "qa"], "group": "g"});
        let s = samples_from_request(&req).unwrap();
        assert_eq!(
            s[0],
            json!({"id": 0, "prompt": "P1", "response": " r1", "reference": "1", "task": "math", "group": "g"})
        );
        assert_eq!(s[1]["reference"], json!({"answer": "2"}));
        assert_eq!(s[1]["task"], "qa");
    }

    #[test]
    fn request_errors_name_the_field() {
        let e = |v: Value| samples_from_request(&v).unwrap_err();
        assert_eq!(e(json!({"prompts": []})), "missing field `query`");
        assert_eq!(
            e(json!({"query": "x"})),
            "field `query`: expected a list of strings, got a string"
        );
        assert_eq!(
            e(json!({"query": ["a"], "labels": ["1", "2"]})),
            "field `labels`: has 2 items but `query` has 1"
        );
        assert_eq!(
            e(json!({"query": [1]})),
            "field `query[0]`: expected a string, got a number"
        );
        assert_eq!(
            e(json!({"query": ["a"], "task": ["x", "y"]})),
            "field `task`: has 2 items but `query` has 1"
        );
    }

    #[test]
    fn response_shape() {
        let mk = |reward: f64, c: Option<f64>, status: Status| ScoreResult {
            id: json!(0),
            reward,
            components: c
                .map(|c| IndexMap::from([("correct".to_string(), c)]))
                .unwrap_or_default(),
            advantage: None,
            status,
            error: None,
            details: None,
            zero_variance: None,
            observations: Vec::new(),
        };
        let r = response(&[
            mk(1.0, Some(1.0), Status::Ok),
            mk(0.0, None, Status::NoAnswer),
        ]);
        assert_eq!(
            r,
            json!({"rewards": [1.0, 0.0], "scores": [1.0, 0.0],
                   "extra_logs": {"correct": [1.0, 0.0], "plaudit_ok": [1.0, 0.0]}})
        );
    }
}
