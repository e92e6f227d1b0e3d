//! Reads JSONL pairs `{"reference": …, "response": …}` (or `"gold"`/`"answer"`) on stdin and
//! writes one verdict per line: `{"correct", "status", "answer", "answer_form",
//! "reference_form", "micros"}`. A line may override the options for itself: `"rel_tol"`
//! (number), `"policy"` (`"safe"`|`"symmetric"`), `"extract"` (method names in priority order). `--threads N` scores on N threads (order kept); `--summary`
//! prints throughput and latency percentiles to stderr; `--deadline-ms MS` sets the per-sample
//! deadline (default 1000).
//!
//! cargo run --release -p plaudit-math --example verify_jsonl < pairs.jsonl

use std::io::{BufRead, BufWriter, Write};
use std::time::{Duration, Instant};

use plaudit_deadline::Deadline;
use plaudit_math::{verify, Method, Options, Policy, VerifyError};
use serde_json::{json, Value};

fn field(v: &Value, names: &[&str]) -> String {
    for n in names {
        match v.get(*n) {
            Some(Value::String(s)) => return s.clone(),
            Some(Value::Number(x)) => return x.to_string(),
            _ => {}
        }
    }
    String::new()
}

/// `opts` with the per-line overrides of `v` applied (`None` when there are none).
fn overrides(v: &Value, opts: &Options) -> Option<Options> {
    let mut o = opts.clone();
    let mut any = false;
    if let Some(t) = v.get("rel_tol").and_then(Value::as_f64) {
        o.compare.rel_tol = t;
        any = true;
    }
    match v.get("policy").and_then(Value::as_str) {
        Some("symmetric") => {
            o.compare.policy = Policy::Symmetric;
            any = true;
        }
        Some("safe") => {
            o.compare.policy = Policy::Safe;
            any = true;
        }
        _ => {}
    }
    if let Some(list) = v.get("extract").and_then(Value::as_array) {
        o.extract = list
            .iter()
            .filter_map(|m| m.as_str().and_then(Method::parse))
            .collect();
        any = true;
    }
    any.then_some(o)
}

fn score(v: &Value, opts: &Options, budget: Duration) -> (Value, u128) {
    let own = overrides(v, opts);
    let opts = own.as_ref().unwrap_or(opts);
    let reference = field(v, &["reference", "gold"]);
    let response = field(v, &["response", "answer", "pred"]);
    let t = Instant::now();
    let d = Deadline::after(budget);
    let r = verify(&reference, &response, opts, &d);
    let micros = t.elapsed().as_micros();
    let out = match r {
        Ok(v) => {
            json!({"correct": v.correct, "status": "ok", "answer": v.answer, "answer_form": v.answer_form,
                        "reference_form": v.reference_form, "basis": v.basis, "micros": micros as u64})
        }
        Err(VerifyError::NoAnswer) => {
            json!({"correct": false, "status": "no_answer", "micros": micros as u64})
        }
        Err(VerifyError::Math(plaudit_math::MathError::Timeout)) => {
            json!({"correct": false, "status": "timeout", "micros": micros as u64})
        }
        Err(e) => {
            json!({"correct": false, "status": "error", "error": e.to_string(), "micros": micros as u64})
        }
    };
    (out, micros)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let get = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let threads: usize = get("--threads")
        .and_then(|s| s.parse().ok())
        .unwrap_or(1)
        .max(1);
    let budget = Duration::from_millis(
        get("--deadline-ms")
            .and_then(|s| s.parse().ok())
            .unwrap_or(1000),
    );
    let summary = args.iter().any(|a| a == "--summary");
    let quiet = args.iter().any(|a| a == "--quiet");
    let inputs: Vec<Value> = std::io::stdin()
        .lock()
        .lines()
        .map_while(Result::ok)
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(&l).unwrap_or(Value::Null))
        .collect();
    let opts = Options::default();
    let start = Instant::now();
    let mut results: Vec<(Value, u128)> = Vec::with_capacity(inputs.len());
    if threads == 1 {
        for v in &inputs {
            results.push(score(v, &opts, budget));
        }
    } else {
        let chunk = inputs.len().div_ceil(threads).max(1);
        let parts: Vec<Vec<(Value, u128)>> = std::thread::scope(|s| {
            let hs: Vec<_> = inputs
                .chunks(chunk)
                .map(|c| {
                    let opts = &opts;
                    s.spawn(move || c.iter().map(|v| score(v, opts, budget)).collect::<Vec<_>>())
                })
                .collect();
            hs.into_iter()
                .map(|h| h.join().unwrap_or_default())
                .collect()
        });
        results = parts.into_iter().flatten().collect();
    }
    let wall = start.elapsed();
    if !quiet {
        let stdout = std::io::stdout();
        let mut w = BufWriter::new(stdout.lock());
        for (r, _) in &results {
            let _ = writeln!(w, "{r}");
        }
    }
    if summary {
        let mut lat: Vec<u128> = results.iter().map(|(_, m)| *m).collect();
        lat.sort_unstable();
        let pct = |p: f64| {
            lat.get(((lat.len() as f64 - 1.0) * p).round() as usize)
                .copied()
                .unwrap_or(0)
        };
        let n = results.len();
        eprintln!(
            "{}",
            json!({"n": n, "threads": threads, "seconds": wall.as_secs_f64(),
                   "samples_per_s": n as f64 / wall.as_secs_f64().max(1e-9),
                   "p50_us": pct(0.5) as u64, "p99_us": pct(0.99) as u64, "max_us": pct(1.0) as u64})
        );
    }
}
