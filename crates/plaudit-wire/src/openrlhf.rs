//! OpenRLHF's remote reward protocol, shared by every front that speaks it (the HTTP server's
//! `POST /get_reward`, the Python package's `plaudit.openrlhf.reward_func`).
//!
//! Request: `{"query": [...], "prompts": [...], "labels": [...]}`. OpenRLHF (0.10.2 and later,
//! `SingleTurnAgentExecutor`) sends one rollout per request: `query` is the tokenizer's decoding
//! of prompt tokens + response tokens *with special tokens*, so it ends in the chat template's
//! end-of-turn marker (`<|im_end|>`, `<|eot_id|>`, …), and when the prompt was longer than its
//! budget the prompt tokens were cut from the left, so the query starts inside the prompt.
//! Any other key whose value is a list of the same length is a per-sample column and becomes that
//! sample field (`task`, `group`, `reference`, `tokens`, `id`, …); a key holding a single
//! non-list value applies to every sample.
//!
//! The response text of a query ([`response_text`]): the text after the prompt (the whole prompt,
//! its first occurrence, or, for a left-truncated prompt, the longest end part of the prompt the
//! query starts with, at least [`MIN_OVERLAP`] bytes), then without trailing end-of-turn/EOS
//! markers ([`DEFAULT_END_MARKERS`], or [`Options::end_markers`]). Prompt text is never scored: a
//! query in which the prompt cannot be found is that sample's `invalid_input`.
//!
//! Response: `{"rewards": [...], "scores": [...], "extra_logs": {...}}`. `rewards` are the spec's
//! rewards (the failure value for failed samples); `scores` the same numbers (OpenRLHF's dynamic
//! filtering reads them). `extra_logs` has the same keys for every request of a spec
//! (OpenRLHF concatenates them across rollouts and fails on a missing or extra key): every
//! component of every route ([`log_keys`]), each with one number per sample — the component's
//! value; the route's failure value (`on_error`) when it failed; 0.0 when the sample's route has
//! no such component — then `plaudit_ok` (1.0 for status `ok`, 0.0 otherwise) and, only when the
//! request carries a `group` column, `advantage`. Only numbers: OpenRLHF makes tensors of them.

use std::sync::Arc;

use serde_json::{json, Map, Value};

use plaudit_core::engine::Input;
use plaudit_core::result::{ScoreResult, Status};
use plaudit_core::sample::type_name;
use plaudit_core::spec::Spec;

/// End-of-turn and end-of-sequence strings of common chat templates, removed from the end of
/// a response (repeatedly, with whitespace between them): ChatML/Qwen (`<|im_end|>`,
/// `<|endoftext|>`), Llama 3 (`<|eot_id|>`, `<|eom_id|>`, `<|end_of_text|>`), Llama 2/Mistral
/// (`</s>`), Gemma (`<end_of_turn>`, `<eos>`), Phi-3 (`<|end|>`), gpt-oss (`<|return|>`),
/// DeepSeek (`<｜end▁of▁sentence｜>`).
pub const DEFAULT_END_MARKERS: &[&str] = &[
    "<|im_end|>",
    "<|endoftext|>",
    "<|eot_id|>",
    "<|eom_id|>",
    "<|end_of_text|>",
    "</s>",
    "<end_of_turn>",
    "<eos>",
    "<|end|>",
    "<|return|>",
    "<｜end▁of▁sentence｜>",
];

/// The shortest end part of a left-truncated prompt (in bytes) accepted as the start of a query;
/// a shorter overlap could be a coincidence (or the whole prompt, when it is shorter).
pub const MIN_OVERLAP: usize = 8;

/// Counts the tokens of a response text (a tokenizer loaded by the front).
pub type TokenCounter = Arc<dyn Fn(&str) -> Result<u64, String> + Send + Sync>;

/// How a front turns OpenRLHF queries into samples.
#[derive(Clone)]
pub struct Options {
    /// Removed from the end of every response (see [`DEFAULT_END_MARKERS`]).
    pub end_markers: Vec<String>,
    /// Fills `tokens` (when the request has no `tokens` column) from the response text.
    pub count_tokens: Option<TokenCounter>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            end_markers: DEFAULT_END_MARKERS.iter().map(|s| s.to_string()).collect(),
            count_tokens: None,
        }
    }
}

impl std::fmt::Debug for Options {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Options")
            .field("end_markers", &self.end_markers)
            .field("count_tokens", &self.count_tokens.is_some())
            .finish()
    }
}

