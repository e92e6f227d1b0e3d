//! The pipeline's guarantee, in the one place every front gets it from ([`plaudit_core::Batch`]):
//! every input gets exactly one result with a status, in input order, however the inputs are
//! chunked, held for the group stage, split between executors or serialized; the state is
//! committed once, after the batch, and a commit that fails loses no result.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use plaudit_core::{
    score_alone, Batch, BatchOptions, BoxFuture, Ctx, Engine, Failure, GroupCtx, Input, JsonLine,
    Member, Outcome, Params, Registry, Reward, RewardInfo, Sample, Scope, Score, ScoreResult, Spec,
    Status, Stop, Store,
};
use serde_json::{json, Value};

/// The response parsed as a number ("x": no_answer). Stateful: it observes the value, its state
/// is every value observed so far (appended at each commit), and its details say how many values
/// the state held when the sample was scored.
struct Num;
impl Num {
    fn seen(store: &dyn Store, ns: &str) -> Vec<Value> {
        match store.get(ns, "seen") {
            Ok(Some(Value::Array(a))) => a,
            _ => Vec::new(),
        }
    }
}
impl Reward for Num {
    fn score(&self, s: &Sample, cx: &Ctx) -> Outcome {
        let seen = Num::seen(cx.store, cx.namespace).len();
        s.response
            .parse::<f64>()
            .map(|v| Score::with_details(v, json!({"seen": seen})).observe(json!(v)))
            .map_err(|_| Failure::no_answer("not a number"))
    }
    fn update(&self, obs: &[Value], store: &dyn Store, ns: &str) -> Result<(), String> {
        let mut seen = Num::seen(store, ns);
        seen.extend_from_slice(obs);
        store.put(ns, vec![("seen".into(), json!(seen))])
    }
}

/// [`Num`] that says it waits outside the process: fronts split it off.
struct Waits;
impl Reward for Waits {
    fn score(&self, s: &Sample, cx: &Ctx) -> Outcome {
        Num.score(s, cx).map(|s| Score::new(s.value * 10.0))
    }
    fn blocking(&self) -> bool {
        true
    }
}

/// Group reward: the value minus the group's mean value.
struct Centred;
impl Reward for Centred {
    fn score(&self, s: &Sample, cx: &Ctx) -> Outcome {
        score_alone(self, s, cx)
    }
    fn scope(&self) -> Scope {
        Scope::Group
    }
    fn score_group(&self, members: &[Member], _cx: &GroupCtx) -> Vec<Outcome> {
        let vals: Vec<f64> = members
            .iter()
            .map(|m| m.sample.response.parse().unwrap_or(0.0))
            .collect();
        let mean = vals.iter().sum::<f64>() / vals.len() as f64;
        vals.iter().map(|v| Ok(Score::new(v - mean))).collect()
    }
}

/// How many calls of [`Asks`] have started, and whether every call saw all of its batch's calls
/// started before it answered (the I/O stage awaits them together, not one after another).
static STARTED: AtomicUsize = AtomicUsize::new(0);
static ALL_IN_FLIGHT: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(true);
/// The calls [`Asks`] waits for before answering: the I/O test's batch.
const IN_FLIGHT: usize = 12;

/// An I/O reward: "asks a model" on a thread of its own, which answers the response's number
/// × 100 once all of the batch's calls have started (or after 10 s, a deadline far above the
/// need, noting that they had not). "panic" panics while polled.
struct Asks;
impl Reward for Asks {
    fn score(&self, _s: &Sample, _cx: &Ctx) -> Outcome {
        unreachable!("an I/O reward is scored through score_io")
    }
    fn io(&self) -> bool {
        true
    }
    fn score_io<'a>(&'a self, s: &'a Sample, _cx: &'a Ctx<'a>) -> BoxFuture<'a, Outcome> {
        if s.response == "panic" {
            return Box::pin(async { panic!("the judge fell over") });
        }
        let v: f64 = s.response.parse().unwrap_or(-1.0);
        let slot: Arc<std::sync::Mutex<(Option<f64>, Option<std::task::Waker>)>> =
            Default::default();
        let mut started = false;
        Box::pin(std::future::poll_fn(move |cx| {
            if !started {
                started = true;
                STARTED.fetch_add(1, Ordering::SeqCst);
                let slot = slot.clone();
                std::thread::spawn(move || {
                    let t = std::time::Instant::now();
                    while STARTED.load(Ordering::SeqCst) < IN_FLIGHT {
                        if t.elapsed() > std::time::Duration::from_secs(10) {
                            ALL_IN_FLIGHT.store(false, Ordering::SeqCst);
                            break;
                        }
                        std::thread::sleep(std::time::Duration::from_millis(1));
                    }
                    let mut g = slot.lock().unwrap();
                    g.0 = Some(v * 100.0);
                    if let Some(w) = g.1.take() {
                        w.wake();
                    }
                });
            }
            let mut g = slot.lock().unwrap();
            match g.0 {
                Some(x) => std::task::Poll::Ready(Ok(Score::new(x))),
                None => {
                    g.1 = Some(cx.waker().clone());
                    std::task::Poll::Pending
                }
            }
        }))
    }
}

