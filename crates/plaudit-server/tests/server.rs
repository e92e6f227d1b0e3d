//! The real server on a loopback port: both protocols, error codes, metrics, the 503 path.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use plaudit_server::Config;
use serde_json::{json, Value};

#[path = "support/partial.rs"]
mod partial;
use partial::Partial;

#[path = "support/server.rs"]
mod server;
use server::{request, start};

fn post(addr: SocketAddr, path: &str, v: &Value) -> (u16, Value) {
    let (code, _, body) = request(addr, "POST", path, v.to_string().as_bytes());
    (
        code,
        serde_json::from_str(&body).unwrap_or_else(|_| panic!("not JSON: {body}")),
    )
}

#[test]
fn score_route_answers_every_sample_in_order() {
    let srv = start(None, Config::default());
    let samples = json!({"samples": [
        {"id": "a", "task": "math", "response": "so \\boxed{\\frac{1}{2}}", "reference": "0.5"},
        {"id": "b", "task": "qa", "response": "<answer>The Eiffel Tower</answer>", "reference": "eiffel tower"},
        {"id": "c", "prompt": "no response"},
        {"id": "d", "task": "math", "response": "<think>unfinished", "reference": "1"}
    ]});
    let (code, body) = post(srv.addr, "/v1/score", &samples);
    assert_eq!(code, 200, "{body}");
    let rs = body["results"].as_array().unwrap();
    let ids: Vec<&str> = rs.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, vec!["a", "b", "c", "d"]);
    assert_eq!(rs[0]["reward"], 1.0);
    assert_eq!(rs[1]["reward"], 1.0);
    assert_eq!(rs[2]["status"], "invalid_input");
    assert_eq!(rs[2]["error"], "missing field `response`");
    assert_eq!(rs[3]["status"], "no_answer");
}

#[test]
fn inline_spec_and_its_errors() {
    let srv = start(
        None,
        Config {
            allow_inline_specs: true,
            ..Config::default()
        },
    );
    let req = json!({"spec": "components:\n  n: {reward: soft_overlong_penalty, params: {max_len: 100, buffer: 20}}\n",
                     "samples": [{"response": "x", "tokens": 90}]});
    let (code, body) = post(srv.addr, "/v1/score", &req);
    assert_eq!(code, 200, "{body}");
    assert_eq!(body["results"][0]["reward"], -0.5);
    let bad = json!({"spec": {"components": {"n": "no_such_reward"}}, "samples": []});
    let (code, body) = post(srv.addr, "/v1/score", &bad);
    assert_eq!(code, 400);
    let msg = body["error"].as_str().unwrap();
    assert!(
        msg.starts_with("field `spec` is invalid:\ncomponents.n: unknown reward `no_such_reward`"),
        "{msg}"
    );
}

#[test]
fn openrlhf_protocol() {
    let srv = start(None, Config::default());
    let req = json!({
        "query": ["Q: 2+2? A: <think>2+2=4</think> \\boxed{4}", "Q: 3+3? A: \\boxed{7}", "Q: capital of France? <answer>Paris</answer>"],
        "prompts": ["Q: 2+2? A:", "Q: 3+3? A:", "Q: capital of France?"],
        "labels": ["4", "6", "Paris"],
        "task": ["math", "math", "qa"]
    });
    let (code, body) = post(srv.addr, "/get_reward", &req);
    assert_eq!(code, 200, "{body}");
    assert_eq!(body["rewards"], json!([1.0, 0.0, 1.0]));
    assert_eq!(body["scores"], json!([1.0, 0.0, 1.0]));
    assert_eq!(body["extra_logs"]["correct"], json!([1.0, 0.0, 1.0]));
    assert_eq!(body["extra_logs"]["plaudit_ok"], json!([1.0, 1.0, 1.0]));
    let (code, body) = post(
        srv.addr,
        "/get_reward",
        &json!({"query": ["a"], "labels": ["1", "2"]}),
    );
    assert_eq!(code, 400);
    assert_eq!(
        body["error"],
        "field `labels`: has 2 items but `query` has 1"
    );
}

