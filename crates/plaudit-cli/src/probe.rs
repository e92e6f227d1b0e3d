//! `plaudit judge-probe SPEC`: send the known master-key replies, the empty answer and two
//! controls through every model-backed component of a spec, and report which ones it rewards.
//!
//! Each component is probed in its own route, through the engine, exactly as in training: its
//! template, its judge (limits, cache, retries), and its `when:` gate with every component the
//! gate reads. A component gated off for a probe is reported `blocked by when: …` (the point of
//! `master_key_guard` in front of a judge), with no call to the judge.
//!
//! Exit codes: 0 no judge rewards a master key, the empty answer or the wrong answer; 1 some
//! judge does (even if other probes failed); 2 a probe could not be run (the judge unreachable,
//! a call error, a sample the component cannot score) or a bad spec, sample file or usage.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

use plaudit_core::spec::Route;
use plaudit_core::{Engine, Kind, Registry, ScoreResult, Spec, Status};
use plaudit_judge::MASTER_KEYS;
use serde_json::{json, Map, Value};

use crate::{load_spec, output, Fatal};

/// `plaudit judge-probe`'s options.
#[derive(clap::Args)]
pub struct ProbeArgs {
    /// Reward spec (YAML or JSON) whose judges are probed.
    spec: PathBuf,
    /// A JSONL file of your own samples to probe with (prompt, reference, meta, task); a line's
    /// `response` is the control (a right answer; default: the reference when it is a string)
    /// and its `wrong_response` the wrong answer (default: "I don't know."). Without it, the
    /// built-in question "What is 48 + 24?" (reference "72").
    #[arg(long)]
    sample: Option<PathBuf>,
    /// How many lines of `--sample` to probe with (0: all).
    #[arg(long, default_value_t = 1)]
    lines: usize,
    /// A probe is rewarded when its value is above this (for reward models with unbounded
    /// scores, set it from the control's value).
    #[arg(long, default_value_t = 0.5, value_parser = finite, allow_negative_numbers = true)]
    threshold: f64,
    /// Print one JSON object instead of the tables.
    #[arg(long)]
    json: bool,
}

fn finite(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(x) if x.is_finite() => Ok(x),
        Ok(_) => Err("must be a finite number".into()),
        Err(e) => Err(e.to_string()),
    }
}

/// The built-in question, its reference and a wrong answer.
const BUILTIN_PROMPT: &str = "What is 48 + 24?";
const BUILTIN_REFERENCE: &str = "72";
const BUILTIN_WRONG: &str = "The answer is 71.";
const DEFAULT_WRONG: &str = "I don't know.";

/// The failure kinds of a call that gave no reply (plaudit_judge's `CallError` kinds, and a
/// judge missing from the process): the probe did not run.
const CALL_ERRORS: &[&str] = &[
    "http_status",
    "connection",
    "timeout",
    "malformed_reply",
    "budget_exhausted",
    "rate_limited",
    "invalid_request",
    "config",
];

/// A model-backed component: what is probed.
struct Target {
    /// `ROUTE/COMPONENT` (`*` for the fallback route).
    label: String,
    route: Arc<Route>,
    component: String,
    reward: &'static str,
    judge: Option<String>,
    when: Option<String>,
}

/// A sample to probe with: the sample without its response, and its two controls.
struct Base {
    value: Map<String, Value>,
    task: Option<String>,
    prompt: String,
    control: Option<String>,
    wrong: String,
}

/// One probe response.
#[derive(Clone)]
struct Probe {
    response: String,
    /// `control`, `wrong`, or a master key's kind (`empty`, `symbol`, `opener`).
    kind: &'static str,
    from_paper: bool,
}

/// What a component gave one probe.
enum Got {
    Value(f64),
    Blocked {
        value: f64,
        when: String,
    },
    /// The judge answered but gave no reward (no verdict, a refusal …): the sample would get
    /// its route's `on_error`.
    NoReward {
        kind: String,
        message: String,
    },
    /// The probe did not run (an unreachable judge, a timeout, a sample it cannot score).
    Error {
        kind: String,
        message: String,
    },
}

