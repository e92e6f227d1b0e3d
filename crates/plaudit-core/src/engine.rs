//! The batch executor: scores samples under their deadlines, in parallel, in input order, and
//! fail-closed: every input gets exactly one result with a status.

use std::cell::{Cell, RefCell};
use std::io::BufRead;
use std::panic::{self, AssertUnwindSafe};
use std::sync::{Arc, Once};

use rayon::prelude::*;
use serde_json::Value;

use crate::deadline::Deadline;
use crate::result::{Observation, ResultParts, ScoreResult, Status};
use crate::reward::{BoxFuture, Ctx, Failure, GroupCtx, Member, Outcome};
use crate::sample::Sample;
use crate::spec::{Route, Spec};
use crate::state::{MemoryStore, Store};

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
    /// The lines of the last chunk, kept for the next (see [`LineReader::next_chunk_bytes`]).
    chunk_buf: Vec<u8>,
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
            chunk_buf: Vec::new(),
        }
    }

    /// The next line and its 1-based number; `None` at the end of input.
    pub fn next_line(&mut self) -> std::io::Result<Option<(usize, RawLine)>> {
        let mut buf = Vec::new();
        Ok(self.append_line(&mut buf)?.map(|(no, r)| {
            (
                no,
                match r {
                    Ok(()) => RawLine::Line(buf),
                    Err(total) => RawLine::TooLong(total),
                },
            )
        }))
    }

    /// The next line appended to `buf`, with its 1-based number; `Err(length)` (and `buf` as it
    /// was) when it is over the cap; `None` at the end of input.
    fn append_line(
        &mut self,
        buf: &mut Vec<u8>,
    ) -> std::io::Result<Option<(usize, Result<(), usize>)>> {
        let start = buf.len();
        let mut total = 0usize;
        let mut too_long = false;
        let mut saw_any = false;
        loop {
            let chunk = self.inner.fill_buf()?;
            if chunk.is_empty() {
                break;
            }
            saw_any = true;
            let (take, done) = match memchr::memchr(b'\n', chunk) {
                Some(p) => (p, true),
                None => (chunk.len(), false),
            };
            total += take;
            if !too_long {
                if total > self.max_line_bytes {
                    too_long = true;
                    buf.truncate(start);
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
            if too_long { Err(total) } else { Ok(()) },
        )))
    }

    /// Up to `n` inputs, parsed in parallel.
    pub fn next_chunk(&mut self, n: usize) -> std::io::Result<Vec<Input>> {
        self.next_chunk_bytes(n, usize::MAX)
    }

    /// Up to `n` inputs, fewer once their lines hold `max_bytes` (at least one line): a chunk of
    /// long lines takes no more memory than a chunk of short ones, and that memory is reused by
    /// the next chunk instead of being taken fresh from the system. The lines are read into one
    /// buffer kept from chunk to chunk (no allocation per line), then parsed in parallel.
    pub fn next_chunk_bytes(&mut self, n: usize, max_bytes: usize) -> std::io::Result<Vec<Input>> {
        let buf = std::mem::take(&mut self.chunk_buf);
        let raw = self.next_raw_chunk(n, max_bytes, buf)?;
        let out = raw.parse();
        self.chunk_buf = raw.into_buffer();
        Ok(out)
    }

    /// The lines of the next chunk (as [`LineReader::next_chunk_bytes`] cuts it), not parsed yet:
    /// a reader thread can cut the next chunk while the current one is parsed and scored. `buf`
    /// is a buffer to reuse (a previous chunk's [`RawChunk::into_buffer`]).
    pub fn next_raw_chunk(
        &mut self,
        n: usize,
        max_bytes: usize,
        mut buf: Vec<u8>,
    ) -> std::io::Result<RawChunk> {
        buf.clear();
        let mut lines = Vec::with_capacity(n.min(1 << 16));
        while lines.len() < n && buf.len() < max_bytes {
            let st = buf.len();
            match self.append_line(&mut buf)? {
                Some((no, r)) => lines.push((no, r.map(|()| st..buf.len()))),
                None => break,
            }
        }
        Ok(RawChunk {
            buf,
            lines,
            max_line_bytes: self.max_line_bytes,
        })
    }
}

