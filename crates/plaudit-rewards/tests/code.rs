//! The code family end to end through the engine: examples/code.jsonl under the default spec,
//! VeRPO's per-test weights learned across batches, and the efficiency reward with a measured
//! reference solution.

use plaudit_core::{Engine, Input, ScoreResult, Spec, Status};
use serde_json::{json, Value};

fn default_engine() -> Engine {
    let reg = plaudit_rewards::registry();
    Engine::new(plaudit_rewards::default_spec(&reg))
}

fn engine(spec: &str) -> Engine {
    let reg = plaudit_rewards::registry();
    Engine::new(Spec::from_text(spec, &reg).unwrap_or_else(|e| panic!("{e:?}")))
}

#[test]
fn examples_code_jsonl_under_the_default_spec() {
    let text = include_str!("../../../examples/code.jsonl");
    let inputs: Vec<Input> = text
        .lines()
        .enumerate()
        .map(|(i, l)| Input::from_line(l.as_bytes(), i + 1))
        .collect();
    let results = default_engine().score_batch(&inputs).unwrap();
    let got: Vec<(String, f64, Status)> = results
        .iter()
        .map(|r| (r.id.as_str().unwrap().to_string(), r.reward, r.status))
        .collect();
    let want = [
        ("he-ok", 1.0, Status::Ok),
        ("he-wrong", 0.0, Status::Ok),
        ("asserts-partial", 0.0, Status::Ok),
        ("stdio-ok", 1.0, Status::Ok),
        ("stdio-float", 1.0, Status::Ok),
        ("cpp-ok", 1.0, Status::Ok),
        ("cpp-compile-error", 0.0, Status::Ok),
        ("infinite-loop", 0.0, Status::Ok),
        ("exit-hack", 0.0, Status::Ok),
        ("cut-off-thinking", 0.0, Status::NoAnswer),
        ("bad-reference", 0.0, Status::InvalidInput),
    ];
    let want: Vec<(String, f64, Status)> = want
        .iter()
        .map(|(i, r, s)| (i.to_string(), *r, *s))
        .collect();
    assert_eq!(got, want, "{results:#?}");
    let verdicts = |r: &ScoreResult| r.details.as_ref().unwrap()["correct"]["verdicts"].clone();
    // code_pass stops at the first failure.
    assert_eq!(
        verdicts(&results[2]),
        json!(["passed", "passed", "wrong_answer"])
    );
    assert_eq!(verdicts(&results[6]), json!(["compile_error"]));
    assert_eq!(verdicts(&results[7]), json!(["timeout"]));
    assert_eq!(verdicts(&results[8]), json!(["runtime_error"]));
    assert_eq!(
        results[10].error.as_deref(),
        Some("component `correct` (code_pass): `reference.tests`: expected an array of strings, got a string")
    );
    // The two rollouts of `add` form a group: GRPO advantages of opposite signs.
    assert!(results[0].advantage.unwrap() > 0.0 && results[1].advantage.unwrap() < 0.0);
}

fn verpo_sample(id: usize, body: &str) -> Value {
    json!({
        "id": id,
        "group": "sq",
        "task": "code",
        "prompt": "Write sq(x), the square of x.",
        "response": format!("```python\ndef sq(x):\n    {body}\n```"),
        "reference": {"tests": ["assert sq(0) == 0", "assert sq(1) == 1", "assert sq(3) == 9"]}
    })
}