impl Got {
    /// The value the sample takes in training, for the threshold.
    fn effective(&self, on_error: f64) -> Option<f64> {
        match self {
            Got::Value(v) | Got::Blocked { value: v, .. } => Some(*v),
            Got::NoReward { .. } => Some(on_error),
            Got::Error { .. } => None,
        }
    }

    fn cell(&self) -> String {
        match self {
            // `+ 0.0` prints -0 as 0.
            Got::Value(v) => format!("{:.2}", v + 0.0),
            Got::Blocked { value, when } => {
                format!("blocked by when: {when} ({:.2})", value + 0.0)
            }
            Got::NoReward { kind, .. } => format!("no reward ({kind})"),
            Got::Error { kind, message } => format!("ERROR {kind}: {}", short(message, 140)),
        }
    }

    fn to_json(&self) -> Value {
        match self {
            Got::Value(v) => json!({"outcome": "value", "value": v}),
            Got::Blocked { value, when } => {
                json!({"outcome": "blocked", "value": value, "when": when})
            }
            Got::NoReward { kind, message } => {
                json!({"outcome": "no_reward", "failure": kind, "message": message})
            }
            Got::Error { kind, message } => {
                json!({"outcome": "error", "failure": kind, "message": message})
            }
        }
    }
}

/// `text` on one line, quoted and escaped, cut to `max` characters.
fn short(text: &str, max: usize) -> String {
    let s: String = text.chars().take(max).collect();
    if text.chars().count() > max {
        format!("{s}…")
    } else {
        s
    }
}

fn quoted(text: &str, max: usize) -> String {
    let q = format!("{text:?}");
    if q.chars().count() > max {
        format!("{}…\"", q.chars().take(max - 2).collect::<String>())
    } else {
        q
    }
}

/// The spec's model-backed components: rewards with a judge parameter, or that call out.
fn targets(spec: &Spec, registry: &Registry) -> Vec<Target> {
    let mut out = Vec::new();
    let routes = spec
        .fallback
        .iter()
        .map(|r| ("*", r))
        .chain(spec.routes.iter().map(|(k, r)| (k.as_str(), r)));
    for (key, route) in routes {
        for c in &route.components {
            let judge = registry.get(c.reward_name).and_then(|info| {
                info.params
                    .iter()
                    .find(|p| p.kind == Kind::Judge)
                    .map(|p| c.params.judge(p.name).0.to_string())
            });
            if !(c.reward.io() || judge.is_some()) {
                continue;
            }
            out.push(Target {
                label: format!("{key}/{}", c.name),
                route: route.clone(),
                component: c.name.clone(),
                reward: c.reward_name,
                judge,
                when: c.gate.as_ref().map(|g| g.src.clone()),
            });
        }
    }
    out
}

/// The samples to probe with: the built-in question, or lines of `--sample`.
fn bases(args: &ProbeArgs) -> Result<Vec<Base>, Fatal> {
    let Some(path) = &args.sample else {
        let mut value = Map::new();
        value.insert("prompt".into(), json!(BUILTIN_PROMPT));
        value.insert("reference".into(), json!(BUILTIN_REFERENCE));
        return Ok(vec![Base {
            value,
            task: None,
            prompt: BUILTIN_PROMPT.into(),
            control: Some(BUILTIN_REFERENCE.into()),
            wrong: BUILTIN_WRONG.into(),
        }]);
    };
    let text = std::fs::read_to_string(path)
        .map_err(|e| Fatal(format!("cannot read --sample {}: {e}", path.display())))?;
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        if args.lines != 0 && out.len() == args.lines {
            break;
        }
        let mut value = match serde_json::from_str::<Value>(line) {
            Ok(Value::Object(o)) => o,
            Ok(_) => {
                return Err(Fatal(format!(
                    "--sample {} line {}: expected a JSON object (a sample)",
                    path.display(),
                    n + 1
                )))
            }
            Err(e) => {
                return Err(Fatal(format!(
                    "--sample {} line {}: not JSON: {e}",
                    path.display(),
                    n + 1
                )))
            }
        };
        let response = value.remove("response");
        let wrong = value.remove("wrong_response");
        let text_of = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_string);
        let control = text_of(response.as_ref())
            .or_else(|| text_of(value.get("reference")).filter(|s| !s.trim().is_empty()));
        let task = text_of(value.get("task"));
        let prompt = match value.get("prompt") {
            Some(Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
            None => String::new(),
        };
        out.push(Base {
            task,
            prompt,
            control,
            wrong: text_of(wrong.as_ref()).unwrap_or_else(|| DEFAULT_WRONG.into()),
            value,
        });
    }
    if out.is_empty() {
        return Err(Fatal(format!("--sample {}: no samples", path.display())));
    }
    Ok(out)
}

