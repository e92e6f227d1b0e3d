//! `when:` conditions on components (the reward is called only where the condition holds; elsewhere
//! the component takes `otherwise`), and group rewards that do I/O (their groups awaited together).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use plaudit_core::{
    score_alone, BoxFuture, Ctx, Engine, GroupCtx, Input, Member, Outcome, Params, Registry,
    Reward, RewardInfo, Sample, Scope, Score, Spec, Status,
};
use serde_json::{json, Value};

mod common;
use common::Num;

/// Every call of [`Costly`] and [`GroupAsk`], by response: what was called, and what was not.
static CALLS: Mutex<Vec<String>> = Mutex::new(Vec::new());

fn calls_with(tag: &str) -> Vec<String> {
    let mut v: Vec<String> = CALLS
        .lock()
        .unwrap()
        .iter()
        .filter(|c| c.starts_with(tag))
        .cloned()
        .collect();
    v.sort();
    v
}

/// A "costly" per-sample reward (a judge call): records the call, gives the response's length.
struct Costly;
impl Reward for Costly {
    fn score(&self, s: &Sample, _cx: &Ctx) -> Outcome {
        CALLS.lock().unwrap().push(format!("costly:{}", s.response));
        Ok(Score::new(s.response.len() as f64))
    }
}

/// Group reward: each member's rank (0-based) by response length within the members it is
/// given, recorded as one call per group.
struct Rank;
impl Reward for Rank {
    fn score(&self, s: &Sample, cx: &Ctx) -> Outcome {
        score_alone(self, s, cx)
    }
    fn scope(&self) -> Scope {
        Scope::Group
    }
    fn score_group(&self, members: &[Member], _cx: &GroupCtx) -> Vec<Outcome> {
        let names: Vec<&str> = members.iter().map(|m| m.sample.response.as_str()).collect();
        CALLS
            .lock()
            .unwrap()
            .push(format!("rank:{}", names.join(",")));
        members
            .iter()
            .map(|m| {
                let l = m.sample.response.len();
                Ok(Score::new(
                    members
                        .iter()
                        .filter(|o| o.sample.response.len() < l)
                        .count() as f64,
                ))
            })
            .collect()
    }
}

/// Group calls of [`GroupAsk`] started and not yet answered, and the most at once.
static IN_FLIGHT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
/// Groups in the I/O test's batch: each call answers once all of them have started.
const GROUPS: usize = 6;