/// The lines of a chunk of JSONL input, read and not parsed yet (see
/// [`LineReader::next_raw_chunk`]).
pub struct RawChunk {
    buf: Vec<u8>,
    /// (line number, its range in `buf` or its length when over the cap)
    lines: Vec<(usize, Result<std::ops::Range<usize>, usize>)>,
    max_line_bytes: usize,
}

impl RawChunk {
    /// No line: the end of the input.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// The chunk's inputs, parsed in parallel on the current rayon pool.
    pub fn parse(&self) -> Vec<Input> {
        (0..self.lines.len())
            .into_par_iter()
            .map(|i| self.input(i))
            .collect()
    }

    /// How many lines the chunk has.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// Line `i` of the chunk, parsed.
    pub fn input(&self, i: usize) -> Input {
        let (no, l) = &self.lines[i];
        match l {
            Ok(range) => Input::from_line(&self.buf[range.clone()], *no),
            Err(len) => Input::Invalid {
                id: Value::Null,
                group: None,
                message: format!(
                    "line {no}: {len} bytes, over the limit of {} bytes per line",
                    self.max_line_bytes
                ),
            },
        }
    }

    /// The chunk's buffer, to read another chunk into.
    pub fn into_buffer(self) -> Vec<u8> {
        self.buf
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
/// The error of a sample not scored because its request was cancelled (see [`Stop::cancel`]).
pub const CANCELLED: &str = "request cancelled before this sample was scored";

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
            return Some(CANCELLED.into());
        }
        match self.deadline {
            Some((at, ms)) if std::time::Instant::now() >= at => Some(format!(
                "request deadline of {ms} ms passed before this sample was scored"
            )),
            _ => None,
        }
    }
}

/// The state could not be saved after a batch: the batch's results, and why.
#[derive(Debug)]
pub struct StateError {
    pub results: Vec<ScoreResult>,
    pub message: String,
}

impl std::fmt::Display for StateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot save state: {}", self.message)
    }
}

/// A compiled spec, ready to score.
#[derive(Clone)]
pub struct Engine {
    spec: Arc<Spec>,
    store: Arc<dyn Store>,
}

impl Engine {
    /// An engine whose stateful rewards keep their state in memory.
    pub fn new(spec: Spec) -> Engine {
        Engine::with_store(spec, Arc::new(MemoryStore::new()))
    }

    /// An engine whose stateful rewards keep their state in `store` (e.g. SQLite, `--state`).
    pub fn with_store(spec: Spec, store: Arc<dyn Store>) -> Engine {
        install_panic_hook();
        Engine {
            spec: Arc::new(spec),
            store,
        }
    }

    /// Apply the observations of a batch's results to the state, in input order, as one
    /// [`Store::transaction`] (see [`crate::state`]). [`crate::Batch::finish`] calls it once per
    /// batch.
    pub(crate) fn commit_observations(&self, observations: Vec<Observation>) -> Result<(), String> {
        if observations.is_empty() {
            return Ok(());
        }
        // (route, component) → observations in input order, routes in first-seen order.
        let mut groups: Vec<(Arc<str>, usize, Vec<Value>)> = Vec::new();
        for o in observations {
            match groups
                .iter_mut()
                .find(|(rt, c, _)| *rt == o.route && *c == o.component)
            {
                Some(g) => g.2.push(o.value),
                None => groups.push((o.route, o.component, vec![o.value])),
            }
        }
        let mut updates = Vec::with_capacity(groups.len());
        for (route, comp, obs) in groups {
            let r = if &*route == "*" {
                self.spec.fallback.as_ref()
            } else {
                self.spec.routes.get(&*route)
            };
            let Some(c) = r.and_then(|r| r.components.get(comp)) else {
                return Err(format!(
                    "observations for an unknown component ({route}, {comp})"
                ));
            };
            updates.push((c, obs));
        }
        // One write transaction for the whole commit: every component's read-modify-write
        // lands together, and no other commit on the same state (another request, another
        // replica sharing the state file) interleaves with it.
        self.store.transaction(&mut |tx| {
            for (c, obs) in &updates {
                c.reward.update(obs, tx, &c.namespace).map_err(|e| {
                    format!("cannot update the state of component `{}`: {e}", c.name)
                })?;
            }
            Ok(())
        })
    }

