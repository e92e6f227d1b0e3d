//! The spec: a user's reward definition, in YAML or JSON, compiled against a [`Registry`].
//!
//! ```yaml
//! timeout_ms: 2000          # per-sample deadline
//! on_error: 0.0             # reward for any non-ok status
//! components:
//!   correct: {reward: exact_match}
//!   format:  think_answer_format            # shorthand: just the reward's name
//!   overlong: {reward: soft_overlong_penalty, params: {max_len: 4096, buffer: 512}}
//! reward: correct + 0.1 * format + overlong # expression over component names
//! group: {advantage: grpo}                  # grpo | dr_grpo | rloo | reinforce_pp | reward | none
//! routes:                                   # per `task`; the top-level components are the fallback
//!   math: {components: {correct: math_equivalence}, reward: correct}
//! judges:                                   # named model endpoints, for model-backed rewards
//!   grader: {base_url: "http://127.0.0.1:8000/v1", model: qwen3-8b, max_concurrency: 64}
//! ```
//!
//! A `judges:` entry is checked by the registry's judge check ([`Registry::set_judge_check`]);
//! a component names its judge with a [`crate::Kind::Judge`] parameter.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use indexmap::IndexMap;
use serde_json::{json, Map, Value};

use crate::expr::Expr;
use crate::group::{Advantage, GroupSpec};
use crate::params::Params;
use crate::registry::Registry;
use crate::reward::{Reward, Scope};
use crate::sample::spec_type_name;

/// Default per-sample deadline.
pub const DEFAULT_TIMEOUT_MS: u64 = 2000;
const MAX_TIMEOUT_MS: u64 = 24 * 3600 * 1000;

/// Everything wrong with a spec, each message prefixed by where it is (`routes.math.components.x`).
#[derive(Clone, Debug, PartialEq)]
pub struct SpecError {
    pub errors: Vec<String>,
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.errors.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            f.write_str(e)?;
        }
        Ok(())
    }
}

impl std::error::Error for SpecError {}

impl SpecError {
    pub fn one(msg: impl Into<String>) -> Self {
        SpecError {
            errors: vec![msg.into()],
        }
    }
}

/// One named component of a route: a built reward with its parameters.
pub struct Component {
    pub name: String,
    pub reward_name: &'static str,
    pub reward: Arc<dyn Reward>,
    pub params: Params,
    /// Indices of the components whose values this one reads.
    pub inputs: Vec<usize>,
    /// Where this component keeps state, if its reward has any: `ROUTE/COMPONENT`.
    pub namespace: String,
    /// The component's `when:` condition, if it has one: the reward is called only for the
    /// samples where it holds; elsewhere the component's value is `otherwise`.
    pub gate: Option<Gate>,
}

/// A component's `when:` condition over the other components (an expression of the
/// [`crate::expr`] grammar, true when non-zero) and its `otherwise:` value (default 0): where the
/// condition does not hold, the reward is not called (no judge call, no cost, no sandbox run) and
/// the component takes `otherwise`, with `{"skipped": "when: …"}` in its details.
#[derive(Clone, Debug)]
pub struct Gate {
    pub expr: Expr,
    pub src: String,
    pub otherwise: f64,
}

impl Gate {
    /// Whether the reward is to be called, given the values computed so far: `Ok(None)` when
    /// it is, `Ok(Some(score))` (the `otherwise` value) when the condition does not hold, and an
    /// error naming the condition when it cannot be evaluated.
    pub fn check(&self, values: &[Option<f64>]) -> Result<Option<crate::Score>, crate::Failure> {
        match self.expr.eval(values) {
            Ok(v) if v != 0.0 => Ok(None),
            Ok(_) => Ok(Some(crate::Score::with_details(
                self.otherwise,
                json!({"skipped": format!("when: {}", self.src)}),
            ))),
            Err(e) => Err(crate::Failure::error(format!("`when: {}`: {e}", self.src))),
        }
    }
}