/// An I/O group reward ("one judge call per group"): answers each member's number + the group's
/// size once [`GROUPS`] calls are in flight at once (or after 10 s, a bound far above the need,
/// then answering -1 so the test fails): the groups are awaited together, not one after another.
struct GroupAsk;
impl Reward for GroupAsk {
    fn score(&self, s: &Sample, cx: &Ctx) -> Outcome {
        score_alone(self, s, cx)
    }
    fn scope(&self) -> Scope {
        Scope::Group
    }
    fn io(&self) -> bool {
        true
    }
    fn score_group(&self, _members: &[Member], _cx: &GroupCtx) -> Vec<Outcome> {
        unreachable!("an I/O group reward is scored through score_group_io")
    }
    fn score_group_io<'a>(
        &'a self,
        members: &'a [Member<'a>],
        _cx: &'a GroupCtx<'a>,
    ) -> BoxFuture<'a, Vec<Outcome>> {
        if members.iter().any(|m| m.sample.response == "panic") {
            return Box::pin(async { panic!("the group judge fell over") });
        }
        let n = members.len() as f64;
        let vals: Vec<f64> = members
            .iter()
            .map(|m| m.sample.response.parse().unwrap_or(0.0))
            .collect();
        let done: Arc<Mutex<(bool, Option<std::task::Waker>)>> = Default::default();
        let mut started = false;
        Box::pin(std::future::poll_fn(move |cx| {
            if !started {
                started = true;
                let now = IN_FLIGHT.fetch_add(1, Ordering::SeqCst) + 1;
                PEAK.fetch_max(now, Ordering::SeqCst);
                let done = done.clone();
                std::thread::spawn(move || {
                    let t = std::time::Instant::now();
                    while PEAK.load(Ordering::SeqCst) < GROUPS
                        && t.elapsed() < std::time::Duration::from_secs(10)
                    {
                        std::thread::sleep(std::time::Duration::from_millis(1));
                    }
                    let mut g = done.lock().unwrap();
                    g.0 = true;
                    if let Some(w) = g.1.take() {
                        w.wake();
                    }
                });
            }
            let mut g = done.lock().unwrap();
            if g.0 {
                IN_FLIGHT.fetch_sub(1, Ordering::SeqCst);
                let ok = PEAK.load(Ordering::SeqCst) >= GROUPS;
                std::task::Poll::Ready(
                    vals.iter()
                        .map(|v| Ok(Score::new(if ok { v + n } else { -1.0 })))
                        .collect(),
                )
            } else {
                g.1 = Some(cx.waker().clone());
                std::task::Poll::Pending
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
        ("costly", |_: &Params| {
            Ok(Arc::new(Costly) as Arc<dyn Reward>)
        }),
        ("rank", |_: &Params| Ok(Arc::new(Rank) as Arc<dyn Reward>)),
        ("group_ask", |_: &Params| {
            Ok(Arc::new(GroupAsk) as Arc<dyn Reward>)
        }),
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

fn spec_errors(spec: Value) -> String {
    match Spec::from_value(&spec, &registry()) {
        Ok(_) => panic!("{spec} compiles"),
        Err(e) => e.to_string(),
    }
}

fn inputs(samples: &[(&str, &str)]) -> Vec<Input> {
    samples
        .iter()
        .enumerate()
        .map(|(i, (group, response))| {
            Input::from_value(json!({"id": i, "group": group, "response": response}))
        })
        .collect()
}

#[test]
fn a_component_is_called_only_where_its_condition_holds() {
    let e = engine(json!({
        "components": {
            "n": "num",
            "c": {"reward": "costly", "when": "n > 1", "otherwise": -0.5},
        },
        "reward": "n + c",
    }));
    let rs = e
        .score_batch(&inputs(&[("a", "2"), ("a", "1"), ("a", "30"), ("a", "x")]))
        .unwrap();
    // "2": called (length 1); "1": not called, otherwise -0.5; "30": called (length 2); "x": `n`
    // failed, so `c` has no input and is not called either.
    assert_eq!(
        rs.iter().map(|r| r.reward).collect::<Vec<_>>(),
        [3.0, 0.5, 32.0, 0.0]
    );
    assert_eq!(rs[1].components["c"], -0.5);
    assert_eq!(
        rs[1].details.as_ref().unwrap()["c"],
        json!({"skipped": "when: n > 1"})
    );
    assert_eq!(rs[0].details, None);
    assert_eq!(rs[3].status, Status::NoAnswer);
    assert!(
        !rs[3].components.contains_key("c"),
        "{:?}",
        rs[3].components
    );
    assert_eq!(calls_with("costly:"), ["costly:2", "costly:30"]);
    // The resolved spec says the condition and the value.
    assert_eq!(
        e.spec().resolved["components"]["c"],
        json!({"reward": "costly", "params": {}, "when": "n > 1", "otherwise": -0.5})
    );
}

#[test]
fn a_group_component_sees_only_the_members_where_its_condition_holds() {
    let e = engine(json!({
        "components": {
            "n": "num",
            "r": {"reward": "rank", "when": "n >= 10"},
        },
        "reward": "r",
    }));
    let rs = e
        .score_batch(&inputs(&[
            ("g", "10"),
            ("g", "5"),
            ("g", "1000"),
            ("g", "100"),
            ("h", "1"),
            ("h", "2"),
        ]))
        .unwrap();
    // Group g: ranked among 10, 1000, 100 (5 takes 0); group h: no member qualifies, no call.
    assert_eq!(
        rs.iter().map(|r| r.reward).collect::<Vec<_>>(),
        [0.0, 0.0, 2.0, 1.0, 0.0, 0.0]
    );
    assert_eq!(
        rs[1].details.as_ref().unwrap()["r"],
        json!({"skipped": "when: n >= 10"})
    );
    assert_eq!(calls_with("rank:"), ["rank:10,1000,100"]);
}

#[test]
fn conditions_are_checked_when_the_spec_compiles() {
    assert_eq!(
        spec_errors(
            json!({"components": {"n": "num", "c": {"reward": "costly", "when": "m > 0"}}, "reward": "c"})
        ),
        "components.c.when: unknown component `m` (components: n, c) at column 1\n    m > 0\n    ^"
    );
    assert_eq!(
        spec_errors(
            json!({"components": {"n": "num", "c": {"reward": "costly", "when": "c > 0"}}, "reward": "c"})
        ),
        "components.c.when: `c > 0` reads the component itself; a condition reads other components"
    );
    assert_eq!(
        spec_errors(json!({"components": {"n": "num", "c": {"reward": "costly", "otherwise": 1}}, "reward": "c"})),
        "components.c.otherwise: given without `when` (the value a component takes where its `when:` condition does not hold)"
    );
    assert_eq!(
        spec_errors(
            json!({"components": {"n": "num", "c": {"reward": "costly", "when": "n > 0", "otherwise": "low"}}, "reward": "c"})
        ),
        "components.c.otherwise: expected a number, got a string"
    );
    assert_eq!(
        spec_errors(
            json!({"components": {"n": {"reward": "num", "when": "c > 0"}, "c": {"reward": "costly", "when": "n > 0"}}, "reward": "c"})
        ),
        "components: components read each other in a cycle: n → c → n"
    );
    // A per-sample component cannot wait for a group reward's value.
    assert!(spec_errors(json!({"components": {"r": "rank", "c": {"reward": "costly", "when": "r > 0"}}, "reward": "c"}))
        .contains("components.c: reads `r`, a group reward (rank)"));
}

#[test]
fn group_rewards_that_do_io_are_awaited_together_with_the_group_stage_after() {
    let e = engine(json!({
        "components": {"n": "num", "a": "group_ask"},
        "reward": "a",
        "group": {"advantage": "grpo"},
    }));
    let mut samples = Vec::new();
    for g in 0..GROUPS {
        for m in 0..2 {
            samples.push((format!("g{g}"), format!("{}", g * 10 + m)));
        }
    }
    let refs: Vec<(&str, &str)> = samples
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let rs = e.score_batch(&inputs(&refs)).unwrap();
    // Each member: its number + the group's size (2), computed only when all groups were in
    // flight at once; advantages within each group of two are ∓1/√2 (GRPO: (r − mean) / (std + 1e-6), std with n − 1).
    let want: Vec<f64> = (0..GROUPS)
        .flat_map(|g| [g as f64 * 10.0 + 2.0, g as f64 * 10.0 + 3.0])
        .collect();
    assert_eq!(rs.iter().map(|r| r.reward).collect::<Vec<_>>(), want);
    assert_eq!(PEAK.load(Ordering::SeqCst), GROUPS);
    for pair in rs.chunks(2) {
        let (a, b) = (pair[0].advantage.unwrap(), pair[1].advantage.unwrap());
        assert!((a + std::f64::consts::FRAC_1_SQRT_2).abs() < 1e-5, "{a}");
        assert!((b - std::f64::consts::FRAC_1_SQRT_2).abs() < 1e-5, "{b}");
    }
    // A panic while the group's future is polled is that group's error, not the batch's.
    let e = engine(json!({"components": {"a": "group_ask"}}));
    let rs = e
        .score_batch(&inputs(&[("p", "panic"), ("p", "1"), ("q", "x")]))
        .unwrap();
    assert_eq!(rs[0].status, Status::Error);
    assert!(
        rs[0].error.as_deref().unwrap().starts_with(
            "component `a` (group_ask): internal error (panic: the group judge fell over"
        ),
        "{:?}",
        rs[0].error
    );
    assert_eq!(rs[1].status, Status::Error);
    assert_eq!((rs[2].status, rs[2].reward), (Status::Ok, 1.0));
}
