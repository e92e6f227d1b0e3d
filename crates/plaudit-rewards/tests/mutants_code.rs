//! The code family's sandbox settings and rewards against values worked out from their
//! documentation, for what the examples and tests/code.rs leave open (found by the mutation run
//! over `src/code/`, docs/MUTANTS.md). The programs run in the sandbox, as in tests/code.rs.

mod common;

use common::{build_error, details, one, reward, status, value};
use plaudit_core::{Status, Store};
use serde_json::{json, Value};

const CODE_REWARDS: [&str; 4] = [
    "code_pass",
    "code_pass_rate",
    "code_efficiency",
    "code_verpo",
];

fn python(body: &str) -> String {
    format!("```python\n{body}\n```")
}

/// A response defining `f()` = 1 after running `pre` (at call time), and a reference testing it.
fn sample_f(pre: &str, reference: Value) -> Value {
    json!({
        "response": python(&format!("def f():\n    {pre}\n    return 1")),
        "reference": reference,
    })
}

/// Every code reward refuses a `max_time_limit_ms` below its `time_limit_ms`, and takes one
/// equal to it.
#[test]
fn code_rewards_refuse_a_max_time_limit_below_the_time_limit() {
    for name in CODE_REWARDS {
        assert_eq!(
            build_error(
                name,
                json!({"time_limit_ms": 2000, "max_time_limit_ms": 1999})
            ),
            "`max_time_limit_ms` (1999) is below `time_limit_ms` (2000)"
        );
        reward(
            name,
            json!({"time_limit_ms": 2000, "max_time_limit_ms": 2000}),
            &[],
        );
    }
}

/// Every code reward refuses a `max_memory_mb` below its `memory_mb`, and takes one equal to it.
#[test]
fn code_rewards_refuse_a_max_memory_below_the_memory_limit() {
    for name in CODE_REWARDS {
        assert_eq!(
            build_error(name, json!({"memory_mb": 512, "max_memory_mb": 511})),
            "`max_memory_mb` (511) is below `memory_mb` (512)"
        );
        reward(name, json!({"memory_mb": 512, "max_memory_mb": 512}), &[]);
    }
}

/// Every code reward waits on sandboxed runs, so fronts score it on their blocking pool.
#[test]
fn code_rewards_are_blocking() {
    for name in CODE_REWARDS {
        assert!(reward(name, json!({}), &[]).blocking(), "{name}");
    }
}

/// `time_limit_ms` is the per-test limit: a test that sleeps 1 s times out under 300 ms (it
/// passes under the default 5000 ms, five times the sleep: room for a loaded machine).
#[test]
fn code_pass_rate_applies_its_time_limit() {
    let s = sample_f(
        "import time; time.sleep(1)",
        json!({"tests": ["assert f() == 1"]}),
    );
    let o = one("code_pass_rate", json!({"time_limit_ms": 300}), s.clone());
    assert_eq!(value(&o), 0.0);
    assert_eq!(details(&o)["verdicts"], json!(["timeout"]));
    assert_eq!(value(&one("code_pass_rate", json!({}), s)), 1.0);
}

/// `memory_mb` is the memory limit: allocating 600 MB is a `memory` verdict under 128 MB (it
/// passes under the default 1024 MB).
#[test]
fn code_pass_rate_applies_its_memory_limit() {
    let s = sample_f(
        "x = bytearray(600 * 2**20); x[-1] = 1",
        json!({"tests": ["assert f() == 1"]}),
    );
    let o = one("code_pass_rate", json!({"memory_mb": 128}), s.clone());
    assert_eq!(value(&o), 0.0);
    assert_eq!(details(&o)["verdicts"], json!(["memory"]));
    assert_eq!(value(&one("code_pass_rate", json!({}), s)), 1.0);
}

