//! The batch executor: scores samples under their deadlines, in parallel, in input order, and
//! fail-closed: every input gets exactly one result with a status.

use std::cell::{Cell, RefCell};
use std::io::BufRead;
use std::panic::{self, AssertUnwindSafe};
use std::sync::{Arc, Once};

use indexmap::IndexMap;
use rayon::prelude::*;
use serde_json::{Map, Value};

use crate::deadline::Deadline;
use crate::result::{ScoreResult, Status};
use crate::reward::{Ctx, Failure};
use crate::sample::Sample;
use crate::spec::{Route, Spec};

/// One input to score: a parsed sample, or the reason it could not be parsed.
#[derive(Clone, Debug)]
pub enum Input {
    Sample(Box<Sample>),
    Invalid {
        id: Value,
        group: Option<String>,
        message: String,
    },
}

impl Input {
    /// From a JSON value (server and Python fronts).
    pub fn from_value(v: Value) -> Input {
        let id = Sample::id_of(&v);
        let group = group_key(&v);
        match Sample::from_value(v) {
            Ok(s) => Input::Sample(Box::new(s)),
            Err(message) => Input::Invalid { id, group, message },
        }
    }

    /// From one line of a JSONL file (without its newline). `line_no` is 1-based, for messages.
    pub fn from_line(line: &[u8], line_no: usize) -> Input {
        let invalid = |message: String| Input::Invalid {
            id: Value::Null,
            group: None,
            message,
        };
        let text = match std::str::from_utf8(line) {
            Ok(t) => t,
            Err(e) => {
                return invalid(format!(
                    "line {line_no}: not valid UTF-8 (at byte {})",
                    e.valid_up_to()
                ))
            }
        };
        let text = text.strip_suffix('\r').unwrap_or(text);
        if text.trim().is_empty() {
            return invalid(format!("line {line_no}: empty line"));
        }
        match Sample::from_json_str(text) {
            Ok(s) => Input::Sample(Box::new(s)),
            Err(message) => {
                // Rare path: recover the id and group for the result, if the JSON has them.
                let v = serde_json::from_str::<Value>(text).unwrap_or(Value::Null);
                Input::Invalid {
                    id: Sample::id_of(&v),
                    group: group_key(&v),
                    message: format!("line {line_no}: {message}"),
                }
            }
        }
    }

    pub fn group(&self) -> Option<String> {
        match self {
            Input::Sample(s) => s.group.clone(),
            Input::Invalid { group, .. } => group.clone(),
        }
    }
}

fn group_key(v: &Value) -> Option<String> {
    v.get("group").and_then(|g| match g {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    })
}

/// Reads JSONL lines as raw bytes, one per `\n`, with a cap on line length: a longer line is
/// skipped to its end and reported as too long rather than read into memory.
pub struct LineReader<R> {
    inner: R,
    max_line_bytes: usize,
    line_no: usize,
}

/// A raw line, or a line that was over the cap (with its length).
pub enum RawLine {
    Line(Vec<u8>),
    TooLong(usize),
}

impl<R: BufRead> LineReader<R> {
    pub fn new(inner: R, max_line_bytes: usize) -> Self {
        LineReader {
            inner,
            max_line_bytes,
            line_no: 0,
        }
    }

    /// The next line and its 1-based number; `None` at the end of input.
    pub fn next_line(&mut self) -> std::io::Result<Option<(usize, RawLine)>> {
        let mut buf = Vec::new();
        let mut total = 0usize;
        let mut too_long = false;
        let mut saw_any = false;
        loop {
            let chunk = self.inner.fill_buf()?;
            if chunk.is_empty() {
                break;
            }
            saw_any = true;
            let (take, done) = match chunk.iter().position(|&b| b == b'\n') {
                Some(p) => (p, true),
                None => (chunk.len(), false),
            };
            total += take;
            if !too_long {
                if total > self.max_line_bytes {
                    too_long = true;
                    buf = Vec::new();
                } else {
                    buf.extend_from_slice(&chunk[..take]);
                }
            }
            self.inner.consume(take + usize::from(done));
            if done {
                break;
            }
        }
        if !saw_any {
            return Ok(None);
        }
        self.line_no += 1;
        Ok(Some((
            self.line_no,
            if too_long {
                RawLine::TooLong(total)
            } else {
                RawLine::Line(buf)
            },
        )))
    }