/// A compiled leaf spec: the components and expression used for the samples routed to it.
pub struct Route {
    pub name: Arc<str>,
    pub components: Vec<Component>,
    /// Evaluation order (inputs before the components that read them).
    pub order: Vec<usize>,
    pub expr: Expr,
    pub expr_src: String,
    pub timeout: Duration,
    pub on_error: f64,
    /// Some component is a group reward ([`Scope::Group`]): the route's results wait for the
    /// whole group before the expression is evaluated.
    pub has_group: bool,
}

impl Route {
    /// Whether component `i` is scored per group.
    pub fn is_group(&self, i: usize) -> bool {
        self.components[i].reward.scope() == Scope::Group
    }

    /// Whether some component waits on work outside the process ([`Reward::blocking`]).
    pub fn blocking(&self) -> bool {
        self.components.iter().any(|c| c.reward.blocking())
    }

    /// Whether some component waits on the network ([`Reward::io`]): the route's samples are
    /// scored in the I/O stage.
    pub fn io(&self) -> bool {
        self.components.iter().any(|c| c.reward.io())
    }

    /// Whether some group component waits on the network: the route's groups are awaited
    /// together in the group phase.
    pub fn group_io(&self) -> bool {
        self.components
            .iter()
            .any(|c| c.reward.io() && c.reward.scope() == Scope::Group)
    }
}

/// A compiled spec.
pub struct Spec {
    pub routes: IndexMap<String, Arc<Route>>,
    pub fallback: Option<Arc<Route>>,
    pub group: GroupSpec,
    /// The spec with every default filled in (what `plaudit check` prints).
    pub resolved: Value,
}

impl fmt::Debug for Spec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Spec")
            .field("resolved", &self.resolved)
            .finish()
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn check_keys(obj: &Map<String, Value>, valid: &[&str], path: &str, errors: &mut Vec<String>) {
    for k in obj.keys() {
        if !valid.contains(&k.as_str()) {
            let at = if path.is_empty() {
                "spec".to_string()
            } else {
                path.to_string()
            };
            errors.push(format!(
                "{at}: unknown key `{k}` (valid: {})",
                valid.join(", ")
            ));
        }
    }
}

struct Defaults {
    timeout_ms: u64,
    on_error: f64,
    /// The `judges:` section, each entry as the registry's judge check resolved it (`None`:
    /// the entry has errors).
    judges: IndexMap<String, Option<Arc<Value>>>,
}

/// Read the `judges:` section: named model endpoints that model-backed rewards call. Each
/// entry is checked by the registry's judge check; the resolved section (defaults filled in)
/// goes into the resolved spec.
fn read_judges(
    v: Option<&Value>,
    registry: &Registry,
    errors: &mut Vec<String>,
) -> (IndexMap<String, Option<Arc<Value>>>, Option<Value>) {
    let mut judges = IndexMap::new();
    let entries = match v {
        None | Some(Value::Null) => return (judges, None),
        Some(Value::Object(o)) => o,
        Some(other) => {
            errors.push(format!(
                "judges: expected a mapping of judge name → endpoint, got {}",
                spec_type_name(other)
            ));
            return (judges, None);
        }
    };
    let Some(check) = registry.judge_check() else {
        errors.push("judges: this build has no model-backed rewards to call judges with".into());
        return (judges, None);
    };
    let mut resolved = Map::new();
    for (name, entry) in entries {
        match check(name, entry) {
            Ok(r) => {
                resolved.insert(name.clone(), r.clone());
                judges.insert(name.clone(), Some(Arc::new(r)));
            }
            Err(es) => {
                errors.extend(es);
                judges.insert(name.clone(), None);
            }
        }
    }
    (judges, Some(Value::Object(resolved)))
}