fn registry() -> Registry {
    let mut r = Registry::new();
    for (name, build) in [
        (
            "num",
            (|_: &Params| Ok(Arc::new(Num) as Arc<dyn Reward>)) as fn(&Params) -> _,
        ),
        ("waits", |_: &Params| Ok(Arc::new(Waits) as Arc<dyn Reward>)),
        ("centred", |_: &Params| {
            Ok(Arc::new(Centred) as Arc<dyn Reward>)
        }),
        ("asks", |_: &Params| Ok(Arc::new(Asks) as Arc<dyn Reward>)),
    ] {
        r.add(RewardInfo {
            name,
            family: "test",
            source: "//! Test reward.",
            params: &[],
            build,
        });
    }
    r
}

fn engine(spec: Value) -> Engine {
    Engine::new(Spec::from_value(&spec, &registry()).unwrap())
}

/// Samples in groups of three; every fifth is not a number, every seventh is not even JSON.
fn inputs(n: usize) -> Vec<Input> {
    (0..n)
        .map(|i| {
            if i % 7 == 6 {
                return Input::from_line(b"{not json", i + 1);
            }
            let response = if i % 5 == 4 {
                "x".to_string()
            } else {
                (i % 4).to_string()
            };
            let task = if i % 2 == 0 { "cpu" } else { "waits" };
            Input::from_value(
                json!({"id": i, "group": format!("g{}", i / 3), "task": task, "response": response}),
            )
        })
        .collect()
}

const ROUTES: &str =
    r#"{"cpu": {"components": {"v": "num"}}, "waits": {"components": {"v": "waits"}}}"#;

/// The specs the guarantee is checked on: with and without a group stage, with group rewards,
/// with routes that block.
fn specs() -> Vec<Value> {
    let routes: Value = serde_json::from_str(ROUTES).unwrap();
    vec![
        json!({"components": {"v": "num"}}),
        json!({"components": {"v": "num"}, "group": {"advantage": "grpo", "mark_zero_variance": true}}),
        json!({"components": {"v": "num"}, "group": {"advantage": "none", "mark_zero_variance": true}}),
        json!({"components": {"v": "num", "c": "centred"}, "reward": "v + c", "group": {"advantage": "rloo"}}),
        json!({"components": {"v": "num", "c": "centred"}, "reward": "v + c"}),
        json!({"components": {"v": "num"}, "routes": routes, "group": {"advantage": "grpo"}}),
        json!({"components": {"v": "num"}, "routes": routes}),
    ]
}

/// Push `inputs` in chunks of `chunk`, then finish: everything the batch gave back, in order.
fn chunked<O: plaudit_core::Emit>(mut b: Batch<O>, inputs: Vec<Input>, chunk: usize) -> Vec<O> {
    let mut out = Vec::new();
    let mut it = inputs.into_iter().peekable();
    while it.peek().is_some() {
        let part: Vec<Input> = it.by_ref().take(chunk).collect();
        out.extend(b.push(part));
    }
    let done = b.finish();
    assert_eq!(done.state_error, None);
    out.extend(done.results);
    out
}

fn ids(results: &[ScoreResult]) -> Vec<Value> {
    results.iter().map(|r| r.id.clone()).collect()
}

#[test]
fn one_result_per_input_in_order_however_the_batch_is_chunked() {
    let n = 41;
    for spec in specs() {
        let whole = engine(spec.clone()).score_batch(&inputs(n)).unwrap();
        assert_eq!(whole.len(), n, "{spec}");
        // Invalid lines have no id; the others are in input order.
        let expected: Vec<Value> = (0..n)
            .map(|i| if i % 7 == 6 { Value::Null } else { json!(i) })
            .collect();
        assert_eq!(ids(&whole), expected, "{spec}");
        assert_eq!(whole[6].status, Status::InvalidInput);
        assert_eq!(whole[4].status, Status::NoAnswer);
        assert_eq!(whole[0].status, Status::Ok);
        for chunk in [1, 2, 5, 40, 100] {
            let e = engine(spec.clone());
            let got = chunked(
                e.batch::<ScoreResult>(BatchOptions::default()),
                inputs(n),
                chunk,
            );
            assert_eq!(got, whole, "{spec} in chunks of {chunk}");
        }
    }
}

