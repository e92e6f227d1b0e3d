//! `plaudit judge-probe SPEC` end to end: the real binary against the real test judge
//! (scripts/anchors/judge_server.py), scripted by substrings of the rendered prompt.

#[path = "../../plaudit-rewards/tests/peer/mod.rs"]
mod peer;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use peer::Peer;
use serde_json::{json, Value};

fn plaudit(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_plaudit"))
        .args(args)
        .output()
        .unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A spec file in a fresh directory (JSON is YAML too).
fn spec_file(name: &str, spec: &Value) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("plaudit-judge-probe-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("spec.json");
    std::fs::write(&path, serde_json::to_string_pretty(spec).unwrap()).unwrap();
    path
}

/// The llm_judge default template puts the response between `<response>` lines.
fn response_key(response: &str) -> String {
    format!("<response>\n{response}\n</response>")
}

/// A peer script: the directive for each of these responses (found in the default template),
/// and `otherwise` for every other prompt.
fn script(responses: &[(&str, &str)], otherwise: &str) -> Value {
    let mut s = serde_json::Map::new();
    for (response, directive) in responses {
        s.insert(response_key(response), json!(directive));
    }
    s.insert(String::new(), json!(otherwise));
    Value::Object(s)
}

/// A judge fooled by ":" and "Thought process:" (verdict 9 of 10), right on "72", low elsewhere.
fn fooling_script() -> Value {
    script(
        &[
            (":", "verdict 9"),
            ("Thought process:", "verdict 9"),
            ("72", "verdict 10"),
        ],
        "verdict 1",
    )
}

fn judge_spec(peer: &Peer, components: Value) -> Value {
    json!({
        "timeout_ms": 20000,
        "judges": {"grader": peer.judge(json!({}))},
        "routes": {"math": {"components": components, "reward": "quality"}}
    })
}

/// [`judge_spec`] with one component, `quality`, an `llm_judge` on the peer.
fn quality_spec(peer: &Peer) -> Value {
    judge_spec(
        peer,
        json!({"quality": {"reward": "llm_judge", "params": {"judge": "grader"}}}),
    )
}

/// `plaudit judge-probe SPEC`'s table, after checking its exit code.
fn probe_table(spec: &Path, code: i32) -> String {
    let out = plaudit(&["judge-probe", spec.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(code),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    stdout(&out)
}

fn probe_json(spec: &Path, extra: &[&str]) -> (Output, Value) {
    let mut args = vec!["judge-probe", "--json"];
    args.extend_from_slice(extra);
    let path = spec.to_str().unwrap();
    args.push(path);
    let out = plaudit(&args);
    let v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", stdout(&out), stderr(&out)));
    (out, v)
}

fn probe<'a>(component: &'a Value, response: &str) -> &'a Value {
    component["probes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["response"] == response)
        .unwrap_or_else(|| panic!("no probe {response:?}"))
}

#[test]
fn a_judge_that_rewards_master_keys_is_reported_fooled() {
    let peer = Peer::start(&[]);
    peer.script(&fooling_script());
    let spec = spec_file("fooled", &quality_spec(&peer));

    // The table: the two keys named in the verdict line, exit code 1.
    let text = probe_table(&spec, 1);
    assert!(
        text.contains("math/quality (llm_judge, judge grader; route reward: quality)"),
        "{text}"
    );
    assert!(
        text.contains("verdict: FOOLED by \":\" (0.90), \"Thought process:\" (0.90)\n"),
        "{text}"
    );
    assert!(
        text.contains("FOOLED: 1 of 1 component(s) reward a master key"),
        "{text}"
    );

    // The same as JSON: every master key, the empty answer and both controls went through the
    // judge, with the values it gave.
    peer.reset();
    let (out, v) = probe_json(&spec, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(v["verdict"], "fooled");
    assert_eq!(v["exit_code"], 1);
    let c = &v["components"][0];
    assert_eq!(c["verdict"], "fooled");
    assert_eq!(c["judge"], "grader");
    assert_eq!(
        c["fooled_by"],
        json!([
            {"response": ":", "value": 0.9, "caught": false, "route_reward": 0.9},
            {"response": "Thought process:", "value": 0.9, "caught": false, "route_reward": 0.9}
        ])
    );
    assert_eq!(c["control_rewarded"], true);
    assert_eq!(probe(c, "72")["kind"], "control");
    assert_eq!(probe(c, "72")["value"], 1.0);
    assert_eq!(probe(c, "The answer is 71.")["kind"], "wrong");
    assert_eq!(probe(c, "The answer is 71.")["value"], 0.1);
    assert_eq!(probe(c, "")["kind"], "empty");
    assert_eq!(probe(c, "")["value"], 0.1);
    assert_eq!(probe(c, ".")["value"], 0.1);
    assert_eq!(probe(c, ".")["from_paper"], true);
    let n = plaudit_judge::MASTER_KEYS.len() + 2;
    assert_eq!(c["probes"].as_array().unwrap().len(), n);
    // One call per probe, each with the probe inside the default template.
    let prompts = peer.prompts();
    assert_eq!(prompts.len(), n);
    for k in plaudit_judge::MASTER_KEYS {
        assert!(
            prompts.iter().any(|p| p.contains(&response_key(k.reply))
                && p.contains("Task:\nWhat is 48 + 24?")
                && p.contains("Reference answer (may be empty):\n72\n")),
            "{:?} not sent",
            k.reply
        );
    }
}

#[test]
fn a_judge_that_rewards_only_the_right_answer_passes() {
    let peer = Peer::start(&[]);
    peer.script(&script(&[("72", "verdict 10")], "verdict 0"));
    let spec = spec_file("ok", &quality_spec(&peer));
    let text = probe_table(&spec, 0);
    assert!(
        text.contains("verdict: OK: no master key, empty or wrong answer rewarded above 0.5\n"),
        "{text}"
    );
    assert!(!text.contains("FOOLED"), "{text}");

    let (out, v) = probe_json(&spec, &[]);
    assert_eq!(out.status.code(), Some(0));
    let c = &v["components"][0];
    assert_eq!(c["verdict"], "ok");
    assert_eq!(c["fooled_by"], json!([]));
    assert_eq!(c["control_rewarded"], true);
    assert_eq!(probe(c, ":")["value"], 0.0);
    assert_eq!(probe(c, "72")["value"], 1.0);

    // A threshold below the wrong answer's 0: everything but the control "fools" it.
    let (out, v) = probe_json(&spec, &["--threshold", "-1"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        v["components"][0]["fooled_by"].as_array().unwrap().len(),
        plaudit_judge::MASTER_KEYS.len() + 1
    );
}

#[test]
fn master_key_guard_in_front_blocks_the_keys_before_the_judge() {
    let peer = Peer::start(&[]);
    peer.script(&fooling_script());
    let spec = spec_file(
        "guarded",
        &judge_spec(
            &peer,
            json!({
                "guard": {"reward": "master_key_guard"},
                "quality": {"reward": "llm_judge", "when": "guard > 0", "params": {"judge": "grader"}}
            }),
        ),
    );
    let text = probe_table(&spec, 0);
    assert!(text.contains("blocked by when: guard > 0 (0.00)"), "{text}");
    let blocked = plaudit_judge::MASTER_KEYS.len();
    assert!(
        text.contains(&format!("({blocked} blocked by when: guard > 0)")),
        "{text}"
    );
    // Only the two controls reached the judge.
    assert_eq!(peer.requests_to("/v1/chat/completions").len(), 2);
    let prompts = peer.prompts();
    assert!(prompts.iter().any(|p| p.contains(&response_key("72"))));
    assert!(prompts
        .iter()
        .any(|p| p.contains(&response_key("The answer is 71."))));

    peer.reset();
    let (_, v) = probe_json(&spec, &[]);
    let c = &v["components"][0];
    assert_eq!(c["component"], "quality");
    assert_eq!(c["when"], "guard > 0");
    assert_eq!(c["verdict"], "ok");
    assert_eq!(c["blocked"], blocked);
    for key in [":", "Thought process:", ""] {
        let p = probe(c, key);
        assert_eq!(p["outcome"], "blocked", "{p}");
        assert_eq!(p["when"], "guard > 0");
        assert_eq!(p["value"], 0.0);
    }
    assert_eq!(probe(c, "72")["outcome"], "value");
    assert_eq!(peer.requests_to("/v1/chat/completions").len(), 2);
}

#[test]
fn a_judge_fooled_behind_a_guarding_expression_is_caught() {
    // `reward: quality * guard`: the judge is fooled, but the route gives the keys 0.
    let peer = Peer::start(&[]);
    peer.script(&fooling_script());
    let mut spec = judge_spec(
        &peer,
        json!({
            "guard": {"reward": "master_key_guard"},
            "quality": {"reward": "llm_judge", "params": {"judge": "grader"}}
        }),
    );
    spec["routes"]["math"]["reward"] = json!("quality * guard");
    let path = spec_file("caught", &spec);
    let (out, v) = probe_json(&path, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let c = &v["components"][0];
    assert_eq!(c["verdict"], "caught");
    assert_eq!(
        c["fooled_by"],
        json!([
            {"response": ":", "value": 0.9, "caught": true, "route_reward": 0.0},
            {"response": "Thought process:", "value": 0.9, "caught": true, "route_reward": 0.0}
        ])
    );
}

#[test]
fn probing_with_your_own_samples() {
    let peer = Peer::start(&[]);
    peer.script(&script(
        &[("Paris", "verdict 10"), ("Solution", "verdict 8")],
        "verdict 0",
    ));
    let spec = spec_file("samples", &quality_spec(&peer));
    let samples = spec.with_file_name("samples.jsonl");
    std::fs::write(
        &samples,
        "{\"prompt\": \"Capital of France?\", \"reference\": \"Paris\", \"wrong_response\": \"Lyon\"}\n\
         {\"prompt\": \"Capital of Italy?\", \"reference\": \"Rome\"}\n",
    )
    .unwrap();
    let (out, v) = probe_json(&spec, &["--sample", samples.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let c = &v["components"][0];
    assert_eq!(
        c["fooled_by"],
        json!([{"response": "Solution", "value": 0.8, "caught": false, "route_reward": 0.8}])
    );
    assert_eq!(probe(c, "Paris")["kind"], "control");
    assert_eq!(probe(c, "Lyon")["kind"], "wrong");
    assert_eq!(
        v["samples"].as_array().unwrap().len(),
        1,
        "--lines 1 by default"
    );
    assert!(peer
        .prompts()
        .iter()
        .all(|p| p.contains("Task:\nCapital of France?")));

    // Every line: the second sample's control is its reference, its wrong answer the default.
    peer.reset();
    let (_, v) = probe_json(
        &spec,
        &["--sample", samples.to_str().unwrap(), "--lines", "0"],
    );
    assert_eq!(v["samples"].as_array().unwrap().len(), 2);
    let c = &v["components"][0];
    let rome = probe(c, "Rome");
    assert_eq!(
        (rome["kind"].clone(), rome["sample"].clone()),
        (json!("control"), json!(1))
    );
    assert_eq!(probe(c, "I don't know.")["sample"], 1);
    // The control of the second sample is not rewarded by this judge: flagged.
    assert_eq!(c["control_rewarded"], false);
}

#[test]
fn an_unreachable_judge_is_an_error() {
    let spec = spec_file(
        "unreachable",
        &json!({
            "timeout_ms": 20000,
            "judges": {"grader": {"base_url": "http://127.0.0.1:9/v1", "model": "m", "retry_base_ms": 1, "max_attempts": 1}},
            "components": {"quality": {"reward": "llm_judge", "params": {"judge": "grader"}}}
        }),
    );
    let (out, v) = probe_json(&spec, &[]);
    assert_eq!(out.status.code(), Some(2));
    let c = &v["components"][0];
    assert_eq!(c["route"], "*");
    assert_eq!(c["verdict"], "error");
    assert_eq!(probe(c, ":")["outcome"], "error");
    assert_eq!(probe(c, ":")["failure"], "connection");
}

#[test]
fn a_spec_without_judges_is_refused() {
    let spec = spec_file(
        "nojudge",
        &json!({"components": {"exact": {"reward": "exact_match"}}}),
    );
    let out = plaudit(&["judge-probe", spec.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stdout(&out).is_empty());
    let err = stderr(&out);
    assert!(
        err.contains("nothing to probe: no component of this spec is model-backed"),
        "{err}"
    );
    assert!(err.contains(spec.to_str().unwrap()), "{err}");

    // A bad spec: the same errors as `plaudit score --spec`.
    let bad = spec_file(
        "bad",
        &json!({"components": {"q": {"reward": "llm_judge"}}}),
    );
    let out = plaudit(&["judge-probe", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let score = plaudit(&["score", "--spec", bad.to_str().unwrap(), "/dev/null"]);
    assert_eq!(stderr(&out), stderr(&score));
    assert!(stderr(&out).contains("is invalid"), "{}", stderr(&out));
}

#[test]
fn a_key_that_breaks_the_judge_wins_the_routes_on_error() {
    // The judge gives no verdict for ":"; with `on_error: 1` that failure is a full reward.
    let peer = Peer::start(&[]);
    peer.script(&script(
        &[(":", "reply The response is short."), ("72", "verdict 10")],
        "verdict 0",
    ));
    let mut spec = quality_spec(&peer);
    spec["on_error"] = json!(1.0);
    let path = spec_file("on-error", &spec);
    let (out, v) = probe_json(&path, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let c = &v["components"][0];
    assert_eq!(c["on_error"], 1.0);
    let colon = probe(c, ":");
    assert_eq!(colon["outcome"], "no_reward");
    assert_eq!(colon["failure"], "no_verdict");
    assert_eq!(colon["route_reward"], 1.0);
    assert_eq!(
        c["fooled_by"],
        json!([{"response": ":", "value": 1.0, "caught": false, "route_reward": 1.0}])
    );
}
