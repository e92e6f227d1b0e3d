//! The real server on a loopback port: both protocols, error codes, metrics, the 503 path.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use plaudit_core::{Engine, Spec};
use plaudit_server::{AppState, Config};
use serde_json::{json, Value};

struct Server {
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn start(spec_yaml: Option<&str>, config: Config) -> Server {
    let registry = plaudit_rewards::registry();
    let spec = match spec_yaml {
        Some(y) => Spec::from_text(y, &registry).unwrap(),
        None => plaudit_rewards::default_spec(&registry),
    };
    let state = AppState::new(Engine::new(spec), registry, config).unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let (addr_tx, addr_rx) = std::sync::mpsc::channel();
    let thread = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            addr_tx.send(listener.local_addr().unwrap()).unwrap();
            plaudit_server::serve(listener, state, async move {
                let _ = rx.await;
            })
            .await
            .unwrap();
        });
    });
    Server {
        addr: addr_rx.recv().unwrap(),
        stop: Some(tx),
        thread: Some(thread),
    }
}

/// One HTTP/1.1 request; returns (status, headers, body).
fn request(addr: SocketAddr, method: &str, path: &str, body: &[u8]) -> (u16, String, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).unwrap();
    s.write_all(body).unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).unwrap();
    let text = String::from_utf8_lossy(&out).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    let code: u16 = head.split(' ').nth(1).unwrap().parse().unwrap();
    (code, head.to_string(), body.to_string())
}

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
    let srv = start(None, Config::default());
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
            r#"{"status":"ok","requests_admitted":0,"max_pending":256}"#
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

/// A request whose body is still arriving: it is admitted (admission comes before the body is
/// read) and holds its slot until `finish` sends the rest.
struct Partial {
    stream: TcpStream,
    rest: Vec<u8>,
}

impl Partial {
    fn start(addr: SocketAddr, body: &Value) -> Partial {
        let body = body.to_string().into_bytes();
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
        let (first, rest) = body.split_at(body.len() / 2);
        stream.write_all(first).unwrap();
        Partial {
            stream,
            rest: rest.to_vec(),
        }
    }

    fn finish(mut self) -> (u16, Value) {
        self.stream.write_all(&self.rest).unwrap();
        let mut out = String::new();
        self.stream.read_to_string(&mut out).unwrap();
        let (head, body) = out.split_once("\r\n\r\n").unwrap();
        (
            head.split(' ').nth(1).unwrap().parse().unwrap(),
            serde_json::from_str(body).unwrap(),
        )
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
        &json!({"samples": [{"task": "math", "response": "\\boxed{72}", "reference": "72"}]}),
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