#[test]
fn bad_requests_get_4xx_naming_the_problem() {
    let srv = start(
        None,
        Config {
            max_body_bytes: 1000,
            ..Config::default()
        },
    );
    let (code, _, body) = request(srv.addr, "POST", "/v1/score", b"{not json");
    assert_eq!(code, 400);
    assert!(
        body.contains("invalid JSON: key must be a string at line 1 column 2"),
        "{body}"
    );
    let (code, body) = post(srv.addr, "/v1/score", &json!({"samples": {"a": 1}}));
    assert_eq!(code, 400);
    assert_eq!(
        body["error"],
        "field `samples`: expected an array of samples, got an object"
    );
    let (code, body) = post(srv.addr, "/v1/score", &json!({"sample": []}));
    assert_eq!(code, 400);
    assert_eq!(
        body["error"],
        "request: unknown field `sample` (fields: samples, spec)"
    );
    let big = json!({"samples": [{"response": "x".repeat(2000)}]});
    let (code, body) = post(srv.addr, "/v1/score", &big);
    assert_eq!(code, 413);
    let want = format!(
        "request body of {} bytes is over the limit of 1000 bytes",
        big.to_string().len()
    );
    assert_eq!(body["error"], want.as_str());
    let (code, _, body) = request(srv.addr, "GET", "/nope", b"");
    assert_eq!(code, 404);
    assert!(body.contains("no such route"), "{body}");
    let (code, _, _) = request(srv.addr, "GET", "/v1/score", b"");
    assert_eq!(code, 405);
}

#[test]
fn healthz_and_metrics() {
    let srv = start(None, Config::default());
    let (code, _, body) = request(srv.addr, "GET", "/healthz", b"");
    assert_eq!(
        (code, body.as_str()),
        (
            200,
            r#"{"status":"ok","requests_admitted":0,"requests_scoring":0,"max_pending":256}"#
        )
    );
    post(
        srv.addr,
        "/v1/score",
        &json!({"samples": [{"task": "math", "response": "\\boxed{1}", "reference": "1"}, {"x": 1}]}),
    );
    let (code, head, text) = request(srv.addr, "GET", "/metrics", b"");
    assert_eq!(code, 200);
    assert!(
        head.to_ascii_lowercase()
            .contains("content-type: text/plain"),
        "{head}"
    );
    for needle in [
        "plaudit_http_requests_total{route=\"/v1/score\",code=\"200\"}",
        "plaudit_http_request_duration_seconds_bucket{route=\"/v1/score\"",
        "plaudit_samples_total{status=\"ok\"}",
        "plaudit_samples_total{status=\"invalid_input\"}",
        "plaudit_reward_bucket",
        "plaudit_component_bucket{name=\"correct\"",
        "plaudit_http_in_flight",
    ] {
        assert!(text.contains(needle), "metrics lack {needle}:\n{text}");
    }
}