#[test]
fn json_lines_are_the_results_serialized_with_the_group_fields_last() {
    for spec in specs() {
        let results = engine(spec.clone()).score_batch(&inputs(23)).unwrap();
        let e = engine(spec.clone());
        let lines = chunked(e.batch::<JsonLine>(BatchOptions::default()), inputs(23), 4);
        assert_eq!(lines.len(), results.len());
        for (line, r) in lines.iter().zip(&results) {
            let mut want = serde_json::to_vec(r).unwrap();
            want.push(b'\n');
            assert_eq!(
                String::from_utf8_lossy(&line.0),
                String::from_utf8_lossy(&want),
                "{spec}"
            );
        }
    }
    // The documented order of the fields, with both group fields.
    let e = engine(
        json!({"components": {"v": "num"}, "group": {"advantage": "dr_grpo", "mark_zero_variance": true}}),
    );
    let two = vec![
        Input::from_value(json!({"id": "a", "group": 1, "response": "1"})),
        Input::from_value(json!({"id": "b", "group": 1, "response": "3"})),
    ];
    let lines = chunked(e.batch::<JsonLine>(BatchOptions::default()), two, 1);
    assert_eq!(
        String::from_utf8(lines[0].0.clone()).unwrap(),
        "{\"id\":\"a\",\"reward\":1.0,\"components\":{\"v\":1.0},\"status\":\"ok\",\"details\":{\"v\":{\"seen\":0}},\"advantage\":-1.0,\"zero_variance\":false}\n"
    );
}

#[test]
fn results_go_out_as_chunks_are_scored_unless_the_batch_must_hold_them() {
    let streaming = engine(json!({"components": {"v": "num"}}));
    let mut b = streaming.batch::<ScoreResult>(BatchOptions::default());
    assert!(!b.holds());
    assert_eq!(b.push(inputs(3)).len(), 3);
    assert_eq!(b.finish().results.len(), 0);

    for spec in [&specs()[1], &specs()[3]] {
        let e = engine(spec.clone());
        let mut b = e.batch::<ScoreResult>(BatchOptions::default());
        assert!(b.holds(), "{spec}");
        assert!(b.push(inputs(3)).is_empty());
        assert_eq!(b.finish().results.len(), 3);
    }
}

#[test]
fn skipping_the_group_stage_leaves_rewards_as_they_are() {
    let e = engine(specs()[1].clone());
    let with = e.score_batch(&inputs(12)).unwrap();
    let options = BatchOptions {
        skip_group_stage: true,
        ..Default::default()
    };
    let without = e.score_all(inputs(12), options).unwrap();
    assert!(with[0].advantage.is_some());
    assert!(without
        .iter()
        .all(|r| r.advantage.is_none() && r.zero_variance.is_none()));
    let rewards = |rs: &[ScoreResult]| rs.iter().map(|r| r.reward).collect::<Vec<_>>();
    assert_eq!(rewards(&with), rewards(&without));
}

#[test]
fn a_split_batch_joins_back_in_input_order() {
    for spec in [&specs()[5], &specs()[6]] {
        let whole = engine(spec.clone()).score_batch(&inputs(30)).unwrap();
        let e = engine(spec.clone());
        let mut b = e.batch::<ScoreResult>(BatchOptions::default());
        let split = b.split(inputs(30));
        // Odd ids go to the blocking route (invalid lines have no route: they compute).
        assert_eq!(split.blocking.len(), 13);
        assert_eq!(split.cpu.len(), 17);
        let cpu = b.scorer().score(&split.cpu);
        let blocking = b.scorer().score(&split.blocking);
        let (keys, results) = split.join.join(cpu, blocking, Vec::new());
        let mut got = b.accept(keys, results);
        got.extend(b.finish().results);
        assert_eq!(got, whole, "{spec}");
        assert_eq!(got[1].reward, 10.0, "the blocking route's reward");
    }
}