    pub fn spec(&self) -> &Spec {
        &self.spec
    }

    /// The store this engine's stateful rewards use.
    pub fn store(&self) -> Arc<dyn Store> {
        self.store.clone()
    }

    /// The reward given to failed samples of this input (its route's `on_error`).
    pub fn failure_value(&self, task: Option<&str>) -> f64 {
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

    /// [`Engine::score_input`] of an input the caller gives away, straight into its output form
    /// `O` ([`crate::Emit::emit_parts`]: the result is not built when `O` writes it from its
    /// parts), with the result's observations, status and reward.
    pub(crate) fn score_input_into<O: crate::Emit>(
        &self,
        input: Input,
    ) -> (O, Vec<Observation>, Status, f64) {
        let route = match &input {
            Input::Sample(s) => match self.spec.route_for(s.task.as_deref()) {
                Ok(r) if !r.has_group => Some(r),
                _ => None,
            },
            Input::Invalid { .. } => None,
        };
        let (route, mut sample) = match (route, input) {
            (Some(route), Input::Sample(sample)) => (route, sample),
            (_, input) => {
                let mut r = self.score_input(&input);
                let observations = std::mem::take(&mut r.observations);
                let (status, reward) = (r.status, r.reward);
                return (O::emit(r), observations, status, reward);
            }
        };
        let deadline = Deadline::after(route.timeout);
        let mut sc = sample_phase(route, &sample, &deadline, &*self.store);
        let (reward, status, error) = sc.outcome(route);
        let out = O::emit_parts(ResultParts {
            // The sample is dropped here: its id moves to the result.
            id: std::mem::take(&mut sample.id),
            reward,
            status,
            error,
            route,
            values: &sc.values,
            details: std::mem::take(&mut sc.details),
        });
        (out, sc.observations, status, reward)
    }

    /// Score one sample under its route's deadline (no group stage).
    fn score_sample(&self, sample: &Sample) -> ScoreResult {
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
        score_route(route, sample, Deadline::after(route.timeout), &*self.store)
    }

    /// A `timeout` result for an input the batch gave up on.
    pub(crate) fn stopped(&self, input: &Input, why: String) -> ScoreResult {
        let (id, task) = match input {
            Input::Sample(s) => (s.id.clone(), s.task.as_deref()),
            Input::Invalid { id, .. } => (id.clone(), None),
        };
        ScoreResult::failed(id, Status::Timeout, self.failure_value(task), why)
    }

    /// Score inputs in parallel on the current rayon pool, with the spec's group rewards (each
    /// over the samples sharing `group` and route), without the advantage stage and without
    /// committing state. One result per input, in input order.
    ///
    /// Samples of routes with I/O components ([`crate::Reward::io`]) are then awaited together
    /// on the calling thread (one thread waits for all of their calls).
    pub(crate) fn score_inputs(&self, inputs: &[Input], stop: &Stop) -> Vec<ScoreResult> {
        if !self.spec.has_group_rewards() && !self.spec.has_io() {
            return inputs
                .par_iter()
                .map(|i| match stop.reason() {
                    None => self.score_input(i),
                    Some(why) => self.stopped(i, why),
                })
                .collect();
        }
        let mut slots: Vec<Slot> = inputs
            .par_iter()
            .map(|i| self.first_phase(i, stop))
            .collect();
        if !self.spec.has_io() {
            return self.group_phases_cpu(slots);
        }
        futures_executor::block_on(async {
            self.io_phase(&mut slots).await;
            self.group_phases(slots).await
        })
    }

    /// [`Engine::score_inputs`] as a future: the samples of I/O routes await their calls
    /// without holding a thread; the others are scored on the thread that first polls it (fronts
    /// with an async runtime pass it only inputs of I/O routes).
    pub(crate) async fn score_inputs_io(&self, inputs: &[Input], stop: &Stop) -> Vec<ScoreResult> {
        let mut slots: Vec<Slot> = inputs.iter().map(|i| self.first_phase(i, stop)).collect();
        self.io_phase(&mut slots).await;
        self.group_phases(slots).await
    }

    /// A sample's per-sample phase, or what it waits for: its I/O components, or its group.
    fn first_phase<'a>(&'a self, input: &'a Input, stop: &Stop) -> Slot<'a> {
        if let Some(why) = stop.reason() {
            return Slot::Done(self.stopped(input, why));
        }
        let Input::Sample(s) = input else {
            return Slot::Done(self.score_input(input));
        };
        match self.spec.route_for(s.task.as_deref()) {
            Ok(r) if r.io() => Slot::Io(r, s),
            Ok(r) if r.has_group => {
                let d = Deadline::after(r.timeout);
                Slot::Waiting(r, s, sample_phase(r, s, &d, &*self.store))
            }
            _ => Slot::Done(self.score_sample(s)),
        }
    }

    /// The per-sample phase of every I/O sample, all at once.
    async fn io_phase<'a>(&'a self, slots: &mut [Slot<'a>]) {
        let store = &*self.store;
        let waits: Vec<_> = slots
            .iter()
            .enumerate()
            .filter_map(|(i, slot)| match slot {
                Slot::Io(r, s) => Some((i, *r, *s)),
                _ => None,
            })
            .collect();
        let done = futures_util::future::join_all(waits.iter().map(|&(_, r, s)| async move {
            let d = Deadline::after(r.timeout);
            sample_phase_io(r, s, &d, store).await
        }))
        .await;
        for ((i, r, s), sc) in waits.into_iter().zip(done) {
            slots[i] = if r.has_group {
                Slot::Waiting(r, s, sc)
            } else {
                Slot::Done(sc.finish(r, s.id.clone()))
            };
        }
    }

    /// The group components over each group of waiting samples, then every result in order
    /// (no group component does I/O).
    fn group_phases_cpu(&self, slots: Vec<Slot>) -> Vec<ScoreResult> {
        let mut phase = std::pin::pin!(self.group_phases(slots));
        let mut cx = std::task::Context::from_waker(futures_util::task::noop_waker_ref());
        match std::future::Future::poll(phase.as_mut(), &mut cx) {
            std::task::Poll::Ready(r) => r,
            std::task::Poll::Pending => futures_executor::block_on(phase),
        }
    }

    /// The group components over each group of waiting samples, then every result in order.
    /// Groups of routes whose group components do I/O are awaited together; the others are
    /// scored in parallel on the current rayon pool.
    async fn group_phases(&self, mut slots: Vec<Slot<'_>>) -> Vec<ScoreResult> {
        let store = &*self.store;
        // Groups: the waiting samples sharing route and `group`, in order of first appearance;
        // a sample without `group` is a group of one.
        let mut index: std::collections::HashMap<(&str, &str), usize> = Default::default();
        let mut groups: Vec<(&Arc<Route>, Option<&str>, Vec<usize>)> = Vec::new();
        for (i, slot) in slots.iter().enumerate() {
            if let Slot::Waiting(r, s, _) = slot {
                match s.group.as_deref() {
                    Some(k) => {
                        let g = *index.entry((&*r.name, k)).or_insert_with(|| {
                            groups.push((r, Some(k), Vec::new()));
                            groups.len() - 1
                        });
                        groups[g].2.push(i);
                    }
                    None => groups.push((r, None, vec![i])),
                }
            }
        }
        let (io_work, work): (Vec<_>, Vec<_>) = groups
            .into_iter()
            .map(|(r, key, members)| {
                let mut samples = Vec::with_capacity(members.len());
                let mut scored = Vec::with_capacity(members.len());
                for &i in &members {
                    if let Slot::Waiting(_, s, sc) = std::mem::replace(&mut slots[i], Slot::Taken) {
                        samples.push(s);
                        scored.push(sc);
                    }
                }
                (r, key, members, samples, scored)
            })
            .partition(|w| w.0.group_io());
        let results =
            |r: &Route, members: Vec<usize>, samples: Vec<&Sample>, scored: Vec<Scored>| {
                members
                    .into_iter()
                    .zip(samples)
                    .zip(scored)
                    .map(|((i, s), sc)| (i, sc.finish(r, s.id.clone())))
                    .collect::<Vec<_>>()
            };
        let mut done: Vec<Vec<(usize, ScoreResult)>> = work
            .into_par_iter()
            .map(|(r, key, members, samples, mut scored)| {
                group_phase(r, &samples, &mut scored, key, store);
                results(r, members, samples, scored)
            })
            .collect();
        if !io_work.is_empty() {
            done.extend(
                futures_util::future::join_all(io_work.into_iter().map(
                    |(r, key, members, samples, mut scored)| async move {
                        group_phase_io(r, &samples, &mut scored, key, store).await;
                        results(r, members, samples, scored)
                    },
                ))
                .await,
            );
        }
        for (i, r) in done.into_iter().flatten() {
            slots[i] = Slot::Done(r);
        }
        slots
            .into_iter()
            .map(|s| match s {
                Slot::Done(r) => r,
                _ => unreachable!("every waiting sample belongs to a group"),
            })
            .collect()
    }
}

/// Where a sample of a batch stands between the phases.
enum Slot<'a> {
    Done(ScoreResult),
    /// Its route has I/O components: its per-sample phase is awaited with the others'.
    Io(&'a Arc<Route>, &'a Sample),
    /// Its per-sample phase is done; its group components wait for its group.
    Waiting(&'a Arc<Route>, &'a Sample, Scored),
    Taken,
}

