//! `remote_reward` through the engine, against the real test peer acting as a reward-model
//! server: what each protocol sends and where it reads the score, the mapping, one request per
//! sample, retries, and every reply without a usable score a typed failure (never a 0).

use plaudit_core::{Engine, ScoreResult, Status};
use serde_json::{json, Value};

mod judging;
mod peer;
use judging::{score, spec_error};
use peer::Peer;

fn engine(peer: &Peer, params: Value) -> Engine {
    let rm = peer.judge(json!({"base_url": peer.origin(), "model": "rm-7b"}));
    judging::engine(judging::one_judged("rm", rm, "r", "remote_reward", params))
}

fn details(r: &ScoreResult) -> &Value {
    judging::details(r, "r")
}

#[test]
fn openrlhf_sends_one_rollout_per_request_and_reads_rewards() {
    let peer = Peer::start(&[]);
    let e = engine(&peer, json!({"fields": ["task"]}));
    let rs = score(
        &e,
        vec![
            json!({"task": "chat", "prompt": "Q1 ", "response": "a [[judge: score 0.25]]", "reference": "72"}),
            json!({"task": "chat", "prompt": "Q2 ", "response": "b [[judge: score -3.5]]", "reference": {"answer": 1}}),
        ],
    );
    assert_eq!((rs[0].status, rs[0].reward), (Status::Ok, 0.25));
    assert_eq!((rs[1].status, rs[1].reward), (Status::Ok, -3.5));
    assert_eq!(
        details(&rs[0]),
        &json!({"judge": "rm", "protocol": "openrlhf", "raw": 0.25, "calls": 1, "attempts": 1, "cached": 0,
                "usage": {"prompt_tokens": 0, "completion_tokens": 0}})
    );
    let mut bodies: Vec<Value> = peer
        .requests_to("/get_reward")
        .into_iter()
        .map(|r| r["body"].clone())
        .collect();
    bodies.sort_by_key(|b| b["prompts"][0].as_str().unwrap().to_string());
    assert_eq!(
        bodies,
        vec![
            json!({"query": ["Q1 a [[judge: score 0.25]]"], "prompts": ["Q1 "], "labels": ["72"], "task": ["chat"]}),
            json!({"query": ["Q2 b [[judge: score -3.5]]"], "prompts": ["Q2 "], "labels": [{"answer": 1}], "task": ["chat"]}),
        ]
    );
}

#[test]
fn vllm_pooling_and_classify_send_the_model_and_the_input_template() {
    let peer = Peer::start(&[]);
    let template = "<|user|>{{prompt}}<|assistant|>{{response}}";
    let e = engine(
        &peer,
        json!({"protocol": "vllm_pooling", "input": template, "scale": 0.5, "offset": 1}),
    );
    let rs = score(
        &e,
        vec![
            json!({"prompt": "Hi", "response": "{{reference}} [[judge: score -1]]", "reference": "SECRET"}),
        ],
    );
    assert_eq!((rs[0].status, rs[0].reward), (Status::Ok, 0.5));
    assert_eq!(details(&rs[0])["raw"], json!(-1.0));
    let req = &peer.requests_to("/pooling")[0]["body"];
    assert_eq!(
        req,
        &json!({"model": "rm-7b", "input": "<|user|>Hi<|assistant|>{{reference}} [[judge: score -1]]"})
    );

    peer.reset();
    let e = engine(&peer, json!({"protocol": "vllm_classify"}));
    let rs = score(
        &e,
        vec![json!({"prompt": "P", "response": "[[judge: score 0.75]]"})],
    );
    assert_eq!((rs[0].status, rs[0].reward), (Status::Ok, 0.75));
    assert_eq!(
        peer.requests_to("/classify")[0]["body"],
        json!({"model": "rm-7b", "input": "P[[judge: score 0.75]]"})
    );
    // A class the classifier does not have: no score, a failure.
    let e = engine(
        &peer,
        json!({"protocol": "vllm_classify", "label_index": 1}),
    );
    let rs = score(&e, vec![json!({"prompt": "P", "response": "x"})]);
    assert_eq!(rs[0].status, Status::Error);
    assert_eq!(details(&rs[0])["judge_error"], json!("no_score"));
    // `path` overrides the protocol's endpoint (vLLM's /v1/classify).
    peer.reset();
    let e = engine(
        &peer,
        json!({"protocol": "vllm_classify", "path": "/v1/classify"}),
    );
    let rs = score(
        &e,
        vec![json!({"prompt": "P", "response": "[[judge: score 0.5]]"})],
    );
    assert_eq!(rs[0].reward, 0.5);
    assert_eq!(peer.requests_to("/v1/classify").len(), 1);
}

