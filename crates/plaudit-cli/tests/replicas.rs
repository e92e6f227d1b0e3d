//! Several `plaudit serve` replicas sharing one `--state` file (OpenRLHF lists several reward
//! URLs): each batch's commit is one write transaction on the file, so the replicas behave as one
//! server. Every step waits for an event (the address line a server prints, a reply, an exit),
//! never for a time.

use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::sync::{Arc, Barrier};
use std::time::Duration;

use serde_json::{json, Value};

mod common;

/// A fresh directory for one test.
fn dir(name: &str) -> PathBuf {
    let d = common::temp_dir("replicas").join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A running `plaudit serve` and its address.
struct Replica {
    child: Child,
    addr: String,
    log: std::thread::JoinHandle<String>,
}

impl Replica {
    /// Starts `plaudit serve --spec SPEC --state STATE` on a free port; returns once the server
    /// has printed the address it listens on. Its stderr is drained on a thread of its own.
    fn start(spec: &Path, state: &Path) -> Replica {
        let mut cmd = common::serve_command();
        cmd.arg("--spec").arg(spec).arg("--state").arg(state);
        let (child, err, addr) = common::start_serve(cmd);
        Replica {
            child,
            addr,
            log: common::drain(err),
        }
    }

    /// POST /v1/score with `samples`; the reply's `results`.
    fn score(&self, samples: &[Value]) -> Vec<Value> {
        let body = json!({ "samples": samples }).to_string();
        let (status, body) = common::http_with(
            &self.addr,
            "POST",
            "/v1/score",
            &body,
            Duration::from_secs(120),
        );
        assert_eq!(status, 200, "{body}");
        let mut v: Value = serde_json::from_str(&body).unwrap();
        let Value::Array(results) = v["results"].take() else {
            panic!("no results: {body}")
        };
        assert_eq!(results.len(), samples.len());
        results
    }

    /// SIGTERM; the server exits 0 (its last connection to the state file closed). Its log.
    fn stop(mut self) -> String {
        assert!(Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap()
            .success());
        assert_eq!(self.child.wait().unwrap().code(), Some(0));
        self.log.join().unwrap()
    }
}

/// Every row of a state file, in (namespace, key) order, values parsed.
fn rows(state: &Path) -> Vec<(String, String, Value)> {
    let conn = rusqlite::Connection::open(state).unwrap();
    let mut st = conn
        .prepare("SELECT namespace, key, value FROM state ORDER BY namespace, key")
        .unwrap();
    st.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
        ))
    })
    .unwrap()
    .map(|r| {
        let (ns, k, v) = r.unwrap();
        (ns, k, serde_json::from_str(&v).unwrap())
    })
    .collect()
}

/// Five stateful components whose updates depend on the order of the batches.
const ORDERED_SPEC: &str = "components:
  correct: exact_match
  lead: adaptive_target_length
  laser: {reward: laser_d_length, params: {targets: [100, 200, 400], momentum: 0.5, coverage: 1.0}}
  anchor: shortest_correct_anchor
  trace: tightening_cost_reference
reward: correct + lead + laser + anchor + trace
";

/// Batch `b`: two prompts, four rollouts each, lengths and tool calls varying with the batch,
/// one wrong answer per prompt.
fn ordered_batch(b: u64) -> Vec<Value> {
    let mut out = Vec::new();
    for p in 0..2u64 {
        for m in 0..4u64 {
            let answer = if m == 3 { "5" } else { "4" };
            // Batch 0 has the shortest correct rollout of prompt 0 (40 tokens).
            let tokens = if b == 0 && p == 0 && m == 0 {
                40
            } else {
                60 + (b * 37 + p * 11 + m * 29) % 150
            };
            out.push(json!({
                "id": format!("{b}-{p}-{m}"),
                "group": format!("q{p}"),
                "prompt": format!("What is 2 + 2? (variant {p})"),
                "response": format!("answer: {answer}"),
                "reference": "4",
                "tokens": tokens,
                "meta": {"tool_calls": (b + m) % 6},
            }));
        }
    }
    out
}

