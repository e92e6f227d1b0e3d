//! The one scoring pipeline every front uses (CLI, server, Python): inputs are pushed in chunks,
//! scored, and come back as results, one per input, in input order, each with a status; the
//! batch is then finished: the group stage (advantages) and the state commit.
//!
//! The stages, in order:
//!
//! 1. **parse** (the front): its bytes or objects into [`Input`]s. An input that cannot be
//!    parsed is still an input: it becomes an `invalid_input` result.
//! 2. **score**: every sample's components and expression under its route's deadline, group
//!    rewards over whole groups ([`Batch::score`]). It runs where the front chooses: on the
//!    current rayon pool ([`Batch::push`]), or split by the work it waits on ([`Batch::split`]:
//!    the server runs routes that wait outside the process on a pool of their own). This is the
//!    stage an I/O executor (model-backed rewards awaiting HTTP) plugs into: it only has to
//!    return one result per input, in order, to [`Batch::accept`].
//! 3. **group stage**: advantages and zero-variance marks over all of the batch's results
//!    ([`crate::GroupSpec`]); while it waits for the batch to end, results are held in their
//!    output form ([`Emit`]: a [`ScoreResult`], or a serialized [`JsonLine`]).
//! 4. **commit**: stateful rewards' observations, in input order, after the batch: every sample
//!    reads the state as it was before the batch.
//!
//! A batch without a group stage gives its results back as each chunk is scored (the CLI streams
//! them); specs with group rewards need whole groups, so their inputs wait for
//! [`Batch::finish`].

use rayon::prelude::*;

use crate::engine::{Engine, Input, Stop};
use crate::group::GroupSpec;
use crate::result::{Observation, ResultParts, ScoreResult, Status};

/// The output form of a result: how a batch holds it until the group stage, and what it gives
/// back. Implemented for [`ScoreResult`] (in memory) and [`JsonLine`] (one serialized line).
pub trait Emit: Send + Sized {
    /// The output form of `result` (its observations already taken).
    fn emit(result: ScoreResult) -> Self;
    /// The output form of a result from its parts, as scoring leaves them ([`Batch::push_lines`]):
    /// what [`Emit::emit`] gives of [`ResultParts::into_result`], which is how it is made unless a
    /// form writes the parts without building the result.
    fn emit_parts(parts: ResultParts<'_>) -> Self {
        Self::emit(parts.into_result())
    }
    /// Add the group stage's fields.
    fn complete(&mut self, advantage: Option<f64>, zero_variance: Option<bool>);
    /// [`Emit::emit`] over a chunk's results, in parallel on the current rayon pool.
    fn emit_all(results: Vec<ScoreResult>) -> Vec<Self> {
        results.into_par_iter().map(Self::emit).collect()
    }
}

impl Emit for ScoreResult {
    fn emit(result: ScoreResult) -> Self {
        result
    }

    fn emit_all(results: Vec<ScoreResult>) -> Vec<Self> {
        results
    }

    fn complete(&mut self, advantage: Option<f64>, zero_variance: Option<bool>) {
        self.advantage = advantage;
        self.zero_variance = zero_variance;
    }
}

/// A result serialized as one line of JSON (`{…}\n`): what the CLI writes and
/// `Reward.score_jsonl` returns. The group stage's fields come last, as in a serialized
/// [`ScoreResult`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonLine(pub Vec<u8>);

impl Emit for JsonLine {
    fn emit(result: ScoreResult) -> Self {
        let mut b = Vec::with_capacity(128);
        result.write_json_line(&mut b);
        JsonLine(b)
    }

    fn emit_parts(parts: ResultParts<'_>) -> Self {
        let mut b = Vec::with_capacity(128);
        parts.write_json_line(&mut b);
        JsonLine(b)
    }

