//! The labelled corpus: every `(reference, response, expected)` case in `tests/corpus/*.jsonl`
//! must get its label. A case is `{"reference", "response", "expected": true|false}` or, for an
//! expected failure, `{"reference", "response", "status": "no_answer"|"invalid_input"|"timeout"}`.

use std::time::Duration;

use plaudit_deadline::Deadline;
use plaudit_math::{verify, MathError, Options, Policy, VerifyError};
use serde_json::Value;

fn cases() -> Vec<(String, usize, Value)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let mut out = Vec::new();
    for f in files {
        if f.extension().and_then(|e| e.to_str()) != Some("jsonl") {
            continue;
        }
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        for (i, line) in std::fs::read_to_string(&f).unwrap().lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let v: Value =
                serde_json::from_str(line).unwrap_or_else(|e| panic!("{name}:{}: {e}", i + 1));
            out.push((name.clone(), i + 1, v));
        }
    }
    out
}

fn status(e: &VerifyError) -> &'static str {
    match e {
        VerifyError::NoAnswer => "no_answer",
        VerifyError::EmptyReference => "invalid_input",
        VerifyError::Math(MathError::Timeout) => "timeout",
        VerifyError::Math(_) => "invalid_input",
    }
}

#[test]
fn corpus_labels_all_hold() {
    let opts = Options::default();
    let all = cases();
    let mut failures = Vec::new();
    let (mut pos, mut neg) = (0, 0);
    for (file, line, c) in &all {
        let reference = c["reference"].as_str().unwrap();
        let response = c["response"].as_str().unwrap();
        let d = Deadline::after(Duration::from_secs(2));
        let mut opts = opts.clone();
        if c.get("policy").and_then(Value::as_str) == Some("symmetric") {
            opts.compare.policy = Policy::Symmetric;
        }
        let got = verify(reference, response, &opts, &d);
        let ok = match (
            c.get("expected").and_then(Value::as_bool),
            c.get("status").and_then(Value::as_str),
            &got,
        ) {
            (Some(e), _, Ok(v)) => {
                if e {
                    pos += 1
                } else {
                    neg += 1
                }
                v.correct == e
            }
            (None, Some(st), Err(e)) => {
                neg += 1;
                status(e) == st
            }
            _ => false,
        };
        if !ok {
            failures.push(format!(
                "{file}:{line}: ref {reference:?} resp {:?}\n    expected {} got {got:?}",
                response
                    .chars()
                    .rev()
                    .take(90)
                    .collect::<String>()
                    .chars()
                    .rev()
                    .collect::<String>(),
                c.get("expected")
                    .map(|v| v.to_string())
                    .or(c.get("status").map(|v| v.to_string()))
                    .unwrap_or_default()
            ));
        }
    }
    eprintln!(
        "corpus: {} cases, {pos} positive, {neg} negative or failing status, {} wrong",
        all.len(),
        failures.len()
    );
    assert!(all.len() >= 600, "corpus has only {} cases", all.len());
    assert!(
        failures.is_empty(),
        "{} of {} cases wrong:\n{}",
        failures.len(),
        all.len(),
        failures.join("\n")
    );
    assert!(
        neg * 3 >= all.len(),
        "fewer than a third negatives: {neg} of {}",
        all.len()
    );
}
