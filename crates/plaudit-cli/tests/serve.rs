//! `plaudit serve` as a process: requests in flight when SIGTERM arrives all get their answers,
//! then the server exits 0.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::Duration;

fn post(addr: &str, body: &str) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    write!(
        s,
        "POST /v1/score HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    let (head, body) = out.split_once("\r\n\r\n").unwrap();
    (
        head.split(' ').nth(1).unwrap().parse().unwrap(),
        body.to_string(),
    )
}

/// A request whose body is still arriving: admitted by the server (admission comes before the
/// body is read), answered once `finish` sends the rest.
struct Partial {
    stream: TcpStream,
    rest: Vec<u8>,
}

impl Partial {
    fn start(addr: &str, body: &str) -> Partial {
        let mut stream = TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .unwrap();
        write!(
            stream,
            "POST /v1/score HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        )
        .unwrap();
        let (first, rest) = body.as_bytes().split_at(body.len() / 2);
        stream.write_all(first).unwrap();
        Partial {
            stream,
            rest: rest.to_vec(),
        }
    }

    fn finish(mut self) -> (u16, String) {
        self.stream.write_all(&self.rest).unwrap();
        let mut out = String::new();
        self.stream.read_to_string(&mut out).unwrap();
        let (head, body) = out.split_once("\r\n\r\n").unwrap();
        (
            head.split(' ').nth(1).unwrap().parse().unwrap(),
            body.to_string(),
        )
    }
}

/// GET /healthz's `requests_admitted`.
fn admitted(addr: &str) -> u64 {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    write!(s, "GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n").unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    let v: serde_json::Value = serde_json::from_str(out.split_once("\r\n\r\n").unwrap().1).unwrap();
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
        assert!(err.read_line(&mut line).unwrap() > 0, "stderr closed: {seen}");
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
    let mut child = Command::new(env!("CARGO_BIN_EXE_plaudit"))
        .args(["serve", "--addr", "127.0.0.1:0"])
        .args(args)
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
    (child, err, addr)
}

fn stop(mut child: std::process::Child) {
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
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
