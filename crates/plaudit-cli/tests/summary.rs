//! `plaudit score`'s summary: the trainers' figures in the end-of-run line and `--summary-json`,
//! the same numbers `plaudit report --input` computes.

use std::process::Command;

use serde_json::{json, Value};

fn temp(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("plaudit-summary-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[test]
fn score_prints_and_writes_the_trainers_figures() {
    // Group g1: rewards 1 and 0 (std 1/√2); g2: 1 and 1 (no variance); one unreadable line.
    let input = temp("in.jsonl");
    std::fs::write(
        &input,
        [
            r#"{"id":1,"task":"math","group":"g1","response":"\\boxed{1}","reference":"1","tokens":5}"#,
            r#"{"id":2,"task":"math","group":"g1","response":"\\boxed{2}","reference":"1","tokens":7}"#,
            r#"{"id":3,"task":"math","group":"g2","response":"\\boxed{1}","reference":"1","tokens":3}"#,
            r#"{"id":4,"task":"math","group":"g2","response":"\\boxed{1}","reference":"1","tokens":4}"#,
            "not json",
        ]
        .join("\n")
            + "\n",
    )
    .unwrap();
    let (out, summary) = (temp("out.jsonl"), temp("summary.json"));
    let run = Command::new(env!("CARGO_BIN_EXE_plaudit"))
        .arg("score")
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .arg("--summary-json")
        .arg(&summary)
        .output()
        .unwrap();
    assert!(run.status.success());
    let stderr = String::from_utf8(run.stderr).unwrap();
    let line: Vec<&str> = stderr.lines().collect();
    assert_eq!(line.len(), 1, "{stderr}");
    assert!(line[0].starts_with("plaudit: 5 samples in "), "{stderr}");
    assert!(
        line[0].ends_with(
            " · ok 4 · invalid_input 1 · mean reward 0.6000 · reward_std 0.3536 · frac_reward_zero_std 0.5000"
        ),
        "{stderr}"
    );

    let s: Value = serde_json::from_slice(&std::fs::read(&summary).unwrap()).unwrap();
    let half_sqrt2 = 0.5f64.sqrt();
    assert_eq!(s["samples"], 5);
    assert_eq!(s["status"], json!({"ok": 4, "invalid_input": 1}));
    let t = &s["trainers"];
    assert_eq!(t["reward"], json!(0.6));
    assert_eq!(t["critic/score/mean"], json!(0.6));
    assert_eq!(t["critic/score/max"], json!(1.0));
    assert_eq!(t["critic/score/min"], json!(0.0));
    assert_eq!(t["reward_std"].as_f64().unwrap(), half_sqrt2 / 2.0);
    assert_eq!(t["frac_reward_zero_std"], json!(0.5));
    assert_eq!(t["response_length/mean"], json!(4.75));

    // The same figures as the report over the same results and input.
    let report = Command::new(env!("CARGO_BIN_EXE_plaudit"))
        .arg("report")
        .arg(&out)
        .arg("--input")
        .arg(&input)
        .arg("--json")
        .output()
        .unwrap();
    assert!(report.status.success());
    let r: Value = serde_json::from_slice(&report.stdout).unwrap();
    assert_eq!(&r["trainers"], t);
}

#[test]
fn the_shipped_example_gives_the_reports_figures() {
    // The quickstart has samples that are invalid inputs but name their group: they take part in
    // it with their failure value, in the summary as in the report.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let input = root.join("examples/quickstart.jsonl");
    let (out, summary) = (temp("qs-out.jsonl"), temp("qs-summary.json"));
    let run = Command::new(env!("CARGO_BIN_EXE_plaudit"))
        .arg("score")
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .arg("--summary-json")
        .arg(&summary)
        .output()
        .unwrap();
    assert!(run.status.success());
    let s: Value = serde_json::from_slice(&std::fs::read(&summary).unwrap()).unwrap();
    let report = Command::new(env!("CARGO_BIN_EXE_plaudit"))
        .arg("report")
        .arg(&out)
        .arg("--input")
        .arg(&input)
        .arg("--json")
        .output()
        .unwrap();
    assert!(report.status.success());
    let r: Value = serde_json::from_slice(&report.stdout).unwrap();
    assert_eq!(r["trainers"], s["trainers"]);
    assert_eq!(
        s["trainers"]["frac_reward_zero_std"].as_f64().unwrap(),
        1.0 / 9.0
    );
}
