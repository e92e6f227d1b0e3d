//! The spec compiler (`plaudit_core::spec`) message by message: every error a spec can get, where
//! it is reported, what the resolved spec says, and what the compiled routes hold (timeouts,
//! inputs, evaluation order, namespaces). Written from the cargo-mutants run over `src/spec.rs`
//! (docs/MUTANTS.md).

use std::sync::Arc;
use std::time::Duration;

use plaudit_core::spec::parse_text;
use plaudit_core::{
    score_alone, Ctx, GroupCtx, Kind, Member, Outcome, ParamSpec, Params, Registry, Reward,
    RewardInfo, Sample, Scope, Score, Spec, SpecError,
};
use serde_json::{json, Value};

mod common;
use common::{Fixed, Group};

struct Blocking;
impl Reward for Blocking {
    fn score(&self, _s: &Sample, _cx: &Ctx) -> Outcome {
        Ok(Score::new(1.0))
    }
    fn blocking(&self) -> bool {
        true
    }
}

struct Io(Scope);
impl Reward for Io {
    fn score(&self, s: &Sample, cx: &Ctx) -> Outcome {
        score_alone(self, s, cx)
    }
    fn scope(&self) -> Scope {
        self.0
    }
    fn io(&self) -> bool {
        true
    }
    fn score_group(&self, members: &[Member], _cx: &GroupCtx) -> Vec<Outcome> {
        members.iter().map(|_| Ok(Score::new(1.0))).collect()
    }
}

const READS: &[ParamSpec] = &[ParamSpec::new("of", Kind::Component, "\"\"", "input")];
const PICKY: &[ParamSpec] = &[ParamSpec::new("k", Kind::Int, "1", "k")];

fn info(
    name: &'static str,
    params: &'static [ParamSpec],
    build: fn(&Params) -> Result<Arc<dyn Reward>, String>,
) -> RewardInfo {
    RewardInfo {
        name,
        family: "test",
        source: "//! Test reward.",
        params,
        build,
    }
}

fn registry() -> Registry {
    let mut r = Registry::new();
    r.add(info("one", &[], |_| Ok(Arc::new(Fixed(1.0)))));
    r.add(info("reads", READS, |_| Ok(Arc::new(Fixed(2.0)))));
    r.add(info("group", &[], |_| Ok(Arc::new(Group))));
    r.add(info("blocking", &[], |_| Ok(Arc::new(Blocking))));
    r.add(info("io", &[], |_| Ok(Arc::new(Io(Scope::Sample)))));
    r.add(info("group_io", &[], |_| Ok(Arc::new(Io(Scope::Group)))));
    r.add(info("picky", PICKY, |p| {
        if p.i64("k") < 0 {
            return Err("parameter `k` must not be negative".into());
        }
        Ok(Arc::new(Fixed(3.0)))
    }));
    r
}

fn compile(spec: Value) -> Spec {
    Spec::from_value(&spec, &registry()).unwrap()
}

fn errors(spec: Value) -> Vec<String> {
    Spec::from_value(&spec, &registry()).unwrap_err().errors
}

#[test]
fn spec_errors_print_one_per_line() {
    let e = SpecError {
        errors: vec!["a: x".into(), "b: y".into(), "c: z".into()],
    };
    assert_eq!(e.to_string(), "a: x\nb: y\nc: z");
    assert_eq!(SpecError::one("only").to_string(), "only");
}

#[test]
fn unknown_keys_are_named_with_where_they_are() {
    assert_eq!(
        errors(json!({"components": {"a": "one"}, "rewrd": "a"})),
        vec!["spec: unknown key `rewrd` (valid: components, reward, timeout_ms, on_error, group, routes, judges, name, description)"]
    );
    assert_eq!(
        errors(json!({"routes": {"m": {"components": {"a": "one"}, "group": "grpo"}}})),
        vec!["routes.m: unknown key `group` (valid: components, reward, timeout_ms, on_error)"]
    );
    assert_eq!(
        errors(json!({"components": {"a": {"reward": "one", "param": {}}}})),
        vec!["components.a: unknown key `param` (valid: reward, params, when, otherwise)"]
    );
    assert_eq!(
        errors(json!({"components": {"a": "one"}, "group": {"advantage": "grpo", "epsilon": 1}})),
        vec!["group: unknown key `epsilon` (valid: advantage, eps, std, mark_zero_variance)"]
    );
}