/// The longest prefix of `text` that is also a suffix of `prompt` (Knuth–Morris–Pratt over
/// bytes, linear in both lengths).
fn overlap(prompt: &[u8], text: &[u8]) -> usize {
    let pat = &text[..text.len().min(prompt.len())];
    if pat.is_empty() {
        return 0;
    }
    let mut fail = vec![0usize; pat.len()];
    let mut k = 0;
    for i in 1..pat.len() {
        while k > 0 && pat[i] != pat[k] {
            k = fail[k - 1];
        }
        if pat[i] == pat[k] {
            k += 1;
        }
        fail[i] = k;
    }
    let mut q = 0;
    for &b in prompt {
        while q > 0 && (q == pat.len() || b != pat[q]) {
            q = fail[q - 1];
        }
        if q < pat.len() && b == pat[q] {
            q += 1;
        }
    }
    q
}

/// Where the response starts in `query`, or why it cannot be found (see the module doc).
pub fn response_start(query: &str, prompt: &str) -> Result<usize, String> {
    if prompt.is_empty() {
        return Ok(0);
    }
    if let Some(p) = query.find(prompt) {
        return Ok(p + prompt.len());
    }
    // Left truncation: the query starts inside the prompt, possibly with a character cut in
    // two (decoded as U+FFFD).
    let rest = query.trim_start_matches('\u{FFFD}');
    let skipped = query.len() - rest.len();
    let n = overlap(prompt.as_bytes(), rest.as_bytes());
    if n >= MIN_OVERLAP.min(prompt.len()) && n > 0 {
        return Ok(skipped + n);
    }
    Err(format!(
        "the query does not contain its prompt, whole or left-truncated (the query's start: {:?}; the prompt's end: {:?}); prompt text is never scored",
        head(query, 40),
        tail(prompt, 40)
    ))
}

fn head(s: &str, n: usize) -> &str {
    match s.char_indices().nth(n) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

fn tail(s: &str, n: usize) -> &str {
    let count = s.chars().count();
    if count <= n {
        return s;
    }
    match s.char_indices().nth(count - n) {
        Some((i, _)) => &s[i..],
        None => s,
    }
}

/// `response` without trailing end markers (repeatedly, skipping whitespace between them).
/// Unchanged when it does not end in one.
pub fn strip_end_markers<'a>(response: &'a str, markers: &[String]) -> &'a str {
    let mut end = response.len();
    loop {
        let t = response[..end].trim_end();
        match markers
            .iter()
            .find(|m| !m.is_empty() && t.ends_with(m.as_str()))
        {
            Some(m) => end = t.len() - m.len(),
            None => return &response[..end],
        }
    }
}

/// The response part of a query: after the prompt, without end markers.
pub fn response_text<'a>(
    query: &'a str,
    prompt: &str,
    end_markers: &[String],
) -> Result<&'a str, String> {
    let start = response_start(query, prompt)?;
    Ok(strip_end_markers(&query[start..], end_markers))
}

/// The component names `extra_logs` carries for `spec`: every route's (fallback first), no
/// repeats, in spec order.
pub fn log_keys(spec: &Spec) -> Vec<String> {
    spec.component_names()
}

/// Components whose reward is computed per group (`route \`r\`: component \`c\` (reward)`).
pub fn group_components(spec: &Spec) -> Vec<String> {
    components_where(spec, |route, i| route.is_group(i))
}

/// Components that count length in tokens (`unit: tokens`), which need a `tokens` field.
pub fn token_components(spec: &Spec) -> Vec<String> {
    components_where(spec, |route, i| {
        route.components[i].params.to_json().get("unit") == Some(&json!("tokens"))
    })
}

fn components_where(
    spec: &Spec,
    pred: impl Fn(&plaudit_core::spec::Route, usize) -> bool,
) -> Vec<String> {
    let mut out = Vec::new();
    let routes = spec
        .fallback
        .iter()
        .map(|r| ("(top level)".to_string(), r))
        .chain(spec.routes.iter().map(|(k, r)| (format!("route `{k}`"), r)));
    for (label, route) in routes {
        for (i, c) in route.components.iter().enumerate() {
            if pred(route, i) {
                out.push(format!(
                    "{label}: component `{}` ({})",
                    c.name, c.reward_name
                ));
            }
        }
    }
    out
}

/// Why `spec` cannot be scored from OpenRLHF queries under `opts`, if it cannot: a component
/// counts tokens and there is no tokenizer. (A request that carries a `tokens` list is still
/// accepted by [`parse`].)
pub fn check_spec(spec: &Spec, opts: &Options) -> Result<(), String> {
    if opts.count_tokens.is_some() {
        return Ok(());
    }
    let needs = token_components(spec);
    if needs.is_empty() {
        return Ok(());
    }
    Err(format!(
        "{} count(s) length in tokens, and OpenRLHF sends text without token counts: give a tokenizer (`plaudit serve --tokenizer tokenizer.json`, `reward.openrlhf(tokenizer=...)`), or set `unit: chars` or `unit: words`",
        needs.join("; ")
    ))
}