/// A reference may not ask for more time, memory or tests than `max_time_limit_ms`,
/// `max_memory_mb` and `max_tests` allow: `invalid_input`, where the defaults would run it.
#[test]
fn code_pass_rate_bounds_what_a_reference_asks_for() {
    let tests = json!(["assert f() == 1", "assert f() == 1", "assert f() == 1"]);
    let cases = [
        (
            json!({"time_limit_ms": 1000, "max_time_limit_ms": 2000}),
            json!({"tests": tests, "time_limit_ms": 3000}),
        ),
        (
            json!({"memory_mb": 256, "max_memory_mb": 512}),
            json!({"tests": tests, "memory_mb": 1024}),
        ),
        (json!({"max_tests": 2}), json!({"tests": tests})),
    ];
    for (params, reference) in cases {
        let s = sample_f("pass", reference);
        let o = one("code_pass_rate", params.clone(), s.clone());
        assert_eq!(status(&o), Status::InvalidInput, "{params}");
        assert_eq!(value(&one("code_pass_rate", json!({}), s)), 1.0);
    }
}

/// `measure: wall` compares wall-clock milliseconds: a test that sleeps 2 s takes at least
/// 2000 of them, and the value is (T_ref + floor_ms) / (T + floor_ms) of the `runtime_ms`
/// reported. The default `cpu` counts the CPU time, which the sleep does not add to.
#[test]
fn code_efficiency_measures_wall_or_cpu_time() {
    let s = sample_f(
        "import time; time.sleep(2)",
        json!({"tests": ["assert f() == 1"], "reference_runtime_ms": 1000}),
    );
    let o = one(
        "code_efficiency",
        json!({"measure": "wall", "floor_ms": 1.0}),
        s.clone(),
    );
    let t = details(&o)["runtime_ms"].as_f64().unwrap();
    assert!(t >= 2000.0, "{t}");
    assert_eq!(details(&o)["reference_runtime_ms"], 1000.0);
    assert_eq!(value(&o), 1001.0 / (t + 1.0));
    let o = one("code_efficiency", json!({}), s);
    let t = details(&o)["runtime_ms"].as_f64().unwrap();
    assert!(t < 2000.0, "{t}");
    assert_eq!(value(&o), (1001.0 / (t + 1.0)).min(2.0));
}

/// `code_verpo` keys a problem by its prompt by default and by its group with `key: group`:
/// a sample without the key it needs is `invalid_input`, before any code runs.
#[test]
fn code_verpo_needs_the_key_it_is_told_to_use() {
    let with = |prompt: &str, group: Option<&str>| {
        let mut s = sample_f("pass", json!({"tests": ["assert f() == 1"]}));
        s["prompt"] = json!(prompt);
        if let Some(g) = group {
            s["group"] = json!(g);
        }
        s
    };
    let o = one("code_verpo", json!({}), with("", Some("g")));
    assert_eq!(status(&o), Status::InvalidInput);
    assert!(o.unwrap_err().message.contains("no `prompt`"));
    let o = one(
        "code_verpo",
        json!({"key": "group"}),
        with("Write f.", None),
    );
    assert_eq!(status(&o), Status::InvalidInput);
    assert!(o.unwrap_err().message.contains("no `group`"));
    assert_eq!(
        value(&one(
            "code_verpo",
            json!({"key": "group"}),
            with("", Some("g"))
        )),
        1.0
    );
}

/// `code_pass` (by default) and `code_efficiency` stop at the first test that fails: the rest
/// are skipped; `code_pass_rate` runs them all.
#[test]
fn code_rewards_stop_at_the_first_failure_where_documented() {
    let s = sample_f(
        "pass",
        json!({"tests": ["assert f() == 2", "assert f() == 1"], "reference_runtime_ms": 5}),
    );
    for name in ["code_pass", "code_efficiency"] {
        let o = one(name, json!({}), s.clone());
        assert_eq!(value(&o), 0.0);
        assert_eq!(
            details(&o)["verdicts"],
            json!(["wrong_answer", "skipped"]),
            "{name}"
        );
    }
    let o = one("code_pass_rate", json!({}), s);
    assert_eq!(value(&o), 0.5);
    assert_eq!(details(&o)["verdicts"], json!(["wrong_answer", "passed"]));
}