    /// Up to `n` inputs, parsed in parallel.
    pub fn next_chunk(&mut self, n: usize) -> std::io::Result<Vec<Input>> {
        let mut raw = Vec::with_capacity(n);
        while raw.len() < n {
            match self.next_line()? {
                Some(l) => raw.push(l),
                None => break,
            }
        }
        let max = self.max_line_bytes;
        Ok(raw
            .into_par_iter()
            .map(|(no, l)| match l {
                RawLine::Line(b) => Input::from_line(&b, no),
                RawLine::TooLong(len) => Input::Invalid {
                    id: Value::Null,
                    group: None,
                    message: format!(
                        "line {no}: {len} bytes, over the limit of {max} bytes per line"
                    ),
                },
            })
            .collect())
    }
}

thread_local! {
    static SCORING: Cell<bool> = const { Cell::new(false) };
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

static HOOK: Once = Once::new();

/// Install (once per process) a panic hook that stays quiet for panics caught while scoring and
/// records where they happened; other panics go to the previous hook.
fn install_panic_hook() {
    HOOK.call_once(|| {
        let prev = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if SCORING.with(Cell::get) {
                let msg = if let Some(s) = info.payload().downcast_ref::<&str>() {
                    s.to_string()
                } else if let Some(s) = info.payload().downcast_ref::<String>() {
                    s.clone()
                } else {
                    "panic".to_string()
                };
                let loc = info
                    .location()
                    .map(|l| format!(" at {}:{}", l.file(), l.line()))
                    .unwrap_or_default();
                LAST_PANIC.with(|p| *p.borrow_mut() = Some(format!("{msg}{loc}")));
            } else {
                prev(info);
            }
        }));
    });
}

/// Why a batch should stop early: a deadline for the whole request, and a flag that a front sets
/// when the client has gone away.
#[derive(Clone, Debug, Default)]
pub struct Stop {
    deadline: Option<(std::time::Instant, u128)>,
    cancelled: Arc<std::sync::atomic::AtomicBool>,
}

impl Stop {
    pub fn never() -> Stop {
        Stop::default()
    }

    /// Stop once `budget` has passed.
    pub fn after(budget: std::time::Duration) -> Stop {
        Stop {
            deadline: std::time::Instant::now()
                .checked_add(budget)
                .map(|d| (d, budget.as_millis())),
            ..Stop::default()
        }
    }

    /// Mark the batch cancelled (e.g. the client disconnected).
    pub fn cancel(&self) {
        self.cancelled
            .store(true, std::sync::atomic::Ordering::Relaxed);
    }

    /// `Some(reason)` once the batch should stop.
    pub fn reason(&self) -> Option<String> {
        if self.cancelled.load(std::sync::atomic::Ordering::Relaxed) {
            return Some("request cancelled before this sample was scored".into());
        }
        match self.deadline {
            Some((at, ms)) if std::time::Instant::now() >= at => Some(format!(
                "request deadline of {ms} ms passed before this sample was scored"
            )),
            _ => None,
        }
    }
}

/// A compiled spec, ready to score.
#[derive(Clone)]
pub struct Engine {
    spec: Arc<Spec>,
}

impl Engine {
    pub fn new(spec: Spec) -> Engine {
        install_panic_hook();
        Engine {
            spec: Arc::new(spec),
        }
    }

    pub fn spec(&self) -> &Spec {
        &self.spec
    }

    /// The reward given to failed samples of this input (its route's `on_error`).
    fn failure_value(&self, task: Option<&str>) -> f64 {
        self.spec
            .route_for(task)
            .map(|r| r.on_error)
            .unwrap_or_else(|_| {
                self.spec
                    .fallback
                    .as_ref()
                    .map(|r| r.on_error)
                    .unwrap_or_else(|| {
                        self.spec
                            .routes
                            .values()
                            .next()
                            .map(|r| r.on_error)
                            .unwrap_or(0.0)
                    })
            })
    }

    /// Score one input (no group stage).
    pub fn score_input(&self, input: &Input) -> ScoreResult {
        match input {
            Input::Sample(s) => self.score_sample(s),
            Input::Invalid { id, message, .. } => ScoreResult::failed(
                id.clone(),
                Status::InvalidInput,
                self.failure_value(None),
                message.clone(),
            ),
        }
    }

    /// Score one sample under its route's deadline (no group stage).
    pub fn score_sample(&self, sample: &Sample) -> ScoreResult {
        let route = match self.spec.route_for(sample.task.as_deref()) {
            Ok(r) => r,
            Err(msg) => {
                return ScoreResult::failed(
                    sample.id.clone(),
                    Status::InvalidInput,
                    self.failure_value(None),
                    msg,
                )
            }
        };
        score_route(route, sample, Deadline::after(route.timeout))
    }

