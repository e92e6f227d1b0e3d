//! The shared limit (`set_shared_limit`) against a real HTTP peer: every attempt is admitted by
//! it before the request is sent and released after, the tokens a call used are settled with
//! it, and its refusals are the call's typed errors. One test function: the limit is
//! process-wide, and this file is its own test binary.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use plaudit_judge::client::{
    set_shared_limit, Admission, CallError, Judge, JudgeConfig, Message, SharedLimit,
};

#[path = "../../plaudit-rewards/tests/peer/mod.rs"]
mod peer;
use peer::Peer;

#[derive(Default)]
struct Recorder {
    /// What the next `acquire` answers (`None`: grant).
    answer: Mutex<Option<Admission>>,
    events: Mutex<Vec<String>>,
    next: Mutex<u64>,
}

impl SharedLimit for Recorder {
    fn acquire(&self, judge: &str, tokens: u64, timeout: Duration) -> Admission {
        assert!(timeout > Duration::ZERO && timeout <= Duration::from_secs(30));
        let answer = self.answer.lock().unwrap().clone();
        let answer = answer.unwrap_or_else(|| {
            let mut n = self.next.lock().unwrap();
            *n += 1;
            Admission::Granted(*n)
        });
        self.events
            .lock()
            .unwrap()
            .push(format!("acquire {judge} {tokens} -> {answer:?}"));
        answer
    }
    fn release(&self, judge: &str, lease: u64) {
        self.events
            .lock()
            .unwrap()
            .push(format!("release {judge} {lease}"));
    }
    fn settle(&self, judge: &str, used: u64, estimate: u64) {
        self.events
            .lock()
            .unwrap()
            .push(format!("settle {judge} {used} {estimate}"));
    }
}

impl Recorder {
    /// The events once `n` have been recorded (release and settle are sent without waiting).
    fn events(&self, n: usize) -> Vec<String> {
        let start = Instant::now();
        loop {
            let mut e = self.events.lock().unwrap().clone();
            if e.len() >= n || start.elapsed() > Duration::from_secs(30) {
                e.sort();
                return e;
            }
            std::thread::yield_now();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_attempt_passes_the_shared_limit() {
    let peer = Peer::start(&[]);
    let mut config = JudgeConfig::new(peer.base_url(), "judge-model");
    config.retry_base_ms = 10;
    let judge = Judge::build("grader", &config).unwrap();
    let recorder = Arc::new(Recorder::default());
    set_shared_limit(Some(recorder.clone()));
    let deadline = || Instant::now() + Duration::from_secs(30);
    let messages = |text: &str| vec![Message::user(text)];

    // Granted: admitted (charged the estimate: 18 characters / 4 → 5, + 4 per message),
    // released, settled with the reply's usage (the peer counts 3 prompt + 6 reply words).
    let reply = judge
        .chat(&messages("[[judge: verdict 9]]"), deadline())
        .await
        .unwrap();
    assert_eq!(reply.attempts, 1);
    assert_eq!(
        recorder.events(3),
        vec![
            "acquire grader 9 -> Granted(1)",
            "release grader 1",
            "settle grader 9 9"
        ]
    );
    recorder.events.lock().unwrap().clear();

    // A 503 then a success: two attempts, each admitted and released, one settlement.
    judge
        .chat(
            &messages("[[judge: status 503 times 1; verdict 2]]"),
            deadline(),
        )
        .await
        .unwrap();
    let events = recorder.events(5);
    assert_eq!(
        events.iter().filter(|e| e.starts_with("acquire")).count(),
        2
    );
    assert_eq!(
        events.iter().filter(|e| e.starts_with("release")).count(),
        2
    );
    assert_eq!(events.iter().filter(|e| e.starts_with("settle")).count(), 1);
    recorder.events.lock().unwrap().clear();

    // The cluster's budget is spent: the call fails typed, and nothing reaches the peer.
    let sent = peer.requests_to("/v1/chat/completions").len();
    *recorder.answer.lock().unwrap() = Some(Admission::Budget {
        used: 120,
        budget: 100,
    });
    let err = judge
        .chat(&messages("[[judge: verdict 9]]"), deadline())
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            CallError::BudgetExhausted {
                used: 120,
                budget: 100
            }
        ),
        "{err:?}"
    );
    // Not admitted in time, and a limiter that cannot be asked.
    *recorder.answer.lock().unwrap() = Some(Admission::Timeout);
    let err = judge
        .chat(&messages("[[judge: verdict 9]]"), deadline())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), "timeout");
    *recorder.answer.lock().unwrap() = Some(Admission::Failed("the actor is gone".into()));
    let err = judge
        .chat(&messages("[[judge: verdict 9]]"), deadline())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), "connection");
    assert!(
        err.to_string()
            .contains("the shared limiter: the actor is gone"),
        "{err}"
    );
    assert_eq!(peer.requests_to("/v1/chat/completions").len(), sent);

    // Removed: calls go without it.
    set_shared_limit(None);
    recorder.events.lock().unwrap().clear();
    judge
        .chat(&messages("[[judge: verdict 9]]"), deadline())
        .await
        .unwrap();
    assert!(recorder.events.lock().unwrap().is_empty());
}
