//! Reports over Plaudit results, read in one streaming pass with bounded memory.
//!
//! [`build`] reads a results JSONL (what `plaudit score` writes) and, optionally, the samples
//! JSONL it scored. The two are **joined by line order**: `plaudit score` writes exactly one
//! result per input line, in input order, so line *i* of the results is the result of line *i* of
//! the input, and a lockstep read needs no memory for the join. When both lines carry an `id` and
//! the ids differ, the line still joins by order and the mismatch is counted
//! ([`InputJoin::id_mismatches`], with the first line): a results file that was filtered or
//! reordered is reported, never silently joined wrong.
//!
//! Every statistic covers every result; only the rollouts shown in the page's browser are a
//! sample: a seeded reservoir over all results, plus a few of each failing status and the first
//! of each error cluster, so every failure kind stays represented. Memory: the per-group
//! accumulators (one small entry per `group` of the input), at most [`MAX_KEYS`] values per
//! breakdown key and [`MAX_CLUSTERS`] error clusters, and the sampled rollouts (texts cut to a
//! few thousand characters).

use std::collections::{BTreeMap, HashMap};
use std::io::{self, BufRead};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub mod compare;
mod figures;
mod html;
pub mod stats;
mod window;

pub use compare::{compare, CompareOptions, Comparison};
pub use figures::{FigureSample, Figures};
pub use html::render_compare_html;
pub use html::{external_refs, render_html};
use stats::{
    cluster_key, Bins, Histogram, LengthBin, LengthBins, Moments, Reservoir, Rng, Summary,
};
pub use window::{build_kept, KeptSample};

/// Distinct values kept per breakdown (`--by`, routes); later values go to `(other)`.
pub const MAX_KEYS: usize = 200;
/// Distinct error clusters kept; later messages go to `(other messages)`.
pub const MAX_CLUSTERS: usize = 100;
/// Bad lines listed (all are counted).
pub const MAX_BAD_LINES: usize = 100;
/// Example rollouts kept per failing status.
const PER_STATUS: usize = 5;
/// Error clusters whose first rollout is kept.
const CLUSTER_FIRSTS: usize = 30;
/// `torch.isclose(std, 0)`'s tolerance: a group whose reward std is at most this has no variance.
pub const ZERO_STD: f64 = 1e-8;

/// What [`build`] does.
#[derive(Clone, Debug)]
pub struct Options {
    /// A breakdown key: a dotted path into the input sample (`meta.data_source`), else into the
    /// result (`details.correct.method`).
    pub by: Option<String>,
    /// Rollouts sampled for the browser (the reservoir's size).
    pub sample: usize,
    /// The reservoir's seed.
    pub seed: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            by: None,
            sample: 500,
            seed: 0,
        }
    }
}

/// The report: statistics over every result and the sampled rollouts.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub stats: Stats,
    pub rollouts: Vec<Rollout>,
}

/// Statistics over every result (what `plaudit report --json` writes).
#[derive(Clone, Debug, Serialize)]
pub struct Stats {
    /// Results read (bad lines not included).
    pub samples: u64,
    /// Results per status.
    pub status: BTreeMap<String, u64>,
    pub reward: Option<Summary>,
    pub advantage: Option<Summary>,
    /// Each component, over the results where it has a value.
    pub components: BTreeMap<String, Summary>,
    /// The figures trainers log, under their names (see the GUIDE's "Reports").
    pub trainers: Map<String, Value>,
    pub groups: Groups,
    /// Per route (the input's `task`; `(none)` without one). Empty without `--input`.
    pub by_route: BTreeMap<String, KeyStats>,
    /// Per value of the `--by` key.
    pub by_key: Option<ByKey>,
    pub histograms: Histograms,
    pub length: Option<Length>,
    pub failures: Failures,
    /// Per judge component (details holding `calls` or `judge_error`).
    pub judges: BTreeMap<String, JudgeStats>,
    pub bad_lines: BadLines,
    pub input: Option<InputJoin>,
}

