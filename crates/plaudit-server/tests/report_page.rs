//! `GET /`: the report page over the window of recent results.

use std::net::SocketAddr;

use plaudit_server::Config;
use serde_json::{json, Value};

#[path = "support/server.rs"]
mod server;
use server::{request, start};

fn post(addr: SocketAddr, v: &Value) {
    let (code, _, body) = request(addr, "POST", "/v1/score", v.to_string().as_bytes());
    assert_eq!(code, 200, "{body}");
}

/// The page's embedded rollouts (the JSON block the rollout browser renders as `tr.rollout`).
fn rollouts(page: &str) -> Vec<Value> {
    let start = page.find("id=\"rollout-data\">").unwrap() + "id=\"rollout-data\">".len();
    let end = start + page[start..].find("</script>").unwrap();
    serde_json::from_str::<Value>(&page[start..end])
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn the_page_covers_recent_requests_inline_specs_included() {
    let srv = start(
        None,
        Config {
            allow_inline_specs: true,
            ..Config::default()
        },
    );
    let (code, head, page) = request(srv.addr, "GET", "/", b"");
    assert_eq!(code, 200);
    assert!(
        head.to_ascii_lowercase()
            .contains("content-type: text/html"),
        "{head}"
    );
    assert!(page.contains("<b>0</b> samples"));

    post(
        srv.addr,
        &json!({"samples": [
            {"id": "a", "task": "math", "response": "so \\boxed{\\frac{1}{2}}", "reference": "0.5"},
            {"id": "b", "task": "math", "response": "<script>window.__pwned=1</script>", "reference": "1"},
            {"id": "c", "prompt": "no response"}
        ]}),
    );
    post(
        srv.addr,
        &json!({"spec": "components:\n  n: {reward: soft_overlong_penalty, params: {max_len: 100, buffer: 20}}\n",
                "samples": [{"id": "d", "response": "x", "tokens": 90}]}),
    );
    let (code, head, page) = request(srv.addr, "GET", "/", b"");
    assert_eq!(code, 200);
    assert!(
        head.to_ascii_lowercase()
            .contains("content-security-policy"),
        "{head}"
    );
    assert!(page.contains("id=\"headline\""));
    assert!(page.contains("<b>4</b> samples"), "headline of 4 samples");
    assert!(page.contains("invalid_input 1"));
    assert!(page.contains("id=\"rollouts\"") && page.contains("id=\"charts\""));
    assert!(page.contains("location.reload()"));
    // The response is data: it is in the JSON block with `<` escaped, never as a tag.
    assert!(!page.contains("<script>window.__pwned"));
    let rows = rollouts(&page);
    let ids: Vec<&str> = rows.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["a", "b", "c", "d"]);
    assert_eq!(rows[1]["response"], "<script>window.__pwned=1</script>");
    assert_eq!(rows[0]["route"], "math");
    assert_eq!(rows[3]["reward"], -0.5);
}

#[test]
fn the_window_keeps_the_last_n() {
    let srv = start(
        None,
        Config {
            report_window: 5,
            ..Config::default()
        },
    );
    let sample = |i: usize| json!({"id": format!("s{i}"), "task": "math", "response": "\\boxed{1}", "reference": "1"});
    post(
        srv.addr,
        &json!({"samples": (0..3).map(sample).collect::<Vec<_>>()}),
    );
    post(
        srv.addr,
        &json!({"samples": (3..7).map(sample).collect::<Vec<_>>()}),
    );
    // One request larger than the window on its own.
    post(
        srv.addr,
        &json!({"samples": (7..15).map(sample).collect::<Vec<_>>()}),
    );
    let (code, _, page) = request(srv.addr, "GET", "/", b"");
    assert_eq!(code, 200);
    assert!(page.contains("<b>5</b> samples"), "the window holds 5");
    let ids: Vec<String> = rollouts(&page)
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, ["s10", "s11", "s12", "s13", "s14"]);
}