#[test]
fn a_stopped_batch_answers_every_input_with_the_reason() {
    let e = engine(specs()[1].clone());
    let stop = Stop::never();
    stop.cancel();
    let options = BatchOptions {
        stop,
        ..Default::default()
    };
    let out = e.score_all(inputs(9), options).unwrap();
    assert_eq!(out.len(), 9);
    assert!(out.iter().all(|r| r.status == Status::Timeout));
    assert_eq!(out[8].id, json!(8));
    assert_eq!(out[0].error.as_deref(), Some(plaudit_core::CANCELLED));
}

/// A store whose writes fail after `ok` of them.
struct Failing {
    ok: usize,
    puts: AtomicUsize,
}
impl Store for Failing {
    fn get(&self, _ns: &str, _key: &str) -> Result<Option<Value>, String> {
        Ok(None)
    }
    fn put(&self, _ns: &str, _entries: Vec<(String, Value)>) -> Result<(), String> {
        if self.puts.fetch_add(1, Ordering::SeqCst) >= self.ok {
            Err("disk full".into())
        } else {
            Ok(())
        }
    }
}

#[test]
fn the_state_is_committed_once_after_the_batch_in_input_order() {
    // A streaming spec (results go out per chunk) and one that holds them for the group stage.
    for spec in [&specs()[0], &specs()[1]] {
        let store = Arc::new(plaudit_core::MemoryStore::new());
        let e = Engine::with_store(Spec::from_value(spec, &registry()).unwrap(), store.clone());
        let ns = e.spec().fallback.as_ref().unwrap().components[0]
            .namespace
            .clone();
        let first = chunked(
            e.batch::<ScoreResult>(BatchOptions::default()),
            inputs(9),
            2,
        );
        // Every sample of the batch read the state as it was before it: empty.
        assert!(first
            .iter()
            .filter(|r| r.status == Status::Ok)
            .all(|r| r.details == Some(json!({"v": {"seen": 0}}))));
        // Committed once, in input order: samples 0..9 without the non-number (4) and the
        // invalid line (6).
        let once = json!([0.0, 1.0, 2.0, 3.0, 1.0, 3.0, 0.0]);
        assert_eq!(store.get(&ns, "seen").unwrap(), Some(once), "{spec}");
        // The next batch reads the seven values, all of its samples alike.
        let second = chunked(
            e.batch::<ScoreResult>(BatchOptions::default()),
            inputs(3),
            1,
        );
        assert!(second
            .iter()
            .all(|r| r.details == Some(json!({"v": {"seen": 7}}))));
        assert_eq!(Num::seen(&*store, &ns).len(), 10);
    }
}

#[test]
fn a_state_that_cannot_be_saved_loses_no_result() {
    let spec = Spec::from_value(&specs()[1], &registry()).unwrap();
    let store = Arc::new(Failing {
        ok: 0,
        puts: AtomicUsize::new(0),
    });
    let e = Engine::with_store(spec, store.clone());
    let mut b = e.batch::<ScoreResult>(BatchOptions::default());
    for part in [inputs(4), inputs(6)] {
        assert!(b.push(part).is_empty());
    }
    let done = b.finish();
    assert_eq!(done.results.len(), 10);
    assert_eq!(
        done.state_error.as_deref(),
        Some("cannot update the state of component `v`: disk full")
    );
    assert_eq!(store.puts.load(Ordering::SeqCst), 1, "one commit per batch");
    // Streaming (no group stage): still one commit for a batch of three chunks.
    let spec = Spec::from_value(&specs()[0], &registry()).unwrap();
    let streaming = Arc::new(Failing {
        ok: 1,
        puts: AtomicUsize::new(0),
    });
    let s = Engine::with_store(spec, streaming.clone());
    let mut b = s.batch::<JsonLine>(BatchOptions::default());
    let given: usize = [inputs(3), inputs(3), inputs(3)]
        .into_iter()
        .map(|part| b.push(part).len())
        .sum();
    let done = b.finish();
    assert_eq!((given, done.results.len(), done.state_error), (9, 0, None));
    assert_eq!(streaming.puts.load(Ordering::SeqCst), 1);
    let err = e.score_batch(&inputs(10)).unwrap_err();
    assert_eq!(err.results.len(), 10);
    assert_eq!(
        err.to_string(),
        "cannot save state: cannot update the state of component `v`: disk full"
    );
}