    fn complete(&mut self, advantage: Option<f64>, zero_variance: Option<bool>) {
        if advantage.is_none() && zero_variance.is_none() {
            return;
        }
        debug_assert!(
            self.0.ends_with(b"}\n"),
            "a serialized result ends with }}\\n"
        );
        self.0.truncate(self.0.len() - 2);
        if let Some(a) = advantage {
            self.0.extend_from_slice(b",\"advantage\":");
            serde_json::to_writer(&mut self.0, &a).expect("a float serializes");
        }
        if let Some(z) = zero_variance {
            self.0.extend_from_slice(if z {
                b",\"zero_variance\":true"
            } else {
                b",\"zero_variance\":false"
            });
        }
        self.0.extend_from_slice(b"}\n");
    }
}

/// One input of [`Batch::push_lines`], scored and in its output form.
struct Done<O, N> {
    out: O,
    observations: Vec<Observation>,
    status: Status,
    reward: f64,
    key: Option<String>,
    note: N,
}

/// Counts of a batch's results: by status, and the sum of their rewards.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Tally {
    /// Results per status, in the order of [`Status::ALL`].
    pub counts: [u64; 5],
    pub reward_sum: f64,
    pub n: u64,
}

impl Tally {
    pub fn add(&mut self, r: &ScoreResult) {
        self.count(r.status, r.reward);
    }

    fn count(&mut self, status: Status, reward: f64) {
        self.counts[status_index(status)] += 1;
        self.reward_sum += reward;
        self.n += 1;
    }

    /// `(status, count)` for each status with results, in the order of [`Status::ALL`].
    pub fn nonzero(&self) -> impl Iterator<Item = (Status, u64)> + '_ {
        Status::ALL
            .into_iter()
            .zip(self.counts)
            .filter(|(_, c)| *c > 0)
    }

    /// The mean reward, if there are results.
    pub fn mean_reward(&self) -> Option<f64> {
        (self.n > 0).then(|| self.reward_sum / self.n as f64)
    }
}

fn status_index(s: Status) -> usize {
    Status::ALL.iter().position(|x| *x == s).unwrap_or(4)
}

/// How a batch runs.
#[derive(Clone, Debug, Default)]
pub struct BatchOptions {
    /// When to give up on samples not yet started (a request deadline, a client gone away):
    /// they get `timeout` with the reason.
    pub stop: Stop,
    /// Skip the group stage even if the spec has one (a caller that wants only rewards: the
    /// stage never changes them).
    pub skip_group_stage: bool,
}

/// A batch being scored; see the [module docs](self). Made by [`Engine::batch`].
pub struct Batch<O: Emit = ScoreResult> {
    engine: Engine,
    stop: Stop,
    /// The group stage, if it runs: results are held for it.
    stage: Option<GroupSpec>,
    /// The spec has group rewards: inputs wait for the end of the batch (whole groups).
    whole: bool,
    waiting: Vec<Input>,
    held: Vec<O>,
    keys: Vec<Option<String>>,
    rewards: Vec<f64>,
    observations: Vec<Observation>,
    tally: Tally,
}

/// What finishing a batch gives: the results not given back yet (in input order, after those
/// [`Batch::push`] and [`Batch::accept`] gave), why the state could not be saved (if it could
/// not: the results are still all here), and the tally of the whole batch.
#[derive(Debug)]
pub struct Finished<O> {
    pub results: Vec<O>,
    pub state_error: Option<String>,
    pub tally: Tally,
}

/// A batch's inputs split by what their scoring waits on, for fronts that run the parts on
/// different executors ([`Batch::split`]); [`Join::join`] puts their results back in input order.
pub struct Split {
    /// Inputs whose routes only compute.
    pub cpu: Vec<Input>,
    /// Inputs whose routes wait on work outside the process ([`crate::Reward::blocking`]).
    pub blocking: Vec<Input>,
    /// Inputs whose routes wait on the network ([`crate::Reward::io`]): for [`Scorer::score_io`].
    pub io: Vec<Input>,
    pub join: Join,
}

/// Which part of a [`Split`] an input went to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Part {
    Cpu,
    Blocking,
    Io,
}