/// A sample's per-sample components, done; its group components and expression still to come.
pub(crate) struct Scored {
    values: Vec<Option<f64>>,
    /// The components' details, by component index, in the order they were recorded.
    details: Vec<(usize, Value)>,
    observations: Vec<Observation>,
    failure: Option<(Status, String)>,
}

impl Scored {
    fn new(n: usize) -> Scored {
        Scored {
            values: vec![None; n],
            details: Vec::new(),
            observations: Vec::new(),
            failure: None,
        }
    }

    /// Keep component `i`'s outcome: its value, details and observation, or its failure (the
    /// first failure decides the sample's status).
    fn record(&mut self, route: &Route, i: usize, outcome: Outcome) {
        let c = &route.components[i];
        match outcome {
            Ok(s) => {
                self.values[i] = Some(s.value);
                if let Some(d) = s.details {
                    self.details.push((i, d));
                }
                if let Some(o) = s.observation {
                    self.observations.push(Observation {
                        route: route.name.clone(),
                        component: i,
                        value: o,
                    });
                }
            }
            Err(f) => {
                if let Some(d) = f.details {
                    self.details.push((i, d));
                }
                if self.failure.is_none() {
                    self.failure = Some((
                        f.status,
                        format!("component `{}` ({}): {}", c.name, c.reward_name, f.message),
                    ));
                }
            }
        }
    }