/// Per-group reward variance.
#[derive(Clone, Debug, Serialize, Default)]
pub struct Groups {
    /// `input` (the samples' `group`), `zero_variance_marks` (the results' marks), or `none`.
    pub source: String,
    /// Groups seen (from the input); singletons included.
    pub count: u64,
    /// Groups of two or more results: those with a std.
    pub with_std: u64,
    /// Of those, groups whose reward std is at most 1e-8.
    pub zero_std: u64,
    /// `zero_std / with_std` from the input's groups, else the fraction of results marked
    /// `zero_variance: true`.
    pub zero_variance_fraction: Option<f64>,
    /// Mean over groups of the group's unbiased reward std.
    pub mean_std: Option<f64>,
}

#[derive(Clone, Debug, Serialize, Default)]
pub struct KeyStats {
    pub n: u64,
    pub status: BTreeMap<String, u64>,
    pub reward: Option<Summary>,
    pub advantage_mean: Option<f64>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ByKey {
    pub key: String,
    pub values: BTreeMap<String, KeyStats>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Histograms {
    pub reward: Bins,
    pub advantage: Bins,
    pub components: BTreeMap<String, Bins>,
    /// Per-group unbiased reward std (input groups of two or more).
    pub group_std: Bins,
}

/// Mean reward against response length.
#[derive(Clone, Debug, Serialize)]
pub struct Length {
    /// `tokens` when every joined sample gave `tokens`, else `characters` of the response.
    pub unit: String,
    pub summary: Option<Summary>,
    pub bins: Vec<LengthBin>,
}

#[derive(Clone, Debug, Serialize, Default)]
pub struct Failures {
    /// Results per status other than `ok`.
    pub by_status: BTreeMap<String, u64>,
    /// Error messages clustered (numbers, quoted strings and ids replaced), most frequent first.
    pub clusters: Vec<Cluster>,
    /// Messages beyond the first [`MAX_CLUSTERS`] clusters.
    pub other_messages: u64,
}

#[derive(Clone, Debug, Serialize)]
pub struct Cluster {
    pub pattern: String,
    pub count: u64,
    pub status: BTreeMap<String, u64>,
    /// The first message of the cluster, as it was.
    pub example: String,
    /// Up to three results: `{"line": …, "id": …}`.
    pub examples: Vec<Value>,
}

#[derive(Clone, Debug, Serialize, Default, PartialEq)]
pub struct JudgeStats {
    /// Results whose details carry this judge's accounting.
    pub samples: u64,
    pub calls: u64,
    pub attempts: u64,
    pub cached: u64,
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
    pub cost_usd: f64,
    /// The calls' waiting time (`latency_ms` in the details), summed, in milliseconds.
    pub latency_ms: f64,
    /// Calls whose results gave a `latency_ms` (for its mean per call).
    pub timed_calls: u64,
    /// `judge_error` reasons and their counts.
    pub errors: BTreeMap<String, u64>,
}

#[derive(Clone, Debug, Serialize, Default)]
pub struct BadLines {
    pub results: BadFile,
    pub input: BadFile,
}

/// Lines that could not be read: all counted, the first [`MAX_BAD_LINES`] listed.
#[derive(Clone, Debug, Serialize, Default)]
pub struct BadFile {
    pub count: u64,
    /// `{"line": n, "error": "…"}`, 1-based line numbers.
    pub lines: Vec<Value>,
}

/// How the input joined the results (by line order).
#[derive(Clone, Debug, Serialize, Default)]
pub struct InputJoin {
    /// Lines where both had an `id` and the ids differed.
    pub id_mismatches: u64,
    pub first_id_mismatch_line: Option<u64>,
    /// Results past the input's end (no sample for them).
    pub results_without_input: u64,
    /// Input lines past the results' end.
    pub input_without_result: u64,
}

/// One sampled rollout, its texts cut to a few thousand characters.
#[derive(Clone, Debug, Serialize)]
pub struct Rollout {
    pub line: u64,
    pub id: Value,
    pub status: String,
    pub reward: Option<f64>,
    pub advantage: Option<f64>,
    pub route: Option<String>,
    pub key: Option<String>,
    pub group: Option<String>,
    pub components: Map<String, Value>,
    pub error: Option<String>,
    pub details: Value,
    pub prompt: Option<String>,
    pub response: Option<String>,
    pub reference: Option<Value>,
    pub length: Option<u64>,
}

/// One result line as `plaudit score` writes it.
#[derive(Deserialize)]
struct ResultLine {
    #[serde(default)]
    id: Value,
    reward: Option<f64>,
    #[serde(default)]
    components: Map<String, Value>,
    status: String,
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    details: Value,
    #[serde(default)]
    advantage: Option<f64>,
    #[serde(default)]
    zero_variance: Option<bool>,
}

/// What is kept of one input sample.
#[derive(Clone, Debug, Default)]
struct Sample {
    value: Value,
    route: Option<String>,
    group: Option<String>,
    tokens: Option<u64>,
    chars: u64,
    /// Texts already cut (samples kept in memory, [`window`]); `None`: read them from `value`.
    shown: Option<window::Shown>,
}

#[derive(Default)]
struct KeyAcc {
    n: u64,
    status: BTreeMap<String, u64>,
    reward: Moments,
    advantage: Moments,
}

impl KeyAcc {
    fn push(&mut self, r: &ResultLine) {
        self.n += 1;
        *self.status.entry(r.status.clone()).or_default() += 1;
        if let Some(x) = r.reward {
            self.reward.push(x);
        }
        if let Some(a) = r.advantage {
            self.advantage.push(a);
        }
    }

    fn stats(&self) -> KeyStats {
        KeyStats {
            n: self.n,
            status: self.status.clone(),
            reward: self.reward.summary(),
            advantage_mean: self.advantage.mean(),
        }
    }
}

fn bucket(map: &mut HashMap<String, KeyAcc>, k: String) -> &mut KeyAcc {
    if map.len() >= MAX_KEYS && !map.contains_key(&k) {
        return map.entry("(other)".into()).or_default();
    }
    map.entry(k).or_default()
}

struct ClusterAcc {
    pattern: String,
    count: u64,
    status: BTreeMap<String, u64>,
    example: String,
    examples: Vec<Value>,
}

/// A value as a breakdown key: strings as they are, other values as JSON.
fn key_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        v => v.to_string(),
    }
}