/// Waits (bounded) until the server reports `n` requests admitted: an event, not a sleep.
fn wait_admitted(addr: SocketAddr, n: u64) {
    let until = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        let (_, _, body) = request(addr, "GET", "/healthz", b"");
        let v: Value = serde_json::from_str(&body).unwrap();
        if v["requests_admitted"] == n {
            return;
        }
        assert!(std::time::Instant::now() < until, "never admitted {n}: {v}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn full_server_answers_503_with_retry_after() {
    // One admission slot, held by a request whose body is still arriving.
    let srv = start(
        None,
        Config {
            max_pending: 1,
            jobs: 1,
            ..Config::default()
        },
    );
    let addr = srv.addr;
    let held = Partial::start(
        addr,
        &json!({"samples": [{"task": "math", "response": "\\boxed{72}", "reference": "72"}]})
            .to_string(),
    );
    wait_admitted(addr, 1);
    let (code, head, body) = request(
        addr,
        "POST",
        "/v1/score",
        json!({"samples": []}).to_string().as_bytes(),
    );
    assert_eq!(code, 503, "{body}");
    assert!(
        head.to_ascii_lowercase().contains("retry-after: 1"),
        "{head}"
    );
    assert_eq!(
        body,
        r#"{"error":"server busy: 1 requests already admitted (the limit); retry shortly"}"#
    );
    let (code, body) = held.finish();
    let body: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(code, 200);
    assert_eq!(body["results"][0]["status"], "ok");
    assert_eq!(body["results"][0]["reward"], 1.0);
    // The slot is free again.
    wait_admitted(addr, 0);
    let (code, _) = post(addr, "/v1/score", &json!({"samples": []}));
    assert_eq!(code, 200);
}

#[test]
fn request_deadline_answers_the_samples_not_started() {
    let spec = "timeout_ms: 400\ncomponents:\n  e: {reward: edit_similarity}\n";
    let srv = start(
        Some(spec),
        Config {
            jobs: 1,
            request_timeout: Duration::from_millis(200),
            ..Config::default()
        },
    );
    let long = "ab".repeat(40_000);
    let samples: Vec<Value> = (0..3)
        .map(|i| json!({"id": i, "response": long, "reference": "ba".repeat(40_000)}))
        .collect();
    let (code, body) = post(srv.addr, "/v1/score", &json!({"samples": samples}));
    assert_eq!(code, 200);
    let rs = body["results"].as_array().unwrap();
    assert_eq!(rs.len(), 3);
    assert!(rs.iter().all(|r| r["status"] == "timeout"), "{body}");
    assert!(
        rs.iter().any(
            |r| r["error"] == "request deadline of 200 ms passed before this sample was scored"
        ),
        "{body}"
    );
}

#[test]
fn inline_specs_are_off_unless_allowed() {
    let srv = start(None, Config::default());
    let req = json!({"spec": {"components": {"n": "exact_match"}}, "samples": [{"response": "x", "reference": "x"}]});
    let (code, body) = post(srv.addr, "/v1/score", &req);
    assert_eq!(code, 403, "{body}");
    assert_eq!(
        body["error"],
        "field `spec`: inline specs are disabled on this server (its operator can allow them with `plaudit serve --allow-inline-specs`); send samples only, to be scored with the server's spec"
    );
    // Without a spec, the same server scores.
    let (code, body) = post(
        srv.addr,
        "/v1/score",
        &json!({"samples": [{"response": "x", "reference": "x"}], "spec": null}),
    );
    assert_eq!(code, 200, "{body}");
}

#[test]
fn inline_specs_cannot_weaken_isolation_or_reach_files() {
    let srv = start(
        None,
        Config {
            allow_inline_specs: true,
            ..Config::default()
        },
    );
    let marker = std::env::temp_dir().join(format!("plaudit-inline-weak-{}", std::process::id()));
    let _ = std::fs::remove_file(&marker);
    let code_sample = json!({"response": format!("```python\nopen({:?}, 'w').write('x')\ndef f():\n    return 1\n```", marker.to_string_lossy()),
        "reference": {"tests": ["assert f() == 1"]}});
    let cases = [
        (
            json!({"components": {"correct": {"reward": "code_pass", "params": {"isolation": "weak"}}}}),
            "components.correct.params.isolation: a host parameter; an inline spec must leave it at its default (\"full\"), only the server's own spec may set it",
        ),
        (
            json!({"routes": {"sql": {"components": {"c": {"reward": "sql_execution_match", "params": {"db_dir": "/"}}}}}}),
            "routes.sql.components.c.params.db_dir: a host parameter; an inline spec must leave it at its default (\"\"), only the server's own spec may set it",
        ),
        (
            json!({"components": {"c": {"reward": "sql_result_f1", "params": {"max_bytes": 100_000_000_000u64}}}}),
            "components.c.params.max_bytes: a host parameter; an inline spec must leave it at its default (16777216), only the server's own spec may set it",
        ),
        (
            json!({"timeout_ms": 86_400_000, "components": {"n": "exact_match"}}),
            "timeout_ms: 86400000 ms is over this server's ceiling of 30000 ms (its own spec's longest)",
        ),
        // A judge would make the server call any URL with any of its environment variables as
        // the key (an internal service, the operator's secrets) and write a cache file anywhere.
        (
            json!({"judges": {"x": {"base_url": "http://169.254.169.254/v1", "model": "m", "api_key_env": "AWS_SECRET_ACCESS_KEY", "cache": "/etc/x.sqlite"}},
                   "components": {"n": "exact_match"}}),
            "judges: a host section (the endpoints the server calls, the environment variables it sends as keys, the cache files it writes); an inline spec cannot define judges, only the server's own spec may",
        ),
    ];
    for (spec, want) in cases {
        let (code, body) = post(
            srv.addr,
            "/v1/score",
            &json!({"spec": spec, "samples": [code_sample.clone()]}),
        );
        assert_eq!(code, 403, "{body}");
        assert_eq!(
            body["error"].as_str().unwrap(),
            format!("field `spec` is not allowed here:\n{want}")
        );
    }
    // YAML text is held to the same rules.
    let yaml = "components:\n  correct: {reward: code_pass, params: {isolation: weak}}\n";
    let (code, _) = post(
        srv.addr,
        "/v1/score",
        &json!({"spec": yaml, "samples": [code_sample.clone()]}),
    );
    assert_eq!(code, 403);
    assert!(!marker.exists(), "the sample ran outside the sandbox");
    // Full isolation stated explicitly is the default, so allowed; the write stays in the sandbox.
    let spec = json!({"components": {"correct": {"reward": "code_pass", "params": {"isolation": "full"}}}});
    let (code, body) = post(
        srv.addr,
        "/v1/score",
        &json!({"spec": spec, "samples": [code_sample]}),
    );
    assert_eq!(code, 200, "{body}");
    assert_eq!(body["results"][0]["status"], "ok", "{body}");
    assert!(
        !marker.exists(),
        "the sandbox let a write through to the host"
    );
}

#[test]
fn inline_spec_components_do_not_grow_metrics() {
    let srv = start(
        None,
        Config {
            allow_inline_specs: true,
            ..Config::default()
        },
    );
    for i in 0..40 {
        let spec = json!({"components": {format!("fresh_{i}"): "exact_match"}});
        let (code, body) = post(
            srv.addr,
            "/v1/score",
            &json!({"spec": spec, "samples": [{"response": "a", "reference": "a"}]}),
        );
        assert_eq!(code, 200, "{body}");
        assert_eq!(body["results"][0]["components"][format!("fresh_{i}")], 1.0);
    }
    let (_, _, text) = request(srv.addr, "GET", "/metrics", b"");
    assert!(
        !text.contains("fresh_"),
        "component names of inline specs became labels"
    );
    assert!(
        text.contains("plaudit_component_bucket{name=\"inline\""),
        "inline components are counted under `inline`:\n{text}"
    );
}

/// Reads until the server closes the connection; true when it did (EOF or reset).
fn closed_by_server(s: &mut TcpStream) -> bool {
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let mut buf = [0u8; 256];
    loop {
        match s.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => continue,
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return true,
            Err(_) => return false,
        }
    }
}

