//! The judge family's behaviours that its mutation run found open (docs/MUTANTS.md,
//! "plaudit-rewards"), through the engine against the real test peer as in `judge_*.rs`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;

use plaudit_core::{Spec, Status};
use serde_json::{json, Value};

mod judging;
mod peer;
use judging::{engine, score};
use peer::Peer;

/// A spec with one `reward` component `c` (params merged in) on the peer's judge `grader`.
fn judged(peer: &Peer, reward: &str, params: Value) -> Value {
    judging::one_judged("grader", peer.judge(json!({})), "c", reward, params)
}

#[test]
fn a_group_as_large_as_max_group_is_judged() {
    // Pins: `max_group` is the largest group judged (n > max_group refused, n = max_group not).
    let peer = Peer::start(&[]);
    peer.script(&json!({"": "reply Candidate 1: 10\nCandidate 2: 10"}));
    let rows: Vec<Value> = ["a", "b"]
        .iter()
        .map(|r| json!({"group": "g", "prompt": "p", "response": r}))
        .collect();
    let rs = score(
        &engine(judged(&peer, "group_judge", json!({"max_group": 2}))),
        rows,
    );
    assert_eq!(
        rs.iter().map(|r| (r.status, r.reward)).collect::<Vec<_>>(),
        [(Status::Ok, 1.0), (Status::Ok, 1.0)]
    );
    assert_eq!(peer.prompts().len(), 1);
}

#[test]
fn a_group_judge_makes_its_route_an_io_route_awaited_in_the_group_phase() {
    // Pins: group_judge is an I/O reward, so the engine awaits its groups' calls together (the
    // spec's I/O stage) instead of blocking a worker thread per group.
    let peer = Peer::start(&[]);
    let spec = Spec::from_value(
        &judged(&peer, "group_judge", json!({})),
        &plaudit_rewards::registry(),
    )
    .unwrap();
    assert!(spec.has_io());
    let route = spec.fallback.as_ref().unwrap();
    assert!(route.io() && route.group_io());
}

#[test]
fn llm_judge_with_labels_and_no_range_reads_only_labels_and_names_no_numbers() {
    // Pins: labels without `range` give no [0, 10] scale: a numeric verdict is no verdict, and
    // the default template names the ends of the scale in words.
    let peer = Peer::start(&[]);
    peer.script(&json!({"": "reply Looks fine.\nVERDICT: 7"}));
    let e = engine(judged(
        &peer,
        "llm_judge",
        json!({"labels": {"correct": 1, "incorrect": 0}}),
    ));
    let rs = score(&e, vec![json!({"prompt": "p", "response": "r"})]);
    assert_eq!(rs[0].status, Status::Error, "{:?}", rs[0]);
    assert_eq!(
        judging::details(&rs[0], "c")["judge_error"],
        json!("unparsable")
    );
    let sent = &peer.prompts()[0];
    assert!(
        sent.contains("from the lowest grade (wrong or empty) to the highest (fully correct)"),
        "{sent}"
    );
}