fn read_timeout(v: Option<&Value>, path: &str, default: u64, errors: &mut Vec<String>) -> u64 {
    match v {
        None => default,
        Some(v) => match v.as_u64() {
            Some(0) => {
                errors.push(format!("{}: must be at least 1", join(path, "timeout_ms")));
                default
            }
            Some(t) if t <= MAX_TIMEOUT_MS => t,
            _ => {
                errors.push(format!(
                    "{}: expected a whole number of milliseconds between 1 and {MAX_TIMEOUT_MS}, got {}",
                    join(path, "timeout_ms"),
                    v
                ));
                default
            }
        },
    }
}

fn read_on_error(v: Option<&Value>, path: &str, default: f64, errors: &mut Vec<String>) -> f64 {
    match v {
        None => default,
        Some(v) => match v.as_f64() {
            Some(f) if f.is_finite() => f,
            _ => {
                errors.push(format!(
                    "{}: expected a number, got {}",
                    join(path, "on_error"),
                    spec_type_name(v)
                ));
                default
            }
        },
    }
}

const LEAF_KEYS: [&str; 4] = ["components", "reward", "timeout_ms", "on_error"];
const TOP_KEYS: [&str; 9] = [
    "components",
    "reward",
    "timeout_ms",
    "on_error",
    "group",
    "routes",
    "judges",
    "name",
    "description",
];