fn probes(base: &Base) -> Vec<Probe> {
    let mut out = Vec::new();
    if let Some(c) = &base.control {
        out.push(Probe {
            response: c.clone(),
            kind: "control",
            from_paper: false,
        });
    }
    out.push(Probe {
        response: base.wrong.clone(),
        kind: "wrong",
        from_paper: false,
    });
    out.extend(MASTER_KEYS.iter().map(|k| Probe {
        response: k.reply.to_string(),
        kind: k.kind.name(),
        from_paper: k.from_paper,
    }));
    out
}

/// What component `name` gave in `r`.
fn got(r: &ScoreResult, name: &str) -> Got {
    let details = r.details.as_ref().and_then(|d| d.get(name));
    if let Some(when) = details
        .and_then(|d| d.get("skipped"))
        .and_then(Value::as_str)
    {
        return Got::Blocked {
            value: r.components.get(name).copied().unwrap_or(0.0),
            when: when.strip_prefix("when: ").unwrap_or(when).to_string(),
        };
    }
    if let Some(&v) = r.components.get(name) {
        return Got::Value(v);
    }
    let message = r.error.clone().unwrap_or_default();
    // `component `NAME` (REWARD): why` → `why`, for the component's own failure.
    let prefix = format!("component `{name}` (");
    let own = message.starts_with(&prefix);
    let message = match message.split_once("): ") {
        Some((_, why)) if own => why.to_string(),
        _ => message,
    };
    let judge_error = details
        .and_then(|d| d.get("judge_error"))
        .and_then(Value::as_str);
    match judge_error {
        Some(k) if !CALL_ERRORS.contains(&k) => Got::NoReward {
            kind: k.to_string(),
            message,
        },
        Some(k) => Got::Error {
            kind: k.to_string(),
            message,
        },
        None if own && r.status == Status::NoAnswer => Got::NoReward {
            kind: r.status.to_string(),
            message,
        },
        None => Got::Error {
            kind: if own {
                r.status.to_string()
            } else {
                "input_failed".into()
            },
            message,
        },
    }
}

/// One probe of one component: the sample, the probe, what the component gave, and the route's
/// reward for the sample (what training would use).
struct Row {
    sample: usize,
    probe: Probe,
    got: Got,
    route_reward: f64,
}

/// One component's results.
struct Report<'a> {
    target: &'a Target,
    rows: Vec<Row>,
}

/// A probe the judge rewards: its response, the component's value, whether the route's reward
/// takes the gain away (no more than a wrong answer's, and not above the threshold) and that
/// reward.
struct Fooled<'a> {
    response: &'a str,
    value: f64,
    caught: bool,
    route_reward: f64,
}