fn lookup<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.')
        .try_fold(v, |v, k| v.get(k))
        .filter(|v| !v.is_null())
}

/// A prompt or response: a string, or a chat message list whose contents are joined.
fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Array(msgs) => Some(
            msgs.iter()
                .map(|m| match m.get("content") {
                    Some(Value::String(s)) => {
                        let role = m.get("role").and_then(Value::as_str).unwrap_or("?");
                        format!("[{role}] {s}")
                    }
                    Some(c) => c.to_string(),
                    None => m.to_string(),
                })
                .collect::<Vec<_>>()
                .join("\n"),
        ),
        Value::Null => None,
        v => Some(v.to_string()),
    }
}

fn response_chars(v: &Value) -> u64 {
    match v {
        Value::String(s) => s.chars().count() as u64,
        Value::Array(msgs) => msgs
            .iter()
            .map(|m| match m.get("content") {
                Some(Value::String(s)) => s.chars().count() as u64,
                _ => 0,
            })
            .sum(),
        _ => 0,
    }
}

/// Cuts a text to `max` characters, saying how much was left out.
fn cut(s: String, max: usize) -> String {
    match s.char_indices().nth(max) {
        None => s,
        Some((i, _)) => {
            let total = s.chars().count();
            format!("{}… [{} more characters]", &s[..i], total - max)
        }
    }
}

/// Every string in `v` cut to `max` characters.
fn cut_value(v: Value, max: usize) -> Value {
    match v {
        Value::String(s) => Value::String(cut(s, max)),
        Value::Array(a) => Value::Array(a.into_iter().map(|x| cut_value(x, max)).collect()),
        Value::Object(o) => {
            Value::Object(o.into_iter().map(|(k, x)| (k, cut_value(x, max))).collect())
        }
        v => v,
    }
}

fn parse_sample(line: &[u8]) -> Result<Sample, String> {
    let value: Value = serde_json::from_slice(line).map_err(|e| e.to_string())?;
    if !value.is_object() {
        return Err("not a JSON object".into());
    }
    let route = value.get("task").filter(|t| !t.is_null()).map(key_text);
    let group = value.get("group").filter(|g| !g.is_null()).map(key_text);
    let tokens = value.get("tokens").and_then(Value::as_u64);
    let chars = value.get("response").map(response_chars).unwrap_or(0);
    Ok(Sample {
        value,
        route,
        group,
        tokens,
        chars,
        shown: None,
    })
}