#[test]
fn timeouts_are_whole_milliseconds_up_to_a_day() {
    let day = 24 * 3600 * 1000;
    let s = compile(json!({"components": {"a": "one"}, "timeout_ms": day}));
    assert_eq!(
        s.fallback.as_ref().unwrap().timeout,
        Duration::from_millis(day)
    );
    assert_eq!(s.resolved["timeout_ms"], json!(day));
    assert_eq!(
        errors(json!({"components": {"a": "one"}, "timeout_ms": day + 1})),
        vec!["timeout_ms: expected a whole number of milliseconds between 1 and 86400000, got 86400001"]
    );
    assert_eq!(
        errors(json!({"components": {"a": "one"}, "timeout_ms": 0})),
        vec!["timeout_ms: must be at least 1"]
    );
    assert_eq!(
        errors(json!({"components": {"a": "one"}, "timeout_ms": 1.5})),
        vec!["timeout_ms: expected a whole number of milliseconds between 1 and 86400000, got 1.5"]
    );
    // Without one, 2 s.
    let s = compile(json!({"components": {"a": "one"}}));
    assert_eq!(
        s.fallback.as_ref().unwrap().timeout,
        Duration::from_millis(2000)
    );
    assert_eq!(s.resolved["timeout_ms"], json!(2000));
    assert_eq!(s.resolved["on_error"], json!(0.0));
}

#[test]
fn routes_inherit_the_top_level_timeout_and_failure_value_or_set_their_own() {
    let s = compile(json!({
        "timeout_ms": 500,
        "on_error": -1,
        "components": {"a": "one"},
        "routes": {
            "inherits": {"components": {"a": "one"}},
            "own": {"components": {"a": "one"}, "timeout_ms": 70, "on_error": -2.5},
        },
    }));
    let fb = s.fallback.as_ref().unwrap();
    assert_eq!(
        (fb.timeout, fb.on_error),
        (Duration::from_millis(500), -1.0)
    );
    let r = &s.routes["inherits"];
    assert_eq!((r.timeout, r.on_error), (Duration::from_millis(500), -1.0));
    let r = &s.routes["own"];
    assert_eq!((r.timeout, r.on_error), (Duration::from_millis(70), -2.5));
    assert_eq!(s.resolved["routes"]["own"]["timeout_ms"], json!(70));
    assert_eq!(s.resolved["routes"]["own"]["on_error"], json!(-2.5));
    assert_eq!(s.resolved["routes"]["inherits"]["timeout_ms"], json!(500));
    assert_eq!(
        errors(
            json!({"routes": {"m": {"components": {"a": "one"}, "timeout_ms": 0, "on_error": "x"}}})
        ),
        vec![
            "routes.m.timeout_ms: must be at least 1",
            "routes.m.on_error: expected a number, got a string",
        ]
    );
    assert_eq!(
        errors(json!({"components": {"a": "one"}, "on_error": [1]})),
        vec!["on_error: expected a number, got a list"]
    );
}

#[test]
fn components_must_be_a_non_empty_mapping() {
    assert_eq!(
        errors(json!({"components": {}})),
        vec!["components: no components defined"]
    );
    assert_eq!(
        errors(json!({"components": ["one"]})),
        vec!["components: expected a mapping of name → reward, got a list"]
    );
    assert_eq!(
        errors(json!({"reward": "a"})),
        vec!["components: missing (a spec needs at least one component)"]
    );
    assert_eq!(
        errors(json!({"routes": {"m": {"components": {}}}})),
        vec!["routes.m.components: no components defined"]
    );
    assert_eq!(
        errors(json!({"name": "x"})),
        vec!["spec: defines no `components` (and no `routes`)"]
    );
    // Routes only: no fallback, and that is fine.
    let s = compile(json!({"routes": {"m": {"components": {"a": "one"}}}}));
    assert!(s.fallback.is_none());
}

