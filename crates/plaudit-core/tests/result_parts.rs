//! Results written from their parts (`Batch::push_lines`, `Emit::emit_parts`) are the results
//! `Batch::push` gives and the lines it writes: several components, details of values and of
//! failures, skipped components, failed inputs, non-finite values, expression errors, ids of
//! every kind, escapes.

use std::sync::Arc;

use plaudit_core::engine::LineReader;
use plaudit_core::{
    BatchOptions, Ctx, Emit, Engine, Failure, JsonLine, MemoryStore, Outcome, Params, Registry,
    Reward, RewardInfo, Sample, Score, ScoreResult, Spec,
};
use serde_json::{json, Value};

/// By the response: "fail…" fails with details, "none…" has no answer, "nan" gives NaN, else
/// the response's length with details (the response itself among them).
struct Detailed;
impl Reward for Detailed {
    fn score(&self, s: &Sample, _cx: &Ctx) -> Outcome {
        let r = s.response.as_str();
        if r.starts_with("fail") {
            return Err(Failure::error("it \"failed\"\n")
                .with_details(json!({"why": r, "n": [1, 2.5, null]})));
        }
        if r.starts_with("none") {
            return Err(Failure::no_answer("no answer here"));
        }
        if r == "nan" {
            return Ok(Score::with_details(f64::NAN, json!({"nan": true})));
        }
        Ok(Score::with_details(
            r.chars().count() as f64,
            json!({"text": r, "id": s.id, "nested": {"a": [], "b": {}}}),
        ))
    }
}

/// 1 without details, 0 for a response "zero".
struct Plain;
impl Reward for Plain {
    fn score(&self, s: &Sample, _cx: &Ctx) -> Outcome {
        Ok(Score::new(if s.response == "zero" { 0.0 } else { 1.0 }))
    }
}

fn engine(spec: &Value) -> Engine {
    let mut r = Registry::new();
    r.add(RewardInfo {
        name: "detailed",
        family: "test",
        source: "//! Test reward.",
        params: &[],
        build: |_: &Params| Ok(Arc::new(Detailed) as Arc<dyn Reward>),
    });
    r.add(RewardInfo {
        name: "plain",
        family: "test",
        source: "//! Test reward.",
        params: &[],
        build: |_: &Params| Ok(Arc::new(Plain) as Arc<dyn Reward>),
    });
    Engine::with_store(
        Spec::from_value(spec, &r).unwrap(),
        Arc::new(MemoryStore::new()),
    )
}

fn jsonl() -> String {
    let responses = [
        "abc",
        "fail",
        "fail\tnow",
        "none",
        "nan",
        "zero",
        "é\"q\"\\",
        "",
        "x y",
        "zero",
    ];
    let ids = [
        "0",
        "-7",
        "\"s\"",
        "null",
        "1.50",
        "1e3",
        "123456789012345678901234567890",
        "[1, {\"a\": \"b\"}]",
        "\"q\\\"\\u0001\"",
        "true",
    ];
    let mut out = String::new();
    for i in 0..120 {
        let r = serde_json::to_string(responses[i % responses.len()]).unwrap();
        let id = ids[(i / 3) % ids.len()];
        let line = match i % 13 {
            11 => "{\"id\": 3, \"respo".to_string(),
            12 => format!("{{\"id\": {id}, \"task\": \"nowhere\", \"response\": {r}}}"),
            _ => format!("{{\"id\": {id}, \"response\": {r}, \"reference\": \"{i}\"}}"),
        };
        out.push_str(&line);
        out.push('\n');
    }
    out
}

fn run<O: Emit>(spec: &Value, fused: bool) -> Vec<O> {
    let e = engine(spec);
    let text = jsonl();
    let mut lines = LineReader::new(text.as_bytes(), 1000);
    let mut batch = e.batch::<O>(BatchOptions::default());
    let mut out = Vec::new();
    loop {
        let chunk = lines.next_raw_chunk(17, usize::MAX, Vec::new()).unwrap();
        if chunk.is_empty() {
            break;
        }
        if fused {
            out.extend(batch.push_lines(&chunk, |_| ()).0);
        } else {
            out.extend(batch.push(chunk.parse()));
        }
    }
    batch.finish_after(out).results
}

#[test]
fn parts_give_the_results_and_lines_of_push() {
    for spec in [
        json!({"components": {"d": "detailed"}}),
        json!({"components": {"d": "detailed", "p": "plain"}, "reward": "d + 2 * p"}),
        json!({"components": {"p": "plain", "d": "detailed"}, "reward": "d / p"}),
        json!({"components": {
            "p": "plain",
            "d": {"reward": "detailed", "when": "p > 0", "otherwise": -0.5},
        }, "reward": "d - p"}),
        json!({"components": {"d": "detailed", "p": "plain"}, "reward": "d",
               "group": {"advantage": "grpo"}}),
    ] {
        let results = run::<ScoreResult>(&spec, true);
        assert_eq!(results, run::<ScoreResult>(&spec, false), "{spec}");
        assert_eq!(results.len(), 120);
        let lines = run::<JsonLine>(&spec, true);
        assert_eq!(lines, run::<JsonLine>(&spec, false), "{spec}");
        // And the lines are the results as serde_json writes them.
        for (l, r) in lines.iter().zip(&results) {
            let mut expected = serde_json::to_vec(r).unwrap();
            expected.push(b'\n');
            assert_eq!(
                String::from_utf8_lossy(&l.0),
                String::from_utf8_lossy(&expected)
            );
        }
        // Details of values and of failures, in the components' order.
        assert!(results.iter().any(|r| r.details.is_some()));
        assert!(results.iter().any(|r| r.error.is_some()));
    }
}