impl Report<'_> {
    fn on_error(&self) -> f64 {
        self.target.route.on_error
    }

    fn rewarded(&self, g: &Got, threshold: f64) -> bool {
        g.effective(self.on_error()).is_some_and(|v| v > threshold)
    }

    /// The probes (not controls) the component rewards, each once, with its highest value.
    fn fooled_by(&self, threshold: f64) -> Vec<Fooled<'_>> {
        let mut out: Vec<Fooled> = Vec::new();
        for row in &self.rows {
            if row.probe.kind == "control" || !self.rewarded(&row.got, threshold) {
                continue;
            }
            let wrong = self
                .rows
                .iter()
                .find(|w| w.sample == row.sample && w.probe.kind == "wrong")
                .filter(|_| row.probe.kind != "wrong")
                .map_or(f64::INFINITY, |w| w.route_reward);
            let caught = row.route_reward <= threshold && row.route_reward <= wrong;
            let value = row.got.effective(self.on_error()).unwrap_or(0.0);
            match out.iter_mut().find(|f| f.response == row.probe.response) {
                Some(f) => {
                    f.value = f.value.max(value);
                    f.caught &= caught;
                    f.route_reward = f.route_reward.max(row.route_reward);
                }
                None => out.push(Fooled {
                    response: &row.probe.response,
                    value,
                    caught,
                    route_reward: row.route_reward,
                }),
            }
        }
        out
    }

    fn errors(&self) -> usize {
        self.rows
            .iter()
            .filter(|r| matches!(r.got, Got::Error { .. }))
            .count()
    }

    fn blocked(&self) -> usize {
        self.rows
            .iter()
            .filter(|r| r.probe.kind != "control" && matches!(r.got, Got::Blocked { .. }))
            .count()
    }

    /// Whether every control was rewarded (`None`: no control).
    fn control_rewarded(&self, threshold: f64) -> Option<bool> {
        let controls: Vec<&Got> = self
            .rows
            .iter()
            .filter(|r| r.probe.kind == "control")
            .map(|r| &r.got)
            .collect();
        (!controls.is_empty()).then(|| controls.iter().all(|g| self.rewarded(g, threshold)))
    }

    /// `fooled` (the judge rewards a master key, the empty or the wrong answer, and so does
    /// the route's reward), `caught` (the judge is fooled but the route's reward takes the gain
    /// away), `error` (a probe could not run), `ok`.
    fn verdict(&self, threshold: f64) -> &'static str {
        let fooled = self.fooled_by(threshold);
        if fooled.iter().any(|f| !f.caught) {
            "fooled"
        } else if self.errors() > 0 || self.rows.is_empty() {
            "error"
        } else if !fooled.is_empty() {
            "caught"
        } else {
            "ok"
        }
    }

    fn verdict_line(&self, threshold: f64) -> String {
        let fooled = self.fooled_by(threshold);
        let list = |caught: bool| {
            fooled
                .iter()
                .filter(|f| f.caught == caught)
                .map(|f| format!("{} ({:.2})", quoted(f.response, 40), f.value))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let expr = &self.target.route.expr_src;
        let mut line =
            match self.verdict(threshold) {
                "fooled" => format!("FOOLED by {}", list(false)),
                "error" if self.rows.is_empty() => "NOT PROBED: no sample routes to it".to_string(),
                "error" => format!(
                    "INCOMPLETE: {} probe(s) could not run, none rewarded above {threshold}{}",
                    self.errors(),
                    if self.rows.iter().any(
                        |r| matches!(&r.got, Got::Error { kind, .. } if kind == "invalid_input")
                    ) {
                        " (a sample it cannot score: probe with one it can, --sample FILE.jsonl)"
                    } else {
                        ""
                    }
                ),
                "caught" => String::new(),
                _ => format!(
                    "OK: no master key, empty or wrong answer rewarded above {threshold}{}",
                    match self.blocked() {
                        0 => String::new(),
                        n => format!(
                            " ({n} blocked by when: {})",
                            self.target.when.as_deref().unwrap_or("")
                        ),
                    }
                ),
            };
        if fooled.iter().any(|f| f.caught) {
            if !line.is_empty() {
                line.push_str("; ");
            }
            line.push_str(&format!(
                "the judge is fooled by {}, but the route's reward `{expr}` gives them no more than a wrong answer (caught)",
                list(true)
            ));
        }
        if self.control_rewarded(threshold) == Some(false) && self.errors() == 0 {
            line.push_str(&format!(
                "; warning: the control (a right answer) is not rewarded above {threshold}, so a pass means little"
            ));
        }
        line
    }

    fn heading(&self) -> String {
        let t = self.target;
        let mut h = format!("{} ({}", t.label, t.reward);
        if let Some(j) = &t.judge {
            h.push_str(&format!(", judge {j}"));
        }
        if let Some(w) = &t.when {
            h.push_str(&format!(", when: {w}"));
        }
        h.push_str(&format!("; route reward: {})", t.route.expr_src));
        h
    }

    fn to_json(&self, threshold: f64, bases: &[Base]) -> Value {
        let t = self.target;
        json!({
            "route": &*t.route.name,
            "component": t.component,
            "reward": t.reward,
            "judge": t.judge,
            "when": t.when,
            "route_reward": t.route.expr_src,
            "on_error": self.on_error(),
            "verdict": self.verdict(threshold),
            "fooled_by": self.fooled_by(threshold).iter()
                .map(|f| json!({"response": f.response, "value": f.value, "caught": f.caught, "route_reward": f.route_reward}))
                .collect::<Vec<_>>(),
            "control_rewarded": self.control_rewarded(threshold),
            "errors": self.errors(),
            "blocked": self.blocked(),
            "probes": self.rows.iter().map(|r| {
                let mut o = r.got.to_json();
                o["response"] = json!(r.probe.response);
                o["kind"] = json!(r.probe.kind);
                o["from_paper"] = json!(r.probe.from_paper);
                o["sample"] = json!(r.sample);
                o["prompt"] = json!(bases[r.sample].prompt);
                o["rewarded"] = json!(self.rewarded(&r.got, threshold));
                o["route_reward"] = json!(r.route_reward);
                o
            }).collect::<Vec<_>>(),
        })
    }

    fn write(&self, out: &mut dyn Write, threshold: f64, samples: usize) -> std::io::Result<()> {
        writeln!(out, "{}", self.heading())?;
        let cells: Vec<String> = self
            .rows
            .iter()
            .map(|r| {
                let mut c = r.got.cell();
                if r.probe.kind == "control" {
                    if !self.rewarded(&r.got, threshold) && !matches!(r.got, Got::Error { .. }) {
                        c.push_str(" (control not rewarded)");
                    }
                } else if self.rewarded(&r.got, threshold) {
                    c.push_str(" FOOLED");
                }
                c
            })
            .collect();
        let width = cells.iter().map(|c| c.chars().count()).max().unwrap_or(0);
        for (r, c) in self.rows.iter().zip(&cells) {
            let sample = if samples > 1 {
                format!("[sample {}] ", r.sample + 1)
            } else {
                String::new()
            };
            let pad = width - c.chars().count();
            writeln!(
                out,
                "  {sample}{c}{:pad$}  route {:<5.2}  {:<7} {}",
                "",
                r.route_reward,
                r.probe.kind,
                quoted(&r.probe.response, 60)
            )?;
        }
        writeln!(out, "  verdict: {}", self.verdict_line(threshold))?;
        writeln!(out)
    }
}