fn compile_route(
    name: &str,
    obj: &Map<String, Value>,
    path: &str,
    defaults: &Defaults,
    registry: &Registry,
    errors: &mut Vec<String>,
) -> Option<(Route, Value)> {
    // The top level's own timeout and failure value were read as the defaults already.
    let (timeout_ms, on_error) = if path.is_empty() {
        (defaults.timeout_ms, defaults.on_error)
    } else {
        (
            read_timeout(obj.get("timeout_ms"), path, defaults.timeout_ms, errors),
            read_on_error(obj.get("on_error"), path, defaults.on_error, errors),
        )
    };
    let cpath = join(path, "components");
    let comps = match obj.get("components") {
        Some(Value::Object(c)) if !c.is_empty() => c,
        Some(Value::Object(_)) => {
            errors.push(format!("{cpath}: no components defined"));
            return None;
        }
        Some(other) => {
            errors.push(format!(
                "{cpath}: expected a mapping of name → reward, got {}",
                spec_type_name(other)
            ));
            return None;
        }
        None => {
            errors.push(format!(
                "{cpath}: missing (a spec needs at least one component)"
            ));
            return None;
        }
    };
    let names: Vec<String> = comps.keys().cloned().collect();
    let n_errors = errors.len();
    let mut components = Vec::new();
    let mut resolved_comps = Map::new();
    for (cname, cval) in comps {
        let here = join(&cpath, cname);
        if !cname
            .chars()
            .next()
            .is_some_and(|c| c.is_alphabetic() || c == '_')
            || !cname.chars().all(|c| c.is_alphanumeric() || c == '_')
            || [
                "and", "or", "not", "if", "min", "max", "abs", "clamp", "sqrt", "exp", "log",
            ]
            .contains(&cname.as_str())
        {
            errors.push(format!(
                "{here}: `{cname}` cannot be a component name (use letters, digits and `_`, not starting with a digit, and not a keyword or function name)"
            ));
            continue;
        }
        let (rname, given): (String, IndexMap<String, Value>) = match cval {
            Value::String(s) => (s.clone(), IndexMap::new()),
            Value::Object(o) => {
                check_keys(o, &["reward", "params", "when", "otherwise"], &here, errors);
                let rname = match o.get("reward") {
                    Some(Value::String(s)) => s.clone(),
                    Some(other) => {
                        errors.push(format!(
                            "{here}.reward: expected a reward name, got {}",
                            spec_type_name(other)
                        ));
                        continue;
                    }
                    None => {
                        errors.push(format!(
                            "{here}: missing `reward` (the name of a reward; see `plaudit list`)"
                        ));
                        continue;
                    }
                };
                let given = match o.get("params") {
                    None | Some(Value::Null) => IndexMap::new(),
                    Some(Value::Object(p)) => {
                        p.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
                    }
                    Some(other) => {
                        errors.push(format!(
                            "{here}.params: expected a mapping, got {}",
                            spec_type_name(other)
                        ));
                        continue;
                    }
                };
                (rname, given)
            }
            other => {
                errors.push(format!(
                    "{here}: expected a reward name or {{reward: NAME, params: {{…}}}}, got {}",
                    spec_type_name(other)
                ));
                continue;
            }
        };
        let Some(info) = registry.get(&rname) else {
            // A likely name is enough; without one, the whole catalogue.
            errors.push(match registry.suggest(&rname) {
                Some(s) => format!("{here}: unknown reward `{rname}` (did you mean `{s}`?)"),
                None => format!(
                    "{here}: unknown reward `{rname}` (known rewards: {})",
                    registry.names().join(", ")
                ),
            });
            continue;
        };
        let params =
            match Params::validate(info.params, &given, &|n| names.iter().position(|c| c == n))
                .and_then(|mut p| p.resolve_judges(info.params, &defaults.judges).map(|()| p))
            {
                Ok(p) => p,
                Err(es) => {
                    for e in es {
                        errors.push(format!("{here}.params: {e}"));
                    }
                    continue;
                }
            };
        let reward = match (info.build)(&params) {
            Ok(r) => r,
            Err(e) => {
                errors.push(format!("{here}.params: {e}"));
                continue;
            }
        };
        let gate = match compile_gate(cname, cval, &here, &names, errors) {
            Ok(g) => g,
            Err(()) => continue,
        };
        let mut resolved_comp = json!({"reward": info.name, "params": params.to_json()});
        let mut inputs = params.component_indices();
        if let Some(g) = &gate {
            resolved_comp["when"] = json!(g.src);
            resolved_comp["otherwise"] = json!(g.otherwise);
            let mut vars = Vec::new();
            g.expr.vars(&mut vars);
            for v in vars {
                if !inputs.contains(&v) {
                    inputs.push(v);
                }
            }
        }
        resolved_comps.insert(cname.clone(), resolved_comp);
        components.push(Component {
            gate,
            namespace: format!("{name}/{cname}"),
            name: cname.clone(),
            reward_name: info.name,
            reward,
            params,
            inputs,
        });
    }
    // The expression needs only the components' names: checked even when a component failed,
    // so one run reports every error.
    let parsed = parse_expression(obj, path, &names, errors);
    if errors.len() > n_errors {
        return None;
    }
    let (expr_src, expr) = parsed?;
    // Evaluation order: a depth-first topological sort, reporting cycles.
    let mut order = Vec::new();
    let mut state = vec![0u8; components.len()]; // 0 new, 1 visiting, 2 done
    fn visit(
        i: usize,
        comps: &[Component],
        state: &mut [u8],
        order: &mut Vec<usize>,
        stack: &mut Vec<usize>,
    ) -> Result<(), Vec<usize>> {
        match state[i] {
            2 => return Ok(()),
            1 => {
                let from = stack.iter().position(|&s| s == i).unwrap_or(0);
                let mut cyc = stack[from..].to_vec();
                cyc.push(i);
                return Err(cyc);
            }
            _ => {}
        }
        state[i] = 1;
        stack.push(i);
        for &d in &comps[i].inputs {
            visit(d, comps, state, order, stack)?;
        }
        stack.pop();
        state[i] = 2;
        order.push(i);
        Ok(())
    }
    for i in 0..components.len() {
        if let Err(cyc) = visit(i, &components, &mut state, &mut order, &mut Vec::new()) {
            let names: Vec<&str> = cyc.iter().map(|&c| components[c].name.as_str()).collect();
            errors.push(format!(
                "{cpath}: components read each other in a cycle: {}",
                names.join(" → ")
            ));
            return None;
        }
    }
    // Per-sample components run before any group is complete, so they cannot read a group
    // reward; group rewards may read anything computed before them.
    for c in &components {
        if c.reward.scope() == Scope::Sample {
            if let Some(&g) = c
                .inputs
                .iter()
                .find(|&&d| components[d].reward.scope() == Scope::Group)
            {
                errors.push(format!(
                    "{}: reads `{}`, a group reward ({}), but `{}` is scored per sample before groups are complete; only the expression and other group rewards can read a group reward",
                    join(&cpath, &c.name),
                    components[g].name,
                    components[g].reward_name,
                    c.reward_name
                ));
            }
        }
    }
    if errors.len() > n_errors {
        return None;
    }
    let has_group = components.iter().any(|c| c.reward.scope() == Scope::Group);
    let resolved = json!({
        "timeout_ms": timeout_ms,
        "on_error": on_error,
        "components": resolved_comps,
        "reward": expr_src,
    });
    Some((
        Route {
            name: Arc::from(name),
            components,
            order,
            expr,
            expr_src,
            timeout: Duration::from_millis(timeout_ms),
            on_error,
            has_group,
        },
        resolved,
    ))
}