#[test]
fn component_names_are_identifiers_that_are_not_keywords() {
    let msg = |n: &str| {
        format!("components.{n}: `{n}` cannot be a component name (use letters, digits and `_`, not starting with a digit, and not a keyword or function name)")
    };
    for bad in [
        "1a", "a-b", "a b", "", "and", "or", "not", "if", "min", "max", "abs", "clamp", "sqrt",
        "exp", "log",
    ] {
        assert_eq!(
            errors(json!({"components": {bad: "one"}, "reward": "1"})),
            vec![msg(bad)],
            "{bad:?}"
        );
    }
    for good in ["_a", "a1", "a_b", "é", "minimum", "nota"] {
        let s = compile(json!({"components": {good: "one"}}));
        assert_eq!(s.component_names(), vec![good.to_string()]);
    }
}

#[test]
fn each_way_a_component_can_be_wrong() {
    let e = errors(json!({
        "components": {
            "a": {"reward": 3},
            "b": {"params": {}},
            "c": {"reward": "one", "params": [1]},
            "d": 4,
            "e": "onee",
            "f": "zzzzzzzz",
            "g": {"reward": "picky", "params": {"k": "x"}},
            "h": {"reward": "picky", "params": {"k": -1}},
        },
        "reward": "1",
    }));
    assert_eq!(
        e,
        vec![
            "components.a.reward: expected a reward name, got a number",
            "components.b: missing `reward` (the name of a reward; see `plaudit list`)",
            "components.c.params: expected a mapping, got a list",
            "components.d: expected a reward name or {reward: NAME, params: {…}}, got a number",
            "components.e: unknown reward `onee` (did you mean `one`?)",
            "components.f: unknown reward `zzzzzzzz` (known rewards: blocking, group, group_io, io, one, picky, reads)",
            "components.g.params: parameter `k`: expected an integer, got a string",
            "components.h.params: parameter `k` must not be negative",
        ]
    );
    // `params: null` is no parameters.
    let s = compile(json!({"components": {"a": {"reward": "picky", "params": null}}}));
    assert_eq!(
        s.resolved["components"]["a"],
        json!({"reward": "picky", "params": {"k": 1}})
    );
}

#[test]
fn the_expression_is_checked_even_when_a_component_is_wrong() {
    assert_eq!(
        errors(json!({"components": {"a": "zzzzzzzz", "b": "one"}, "reward": "a +"})),
        vec![
            "components.a: unknown reward `zzzzzzzz` (known rewards: blocking, group, group_io, io, one, picky, reads)",
            "reward: unexpected end of expression at column 4\n    a +\n       ^",
        ]
    );
}

#[test]
fn the_reward_expression_defaults_only_for_one_component() {
    let s = compile(json!({"components": {"solo": "one"}}));
    assert_eq!(s.resolved["reward"], json!("solo"));
    assert_eq!(s.fallback.as_ref().unwrap().expr_src, "solo");
    let s = compile(json!({"components": {"a": "one"}, "reward": 0.5}));
    assert_eq!(s.resolved["reward"], json!("0.5"));
    assert_eq!(
        errors(json!({"components": {"a": "one", "b": "one", "c": "one"}})),
        vec!["reward: missing; with several components, say how they combine (e.g. `reward: a + b + c`)"]
    );
    assert_eq!(
        errors(json!({"routes": {"m": {"components": {"a": "one", "b": "one"}}}})),
        vec!["routes.m.reward: missing; with several components, say how they combine (e.g. `reward: a + b`)"]
    );
    assert_eq!(
        errors(json!({"components": {"a": "one"}, "reward": ["a"]})),
        vec!["reward: expected an expression, got a list"]
    );
    assert_eq!(
        errors(json!({"routes": {"m": {"components": {"a": "one"}, "reward": "b"}}})),
        vec!["routes.m.reward: unknown component `b` (components: a) at column 1\n    b\n    ^"]
    );
}

#[test]
fn inputs_come_from_parameters_and_conditions_once_each() {
    let s = compile(json!({
        "components": {
            "a": "one",
            "b": {"reward": "reads", "params": {"of": "a"}, "when": "a > 0 and c > 0"},
            "c": "one",
            "d": {"reward": "reads"},
        },
        "reward": "a + b + c + d",
    }));
    let r = s.fallback.as_ref().unwrap();
    let inputs: Vec<Vec<usize>> = r.components.iter().map(|c| c.inputs.clone()).collect();
    assert_eq!(inputs, vec![vec![], vec![0, 2], vec![], vec![]]);
    // Inputs first, otherwise spec order.
    assert_eq!(r.order, vec![0, 2, 1, 3]);
    let ns: Vec<&str> = r.components.iter().map(|c| c.namespace.as_str()).collect();
    assert_eq!(ns, vec!["*/a", "*/b", "*/c", "*/d"]);
    assert_eq!(
        s.resolved["components"]["b"],
        json!({"reward": "reads", "params": {"of": "a"}, "when": "a > 0 and c > 0", "otherwise": 0.0})
    );
    let s = compile(json!({"routes": {"math": {"components": {"x": "one"}}}}));
    assert_eq!(s.routes["math"].components[0].namespace, "math/x");
    assert_eq!(&*s.routes["math"].name, "math");
}