/// A parsed request: one input per query, each sample's task (for its route), and whether the
/// request carries groups.
pub struct Request {
    pub inputs: Vec<Input>,
    pub tasks: Vec<Option<String>>,
    pub grouped: bool,
}

/// An integral float label (`72.0`, as pandas writes integer columns with gaps) as an integer.
fn label(v: &Value) -> Value {
    match v {
        Value::Number(n) if !n.is_i64() && !n.is_u64() => match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => json!(f as i64),
            _ => v.clone(),
        },
        _ => v.clone(),
    }
}

/// Turn a request into samples (one per query), or an error naming the field. A query whose
/// prompt cannot be found is an `invalid_input` sample. With `spec`, a request that needs token
/// counts it cannot have is refused, naming the components.
pub fn parse(req: &Value, spec: Option<&Spec>, opts: &Options) -> Result<Request, String> {
    let samples = samples_with(req, opts)?;
    let has_tokens = req.get("tokens").is_some_and(|t| !t.is_null());
    if let (Some(spec), false) = (spec, has_tokens) {
        check_spec(spec, opts)
            .map_err(|e| format!("{e} (or send a `tokens` list with the request)"))?;
    }
    let grouped = req.get("group").is_some_and(|g| !g.is_null());
    let mut inputs = Vec::with_capacity(samples.len());
    let mut tasks = Vec::with_capacity(samples.len());
    for s in samples {
        match s {
            Ok(v) => {
                tasks.push(v.get("task").and_then(Value::as_str).map(str::to_string));
                inputs.push(Input::from_value(v));
            }
            Err((v, message)) => {
                tasks.push(v.get("task").and_then(Value::as_str).map(str::to_string));
                let group = match v.get("group") {
                    Some(Value::String(s)) => Some(s.clone()),
                    Some(Value::Number(n)) => Some(n.to_string()),
                    _ => None,
                };
                inputs.push(Input::Invalid {
                    id: v.get("id").cloned().unwrap_or(Value::Null),
                    group,
                    message,
                });
            }
        }
    }
    Ok(Request {
        inputs,
        tasks,
        grouped,
    })
}

/// Samples as JSON values with the default [`Options`] (no tokenizer); a query whose prompt
/// cannot be found gives an error naming the query.
pub fn samples_from_request(req: &Value) -> Result<Vec<Value>, String> {
    samples_with(req, &Options::default())?
        .into_iter()
        .map(|s| s.map_err(|(_, m)| m))
        .collect()
}

type SampleOr = Result<Value, (Value, String)>;

fn samples_with(req: &Value, opts: &Options) -> Result<Vec<SampleOr>, String> {
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
    let mut out: Vec<(Map<String, Value>, Option<String>)> = Vec::with_capacity(n);
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
        let mut failure = None;
        match response_text(q, prompt, &opts.end_markers) {
            Ok(r) => {
                s.insert("response".into(), json!(r));
            }
            Err(e) => failure = Some(format!("query {i}: {e}")),
        }
        if let Some(l) = labels {
            s.insert("reference".into(), label(&l[i]));
        }
        out.push((s, failure));
    }
    for (k, v) in obj {
        if matches!(k.as_str(), "query" | "prompts" | "labels") {
            continue;
        }
        match v {
            Value::Array(a) if a.len() == n => {
                for ((s, _), x) in out.iter_mut().zip(a) {
                    s.insert(k.clone(), x.clone());
                }
            }
            Value::Array(a) => {
                return Err(format!(
                    "field `{k}`: has {} items but `query` has {n}",
                    a.len()
                ))
            }
            Value::Null => {}
            other => {
                for (s, _) in out.iter_mut() {
                    s.insert(k.clone(), other.clone());
                }
            }
        }
    }
    if let Some(count) = &opts.count_tokens {
        for (s, failure) in out.iter_mut() {
            if failure.is_some() || s.contains_key("tokens") {
                continue;
            }
            let text = s.get("response").and_then(Value::as_str).unwrap_or("");
            match count(text) {
                Ok(t) => {
                    s.insert("tokens".into(), json!(t));
                }
                Err(e) => *failure = Some(format!("tokenizer: {e}")),
            }
        }
    }
    Ok(out
        .into_iter()
        .map(|(s, failure)| match failure {
            None => Ok(Value::Object(s)),
            Some(m) => Err((Value::Object(s), m)),
        })
        .collect())
}