#[test]
fn verpo_weights_follow_pass_rates_across_batches() {
    let e = engine(
        "routes:\n  code:\n    components:\n      dense: {reward: code_verpo, params: {prior: 2.0, decay: 0.5, lambda: 1.0}}\n    timeout_ms: 30000\n",
    );
    // Batch 1: no statistics yet, every weight 1/2, so the dense term is the pass rate.
    // `return x` passes sq(0) and sq(1); `return 0` passes sq(0); `return x * x` passes all.
    let batch1 = vec![
        verpo_sample(0, "return x"),
        verpo_sample(1, "return 0"),
        verpo_sample(2, "return x * x"),
        verpo_sample(3, "return 0"),
    ];
    let r1 = e.score_values(batch1).unwrap();
    let values: Vec<f64> = r1.iter().map(|r| r.reward).collect();
    assert_eq!(values, vec![2.0 / 3.0, 1.0 / 3.0, 1.0, 1.0 / 3.0]);
    assert_eq!(
        r1[0].details.as_ref().unwrap()["dense"]["weights"],
        json!([0.5, 0.5, 0.5])
    );
    // After batch 1: test 0 passed 4/4, test 1 2/4, test 2 1/4 (decay only touches old counts).
    let w = |passes: f64, runs: f64| 1.0 - (passes + 1.0) / (runs + 2.0);
    let (w0, w1, w2) = (w(4.0, 4.0), w(2.0, 4.0), w(1.0, 4.0));
    let r2 = e
        .score_values(vec![
            verpo_sample(4, "return x"),
            verpo_sample(5, "return 0"),
        ])
        .unwrap();
    let weights: Vec<f64> = r2[0].details.as_ref().unwrap()["dense"]["weights"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect();
    assert_eq!(weights, vec![w0, w1, w2]);
    // The easy test 0 now weighs less than the hard test 2: `return 0`, which passes only test 0,
    // falls below its batch-1 value of 1/3.
    let close = |a: f64, b: f64| (a - b).abs() < 1e-12;
    assert!(
        close(r2[0].reward, (w0 + w1) / (w0 + w1 + w2)),
        "{}",
        r2[0].reward
    );
    assert!(close(r2[1].reward, w0 / (w0 + w1 + w2)), "{}", r2[1].reward);
    assert!(r2[1].reward < 1.0 / 3.0);
    // Batch 2 moved the counts again: n ← 0.5·n + batch.
    let store = e.store();
    let ns = &e.spec().routes["code"].components[0].namespace;
    assert_eq!(
        // Keyed by the prompt (the default `key`), hashed.
        store
            .get(
                ns,
                &plaudit_core::state::text_key("Write sq(x), the square of x.")
            )
            .unwrap(),
        Some(json!({"runs": [4.0, 4.0, 4.0], "passes": [4.0, 2.0, 0.5]}))
    );
}

#[test]
fn efficiency_against_a_measured_reference_solution() {
    let e = engine(
        "routes:\n  code:\n    components:\n      eff: {reward: code_efficiency, params: {measure: cpu, floor_ms: 1.0, cap: 100.0}}\n    timeout_ms: 60000\n",
    );
    let tests = json!(["assert count_primes(5000) == 669"]);
    let slow = "def count_primes(n):\n    return sum(1 for k in range(2, n) if all(k % d for d in range(2, k)))";
    let fast = "def count_primes(n):\n    s = bytearray([1]) * n\n    s[0:2] = b'\\x00\\x00'\n    for i in range(2, int(n ** 0.5) + 1):\n        if s[i]:\n            s[i*i::i] = bytearray(len(s[i*i::i]))\n    return sum(s)";
    let sample = |id: &str, code: &str, reference_solution: &str| {
        json!({"id": id, "task": "code", "response": format!("```python\n{code}\n```"),
               "reference": {"tests": tests, "reference_solution": reference_solution}})
    };
    let r = e
        .score_values(vec![
            sample("fast-vs-slow", fast, slow),
            sample("slow-vs-fast", slow, fast),
            sample("wrong", "def count_primes(n):\n    return 0", fast),
            sample("bad-ref", fast, "def count_primes(n):\n    return 1"),
        ])
        .unwrap();
    let d = |i: usize| r[i].details.as_ref().unwrap()["eff"].clone();
    assert_eq!(r[0].status, Status::Ok, "{:?}", r[0].error);
    // Measured times, so relations rather than values (the formula's values are the doc
    // examples' job): an O(n log log n) sieve against an O(n²) trial division is faster by two
    // orders of magnitude on any machine, so it scores above 1 and the reverse below 1.
    assert!(r[0].reward > 1.0, "{} {}", r[0].reward, d(0));
    assert!(r[1].reward < 1.0, "{} {}", r[1].reward, d(1));
    assert!(d(0)["runtime_ms"].as_f64().unwrap() < d(0)["reference_runtime_ms"].as_f64().unwrap());
    assert_eq!((r[2].reward, r[2].status), (0.0, Status::Ok));
    assert_eq!(r[3].status, Status::InvalidInput);
    assert!(
        r[3].error
            .as_deref()
            .unwrap()
            .contains("`reference.reference_solution` fails test 0 (wrong_answer"),
        "{:?}",
        r[3].error
    );
}