#[test]
fn inputs_are_ordered_only_once_every_component_compiled() {
    // Inputs are indices among the names; with `a` missing, `c` would be out of place (and
    // there is nothing to order): the spec gets `a`'s error, and only that.
    assert_eq!(
        errors(json!({
            "components": {
                "a": "zzzzzzzz",
                "b": {"reward": "reads", "params": {"of": "c"}},
                "c": {"reward": "one", "when": "b > 0"},
            },
            "reward": "b",
        })),
        vec!["components.a: unknown reward `zzzzzzzz` (known rewards: blocking, group, group_io, io, one, picky, reads)"]
    );
}

#[test]
fn a_cycle_of_inputs_is_named() {
    assert_eq!(
        errors(json!({
            "components": {
                "z": "one",
                "a": {"reward": "reads", "params": {"of": "b"}},
                "b": {"reward": "reads", "params": {"of": "c"}},
                "c": {"reward": "reads", "params": {"of": "a"}},
            },
            "reward": "a",
        })),
        vec!["components: components read each other in a cycle: a → b → c → a"]
    );
    assert_eq!(
        errors(
            json!({"components": {"a": {"reward": "one", "when": "b > 0"}, "b": {"reward": "one", "when": "a > 0"}}, "reward": "a"})
        ),
        vec!["components: components read each other in a cycle: a → b → a"]
    );
}

#[test]
fn per_sample_components_cannot_read_group_rewards() {
    assert_eq!(
        errors(json!({"components": {"g": "group", "r": {"reward": "reads", "params": {"of": "g"}}}, "reward": "r"})),
        vec!["components.r: reads `g`, a group reward (group), but `reads` is scored per sample before groups are complete; only the expression and other group rewards can read a group reward"]
    );
    // A group reward may read a group reward, and the expression any.
    let s = compile(
        json!({"components": {"g": "group", "h": {"reward": "group", "when": "g > 0"}}, "reward": "g + h"}),
    );
    let r = s.fallback.as_ref().unwrap();
    assert!(r.has_group);
    assert!(r.is_group(0) && r.is_group(1));
    // Per component: a per-sample reward beside a group reward is not scored per group.
    let s = compile(json!({"components": {"a": "one", "g": "group"}, "reward": "a + g"}));
    let r = s.fallback.as_ref().unwrap();
    assert_eq!((r.is_group(0), r.is_group(1)), (false, true));
}

#[test]
fn conditions_and_their_otherwise() {
    let s = compile(json!({"components": {
        "a": "one",
        "t": {"reward": "one", "when": true},
        "f": {"reward": "one", "when": false, "otherwise": -1},
        "n": {"reward": "one", "when": 2},
    }, "reward": "a"}));
    let r = s.fallback.as_ref().unwrap();
    let gates: Vec<(String, f64)> = r.components[1..]
        .iter()
        .map(|c| {
            let g = c.gate.as_ref().unwrap();
            (g.src.clone(), g.otherwise)
        })
        .collect();
    assert_eq!(
        gates,
        vec![("1".into(), 0.0), ("0".into(), -1.0), ("2".into(), 0.0)]
    );
    assert!(r.components[0].gate.is_none());
    // The condition decides: the reward is called (`None`) or the component takes `otherwise`.
    let f = r.components[2].gate.as_ref().unwrap();
    assert_eq!(
        f.check(&[]).unwrap(),
        Some(Score::with_details(-1.0, json!({"skipped": "when: 0"})))
    );
    assert_eq!(r.components[1].gate.as_ref().unwrap().check(&[]), Ok(None));
    let e = errors(json!({"components": {
        "a": "one",
        "b": {"reward": "one", "otherwise": 1},
        "c": {"reward": "one", "when": "a", "otherwise": "x"},
        "d": {"reward": "one", "when": ["a"]},
        "e": {"reward": "one", "when": "e > 0"},
        "f": {"reward": "one", "when": "a >"},
    }, "reward": "a"}));
    assert_eq!(
        e,
        vec![
            "components.b.otherwise: given without `when` (the value a component takes where its `when:` condition does not hold)",
            "components.c.otherwise: expected a number, got a string",
            "components.d.when: expected a condition over other components (e.g. `fmt > 0`), got a list",
            "components.e.when: `e > 0` reads the component itself; a condition reads other components",
            "components.f.when: unexpected end of expression at column 4\n    a >\n       ^",
        ]
    );
}

