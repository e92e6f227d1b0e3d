//! The judge client against a real HTTP peer: `scripts/anchors/judge_server.py`, the scriptable
//! OpenAI-compatible judge, started per test on a free port. Tests assert counts and outcomes
//! (the peer's record of requests, attempts, peaks in flight), never durations.

use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use plaudit_judge::client::{CallError, Judge, JudgeConfig, Judges, Message, ReplySource, Usage};
use plaudit_judge::VerdictParser;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

#[path = "../../plaudit-rewards/tests/peer/mod.rs"]
mod peer;
use peer::Peer;

fn config(peer: &Peer) -> JudgeConfig {
    let mut config = JudgeConfig::new(peer.base_url(), "judge-model");
    config.retry_base_ms = 10;
    config
}

fn judge(config: &JudgeConfig) -> Arc<Judge> {
    Judge::build("grader", config).unwrap()
}

fn soon(secs: u64) -> Instant {
    Instant::now() + Duration::from_secs(secs)
}

fn user(text: &str) -> Vec<Message> {
    vec![Message::system("You grade answers."), Message::user(text)]
}

#[tokio::test]
async fn a_verdict_reply_with_its_usage() {
    let peer = Peer::start(&[]);
    let judge = judge(&config(&peer));
    let reply = judge
        .chat(
            &user("Question: 2+2\nResponse: 4 [[judge: verdict 9]]"),
            soon(30),
        )
        .await
        .unwrap();
    assert_eq!(reply.text, "The response was assessed. VERDICT: 9");
    assert_eq!(reply.finish_reason.as_deref(), Some("stop"));
    assert_eq!(reply.attempts, 1);
    assert_eq!(reply.source, ReplySource::Call);
    // The peer counts whitespace-separated words: 3 + 7 prompt words, 6 reply words.
    assert_eq!(
        reply.usage,
        Some(Usage {
            prompt_tokens: 10,
            completion_tokens: 6
        })
    );
    let verdict = VerdictParser::range(0.0, 10.0)
        .unwrap()
        .parse(&reply.text, reply.finish_reason.as_deref())
        .unwrap();
    assert_eq!(verdict.value, 0.9);

    let requests = peer.requests_to("/v1/chat/completions");
    assert_eq!(requests.len(), 1);
    let body = &requests[0]["body"];
    assert_eq!(body["model"], "judge-model");
    assert_eq!(body["temperature"], json!(0.0));
    assert_eq!(
        body["messages"][0],
        json!({"role": "system", "content": "You grade answers."})
    );
    assert_eq!(requests[0]["authorization"]["present"], false);

    let usage = judge.usage();
    assert_eq!(
        (
            usage.requests,
            usage.attempts,
            usage.retries,
            usage.prompt_tokens,
            usage.completion_tokens
        ),
        (1, 1, 0, 10, 6)
    );
    assert!(usage.errors.is_empty());
}

#[tokio::test]
async fn sampling_settings_and_extra_fields_are_sent() {
    let peer = Peer::start(&[]);
    let mut config = config(&peer);
    config.temperature = 0.7;
    config.seed = Some(42);
    config.max_tokens = Some(3);
    config.extra = Some(
        json!({"top_p": 0.9, "chat_template_kwargs": {"enable_thinking": false}})
            .as_object()
            .unwrap()
            .clone(),
    );
    let judge = judge(&config);
    let reply = judge
        .chat(&user("[[judge: reply one two three four five]]"), soon(30))
        .await
        .unwrap();
    // max_tokens is honoured by the peer: cut to 3 words, finish_reason "length".
    assert_eq!(reply.text, "one two three");
    assert_eq!(reply.finish_reason.as_deref(), Some("length"));
    let body = &peer.requests_to("/v1/chat/completions")[0]["body"];
    assert_eq!(body["temperature"], json!(0.7));
    assert_eq!(body["seed"], 42);
    assert_eq!(body["max_tokens"], 3);
    assert_eq!(body["top_p"], json!(0.9));
    assert_eq!(body["chat_template_kwargs"]["enable_thinking"], false);
}

#[tokio::test]
async fn a_429_with_retry_after_is_retried_then_answers() {
    let peer = Peer::start(&[]);
    let judge = judge(&config(&peer));
    let reply = judge
        .chat(
            &user("[[judge: status 429 retry-after 1 times 2; verdict 7]]"),
            soon(60),
        )
        .await
        .unwrap();
    assert_eq!(reply.text, "The response was assessed. VERDICT: 7");
    assert_eq!(reply.attempts, 3);
    let requests = peer.requests_to("/v1/chat/completions");
    let attempts: Vec<_> = requests.iter().map(|r| r["attempt"].clone()).collect();
    let statuses: Vec<_> = requests.iter().map(|r| r["status"].clone()).collect();
    assert_eq!(attempts, vec![json!(1), json!(2), json!(3)]);
    assert_eq!(statuses, vec![json!(429), json!(429), json!(200)]);
    // Retry-After: 1 was honoured: each retry came at least a second after the 429 before it.
    for pair in requests.windows(2) {
        let gap = pair[1]["t_ms"].as_f64().unwrap() - pair[0]["t_ms"].as_f64().unwrap();
        assert!(gap >= 1000.0, "retried {gap} ms after a Retry-After of 1 s");
    }
    let usage = judge.usage();
    assert_eq!((usage.attempts, usage.retries), (3, 2));
}