#[test]
fn batches_alternating_between_two_replicas_match_one_replica() {
    let d = dir("alternate");
    let spec = d.join("spec.yaml");
    std::fs::write(&spec, ORDERED_SPEC).unwrap();
    let (shared, alone) = (d.join("shared.sqlite"), d.join("alone.sqlite"));
    let a = Replica::start(&spec, &shared);
    let b = Replica::start(&spec, &shared);
    let one = Replica::start(&spec, &alone);
    const BATCHES: u64 = 6;
    let mut alternating = Vec::new();
    let mut single = Vec::new();
    for n in 0..BATCHES {
        let batch = ordered_batch(n);
        let replica = if n % 2 == 0 { &a } else { &b };
        alternating.push(replica.score(&batch));
        single.push(one.score(&batch));
    }
    for (n, (got, want)) in alternating.iter().zip(&single).enumerate() {
        assert_eq!(got, want, "batch {n}");
        assert!(
            got.iter().all(|r| r["status"] == "ok"),
            "batch {n}: {got:?}"
        );
    }
    // Replica B's first batch read what A's committed: the anchor of prompt 0 is batch 0's
    // shortest correct rollout (40 tokens), shorter than any of batch 1's.
    let first_on_b = &alternating[1][0];
    assert_eq!(
        first_on_b["details"]["anchor"]["anchor"], 40.0,
        "{first_on_b}"
    );
    for r in [a, b, one] {
        r.stop();
    }
    let (got, want) = (rows(&shared), rows(&alone));
    assert_eq!(got, want);
    // Every component kept state, for each prompt (lead, laser, anchor, trace).
    let namespaces: std::collections::BTreeSet<&str> =
        got.iter().map(|(ns, _, _)| ns.as_str()).collect();
    assert_eq!(
        namespaces.into_iter().collect::<Vec<_>>(),
        ["*/anchor", "*/laser", "*/lead", "*/trace"],
        "{got:?}"
    );
}

/// Two stateful components whose final state does not depend on the order of the batches: the
/// shortest correct length per prompt and per group, and how many batches updated each.
const COMMUTATIVE_SPEC: &str = "components:
  correct: exact_match
  anchor: shortest_correct_anchor
  by_group: {reward: shortest_correct_anchor, params: {key: group}}
reward: correct + anchor + by_group
";

const PROMPTS: u64 = 3;

/// Batch `n` of client `c`: three rollouts of each prompt, two right and one wrong (and
/// shortest, so a lost filter would show).
fn commutative_batch(c: u64, n: u64) -> Vec<Value> {
    let mut out = Vec::new();
    for p in 0..PROMPTS {
        for m in 0..3u64 {
            let (answer, tokens) = if m == 2 {
                ("5", 1)
            } else {
                ("4", commutative_tokens(c, n, p, m))
            };
            out.push(json!({
                "group": format!("g{p}"),
                "prompt": format!("prompt {p}"),
                "response": format!("answer: {answer}"),
                "reference": "4",
                "tokens": tokens,
            }));
        }
    }
    out
}

fn commutative_tokens(c: u64, n: u64, p: u64, m: u64) -> u64 {
    50 + (c * 53 + n * 31 + p * 17 + m * 7) % 211
}

#[test]
fn concurrent_batches_on_two_replicas_lose_no_update() {
    const CLIENTS_PER_REPLICA: u64 = 2;
    const BATCHES: u64 = 12;
    let d = dir("concurrent");
    let spec = d.join("spec.yaml");
    std::fs::write(&spec, COMMUTATIVE_SPEC).unwrap();
    let state = d.join("shared.sqlite");
    let replicas = Arc::new([Replica::start(&spec, &state), Replica::start(&spec, &state)]);
    let clients = 2 * CLIENTS_PER_REPLICA;
    let start = Arc::new(Barrier::new(clients as usize));
    let threads: Vec<_> = (0..clients)
        .map(|c| {
            let (replicas, start) = (replicas.clone(), start.clone());
            std::thread::spawn(move || {
                let replica = &replicas[(c % 2) as usize];
                start.wait();
                for n in 0..BATCHES {
                    let results = replica.score(&commutative_batch(c, n));
                    assert!(results.iter().all(|r| r["status"] == "ok"), "{results:?}");
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let Ok(replicas) = Arc::try_unwrap(replicas) else {
        panic!("a client still holds the replicas")
    };
    for r in replicas {
        r.stop();
    }
    // Every batch's update landed: each prompt's and group's anchor is the shortest correct
    // length sent by any client, and its count of updates is the number of batches.
    let got = rows(&state);
    assert_eq!(got.len(), 2 * PROMPTS as usize, "{got:?}");
    for (ns, key, value) in &got {
        let p = if ns == "*/by_group" {
            key.strip_prefix('g').unwrap().parse::<u64>().unwrap()
        } else {
            assert_eq!(ns, "*/anchor");
            (0..PROMPTS)
                .find(|p| *key == plaudit_core::state::text_key(&format!("prompt {p}")))
                .unwrap_or_else(|| panic!("unknown key {key}"))
        };
        let shortest = (0..clients)
            .flat_map(|c| (0..BATCHES).flat_map(move |n| (0..2).map(move |m| (c, n, m))))
            .map(|(c, n, m)| commutative_tokens(c, n, p, m))
            .min()
            .unwrap();
        assert_eq!(
            value,
            &json!({"anchor": shortest as f64, "updates": clients * BATCHES}),
            "{ns} {key}"
        );
    }
}
