//! `plaudit serve` as a process: requests in flight when SIGTERM arrives all get their answers,
//! then the server exits 0.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::time::Duration;

#[path = "../../plaudit-server/tests/support/partial.rs"]
mod partial;
use partial::Partial;

fn post(addr: &str, body: &str) -> (u16, String) {
    http(addr, "POST", "/v1/score", body)
}

mod common;
use common::http;

/// A file in this test process's own temporary directory.
fn temp(name: &str) -> std::path::PathBuf {
    common::temp_dir("serve-guarantees").join(name)
}

/// GET /healthz's `requests_admitted`.
fn admitted(addr: &str) -> u64 {
    let (_, body) = http(addr, "GET", "/healthz", "");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    v["requests_admitted"].as_u64().unwrap()
}

#[test]
fn sigterm_finishes_requests_in_flight_then_exits_0() {
    // Three requests are in flight (admitted, their bodies still arriving) when SIGTERM comes;
    // each step waits for an event (the server's admitted count, its log line), never a sleep.
    let (mut child, mut err, addr) = start(&["--jobs", "2"]);
    let body = serde_json::json!({"samples": [{"task": "math", "response": "\\boxed{\\frac12}", "reference": "0.5"}]}).to_string();
    let held: Vec<Partial> = (0..3).map(|_| Partial::start(&addr, &body)).collect();
    let until = std::time::Instant::now() + Duration::from_secs(60);
    while admitted(&addr) < 3 {
        assert!(std::time::Instant::now() < until, "never admitted 3");
        std::thread::sleep(Duration::from_millis(5));
    }
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let mut seen = String::new();
    while !seen.contains("signal received, finishing the requests in flight") {
        let mut line = String::new();
        assert!(
            err.read_line(&mut line).unwrap() > 0,
            "stderr closed: {seen}"
        );
        seen.push_str(&line);
    }
    for h in held {
        let (code, body) = h.finish();
        assert_eq!(code, 200, "{body}");
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["results"][0]["status"], "ok", "{body}");
        assert_eq!(v["results"][0]["reward"], 1.0, "{body}");
    }
    let exit = child.wait().unwrap();
    assert_eq!(exit.code(), Some(0));
    let mut rest = String::new();
    err.read_to_string(&mut rest).unwrap();
    assert!(rest.contains("plaudit: shut down cleanly"), "{rest}");
    assert_eq!(
        rest.matches("route=\"/v1/score\"").count() + rest.matches("route=/v1/score").count(),
        3,
        "one log line per request: {rest}"
    );
    assert!(
        TcpStream::connect(&addr).is_err(),
        "the listener is closed after shutdown"
    );
}

fn start(
    args: &[&str],
) -> (
    std::process::Child,
    BufReader<std::process::ChildStderr>,
    String,
) {
    let mut cmd = common::serve_command();
    cmd.args(args);
    common::start_serve(cmd)
}

fn stop(mut child: std::process::Child) {
    signal_exits_0(&mut child, "-TERM");
}

/// Sends `signal` (`-TERM`, `-INT`) to the server and asserts it exits 0.
fn signal_exits_0(child: &mut std::process::Child, signal: &str) {
    assert!(Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap()
        .success());
    assert_eq!(child.wait().unwrap().code(), Some(0));
}