#[tokio::test]
async fn a_500_is_retried_and_a_400_is_not() {
    let peer = Peer::start(&[]);
    let judge = judge(&config(&peer));
    let reply = judge
        .chat(&user("[[judge: status 500 times 2; verdict 3]]"), soon(60))
        .await
        .unwrap();
    assert_eq!(
        (reply.text.as_str(), reply.attempts),
        ("The response was assessed. VERDICT: 3", 3)
    );

    let error = judge
        .chat(&user("[[judge: status 400]]"), soon(60))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), "http_status");
    assert!(
        matches!(
            error,
            CallError::HttpStatus {
                code: 400,
                attempts: 1,
                ..
            }
        ),
        "{error:?}"
    );
    let requests = peer.requests_to("/v1/chat/completions");
    assert_eq!(requests.len(), 4);
    assert_eq!(requests[3]["status"], 400);

    // A 500 that never ends: every attempt is made, then the last error.
    let mut few = config(&peer);
    few.max_attempts = 3;
    let judge = Judge::build("few", &few).unwrap();
    let error = judge
        .chat(&user("[[judge: status 503]]"), soon(60))
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            CallError::HttpStatus {
                code: 503,
                attempts: 3,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(judge.usage().errors.get("http_status"), Some(&1));
}

#[tokio::test]
async fn a_429_storm_past_the_attempts_is_rate_limited() {
    let peer = Peer::start(&[]);
    let mut config = config(&peer);
    config.max_attempts = 2;
    let judge = judge(&config);
    let error = judge
        .chat(&user("[[judge: status 429]]"), soon(60))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), "rate_limited");
    assert_eq!(error.attempts(), 2);
    assert_eq!(peer.requests_to("/v1/chat/completions").len(), 2);
}

#[tokio::test]
async fn a_retry_after_past_the_deadline_is_not_waited_for() {
    let peer = Peer::start(&[]);
    let judge = judge(&config(&peer));
    // The server asks for 60 s; the deadline is 20 s away: the last error, at once, one attempt.
    let error = judge
        .chat(&user("[[judge: status 429 retry-after 60]]"), soon(20))
        .await
        .unwrap_err();
    assert!(
        matches!(error, CallError::RateLimited { attempts: 1, .. }),
        "{error:?}"
    );
    assert_eq!(peer.requests_to("/v1/chat/completions").len(), 1);
}