    /// Score a batch in parallel on the current rayon pool, then run the group stage.
    /// Results are in input order, one per input.
    pub fn score_batch(&self, inputs: &[Input]) -> Vec<ScoreResult> {
        self.score_batch_until(inputs, &Stop::never())
    }

    /// [`Engine::score_batch`] that gives up when `stop` fires (a request deadline passed, or the
    /// client went away): samples not yet scored get `timeout` with the reason, so the batch still
    /// has one result per input.
    pub fn score_batch_until(&self, inputs: &[Input], stop: &Stop) -> Vec<ScoreResult> {
        let mut results: Vec<ScoreResult> = inputs
            .par_iter()
            .map(|i| match stop.reason() {
                None => self.score_input(i),
                Some(why) => {
                    let (id, task) = match i {
                        Input::Sample(s) => (s.id.clone(), s.task.as_deref()),
                        Input::Invalid { id, .. } => (id.clone(), None),
                    };
                    ScoreResult::failed(id, Status::Timeout, self.failure_value(task), why)
                }
            })
            .collect();
        let keys: Vec<Option<String>> = inputs.iter().map(Input::group).collect();
        self.spec.group.apply(&mut results, &keys);
        results
    }

    /// Score JSON values (server, Python).
    pub fn score_values(&self, values: Vec<Value>) -> Vec<ScoreResult> {
        let inputs: Vec<Input> = values.into_par_iter().map(Input::from_value).collect();
        self.score_batch(&inputs)
    }
}

/// Score a sample with a route's components and expression under `deadline`.
pub fn score_route(route: &Route, sample: &Sample, deadline: Deadline) -> ScoreResult {
    let n = route.components.len();
    let mut values: Vec<Option<f64>> = vec![None; n];
    let mut details: Map<String, Value> = Map::new();
    let mut first_failure: Option<(Status, String)> = None;
    for &i in &route.order {
        let c = &route.components[i];
        let outcome = if let Err(f) = deadline.check() {
            Err(f)
        } else if let Some(&dep) = c.inputs.iter().find(|&&d| values[d].is_none()) {
            Err(Failure::error(format!(
                "its input `{}` has no value",
                route.components[dep].name
            )))
        } else {
            let cx = Ctx::new(&deadline, &values);
            SCORING.with(|s| s.set(true));
            let r = panic::catch_unwind(AssertUnwindSafe(|| c.reward.score(sample, &cx)));
            SCORING.with(|s| s.set(false));
            match r {
                Ok(o) => o.and_then(|s| {
                    if deadline.expired() {
                        Err(deadline.timeout())
                    } else if !s.value.is_finite() {
                        Err(
                            Failure::error(format!("gave a non-finite value ({})", s.value))
                                .with_details(s.details.clone().unwrap_or(Value::Null)),
                        )
                    } else {
                        Ok(s)
                    }
                }),
                Err(_) => {
                    let msg = LAST_PANIC
                        .with(|p| p.borrow_mut().take())
                        .unwrap_or_else(|| "panic".into());
                    Err(Failure::error(format!("internal error (panic: {msg})")))
                }
            }
        };
        match outcome {
            Ok(s) => {
                values[i] = Some(s.value);
                if let Some(d) = s.details {
                    details.insert(c.name.clone(), d);
                }
            }
            Err(f) => {
                if let Some(d) = f.details {
                    details.insert(c.name.clone(), d);
                }
                if first_failure.is_none() {
                    first_failure = Some((
                        f.status,
                        format!("component `{}` ({}): {}", c.name, c.reward_name, f.message),
                    ));
                }
            }
        }
    }
    let mut components = IndexMap::with_capacity(n);
    for (c, v) in route.components.iter().zip(&values) {
        if let Some(v) = v {
            components.insert(c.name.clone(), *v);
        }
    }
    let (reward, status, error) = match first_failure {
        Some((st, msg)) => (route.on_error, st, Some(msg)),
        None => match route.expr.eval(&values) {
            Ok(r) => (r, Status::Ok, None),
            Err(e) => (route.on_error, Status::Error, Some(e)),
        },
    };
    ScoreResult {
        id: sample.id.clone(),
        reward,
        components,
        advantage: None,
        status,
        error,
        details: if details.is_empty() {
            None
        } else {
            Some(Value::Object(details))
        },
        zero_variance: None,
    }
}
