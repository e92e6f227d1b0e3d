//! `plaudit report`: scores a file, reports on it, and checks the page (self-contained, bounded,
//! untrusted text escaped, stable element ids) and the statistics JSON.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::{json, Value};

fn plaudit(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_plaudit"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("plaudit-report-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn write_lines(path: &Path, rows: impl IntoIterator<Item = Value>) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    for r in rows {
        writeln!(f, "{r}").unwrap();
    }
}

/// Two groups of math samples, one of them answering with a script.
fn samples() -> Vec<Value> {
    vec![
        json!({"id": "g1-a", "group": "g1", "task": "math", "prompt": "2+2?", "response": "<answer>4</answer>", "reference": "4", "meta": {"data_source": "toy"}}),
        json!({"id": "g1-b", "group": "g1", "task": "math", "prompt": "2+2?", "response": "<script>alert(1)</script>", "reference": "4", "meta": {"data_source": "toy"}}),
        json!({"id": "g2-a", "group": "g2", "task": "math", "prompt": "3+3?", "response": "<answer>5</answer>", "reference": "6", "meta": {"data_source": "other"}}),
        json!({"id": "g2-b", "group": "g2", "task": "math", "prompt": "3+3?", "response": "<answer>7</answer>", "reference": "6", "meta": {"data_source": "other"}}),
    ]
}