#[tokio::test]
async fn a_slow_reply_past_the_deadline_is_a_timeout_without_another_attempt() {
    let peer = Peer::start(&[]);
    let judge = judge(&config(&peer));
    let error = judge
        .chat(&user("[[judge: sleep 30000]]"), soon(2))
        .await
        .unwrap_err();
    assert_eq!(error, CallError::Timeout { attempts: 1 });
    assert_eq!(error.kind(), "timeout");
    let requests = peer.requests_to("/v1/chat/completions");
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0]["attempt"], 1);
    // A deadline already passed sends nothing.
    let error = judge
        .chat(&user("[[judge: verdict 1]]"), Instant::now())
        .await
        .unwrap_err();
    assert_eq!(error, CallError::Timeout { attempts: 0 });
    assert_eq!(peer.requests_to("/v1/chat/completions").len(), 1);
    assert_eq!(judge.usage().errors.get("timeout"), Some(&2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn max_concurrency_holds_with_50_callers() {
    // The peer answers 429 to a 5th request in flight, so a client that passed its limit of 4
    // would see rejections.
    let peer = Peer::start(&["--max-concurrency", "4"]);
    let mut config = config(&peer);
    config.max_concurrency = 4;
    let judge = judge(&config);
    let mut tasks = Vec::new();
    for i in 0..50 {
        let judge = judge.clone();
        tasks.push(tokio::spawn(async move {
            judge
                .chat(
                    &user(&format!("caller {i} [[judge: sleep 50; verdict 5]]")),
                    soon(120),
                )
                .await
        }));
    }
    for task in tasks {
        let reply = task.await.unwrap().unwrap();
        assert_eq!(reply.attempts, 1);
    }
    let stats = peer.stats();
    assert_eq!(stats["requests"], 50);
    assert_eq!(stats["rejected"], 0);
    assert!(stats["max_in_flight"].as_u64().unwrap() <= 4, "{stats}");
    let usage = judge.usage();
    assert_eq!(usage.attempts, 50);
    assert_eq!(usage.peak_in_flight, 4);
    assert_eq!(usage.in_flight, 0);
}

#[tokio::test]
async fn the_registry_shares_one_judge_and_one_limit() {
    let peer = Peer::start(&[]);
    let judges = Judges::new();
    let config = config(&peer);
    let a = judges.get("grader", &config).unwrap();
    let b = judges.get("grader", &config).unwrap();
    assert!(Arc::ptr_eq(&a, &b));
    let mut other = config.clone();
    other.max_concurrency = 2;
    let c = judges.get("grader", &other).unwrap();
    assert!(!Arc::ptr_eq(&a, &c));
    a.chat(&user("one [[judge: verdict 1]]"), soon(30))
        .await
        .unwrap();
    b.chat(&user("two [[judge: verdict 2]]"), soon(30))
        .await
        .unwrap();
    let usage = judges.usage();
    assert_eq!(usage.len(), 2);
    assert_eq!(usage.iter().map(|u| u.requests).sum::<u64>(), 2);
    assert!(usage.iter().any(|u| u.requests == 2));
}

#[tokio::test]
async fn a_cache_hit_makes_no_second_call() {
    let peer = Peer::start(&[]);
    let dir = tempdir("cache-hit");
    let mut config = config(&peer);
    config.cache = Some(dir.join("judge-cache.sqlite"));
    let judge = judge(&config);
    let messages = user("Question: capital of France?\nResponse: Paris");
    let first = judge.chat(&messages, soon(30)).await.unwrap();
    assert_eq!(first.source, ReplySource::Call);
    let second = judge.chat(&messages, soon(30)).await.unwrap();
    assert_eq!(second.source, ReplySource::Cache);
    assert_eq!(second.attempts, 0);
    assert_eq!(
        (second.text.as_str(), second.usage),
        (first.text.as_str(), first.usage)
    );
    assert_eq!(peer.requests_to("/v1/chat/completions").len(), 1);

    // A replay in a new process (a new judge on the same file) makes no call either.
    let again = Judge::build("grader", &config).unwrap();
    let third = again.chat(&messages, soon(30)).await.unwrap();
    assert_eq!(
        (third.source, third.text.as_str()),
        (ReplySource::Cache, first.text.as_str())
    );
    assert_eq!(peer.requests_to("/v1/chat/completions").len(), 1);
    assert_eq!(again.usage().cache_hits, 1);

    // Other sampling settings are another request.
    let mut warmer = config.clone();
    warmer.temperature = 1.0;
    let warmer = Judge::build("grader", &warmer).unwrap();
    assert_eq!(
        warmer.chat(&messages, soon(30)).await.unwrap().source,
        ReplySource::Call
    );
    assert_eq!(peer.requests_to("/v1/chat/completions").len(), 2);
    // Errors are not kept: a 400 is asked again.
    let bad = user("[[judge: status 400]]");
    judge.chat(&bad, soon(30)).await.unwrap_err();
    judge.chat(&bad, soon(30)).await.unwrap_err();
    assert_eq!(peer.requests_to("/v1/chat/completions").len(), 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn identical_requests_in_flight_together_make_one_call() {
    let peer = Peer::start(&[]);
    let dir = tempdir("coalesce");
    let mut config = config(&peer);
    config.cache = Some(dir.join("judge-cache.sqlite"));
    let judge = judge(&config);
    let mut tasks = Vec::new();
    for _ in 0..10 {
        let judge = judge.clone();
        tasks.push(tokio::spawn(async move {
            judge
                .chat(&user("same [[judge: sleep 300; verdict 6]]"), soon(60))
                .await
        }));
    }
    for task in tasks {
        let reply = task.await.unwrap().unwrap();
        assert_eq!(reply.text, "The response was assessed. VERDICT: 6");
    }
    assert_eq!(peer.requests_to("/v1/chat/completions").len(), 1);
    let usage = judge.usage();
    assert_eq!(usage.requests, 10);
    assert_eq!(usage.attempts, 1);
    assert_eq!(usage.coalesced + usage.cache_hits, 9);
}

#[tokio::test]
async fn the_api_key_is_sent_and_never_shown_or_kept() {
    let peer = Peer::start(&[]);
    let secret = "sk-test-plaudit-0123456789-SECRET";
    std::env::set_var("PLAUDIT_TEST_JUDGE_KEY_A", secret);
    let dir = tempdir("key");
    let mut config = config(&peer);
    config.api_key_env = Some("PLAUDIT_TEST_JUDGE_KEY_A".into());
    config.cache = Some(dir.join("judge-cache.sqlite"));
    let judge = judge(&config);
    // The server echoes the key back in an error message: redacted.
    let error = judge
        .chat(&user(&format!("[[judge: status 401]] {secret}")), soon(30))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), "http_status");
    let messages = user("Question: 1+1\nResponse: 2");
    judge.chat(&messages, soon(30)).await.unwrap();

    let requests = peer.requests_to("/v1/chat/completions");
    let digest: String = Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let auth = &requests.last().unwrap()["authorization"];
    assert_eq!(auth["present"], true);
    assert_eq!(auth["scheme"], "Bearer");
    assert_eq!(auth["sha256_prefix"], digest[..16]);

    for shown in [
        format!("{judge:?}"),
        format!("{config:?}"),
        format!("{error:?} {error}"),
        format!("{:?}", judge.usage()),
    ] {
        assert!(!shown.contains(secret), "the key is shown: {shown}");
        assert!(
            !shown.contains("SECRET"),
            "part of the key is shown: {shown}"
        );
    }
    // The cache file (and its WAL) hold no trace of it, and the key does not change the cache key.
    for entry in std::fs::read_dir(&dir).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        assert!(!bytes.windows(secret.len()).any(|w| w == secret.as_bytes()));
    }
    std::env::set_var("PLAUDIT_TEST_JUDGE_KEY_B", "sk-another-key");
    let mut other = config.clone();
    other.api_key_env = Some("PLAUDIT_TEST_JUDGE_KEY_B".into());
    let other = Judge::build("grader", &other).unwrap();
    assert_eq!(other.cache_key(&messages), judge.cache_key(&messages));
    assert_eq!(
        other.chat(&messages, soon(30)).await.unwrap().source,
        ReplySource::Cache
    );

    // A missing variable is a configuration error naming the field.
    let mut missing = config.clone();
    missing.api_key_env = Some("PLAUDIT_TEST_JUDGE_KEY_UNSET".into());
    assert_eq!(
        Judge::build("grader", &missing).unwrap_err().to_string(),
        "judges.grader.api_key_env: the variable PLAUDIT_TEST_JUDGE_KEY_UNSET is not set"
    );
}

#[tokio::test]
async fn a_malformed_reply_is_malformed_and_not_retried() {
    let peer = Peer::start(&[]);
    let judge = judge(&config(&peer));
    let error = judge
        .chat(&user("[[judge: malformed]]"), soon(30))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), "malformed_reply");
    assert_eq!(error.attempts(), 1);
    assert_eq!(peer.requests_to("/v1/chat/completions").len(), 1);
    // Refusals and missing usage are replies, read as they are.
    let reply = judge
        .chat(&user("[[judge: refuse-field]]"), soon(30))
        .await
        .unwrap();
    assert_eq!(reply.text, "");
    assert!(reply.refusal.is_some());
    let reply = judge
        .chat(&user("[[judge: verdict 2; no-usage]]"), soon(30))
        .await
        .unwrap();
    assert_eq!(reply.usage, None);
    assert_eq!(judge.usage().errors.get("malformed_reply"), Some(&1));
}

