//! The executor's guarantees, with test rewards that misbehave on purpose: a panic becomes that
//! sample's `error`, a slow reward becomes `timeout`, NaN becomes `error`, and every input gets
//! exactly one result in input order.

use std::sync::Arc;
use std::time::Duration;

use plaudit_core::engine::LineReader;
use plaudit_core::{
    Ctx, Engine, Failure, Input, Kind, Outcome, ParamSpec, Params, Registry, Reward, RewardInfo,
    Sample, Score, Spec, Status,
};
use serde_json::{json, Value};

/// Test reward: behaves according to the response text.
struct Chaos;

impl Reward for Chaos {
    fn score(&self, s: &Sample, cx: &Ctx) -> Outcome {
        match s.response.as_str() {
            "panic" => panic!("boom"),
            "nan" => Ok(Score::new(f64::NAN)),
            "slow" => loop {
                cx.deadline.check()?;
                std::thread::sleep(Duration::from_millis(1));
            },
            "sleep" => {
                // Does not check the deadline: the executor still reports the overrun. Twice
                // the deadline of the test below, so the overrun is certain on any machine.
                std::thread::sleep(Duration::from_millis(1000));
                Ok(Score::new(1.0))
            }
            "none" => Err(Failure::no_answer("nothing here")),
            r => Ok(Score::new(r.len() as f64)),
        }
    }
}

struct Scale(usize, String, f64);

impl Reward for Scale {
    fn score(&self, _s: &Sample, cx: &Ctx) -> Outcome {
        Ok(Score::new(cx.component(self.0, &self.1)? * self.2))
    }
}

const SCALE_PARAMS: &[ParamSpec] = &[
    ParamSpec::new("of", Kind::Component, "\"base\"", "input"),
    ParamSpec::new("by", Kind::Float, "2.0", "factor"),
];

fn registry() -> Registry {
    let mut r = Registry::new();
    r.add(RewardInfo {
        name: "chaos",
        family: "test",
        source: "//! Test reward.",
        params: &[],
        build: |_p: &Params| Ok(Arc::new(Chaos) as Arc<dyn Reward>),
    });
    r.add(RewardInfo {
        name: "scale",
        family: "test",
        source: "//! Test reward.",
        params: SCALE_PARAMS,
        build: |p: &Params| {
            let (i, n) = p.component("of").ok_or("`of` is required")?;
            Ok(Arc::new(Scale(i, n, p.f64("by"))) as Arc<dyn Reward>)
        },
    });
    r
}

fn engine(spec: Value) -> Engine {
    Engine::new(Spec::from_value(&spec, &registry()).unwrap())
}

fn sample(id: usize, response: &str) -> Input {
    Input::from_value(json!({"id": id, "response": response}))
}

#[test]
fn misbehaving_rewards_become_statuses() {
    // A deadline far above what the quick cases need (microseconds), so a loaded machine cannot
    // turn them into timeouts.
    let e = engine(json!({"timeout_ms": 500, "on_error": -1.0, "components": {"base": "chaos"}}));
    let inputs: Vec<Input> = ["ok", "panic", "nan", "slow", "sleep", "none"]
        .iter()
        .enumerate()
        .map(|(i, r)| sample(i, r))
        .collect();
    let out = e.score_batch(&inputs).unwrap();
    let st: Vec<Status> = out.iter().map(|r| r.status).collect();
    assert_eq!(
        st,
        vec![
            Status::Ok,
            Status::Error,
            Status::Error,
            Status::Timeout,
            Status::Timeout,
            Status::NoAnswer
        ]
    );
    assert_eq!(out[0].reward, 2.0);
    for r in &out[1..] {
        assert_eq!(r.reward, -1.0);
    }
    let err = out[1].error.as_deref().unwrap();
    assert!(
        err.starts_with("component `base` (chaos): internal error (panic: boom at "),
        "{err}"
    );
    assert_eq!(
        out[2].error.as_deref(),
        Some("component `base` (chaos): gave a non-finite value (NaN)")
    );
    assert!(out[3]
        .error
        .as_deref()
        .unwrap()
        .starts_with("component `base` (chaos): deadline of 500 ms exceeded"));
    assert_eq!(
        out[5].error.as_deref(),
        Some("component `base` (chaos): nothing here")
    );
    let ids: Vec<Value> = out.iter().map(|r| r.id.clone()).collect();
    assert_eq!(ids, (0..6).map(|i| json!(i)).collect::<Vec<_>>());
}