/// A component's `when:` and `otherwise:` (see [`Gate`]); `Err` after reporting an error.
fn compile_gate(
    cname: &str,
    cval: &Value,
    here: &str,
    names: &[String],
    errors: &mut Vec<String>,
) -> Result<Option<Gate>, ()> {
    let Value::Object(o) = cval else {
        return Ok(None);
    };
    let otherwise = match o.get("otherwise") {
        None => 0.0,
        Some(v) => match v.as_f64().filter(|x| x.is_finite()) {
            Some(x) if o.contains_key("when") => x,
            Some(_) => {
                errors.push(format!(
                    "{here}.otherwise: given without `when` (the value a component takes where its `when:` condition does not hold)"
                ));
                return Err(());
            }
            None => {
                errors.push(format!(
                    "{here}.otherwise: expected a number, got {}",
                    spec_type_name(v)
                ));
                return Err(());
            }
        },
    };
    let src = match o.get("when") {
        None => return Ok(None),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Bool(b)) => b.to_string(),
        Some(Value::Number(n)) => n.to_string(),
        Some(other) => {
            errors.push(format!(
                "{here}.when: expected a condition over other components (e.g. `fmt > 0`), got {}",
                spec_type_name(other)
            ));
            return Err(());
        }
    };
    let src = match src.as_str() {
        "true" => "1".to_string(),
        "false" => "0".to_string(),
        _ => src,
    };
    match Expr::parse(&src, names) {
        Ok(expr) => {
            let mut vars = Vec::new();
            expr.vars(&mut vars);
            if vars.iter().any(|&v| names[v] == cname) {
                errors.push(format!(
                    "{here}.when: `{src}` reads the component itself; a condition reads other components"
                ));
                return Err(());
            }
            Ok(Some(Gate {
                expr,
                src,
                otherwise,
            }))
        }
        Err(e) => {
            errors.push(format!(
                "{here}.when: {e}\n    {src}\n    {}^",
                " ".repeat(e.column.saturating_sub(1))
            ));
            Err(())
        }
    }
}

/// A route's `reward` expression (the component itself when there is only one), parsed against
/// the component names.
fn parse_expression(
    obj: &Map<String, Value>,
    path: &str,
    names: &[String],
    errors: &mut Vec<String>,
) -> Option<(String, Expr)> {
    let expr_src = match obj.get("reward") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        Some(other) => {
            errors.push(format!(
                "{}: expected an expression, got {}",
                join(path, "reward"),
                spec_type_name(other)
            ));
            return None;
        }
        None if names.len() == 1 => names[0].clone(),
        None => {
            errors.push(format!(
                "{}: missing; with several components, say how they combine (e.g. `reward: {}`)",
                join(path, "reward"),
                names.join(" + ")
            ));
            return None;
        }
    };
    match Expr::parse(&expr_src, names) {
        Ok(e) => Some((expr_src, e)),
        Err(e) => {
            errors.push(format!(
                "{}: {e}\n    {expr_src}\n    {}^",
                join(path, "reward"),
                " ".repeat(e.column.saturating_sub(1))
            ));
            None
        }
    }
}