#[test]
fn the_tally_counts_every_result_by_status() {
    let e = engine(specs()[0].clone());
    let mut b = e.batch::<JsonLine>(BatchOptions::default());
    b.push(inputs(14));
    let t = b.finish().tally;
    assert_eq!(t.n, 14);
    let counts: Vec<(Status, u64)> = t.nonzero().collect();
    // Invalid: 6, 13. No answer: 4, 9. Ok: the other ten.
    assert_eq!(
        counts,
        vec![
            (Status::Ok, 10),
            (Status::NoAnswer, 2),
            (Status::InvalidInput, 2)
        ]
    );
    // Rewards of the ok ones: i % 4 for i in 0,1,2,3,5,7,8,10,11,12.
    assert_eq!(
        t.reward_sum,
        0.0 + 1.0 + 2.0 + 3.0 + 1.0 + 3.0 + 0.0 + 2.0 + 3.0 + 0.0
    );
    assert_eq!(t.mean_reward(), Some(15.0 / 14.0));
}

#[test]
fn group_rewards_and_the_group_stage_give_the_values_worked_by_hand() {
    // One group of three: v = 1, 2, 6; c = v − mean(v) = −2, −1, 3; reward v + c = −1, 1, 9;
    // RLOO: (r − mean(r)) · n/(n − 1) with mean 3: −6, −3, 9.
    let e = engine(specs()[3].clone());
    let three: Vec<Input> = ["1", "2", "6"]
        .iter()
        .map(|r| Input::from_value(json!({"group": "g", "response": r})))
        .collect();
    let out = chunked(e.batch::<ScoreResult>(BatchOptions::default()), three, 1);
    let rewards: Vec<f64> = out.iter().map(|r| r.reward).collect();
    let adv: Vec<f64> = out.iter().map(|r| r.advantage.unwrap()).collect();
    assert_eq!(rewards, [-1.0, 1.0, 9.0]);
    assert_eq!(adv, [-6.0, -3.0, 9.0]);
    assert_eq!(out[0].components["c"], -2.0);

    // Two groups interleaved, pushed one sample at a time: Dr. GRPO's r − mean per group.
    let e = engine(json!({"components": {"v": "num"}, "group": {"advantage": "dr_grpo"}}));
    let mixed: Vec<Input> = [("a", "1"), ("b", "0"), ("a", "3"), ("b", "4"), ("c", "5")]
        .iter()
        .map(|(g, r)| Input::from_value(json!({"group": g, "response": r})))
        .collect();
    for chunk in [1, 2, 5] {
        let out = chunked(
            e.batch::<JsonLine>(BatchOptions::default()),
            mixed.clone(),
            chunk,
        );
        let adv: Vec<f64> = out
            .iter()
            .map(|l| {
                serde_json::from_slice::<Value>(&l.0).unwrap()["advantage"]
                    .as_f64()
                    .unwrap()
            })
            .collect();
        assert_eq!(adv, [-1.0, -2.0, 1.0, 2.0, 0.0], "chunks of {chunk}");
    }
}

#[test]
fn a_split_batch_with_group_rewards_on_the_blocking_route_joins_back_in_order() {
    let routes = json!({
        "cpu": {"components": {"v": "num"}},
        "waits": {"components": {"v": "waits", "c": "centred"}, "reward": "v + c"}
    });
    let spec =
        json!({"components": {"v": "num"}, "routes": routes, "group": {"advantage": "dr_grpo"}});
    let whole = engine(spec.clone()).score_batch(&inputs(30)).unwrap();
    let e = engine(spec);
    let mut b = e.batch::<ScoreResult>(BatchOptions::default());
    let split = b.split(inputs(30));
    let cpu = b.scorer().score(&split.cpu);
    let blocking = b.scorer().score(&split.blocking);
    let (keys, results) = split.join.join(cpu, blocking, Vec::new());
    let mut got = b.accept(keys, results);
    got.extend(b.finish().results);
    assert_eq!(got, whole);
    // A group reward sees the members of its group on its route: g0 ∩ waits = {1}, so c = 0;
    // g1 ∩ waits = {3, 5} with responses 3 and 1 (mean 2): c = 1, −1.
    assert_eq!(got[1].components["c"], 0.0);
    assert_eq!(
        (got[3].components["c"], got[5].components["c"]),
        (1.0, -1.0)
    );
}

#[test]
#[should_panic(expected = "Batch::accept after Batch::push with group rewards")]
fn accepting_results_while_inputs_wait_for_their_groups_is_refused() {
    let e = engine(specs()[3].clone());
    let mut b = e.batch::<ScoreResult>(BatchOptions::default());
    b.push(inputs(3));
    let more = inputs(2);
    let results = b.scorer().score(&more);
    b.accept(vec![None, None], results);
}