#[test]
fn state_survives_a_restart() {
    let dir = std::env::temp_dir().join(format!("plaudit-serve-state-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let spec = dir.join("lead.yaml");
    std::fs::write(
        &spec,
        "components:\n  correct: exact_match\n  eff: adaptive_target_length\nreward: correct + eff\n",
    )
    .unwrap();
    let state = dir.join("state.sqlite");
    let _ = std::fs::remove_file(&state);
    let sample = |tokens: u64| serde_json::json!({"prompt": "What is 2 + 2?", "response": "answer: 4", "reference": "4", "tokens": tokens});
    let args = [
        "--spec",
        spec.to_str().unwrap(),
        "--state",
        state.to_str().unwrap(),
    ];
    let (child, _err, addr) = start(&args);
    let body = serde_json::json!({"samples": [sample(80), sample(120)]}).to_string();
    let (code, out) = post(&addr, &body);
    assert_eq!(code, 200, "{out}");
    stop(child);

    // A new process on the same state file reads the target of 100 tokens learned before.
    let (child, _err, addr) = start(&args);
    let body = serde_json::json!({"samples": [sample(150)]}).to_string();
    let (code, out) = post(&addr, &body);
    assert_eq!(code, 200, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["results"][0]["components"]["eff"], 0.5);
    assert_eq!(v["results"][0]["details"]["eff"]["target"], 100.0);
    stop(child);
}

#[test]
fn efficiency_state_survives_a_restart() {
    let dir = std::env::temp_dir().join(format!("plaudit-serve-eff-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let spec = dir.join("efficiency.yaml");
    std::fs::write(
        &spec,
        "components:\n  correct: exact_match\n  laser: {reward: laser_d_length, params: {targets: [100, 200, 400], momentum: 1.0, coverage: 1.0}}\n  anchor: shortest_correct_anchor\n  trace: tightening_cost_reference\nreward: correct + laser + anchor + trace\n",
    )
    .unwrap();
    let state = dir.join("state.sqlite");
    let _ = std::fs::remove_file(&state);
    let sample = |tokens: u64, calls: u64| serde_json::json!({"group": "q", "prompt": "What is 2 + 2?", "response": "answer: 4", "reference": "4", "tokens": tokens, "meta": {"tool_calls": calls}});
    let args = [
        "--spec",
        spec.to_str().unwrap(),
        "--state",
        state.to_str().unwrap(),
    ];
    let (child, _err, addr) = start(&args);
    let body = serde_json::json!({"samples": [sample(80, 3), sample(120, 5)]}).to_string();
    let (code, out) = post(&addr, &body);
    assert_eq!(code, 200, "{out}");
    stop(child);

    // A new process on the same state file reads what the first learned: the easy bucket's
    // target (the longest correct length, 120), the shortest correct length (80) and the
    // tool-call reference (the median, 4).
    let (child, _err, addr) = start(&args);
    let body = serde_json::json!({"samples": [sample(150, 8)]}).to_string();
    let (code, out) = post(&addr, &body);
    assert_eq!(code, 200, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let r = &v["results"][0];
    assert_eq!(r["status"], "ok", "{out}");
    assert_eq!(r["details"]["laser"]["target"], 120.0);
    assert_eq!(r["components"]["laser"], 0.0);
    assert_eq!(r["details"]["anchor"]["anchor"], 80.0);
    assert_eq!(r["components"]["anchor"], 80.0 / 150.0);
    assert_eq!(r["details"]["trace"]["reference"], 4.0);
    assert_eq!(r["components"]["trace"], 0.5);
    stop(child);
}

#[test]
fn code_verpo_state_survives_a_restart() {
    let dir = std::env::temp_dir().join(format!("plaudit-serve-verpo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let spec = dir.join("verpo.yaml");
    std::fs::write(
        &spec,
        "components:\n  code: {reward: code_verpo, params: {key: group}}\n",
    )
    .unwrap();
    let state = dir.join("state.sqlite");
    let _ = std::fs::remove_file(&state);
    let sample = |ret: &str| {
        serde_json::json!({"group": "p", "response": format!("```python\ndef f(x):\n    return {ret}\n```"),
            "reference": {"tests": ["assert f(0) == 0", "assert f(3) == 9"]}})
    };
    let args = [
        "--spec",
        spec.to_str().unwrap(),
        "--state",
        state.to_str().unwrap(),
    ];
    // Batch 1: both rollouts pass test 0 and fail test 1 (weights ½, ½ before any statistics).
    let (child, _err, addr) = start(&args);
    let body = serde_json::json!({"samples": [sample("0"), sample("0")]}).to_string();
    let (code, out) = post(&addr, &body);
    assert_eq!(code, 200, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["results"][0]["reward"], 0.25, "{out}");
    stop(child);

    // A new process reads the counts: runs [2, 2], passes [2, 0] → rates ¾ and ¼ (prior 2), so
    // the hard test 1 weighs ¾. Passing only it earns λ · ¾ = 0.375, passing only test 0 0.125.
    let (child, _err, addr) = start(&args);
    let body = serde_json::json!({"samples": [sample("9"), sample("0")]}).to_string();
    let (code, out) = post(&addr, &body);
    assert_eq!(code, 200, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["results"][0]["reward"], 0.375, "{out}");
    assert_eq!(v["results"][1]["reward"], 0.125, "{out}");
    assert_eq!(
        v["results"][0]["details"]["code"]["weights"],
        serde_json::json!([0.25, 0.75])
    );
    stop(child);
}

#[test]
fn hostile_code_is_contained_and_the_server_keeps_serving() {
    // The default spec's `code` route, fed programs that attack the machine, then a normal one.
    let (child, _err, addr) = start(&[]);
    let hostile = [
        ("fork_bomb", "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass"),
        ("kill_all", "import os, signal\nos.kill(-1, signal.SIGKILL)\nos.kill(os.getppid(), signal.SIGKILL)"),
        ("loop", "while True:\n    pass"),
        ("memory", "x = bytearray(10 * 1024 ** 3)"),
        ("escape", "open('/work/escaped.txt', 'w').write('x')\nprint(open('/etc/shadow').read())"),
        ("net", "import socket\nsocket.create_connection(('127.0.0.1', 22), timeout=1)"),
    ];
    let samples: Vec<serde_json::Value> = hostile
        .iter()
        .map(|(id, body)| {
            serde_json::json!({"id": id, "task": "code",
                "response": format!("```python\n{body}\ndef f():\n    return 1\n```"),
                "reference": {"tests": ["assert f() == 1"], "time_limit_ms": 1500, "memory_mb": 256}})
        })
        .collect();
    let (code, out) = post(
        &addr,
        &serde_json::json!({ "samples": samples }).to_string(),
    );
    assert_eq!(code, 200, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let results = v["results"].as_array().unwrap();
    assert_eq!(results.len(), hostile.len());
    for r in results {
        // Every attack fails its test (it never reaches `def f`, or dies first): reward 0.
        assert_eq!(r["reward"], 0.0, "{r}");
        assert_eq!(r["status"], "ok", "{r}");
    }
    let verdict = |i: usize| results[i]["details"]["correct"]["verdicts"][0].clone();
    assert_eq!(verdict(2), "timeout", "{out}");
    assert_eq!(verdict(3), "memory", "{out}");
    assert!(!std::path::Path::new("/work/escaped.txt").exists());
    // The server is alive and scores a normal program right.
    let ok = serde_json::json!({"samples": [{"task": "code", "response": "```python\ndef f():\n    return 1\n```",
        "reference": {"tests": ["assert f() == 1"]}}]});
    let (code, out) = post(&addr, &ok.to_string());
    assert_eq!(code, 200, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["results"][0]["reward"], 1.0, "{out}");
    stop(child);
}

/// Kills the server when a test fails before stopping it (it would outlive the test).
struct KillOnDrop(Option<std::process::Child>);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        if let Some(mut c) = self.0.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

impl KillOnDrop {
    fn stop(mut self) {
        stop(self.0.take().unwrap());
    }
}

/// Waits for the process to exit, bounded by `limit` (a hang fails the test instead of stalling
/// it); polls the process's state, no timing assertion.
fn wait_exit(child: &mut std::process::Child, limit: Duration) -> Option<std::process::ExitStatus> {
    let until = std::time::Instant::now() + limit;
    loop {
        if let Some(st) = child.try_wait().unwrap() {
            return Some(st);
        }
        if std::time::Instant::now() > until {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn a_signal_right_after_the_serving_line_is_a_clean_shutdown() {
    // The handlers are installed before the server says it is serving: a signal at once is a
    // clean shutdown (exit 0, "shut down cleanly"), never the default action that kills the
    // process. They used to be installed when the accept loop first polled its shutdown
    // future; a SIGTERM in between killed the server once in CI (in the keep-alive test
    // below). That window was microseconds wide: this test rarely catches it (it passed five
    // signals against the old code on a quiet machine); the fix is by construction, in
    // `serve` in src/main.rs.
    for signal in ["-TERM", "-INT", "-TERM", "-INT", "-TERM"] {
        let (mut child, err, _addr) = start(&[]);
        let rest = common::drain(err);
        signal_exits_0(&mut child, signal);
        let rest = rest.join().unwrap();
        assert!(
            rest.contains("plaudit: shut down cleanly"),
            "{signal}: {rest}"
        );
    }
}

#[test]
fn sigterm_with_an_idle_keep_alive_connection_exits_at_once() {
    // The idle timeout is ten minutes: only closing the idle connection on SIGTERM lets the
    // server exit within the test's bound.
    let (child, mut err, addr) = start(&["--header-timeout-ms", "600000"]);
    let mut guard = KillOnDrop(Some(child));
    let child = guard.0.as_mut().unwrap();
    let mut conn = TcpStream::connect(&addr).unwrap();
    conn.set_read_timeout(Some(Duration::from_secs(120)))
        .unwrap();
    write!(conn, "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n").unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 512];
    while !String::from_utf8_lossy(&got).contains("\"max_pending\"") {
        let n = conn.read(&mut buf).unwrap();
        assert!(n > 0, "closed before answering");
        got.extend_from_slice(&buf[..n]);
    }
    // The connection is kept alive, idle; another one never sent anything. SIGTERM:
    let mut silent = TcpStream::connect(&addr).unwrap();
    silent
        .set_read_timeout(Some(Duration::from_secs(120)))
        .unwrap();
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let status = wait_exit(child, Duration::from_secs(120));
    assert_eq!(
        status.and_then(|s| s.code()),
        Some(0),
        "the server did not exit"
    );
    // The server closed both.
    assert_eq!(conn.read(&mut buf).unwrap_or(0), 0);
    assert_eq!(silent.read(&mut buf).unwrap_or(0), 0);
    let mut rest = String::new();
    err.read_to_string(&mut rest).unwrap();
    assert!(rest.contains("plaudit: shut down cleanly"), "{rest}");
}

#[test]
fn idle_connections_beyond_the_descriptor_limit_do_not_stop_service() {
    // 64 descriptors for the server, 150 clients that connect and send nothing.
    let mut cmd = Command::new("sh");
    cmd.args([
        "-c",
        &format!(
            "ulimit -n 64 && exec {} serve --addr 127.0.0.1:0 --jobs 1 --header-timeout-ms 500",
            env!("CARGO_BIN_EXE_plaudit")
        ),
    ]);
    let (child, mut err, addr) = common::start_serve(cmd);
    let child = KillOnDrop(Some(child));
    let mut line = String::new();
    while !line.contains("accepting connections") {
        line.clear();
        assert!(err.read_line(&mut line).unwrap() > 0, "no start-up line");
    }
    assert!(
        line.contains("max_connections=32") && line.contains("descriptor_limit=\"64\""),
        "{line}"
    );
    let idle: Vec<TcpStream> = (0..150)
        .map(|_| TcpStream::connect(&addr).unwrap())
        .collect();
    assert_eq!(admitted(&addr), 0);
    let body = serde_json::json!({"samples": [{"task": "math", "response": "\\boxed{4}", "reference": "4"}]}).to_string();
    let (code, out) = post(&addr, &body);
    assert_eq!(code, 200, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["results"][0]["reward"], 1.0);
    drop(idle);
    child.stop();
}

#[test]
fn sql_references_cannot_read_the_state_file() {
    let dir = std::env::temp_dir().join(format!("plaudit-serve-sql-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let dbs = dir.join("dbs");
    std::fs::create_dir_all(&dbs).unwrap();
    // The server's own state file, beside the database directory, holding a learned target.
    let state = dir.join("state.sqlite");
    let spec = dir.join("spec.yaml");
    std::fs::write(
        &spec,
        "routes:\n  sql:\n    components:\n      correct: sql_execution_match\n  len:\n    components:\n      correct: exact_match\n      eff: adaptive_target_length\n    reward: correct + eff\n",
    )
    .unwrap();
    // A database clients may use, and links out of the directory.
    let store = plaudit_store::SqliteStore::open(&dbs.join("shop.sqlite")).unwrap();
    drop(store);
    std::os::unix::fs::symlink(&state, dbs.join("link.sqlite")).unwrap();
    let args = [
        "--spec",
        spec.to_str().unwrap(),
        "--state",
        state.to_str().unwrap(),
        "--db-dir",
        dbs.to_str().unwrap(),
    ];
    let (child, _err, addr) = start(&args);
    let child = KillOnDrop(Some(child));
    let learn = serde_json::json!({"samples": [{"task": "len", "prompt": "p", "response": "x", "reference": "x", "tokens": 100}]});
    let (code, out) = post(&addr, &learn.to_string());
    assert_eq!(code, 200, "{out}");
    // The oracle: the gold query returns one row; the prediction returns it only when a guess
    // about the state file holds. Reward 1 or 0 would leak one bit per sample.
    let oracle = |db: &str, guess: &str| {
        serde_json::json!({"task": "sql", "reference": {"sql": "SELECT 1", "db": db},
        "response": format!("```sql\nSELECT 1 WHERE (SELECT count(*) FROM state WHERE namespace LIKE '{guess}%') > 0\n```")})
    };
    let paths = [
        state.to_str().unwrap().to_string(),
        "../state.sqlite".to_string(),
        "link.sqlite".to_string(),
        format!("{}/../state.sqlite", dbs.display()),
    ];
    let mut samples = Vec::new();
    for p in &paths {
        samples.push(oracle(p, "len"));
        samples.push(oracle(p, "zzz"));
    }
    let (code, out) = post(
        &addr,
        &serde_json::json!({ "samples": samples }).to_string(),
    );
    assert_eq!(code, 200, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    for r in v["results"].as_array().unwrap() {
        assert_eq!(r["status"], "invalid_input", "{r}");
        assert!(
            r["error"]
                .as_str()
                .unwrap()
                .contains("is outside the database directory"),
            "{r}"
        );
    }
    // A database inside the directory works.
    let ok = serde_json::json!({"samples": [{"task": "sql", "reference": {"sql": "SELECT count(*) FROM state", "db": "shop.sqlite"},
        "response": "```sql\nSELECT count(*) FROM state\n```"}]});
    let (code, out) = post(&addr, &ok.to_string());
    assert_eq!(code, 200, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["results"][0]["reward"], 1.0, "{out}");
    child.stop();

    // Without --db-dir, no database files at all.
    let (child, _err, addr) = start(&args[..4]);
    let child = KillOnDrop(Some(child));
    let (code, out) = post(
        &addr,
        &serde_json::json!({"samples": [oracle(&paths[0], "len")]}).to_string(),
    );
    assert_eq!(code, 200, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["results"][0]["status"], "invalid_input", "{out}");
    assert!(
        v["results"][0]["error"]
            .as_str()
            .unwrap()
            .contains("opens no database files"),
        "{out}"
    );
    child.stop();

    // A state file inside --db-dir is refused at start.
    let inside = dbs.join("state.sqlite");
    let out = Command::new(env!("CARGO_BIN_EXE_plaudit"))
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--db-dir",
            dbs.to_str().unwrap(),
            "--state",
            inside.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let msg = String::from_utf8_lossy(&out.stderr);
    assert!(msg.contains("is inside --db-dir"), "{msg}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_damaged_state_file_stops_the_server_at_start() {
    let dir = std::env::temp_dir().join(format!("plaudit-serve-damaged-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let state = dir.join("state.sqlite");
    let _ = std::fs::remove_file(&state);
    damage(&state);
    let out = Command::new(env!("CARGO_BIN_EXE_plaudit"))
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--state",
            state.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let msg = String::from_utf8_lossy(&out.stderr);
    let want = format!(
        "plaudit: state store {} is damaged (PRAGMA quick_check: ",
        state.display()
    );
    assert!(msg.starts_with(&want), "{msg}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A state file with entries over several pages, then one page overwritten.
pub fn damage(path: &std::path::Path) {
    use std::io::{Seek, SeekFrom};
    {
        let s = plaudit_store::SqliteStore::open(path).unwrap();
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
    let mut f = std::fs::OpenOptions::new().write(true).open(path).unwrap();
    f.seek(SeekFrom::Start(2 * 4096)).unwrap();
    f.write_all(&[0xA5; 4096]).unwrap();
}

#[test]
fn sigint_stops_the_server_cleanly() {
    let (mut child, mut err, addr) = start(&[]);
    // It serves before the signal ...
    let (code, _) = http(&addr, "GET", "/healthz", "");
    assert_eq!(code, 200);
    // ... and SIGINT (a terminal's Ctrl-C) ends it like SIGTERM: exit 0, listener closed.
    signal_exits_0(&mut child, "-INT");
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
    let (mut child, mut err, addr) = start(&[
        "--spec",
        spec.to_str().unwrap(),
        "--state",
        state.to_str().unwrap(),
    ]);
    // Another connection holds the write lock: the server can read its state but not save it.
    let holder = rusqlite::Connection::open(&state).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE;").unwrap();
    let sample = serde_json::json!({"samples": [{"prompt": "What is 2 + 2?", "response": "answer: 4", "reference": "4", "tokens": 80}]});
    let (code, body) = post(&addr, &sample.to_string());
    holder.execute_batch("ROLLBACK;").unwrap();
    assert_eq!(code, 200, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["results"][0]["status"], "ok", "{body}");
    let (_, metrics) = http(&addr, "GET", "/metrics", "");
    assert!(
        metrics.lines().any(|l| l == "plaudit_state_errors_total 1"),
        "{metrics}"
    );
    signal_exits_0(&mut child, "-TERM");
    let mut rest = String::new();
    err.read_to_string(&mut rest).unwrap();
    assert!(rest.contains("cannot save state"), "{rest}");
}
