//! The `plaudit` binary end to end: ordering, malformed input, exit codes, messages.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use serde_json::{json, Value};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn plaudit(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_plaudit"))
        .args(args)
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let data = stdin.unwrap_or_default().to_vec();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&data);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    out
}

fn results(out: &Output) -> Vec<Value> {
    String::from_utf8(out.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn by_id<'a>(rs: &'a [Value], id: &str) -> &'a Value {
    rs.iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no result {id}"))
}

#[test]
fn quickstart_scores_every_line_in_order() {
    let out = plaudit(&["score", "examples/quickstart.jsonl"], None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let rs = results(&out);
    let input = std::fs::read_to_string(root().join("examples/quickstart.jsonl")).unwrap();
    let ids: Vec<Value> = input
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap()["id"].clone())
        .collect();
    assert_eq!(rs.iter().map(|r| r["id"].clone()).collect::<Vec<_>>(), ids);
    assert_eq!(by_id(&rs, "gsm-1-a")["reward"], 1.0);
    assert_eq!(by_id(&rs, "gsm-1-c")["reward"], 0.0);
    assert_eq!(by_id(&rs, "gsm-1-d")["details"]["correct"]["answer"], "72");
    // qa route: SQuAD normalisation drops the article.
    assert_eq!(by_id(&rs, "qa-9-d")["reward"], 1.0);
    let bad = by_id(&rs, "bad-1");
    assert_eq!(bad["status"], "invalid_input");
    assert_eq!(bad["error"], "line 33: missing field `response`");
    assert!(stderr(&out).contains("35 samples in"), "{}", stderr(&out));
    // GRPO over gsm-1 (rewards 1, 1, 0, 1): the wrong one gets the negative advantage.
    let a: f64 = by_id(&rs, "gsm-1-c")["advantage"].as_f64().unwrap();
    // mean 0.75, unbiased std 0.5
    assert!((a - (-0.75 / (0.5 + 1e-6))).abs() < 1e-12, "{a}");
}