#[tokio::test]
async fn a_dropped_connection_is_retried() {
    let peer = Peer::start(&[]);
    let judge = judge(&config(&peer));
    let reply = judge
        .chat(&user("[[judge: drop times 1; verdict 4]]"), soon(30))
        .await
        .unwrap();
    assert_eq!(
        (reply.text.as_str(), reply.attempts),
        ("The response was assessed. VERDICT: 4", 2)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_one_base_url_down_every_call_goes_to_the_other() {
    let peer = Peer::start(&[]);
    let down = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/v1", listener.local_addr().unwrap())
    }; // closed: connections are refused
    let mut config = config(&peer);
    config.base_url = None;
    config.base_urls = vec![down.clone(), peer.base_url()];
    config.eject_after = 2;
    let judge = judge(&config);
    let mut tasks = Vec::new();
    for i in 0..20 {
        let judge = judge.clone();
        tasks.push(tokio::spawn(async move {
            judge
                .chat(&user(&format!("call {i} [[judge: verdict 8]]")), soon(60))
                .await
        }));
    }
    for task in tasks {
        assert_eq!(
            task.await.unwrap().unwrap().text,
            "The response was assessed. VERDICT: 8"
        );
    }
    // One more after the dust settles: the down one is left out, so one attempt.
    let reply = judge
        .chat(&user("last [[judge: verdict 8]]"), soon(60))
        .await
        .unwrap();
    assert_eq!(reply.attempts, 1);
    assert_eq!(peer.requests_to("/v1/chat/completions").len(), 21);
    let usage = judge.usage();
    assert_eq!(usage.endpoints[0].url, down);
    assert!(usage.endpoints[0].ejected);
    assert!(usage.endpoints[0].ejections >= 1);
    assert_eq!(usage.endpoints[1].failures, 0);
    assert!(!usage.endpoints[1].ejected);
    assert!(usage.errors.is_empty());
}

#[tokio::test]
async fn a_spent_budget_stops_calling() {
    let peer = Peer::start(&[]);
    let mut config = config(&peer);
    config.budget_tokens = Some(10);
    let judge = judge(&config);
    // 3 + 7 prompt words + 6 reply words = 16 tokens: the first call goes, then the budget is spent.
    judge
        .chat(
            &user("Question: 2+2\nResponse: 4 [[judge: verdict 9]]"),
            soon(30),
        )
        .await
        .unwrap();
    let error = judge
        .chat(&user("another [[judge: verdict 1]]"), soon(30))
        .await
        .unwrap_err();
    assert_eq!(
        error,
        CallError::BudgetExhausted {
            used: 16,
            budget: 10
        }
    );
    assert_eq!(error.kind(), "budget_exhausted");
    assert_eq!(peer.requests_to("/v1/chat/completions").len(), 1);
    assert_eq!(judge.usage().errors.get("budget_exhausted"), Some(&1));
}

#[tokio::test]
async fn a_wait_for_rpm_past_the_deadline_sends_nothing() {
    let peer = Peer::start(&[]);
    let mut config = config(&peer);
    config.rpm = Some(1); // a burst of one, then one a minute
    let judge = judge(&config);
    judge
        .chat(&user("first [[judge: verdict 1]]"), soon(30))
        .await
        .unwrap();
    let error = judge
        .chat(&user("second [[judge: verdict 1]]"), soon(5))
        .await
        .unwrap_err();
    assert_eq!(error, CallError::Timeout { attempts: 0 });
    assert_eq!(peer.requests_to("/v1/chat/completions").len(), 1);
}

#[test]
fn configurations_are_checked_with_the_field_named() {
    let parse = |v: Value| serde_json::from_value::<JudgeConfig>(v);
    let check = |v: Value| {
        parse(v)
            .unwrap()
            .validate("grader")
            .map_err(|e| e.to_string())
    };
    let ok = json!({"base_url": "http://127.0.0.1:8000/v1", "model": "qwen3-8b"});
    let config = parse(ok.clone()).unwrap();
    assert_eq!((config.max_concurrency, config.temperature), (16, 0.0));
    assert_eq!(check(ok), Ok(()));
    let with = |extra: Value| {
        let mut v = json!({"base_url": "http://127.0.0.1:8000/v1", "model": "m"});
        for (k, x) in extra.as_object().unwrap() {
            if x.is_null() {
                v.as_object_mut().unwrap().remove(k);
            } else {
                v[k] = x.clone();
            }
        }
        check(v).unwrap_err()
    };
    assert_eq!(
        with(json!({"max_concurrency": 0})),
        "judges.grader.max_concurrency: must be at least 1"
    );
    assert_eq!(
        with(json!({"rpm": 0})),
        "judges.grader.rpm: must be at least 1"
    );
    assert_eq!(
        with(json!({"temperature": 3.0})),
        "judges.grader.temperature: must be in [0, 2], got 3"
    );
    assert_eq!(
        with(json!({"model": " "})),
        "judges.grader.model: must not be empty"
    );
    assert_eq!(
        with(json!({"base_urls": ["http://a/v1"]})),
        "judges.grader.base_url: give base_url or base_urls, not both"
    );
    assert_eq!(
        with(json!({"base_url": null})),
        "judges.grader.base_url: missing (give base_url, or base_urls for several)"
    );
    assert_eq!(
        with(json!({"base_url": null, "base_urls": ["http://a/v1", "ftp://b/v1"]})),
        "judges.grader.base_urls[1]: must start with http:// or https://, got \"ftp://b/v1\""
    );
    assert_eq!(
        with(json!({"extra": {"stream": true}})),
        "judges.grader.extra.stream: stream is set by the client and cannot be overridden"
    );
    assert_eq!(
        with(json!({"extra": {"seed": 1}})),
        "judges.grader.extra.seed: set seed with its own setting, not in extra"
    );
    // Unknown fields and wrong types are refused by deserialization.
    assert!(parse(json!({"base_url": "http://a/v1", "model": "m", "max_concurency": 4})).is_err());
    assert!(parse(json!({"base_url": "http://a/v1", "model": "m", "extra": [1]})).is_err());
    // An https URL is accepted as is (TLS through rustls).
    assert_eq!(
        check(json!({"base_url": "https://api.openai.com/v1", "model": "gpt-4o-mini"})),
        Ok(())
    );
}

fn tempdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "plaudit-judge-client-{name}-{}-{}",
        std::process::id(),
        Instant::now().elapsed().as_nanos()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The engine awaits model-backed rewards without tokio (a plain `block_on` on a rayon thread,
/// in the CLI and the Python package): `Judge::ask` runs the call on the judges' own runtime,
/// so it works there, many calls at once.
#[test]
fn ask_works_from_a_thread_without_an_async_runtime() {
    let peer = Peer::start(&[]);
    let judge = judge(&config(&peer));
    let replies = futures_executor::block_on(futures_util::future::join_all((0..8).map(|i| {
        judge.ask(
            user(&format!("Response {i} [[judge: verdict {i}]]")),
            soon(30),
        )
    })));
    for (i, r) in replies.into_iter().enumerate() {
        assert_eq!(
            r.unwrap().text,
            format!("The response was assessed. VERDICT: {i}")
        );
    }
    // From inside another runtime too (the server's), which may end before the judge does.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let r = rt.block_on(judge.ask(user("again [[judge: verdict 3]]"), soon(30)));
    drop(rt);
    assert_eq!(r.unwrap().text, "The response was assessed. VERDICT: 3");
    let r = futures_executor::block_on(judge.ask(user("after [[judge: verdict 4]]"), soon(30)));
    assert_eq!(r.unwrap().text, "The response was assessed. VERDICT: 4");
}

fn priced(config: &mut JudgeConfig, input: f64, output: f64) {
    config.price_input_per_mtok = Some(input);
    config.price_output_per_mtok = Some(output);
}

#[tokio::test]
async fn a_call_costs_its_tokens_at_the_judges_prices() {
    let peer = Peer::start(&[]);
    let mut config = config(&peer);
    priced(&mut config, 2.0, 8.0);
    let judge = judge(&config);
    let reply = judge
        .chat(
            &user("Question: 2+2\nResponse: 4 [[judge: verdict 9]]"),
            soon(30),
        )
        .await
        .unwrap();
    // 10 prompt words at $2 per million, 6 reply words at $8 per million.
    assert_eq!(
        reply.usage,
        Some(Usage {
            prompt_tokens: 10,
            completion_tokens: 6
        })
    );
    assert_eq!(reply.cost_usd, Some(68.0 / 1e6));
    assert_eq!(reply.cost_usd, Some(6.8e-5));
    // One more: 3 + 4 prompt words, 6 reply words.
    let again = judge
        .chat(&user("again [[judge: verdict 1]]"), soon(30))
        .await
        .unwrap();
    assert_eq!(
        again.usage,
        Some(Usage {
            prompt_tokens: 7,
            completion_tokens: 6
        })
    );
    assert_eq!(again.cost_usd, Some((7.0 * 2.0 + 6.0 * 8.0) / 1e6));
    let usage = judge.usage();
    assert_eq!((usage.prompt_tokens, usage.completion_tokens), (17, 12));
    assert_eq!(usage.cost_usd, Some((17.0 * 2.0 + 12.0 * 8.0) / 1e6));
    assert_eq!(usage.cost_usd, Some(1.3e-4));

    // Without prices there is no cost; with one price the other counts as 0.
    let free = Judge::build("free", &self::config(&peer)).unwrap();
    let reply = free
        .chat(&user("[[judge: verdict 2]]"), soon(30))
        .await
        .unwrap();
    assert_eq!(reply.cost_usd, None);
    assert_eq!(free.usage().cost_usd, None);
    let mut input_only = self::config(&peer);
    input_only.price_input_per_mtok = Some(1.5);
    let input_only = Judge::build("input-only", &input_only).unwrap();
    let reply = input_only
        .chat(&user("one two [[judge: verdict 2]]"), soon(30))
        .await
        .unwrap();
    // 3 + 5 prompt words at $1.5 per million; the 6 reply words are free.
    assert_eq!(reply.usage.unwrap().prompt_tokens, 8);
    assert_eq!(reply.cost_usd, Some(12.0 / 1e6));
    assert_eq!(input_only.usage().cost_usd, Some(12.0 / 1e6));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn cache_hits_and_shared_replies_cost_nothing_and_keep_their_usage() {
    let peer = Peer::start(&[]);
    let dir = tempdir("cost-cache");
    let mut config = config(&peer);
    config.cache = Some(dir.join("judge-cache.sqlite"));
    priced(&mut config, 3.0, 15.0);
    let judge = judge(&config);
    let mut tasks = Vec::new();
    for _ in 0..5 {
        let judge = judge.clone();
        tasks.push(tokio::spawn(async move {
            judge
                .chat(&user("same [[judge: sleep 300; verdict 6]]"), soon(60))
                .await
        }));
    }
    let mut replies = Vec::new();
    for task in tasks {
        replies.push(task.await.unwrap().unwrap());
    }
    let hit = judge
        .chat(&user("same [[judge: sleep 300; verdict 6]]"), soon(60))
        .await
        .unwrap();
    assert_eq!(hit.source, ReplySource::Cache);
    replies.push(hit);
    assert_eq!(peer.requests_to("/v1/chat/completions").len(), 1);
    // "You grade answers." + "same [[judge: sleep 300; verdict 6]]": 3 + 6 prompt words, 6 reply
    // words, for everyone; the one call that sent a request paid (9·3 + 6·15) / 1e6.
    let original = Usage {
        prompt_tokens: 9,
        completion_tokens: 6,
    };
    let paid: Vec<_> = replies
        .iter()
        .filter(|r| r.source == ReplySource::Call)
        .collect();
    assert_eq!(paid.len(), 1);
    assert_eq!(paid[0].cost_usd, Some(117.0 / 1e6));
    for r in &replies {
        assert_eq!(r.usage, Some(original));
        if r.source != ReplySource::Call {
            assert_eq!((r.attempts, r.cost_usd), (0, Some(0.0)));
        }
    }
    let usage = judge.usage();
    assert_eq!(usage.requests, 6);
    assert_eq!((usage.prompt_tokens, usage.completion_tokens), (9, 6));
    assert_eq!(usage.cost_usd, Some(117.0 / 1e6));
}

#[test]
fn prices_are_checked_with_the_field_named() {
    let check = |input: Option<f64>, output: Option<f64>| {
        let mut config = JudgeConfig::new("http://127.0.0.1:8000/v1", "m");
        config.price_input_per_mtok = input;
        config.price_output_per_mtok = output;
        config.validate("grader").map_err(|e| e.to_string())
    };
    assert_eq!(check(Some(0.0), Some(0.6)), Ok(()));
    assert_eq!(
        check(Some(-1.0), None),
        Err(
            "judges.grader.price_input_per_mtok: must be a finite number of USD at least 0, got -1"
                .into()
        )
    );
    assert_eq!(
        check(None, Some(f64::NAN)),
        Err("judges.grader.price_output_per_mtok: must be a finite number of USD at least 0, got NaN".into())
    );
    assert_eq!(
        check(Some(f64::INFINITY), None),
        Err("judges.grader.price_input_per_mtok: must be a finite number of USD at least 0, got inf".into())
    );
    // From the spec's JSON/YAML, as numbers.
    let config: JudgeConfig = serde_json::from_value(json!({
        "base_url": "http://127.0.0.1:8000/v1", "model": "m",
        "price_input_per_mtok": 0.15, "price_output_per_mtok": 0.6,
    }))
    .unwrap();
    assert_eq!(config.cost_usd(1_000_000, 1_000_000), Some(0.15 + 0.6));
    assert_eq!(JudgeConfig::new("http://h/v1", "m").cost_usd(5, 5), None);
}

/// A reward model's judge: the server's origin as base URL, the path per call.
fn reward_model(peer: &Peer) -> JudgeConfig {
    let mut config = JudgeConfig::new(peer.origin(), "reward-model");
    config.retry_base_ms = 10;
    config
}

/// The tokens a JSON request is counted when its reply has no usage: body bytes / 4.
fn json_estimate(body: &Value) -> u64 {
    (serde_json::to_vec(body).unwrap().len() as u64).div_ceil(4)
}

#[tokio::test]
async fn post_json_speaks_openrlhfs_get_reward() {
    let peer = Peer::start(&[]);
    let mut config = reward_model(&peer);
    priced(&mut config, 4.0, 0.0);
    let judge = judge(&config);
    let body = json!({
        "query": ["Q: 2+2? A: 4 [[judge: score 0.25]]", "Q: 3+3? A: 7 [[judge: score -0.5]]"],
        "prompts": ["Q: 2+2?", "Q: 3+3?"],
        "labels": ["4", "6"],
    });
    let reply = judge
        .post_json("/get_reward", body.clone(), soon(30))
        .await
        .unwrap();
    assert_eq!(reply.body["rewards"], json!([0.25, -0.5]));
    assert_eq!((reply.attempts, reply.usage), (1, None));
    // No usage in the reply: counted as the estimate, body bytes / 4 prompt tokens.
    let estimate = json_estimate(&body);
    assert_eq!(reply.cost_usd, Some(estimate as f64 * 4.0 / 1e6));
    let sent = peer.requests_to("/get_reward");
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0]["body"], body);
    assert_eq!(sent[0]["status"], 200);
    let usage = judge.usage();
    assert_eq!(
        (
            usage.requests,
            usage.attempts,
            usage.prompt_tokens,
            usage.completion_tokens
        ),
        (1, 1, estimate, 0)
    );
    assert_eq!(usage.cost_usd, reply.cost_usd);
}

#[tokio::test]
async fn post_json_reads_vllm_pooling_and_classify_with_their_usage() {
    let peer = Peer::start(&[]);
    let mut config = reward_model(&peer);
    priced(&mut config, 1.0, 2.0);
    let judge = judge(&config);
    let input = "Question: 2+2 Answer: 4 [[judge: score 0.75]]";
    let pooled = judge
        .post_json(
            "/pooling",
            json!({"model": "rm", "input": [input]}),
            soon(30),
        )
        .await
        .unwrap();
    assert_eq!(pooled.body["data"][0]["data"], json!([0.75]));
    // 7 words in the input; pooling has no completion.
    let seven = Usage {
        prompt_tokens: 7,
        completion_tokens: 0,
    };
    assert_eq!(pooled.usage, Some(seven));
    assert_eq!(pooled.cost_usd, Some(7.0 / 1e6));
    let classified = judge
        .post_json(
            "/classify",
            json!({"model": "rm", "input": input}),
            soon(30),
        )
        .await
        .unwrap();
    assert_eq!(classified.body["data"][0]["probs"], json!([0.75]));
    assert_eq!(classified.usage, Some(seven));
    assert_eq!(peer.requests_to("/pooling").len(), 1);
    assert_eq!(peer.requests_to("/classify").len(), 1);
    assert_eq!(peer.requests_to("/pooling")[0]["body"]["model"], "rm");
    let usage = judge.usage();
    assert_eq!((usage.requests, usage.prompt_tokens), (2, 14));
    assert_eq!(usage.cost_usd, Some(14.0 / 1e6));

    // The path is appended to the base URL as it is: under `/v1` it is `/v1/classify`.
    let v1 = self::judge(&self::config(&peer));
    let reply = v1
        .post_json("/classify", json!({"input": input}), soon(30))
        .await
        .unwrap();
    assert_eq!(reply.body["data"][0]["probs"], json!([0.75]));
    assert_eq!(peer.requests_to("/v1/classify").len(), 1);
    // A path that does not start with `/` sends nothing.
    let error = v1
        .post_json("classify", json!({"input": input}), soon(30))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), "invalid_request");
    assert_eq!(error.attempts(), 0);
    assert_eq!(
        error.to_string(),
        "the request cannot be sent: the path \"classify\" does not start with /"
    );
    // Three requests reached the peer: the last one was never sent.
    assert_eq!(peer.stats()["requests"], 3);
}