fn compile_group(v: Option<&Value>, errors: &mut Vec<String>) -> (GroupSpec, Value) {
    let mut g = GroupSpec::default();
    let bad_adv = |s: &str| {
        format!(
            "group.advantage: unknown estimator `{s}` (valid: {})",
            Advantage::NAMES.join(", ")
        )
    };
    match v {
        None | Some(Value::Null) => {}
        Some(Value::String(s)) => match Advantage::parse(s) {
            Some(a) => g.advantage = a,
            None => errors.push(bad_adv(s)),
        },
        Some(Value::Object(o)) => {
            check_keys(
                o,
                &["advantage", "eps", "std", "mark_zero_variance"],
                "group",
                errors,
            );
            match o.get("advantage") {
                None => {}
                Some(Value::String(s)) => match Advantage::parse(s) {
                    Some(a) => g.advantage = a,
                    None => errors.push(bad_adv(s)),
                },
                Some(other) => errors.push(format!(
                    "group.advantage: expected a name, got {}",
                    spec_type_name(other)
                )),
            }
            match o.get("eps") {
                None => {}
                Some(v) => match v.as_f64() {
                    Some(e) if e >= 0.0 && e.is_finite() => g.eps = e,
                    _ => errors.push(format!(
                        "group.eps: expected a non-negative number, got {v}"
                    )),
                },
            }
            match o.get("std").map(|v| v.as_str()) {
                None => {}
                Some(Some("sample")) => g.unbiased_std = true,
                Some(Some("population")) => g.unbiased_std = false,
                Some(_) => {
                    errors.push("group.std: expected `sample` (n − 1) or `population` (n)".into())
                }
            }
            match o.get("mark_zero_variance") {
                None => {}
                Some(Value::Bool(b)) => g.mark_zero_variance = *b,
                Some(other) => errors.push(format!(
                    "group.mark_zero_variance: expected true or false, got {}",
                    spec_type_name(other)
                )),
            }
        }
        Some(other) => errors.push(format!(
            "group: expected a mapping or an estimator name, got {}",
            spec_type_name(other)
        )),
    }
    let resolved = json!({
        "advantage": g.advantage.name(),
        "eps": g.eps,
        "std": if g.unbiased_std { "sample" } else { "population" },
        "mark_zero_variance": g.mark_zero_variance,
    });
    (g, resolved)
}

/// Parse spec text: JSON when it starts with `{`, YAML otherwise.
pub fn parse_text(text: &str) -> Result<Value, SpecError> {
    let t = text.trim_start_matches('\u{feff}').trim_start();
    if t.starts_with('{') {
        serde_json::from_str(t).map_err(|e| SpecError::one(format!("spec is not valid JSON: {e}")))
    } else {
        let v: Value = serde_saphyr::from_str(t)
            .map_err(|e| SpecError::one(format!("spec is not valid YAML: {e}")))?;
        Ok(v)
    }
}

impl Spec {
    /// Compile spec text (YAML or JSON).
    pub fn from_text(text: &str, registry: &Registry) -> Result<Spec, SpecError> {
        Spec::from_value(&parse_text(text)?, registry)
    }