#[test]
fn idle_connections_are_closed_and_do_not_stop_service() {
    // Four connection slots, all taken by clients that send nothing; more wait behind them.
    let srv = start(
        None,
        Config {
            max_connections: 4,
            header_timeout: Duration::from_millis(300),
            ..Config::default()
        },
    );
    let mut idle: Vec<TcpStream> = (0..12)
        .map(|_| TcpStream::connect(srv.addr).unwrap())
        .collect();
    // Health and scoring are answered (the idle ones are closed after the header timeout).
    let (code, _, body) = request(srv.addr, "GET", "/healthz", b"");
    assert_eq!(code, 200, "{body}");
    let (code, body) = post(
        srv.addr,
        "/v1/score",
        &json!({"samples": [{"task": "math", "response": "\\boxed{2}", "reference": "2"}]}),
    );
    assert_eq!(code, 200, "{body}");
    assert_eq!(body["results"][0]["reward"], 1.0);
    for (i, s) in idle.iter_mut().enumerate() {
        assert!(closed_by_server(s), "idle connection {i} was never closed");
    }
    // A kept-alive connection that goes idle after a response is closed too.
    let mut s = TcpStream::connect(srv.addr).unwrap();
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
        .unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 512];
    while !String::from_utf8_lossy(&got).contains("\"max_pending\"") {
        let n = s.read(&mut buf).unwrap();
        assert!(n > 0, "closed before answering");
        got.extend_from_slice(&buf[..n]);
    }
    assert!(
        closed_by_server(&mut s),
        "idle kept-alive connection was never closed"
    );
}