    /// The name of an input of component `i` that has no value, if any.
    fn missing_input<'r>(&self, route: &'r Route, i: usize) -> Option<&'r str> {
        route.components[i]
            .inputs
            .iter()
            .find(|&&d| self.values[d].is_none())
            .map(|&d| route.components[d].name.as_str())
    }

    /// Evaluate the route's expression: the sample's reward, status and error.
    fn outcome(&mut self, route: &Route) -> (f64, Status, Option<String>) {
        match self.failure.take() {
            Some((st, msg)) => (route.on_error, st, Some(msg)),
            None => match route.expr.eval(&self.values) {
                Ok(r) => (r, Status::Ok, None),
                Err(e) => (route.on_error, Status::Error, Some(e)),
            },
        }
    }

    /// Evaluate the route's expression: the sample's result.
    fn finish(mut self, route: &Route, id: Value) -> ScoreResult {
        let (reward, status, error) = self.outcome(route);
        let mut r = ResultParts {
            id,
            reward,
            status,
            error,
            route,
            values: &self.values,
            details: self.details,
        }
        .into_result();
        r.observations = self.observations;
        r
    }
}

/// Check a reward's value: finite, and within the deadline.
fn checked(o: Outcome, deadline: &Deadline) -> Outcome {
    o.and_then(|s| {
        if deadline.expired() {
            Err(deadline.timeout().into())
        } else if !s.value.is_finite() {
            Err(
                Failure::error(format!("gave a non-finite value ({})", s.value))
                    .with_details(s.details.clone().unwrap_or(Value::Null)),
            )
        } else {
            Ok(s)
        }
    })
}