/// Where each input of a [`Split`] went.
pub struct Join {
    keys: Vec<Option<String>>,
    parts: Vec<Part>,
}

impl Join {
    /// The results of the parts (one per input of each, in order) merged into input order, with
    /// the inputs' groups, for [`Batch::accept`].
    pub fn join(
        self,
        cpu: Vec<ScoreResult>,
        blocking: Vec<ScoreResult>,
        io: Vec<ScoreResult>,
    ) -> (Vec<Option<String>>, Vec<ScoreResult>) {
        let count = |p: Part| self.parts.iter().filter(|x| **x == p).count();
        assert_eq!(
            cpu.len(),
            count(Part::Cpu),
            "one result per input (cpu part)"
        );
        assert_eq!(
            blocking.len(),
            count(Part::Blocking),
            "one result per input (blocking part)"
        );
        assert_eq!(io.len(), count(Part::Io), "one result per input (io part)");
        if blocking.is_empty() && io.is_empty() {
            return (self.keys, cpu);
        }
        let (mut cpu, mut blocking, mut io) =
            (cpu.into_iter(), blocking.into_iter(), io.into_iter());
        let results = self
            .parts
            .iter()
            .map(|p| {
                match p {
                    Part::Cpu => cpu.next(),
                    Part::Blocking => blocking.next(),
                    Part::Io => io.next(),
                }
                .expect("one result per input of each part")
            })
            .collect();
        (self.keys, results)
    }
}

/// The score stage of a batch (see the [module docs](self)), to run wherever the front chooses:
/// cheap to clone, and sendable to other threads.
#[derive(Clone)]
pub struct Scorer {
    engine: Engine,
    stop: Stop,
}

impl Scorer {
    /// Score `inputs` on the current rayon pool: one result per input, in order, with the
    /// spec's group rewards over the groups among `inputs` (which must be whole), without the
    /// group stage, the state untouched. Hand the results to [`Batch::accept`]. Samples of I/O
    /// routes are awaited together on the calling thread.
    pub fn score(&self, inputs: &[Input]) -> Vec<ScoreResult> {
        self.engine.score_inputs(inputs, &self.stop)
    }

    /// [`Scorer::score`] as a future, for fronts with an async runtime: the I/O stage. The
    /// samples of I/O routes await their calls together without holding a thread; give it only
    /// those ([`Split::io`]): others would be scored on the thread that polls it.
    pub fn score_io(&self, inputs: Vec<Input>) -> crate::BoxFuture<'static, Vec<ScoreResult>> {
        let (engine, stop) = (self.engine.clone(), self.stop.clone());
        Box::pin(async move { engine.score_inputs_io(&inputs, &stop).await })
    }
}

impl Engine {
    /// A new batch on this engine.
    pub fn batch<O: Emit>(&self, options: BatchOptions) -> Batch<O> {
        let group = &self.spec().group;
        Batch {
            engine: self.clone(),
            stop: options.stop,
            stage: (group.is_active() && !options.skip_group_stage).then(|| group.clone()),
            whole: self.spec().has_group_rewards(),
            waiting: Vec::new(),
            held: Vec::new(),
            keys: Vec::new(),
            rewards: Vec::new(),
            observations: Vec::new(),
            tally: Tally::default(),
        }
    }

    /// Score a whole batch on the current rayon pool: one result per input, in input order,
    /// group stage included, state committed. If the state cannot be saved, the error carries
    /// the results.
    pub fn score_batch(&self, inputs: &[Input]) -> Result<Vec<ScoreResult>, crate::StateError> {
        self.score_all(inputs.to_vec(), BatchOptions::default())
    }

    /// [`Engine::score_batch`] of JSON values.
    pub fn score_values(
        &self,
        values: Vec<serde_json::Value>,
    ) -> Result<Vec<ScoreResult>, crate::StateError> {
        let inputs: Vec<Input> = values.into_par_iter().map(Input::from_value).collect();
        self.score_all(inputs, BatchOptions::default())
    }