#[test]
fn example_spec_scores_with_format_and_overlong_terms() {
    let out = plaudit(
        &[
            "score",
            "--spec",
            "examples/spec.yaml",
            "--jobs",
            "2",
            "examples/quickstart.jsonl",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let rs = results(&out);
    let chat = by_id(&rs, "chat-1");
    assert_eq!(chat["components"]["format"], 1.0);
    assert!((chat["reward"].as_f64().unwrap() - 1.1).abs() < 1e-12);
    let truncated = by_id(&rs, "math-7-d");
    assert_eq!(truncated["status"], "no_answer");
    let mc = by_id(&rs, "mc-4-d");
    assert_eq!(mc["reward"], 1.0);
    assert_eq!(by_id(&rs, "bad-3")["zero_variance"], true);
}

#[test]
fn malformed_input_gives_one_result_per_line() {
    let mut data = Vec::new();
    data.extend_from_slice(b"{\"id\": 1, \"response\": \"answer: 4\", \"reference\": \"4\"}\n");
    data.extend_from_slice(b"{\"id\": 2, \"response\": \n");
    data.extend_from_slice(b"{\"id\": 3, \"response\": \"\xff\xfe\"}\n");
    data.extend_from_slice(b"\n");
    data.extend_from_slice(b"{\"id\": 5, \"reference\": \"4\"}\n");
    data.extend_from_slice(b"{\"id\": 6, \"response\": 4}\n");
    let big = format!(
        "{{\"id\": 7, \"response\": \"{}\", \"reference\": \"4\"}}\n",
        "7 ".repeat(5 << 20)
    );
    data.extend_from_slice(big.as_bytes());
    data.extend_from_slice(b"[1, 2]\n");
    data.extend_from_slice(b"{\"id\": 9, \"response\": \"answer: 5\", \"reference\": \"4\"}"); // no final newline
    let out = plaudit(&["score", "-"], Some(&data));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let rs = results(&out);
    assert_eq!(rs.len(), 9);
    let st: Vec<&str> = rs.iter().map(|r| r["status"].as_str().unwrap()).collect();
    assert_eq!(
        st,
        vec![
            "ok",
            "invalid_input",
            "invalid_input",
            "invalid_input",
            "invalid_input",
            "invalid_input",
            "ok",
            "invalid_input",
            "ok"
        ]
    );
    assert!(rs[1]["error"]
        .as_str()
        .unwrap()
        .starts_with("line 2: invalid JSON: "));
    assert_eq!(rs[2]["error"], "line 3: not valid UTF-8 (at byte 23)");
    assert_eq!(rs[3]["error"], "line 4: empty line");
    assert_eq!(rs[4]["error"], "line 5: missing field `response`");
    assert_eq!(rs[4]["id"], 5);
    assert_eq!(
        rs[5]["error"],
        "line 6: field `response`: expected a string or a list of chat messages, got a number"
    );
    assert_eq!(
        rs[7]["error"],
        "line 8: expected a JSON object, got an array"
    );
    assert_eq!(rs[0]["reward"], 1.0);
    assert_eq!(rs[8]["reward"], 0.0);
}

#[test]
fn empty_input_is_fine() {
    let out = plaudit(&["score", "-"], Some(b""));
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    assert!(stderr(&out).contains("0 samples in"), "{}", stderr(&out));
}

#[test]
fn many_samples_keep_their_order_across_threads() {
    let mut data = String::new();
    for i in 0..20_000 {
        data.push_str(&format!(
            "{{\"id\": {i}, \"group\": {}, \"response\": \"answer: {}\", \"reference\": \"{}\"}}\n",
            i / 8,
            i % 3,
            i % 2
        ));
    }
    let out = plaudit(
        &["score", "--jobs", "2", "--quiet", "-"],
        Some(data.as_bytes()),
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stderr.is_empty());
    let rs = results(&out);
    assert_eq!(rs.len(), 20_000);
    for (i, r) in rs.iter().enumerate() {
        assert_eq!(r["id"], i);
        let want = if i % 3 == i % 2 { 1.0 } else { 0.0 };
        assert_eq!(r["reward"], want, "sample {i}");
    }
}

#[test]
fn output_file_and_unreadable_input() {
    let dir = std::env::temp_dir().join(format!("plaudit-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out_path = dir.join("out.jsonl");
    let out = plaudit(
        &[
            "score",
            "--out",
            out_path.to_str().unwrap(),
            "examples/quickstart.jsonl",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(&out_path).unwrap().lines().count(),
        35
    );
    let out = plaudit(&["score", "no/such/file.jsonl"], None);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "plaudit: cannot read input no/such/file.jsonl: No such file or directory (os error 2)\n"
    );
}

#[test]
fn bad_specs_exit_2_with_every_error() {
    let dir = std::env::temp_dir().join(format!("plaudit-spec-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let spec = dir.join("bad.yaml");
    std::fs::write(
        &spec,
        "components:\n  correct: {reward: exact_macth}\n  over: {reward: soft_overlong_penalty, params: {max_len: 10, bufer: 2}}\nreward: correct + 0.1 * missing\n",
    )
    .unwrap();
    let out = plaudit(
        &[
            "score",
            "--spec",
            spec.to_str().unwrap(),
            "examples/quickstart.jsonl",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = stderr(&out);
    assert!(
        err.contains(
            "components.correct: unknown reward `exact_macth` (did you mean `exact_match`?"
        ),
        "{err}"
    );
    assert!(err.contains("components.over.params: unknown parameter `bufer` (valid: max_len, buffer, penalty, unit)"), "{err}");
    let out = plaudit(&["check", spec.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(2));

    std::fs::write(
        &spec,
        "components:\n  correct: exact_match\nreward: correct + * 2\n",
    )
    .unwrap();
    let out = plaudit(&["check", spec.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(
            "reward: unexpected `*` at column 11\n        correct + * 2\n                  ^"
        ),
        "{}",
        stderr(&out)
    );
}

#[test]
fn division_by_zero_is_that_samples_error() {
    let dir = std::env::temp_dir().join(format!("plaudit-div-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let spec = dir.join("div.yaml");
    std::fs::write(
        &spec,
        "components:\n  correct: exact_match\nreward: 1 / correct\n",
    )
    .unwrap();
    let data = b"{\"response\": \"answer: 1\", \"reference\": \"1\"}\n{\"response\": \"answer: 2\", \"reference\": \"1\"}\n";
    let out = plaudit(
        &["score", "--spec", spec.to_str().unwrap(), "-"],
        Some(data),
    );
    let rs = results(&out);
    assert_eq!(rs[0]["reward"], 1.0);
    assert_eq!(rs[1]["status"], "error");
    assert_eq!(
        rs[1]["error"],
        "division by zero in reward expression at column 3"
    );
}

#[test]
fn list_explain_check() {
    let out = plaudit(&["list"], None);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    for name in plaudit_rewards::registry().names() {
        assert_eq!(
            text.lines()
                .filter(|l| l.starts_with(&format!("{name} ")))
                .count(),
            1,
            "{name} in\n{text}"
        );
    }
    let out = plaudit(&["explain", "soft_overlong_penalty"], None);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with(
            "soft_overlong_penalty (length family)\n\nSoft overlong punishment (DAPO)"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "## Why\n\"DAPO: An Open-Source LLM Reinforcement Learning System at Scale\""
        ),
        "{text}"
    );
    assert!(text.contains("## Parameters (as enforced)"));
    // The table's columns line up, a long type (an enum's choices) included.
    let rows: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with("## Parameters (as enforced)"))
        .skip(1)
        .take_while(|l| !l.is_empty())
        .collect();
    assert_eq!(rows.len(), 4, "{text}");
    assert!(rows[3].contains("one of tokens | chars | words default \"tokens\""));
    let columns: std::collections::BTreeSet<usize> = rows
        .iter()
        .map(|r| r[..r.find(" default ").unwrap()].chars().count())
        .collect();
    assert_eq!(columns.len(), 1, "{rows:#?}");
    let out = plaudit(&["explain", "soft_overlong"], None);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "plaudit: unknown reward `soft_overlong` (did you mean `soft_overlong_penalty`?); `plaudit list` shows them all\n"
    );
    let out = plaudit(&["check", "examples/spec.yaml"], None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let resolved: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(resolved["components"]["overlong"]["params"]["penalty"], 1.0);
    assert_eq!(resolved["group"]["advantage"], "grpo");
    assert_eq!(
        stderr(&out),
        "examples/spec.yaml: OK (2 route(s): qa, science, with fallback; group advantage: grpo)\n"
    );
    let out = plaudit(&["check"], None);
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn readme_starts_with_the_two_commands_and_the_catalogue_lists_every_reward() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    // What Plaudit is comes first, before any command.
    assert!(readme.starts_with("# Plaudit\n\nPlaudit turns model rollouts into rewards"));
    let mut lines = readme
        .lines()
        .skip_while(|l| !l.starts_with("```bash"))
        .skip(1);
    assert!(lines
        .next()
        .unwrap()
        .starts_with("cargo run --release -p plaudit-cli -- score examples/quickstart.jsonl"));
    assert!(lines.next().unwrap().starts_with("bash scripts/test.sh"));
    let ci = std::fs::read_to_string(root().join(".ci/run")).unwrap();
    assert!(ci.contains("bash scripts/test.sh"));
    let catalogue = std::fs::read_to_string(root().join("docs/REWARDS.md")).unwrap();
    for name in plaudit_rewards::registry().names() {
        assert!(
            catalogue.contains(&format!("| `{name}` |")),
            "docs/REWARDS.md's catalogue table lacks `{name}`"
        );
    }
}

#[test]
fn state_carries_across_runs_with_state_file() {
    let dir = std::env::temp_dir().join(format!("plaudit-state-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let spec = dir.join("lead.yaml");
    std::fs::write(
        &spec,
        "components:\n  correct: exact_match\n  eff: {reward: adaptive_target_length, params: {key: group}}\nreward: correct + 0.5 * eff\n",
    )
    .unwrap();
    let state = dir.join("state.sqlite");
    let _ = std::fs::remove_file(&state);
    let line = |g: &str, ans: &str, tokens: u64| {
        format!("{{\"group\": \"{g}\", \"response\": \"answer: {ans}\", \"reference\": \"4\", \"tokens\": {tokens}}}\n")
    };
    let run = |data: &str, with_state: bool, jobs: &str| {
        let mut args = vec![
            "score",
            "--quiet",
            "--jobs",
            jobs,
            "--spec",
            spec.to_str().unwrap(),
        ];
        if with_state {
            args.extend(["--state", state.to_str().unwrap()]);
        }
        args.push("-");
        let out = plaudit(&args, Some(data.as_bytes()));
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        results(&out)
            .iter()
            .map(|r| r["components"]["eff"].as_f64().unwrap_or(f64::NAN))
            .collect::<Vec<f64>>()
    };
    // First step: no targets yet, so every correct answer gets the cold value 1; the wrong one 0.
    let step1 = format!(
        "{}{}{}",
        line("g", "4", 100),
        line("g", "4", 200),
        line("g", "5", 50)
    );
    assert_eq!(run(&step1, true, "2"), vec![1.0, 1.0, 0.0]);
    // Second step reads the target learned from the first (mean of 100 and 200 = 150).
    let step2 = format!("{}{}", line("g", "4", 150), line("g", "4", 75));
    assert_eq!(run(&step2, true, "1"), vec![1.0, 0.5]);
    // Without --state nothing carries over.
    assert_eq!(run(&step2, false, "1"), vec![1.0, 1.0]);
    // Third step: the target moved to 0.5·150 + 0.5·mean(150, 75) = 131.25.
    let got = run(&line("g", "4", 131), true, "2");
    assert!((got[0] - (1.0 - 0.25 / 131.25)).abs() < 1e-12, "{got:?}");
}

/// Every example spec shipped with a matching `.jsonl` scores the same through the CLI (which
/// reads all of its input first when the spec has group rewards) as through the engine, with no
/// sample lost and the documented statuses.
#[test]
fn every_example_spec_scores_its_examples_as_the_engine_does() {
    let registry = plaudit_rewards::registry();
    let mut checked = Vec::new();
    for entry in std::fs::read_dir(root().join("examples")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("yaml") {
            continue;
        }
        let data = path.with_extension("jsonl");
        if !data.exists() {
            continue;
        }
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let spec_text = std::fs::read_to_string(&path).unwrap();
        let spec = plaudit_core::Spec::from_text(&spec_text, &registry)
            .unwrap_or_else(|e| panic!("examples/{name}.yaml: {e}"));
        let text = std::fs::read_to_string(&data).unwrap();
        let inputs: Vec<plaudit_core::Input> = text
            .lines()
            .enumerate()
            .map(|(i, l)| plaudit_core::Input::from_line(l.as_bytes(), i + 1))
            .collect();
        let want = plaudit_core::Engine::new(spec)
            .score_batch(&inputs)
            .unwrap();
        let out = plaudit(
            &[
                "score",
                "--quiet",
                "--spec",
                path.to_str().unwrap(),
                data.to_str().unwrap(),
            ],
            None,
        );
        let got = results(&out);
        assert_eq!(got.len(), inputs.len(), "examples/{name}: {}", stderr(&out));
        for (g, w) in got.iter().zip(&want) {
            let w = serde_json::to_value(w).unwrap();
            assert_eq!(g, &w, "examples/{name}.jsonl");
        }
        checked.push(name);
    }
    checked.sort();
    for family in ["combine", "efficiency", "estimators", "process"] {
        assert!(
            checked.iter().any(|c| c == family),
            "no examples/{family}.yaml + .jsonl pair (checked: {checked:?})"
        );
    }
}

#[test]
fn integers_beyond_64_bits_are_exact() {
    let input = br#"{"id": 18446744073709551617, "task": "math", "response": "\\boxed{18446744073709551617}", "reference": 18446744073709551617}
{"task": "math", "response": "\\boxed{18446744073709551616}", "reference": 18446744073709551617}
{"task": "math", "response": "\\boxed{123456789012345680000000000000000000000}", "reference": 123456789012345678901234567890123456789}
{"task": "math", "response": "\\boxed{123456789012345678901234567890123456789}", "reference": 123456789012345678901234567890123456789}
"#;
    let out = plaudit(&["score", "-q"], Some(input));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout.clone()).unwrap();
    assert!(text.starts_with(r#"{"id":18446744073709551617,"#), "{text}");
    let rewards: Vec<f64> = results(&out)
        .iter()
        .map(|r| r["reward"].as_f64().unwrap())
        .collect();
    assert_eq!(rewards, vec![1.0, 0.0, 0.0, 1.0]);
}

#[test]
fn a_damaged_state_file_is_refused_naming_it() {
    use std::io::{Seek, SeekFrom};
    let dir = std::env::temp_dir().join(format!("plaudit-cli-damaged-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let state = dir.join("state.sqlite");
    let _ = std::fs::remove_file(&state);
    {
        let s = plaudit_store::SqliteStore::open(&state).unwrap();
        let entries = (0..300)
            .map(|i| {
                (
                    format!("prompt {i}"),
                    serde_json::json!({"target": i, "pad": "x".repeat(400)}),
                )
            })
            .collect();
        plaudit_core::Store::put(&s, "r/c", entries).unwrap();
    }
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .open(&state)
        .unwrap();
    f.seek(SeekFrom::Start(2 * 4096)).unwrap();
    f.write_all(&[0xA5; 4096]).unwrap();
    drop(f);
    let out = plaudit(
        &["score", "-q", "--state", state.to_str().unwrap()],
        Some(b"{\"response\": \"a\", \"reference\": \"a\"}\n"),
    );
    assert_eq!(out.status.code(), Some(2));
    let want = format!(
        "plaudit: state store {} is damaged (PRAGMA quick_check: ",
        state.display()
    );
    assert!(stderr(&out).starts_with(&want), "{}", stderr(&out));
    assert!(
        out.stdout.is_empty(),
        "nothing is scored against a damaged state"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A file in this test process's own temporary directory.
fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("plaudit-cli-guarantees-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[test]
fn over_long_lines_are_one_invalid_input_each() {
    let long = json!({"id": "long", "response": "x".repeat(5000), "reference": "x"}).to_string();
    let input = format!(
        "{}\n{long}\n{}\n",
        json!({"id": "a", "response": "answer: 7", "reference": "7"}),
        json!({"id": "b", "response": "answer: 8", "reference": "8"})
    );
    let out = plaudit(
        &["score", "--quiet", "--max-line-bytes", "1000", "-"],
        Some(input.as_bytes()),
    );
    assert_eq!(out.status.code(), Some(0));
    let rs = results(&out);
    assert_eq!(rs.len(), 3);
    assert_eq!(
        (rs[0]["id"].clone(), rs[0]["reward"].clone()),
        (json!("a"), json!(1.0))
    );
    // The line was not parsed (its id is unknown), and the message names the line and the limit.
    assert_eq!(rs[1]["status"], "invalid_input");
    assert_eq!(
        rs[1]["error"],
        format!(
            "line 2: {} bytes, over the limit of 1000 bytes per line",
            long.len()
        )
    );
    assert_eq!(
        (rs[2]["id"].clone(), rs[2]["reward"].clone()),
        (json!("b"), json!(1.0))
    );
}

#[test]
fn an_unwritable_output_exits_2_naming_it() {
    let out = plaudit(
        &[
            "score",
            "--quiet",
            "--out",
            "/nonexistent-dir/out.jsonl",
            "-",
        ],
        Some(b"{\"response\": \"answer: 1\", \"reference\": \"1\"}\n"),
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "plaudit: cannot write output /nonexistent-dir/out.jsonl: No such file or directory (os error 2)\n"
    );
}

#[test]
fn a_state_that_cannot_be_saved_exits_2_after_writing_every_result() {
    let spec = temp("lead.yaml");
    std::fs::write(
        &spec,
        "components:\n  correct: exact_match\n  eff: adaptive_target_length\nreward: correct + eff\n",
    )
    .unwrap();
    let state = temp("locked.sqlite");
    let _ = std::fs::remove_file(&state);
    let sample =
        json!({"prompt": "What is 2 + 2?", "response": "answer: 4", "reference": "4", "tokens": 80})
            .to_string() + "\n";
    let args = [
        "score",
        "--quiet",
        "--spec",
        spec.to_str().unwrap(),
        "--state",
        state.to_str().unwrap(),
        "-",
    ];
    // A first run creates the state file.
    let out = plaudit(&args, Some(sample.as_bytes()));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Another connection holds the write lock for the whole second run: reading the state is
    // allowed, saving it is not.
    let holder = rusqlite::Connection::open(&state).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE;").unwrap();
    let out = plaudit(&args, Some(format!("{sample}{sample}").as_bytes()));
    holder.execute_batch("ROLLBACK;").unwrap();
    assert_eq!(out.status.code(), Some(2));
    let rs = results(&out);
    assert_eq!(rs.len(), 2, "every result is written");
    assert!(rs.iter().all(|r| r["status"] == "ok"), "{rs:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("plaudit: cannot save state: ") && err.contains("database is locked"),
        "{err}"
    );
}

#[test]
fn results_and_state_do_not_depend_on_jobs() {
    // Every shipped example spec (group rewards, stateful shapers, advantages) on its examples,
    // twice over (so the second half reads the state the first half wrote), with 1, 2 and 3
    // threads: byte-identical output and state.
    let root = root();
    for (spec, data) in [
        ("examples/spec.yaml", "examples/quickstart.jsonl"),
        ("examples/efficiency.yaml", "examples/efficiency.jsonl"),
        (
            "examples/combine_group.yaml",
            "examples/combine_group.jsonl",
        ),
        ("examples/estimators.yaml", "examples/estimators.jsonl"),
        ("examples/process.yaml", "examples/process.jsonl"),
    ] {
        let input = std::fs::read(root.join(data)).unwrap();
        let twice = [input.clone(), input].concat();
        let mut outputs = Vec::new();
        for jobs in ["1", "2", "3"] {
            let state = temp(&format!("jobs-{jobs}.sqlite"));
            let _ = std::fs::remove_file(&state);
            let spec_path = root.join(spec);
            let out = plaudit(
                &[
                    "score",
                    "--quiet",
                    "--jobs",
                    jobs,
                    "--spec",
                    spec_path.to_str().unwrap(),
                    "--state",
                    state.to_str().unwrap(),
                    "-",
                ],
                Some(&twice),
            );
            assert_eq!(
                out.status.code(),
                Some(0),
                "{spec}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let conn = rusqlite::Connection::open(&state).unwrap();
            let tables: Vec<String> = conn
                .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
                .unwrap()
                .query_map([], |r| r.get(0))
                .unwrap()
                .map(Result::unwrap)
                .collect();
            let mut dump = Vec::new();
            for t in tables {
                let mut stmt = conn
                    .prepare(&format!("SELECT * FROM \"{t}\" ORDER BY 1, 2"))
                    .unwrap();
                let n = stmt.column_count();
                let rows: Vec<String> = stmt
                    .query_map([], |r| {
                        Ok((0..n)
                            .map(|i| format!("{:?}", r.get_ref(i).unwrap()))
                            .collect::<Vec<_>>()
                            .join("|"))
                    })
                    .unwrap()
                    .map(Result::unwrap)
                    .collect();
                dump.push(format!("{t}: {rows:?}"));
            }
            outputs.push((String::from_utf8(out.stdout).unwrap(), dump));
        }
        assert!(!outputs[0].0.is_empty(), "{spec}");
        assert_eq!(outputs[0], outputs[1], "{spec}: --jobs 1 vs 2");
        assert_eq!(outputs[0], outputs[2], "{spec}: --jobs 1 vs 3");
    }
}