/// Run `f`, turning a panic into an `error` failure with the panic's message and place.
fn catching<T>(f: impl FnOnce() -> T) -> Result<T, Failure> {
    SCORING.with(|s| s.set(true));
    let r = panic::catch_unwind(AssertUnwindSafe(f));
    SCORING.with(|s| s.set(false));
    r.map_err(|_| {
        let msg = LAST_PANIC
            .with(|p| p.borrow_mut().take())
            .unwrap_or_else(|| "panic".into());
        Failure::error(format!("internal error (panic: {msg})"))
    })
}

/// Why component `i` cannot be scored now (the deadline passed, an input has no value), if so.
fn not_ready(sc: &Scored, route: &Route, i: usize, deadline: &Deadline) -> Option<Failure> {
    if let Err(f) = deadline.check() {
        Some(f.into())
    } else {
        sc.missing_input(route, i)
            .map(|dep| Failure::error(format!("its input `{dep}` has no value")))
    }
}

/// The per-sample components of `route` for `sample`, in evaluation order (group components are
/// left for [`group_phase`]). An I/O component is awaited on this thread; a route without one
/// completes at the first poll, with no executor involved.
pub(crate) fn sample_phase(
    route: &Route,
    sample: &Sample,
    deadline: &Deadline,
    store: &dyn Store,
) -> Scored {
    let mut phase = std::pin::pin!(sample_phase_io(route, sample, deadline, store));
    let mut cx = std::task::Context::from_waker(futures_util::task::noop_waker_ref());
    match std::future::Future::poll(phase.as_mut(), &mut cx) {
        std::task::Poll::Ready(sc) => sc,
        std::task::Poll::Pending => futures_executor::block_on(phase),
    }
}

/// The per-sample components of `route` for `sample`, in evaluation order (group components are
/// left for [`group_phase`]), its I/O components awaited (the others run inline, in order).
pub(crate) async fn sample_phase_io(
    route: &Route,
    sample: &Sample,
    deadline: &Deadline,
    store: &dyn Store,
) -> Scored {
    let mut sc = Scored::new(route.components.len());
    for &i in &route.order {
        if route.has_group && route.is_group(i) {
            continue;
        }
        let c = &route.components[i];
        let gate = match not_ready(&sc, route, i, deadline) {
            Some(f) => Err(f),
            None => c.gate.as_ref().map_or(Ok(None), |g| g.check(&sc.values)),
        };
        let outcome = match gate {
            Err(f) => Err(f),
            Ok(Some(skipped)) => Ok(skipped),
            Ok(None) => {
                let cx = Ctx::with_state(deadline, &sc.values, store, &c.namespace);
                let o = if c.reward.io() {
                    CatchPanic(c.reward.score_io(sample, &cx)).await
                } else {
                    catching(|| c.reward.score(sample, &cx))
                };
                o.and_then(|o| checked(o, deadline))
            }
        };
        sc.record(route, i, outcome);
    }
    sc
}

/// A reward's future with [`catching`]'s contract: a panic while it is polled becomes an
/// `error` failure with the panic's message.
struct CatchPanic<'a, T>(BoxFuture<'a, T>);

impl<T> std::future::Future for CatchPanic<'_, T> {
    type Output = Result<T, Failure>;

    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        let fut = &mut self.0;
        match catching(|| fut.as_mut().poll(cx)) {
            Ok(std::task::Poll::Pending) => std::task::Poll::Pending,
            Ok(std::task::Poll::Ready(o)) => std::task::Poll::Ready(Ok(o)),
            Err(f) => std::task::Poll::Ready(Err(f)),
        }
    }
}