/// A `code_verpo` sample for `f(x) = body` against three tests (`x` fails the third,
/// f(3) == 9; `x * x` passes them all), scored with the statistics `stored` under its prompt's
/// key.
fn verpo(params: Value, stored: Option<Value>, body: &str) -> plaudit_core::Outcome {
    let store = plaudit_core::MemoryStore::new();
    let prompt = "Write f(x), the square of x.";
    if let Some(v) = stored {
        store
            .put("ns", vec![(plaudit_core::state::text_key(prompt), v)])
            .unwrap();
    }
    let s = common::sample(json!({
        "prompt": prompt,
        "response": python(&format!("def f(x):\n    return {body}")),
        "reference": {"tests": ["assert f(0) == 0", "assert f(1) == 1", "assert f(3) == 9"]},
    }));
    let d = plaudit_core::Deadline::none();
    reward("code_verpo", params, &[])
        .score(&s, &plaudit_core::Ctx::with_state(&d, &[], &store, "ns"))
}

/// Each test's weight is 1 − (passes + prior/2) / (runs + prior) from the stored counts; the
/// dense term is the weight of the passed tests over the total; gated, a failing sample scores
/// λ·dense and a passing one 1; `combine: sum` adds λ·dense to the outcome (0 or 1).
#[test]
fn code_verpo_weighs_tests_by_their_stored_pass_rates() {
    let stored = json!({"runs": [8.0, 8.0, 0.0], "passes": [8.0, 0.0, 0.0]});
    let w: Vec<f64> = [(8.0, 8.0), (8.0, 0.0), (0.0, 0.0)]
        .iter()
        .map(|(r, p)| 1.0 - (p + 2.0 / 2.0) / (r + 2.0))
        .collect();
    let dense = (w[0] + w[1]) / (w[0] + w[1] + w[2]);
    let o = verpo(json!({"lambda": 0.5}), Some(stored.clone()), "x");
    assert_eq!(details(&o)["weights"], json!(w));
    assert_eq!(details(&o)["dense"], json!(dense));
    assert_eq!(details(&o)["outcome"], 0.0);
    assert_eq!(value(&o), 0.5 * dense);
    let o = verpo(
        json!({"lambda": 0.5, "combine": "sum"}),
        Some(stored.clone()),
        "x",
    );
    assert_eq!(value(&o), 0.5 * dense);
    let o = verpo(json!({"lambda": 0.5}), Some(stored.clone()), "x * x");
    assert_eq!((value(&o), details(&o)["dense"].as_f64()), (1.0, Some(1.0)));
    let o = verpo(
        json!({"lambda": 0.5, "combine": "sum"}),
        Some(stored),
        "x * x",
    );
    assert_eq!(value(&o), 1.5);
}

/// Stored counts that updates cannot produce (a negative count, even with no more passes than
/// runs; lists of another length than the tests) are not trusted: the problem starts afresh,
/// every weight 1/2, dense 2/3.
#[test]
fn code_verpo_distrusts_impossible_stored_counts() {
    for stored in [
        json!({"runs": [8.0, 8.0, -1.0], "passes": [8.0, 0.0, 0.0]}),
        json!({"runs": [8.0, 8.0, -1.0], "passes": [8.0, 0.0, -2.0]}),
        json!({"runs": [8.0, 8.0, 0.0], "passes": [8.0, 0.0]}),
        json!({"runs": [8.0, 8.0], "passes": [8.0, 0.0, 0.0]}),
    ] {
        let o = verpo(json!({"lambda": 1.0}), Some(stored.clone()), "x");
        assert_eq!(details(&o)["weights"], json!([0.5, 0.5, 0.5]), "{stored}");
        assert_eq!(value(&o), 2.0 / 3.0);
    }
}