#[test]
fn the_group_section() {
    let g = |v: Value| compile(json!({"components": {"a": "one"}, "group": v}));
    let s = g(json!("rloo"));
    assert_eq!(
        s.resolved["group"],
        json!({"advantage": "rloo", "eps": 1e-6, "std": "sample", "mark_zero_variance": false})
    );
    let s =
        g(json!({"advantage": "grpo", "eps": 0, "std": "population", "mark_zero_variance": true}));
    assert_eq!(
        s.resolved["group"],
        json!({"advantage": "grpo", "eps": 0.0, "std": "population", "mark_zero_variance": true})
    );
    assert!(s.group.mark_zero_variance && !s.group.unbiased_std);
    assert_eq!(s.group.eps, 0.0);
    let s = g(json!({"std": "sample"}));
    assert!(s.group.unbiased_std);
    assert!(!s.needs_whole_batch());
    let s = g(Value::Null);
    assert_eq!(s.resolved["group"]["advantage"], json!("none"));
    let e = |v: Value| errors(json!({"components": {"a": "one"}, "group": v}));
    assert_eq!(
        e(json!("grpoo")),
        vec!["group.advantage: unknown estimator `grpoo` (valid: grpo, dr_grpo, rloo, reinforce_pp, reward, none)"]
    );
    assert_eq!(
        e(json!({"advantage": "x", "eps": -0.1, "std": "n", "mark_zero_variance": 1})),
        vec![
            "group.advantage: unknown estimator `x` (valid: grpo, dr_grpo, rloo, reinforce_pp, reward, none)",
            "group.eps: expected a non-negative number, got -0.1",
            "group.std: expected `sample` (n − 1) or `population` (n)",
            "group.mark_zero_variance: expected true or false, got a number",
        ]
    );
    assert_eq!(
        e(json!({"advantage": 1, "eps": "x", "std": 1})),
        vec![
            "group.advantage: expected a name, got a number",
            "group.eps: expected a non-negative number, got \"x\"",
            "group.std: expected `sample` (n − 1) or `population` (n)",
        ]
    );
    assert_eq!(
        e(json!(3)),
        vec!["group: expected a mapping or an estimator name, got a number"]
    );
}

#[test]
fn spec_text_is_json_or_yaml() {
    assert_eq!(parse_text("\u{feff}  {\"a\": 1}").unwrap(), json!({"a": 1}));
    assert_eq!(
        parse_text("a: 1\nb: [x]\n").unwrap(),
        json!({"a": 1, "b": ["x"]})
    );
    assert!(parse_text("{\"a\": ").unwrap_err().errors[0].starts_with("spec is not valid JSON: "));
    assert!(parse_text("a: [1,\n").unwrap_err().errors[0].starts_with("spec is not valid YAML: "));
    let s = Spec::from_text("{\"components\": {\"a\": \"one\"}}", &registry()).unwrap();
    assert_eq!(s.component_names(), vec!["a".to_string()]);
    assert_eq!(
        Spec::from_text("[1]", &registry()).unwrap_err().errors,
        vec!["spec: expected a mapping, got a list"]
    );
}