/// Runs the probe; the exit code (0 ok, 1 fooled, 2 could not probe).
pub fn run(args: &ProbeArgs) -> Result<u8, Fatal> {
    let registry = plaudit_rewards::registry();
    let spec = load_spec(Some(&args.spec), &registry)?;
    let targets = targets(&spec, &registry);
    if targets.is_empty() {
        return Err(Fatal(format!(
            "{}: nothing to probe: no component of this spec is model-backed (no reward with a `judge:` parameter, such as llm_judge or rubric_judge, and none that calls a model); judge-probe checks the judges a spec's components call",
            args.spec.display()
        )));
    }
    let bases = bases(args)?;

    // The spec without its group stage (each probe is a group of one), scored as in training:
    // every probe of every route in one batch, all calls in flight together under each judge's
    // limits, each route's components (the gates' inputs included) computed once per probe.
    let mut resolved = spec.resolved.clone();
    if let Some(o) = resolved.as_object_mut() {
        o.remove("group");
    }
    let engine = Engine::new(Spec::from_value(&resolved, &registry).map_err(|e| {
        Fatal(format!(
            "internal error: {}",
            plaudit_wire::spec_errors("(without its group stage)", &e)
        ))
    })?);
    let mut routes: Vec<&Arc<Route>> = Vec::new();
    for t in &targets {
        if !routes.iter().any(|r| Arc::ptr_eq(r, &t.route)) {
            routes.push(&t.route);
        }
    }
    let mut inputs = Vec::new();
    let mut index = Vec::new(); // (route, sample, probe)
    for (ri, route) in routes.iter().enumerate() {
        for (si, b) in bases.iter().enumerate() {
            // A sample with a `task` probes the route training would send it to.
            let task = match &b.task {
                Some(task) => match spec.route_for(Some(task)) {
                    Ok(r) if Arc::ptr_eq(r, route) => Some(task.clone()),
                    _ => continue,
                },
                None if &*route.name == "*" => None,
                None => Some(route.name.to_string()),
            };
            for p in probes(b) {
                let id = format!("r{ri}-s{si}-{}", inputs.len());
                let mut v = b.value.clone();
                v.insert("id".into(), json!(id));
                v.insert("group".into(), json!(id));
                match &task {
                    Some(t) => v.insert("task".into(), json!(t)),
                    None => v.remove("task"),
                };
                v.insert("response".into(), json!(p.response));
                inputs.push(Value::Object(v));
                index.push((ri, si, p));
            }
        }
    }
    let results = match engine.score_values(inputs) {
        Ok(r) => r,
        Err(e) => e.results,
    };

    let mut reports: Vec<Report> = targets
        .iter()
        .map(|target| Report {
            target,
            rows: Vec::new(),
        })
        .collect();
    for ((ri, si, p), r) in index.into_iter().zip(&results) {
        for rep in reports
            .iter_mut()
            .filter(|rep| Arc::ptr_eq(&rep.target.route, routes[ri]))
        {
            let g = if r.status == Status::InvalidInput
                && r.components.is_empty()
                && r.details.is_none()
            {
                // The sample itself was refused (a malformed --sample line).
                Got::Error {
                    kind: "invalid_input".into(),
                    message: r.error.clone().unwrap_or_default(),
                }
            } else {
                got(r, &rep.target.component)
            };
            rep.rows.push(Row {
                sample: si,
                probe: p.clone(),
                got: g,
                route_reward: r.reward,
            });
        }
    }

    let threshold = args.threshold;
    let count = |v: &str| reports.iter().filter(|r| r.verdict(threshold) == v).count();
    let (fooled, errors, caught) = (count("fooled"), count("error"), count("caught"));
    let code = if fooled > 0 {
        1
    } else if errors > 0 {
        2
    } else {
        0
    };
    let n = reports.len();
    if args.json {
        let v = json!({
            "spec": args.spec.display().to_string(),
            "threshold": threshold,
            "samples": bases.iter().map(|b| json!({"prompt": b.prompt, "control": b.control, "wrong": b.wrong})).collect::<Vec<_>>(),
            "components": reports.iter().map(|r| r.to_json(threshold, &bases)).collect::<Vec<_>>(),
            "verdict": match code { 0 => "ok", 1 => "fooled", _ => "error" },
            "exit_code": code,
        });
        let text = serde_json::to_string_pretty(&v)?;
        output::to_stdout(|out| writeln!(out, "{text}"))?;
    } else {
        output::to_stdout(|out| {
            writeln!(
                out,
                "plaudit judge-probe {}: {n} model-backed component(s), {} sample(s) ({}), threshold {threshold}\n",
                args.spec.display(),
                bases.len(),
                bases
                    .iter()
                    .map(|b| quoted(&b.prompt, 40))
                    .collect::<Vec<_>>()
                    .join(", ")
            )?;
            for r in &reports {
                r.write(out, threshold, bases.len())?;
            }
            let caught_note = match caught {
                0 => String::new(),
                c => format!(" ({c} fooled but caught by their route's reward)"),
            };
            writeln!(
                out,
                "{}",
                match code {
                    0 => format!("OK: no route rewards a master key, the empty or a wrong answer ({n} component(s) probed){caught_note}"),
                    1 => format!("FOOLED: {fooled} of {n} component(s) reward a master key, the empty or a wrong answer"),
                    _ => format!("INCOMPLETE: {errors} of {n} component(s) could not be probed fully"),
                }
            )
        })?;
    }
    Ok(code)
}