#[test]
fn score_then_report_writes_a_self_contained_page_and_exact_json() {
    let dir = temp_dir("roundtrip");
    let (input, results, page) = (
        dir.join("in.jsonl"),
        dir.join("out.jsonl"),
        dir.join("r.html"),
    );
    write_lines(&input, samples());
    let out = plaudit(&[
        "score",
        "--quiet",
        input.to_str().unwrap(),
        "-o",
        results.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    let out = plaudit(&[
        "report",
        results.to_str().unwrap(),
        "--input",
        input.to_str().unwrap(),
        "-o",
        page.to_str().unwrap(),
        "--by",
        "meta.data_source",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(plaudit_report::external_refs(&html).is_empty());
    for id in [
        "headline",
        "charts",
        "failures",
        "rollouts",
        "rollout-detail",
        "rollout-data",
    ] {
        assert!(html.contains(&format!("id=\"{id}\"")), "#{id} missing");
    }
    assert!(
        !html.contains("<script>alert(1)"),
        "the response's script is escaped"
    );
    assert!(html.contains("\\u003cscript\\u003ealert(1)\\u003c/script\\u003e"));
    assert!(html.contains("<svg"));

    let out = plaudit(&[
        "report",
        results.to_str().unwrap(),
        "--input",
        input.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let s: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(s["samples"], 4);
    // g1: one right (1) and one without an answer (0); g2: both wrong.
    let t = &s["trainers"];
    assert_eq!(t["reward"].as_f64(), Some(0.25));
    assert_eq!(t["frac_reward_zero_std"].as_f64(), Some(0.5));
    assert!((t["reward_std"].as_f64().unwrap() - 0.5f64.sqrt() / 2.0).abs() < 1e-12);
    assert_eq!(s["by_route"]["math"]["n"], 4);
    assert_eq!(s["length"]["unit"], "characters");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn bad_lines_are_reported_with_their_numbers() {
    let dir = temp_dir("bad");
    let results = dir.join("out.jsonl");
    std::fs::write(
        &results,
        "{\"id\":1,\"reward\":1.0,\"status\":\"ok\"}\nnot json\n{\"id\":2,\"reward\":0.0}\n",
    )
    .unwrap();
    let out = plaudit(&["report", results.to_str().unwrap(), "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        "plaudit: 2 bad results line(s), not counted: line 2, 3\n"
    );
    let s: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(s["samples"], 1);
    assert_eq!(s["bad_lines"]["results"]["count"], 2);
    assert_eq!(s["bad_lines"]["results"]["lines"][1]["line"], 3);
    let out = plaudit(&["report", dir.join("missing.jsonl").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with("plaudit: cannot read results"),
        "{}",
        stderr(&out)
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_page_over_100k_results_stays_under_2_mb() {
    let dir = temp_dir("big");
    let (input, results, page) = (
        dir.join("in.jsonl"),
        dir.join("out.jsonl"),
        dir.join("r.html"),
    );
    let long = "step by step, ".repeat(200);
    write_lines(
        &input,
        (0..100_000).map(|i| json!({"id": i, "group": i / 8, "task": if i % 2 == 0 { "math" } else { "qa" },
            "prompt": long, "response": format!("{long} <answer>{i}</answer>"), "tokens": 600 + i % 900})),
    );
    write_lines(
        &results,
        (0..100_000).map(|i| {
            let status = ["ok", "ok", "ok", "no_answer", "timeout"][i % 5];
            json!({"id": i, "reward": ((i * 7919) % 11) as f64 / 10.0,
                "components": {"correct": (i % 2) as f64, "format": ((i / 3) % 2) as f64},
                "status": status,
                "error": if status == "ok" { Value::Null } else { json!(format!("{status} after {i} ms on \"{long}\"")) },
                "details": {"correct": {"answer": format!("{i}"), "trace": long}},
                "advantage": ((i % 8) as f64 - 3.5) / 2.0})
        }),
    );
    let out = plaudit(&[
        "report",
        results.to_str().unwrap(),
        "--input",
        input.to_str().unwrap(),
        "-o",
        page.to_str().unwrap(),
        "--sample",
        "5000",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.len() < 2_000_000, "{} bytes", html.len());
    assert!(html.contains("<b>100000</b> samples"));
    assert!(plaudit_report::external_refs(&html).is_empty());
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn compare_two_scorings_of_the_same_rollouts() {
    let dir = temp_dir("compare");
    let (input, a, b, page) = (
        dir.join("in.jsonl"),
        dir.join("a.jsonl"),
        dir.join("b.jsonl"),
        dir.join("c.html"),
    );
    write_lines(&input, samples());
    let out = plaudit(&[
        "score",
        "--quiet",
        input.to_str().unwrap(),
        "-o",
        a.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // B: a second scoring where g1-a lost its reward and g2-a passed with a timeout status.
    let rows: Vec<Value> = std::fs::read_to_string(&a)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        rows.iter()
            .map(|r| r["reward"].as_f64())
            .collect::<Vec<_>>(),
        [Some(1.0), Some(0.0), Some(0.0), Some(0.0)]
    );
    let mut changed = rows.clone();
    changed[0]["reward"] = json!(0.0);
    changed[2]["reward"] = json!(0.75);
    changed[2]["status"] = json!("timeout");
    write_lines(&b, changed);

    let out = plaudit(&[
        "report",
        "--compare",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "--input",
        input.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let s: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(s["samples"], 4);
    assert_eq!(s["flipped"], 2);
    assert_eq!(s["status_changed"], 1);
    assert_eq!(
        s["by_route"]["math"],
        json!({"pass_pass": 0, "pass_fail": 1, "fail_pass": 1, "fail_fail": 2, "status_changed": 1})
    );
    assert_eq!(s["flips"][0]["id"], "g1-a");
    assert_eq!(s["flips"][1]["verdict"], "fail→pass");
    assert!((s["mean_abs_delta"].as_f64().unwrap() - 1.75 / 4.0).abs() < 1e-12);
    assert_eq!(s["join"]["input_id_mismatches"], 0);

    // A threshold above every reward: nothing passes, nothing flips.
    let out = plaudit(&[
        "report",
        "--compare",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "--threshold",
        "1",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let s: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (s["flipped"].as_u64(), s["confusion"]["fail_fail"].as_u64()),
        (Some(0), Some(4))
    );

    let out = plaudit(&[
        "report",
        "--compare",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "--input",
        input.to_str().unwrap(),
        "-o",
        page.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("comparison of 4 rollouts (2 flipped)"),
        "{}",
        stderr(&out)
    );
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(plaudit_report::external_refs(&html).is_empty());
    for id in [
        "compare-headline",
        "confusion",
        "charts",
        "rollouts",
        "rollout-detail",
    ] {
        assert!(html.contains(&format!("id=\"{id}\"")), "#{id} missing");
    }
    assert!(!html.contains("<script>alert(1)"));

    // --compare takes two files, and no RESULTS besides.
    let out = plaudit(&["report", "--compare", a.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let out = plaudit(&[
        "report",
        a.to_str().unwrap(),
        "--compare",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    std::fs::remove_dir_all(dir).unwrap();
}