#[test]
fn components_read_other_components_in_dependency_order() {
    // `double` is declared before `base` but reads it: the engine orders them.
    let e = engine(json!({
        "components": {"double": {"reward": "scale", "params": {"of": "base"}}, "base": "chaos"},
        "reward": "double - base"
    }));
    let out = e
        .score_batch(&[sample(0, "abc"), sample(1, "none")])
        .unwrap();
    assert_eq!(out[0].reward, 3.0);
    assert_eq!(out[0].components.get("double"), Some(&6.0));
    assert_eq!(out[1].status, Status::NoAnswer);
    assert_eq!(
        out[1].error.as_deref(),
        Some("component `base` (chaos): nothing here")
    );
}

#[test]
fn expression_errors_are_per_sample() {
    let e = engine(json!({"components": {"base": "chaos"}, "reward": "1 / (base - 2)"}));
    let out = e.score_batch(&[sample(0, "ab"), sample(1, "abc")]).unwrap();
    assert_eq!(out[0].status, Status::Error);
    assert_eq!(
        out[0].error.as_deref(),
        Some("division by zero in reward expression at column 3")
    );
    assert_eq!(out[0].components.get("base"), Some(&2.0));
    assert_eq!(out[1].status, Status::Ok);
    assert_eq!(out[1].reward, 1.0);
}

#[test]
fn spec_errors_of_every_kind_are_reported_together() {
    // An unknown reward does not hide the expression's error, and a misspelled component in
    // the expression gets a suggestion.
    let err = |v: Value| Spec::from_value(&v, &registry()).unwrap_err().errors;
    assert_eq!(
        err(json!({"components": {"base": "chaoss", "size": "chaos"}, "reward": "bas + size"})),
        vec![
            "components.base: unknown reward `chaoss` (did you mean `chaos`?)",
            "reward: unknown component `bas` (did you mean `base`? components: base, size) at column 1\n    bas + size\n    ^",
        ]
    );
    // No likely name: the catalogue instead.
    assert_eq!(
        err(json!({"components": {"a": "zzzzzzzzzzzz"}})),
        vec!["components.a: unknown reward `zzzzzzzzzzzz` (known rewards: chaos, scale)"]
    );
}

#[test]
fn spec_errors_are_collected_and_precise() {
    let err = |v: Value| Spec::from_value(&v, &registry()).unwrap_err().errors;
    assert_eq!(
        err(json!({"components": {"a": "chaoss"}})),
        vec!["components.a: unknown reward `chaoss` (did you mean `chaos`?)"]
    );
    assert_eq!(
        err(json!({"components": {"a": {"reward": "scale", "params": {"of": "a", "byy": 1}}}})),
        vec!["components.a.params: unknown parameter `byy` (valid: of, by)"]
    );
    assert_eq!(
        err(
            json!({"components": {"a": {"reward": "scale", "params": {"of": "b"}}, "b": {"reward": "scale", "params": {"of": "a"}}}, "reward": "a"})
        ),
        vec!["components: components read each other in a cycle: a → b → a"]
    );
    assert_eq!(
        err(json!({"components": {"a": "chaos", "b": "chaos"}})),
        vec![
            "reward: missing; with several components, say how they combine (e.g. `reward: a + b`)"
        ]
    );
    assert_eq!(
        err(json!({"components": {"a": "chaos"}, "reward": "a + c", "timeout_ms": 0, "grup": 1})),
        vec![
            "spec: unknown key `grup` (valid: components, reward, timeout_ms, on_error, group, routes, judges, name, description)",
            "timeout_ms: must be at least 1",
            "reward: unknown component `c` (components: a) at column 5\n    a + c\n        ^",
        ]
    );
    assert_eq!(
        err(json!({"components": {"a": "chaos"}, "group": {"advantage": "ppo"}})),
        vec!["group.advantage: unknown estimator `ppo` (valid: grpo, dr_grpo, rloo, reinforce_pp, reward, none)"]
    );
    assert_eq!(
        err(json!({})),
        vec!["spec: defines no `components` (and no `routes`)"]
    );
}

