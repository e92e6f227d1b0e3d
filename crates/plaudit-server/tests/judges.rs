//! The server with judges, against the real peer `scripts/anchors/judge_server.py`: `GET /metrics`
//! shows the process's judges, and concurrent requests share one limit per judge.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use plaudit_judge::client::{JudgeConfig, Judges, Message};
use plaudit_server::Config;

#[path = "../../plaudit-rewards/tests/peer/mod.rs"]
mod peer;
use peer::Peer;

#[path = "support/server.rs"]
mod server;
use server::{request, start, start_with};

fn get_metrics(addr: SocketAddr) -> String {
    let (code, head, body) = request(addr, "GET", "/metrics", b"");
    assert_eq!(code, 200, "{head}");
    body
}

#[test]
fn metrics_show_every_judge_of_the_process() {
    let peer = Peer::start(&[]);
    let srv = start(None, Config::default());
    let mut config = JudgeConfig::new(
        format!("http://127.0.0.1:{}/v1", peer.port),
        "metrics-model",
    );
    config.retry_base_ms = 10;
    config.price_input_per_mtok = Some(2.0);
    config.price_output_per_mtok = Some(8.0);
    // A name no other test of this process uses: the registry is the process's.
    let judge = Judges::global().get("metrics_grader", &config).unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    // 3 + 11 prompt words, 6 reply words, after one 500.
    let reply = rt
        .block_on(judge.ask(
            vec![
                Message::system("You grade answers."),
                Message::user(
                    "Question: 2+2\nResponse: 4 [[judge: status 500 times 1; verdict 9]]",
                ),
            ],
            deadline,
        ))
        .unwrap();
    assert_eq!(reply.attempts, 2);
    let usage = reply.usage.unwrap();
    assert_eq!((usage.prompt_tokens, usage.completion_tokens), (14, 6));
    // One that fails: a 400 is not retried.
    let error = rt
        .block_on(judge.ask(vec![Message::user("[[judge: status 400]]")], deadline))
        .unwrap_err();
    assert_eq!(error.kind(), "http_status");

    let text = get_metrics(srv.addr);
    let labels = r#"{judge="metrics_grader",model="metrics-model"}"#;
    for (name, value) in [
        ("plaudit_judge_requests_total", "2"),
        ("plaudit_judge_attempts_total", "3"),
        ("plaudit_judge_retries_total", "1"),
        ("plaudit_judge_cache_hits_total", "0"),
        ("plaudit_judge_coalesced_total", "0"),
        ("plaudit_judge_prompt_tokens_total", "14"),
        ("plaudit_judge_completion_tokens_total", "6"),
        // (14 · $2 + 6 · $8) per million tokens.
        ("plaudit_judge_cost_usd_total", "0.000076"),
        ("plaudit_judge_in_flight", "0"),
        ("plaudit_judge_peak_in_flight", "1"),
        ("plaudit_judge_cache_errors_total", "0"),
    ] {
        let line = format!("{name}{labels} {value}");
        assert!(
            text.lines().any(|l| l == line),
            "metrics lack {line}:\n{text}"
        );
    }
    let line = r#"plaudit_judge_errors_total{judge="metrics_grader",model="metrics-model",kind="http_status"} 1"#;
    assert!(
        text.lines().any(|l| l == line),
        "metrics lack {line}:\n{text}"
    );
    assert!(text.contains("# TYPE plaudit_judge_requests_total counter"));
    assert!(text.contains("# TYPE plaudit_judge_in_flight gauge"));
}

fn post(addr: SocketAddr, path: &str, body: &serde_json::Value) -> serde_json::Value {
    let (code, _, text) = request(addr, "POST", path, body.to_string().as_bytes());
    assert_eq!(code, 200, "{text}");
    serde_json::from_str(&text).unwrap()
}

#[test]
fn concurrent_requests_share_one_limit_per_judge() {
    let peer = Peer::start(&[]);
    peer.script(&serde_json::json!({"": "sleep 100; verdict 7"}));
    let registry = plaudit_rewards::registry();
    let spec = plaudit_core::Spec::from_value(
        &serde_json::json!({
            "timeout_ms": 60000,
            "judges": {"serve_grader": peer.judge(serde_json::json!({"max_concurrency": 3}))},
            "components": {"q": {"reward": "llm_judge", "params": {"judge": "serve_grader", "template": "{{prompt}}: {{response}}"}}},
        }),
        &registry,
    )
    .unwrap();
    let srv = start_with(spec, registry, Config::default());
    // Six clients at once, eight samples each: 48 calls, never more than 3 in flight.
    let clients: Vec<_> = (0..6)
        .map(|c| {
            let addr = srv.addr;
            std::thread::spawn(move || {
                let samples: Vec<serde_json::Value> = (0..8)
                    .map(|i| serde_json::json!({"id": format!("{c}-{i}"), "prompt": format!("client {c}"), "response": format!("sample {i}")}))
                    .collect();
                post(addr, "/v1/score", &serde_json::json!({"samples": samples}))
            })
        })
        .collect();
    for (c, h) in clients.into_iter().enumerate() {
        let body = h.join().unwrap();
        let rs = body["results"].as_array().unwrap();
        assert_eq!(rs.len(), 8);
        for (i, r) in rs.iter().enumerate() {
            assert_eq!(r["id"], format!("{c}-{i}"));
            assert_eq!(r["status"], "ok", "{r}");
            assert_eq!(r["reward"], 0.7, "{r}");
        }
    }
    let stats = peer.stats();
    assert_eq!(stats["requests"], 48, "{stats}");
    assert_eq!(stats["max_in_flight"], 3, "{stats}");
    assert_eq!(stats["rejected"], 0, "{stats}");
    let text = get_metrics(srv.addr);
    let line = r#"plaudit_judge_requests_total{judge="serve_grader",model="judge-model"} 48"#;
    assert!(
        text.lines().any(|l| l == line),
        "metrics lack {line}:\n{text}"
    );
    let line = r#"plaudit_judge_peak_in_flight{judge="serve_grader",model="judge-model"} 3"#;
    assert!(
        text.lines().any(|l| l == line),
        "metrics lack {line}:\n{text}"
    );
}
