//! Two results files over the same rollouts (two specs, or two versions of Plaudit), compared.
//!
//! [`compare`] reads A, B and optionally the samples they scored in lockstep, **joined by line
//! order** like [`crate::build`]: line *i* of A, of B and of the input are the same rollout. Ids
//! are checked where both sides carry one (mismatches counted, first line kept). A rollout
//! *passes* when its reward is above the threshold; it is *flipped* when it passes on one side
//! and not on the other. Status changes (`ok→timeout`) are counted separately. Statistics cover
//! every joined line; the browser gets every flipped or status-changed rollout up to
//! [`CompareOptions::sample`], and a seeded sample of the unchanged ones.

use std::collections::{BTreeMap, HashMap};
use std::io::{self, BufRead};

use serde::Serialize;
use serde_json::Value;

use crate::stats::{Bins, Histogram, Moments, Reservoir, Rng, Summary};
use crate::{
    bad, cut, cut_value, next_line, parse_sample, text, BadFile, ResultLine, Rollout, Sample,
    MAX_KEYS,
};

/// Flipped rollouts listed in [`CompareStats::flips`] (all are counted).
pub const MAX_FLIPS_LISTED: usize = 10_000;

/// What [`compare`] does.
#[derive(Clone, Debug)]
pub struct CompareOptions {
    /// A rollout passes when its reward is above this.
    pub threshold: f64,
    /// Changed rollouts kept for the browser, and unchanged ones sampled besides.
    pub sample: usize,
    pub seed: u64,
}

impl Default for CompareOptions {
    fn default() -> Self {
        CompareOptions {
            threshold: 0.5,
            sample: 500,
            seed: 0,
        }
    }
}

/// The comparison: statistics over every joined line and the rollouts for the browser, changed
/// ones first.
#[derive(Clone, Debug, Serialize)]
pub struct Comparison {
    pub stats: CompareStats,
    pub rollouts: Vec<ComparedRollout>,
}

/// What `plaudit report --compare … --json` writes.
#[derive(Clone, Debug, Serialize)]
pub struct CompareStats {
    pub threshold: f64,
    /// Lines where both A and B hold a result.
    pub samples: u64,
    pub a: Side,
    pub b: Side,
    /// Components present on both sides: A's and B's summaries.
    pub components: BTreeMap<String, ComponentShift>,
    /// Verdicts (pass: reward above the threshold) over every joined line.
    pub confusion: Confusion,
    /// Per route (the input's `task`; `(none)` without one). Empty without `--input`.
    pub by_route: BTreeMap<String, Confusion>,
    /// `"A status→B status"` for every pair of statuses seen, changed or not.
    pub status_transitions: BTreeMap<String, u64>,
    /// Lines whose verdict differs.
    pub flipped: u64,
    /// Lines whose status differs.
    pub status_changed: u64,
    /// Mean of |B reward − A reward| over lines where both have a reward.
    pub mean_abs_delta: Option<f64>,
    /// Mean of B reward − A reward.
    pub mean_delta: Option<f64>,
    /// Histogram of B reward − A reward.
    pub delta_histogram: Bins,
    /// The first [`MAX_FLIPS_LISTED`] flipped lines: line, id, route, verdict, rewards, statuses.
    pub flips: Vec<Value>,
    pub join: CompareJoin,
    pub bad_lines: CompareBadLines,
}

/// One side's distribution.
#[derive(Clone, Debug, Serialize)]
pub struct Side {
    pub status: BTreeMap<String, u64>,
    pub reward: Option<Summary>,
    /// Lines whose reward is above the threshold.
    pub pass: u64,
    pub reward_histogram: Bins,
}

#[derive(Clone, Debug, Serialize)]
pub struct ComponentShift {
    pub a: Summary,
    pub b: Summary,
    pub a_histogram: Bins,
    pub b_histogram: Bins,
}

/// Verdict counts, A's verdict first.
#[derive(Clone, Debug, Serialize, Default, PartialEq, Eq)]
pub struct Confusion {
    pub pass_pass: u64,
    pub pass_fail: u64,
    pub fail_pass: u64,
    pub fail_fail: u64,
    /// Lines whose status differs.
    pub status_changed: u64,
}

impl Confusion {
    fn push(&mut self, a: bool, b: bool, status_changed: bool) {
        match (a, b) {
            (true, true) => self.pass_pass += 1,
            (true, false) => self.pass_fail += 1,
            (false, true) => self.fail_pass += 1,
            (false, false) => self.fail_fail += 1,
        }
        self.status_changed += status_changed as u64;
    }

    pub fn flipped(&self) -> u64 {
        self.pass_fail + self.fail_pass
    }
}