#[tokio::test]
async fn post_json_retries_a_429_after_its_retry_after() {
    let peer = Peer::start(&[]);
    let judge = judge(&reward_model(&peer));
    let reply = judge
        .post_json(
            "/get_reward",
            json!({"query": ["[[judge: status 429 retry-after 1 times 2; score 0.5]]"]}),
            soon(60),
        )
        .await
        .unwrap();
    assert_eq!(reply.body["rewards"], json!([0.5]));
    assert_eq!(reply.attempts, 3);
    let requests = peer.requests_to("/get_reward");
    let statuses: Vec<_> = requests.iter().map(|r| r["status"].clone()).collect();
    assert_eq!(statuses, vec![json!(429), json!(429), json!(200)]);
    for pair in requests.windows(2) {
        let gap = pair[1]["t_ms"].as_f64().unwrap() - pair[0]["t_ms"].as_f64().unwrap();
        assert!(gap >= 1000.0, "retried {gap} ms after a Retry-After of 1 s");
    }
    let usage = judge.usage();
    assert_eq!((usage.requests, usage.attempts, usage.retries), (1, 3, 2));
    // A 400 is not retried.
    let error = judge
        .post_json("/get_reward", json!({"query": "not a list"}), soon(30))
        .await
        .unwrap_err();
    assert_eq!((error.kind(), error.attempts()), ("http_status", 1));
    assert!(
        error
            .to_string()
            .contains("query must be a list of strings"),
        "{error}"
    );
}