#[test]
fn a_stopped_batch_with_group_rewards_answers_every_input() {
    let e = engine(specs()[3].clone());
    let stop = Stop::never();
    stop.cancel();
    let mut b = e.batch::<ScoreResult>(BatchOptions {
        stop,
        ..Default::default()
    });
    assert!(b.push(inputs(5)).is_empty());
    assert!(b.push(inputs(4)).is_empty());
    let out = b.finish().results;
    assert_eq!(out.len(), 9);
    assert!(out.iter().all(|r| r.status == Status::Timeout));
    assert_eq!(out[3].error.as_deref(), Some(plaudit_core::CANCELLED));
}

#[test]
fn the_io_stage_awaits_the_calls_of_a_batch_together_on_every_path() {
    // Route `ask` judges (I/O), route `cpu` computes; `c` is a per-sample component reading the
    // judged value, after it.
    let spec = json!({
        "components": {"v": "num"},
        "routes": {"ask": {"components": {"j": "asks", "v": "num"}, "reward": "j + v"}},
        "group": {"advantage": "dr_grpo"}
    });
    let inputs = || -> Vec<Input> {
        (0..2 * IN_FLIGHT)
            .map(|i| {
                let task = if i % 2 == 0 { "ask" } else { "cpu" };
                Input::from_value(
                    json!({"id": i, "group": "g", "task": task, "response": (i % 5).to_string()}),
                )
            })
            .collect()
    };
    let e = engine(spec.clone());
    // The synchronous path (CLI, Python): the I/O samples are awaited together on one thread.
    STARTED.store(0, Ordering::SeqCst);
    let sync = e.score_batch(&inputs()).unwrap();
    assert!(
        ALL_IN_FLIGHT.load(Ordering::SeqCst),
        "the calls were not in flight together"
    );
    assert_eq!(STARTED.load(Ordering::SeqCst), IN_FLIGHT);
    // id 2: response "2": j = 200, v = 2; id 1 (cpu route): v = 1.
    assert_eq!((sync[2].reward, sync[2].components["j"]), (202.0, 200.0));
    assert_eq!(sync[1].reward, 1.0);
    assert_eq!(sync.len(), 2 * IN_FLIGHT);
    // The async path (the server): the I/O part as a future, joined with the CPU part (a fresh
    // engine: its state as the first one's was).
    STARTED.store(0, Ordering::SeqCst);
    let e = engine(spec);
    let mut b = e.batch::<ScoreResult>(BatchOptions::default());
    let split = b.split(inputs());
    assert_eq!(
        (split.io.len(), split.cpu.len(), split.blocking.len()),
        (IN_FLIGHT, IN_FLIGHT, 0)
    );
    let cpu = b.scorer().score(&split.cpu);
    let io = futures_executor::block_on(b.scorer().score_io(split.io));
    let (keys, results) = split.join.join(cpu, Vec::new(), io);
    let mut got = b.accept(keys, results);
    got.extend(b.finish().results);
    assert!(ALL_IN_FLIGHT.load(Ordering::SeqCst));
    assert_eq!(got, sync);
    // One sample alone (`score_input`) is awaited on the calling thread.
    let one = e.score_input(&Input::from_value(json!({"task": "ask", "response": "3"})));
    assert_eq!(one.components["j"], 300.0);
    // A panic while the future is polled is that sample's error.
    let p = e.score_input(&Input::from_value(
        json!({"task": "ask", "response": "panic"}),
    ));
    assert_eq!(p.status, Status::Error);
    let msg = p.error.unwrap();
    assert!(
        msg.starts_with("component `j` (asks): internal error (panic: the judge fell over at crates/plaudit-core/tests/batch.rs:"),
        "{msg}"
    );
}

#[test]
fn an_empty_batch_has_no_results_and_no_mean() {
    let e = engine(specs()[1].clone());
    let done = e.batch::<ScoreResult>(BatchOptions::default()).finish();
    assert!(done.results.is_empty());
    assert_eq!((done.tally.n, done.tally.mean_reward()), (0, None));
    assert_eq!(done.tally.nonzero().count(), 0);
}

#[test]
fn json_values_are_scored_as_inputs() {
    let e = engine(specs()[0].clone());
    let out = e
        .score_values(vec![json!({"id": "a", "response": "2"}), json!(7)])
        .unwrap();
    assert_eq!(out.len(), 2);
    assert_eq!((out[0].id.clone(), out[0].reward), (json!("a"), 2.0));
    assert_eq!(out[1].status, Status::InvalidInput);
}