#[test]
fn a_body_that_never_arrives_gets_408() {
    let srv = start(
        None,
        Config {
            body_timeout: Duration::from_millis(300),
            ..Config::default()
        },
    );
    let mut s = TcpStream::connect(srv.addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    s.write_all(b"POST /v1/score HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"samples\": [").unwrap();
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    let (head, body) = out.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("HTTP/1.1 408"), "{out}");
    assert_eq!(
        body,
        r#"{"error":"the request body did not arrive within 300 ms"}"#
    );
    // The admission slot is free again.
    wait_admitted(srv.addr, 0);
}

#[test]
fn math_answers_while_another_requests_code_runs() {
    // One CPU thread. Request A's code samples sleep in the sandbox until their time limit;
    // request B (one math sample) must be answered while A is still admitted.
    let srv = start(
        None,
        Config {
            jobs: 1,
            blocking_jobs: 2,
            ..Config::default()
        },
    );
    let addr = srv.addr;
    let sleeper = json!({"task": "code", "response": "```python\nimport time\ntime.sleep(60)\ndef f():\n    return 1\n```",
        "reference": {"tests": ["assert f() == 1"], "time_limit_ms": 8000}});
    let a = std::thread::spawn(move || {
        post(
            addr,
            "/v1/score",
            &json!({"samples": [sleeper.clone(), sleeper]}),
        )
    });
    wait_admitted(addr, 1);
    let (code, body) = post(
        addr,
        "/v1/score",
        &json!({"samples": [{"task": "math", "response": "\\boxed{\\frac{1}{2}}", "reference": "0.5"}]}),
    );
    assert_eq!(code, 200, "{body}");
    assert_eq!(body["results"][0]["status"], "ok", "{body}");
    assert_eq!(body["results"][0]["reward"], 1.0);
    // A is still running: B did not wait for it.
    let (_, _, health) = request(addr, "GET", "/healthz", b"");
    let v: Value = serde_json::from_str(&health).unwrap();
    assert_eq!(
        v["requests_admitted"], 1,
        "the code request finished first: {v}"
    );
    let (code, body) = a.join().unwrap();
    assert_eq!(code, 200, "{body}");
    let rs = body["results"].as_array().unwrap();
    assert_eq!(rs.len(), 2);
    for r in rs {
        assert_eq!(r["reward"], 0.0, "{r}");
        assert_eq!(r["details"]["correct"]["verdicts"][0], "timeout", "{r}");
    }
}

#[test]
fn mixed_batches_keep_order_with_the_blocking_pool() {
    let srv = start(None, Config::default());
    let code = |ret: &str| {
        json!({"group": "g", "task": "code", "response": format!("```python\ndef f():\n    return {ret}\n```"),
        "reference": {"tests": ["assert f() == 1"]}})
    };
    let math = |a: &str| json!({"group": "g", "task": "math", "response": format!("\\boxed{{{a}}}"), "reference": "3"});
    let samples = vec![
        math("3"),
        code("1"),
        math("4"),
        code("2"),
        json!({"group": "g", "x": 1}),
        math("3"),
    ];
    let (status, body) = post(srv.addr, "/v1/score", &json!({"samples": samples}));
    assert_eq!(status, 200, "{body}");
    let rewards: Vec<f64> = body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["reward"].as_f64().unwrap())
        .collect();
    assert_eq!(rewards, vec![1.0, 1.0, 0.0, 0.0, 0.0, 1.0]);
    assert_eq!(body["results"][4]["status"], "invalid_input");
    // GRPO over the group `g`, across both pools: rewards 1 above the mean of ½, 0 below.
    let adv: Vec<f64> = body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["advantage"].as_f64().unwrap())
        .collect();
    assert!(
        adv.iter()
            .zip(&rewards)
            .all(|(a, r)| (*a > 0.0) == (*r > 0.5) && *a != 0.0),
        "{adv:?}"
    );
}