/// Reads one line (without its newline) into `buf`; false at the end.
fn next_line(r: &mut impl BufRead, buf: &mut Vec<u8>) -> io::Result<bool> {
    buf.clear();
    if r.read_until(b'\n', buf)? == 0 {
        return Ok(false);
    }
    if buf.last() == Some(&b'\n') {
        buf.pop();
        if buf.last() == Some(&b'\r') {
            buf.pop();
        }
    }
    Ok(true)
}

fn bad(file: &mut BadFile, line: u64, error: String) {
    file.count += 1;
    if file.lines.len() < MAX_BAD_LINES {
        file.lines
            .push(serde_json::json!({"line": line, "error": error}));
    }
}

/// Reads `results` (and `input`, joined by line order) in one pass; see the crate's doc.
pub fn build<R: BufRead, I: BufRead>(
    results: R,
    input: Option<I>,
    opts: &Options,
) -> io::Result<Report> {
    build_with(results, input.map(|r| InputLines(r, Vec::new())), opts)
}

/// An input JSONL file, one sample per line.
struct InputLines<I>(I, Vec<u8>);

impl<I: BufRead> window::Samples for InputLines<I> {
    fn next_sample(&mut self) -> io::Result<Option<Result<Sample, String>>> {
        Ok(next_line(&mut self.0, &mut self.1)?.then(|| parse_sample(&self.1)))
    }
}