#[test]
fn yaml_and_json_specs_are_the_same() {
    let yaml = "components:\n  base: chaos\n  double: {reward: scale, params: {by: 3}}\nreward: double\ngroup: dr_grpo\n";
    let json_text = r#"{"components": {"base": "chaos", "double": {"reward": "scale", "params": {"by": 3}}}, "reward": "double", "group": "dr_grpo"}"#;
    let a = Spec::from_text(yaml, &registry()).unwrap();
    let b = Spec::from_text(json_text, &registry()).unwrap();
    assert_eq!(a.resolved, b.resolved);
    assert_eq!(
        a.resolved["components"]["double"]["params"],
        json!({"of": "base", "by": 3.0})
    );
    let bad = Spec::from_text("components: [unclosed", &registry()).unwrap_err();
    assert!(bad.errors[0].starts_with("spec is not valid YAML"), "{bad}");
}

#[test]
fn routes_by_task_with_fallback() {
    let e = engine(json!({
        "components": {"base": "chaos"},
        "routes": {"double": {"components": {"base": "chaos", "d": {"reward": "scale", "params": {"of": "base"}}}, "reward": "d"}}
    }));
    let out = e
        .score_batch(&[
            Input::from_value(json!({"task": "double", "response": "abc"})),
            Input::from_value(json!({"task": "other", "response": "abc"})),
            Input::from_value(json!({"response": "abc"})),
        ])
        .unwrap();
    let rewards: Vec<f64> = out.iter().map(|r| r.reward).collect();
    assert_eq!(rewards, vec![6.0, 3.0, 3.0]);

    let no_fallback = engine(json!({"routes": {"a": {"components": {"base": "chaos"}}}}));
    let out = no_fallback
        .score_batch(&[Input::from_value(json!({"task": "b", "response": "x"}))])
        .unwrap();
    assert_eq!(out[0].status, Status::InvalidInput);
    assert_eq!(
        out[0].error.as_deref(),
        Some("no route for task `b` (routes: a) and the spec has no fallback components")
    );
}

#[test]
fn group_stage_runs_after_scoring() {
    let e = engine(
        json!({"components": {"base": "chaos"}, "group": {"advantage": "grpo", "mark_zero_variance": true}}),
    );
    let inputs = vec![
        Input::from_value(json!({"group": "g", "response": "a"})),
        Input::from_value(json!({"group": "g", "response": "abc"})),
        Input::from_value(json!({"group": 7, "response": "ab"})),
        Input::from_value(json!({"group": 7, "response": "xy"})),
    ];
    let out = e.score_batch(&inputs).unwrap();
    let s = 2f64.sqrt() + 1e-6; // rewards 1 and 3: mean 2, unbiased std sqrt(2)
    assert!((out[0].advantage.unwrap() + 1.0 / s).abs() < 1e-12);
    assert!((out[1].advantage.unwrap() - 1.0 / s).abs() < 1e-12);
    assert_eq!(out[2].advantage, Some(0.0));
    assert_eq!(out[2].zero_variance, Some(true));
    assert_eq!(out[0].zero_variance, Some(false));
}

