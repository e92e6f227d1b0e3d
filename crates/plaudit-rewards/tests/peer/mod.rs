//! The test judge, for every crate's tests (`#[path = "…/plaudit-rewards/tests/peer/mod.rs"] mod peer;`
//! from other crates): `scripts/anchors/judge_server.py`, the scriptable OpenAI-compatible peer (and
//! reward-model server), started on a free port for a test and killed when dropped. Its replies
//! are chosen by `[[judge: …]]` directives in the request's text, or by the script set with
//! [`Peer::script`] (substring → directive clauses; see the peer's docstring).
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use serde_json::{json, Value};

pub struct Peer {
    child: Child,
    /// The peer's stdin: when this process ends (even without dropping the peer: a panic, a
    /// peer in a static), the pipe closes and the peer exits (`--exit-with-stdin`).
    _stdin: std::process::ChildStdin,
    pub port: u16,
}

impl Peer {
    /// Starts the peer with extra command-line `args` (`--max-concurrency 4` …). python3 is part
    /// of the test setup (`scripts/venv.sh`), so a missing one fails the test.
    pub fn start(args: &[&str]) -> Peer {
        let script =
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../scripts/anchors/judge_server.py");
        let mut child = Command::new("python3")
            .arg(&script)
            .args(["--port", "0", "--exit-with-stdin"])
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start python3 {}: {e}", script.display()));
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert!(
            line.starts_with("listening on "),
            "judge_server did not start: {line:?}"
        );
        let port = line.trim().rsplit(':').next().unwrap().parse().unwrap();
        let stdin = child.stdin.take().unwrap();
        Peer {
            child,
            _stdin: stdin,
            port,
        }
    }

    /// The OpenAI base URL (`http://127.0.0.1:PORT/v1`).
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}/v1", self.port)
    }

    /// The server's origin (`http://127.0.0.1:PORT`), for reward-model endpoints.
    pub fn origin(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// A judge entry of a spec's `judges:` section for this peer, with `extra` fields merged in.
    pub fn judge(&self, extra: Value) -> Value {
        let mut j =
            json!({"base_url": self.base_url(), "model": "judge-model", "retry_base_ms": 10});
        if let (Some(m), Value::Object(e)) = (j.as_object_mut(), extra) {
            m.extend(e);
        }
        j
    }

    pub fn control(&self, method: &str, path: &str, body: &Value) -> Value {
        let body = body.to_string();
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        let (_, body) = response.split_once("\r\n\r\n").unwrap();
        serde_json::from_str(body).unwrap()
    }

    /// A model-backed reward's documented example, made runnable against this peer: its judges'
    /// base URLs point here (an OpenAI base URL ending in `/v1` stays one; a reward model's
    /// origin stays an origin), their other settings kept, and the peer scripted as the
    /// example's `judge_says` says (`{}` without it). Other examples come back unchanged.
    pub fn runnable(&self, ex: &Value) -> Value {
        let Some(Value::Object(judges)) = ex.get("judges") else {
            return ex.clone();
        };
        self.script(ex.get("judge_says").unwrap_or(&json!({})));
        let mut ex = ex.clone();
        for (name, entry) in judges {
            let chat = entry["base_url"]
                .as_str()
                .is_some_and(|u| u.ends_with("/v1"));
            ex["judges"][name]["base_url"] =
                json!(if chat { self.base_url() } else { self.origin() });
        }
        ex
    }

    /// Replace the peer's script: the first substring found in a request's text picks its
    /// directive clauses (`{"": "verdict 7"}`: every request).
    pub fn script(&self, script: &Value) {
        self.control("POST", "/_script", script);
    }

    /// Forget the requests, attempts and stats so far.
    pub fn reset(&self) {
        self.control("POST", "/_reset", &json!({}));
    }

    /// The requests to `path` the peer received, in arrival order.
    pub fn requests_to(&self, path: &str) -> Vec<Value> {
        self.control("GET", "/_requests", &Value::Null)["requests"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["path"] == path)
            .cloned()
            .collect()
    }

    /// The chat requests' last user messages, in arrival order.
    pub fn prompts(&self) -> Vec<String> {
        self.requests_to("/v1/chat/completions")
            .iter()
            .map(|r| {
                let m = r["body"]["messages"].as_array().unwrap();
                m.last().unwrap()["content"].as_str().unwrap().to_string()
            })
            .collect()
    }

    /// `{"requests", "in_flight", "max_in_flight", "rejected"}`.
    pub fn stats(&self) -> Value {
        self.control("GET", "/_stats", &Value::Null)
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