/// The protocol's response for scored results (in request order), with the fixed keys of
/// [`log_keys`] (see the module doc). `tasks` are the samples' tasks (their routes).
pub fn response(
    spec: &Spec,
    tasks: &[Option<String>],
    results: &[ScoreResult],
    grouped: bool,
) -> Value {
    let rewards: Vec<f64> = results.iter().map(|r| r.reward).collect();
    let mut logs: Map<String, Value> = Map::new();
    let routes: Vec<Option<&plaudit_core::spec::Route>> = (0..results.len())
        .map(|i| {
            spec.route_for(tasks.get(i).and_then(|t| t.as_deref()))
                .ok()
                .map(|r| r.as_ref())
        })
        .collect();
    for name in log_keys(spec) {
        let vals: Vec<f64> = results
            .iter()
            .zip(&routes)
            .map(|(r, route)| match r.components.get(&name) {
                Some(v) => *v,
                None => match route {
                    Some(route) if route.components.iter().any(|c| c.name == name) => {
                        route.on_error
                    }
                    _ => 0.0,
                },
            })
            .collect();
        logs.insert(name, json!(vals));
    }
    // OpenRLHF turns every extra_logs value into a tensor: numbers only. 1.0 where the sample
    // was scored (`ok`), 0.0 where it failed (any other status).
    let ok: Vec<f64> = results
        .iter()
        .map(|r| if r.status == Status::Ok { 1.0 } else { 0.0 })
        .collect();
    logs.insert("plaudit_ok".into(), json!(ok));
    if grouped && spec.group.is_active() {
        let adv: Vec<f64> = results.iter().map(|r| r.advantage.unwrap_or(0.0)).collect();
        logs.insert("advantage".into(), json!(adv));
    }
    json!({"rewards": rewards, "scores": rewards, "extra_logs": logs})
}

#[cfg(test)]
mod tests {
    use super::*;

    fn markers() -> Vec<String> {
        Options::default().end_markers
    }

    #[test]
    fn prompt_is_stripped() {
        let r = |q: &str, p: &str| response_text(q, p, &markers()).unwrap().to_string();
        assert_eq!(r("Q: 1+1?A: 2", "Q: 1+1?"), "A: 2");
        assert_eq!(r("<s>Q: 1+1? A: 2", "Q: 1+1?"), " A: 2");
        assert_eq!(r("A: 2", ""), "A: 2");
        // The first occurrence: a response repeating its prompt keeps the repetition.
        assert_eq!(r("Q: x? Q: x? 4", "Q: x?"), " Q: x? 4");
    }

    #[test]
    fn end_markers_are_stripped() {
        let r = |q: &str| response_text(q, "", &markers()).unwrap().to_string();
        assert_eq!(r("<answer>4</answer><|im_end|>"), "<answer>4</answer>");
        assert_eq!(
            r("<answer>4</answer>\n<|im_end|>\n<|endoftext|>"),
            "<answer>4</answer>\n"
        );
        assert_eq!(r("it is 4<|eot_id|>"), "it is 4");
        assert_eq!(r("no marker \n"), "no marker \n");
        assert_eq!(
            response_text("x</s>", "", &["<stop>".to_string()]).unwrap(),
            "x</s>"
        );
    }

    #[test]
    fn left_truncated_prompt_is_not_scored() {
        let prompt = "Example: 2+2 = \\boxed{4}.\nNow: 3+3 = ?<|im_start|>assistant\n";
        // The first 20 bytes of the prompt were cut off (OpenRLHF keeps the prompt's last tokens).
        let query = format!("{}I think \\boxed{{5}}<|im_end|>", &prompt[20..]);
        assert_eq!(
            response_text(&query, prompt, &markers()).unwrap(),
            "I think \\boxed{5}"
        );
        // A character cut in two decodes as U+FFFD.
        let prompt = "Été: 3+3 = ?<|im_start|>assistant\n";
        let query = format!("\u{FFFD}{}six<|im_end|>", &prompt[2..]);
        assert_eq!(response_text(&query, prompt, &markers()).unwrap(), "six");
        // Nothing of the prompt: refused, not scored whole.
        let e = response_text("\\boxed{4}", "What is 2+2? Answer:", &markers()).unwrap_err();
        assert!(
            e.starts_with("the query does not contain its prompt, whole or left-truncated"),
            "{e}"
        );
        // A short coincidental overlap is not a boundary.
        assert!(response_text("r: \\boxed{4}", "What is 2+2? Answer:", &markers()).is_err());
    }

    #[test]
    fn overlap_is_the_longest_prompt_suffix_starting_the_text() {
        assert_eq!(overlap(b"abcabc", b"bcabcX"), 5);
        assert_eq!(overlap(b"aaaa", b"aaab"), 3);
        assert_eq!(overlap(b"abc", b"x"), 0);
        assert_eq!(overlap(b"abc", b"abc"), 3);
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
        // Integral float labels are integers; others unchanged.
        let s = samples_from_request(&json!({"query": ["a", "b"], "labels": [72.0, 0.5]})).unwrap();
        assert_eq!(s[0]["reference"], json!(72));
        assert_eq!(s[1]["reference"], json!(0.5));
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
}