    /// [`Engine::score_batch`] with options.
    pub fn score_all(
        &self,
        inputs: Vec<Input>,
        options: BatchOptions,
    ) -> Result<Vec<ScoreResult>, crate::StateError> {
        let mut batch = self.batch::<ScoreResult>(options);
        let given = batch.push(inputs);
        let done = batch.finish_after(given);
        match done.state_error {
            None => Ok(done.results),
            Some(message) => Err(crate::StateError {
                results: done.results,
                message,
            }),
        }
    }
}

impl<O: Emit> Batch<O> {
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Score `inputs` on the current rayon pool and take their results: those that can go out
    /// now come back (none while a group stage or group rewards wait for the end of the batch).
    pub fn push(&mut self, inputs: Vec<Input>) -> Vec<O> {
        if self.whole {
            self.waiting.extend(inputs);
            return Vec::new();
        }
        let results = self.score(&inputs);
        let keys = self.keys_of(&inputs);
        self.accept(keys, results)
    }

    /// [`Batch::push`] of a chunk of JSONL lines: where the spec allows (no group rewards, no
    /// I/O routes) each line is parsed, scored and put in its output form in one pass on the
    /// pool, with no vector of inputs or of results in between; otherwise the chunk is parsed,
    /// then pushed. `note` is called with each input (the front's own bookkeeping, e.g. the
    /// summary's groups), its values returned in input order beside the results.
    pub fn push_lines<N: Send>(
        &mut self,
        chunk: &crate::engine::RawChunk,
        note: impl Fn(&Input) -> N + Sync + Send,
    ) -> (Vec<O>, Vec<N>) {
        // `whole`: the spec has group rewards.
        if self.whole || self.engine.spec().has_io() {
            let inputs = chunk.parse();
            let notes = inputs.iter().map(&note).collect();
            return (self.push(inputs), notes);
        }
        let (engine, stop, keyed) = (&self.engine, &self.stop, self.stage.is_some());
        let done: Vec<Done<O, N>> = (0..chunk.len())
            .into_par_iter()
            .map(|i| {
                let input = chunk.input(i);
                let note = note(&input);
                let key = if keyed { input.group() } else { None };
                let (out, observations, status, reward) = match stop.reason() {
                    None => engine.score_input_into::<O>(input),
                    Some(why) => {
                        let r = engine.stopped(&input, why);
                        let (status, reward) = (r.status, r.reward);
                        (O::emit(r), Vec::new(), status, reward)
                    }
                };
                Done {
                    observations,
                    status,
                    reward,
                    key,
                    note,
                    out,
                }
            })
            .collect();
        let mut outs = Vec::with_capacity(done.len());
        let mut notes = Vec::with_capacity(done.len());
        for mut d in done {
            self.observations.append(&mut d.observations);
            self.tally.count(d.status, d.reward);
            if self.stage.is_some() {
                self.keys.push(d.key);
                self.rewards.push(d.reward);
                self.held.push(d.out);
            } else {
                outs.push(d.out);
            }
            notes.push(d.note);
        }
        (outs, notes)
    }

    /// The score stage, to run elsewhere (see [`Scorer::score`]).
    pub fn scorer(&self) -> Scorer {
        Scorer {
            engine: self.engine.clone(),
            stop: self.stop.clone(),
        }
    }

    fn score(&self, inputs: &[Input]) -> Vec<ScoreResult> {
        self.engine.score_inputs(inputs, &self.stop)
    }