/// The group components of `route` over the members of one group (their per-sample phase
/// done), in evaluation order, under one deadline of the route's timeout. A route without I/O
/// group components completes at the first poll, with no executor involved.
pub(crate) fn group_phase(
    route: &Route,
    samples: &[&Sample],
    scored: &mut [Scored],
    key: Option<&str>,
    store: &dyn Store,
) {
    let mut phase = std::pin::pin!(group_phase_io(route, samples, scored, key, store));
    let mut cx = std::task::Context::from_waker(futures_util::task::noop_waker_ref());
    if std::future::Future::poll(phase.as_mut(), &mut cx).is_pending() {
        futures_executor::block_on(phase)
    }
}

/// [`group_phase`], its I/O group components ([`Reward::score_group_io`]) awaited.
///
/// A component with a `when:` condition is called with the members where the condition holds
/// (and whose inputs have values); the others take its `otherwise` value without a call.
pub(crate) async fn group_phase_io(
    route: &Route,
    samples: &[&Sample],
    scored: &mut [Scored],
    key: Option<&str>,
    store: &dyn Store,
) {
    debug_assert_eq!(samples.len(), scored.len());
    let deadline = Deadline::after(route.timeout);
    for &i in &route.order {
        if !route.is_group(i) {
            continue;
        }
        let c = &route.components[i];
        // Each member's outcome decided before the call (a missing input, its condition not
        // holding), or `None`: the member is scored with the group.
        let mut outcomes: Vec<Option<Outcome>> = scored
            .iter()
            .map(|sc| match sc.missing_input(route, i) {
                Some(dep) => Some(Err(Failure::error(format!(
                    "its input `{dep}` has no value"
                )))),
                None => match c.gate.as_ref().map(|g| g.check(&sc.values)) {
                    None | Some(Ok(None)) => None,
                    Some(Ok(Some(skipped))) => Some(Ok(skipped)),
                    Some(Err(f)) => Some(Err(f)),
                },
            })
            .collect();
        // Without a condition every member is in the call (a member whose input failed too: the
        // reward sees the group as it is, and that member's outcome is its failure).
        let called: Vec<usize> = (0..samples.len())
            .filter(|&m| {
                if c.gate.is_some() {
                    outcomes[m].is_none()
                } else {
                    true
                }
            })
            .collect();
        let got: Vec<Outcome> = match deadline.check() {
            _ if called.is_empty() => Vec::new(),
            Err(f) => vec![Err(f.into()); called.len()],
            Ok(()) => {
                let members: Vec<Member> = called
                    .iter()
                    .map(|&m| Member {
                        sample: samples[m],
                        values: &scored[m].values,
                    })
                    .collect();
                let gcx = GroupCtx {
                    deadline: &deadline,
                    store,
                    namespace: &c.namespace,
                    key,
                };
                let result = if c.reward.io() {
                    CatchPanic(c.reward.score_group_io(&members, &gcx)).await
                } else {
                    catching(|| c.reward.score_group(&members, &gcx))
                };
                match result {
                    Ok(v) if v.len() == called.len() => v,
                    Ok(v) => vec![
                        Err(Failure::error(format!(
                            "internal error: gave {} outcomes for a group of {}",
                            v.len(),
                            called.len()
                        )));
                        called.len()
                    ],
                    Err(f) => vec![Err(f); called.len()],
                }
            }
        };
        for (m, o) in called.into_iter().zip(got) {
            if outcomes[m].is_none() {
                outcomes[m] = Some(checked(o, &deadline));
            }
        }
        for (sc, o) in scored.iter_mut().zip(outcomes) {
            sc.record(route, i, o.expect("every member has an outcome"));
        }
    }
}

/// Score a sample with a route's components and expression under `deadline`. A group
/// component sees the sample as a group of one.
pub fn score_route(
    route: &Route,
    sample: &Sample,
    deadline: Deadline,
    store: &dyn Store,
) -> ScoreResult {
    let mut sc = sample_phase(route, sample, &deadline, store);
    if route.has_group {
        group_phase(
            route,
            &[sample],
            std::slice::from_mut(&mut sc),
            sample.group.as_deref(),
            store,
        );
    }
    sc.finish(route, sample.id.clone())
}