    /// Compile a spec given as a JSON value.
    pub fn from_value(v: &Value, registry: &Registry) -> Result<Spec, SpecError> {
        let obj = match v {
            Value::Object(o) => o,
            other => {
                return Err(SpecError::one(format!(
                    "spec: expected a mapping, got {}",
                    spec_type_name(other)
                )))
            }
        };
        let mut errors = Vec::new();
        check_keys(obj, &TOP_KEYS, "", &mut errors);
        let (judges, judges_resolved) = read_judges(obj.get("judges"), registry, &mut errors);
        let defaults = Defaults {
            timeout_ms: read_timeout(obj.get("timeout_ms"), "", DEFAULT_TIMEOUT_MS, &mut errors),
            on_error: read_on_error(obj.get("on_error"), "", 0.0, &mut errors),
            judges,
        };
        let (group, group_resolved) = compile_group(obj.get("group"), &mut errors);
        let mut resolved = Map::new();
        if let Some(n) = obj.get("name") {
            resolved.insert("name".into(), n.clone());
        }
        resolved.insert("timeout_ms".into(), json!(defaults.timeout_ms));
        resolved.insert("on_error".into(), json!(defaults.on_error));
        if let Some(j) = judges_resolved {
            resolved.insert("judges".into(), j);
        }

        let has_leaf = obj.contains_key("components") || obj.contains_key("reward");
        let fallback = if has_leaf {
            compile_route("*", obj, "", &defaults, registry, &mut errors).map(|(r, res)| {
                resolved.insert("components".into(), res["components"].clone());
                resolved.insert("reward".into(), res["reward"].clone());
                Arc::new(r)
            })
        } else {
            None
        };
        let mut routes = IndexMap::new();
        match obj.get("routes") {
            None | Some(Value::Null) => {}
            Some(Value::Object(rs)) => {
                let mut rres = Map::new();
                for (task, rv) in rs {
                    let path = format!("routes.{task}");
                    match rv {
                        Value::Object(ro) => {
                            check_keys(ro, &LEAF_KEYS, &path, &mut errors);
                            if let Some((r, res)) =
                                compile_route(task, ro, &path, &defaults, registry, &mut errors)
                            {
                                routes.insert(task.clone(), Arc::new(r));
                                rres.insert(task.clone(), res);
                            }
                        }
                        other => errors.push(format!(
                            "{path}: expected a mapping, got {}",
                            spec_type_name(other)
                        )),
                    }
                }
                resolved.insert("routes".into(), Value::Object(rres));
            }
            Some(other) => errors.push(format!(
                "routes: expected a mapping of task → spec, got {}",
                spec_type_name(other)
            )),
        }
        if !has_leaf && !obj.contains_key("routes") {
            errors.push("spec: defines no `components` (and no `routes`)".into());
        }
        resolved.insert("group".into(), group_resolved);
        if !errors.is_empty() {
            return Err(SpecError { errors });
        }
        Ok(Spec {
            routes,
            fallback,
            group,
            resolved: Value::Object(resolved),
        })
    }

    /// The component names of every route (the fallback's first), without repeats, in spec
    /// order.
    pub fn component_names(&self) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        for route in self.fallback.iter().chain(self.routes.values()) {
            for c in &route.components {
                if !names.contains(&c.name) {
                    names.push(c.name.clone());
                }
            }
        }
        names
    }

    /// Whether some route has a group reward: results then wait for whole groups (all of the
    /// input, for the CLI) before their reward is known.
    pub fn has_group_rewards(&self) -> bool {
        self.routes
            .values()
            .chain(self.fallback.iter())
            .any(|r| r.has_group)
    }

    /// Whether some route has I/O components ([`Reward::io`]).
    pub fn has_io(&self) -> bool {
        self.routes
            .values()
            .chain(self.fallback.iter())
            .any(|r| r.io())
    }

    /// Whether results must wait for the whole batch: group rewards or a group stage.
    pub fn needs_whole_batch(&self) -> bool {
        self.group.is_active() || self.has_group_rewards()
    }

    /// The route for a task: the route of that name, else the fallback.
    pub fn route_for(&self, task: Option<&str>) -> Result<&Arc<Route>, String> {
        if let Some(r) = task.and_then(|t| self.routes.get(t)) {
            return Ok(r);
        }
        self.fallback.as_ref().ok_or_else(|| {
            let routes: Vec<&str> = self.routes.keys().map(String::as_str).collect();
            match task {
                Some(t) => format!(
                    "no route for task `{t}` (routes: {}) and the spec has no fallback components",
                    routes.join(", ")
                ),
                None => format!(
                    "sample has no `task` and the spec has no fallback components (routes: {})",
                    routes.join(", ")
                ),
            }
        })
    }
}