#[tokio::test]
async fn post_json_a_body_that_is_not_json_is_malformed() {
    let peer = Peer::start(&[]);
    let judge = judge(&reward_model(&peer));
    let error = judge
        .post_json(
            "/get_reward",
            json!({"query": ["[[judge: malformed]]"]}),
            soon(30),
        )
        .await
        .unwrap_err();
    assert_eq!((error.kind(), error.attempts()), ("malformed_reply", 1));
    assert!(
        error
            .to_string()
            .starts_with("the judge's reply is malformed: not JSON ("),
        "{error}"
    );
    assert_eq!(peer.requests_to("/get_reward").len(), 1);
    let usage = judge.usage();
    assert_eq!(usage.errors.get("malformed_reply"), Some(&1));
    assert_eq!((usage.prompt_tokens, usage.completion_tokens), (0, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn post_json_and_chat_share_one_concurrency_limit() {
    // The peer answers 429 to a 5th model request in flight, chat or reward model alike.
    let peer = Peer::start(&["--max-concurrency", "4"]);
    let mut config = config(&peer);
    config.max_concurrency = 4;
    let judge = judge(&config);
    let mut chats = Vec::new();
    let mut scores = Vec::new();
    for i in 0..20 {
        let j = judge.clone();
        chats.push(tokio::spawn(async move {
            j.chat(
                &user(&format!("caller {i} [[judge: sleep 50; verdict 5]]")),
                soon(120),
            )
            .await
        }));
        let j = judge.clone();
        scores.push(tokio::spawn(async move {
            j.post_json(
                "/classify",
                json!({"input": format!("caller {i} [[judge: sleep 50; score 0.75]]")}),
                soon(120),
            )
            .await
        }));
    }
    for task in chats {
        assert_eq!(task.await.unwrap().unwrap().attempts, 1);
    }
    for task in scores {
        let reply = task.await.unwrap().unwrap();
        assert_eq!(
            (reply.attempts, &reply.body["data"][0]["probs"]),
            (1, &json!([0.75]))
        );
    }
    let stats = peer.stats();
    assert_eq!(stats["requests"], 40);
    assert_eq!(stats["rejected"], 0);
    assert!(stats["max_in_flight"].as_u64().unwrap() <= 4, "{stats}");
    assert_eq!(peer.requests_to("/v1/classify").len(), 20);
    let usage = judge.usage();
    assert_eq!((usage.requests, usage.attempts), (40, 40));
    assert_eq!(usage.peak_in_flight, 4);
    assert_eq!(usage.in_flight, 0);
}

#[tokio::test]
async fn post_json_is_under_the_budget_and_the_rpm_bucket() {
    let peer = Peer::start(&[]);
    let mut config = reward_model(&peer);
    config.budget_tokens = Some(5);
    config.rpm = Some(1);
    let judge = judge(&config);
    // 7 words counted from the reply's usage spend the budget of 5.
    judge
        .post_json(
            "/pooling",
            json!({"input": "Question: 2+2 Answer: 4 [[judge: score 0.75]]"}),
            soon(30),
        )
        .await
        .unwrap();
    let error = judge
        .post_json("/pooling", json!({"input": "more"}), soon(30))
        .await
        .unwrap_err();
    assert_eq!(error, CallError::BudgetExhausted { used: 7, budget: 5 });
    // Another judge on the same limits but no budget: the rpm bucket holds the next one past
    // its deadline, so nothing is sent.
    let mut config = reward_model(&peer);
    config.rpm = Some(1);
    let judge = self::judge(&config);
    judge
        .post_json("/pooling", json!({"input": "one"}), soon(30))
        .await
        .unwrap();
    let error = judge
        .post_json("/pooling", json!({"input": "two"}), soon(5))
        .await
        .unwrap_err();
    assert_eq!(error, CallError::Timeout { attempts: 0 });
    assert_eq!(peer.requests_to("/pooling").len(), 2);
}

#[test]
fn ask_json_works_from_a_thread_without_an_async_runtime() {
    let peer = Peer::start(&[]);
    let judge = judge(&reward_model(&peer));
    let replies = futures_executor::block_on(futures_util::future::join_all((0..4).map(|i| {
        judge.ask_json(
            "/get_reward".to_string(),
            json!({"query": [format!("sample {i} [[judge: score 0.{i}]]")]}),
            soon(30),
        )
    })));
    for (i, r) in replies.into_iter().enumerate() {
        assert_eq!(
            r.unwrap().body["rewards"][0].as_f64().unwrap(),
            format!("0.{i}").parse::<f64>().unwrap()
        );
    }
}