#[test]
fn the_resolved_spec_keeps_the_name_and_the_routes() {
    let s = compile(json!({
        "name": "demo",
        "description": "not kept",
        "components": {"a": "one"},
        "routes": {"m": {"components": {"b": "one"}}},
    }));
    assert_eq!(
        s.resolved,
        json!({
            "name": "demo",
            "timeout_ms": 2000,
            "on_error": 0.0,
            "components": {"a": {"reward": "one", "params": {}}},
            "reward": "a",
            "routes": {"m": {"timeout_ms": 2000, "on_error": 0.0, "components": {"b": {"reward": "one", "params": {}}}, "reward": "b"}},
            "group": {"advantage": "none", "eps": 1e-6, "std": "sample", "mark_zero_variance": false},
        })
    );
    assert_eq!(
        errors(json!({"routes": {"m": 1, "n": {"components": {"a": "one"}}}})),
        vec!["routes.m: expected a mapping, got a number"]
    );
    assert_eq!(
        errors(json!({"components": {"a": "one"}, "routes": [1]})),
        vec!["routes: expected a mapping of task → spec, got a list"]
    );
    // `routes: null` is no routes.
    let s = compile(json!({"components": {"a": "one"}, "routes": null}));
    assert!(s.routes.is_empty());
    // A compiled spec shows itself as its resolved form.
    let s = compile(json!({"components": {"a": "one"}}));
    assert_eq!(
        format!("{s:?}"),
        format!("Spec {{ resolved: {:?} }}", s.resolved)
    );
    assert!(format!("{s:?}").contains("\"timeout_ms\": Number(2000)"));
}

#[test]
fn judges_need_a_mapping_and_a_build_that_can_call_them() {
    assert_eq!(
        errors(json!({"components": {"a": "one"}, "judges": {"g": {"base_url": "http://x"}}})),
        vec!["judges: this build has no model-backed rewards to call judges with"]
    );
    assert_eq!(
        errors(json!({"components": {"a": "one"}, "judges": ["g"]})),
        vec!["judges: expected a mapping of judge name → endpoint, got a list"]
    );
    let s = compile(json!({"components": {"a": "one"}, "judges": null}));
    assert!(s.resolved.get("judges").is_none());
}

#[test]
fn what_a_spec_needs_of_the_fronts() {
    let s = compile(json!({
        "components": {"a": "one", "b": "one"},
        "reward": "a + b",
        "routes": {
            "code": {"components": {"b": "blocking", "c": "one"}, "reward": "b + c"},
            "judge": {"components": {"j": "io"}},
            "groups": {"components": {"g": "group", "a": "one"}, "reward": "g + a"},
            "judged_groups": {"components": {"k": "group_io"}},
        },
    }));
    assert_eq!(s.component_names(), vec!["a", "b", "c", "j", "g", "k"]);
    let r = |t: &str| s.routes[t].clone();
    assert!(r("code").blocking() && !r("code").io() && !r("code").group_io());
    assert!(!r("judge").blocking() && r("judge").io() && !r("judge").group_io());
    assert!(!r("groups").io() && !r("groups").group_io() && r("groups").has_group);
    assert!(r("judged_groups").io() && r("judged_groups").group_io());
    assert!(!s.fallback.as_ref().unwrap().blocking());
    assert!(s.has_io() && s.has_group_rewards() && s.needs_whole_batch());

    let plain = compile(json!({"routes": {"m": {"components": {"a": "one"}}}}));
    assert!(!plain.has_io() && !plain.has_group_rewards() && !plain.needs_whole_batch());
    let io_fallback = compile(json!({"components": {"j": "io"}}));
    assert!(io_fallback.has_io() && !io_fallback.has_group_rewards());
    let group_fallback = compile(json!({"components": {"g": "group"}}));
    assert!(group_fallback.has_group_rewards() && group_fallback.needs_whole_batch());
    let staged = compile(json!({"components": {"a": "one"}, "group": "grpo"}));
    assert!(staged.needs_whole_batch() && !staged.has_group_rewards());
}

#[test]
fn samples_find_their_route_or_the_fallback() {
    let s = compile(json!({
        "components": {"a": "one"},
        "routes": {"m": {"components": {"b": "one"}}},
    }));
    assert_eq!(&*s.route_for(Some("m")).unwrap().name, "m");
    assert_eq!(&*s.route_for(Some("other")).unwrap().name, "*");
    assert_eq!(&*s.route_for(None).unwrap().name, "*");
    let s = compile(
        json!({"routes": {"m": {"components": {"b": "one"}}, "n": {"components": {"b": "one"}}}}),
    );
    assert_eq!(
        s.route_for(Some("x")).err().unwrap(),
        "no route for task `x` (routes: m, n) and the spec has no fallback components"
    );
    assert_eq!(
        s.route_for(None).err().unwrap(),
        "sample has no `task` and the spec has no fallback components (routes: m, n)"
    );
}