/// How the three files joined (by line order).
#[derive(Clone, Debug, Serialize, Default)]
pub struct CompareJoin {
    /// Lines where A and B both had an `id` and the ids differed.
    pub id_mismatches: u64,
    pub first_id_mismatch_line: Option<u64>,
    /// Lines where the input's `id` differed from A's or B's.
    pub input_id_mismatches: u64,
    pub first_input_id_mismatch_line: Option<u64>,
    /// Lines of A past B's end, and of B past A's end.
    pub a_without_b: u64,
    pub b_without_a: u64,
    /// Joined lines past the input's end (with `--input`).
    pub results_without_input: u64,
}

#[derive(Clone, Debug, Serialize, Default)]
pub struct CompareBadLines {
    pub a: BadFile,
    pub b: BadFile,
    pub input: BadFile,
}

/// One rollout as scored by A and by B. `a` and `b` carry the result's fields; the sample's
/// texts are on the pair.
#[derive(Clone, Debug, Serialize)]
pub struct ComparedRollout {
    pub line: u64,
    pub id: Value,
    pub route: Option<String>,
    /// `pass→fail`, `fail→fail`, …
    pub verdict: String,
    pub flipped: bool,
    pub status_changed: bool,
    /// B reward − A reward.
    pub delta: Option<f64>,
    pub a: Rollout,
    pub b: Rollout,
    pub prompt: Option<String>,
    pub response: Option<String>,
    pub reference: Option<Value>,
}

#[derive(Default)]
struct SideAcc {
    status: BTreeMap<String, u64>,
    reward: Moments,
    hist: Histogram,
    pass: u64,
    components: BTreeMap<String, (Moments, Histogram)>,
}

impl SideAcc {
    fn push(&mut self, r: &ResultLine, pass: bool) {
        *self.status.entry(r.status.clone()).or_default() += 1;
        if let Some(x) = r.reward {
            self.reward.push(x);
            self.hist.push(x);
        }
        self.pass += pass as u64;
        for (name, v) in &r.components {
            if let Some(x) = v.as_f64() {
                let c = self.components.entry(name.clone()).or_default();
                c.0.push(x);
                c.1.push(x);
            }
        }
    }

    fn side(&self) -> Side {
        Side {
            status: self.status.clone(),
            reward: self.reward.summary(),
            pass: self.pass,
            reward_histogram: self.hist.bins(),
        }
    }
}

fn verdict(pass: bool) -> &'static str {
    if pass {
        "pass"
    } else {
        "fail"
    }
}

/// One side of a compared rollout (the texts are on the pair).
fn side_rollout(line: u64, r: &ResultLine, route: &Option<String>) -> Rollout {
    Rollout {
        line,
        id: r.id.clone(),
        status: r.status.clone(),
        reward: r.reward,
        advantage: r.advantage,
        route: route.clone(),
        key: None,
        group: None,
        components: r.components.clone(),
        error: r.error.clone().map(|e| cut(e, 2000)),
        details: cut_value(r.details.clone(), 600),
        prompt: None,
        response: None,
        reference: None,
        length: None,
    }
}

fn parse_result(buf: &[u8]) -> Result<ResultLine, String> {
    serde_json::from_slice(buf).map_err(|e| e.to_string())
}