    /// Split `inputs` by what their scoring waits on (see [`Split`]). Every part keeps whole
    /// groups: a group is per route, and a route goes to one part (I/O before blocking).
    pub fn split(&self, inputs: Vec<Input>) -> Split {
        let keys = self.keys_of(&inputs);
        let parts: Vec<Part> = inputs.iter().map(|i| self.part_of(i)).collect();
        if parts.iter().all(|p| *p == Part::Cpu) {
            return Split {
                cpu: inputs,
                blocking: Vec::new(),
                io: Vec::new(),
                join: Join { keys, parts },
            };
        }
        let (mut cpu, mut blocking, mut io) = (Vec::new(), Vec::new(), Vec::new());
        for (input, p) in inputs.into_iter().zip(&parts) {
            match p {
                Part::Cpu => cpu.push(input),
                Part::Blocking => blocking.push(input),
                Part::Io => io.push(input),
            }
        }
        Split {
            cpu,
            blocking,
            io,
            join: Join { keys, parts },
        }
    }

    fn part_of(&self, input: &Input) -> Part {
        let Input::Sample(s) = input else {
            return Part::Cpu;
        };
        match self.engine.spec().route_for(s.task.as_deref()) {
            Ok(r) if r.io() => Part::Io,
            Ok(r) if r.blocking() => Part::Blocking,
            _ => Part::Cpu,
        }
    }

    /// Take results scored elsewhere (one per input, in input order, with the inputs' groups
    /// `keys`): their observations wait for the commit; those that can go out now come back.
    /// Inputs given here must form whole groups for the spec's group rewards, and a batch that
    /// has inputs waiting for whole groups ([`Batch::push`] with group rewards) takes no more
    /// results from elsewhere: they would come out before the waiting inputs' results.
    pub fn accept(&mut self, keys: Vec<Option<String>>, mut results: Vec<ScoreResult>) -> Vec<O> {
        assert_eq!(keys.len(), results.len(), "one result per input");
        assert!(
            self.waiting.is_empty(),
            "Batch::accept after Batch::push with group rewards: results would leave input order"
        );
        for r in &mut results {
            self.observations.append(&mut r.observations);
            self.tally.add(r);
        }
        match self.stage {
            None => O::emit_all(results),
            Some(_) => {
                self.keys.extend(keys);
                self.rewards.extend(results.iter().map(|r| r.reward));
                if self.held.is_empty() {
                    self.held = O::emit_all(results);
                } else {
                    self.held.extend(O::emit_all(results));
                }
                Vec::new()
            }
        }
    }

    /// Whether results wait for [`Batch::finish`] (a group stage or group rewards).
    pub fn holds(&self) -> bool {
        self.whole || self.stage.is_some()
    }

    /// End the batch: score the inputs that waited for whole groups, run the group stage,
    /// commit the state. The results not given back yet come back, in input order.
    pub fn finish(mut self) -> Finished<O> {
        let mut out = Vec::new();
        if !self.waiting.is_empty() {
            let inputs = std::mem::take(&mut self.waiting);
            let results = self.score(&inputs);
            let keys = self.keys_of(&inputs);
            out = self.accept(keys, results);
        }
        let state_error = self
            .engine
            .commit_observations(std::mem::take(&mut self.observations))
            .err();
        if let Some(stage) = &self.stage {
            let g = stage.compute(&self.rewards, &self.keys);
            out = std::mem::take(&mut self.held);
            out.par_iter_mut().enumerate().for_each(|(i, r)| {
                r.complete(
                    g.advantage.as_ref().map(|a| a[i]),
                    g.zero_variance.as_ref().map(|z| z[i]),
                )
            });
        }
        Finished {
            results: out,
            state_error,
            tally: self.tally,
        }
    }

    /// [`Batch::finish`] for a caller that holds every result the batch gave back so far
    /// (`given`, in order): all of the batch's results, in input order.
    pub fn finish_after(self, mut given: Vec<O>) -> Finished<O> {
        let mut done = self.finish();
        if !given.is_empty() {
            given.append(&mut done.results);
            done.results = given;
        }
        done
    }

    fn keys_of(&self, inputs: &[Input]) -> Vec<Option<String>> {
        if self.stage.is_some() {
            inputs.iter().map(Input::group).collect()
        } else {
            vec![None; inputs.len()]
        }
    }
}
