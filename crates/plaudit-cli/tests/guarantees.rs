//! README guarantees of the command line that no other test proves: over-long lines through the
//! CLI, an unwritable `--out`, a state that cannot be saved (exit 2, every result still written),
//! and SIGINT on `plaudit serve`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use serde_json::{json, Value};

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("plaudit-guarantees-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn plaudit(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_plaudit"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let data = stdin.to_vec();
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
        input.as_bytes(),
    );
    assert_eq!(out.status.code(), Some(0));
    let rs = results(&out);
    assert_eq!(rs.len(), 3);
    assert_eq!((rs[0]["id"].clone(), rs[0]["reward"].clone()), (json!("a"), json!(1.0)));
    // The line was not parsed (its id is unknown), and the message names the line and the limit.
    assert_eq!(rs[1]["status"], "invalid_input");
    assert_eq!(
        rs[1]["error"],
        format!(
            "line 2: {} bytes, over the limit of 1000 bytes per line",
            long.len()
        )
    );
    assert_eq!((rs[2]["id"].clone(), rs[2]["reward"].clone()), (json!("b"), json!(1.0)));
}

#[test]
fn an_unwritable_output_exits_2_naming_it() {
    let out = plaudit(
        &["score", "--quiet", "--out", "/nonexistent-dir/out.jsonl", "-"],
        b"{\"response\": \"answer: 1\", \"reference\": \"1\"}\n",
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
    let sample = json!({"prompt": "What is 2 + 2?", "response": "answer: 4", "reference": "4", "tokens": 80}).to_string() + "\n";
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
    let out = plaudit(&args, sample.as_bytes());
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
    let out = plaudit(&args, format!("{sample}{sample}").as_bytes());
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
fn sigint_stops_the_server_cleanly() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_plaudit"))
        .args(["serve", "--addr", "127.0.0.1:0"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    err.read_line(&mut line).unwrap();
    let addr = line
        .split("http://")
        .nth(1)
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .to_string();
    // It serves before the signal ...
    let mut s = TcpStream::connect(&addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    write!(s, "GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n").unwrap();
    let mut resp = String::new();
    s.read_to_string(&mut resp).unwrap();
    assert!(resp.starts_with("HTTP/1.1 200"), "{resp}");
    // ... and SIGINT (a terminal's Ctrl-C) ends it like SIGTERM: exit 0, listener closed.
    assert!(Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap()
        .success());
    assert_eq!(child.wait().unwrap().code(), Some(0));
    let mut rest = String::new();
    err.read_to_string(&mut rest).unwrap();
    assert!(
        rest.contains("plaudit: signal received, finishing the requests in flight"),
        "{rest}"
    );
    assert!(rest.contains("plaudit: shut down cleanly"), "{rest}");
    assert!(TcpStream::connect(&addr).is_err());
}

#[test]
fn the_server_answers_when_its_state_cannot_be_saved_and_counts_it() {
    let spec = temp("lead-serve.yaml");
    std::fs::write(
        &spec,
        "components:\n  correct: exact_match\n  eff: adaptive_target_length\nreward: correct + eff\n",
    )
    .unwrap();
    let state = temp("locked-serve.sqlite");
    let _ = std::fs::remove_file(&state);
    let mut child = Command::new(env!("CARGO_BIN_EXE_plaudit"))
        .args(["serve", "--addr", "127.0.0.1:0", "--spec"])
        .arg(&spec)
        .arg("--state")
        .arg(&state)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    err.read_line(&mut line).unwrap();
    let addr = line
        .split("http://")
        .nth(1)
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .to_string();
    let http = |method: &str, path: &str, body: &str| -> (u16, String) {
        let mut s = TcpStream::connect(&addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        write!(
            s,
            "{method} {path} HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).unwrap();
        let (head, body) = out.split_once("\r\n\r\n").unwrap();
        (head.split(' ').nth(1).unwrap().parse().unwrap(), body.to_string())
    };
    // Another connection holds the write lock: the server can read its state but not save it.
    let holder = rusqlite::Connection::open(&state).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE;").unwrap();
    let sample = json!({"samples": [{"prompt": "What is 2 + 2?", "response": "answer: 4", "reference": "4", "tokens": 80}]});
    let (code, body) = http("POST", "/v1/score", &sample.to_string());
    holder.execute_batch("ROLLBACK;").unwrap();
    assert_eq!(code, 200, "{body}");
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["results"][0]["status"], "ok", "{body}");
    let (_, metrics) = http("GET", "/metrics", "");
    assert!(
        metrics.lines().any(|l| l == "plaudit_state_errors_total 1"),
        "{metrics}"
    );
    assert!(Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap()
        .success());
    assert_eq!(child.wait().unwrap().code(), Some(0));
    let mut rest = String::new();
    err.read_to_string(&mut rest).unwrap();
    assert!(rest.contains("cannot save state"), "{rest}");
}

#[test]
fn results_and_state_do_not_depend_on_jobs() {
    // Every shipped example spec (group rewards, stateful shapers, advantages) on its examples,
    // twice over (so the second half reads the state the first half wrote), with 1, 2 and 3
    // threads: byte-identical output and state.
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    for (spec, data) in [
        ("examples/spec.yaml", "examples/quickstart.jsonl"),
        ("examples/efficiency.yaml", "examples/efficiency.jsonl"),
        ("examples/combine_group.yaml", "examples/combine_group.jsonl"),
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
                &twice,
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
