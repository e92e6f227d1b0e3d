//! One Plaudit calling another: `plaudit serve` with a math spec answers OpenRLHF's
//! `/get_reward`, and `plaudit score` with a spec whose component is `remote_reward` (its judge
//! the server's origin) gets the server's verdicts as its rewards.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use serde_json::{json, Value};

mod common;

/// A file in this test process's own temporary directory.
fn temp(name: &str) -> PathBuf {
    common::temp_dir("remote-reward").join(name)
}

/// The server, killed (by its own pid) when dropped.
struct Server {
    child: Child,
    addr: String,
}

impl Server {
    fn start(spec: &PathBuf) -> Server {
        let mut cmd = common::serve_command();
        cmd.arg("--spec")
            .arg(spec)
            .stdin(Stdio::null())
            .stdout(Stdio::null());
        let (child, err, addr) = common::start_serve(cmd);
        // Keep reading stderr so the server never blocks on a full pipe.
        common::drain(err);
        Server { child, addr }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn score(spec: &PathBuf, samples: &[Value]) -> Vec<Value> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_plaudit"))
        .args(["score", "--spec"])
        .arg(spec)
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let data: String = samples.iter().map(|s| format!("{s}\n")).collect();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(data.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn a_plaudit_scores_through_another_plaudits_get_reward() {
    let server_spec = temp("server.yaml");
    std::fs::write(
        &server_spec,
        "components:\n  correct: {reward: math_equivalence}\n",
    )
    .unwrap();
    let server = Server::start(&server_spec);

    let client_spec = temp("client.json");
    std::fs::write(
        &client_spec,
        json!({
            "timeout_ms": 30000,
            "judges": {"central": {"base_url": format!("http://{}", server.addr), "model": "plaudit"}},
            "components": {"remote": {"reward": "remote_reward", "params": {"judge": "central"}}},
        })
        .to_string(),
    )
    .unwrap();
    let samples = [
        json!({"id": "right", "prompt": "What is 48 + 24?\n", "response": "48 + 24 = \\boxed{72}", "reference": "72"}),
        json!({"id": "wrong", "prompt": "What is 48 + 24?\n", "response": "48 + 24 = \\boxed{70}", "reference": "72"}),
        json!({"id": "half", "prompt": "P(heads)?\n", "response": "$\\boxed{\\dfrac{1}{2}}$<|im_end|>", "reference": "0.5"}),
        // The response repeats the prompt and writes a boxed answer there: only the text after
        // the prompt is the response the server scores.
        json!({"id": "echo", "prompt": "Is it \\boxed{72}? ", "response": "No: \\boxed{71}", "reference": "72"}),
    ];
    let rs = score(&client_spec, &samples);
    let got: Vec<(String, String, f64, f64)> = rs
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap().to_string(),
                r["status"].as_str().unwrap().to_string(),
                r["reward"].as_f64().unwrap(),
                r["details"]["remote"]["raw"].as_f64().unwrap_or(f64::NAN),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("right".to_string(), "ok".to_string(), 1.0, 1.0),
            ("wrong".to_string(), "ok".to_string(), 0.0, 0.0),
            ("half".to_string(), "ok".to_string(), 1.0, 1.0),
            ("echo".to_string(), "ok".to_string(), 0.0, 0.0),
        ],
        "{rs:?}"
    );
    assert_eq!(rs[0]["details"]["remote"]["protocol"], json!("openrlhf"));
    assert_eq!(rs[0]["details"]["remote"]["calls"], json!(1));

    // The same samples scored by the server's own spec give the same rewards.
    let direct = score(&server_spec, &samples);
    let direct: Vec<f64> = direct
        .iter()
        .map(|r| r["reward"].as_f64().unwrap())
        .collect();
    assert_eq!(direct, vec![1.0, 0.0, 1.0, 0.0]);
}

#[test]
fn a_server_that_is_gone_is_a_typed_failure_not_a_zero() {
    // A port with nothing listening: bind one, note it, close it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let spec = temp("gone.json");
    std::fs::write(
        &spec,
        json!({
            "timeout_ms": 5000,
            "judges": {"central": {"base_url": format!("http://127.0.0.1:{port}"), "model": "plaudit", "retry_base_ms": 10}},
            "components": {"remote": {"reward": "remote_reward", "params": {"judge": "central"}}},
        })
        .to_string(),
    )
    .unwrap();
    let rs = score(
        &spec,
        &[json!({"id": 1, "prompt": "Q ", "response": "\\boxed{1}", "reference": "1"})],
    );
    assert_eq!(rs[0]["status"], json!("error"), "{rs:?}");
    assert_eq!(
        rs[0]["details"]["remote"]["judge_error"],
        json!("connection"),
        "{rs:?}"
    );
}