#[test]
fn line_reader_caps_long_lines_and_counts_every_line() {
    let data = format!(
        "{{\"response\": \"a\"}}\n{}\n\n\u{0}\n{{\"response\": \"b\"}}",
        "x".repeat(100)
    );
    let mut r = LineReader::new(data.as_bytes(), 50);
    let inputs = r.next_chunk(100).unwrap();
    assert_eq!(inputs.len(), 5);
    let e = engine(json!({"components": {"base": "chaos"}}));
    let out: Vec<_> = inputs.iter().map(|i| e.score_input(i)).collect();
    let errs: Vec<Option<&str>> = out.iter().map(|r| r.error.as_deref()).collect();
    assert_eq!(errs[0], None);
    assert_eq!(
        errs[1],
        Some("line 2: 100 bytes, over the limit of 50 bytes per line")
    );
    assert_eq!(errs[2], Some("line 3: empty line"));
    assert!(
        errs[3].unwrap().starts_with("line 4: invalid JSON: "),
        "{:?}",
        errs[3]
    );
    assert_eq!(errs[4], None);
    let bad_utf8 = b"{\"response\": \"\xff\"}\n";
    let i = LineReader::new(&bad_utf8[..], 1000).next_chunk(10).unwrap();
    assert_eq!(
        e.score_input(&i[0]).error.as_deref(),
        Some("line 1: not valid UTF-8 (at byte 14)")
    );
}

#[test]
fn a_stopped_batch_still_answers_every_sample() {
    let e = engine(json!({"components": {"base": "chaos"}}));
    let inputs: Vec<Input> = (0..5).map(|i| sample(i, "abc")).collect();
    let stop = plaudit_core::Stop::never();
    stop.cancel();
    let until = |stop: &plaudit_core::Stop| {
        let options = plaudit_core::BatchOptions {
            stop: stop.clone(),
            ..Default::default()
        };
        e.score_all(inputs.clone(), options).unwrap()
    };
    let out = until(&stop);
    assert_eq!(out.len(), 5);
    assert!(out.iter().all(|r| r.status == Status::Timeout));
    assert_eq!(
        out[0].error.as_deref(),
        Some("request cancelled before this sample was scored")
    );
    let late = plaudit_core::Stop::after(Duration::from_millis(0));
    let out = until(&late);
    assert_eq!(
        out[4].error.as_deref(),
        Some("request deadline of 0 ms passed before this sample was scored")
    );
    assert_eq!(out[4].id, json!(4));
}

#[test]
fn group_std_and_eps_from_the_spec() {
    // Rewards 2, 1, 1, 2 (the chaos reward is the response's length): mean 1.5, population std
    // 0.5, sample std sqrt(1/3) = 0.57735.
    let inputs: Vec<Input> = ["xx", "x", "y", "zz"]
        .iter()
        .enumerate()
        .map(|(i, r)| Input::from_value(json!({"id": i, "group": "g", "response": r})))
        .collect();
    let adv = |group: Value| -> Vec<f64> {
        engine(json!({"components": {"base": "chaos"}, "group": group}))
            .score_batch(&inputs)
            .unwrap()
            .iter()
            .map(|r| r.advantage.unwrap())
            .collect()
    };
    let close = |a: Vec<f64>, b: [f64; 4]| {
        for (x, y) in a.iter().zip(b) {
            assert!((x - y).abs() < 1e-12, "{a:?} != {b:?}");
        }
    };
    // Population std with eps 0.5: 0.5 / (0.5 + 0.5).
    close(
        adv(json!({"advantage": "grpo", "std": "population", "eps": 0.5})),
        [0.5, -0.5, -0.5, 0.5],
    );
    // Sample std (the default) with eps 0.5: 0.5 / (0.57735 + 0.5).
    let s = 0.5 / ((1.0f64 / 3.0).sqrt() + 0.5);
    close(
        adv(json!({"advantage": "grpo", "std": "sample", "eps": 0.5})),
        [s, -s, -s, s],
    );
    close(
        adv(json!({"advantage": "grpo", "eps": 0.5})),
        [s, -s, -s, s],
    );
    // Population std with the default eps (1e-6).
    let p = 0.5 / (0.5 + 1e-6);
    close(
        adv(json!({"advantage": "grpo", "std": "population"})),
        [p, -p, -p, p],
    );
}