/// The side `pairwise_judge` with `both_orders: false` puts the response on, as documented:
/// FNV-1a (64 bits) over the seed's 8 little-endian bytes, then the prompt, the response and the
/// reference each followed by a 0xff byte, then SplitMix64's finaliser; an even hash puts the
/// response first (A). Written here from that definition, independently of the code.
fn drawn_first(seed: i64, prompt: &str, response: &str, reference: &str) -> bool {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut bytes: Vec<u8> = seed.to_le_bytes().to_vec();
    for part in [prompt, response, reference] {
        bytes.extend_from_slice(part.as_bytes());
        bytes.push(0xff);
    }
    for b in bytes {
        h = (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
    }
    h = (h ^ (h >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h = (h ^ (h >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^= h >> 31;
    h & 1 == 0
}

#[test]
fn the_single_order_drawn_is_the_documented_stable_hash_of_seed_and_sample() {
    // Pins: the position of each sample's response is the stable hash's (the same on every
    // machine and release), for 24 samples under two seeds.
    let peer = Peer::start(&[]);
    peer.script(&json!({"": "verdict A"}));
    for seed in [0i64, -3] {
        peer.reset();
        let e = engine(judged(
            &peer,
            "pairwise_judge",
            json!({"both_orders": false, "seed": seed}),
        ));
        let samples: Vec<(String, String)> = (0..24)
            .map(|i| (format!("task {i}"), format!("answer {}", i * 7)))
            .collect();
        let rs = score(
            &e,
            samples
                .iter()
                .map(|(p, r)| json!({"prompt": p, "response": r, "reference": "the reference"}))
                .collect(),
        );
        let got: Vec<bool> = rs.iter().map(|r| r.reward == 1.0).collect();
        let want: Vec<bool> = samples
            .iter()
            .map(|(p, r)| drawn_first(seed, p, r, "the reference"))
            .collect();
        assert_eq!(got, want, "seed {seed}");
    }
}

/// A one-purpose chat server on a free port answering every request with the chat completion
/// whose message is `message` (what the test peer cannot send: content and a refusal together).
/// Its base URL; the thread serves until the test process ends.
fn fixed_chat_server(message: Value) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let body = json!({
        "id": "fixed", "object": "chat.completion", "model": "judge-model",
        "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1},
    })
    .to_string();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut length = 0;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                let lower = line.to_ascii_lowercase();
                if let Some(v) = lower.strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
            }
            let mut request = vec![0; length];
            let _ = reader.read_exact(&mut request);
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    format!("http://127.0.0.1:{port}/v1")
}

/// A spec with one `reward` component `c` on a judge at `base_url`.
fn judged_at(base_url: &str, reward: &str, params: Value) -> Value {
    judging::one_judged(
        "grader",
        json!({"base_url": base_url, "model": "judge-model", "retry_base_ms": 10}),
        "c",
        reward,
        params,
    )
}

#[test]
fn a_structured_refusal_with_no_content_is_a_refusal_for_pairwise_and_rubric_judges() {
    // Pins: `message.refusal` with empty content fails with judge_error `refusal` (not as an
    // empty reply), in pairwise_judge and rubric_judge's both modes.
    let peer = Peer::start(&[]);
    peer.script(&json!({"": "refuse-field"}));
    for (reward, params) in [
        ("pairwise_judge", json!({})),
        ("rubric_judge", json!({"criteria": ["Is short"]})),
        (
            "rubric_judge",
            json!({"criteria": ["Is short"], "mode": "implicit"}),
        ),
    ] {
        let rs = score(
            &engine(judged(&peer, reward, params.clone())),
            vec![json!({"prompt": "p", "response": "r", "reference": "t"})],
        );
        assert_eq!(rs[0].status, Status::Error, "{reward} {params}");
        assert_eq!(
            judging::details(&rs[0], "c")["judge_error"],
            json!("refusal"),
            "{reward} {params}: {:?}",
            rs[0]
        );
    }
}

#[test]
fn a_refusal_field_beside_a_verdict_does_not_override_it() {
    // Pins: a structured refusal counts only when the reply has no content; a reply with a
    // verdict and a `refusal` field is read for its verdict.
    let url = fixed_chat_server(json!({
        "role": "assistant",
        "content": "Checked.\nVERDICT: YES",
        "refusal": "I cannot help with that.",
    }));
    let rs = score(
        &engine(judged_at(
            &url,
            "rubric_judge",
            json!({"criteria": ["Is short"]}),
        )),
        vec![json!({"prompt": "p", "response": "r"})],
    );
    assert_eq!(
        (rs[0].status, rs[0].reward),
        (Status::Ok, 1.0),
        "{:?}",
        rs[0]
    );
    let url = fixed_chat_server(json!({
        "role": "assistant",
        "content": "VERDICT: 6",
        "refusal": "I cannot help with that.",
    }));
    let rs = score(
        &engine(judged_at(
            &url,
            "rubric_judge",
            json!({"criteria": ["Is short"], "mode": "implicit", "range": [0, 10]}),
        )),
        vec![json!({"prompt": "p", "response": "r"})],
    );
    assert_eq!(
        (rs[0].status, rs[0].reward),
        (Status::Ok, 0.6),
        "{:?}",
        rs[0]
    );
    let url = fixed_chat_server(json!({
        "role": "assistant",
        "content": "VERDICT: A",
        "refusal": "I cannot help with that.",
    }));
    let rs = score(
        &engine(judged_at(
            &url,
            "pairwise_judge",
            json!({"both_orders": false}),
        )),
        vec![json!({"prompt": "p", "response": "r", "reference": "t"})],
    );
    assert_eq!(rs[0].status, Status::Ok, "{:?}", rs[0]);
    assert_eq!(
        judging::details(&rs[0], "c")["orders"][0]["verdict"],
        json!("A")
    );
}

#[test]
fn remote_reward_sends_each_requested_field_as_its_own_column() {
    // Pins: `fields` `group`, `id`, `tokens` and `meta` each send that field of the sample.
    let peer = Peer::start(&[]);
    let rm = peer.judge(json!({"base_url": peer.origin(), "model": "rm-7b"}));
    let e = engine(judging::one_judged(
        "rm",
        rm,
        "c",
        "remote_reward",
        json!({"fields": ["group", "id", "tokens", "meta"]}),
    ));
    let rs = score(
        &e,
        vec![
            json!({"group": "g1", "tokens": 12, "meta": {"lang": "en"}, "prompt": "Q ", "response": "a [[judge: score 0.5]]"}),
        ],
    );
    assert_eq!((rs[0].status, rs[0].reward), (Status::Ok, 0.5));
    let bodies: Vec<Value> = peer
        .requests_to("/get_reward")
        .into_iter()
        .map(|r| r["body"].clone())
        .collect();
    assert_eq!(
        bodies,
        [
            json!({"query": ["Q a [[judge: score 0.5]]"], "prompts": ["Q "], "labels": [null],
                "group": ["g1"], "id": [0], "tokens": [12], "meta": [{"lang": "en"}]})
        ]
    );
}

#[test]
fn a_failed_answer_in_a_later_call_names_the_first_criterion_of_that_call() {
    // Pins: with `criteria_per_call: 2` the second call asks criterion 3 on, and its failure
    // says so (`first_criterion` 3) with the criterion it asked.
    let peer = Peer::start(&[]);
    peer.script(&json!({
        "1. Is correct\n2. Is brief\n": "reply 1. YES\n2. NO",
        "1. Cites a source\n": "reply The source is unclear.",
    }));
    let e = engine(judged(
        &peer,
        "rubric_judge",
        json!({"criteria": ["Is correct", "Is brief", "Cites a source"], "criteria_per_call": 2}),
    ));
    let rs = score(&e, vec![json!({"prompt": "p", "response": "r"})]);
    assert_eq!(rs[0].status, Status::Error, "{:?}", rs[0]);
    let d = judging::details(&rs[0], "c");
    assert_eq!(d["first_criterion"], json!(3), "{d}");
    assert_eq!(d["asked"], json!(["Cites a source"]));
}

#[test]
fn a_range_is_refused_in_explicit_mode() {
    // Pins: `range` belongs to implicit mode; explicit mode (the default) refuses it.
    let peer = Peer::start(&[]);
    let e = judging::spec_error(judged(
        &peer,
        "rubric_judge",
        json!({"criteria": ["Is correct"], "range": [0, 10]}),
    ));
    assert!(e.contains("`range` is for `mode: implicit`"), "{e}");
}

#[test]
fn a_rubric_of_the_wrong_type_is_refused_naming_the_type_given() {
    // Pins: the messages name the JSON type found where a rubric or a criterion was expected.
    let peer = Peer::start(&[]);
    let e = engine(judged(&peer, "rubric_judge", json!({})));
    let cases = [
        (
            json!("be right"),
            "`reference.rubric` must be a list of criteria, got a string",
        ),
        (
            json!({"a": 1}),
            "`reference.rubric` must be a list of criteria, got a mapping",
        ),
        (
            json!(3),
            "`reference.rubric` must be a list of criteria, got a number",
        ),
        (
            json!(true),
            "`reference.rubric` must be a list of criteria, got a boolean",
        ),
        (
            json!(null),
            "`reference.rubric` must be a list of criteria, got null",
        ),
        (
            json!([["x"]]),
            "`reference.rubric[0]` must be a string or {\"criterion\", \"weight\"}, got a list",
        ),
        (
            json!([{"criterion": 5}]),
            "`reference.rubric[0]`: the criterion must be a string, got a number",
        ),
    ];
    for (rubric, want) in cases {
        let rs = score(
            &e,
            vec![json!({"prompt": "p", "response": "r", "reference": {"rubric": rubric}})],
        );
        assert_eq!(rs[0].status, Status::InvalidInput, "{rubric}");
        let got = rs[0].error.as_deref().unwrap();
        assert!(got.contains(want), "{rubric}: {got}");
    }
    assert!(peer.prompts().is_empty());
}

#[test]
fn a_blank_reference_or_a_non_string_under_reference_key_is_invalid_input_without_a_call() {
    // Pins: a blank reference response is missing (no call), and an object found under
    // `reference_key` is named as such (the hint to set `reference_key` is for a whole-object
    // reference only).
    let peer = Peer::start(&[]);
    peer.script(&json!({"": "verdict A"}));
    let rs = score(
        &engine(judged(&peer, "pairwise_judge", json!({}))),
        vec![json!({"prompt": "p", "response": "r", "reference": "  \n"})],
    );
    assert_eq!(rs[0].status, Status::InvalidInput, "{:?}", rs[0]);
    assert!(
        rs[0]
            .error
            .as_deref()
            .unwrap()
            .contains("no reference response: `reference` is missing or empty"),
        "{:?}",
        rs[0].error
    );
    let rs = score(
        &engine(judged(
            &peer,
            "pairwise_judge",
            json!({"reference_key": "answer"}),
        )),
        vec![json!({"prompt": "p", "response": "r", "reference": {"answer": {"text": "t"}}})],
    );
    assert_eq!(rs[0].status, Status::InvalidInput, "{:?}", rs[0]);
    assert!(
        rs[0].error.as_deref().unwrap().contains(
            "no reference response: `reference.answer` must be a string, got {\"text\":\"t\"}"
        ),
        "{:?}",
        rs[0].error
    );
    assert!(peer.prompts().is_empty());
}