#[test]
fn a_reply_without_a_usable_score_is_a_typed_failure() {
    let peer = Peer::start(&[]);
    // The pooling endpoint's reply read as a classifier's: no `probs`.
    let rs = score(
        &engine(
            &peer,
            json!({"protocol": "vllm_classify", "path": "/pooling"}),
        ),
        vec![json!({"prompt": "P", "response": "x"})],
    );
    assert_eq!(rs[0].status, Status::Error);
    assert_eq!(details(&rs[0])["judge_error"], json!("no_score"));
    assert!(details(&rs[0])["reply"]
        .as_str()
        .unwrap()
        .contains("\"object\":\"list\""));
    let e = engine(&peer, json!({}));
    for (says, kind) in [
        ("malformed", "malformed_reply"),
        ("score nan", "malformed_reply"),
        ("status 400", "http_status"),
    ] {
        peer.script(&json!({"": says}));
        let rs = score(&e, vec![json!({"prompt": "P", "response": "x"})]);
        assert_eq!(rs[0].status, Status::Error, "{says}: {rs:?}");
        assert_eq!(details(&rs[0])["judge_error"], json!(kind), "{says}");
        assert_eq!(rs[0].reward, 0.0, "the route's failure value, not a score");
    }
    // A reward that overflows after the mapping.
    peer.script(&json!({"": "score 1e300"}));
    let rs = score(
        &engine(&peer, json!({"scale": 1e10})),
        vec![json!({"prompt": "P", "response": "x"})],
    );
    assert_eq!(details(&rs[0])["judge_error"], json!("non_finite"));
}

#[test]
fn a_rate_limited_request_is_retried() {
    let peer = Peer::start(&[]);
    peer.script(&json!({"": "status 429 retry-after-ms 10 times 1; score 0.4"}));
    let rs = score(
        &engine(&peer, json!({})),
        vec![json!({"prompt": "P", "response": "x"})],
    );
    assert_eq!((rs[0].status, rs[0].reward), (Status::Ok, 0.4));
    assert_eq!(details(&rs[0])["attempts"], json!(2));
    assert_eq!(details(&rs[0])["calls"], json!(1));
    let statuses: Vec<Value> = peer
        .requests_to("/get_reward")
        .iter()
        .map(|r| r["status"].clone())
        .collect();
    assert_eq!(statuses, vec![json!(429), json!(200)]);
}

#[test]
fn bad_parameters_are_spec_errors() {
    let peer = Peer::start(&[]);
    let spec = |params: Value| {
        json!({"judges": {"rm": peer.judge(json!({"base_url": peer.origin()}))},
               "components": {"r": {"reward": "remote_reward", "params": judging::params_on("rm", params)}}})
    };
    for (params, want) in [
        (json!({"path": "get_reward"}), "`path` must start with `/`"),
        (json!({"fields": ["secret"]}), "unknown field `secret`"),
        (
            json!({"protocol": "vllm_pooling", "fields": ["task"]}),
            "only with `protocol: openrlhf`",
        ),
        (
            json!({"input": "{{answer}}"}),
            "unknown placeholder `{{answer}}`",
        ),
    ] {
        let e = spec_error(spec(params.clone()));
        assert!(e.contains(want), "{params}: {e}");
    }
}