/// Reads A and B (and `input`), joined by line order, in one pass; see the module's doc.
pub fn compare<A: BufRead, B: BufRead, I: BufRead>(
    mut a_file: A,
    mut b_file: B,
    mut input: Option<I>,
    opts: &CompareOptions,
) -> io::Result<Comparison> {
    let mut rng = Rng::new(opts.seed);
    let mut changed: Reservoir<ComparedRollout> = Reservoir::new(opts.sample);
    let mut same: Reservoir<ComparedRollout> = Reservoir::new(opts.sample);
    let (mut sa, mut sb) = (SideAcc::default(), SideAcc::default());
    let mut confusion = Confusion::default();
    let mut routes: HashMap<String, Confusion> = HashMap::new();
    let mut transitions: BTreeMap<String, u64> = BTreeMap::new();
    let (mut abs_delta, mut delta) = (Moments::default(), Moments::default());
    let mut delta_h = Histogram::default();
    let mut flips = Vec::new();
    let mut join = CompareJoin::default();
    let mut bad_lines = CompareBadLines::default();
    let mut samples = 0u64;

    let (mut abuf, mut bbuf, mut ibuf) = (Vec::new(), Vec::new(), Vec::new());
    let mut line = 0u64;
    loop {
        let have_a = next_line(&mut a_file, &mut abuf)?;
        let have_b = next_line(&mut b_file, &mut bbuf)?;
        let have_input = match input.as_mut() {
            Some(i) => next_line(i, &mut ibuf)?,
            None => false,
        };
        if !have_a && !have_b {
            break;
        }
        line += 1;
        if !have_b {
            join.a_without_b += 1;
            continue;
        }
        if !have_a {
            join.b_without_a += 1;
            continue;
        }
        let sample: Option<Sample> = if have_input {
            match parse_sample(&ibuf) {
                Ok(s) => Some(s),
                Err(e) => {
                    bad(&mut bad_lines.input, line, e);
                    None
                }
            }
        } else {
            if input.is_some() {
                join.results_without_input += 1;
            }
            None
        };
        let ra = parse_result(&abuf).map_err(|e| bad(&mut bad_lines.a, line, e));
        let rb = parse_result(&bbuf).map_err(|e| bad(&mut bad_lines.b, line, e));
        let (Ok(ra), Ok(rb)) = (ra, rb) else {
            continue;
        };
        samples += 1;
        if !ra.id.is_null() && !rb.id.is_null() && ra.id != rb.id {
            join.id_mismatches += 1;
            join.first_id_mismatch_line.get_or_insert(line);
        }
        if let Some(sid) = sample
            .as_ref()
            .and_then(|s| s.value.get("id"))
            .filter(|i| !i.is_null())
        {
            if [&ra.id, &rb.id].iter().any(|r| !r.is_null() && *r != sid) {
                join.input_id_mismatches += 1;
                join.first_input_id_mismatch_line.get_or_insert(line);
            }
        }
        let pass_a = ra.reward.is_some_and(|x| x > opts.threshold);
        let pass_b = rb.reward.is_some_and(|x| x > opts.threshold);
        let status_changed = ra.status != rb.status;
        let flipped = pass_a != pass_b;
        sa.push(&ra, pass_a);
        sb.push(&rb, pass_b);
        confusion.push(pass_a, pass_b, status_changed);
        let route = sample
            .as_ref()
            .map(|s| s.route.clone().unwrap_or_else(|| "(none)".into()));
        if let Some(route) = &route {
            let k = if routes.len() >= MAX_KEYS && !routes.contains_key(route) {
                "(other)".to_string()
            } else {
                route.clone()
            };
            routes
                .entry(k)
                .or_default()
                .push(pass_a, pass_b, status_changed);
        }
        *transitions
            .entry(format!("{}→{}", ra.status, rb.status))
            .or_default() += 1;
        let d = match (ra.reward, rb.reward) {
            (Some(x), Some(y)) if x.is_finite() && y.is_finite() => {
                abs_delta.push((y - x).abs());
                delta.push(y - x);
                delta_h.push(y - x);
                Some(y - x)
            }
            _ => None,
        };
        let verdict = format!("{}→{}", verdict(pass_a), verdict(pass_b));
        if flipped && flips.len() < MAX_FLIPS_LISTED {
            flips.push(serde_json::json!({
                "line": line, "id": ra.id, "route": route, "verdict": verdict,
                "a": {"reward": ra.reward, "status": ra.status},
                "b": {"reward": rb.reward, "status": rb.status},
            }));
        }
        let (res, slot) = if flipped || status_changed {
            let slot = changed.offer(&mut rng);
            (&mut changed, slot)
        } else {
            let slot = same.offer(&mut rng);
            (&mut same, slot)
        };
        if let Some(slot) = slot {
            let texts = |k: &str, max: usize| {
                sample
                    .as_ref()
                    .and_then(|s| s.value.get(k).and_then(text))
                    .map(|t| cut(t, max))
            };
            res.put(
                slot,
                ComparedRollout {
                    line,
                    id: if ra.id.is_null() {
                        rb.id.clone()
                    } else {
                        ra.id.clone()
                    },
                    route: route.clone(),
                    verdict,
                    flipped,
                    status_changed,
                    delta: d,
                    a: side_rollout(line, &ra, &route),
                    b: side_rollout(line, &rb, &route),
                    prompt: texts("prompt", 1500),
                    response: texts("response", 3000),
                    reference: sample
                        .as_ref()
                        .and_then(|s| s.value.get("reference").cloned())
                        .map(|v| cut_value(v, 600)),
                },
            );
        }
    }

    let components = sa
        .components
        .iter()
        .filter_map(|(name, (ma, ha))| {
            let (mb, hb) = sb.components.get(name)?;
            Some((
                name.clone(),
                ComponentShift {
                    a: ma.summary()?,
                    b: mb.summary()?,
                    a_histogram: ha.bins(),
                    b_histogram: hb.bins(),
                },
            ))
        })
        .collect();
    let stats = CompareStats {
        threshold: opts.threshold,
        samples,
        a: sa.side(),
        b: sb.side(),
        components,
        flipped: confusion.flipped(),
        status_changed: confusion.status_changed,
        confusion,
        by_route: routes.into_iter().collect(),
        status_transitions: transitions,
        mean_abs_delta: abs_delta.mean(),
        mean_delta: delta.mean(),
        delta_histogram: delta_h.bins(),
        flips,
        join,
        bad_lines,
    };
    // Flipped first, then status changes, then the rest; each in line order.
    let mut rollouts = changed.items;
    rollouts.extend(same.items);
    rollouts.sort_by_key(|r| (!r.flipped, !r.status_changed, r.line));
    Ok(Comparison { stats, rollouts })
}