/// [`build`] over samples from a file or from memory ([`build_kept`]).
fn build_with<R: BufRead, I: window::Samples>(
    mut results: R,
    mut input: Option<I>,
    opts: &Options,
) -> io::Result<Report> {
    let mut rng = Rng::new(opts.seed);
    let mut main: Reservoir<Rollout> = Reservoir::new(opts.sample);
    let mut per_status: BTreeMap<String, (Reservoir<Rollout>, Rng)> = BTreeMap::new();
    let mut firsts: Vec<Rollout> = Vec::new();

    let mut samples = 0u64;
    let mut status: BTreeMap<String, u64> = BTreeMap::new();
    let (mut reward, mut advantage) = (Moments::default(), Moments::default());
    let (mut reward_h, mut advantage_h) = (Histogram::default(), Histogram::default());
    let mut components: BTreeMap<String, (Moments, Histogram)> = BTreeMap::new();
    let mut groups: HashMap<String, Moments> = HashMap::new();
    let (mut marked, mut marked_zero) = (0u64, 0u64);
    let mut routes: HashMap<String, KeyAcc> = HashMap::new();
    let mut keys: HashMap<String, KeyAcc> = HashMap::new();
    let (mut by_tokens, mut by_chars) = (LengthBins::default(), LengthBins::default());
    let (mut tokens_m, mut chars_m) = (Moments::default(), Moments::default());
    let mut all_tokens = true;
    let mut joined = 0u64;
    let mut failures = Failures::default();
    let mut clusters: HashMap<String, ClusterAcc> = HashMap::new();
    let mut judges: BTreeMap<String, JudgeStats> = BTreeMap::new();
    let mut bad_lines = BadLines::default();
    let mut join = input.as_ref().map(|_| InputJoin::default());

    let mut rbuf = Vec::new();
    let mut line = 0u64;
    loop {
        let have_result = next_line(&mut results, &mut rbuf)?;
        let next = match input.as_mut() {
            Some(i) => i.next_sample()?,
            None => None,
        };
        let have_input = next.is_some();
        if !have_result && !have_input {
            break;
        }
        line += 1;
        let sample = match next {
            Some(Ok(s)) => Some(s),
            Some(Err(e)) => {
                bad(&mut bad_lines.input, line, e);
                None
            }
            None => None,
        };
        if !have_result {
            if let Some(j) = join.as_mut() {
                j.input_without_result += 1;
            }
            continue;
        }
        if input.is_some() && !have_input {
            if let Some(j) = join.as_mut() {
                j.results_without_input += 1;
            }
        }
        let r: ResultLine = match serde_json::from_slice(&rbuf) {
            Ok(r) => r,
            Err(e) => {
                bad(&mut bad_lines.results, line, e.to_string());
                continue;
            }
        };
        samples += 1;
        *status.entry(r.status.clone()).or_default() += 1;
        if let Some(x) = r.reward {
            reward.push(x);
            reward_h.push(x);
        }
        if let Some(a) = r.advantage {
            advantage.push(a);
            advantage_h.push(a);
        }
        for (name, v) in &r.components {
            if let Some(x) = v.as_f64() {
                let c = components.entry(name.clone()).or_default();
                c.0.push(x);
                c.1.push(x);
            }
        }
        if let Some(z) = r.zero_variance {
            marked += 1;
            marked_zero += z as u64;
        }
        let route = sample
            .as_ref()
            .map(|s| s.route.clone().unwrap_or_else(|| "(none)".into()));
        if let Some(route) = &route {
            bucket(&mut routes, route.clone()).push(&r);
        }
        let key = opts.by.as_deref().map(|path| {
            let from_result = || match path.split_once('.') {
                // The result's own fields, for keys such as `details.correct.method`.
                Some(("details", rest)) => lookup(&r.details, rest).map(key_text),
                Some(("components", rest)) => r.components.get(rest).map(key_text),
                None if path == "status" => Some(r.status.clone()),
                _ => None,
            };
            sample
                .as_ref()
                .and_then(|s| lookup(&s.value, path))
                .map(key_text)
                .or_else(from_result)
                .unwrap_or_else(|| "(none)".into())
        });
        if let Some(k) = &key {
            bucket(&mut keys, k.clone()).push(&r);
        }
        let mut length = None;
        if let Some(s) = &sample {
            joined += 1;
            if let Some(x) = r.reward {
                groups
                    .entry(s.group.clone().unwrap_or_else(|| format!("\0line {line}")))
                    .or_default()
                    .push(x);
                by_chars.push(s.chars, x);
                if let Some(t) = s.tokens {
                    by_tokens.push(t, x);
                }
            }
            chars_m.push(s.chars as f64);
            match s.tokens {
                Some(t) => tokens_m.push(t as f64),
                None => all_tokens = false,
            }
            length = Some(s.tokens.unwrap_or(s.chars));
            if let (Some(j), Some(a), b) = (join.as_mut(), s.value.get("id"), &r.id) {
                if !a.is_null() && !b.is_null() && a != b {
                    j.id_mismatches += 1;
                    j.first_id_mismatch_line.get_or_insert(line);
                }
            }
        }
        if let Value::Object(d) = &r.details {
            for (name, v) in d {
                let Value::Object(f) = v else { continue };
                if !f.contains_key("calls") && !f.contains_key("judge_error") {
                    continue;
                }
                let j = judges.entry(name.clone()).or_default();
                let n = |k: &str| f.get(k).and_then(Value::as_u64).unwrap_or(0);
                j.samples += 1;
                j.calls += n("calls");
                j.attempts += n("attempts");
                j.cached += n("cached");
                if let Some(u) = f.get("usage") {
                    let t = |k: &str| u.get(k).and_then(Value::as_u64).unwrap_or(0);
                    j.prompt_tokens += t("prompt_tokens");
                    j.completion_tokens += t("completion_tokens");
                }
                j.cost_usd += f.get("cost_usd").and_then(Value::as_f64).unwrap_or(0.0);
                if let Some(ms) = f.get("latency_ms").and_then(Value::as_f64) {
                    j.latency_ms += ms;
                    j.timed_calls += n("calls");
                }
                if let Some(e) = f.get("judge_error").filter(|e| !e.is_null()) {
                    *j.errors.entry(key_text(e)).or_default() += 1;
                }
            }
        }

        // Failures and the sampled rollouts.
        let failed = r.status != "ok";
        let mut first_of_cluster = false;
        if failed {
            *failures.by_status.entry(r.status.clone()).or_default() += 1;
        }
        if let Some(msg) = &r.error {
            let pattern = cluster_key(msg);
            let n = clusters.len();
            let example = serde_json::json!({"line": line, "id": r.id});
            match clusters.get_mut(&pattern) {
                Some(c) => {
                    c.count += 1;
                    *c.status.entry(r.status.clone()).or_default() += 1;
                    if c.examples.len() < 3 {
                        c.examples.push(example);
                    }
                }
                None if n < MAX_CLUSTERS => {
                    first_of_cluster = n < CLUSTER_FIRSTS;
                    clusters.insert(
                        pattern.clone(),
                        ClusterAcc {
                            pattern,
                            count: 1,
                            status: BTreeMap::from([(r.status.clone(), 1)]),
                            example: cut(msg.clone(), 500),
                            examples: vec![example],
                        },
                    );
                }
                None => failures.other_messages += 1,
            }
        }
        let main_slot = main.offer(&mut rng);
        let status_slot = if failed {
            let (res, srng) = per_status.entry(r.status.clone()).or_insert_with(|| {
                (
                    Reservoir::new(PER_STATUS),
                    Rng::new(opts.seed ^ r.status.len() as u64),
                )
            });
            res.offer(srng)
        } else {
            None
        };
        if main_slot.is_some() || status_slot.is_some() || first_of_cluster {
            let rollout = Rollout {
                line,
                id: r.id.clone(),
                status: r.status.clone(),
                reward: r.reward,
                advantage: r.advantage,
                route,
                key,
                group: sample.as_ref().and_then(|s| s.group.clone()),
                components: r.components.clone(),
                error: r.error.clone().map(|e| cut(e, 2000)),
                details: cut_value(r.details.clone(), 600),
                prompt: sample.as_ref().and_then(Sample::prompt_text),
                response: sample.as_ref().and_then(Sample::response_text),
                reference: sample.as_ref().and_then(Sample::reference_value),
                length,
            };
            if let Some(slot) = status_slot {
                per_status
                    .get_mut(&r.status)
                    .unwrap()
                    .0
                    .put(slot, rollout.clone());
            }
            if first_of_cluster {
                firsts.push(rollout.clone());
            }
            if let Some(slot) = main_slot {
                main.put(slot, rollout);
            }
        }
    }

    // Groups.
    let mut group_std = Histogram::default();
    let g = figures::groups(&groups, joined, marked, marked_zero, &mut group_std);

    let length = (joined > 0).then(|| {
        let tokens = all_tokens && tokens_m.n() > 0;
        Length {
            unit: if tokens { "tokens" } else { "characters" }.into(),
            summary: if tokens {
                tokens_m.summary()
            } else {
                chars_m.summary()
            },
            bins: if tokens {
                by_tokens.bins()
            } else {
                by_chars.bins()
            },
        }
    });
    // The trainers' figures.
    let trainers = figures::trainers(
        &reward,
        &g,
        components.iter().map(|(k, (m, _))| (k, m)),
        length
            .as_ref()
            .filter(|l| l.unit == "tokens")
            .and_then(|l| l.summary.as_ref()),
    );

    let mut cl: Vec<Cluster> = clusters
        .into_values()
        .map(|c| Cluster {
            pattern: c.pattern,
            count: c.count,
            status: c.status,
            example: c.example,
            examples: c.examples,
        })
        .collect();
    cl.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| a.pattern.cmp(&b.pattern))
    });
    failures.clusters = cl;

    let sorted = |m: HashMap<String, KeyAcc>| -> BTreeMap<String, KeyStats> {
        m.iter().map(|(k, v)| (k.clone(), v.stats())).collect()
    };
    let stats = Stats {
        samples,
        status,
        reward: reward.summary(),
        advantage: advantage.summary(),
        components: components
            .iter()
            .filter_map(|(k, (m, _))| Some((k.clone(), m.summary()?)))
            .collect(),
        trainers,
        groups: g,
        by_route: sorted(routes),
        by_key: opts.by.as_ref().map(|k| ByKey {
            key: k.clone(),
            values: sorted(keys),
        }),
        histograms: Histograms {
            reward: reward_h.bins(),
            advantage: advantage_h.bins(),
            components: components
                .iter()
                .map(|(k, (_, h))| (k.clone(), h.bins()))
                .collect(),
            group_std: group_std.bins(),
        },
        length,
        failures,
        judges,
        bad_lines,
        input: join,
    };

    // Failure representatives first, then the uniform sample; each line once, in line order.
    let mut rollouts: Vec<Rollout> = firsts;
    for (res, _) in per_status.into_values() {
        rollouts.extend(res.items);
    }
    rollouts.extend(main.items);
    rollouts.sort_by_key(|r| r.line);
    rollouts.dedup_by_key(|r| r.line);
    Ok(Report { stats, rollouts })
}