#[test]
fn integers_beyond_64_bits_are_exact() {
    let srv = start(None, Config::default());
    let body = br#"{"samples": [
        {"task": "math", "response": "\boxed{18446744073709551617}", "reference": 18446744073709551617},
        {"task": "math", "response": "\boxed{123456789012345680000000000000000000000}", "reference": 123456789012345678901234567890123456789},
        {"id": 18446744073709551617, "task": "math", "response": "\boxed{1}", "reference": 1}
    ]}"#;
    let (code, _, text) = request(srv.addr, "POST", "/v1/score", body);
    assert_eq!(code, 200, "{text}");
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["results"][0]["reward"], 1.0, "{text}");
    assert_eq!(v["results"][1]["reward"], 0.0, "{text}");
    assert!(text.contains(r#""id":18446744073709551617"#), "{text}");
    // OpenRLHF labels too.
    let req = br#"{"query": ["Q: \boxed{18446744073709551617}"], "prompts": ["Q:"], "labels": [18446744073709551617], "task": ["math"]}"#;
    let (code, _, text) = request(srv.addr, "POST", "/get_reward", req);
    assert_eq!(code, 200, "{text}");
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["rewards"][0], 1.0, "{text}");
}

#[test]
fn a_client_that_never_reads_its_response_loses_the_connection() {
    // One connection slot. A asks for a 24 MB response (its ids echoed back) and reads none of
    // it; once the socket buffers are full the write stalls, and after the timeout the server
    // drops A, so B's health check gets the slot.
    let srv = start(
        None,
        Config {
            max_connections: 1,
            body_timeout: Duration::from_millis(500),
            ..Config::default()
        },
    );
    let big = "i".repeat(8 << 20);
    let body = json!({"samples": [{"id": big}, {"id": big}, {"id": big}]}).to_string();
    let mut a = TcpStream::connect(srv.addr).unwrap();
    write!(
        a,
        "POST /v1/score HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .unwrap();
    a.write_all(body.as_bytes()).unwrap();
    let (code, _, health) = request(srv.addr, "GET", "/healthz", b"");
    assert_eq!(code, 200, "{health}");
    drop(a);
}

#[test]
fn a_client_that_disconnects_cancels_its_samples() {
    // One scoring thread. The request: ten samples that each run to their 2 s deadline (20 s of
    // work). Its client goes away as soon as it is admitted; every sample not started by then
    // must be answered `cancelled` internally (counted in /metrics), not scored. The metrics
    // recorder is process-wide: no other test here cancels samples.
    let spec = "timeout_ms: 2000\ncomponents:\n  e: {reward: edit_similarity}\n";
    let srv = start(
        Some(spec),
        Config {
            jobs: 1,
            ..Config::default()
        },
    );
    let long = "ab".repeat(40_000);
    let slow: Vec<Value> = (0..10)
        .map(|i| json!({"id": i, "response": long, "reference": "ba".repeat(40_000)}))
        .collect();
    let body = json!({"samples": slow}).to_string();
    let mut a = TcpStream::connect(srv.addr).unwrap();
    write!(
        a,
        "POST /v1/score HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    // Its body is read and its samples are being scored ...
    let until = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        let (_, _, body) = request(srv.addr, "GET", "/healthz", b"");
        let v: Value = serde_json::from_str(&body).unwrap();
        if v["requests_scoring"] == 1 {
            break;
        }
        assert!(std::time::Instant::now() < until, "never scoring: {v}");
        std::thread::sleep(Duration::from_millis(5));
    }
    // ... when its client hangs up.
    drop(a);
    // The server notices, cancels the samples not started, counts them, then frees the slot
    // (the slot is held until the batch is counted).
    wait_admitted(srv.addr, 0);
    let (_, _, text) = request(srv.addr, "GET", "/metrics", b"");
    let cancelled: f64 = text
        .lines()
        .find_map(|l| l.strip_prefix("plaudit_samples_cancelled_total "))
        .unwrap_or_else(|| panic!("no cancelled samples counted:\n{text}"))
        .trim()
        .parse()
        .unwrap();
    assert!(cancelled >= 9.0, "{cancelled} of 10 cancelled");
}
