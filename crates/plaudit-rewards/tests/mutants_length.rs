//! The length family against values worked out by hand from each reward's documentation, for
//! what its examples leave open (found by the mutation run over `src/length/`, docs/MUTANTS.md):
//! `adaptive_target_length`'s three statistics and its moving average with a momentum other than
//! ½, its kernel width and its cold start.

use std::sync::Arc;

use plaudit_core::{Ctx, Deadline, MemoryStore, Params, Reward, Sample, Store};
use serde_json::{json, Value};

use plaudit_rewards::length::adaptive_target_length;

fn adaptive(params: Value) -> Arc<dyn Reward> {
    let info = adaptive_target_length::INFO;
    (info.build)(&Params::from_json(info.params, &params, &["correct"]).unwrap()).unwrap()
}

/// A sample of problem `group` (the `key: group` identity) with `tokens` tokens.
fn sample(group: &str, tokens: u64) -> Sample {
    Sample {
        group: Some(group.into()),
        tokens: Some(tokens),
        ..Sample::new("…", Value::Null)
    }
}

fn obs(k: &str, l: f64) -> Value {
    json!({"k": k, "l": l})
}

/// The batch statistic S of a problem's correct lengths 100, 200, 300, 1000 is their mean 400,
/// their median (200 + 300)/2 = 250 (an even count: the mean of the two middle values), or their
/// minimum 100; the first update sets T_p = S.
#[test]
fn adaptive_target_length_statistics_set_the_first_target() {
    for (statistic, want) in [("mean", 400.0), ("median", 250.0), ("min", 100.0)] {
        let r = adaptive(json!({"key": "group", "statistic": statistic}));
        let store = MemoryStore::new();
        let batch = [
            obs("p", 300.0),
            obs("p", 100.0),
            obs("p", 1000.0),
            obs("p", 200.0),
        ];
        r.update(&batch, &store, "ns").unwrap();
        assert_eq!(
            store.get("ns", "p").unwrap(),
            Some(json!({"target": want, "updates": 1})),
            "{statistic}"
        );
    }
}

/// T_p ← (1 − momentum)·T_p + momentum·S: with momentum 0.25, T_p = 200 and S = 100 give
/// 0.75·200 + 0.25·100 = 175, and the entry counts one more update.
#[test]
fn adaptive_target_length_moves_by_its_momentum() {
    let r = adaptive(json!({"key": "group", "momentum": 0.25}));
    let store = MemoryStore::new();
    store
        .put(
            "ns",
            vec![("p".into(), json!({"target": 200.0, "updates": 2}))],
        )
        .unwrap();
    r.update(&[obs("p", 100.0)], &store, "ns").unwrap();
    assert_eq!(
        store.get("ns", "p").unwrap(),
        Some(json!({"target": 175.0, "updates": 3}))
    );
}

/// A statistic that is not a positive length (a batch of empty responses) leaves the target as
/// it was: no division by a zero target later.
#[test]
fn adaptive_target_length_ignores_a_zero_statistic() {
    let r = adaptive(json!({"key": "group"}));
    let store = MemoryStore::new();
    store
        .put(
            "ns",
            vec![("p".into(), json!({"target": 80.0, "updates": 1}))],
        )
        .unwrap();
    r.update(&[obs("p", 0.0), obs("q", 0.0)], &store, "ns")
        .unwrap();
    assert_eq!(
        store.get("ns", "p").unwrap(),
        Some(json!({"target": 80.0, "updates": 1}))
    );
    assert_eq!(store.get("ns", "q").unwrap(), None);
}

/// r = max(0, 1 − |L − T|/(width·T)): with width 0.5 and T = 100, L = 120 gives 0.6, L = 70
/// gives 0.4 and L = 160 (past the kernel) gives 0. A stored target that is not positive is no
/// target: `cold_value`. Only a correct sample is observed (its key and length).
#[test]
fn adaptive_target_length_kernel_width_and_cold_start() {
    let r = adaptive(json!({"key": "group", "width": 0.5, "cold_value": 0.3}));
    let store = MemoryStore::new();
    store
        .put(
            "ns",
            vec![
                ("p".into(), json!({"target": 100.0})),
                ("zero".into(), json!({"target": 0.0})),
            ],
        )
        .unwrap();
    let d = Deadline::none();
    let right = [Some(1.0)];
    let wrong = [Some(0.0)];
    let score = |s: &Sample, values: &[Option<f64>]| {
        r.score(s, &Ctx::with_state(&d, values, &store, "ns"))
            .unwrap()
    };
    let out = score(&sample("p", 120), &right);
    assert!((out.value - 0.6).abs() < 1e-12, "{}", out.value);
    assert_eq!(out.details, Some(json!({"target": 100.0})));
    assert_eq!(out.observation, Some(obs("p", 120.0)));
    assert!((score(&sample("p", 70), &right).value - 0.4).abs() < 1e-12);
    assert_eq!(score(&sample("p", 160), &right).value, 0.0);
    let cold = score(&sample("zero", 50), &right);
    assert_eq!(
        (cold.value, cold.details),
        (0.3, Some(json!({"target": null})))
    );
    let miss = score(&sample("p", 100), &wrong);
    assert_eq!((miss.value, miss.observation), (0.0, None));
}

fn build(info: plaudit_core::RewardInfo, params: Value) -> Arc<dyn Reward> {
    (info.build)(&Params::from_json(info.params, &params, &["correct"]).unwrap()).unwrap()
}

/// `laser_length` pays α only to a correct answer, and a correctness equal to `threshold` is
/// correct ("the correctness value at or above which a sample is correct").
#[test]
fn laser_length_counts_a_correctness_at_the_threshold_as_correct() {
    let r = build(
        plaudit_rewards::length::laser_length::INFO,
        json!({"target": 100}),
    );
    let d = Deadline::none();
    let s = sample("p", 80);
    for (correct, want) in [(0.5, 0.5), (0.49, 0.0)] {
        let values = [Some(correct)];
        assert_eq!(
            r.score(&s, &Ctx::new(&d, &values)).unwrap().value,
            want,
            "{correct}"
        );
    }
}

/// `buffer` may be as long as `max_len` ("between 1 and max_len"): the ramp then starts at
/// length 0, so 5 tokens of a 10-token budget cost half the penalty.
#[test]
fn soft_overlong_penalty_takes_a_buffer_as_long_as_max_len() {
    let r = build(
        plaudit_rewards::length::soft_overlong_penalty::INFO,
        json!({"max_len": 10, "buffer": 10}),
    );
    let d = Deadline::none();
    let out = r.score(&sample("p", 5), &Ctx::new(&d, &[])).unwrap();
    assert_eq!(out.value, -0.5);
}
