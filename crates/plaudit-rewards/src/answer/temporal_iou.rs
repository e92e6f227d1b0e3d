//! Temporal IoU: the overlap of the time interval the response names with the reference interval, divided by their union (video temporal grounding).
//!
//! ## What it computes
//! The answer is extracted from the response (see `extract`) and the one time interval it names
//! is read from it. With P = [p_s, p_e] the predicted and T = [t_s, t_e] the reference interval:
//! ```text
//! tIoU = max(0, min(p_e, t_e) − max(p_s, t_s)) / (max(p_e, t_e) − min(p_s, t_s))
//! ```
//! in [0, 1]: 1 for the exact interval, 0 for a disjoint one (however close). With several
//! reference intervals (several annotators) the best is kept. Details give the predicted
//! `start` and `end`, the `intersection`, the `union` and the `reference_index`.
//!
//! How an interval is written: two times joined by `-`, `–`, `—`, `~`, `to` or `and`
//! (`12.5 - 30`, `from 12.5s to 30s`, `between 12 and 30 seconds`), or two times in brackets
//! joined by any of these or a comma (`[12.5, 30.0]`, `(12.5s, 30s)`). A time is a non-negative
//! decimal number of seconds, optionally followed by `s`, `sec`, `secs`, `second` or `seconds`,
//! or a clock time `m:ss` or `h:mm:ss` (with optional decimals: `1:05.5` is 65.5 s; minutes
//! and seconds after the first field must be below 60). Parsing is strict, because the policy
//! is an adversary:
//! - no interval in the answer, an interval that ends before it starts, or a malformed clock
//!   time is `no_answer`;
//! - an answer naming two different intervals is `no_answer` (hedging with several candidates
//!   earns nothing; the same interval written twice is one interval);
//! - a zero-length prediction has no overlap and scores 0; a huge one is paid for by its union.
//!
//! The reference is `[start, end]` (two numbers), a list of such pairs, or a text holding one
//! interval in the forms above; a reference that is none of these, has a negative time, or
//! does not end after it starts is `invalid_input` naming what is wrong.
//!
//! ## Why
//! "Reinforcement Learning Tuning for VideoLLMs: Reward Design and Data Efficiency"
//! (Temporal-R1) supervises "both semantic and temporal reasoning through discrete and
//! continuous reward signals": the discrete signal is the answer's correctness
//! (`multiple_choice`, `exact_match`), the continuous one, in the research catalogue's reading
//! (the standard reward of temporal video grounding), is the temporal IoU of the predicted
//! segment with the annotated one. The accepted interval notations and the strictness rules
//! above are Plaudit's.
//!
//! ## Parameters
//! - `extract` (auto | answer_tag | boxed | marker | last_line | none; default `auto`): where the
//!   answer is in the response.
//! - `answer_tag` (string; default `answer`): the tag name for `extract: answer_tag` / `auto`.
//!
//! ## Example
//! ```json
//! {"sample": {"response": "<answer>[12.5, 30.0]</answer>", "reference": [10, 30]}, "value": 0.875}
//! {"sample": {"response": "<think>…</think><answer>from 12.5s to 30s</answer>", "reference": "10 - 30"}, "value": 0.875}
//! {"sample": {"response": "<answer>0:50 - 1:10</answer>", "reference": [60, 80]}, "value": 0.3333333333333333}
//! {"sample": {"response": "<answer>40 to 50</answer>", "reference": [[0, 10], [35, 55]]}, "value": 0.5}
//! {"sample": {"response": "<answer>0 - 1000</answer>", "reference": [10, 30]}, "value": 0.02}
//! {"sample": {"response": "<answer>[30, 45]</answer>", "reference": [10, 30]}, "value": 0.0}
//! {"sample": {"response": "<answer>[10, 20] or [20, 30]</answer>", "reference": [10, 30]}, "status": "no_answer"}
//! {"sample": {"response": "<answer>30 - 10</answer>", "reference": [10, 30]}, "status": "no_answer"}
//! {"sample": {"response": "<answer>around the middle</answer>", "reference": [10, 30]}, "status": "no_answer"}
//! {"sample": {"response": "<answer>[10, 30]</answer>", "reference": [30, 10]}, "status": "invalid_input"}
//! {"sample": {"response": "<answer>[10, 30]</answer>", "reference": "the end"}, "status": "invalid_input"}
//! ```

use std::sync::{Arc, LazyLock};

use plaudit_core::sample::type_name;
use plaudit_core::{Ctx, Failure, Outcome, ParamSpec, Params, Reward, RewardInfo, Sample, Score};
use regex::Regex;
use serde_json::{json, Value};

use super::extraction::{EXTRACT_PARAM, TAG_PARAM};
use crate::util::extract_answer;

pub const INFO: RewardInfo = RewardInfo {
    name: "temporal_iou",
    family: "answer",
    source: include_str!("temporal_iou.rs"),
    params: PARAMS,
    build,
};

const PARAMS: &[ParamSpec] = &[EXTRACT_PARAM, TAG_PARAM];

/// A time: seconds or a clock time, with an optional unit of seconds.
const TIME: &str = r"(\d+(?::\d+){0,2}(?:\.\d+)?)(?:\s*(?:seconds|second|secs|sec|s)\b)?";

/// An interval: two times in brackets (comma or any joiner), or two times joined by a word or
/// dash. Groups 1, 2 (bracketed) or 3, 4 (bare) are the two times.
static INTERVAL: LazyLock<Regex> = LazyLock::new(|| {
    let bracketed = format!(r"[\[(]\s*{TIME}\s*(?:,|-|–|—|~|to)\s*{TIME}\s*[\])]");
    let bare = format!(r"\b{TIME}\s*(?:-|–|—|~|to\b|and\b)\s*{TIME}");
    Regex::new(&format!("(?i){bracketed}|{bare}")).unwrap()
});

struct TemporalIou {
    extract: String,
    tag: String,
}

fn build(p: &Params) -> Result<Arc<dyn Reward>, String> {
    Ok(Arc::new(TemporalIou {
        extract: p.str("extract").to_string(),
        tag: p.str("answer_tag").to_string(),
    }))
}

/// Seconds of a time as written (`12.5`, `1:05`, `1:02:03.5`), or why it is not a time.
fn seconds(text: &str) -> Result<f64, String> {
    let (whole, frac) = match text.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (text, None),
    };
    let fields: Vec<&str> = whole.split(':').collect();
    let mut total = 0.0f64;
    for (i, f) in fields.iter().enumerate() {
        let v: f64 = f.parse().map_err(|_| format!("`{text}` is not a time"))?;
        if i > 0 && (f.len() != 2 || v >= 60.0) {
            return Err(format!(
                "`{text}` is not a clock time (minutes and seconds are two digits below 60)"
            ));
        }
        total = total * 60.0 + v;
    }
    if let Some(f) = frac {
        total += format!("0.{f}")
            .parse::<f64>()
            .map_err(|_| format!("`{text}` is not a time"))?;
    }
    if total.is_finite() {
        Ok(total)
    } else {
        Err(format!("`{text}` is too large a time"))
    }
}

/// The one interval `text` names: `Ok(None)` when it names none; `Err` for a malformed one or
/// for two different intervals.
fn interval(text: &str) -> Result<Option<(f64, f64)>, String> {
    let mut found: Option<(f64, f64)> = None;
    for c in INTERVAL.captures_iter(text) {
        let (a, b) = match (c.get(1), c.get(2)) {
            (Some(a), Some(b)) => (a, b),
            _ => (c.get(3).unwrap(), c.get(4).unwrap()),
        };
        let iv = (seconds(a.as_str())?, seconds(b.as_str())?);
        if iv.1 < iv.0 {
            return Err(format!(
                "the interval `{}` ends before it starts",
                c.get(0).unwrap().as_str()
            ));
        }
        match found {
            Some(f) if f != iv => return Err("the answer names more than one interval".to_string()),
            _ => found = Some(iv),
        }
    }
    Ok(found)
}

/// A reference interval from a JSON pair of numbers.
fn pair(v: &Value) -> Option<(f64, f64)> {
    match v.as_array()?.as_slice() {
        [a, b] => Some((a.as_f64()?, b.as_f64()?)),
        _ => None,
    }
}

/// The reference intervals, or `invalid_input` saying what is wrong.
fn references(sample: &Sample) -> Result<Vec<(f64, f64)>, Failure> {
    let shape = || {
        Failure::invalid_input(format!(
            "`reference` must be [start, end], a list of them, or a text naming one interval; got {}",
            type_name(&sample.reference)
        ))
    };
    let ivs = match &sample.reference {
        Value::String(s) => match interval(s) {
            Ok(Some(iv)) => vec![iv],
            Ok(None) => return Err(shape()),
            Err(e) => return Err(Failure::invalid_input(format!("`reference`: {e}"))),
        },
        v @ Value::Array(items) => match pair(v) {
            Some(iv) => vec![iv],
            None if !items.is_empty() => items
                .iter()
                .map(pair)
                .collect::<Option<_>>()
                .ok_or_else(shape)?,
            None => return Err(shape()),
        },
        _ => return Err(shape()),
    };
    for (s, e) in &ivs {
        if !(s.is_finite() && e.is_finite() && *s >= 0.0 && e > s) {
            return Err(Failure::invalid_input(format!(
                "`reference`: the interval [{s}, {e}] must have 0 ≤ start < end"
            )));
        }
    }
    Ok(ivs)
}

impl Reward for TemporalIou {
    fn score(&self, sample: &Sample, _cx: &Ctx) -> Outcome {
        let refs = references(sample)?;
        let answer =
            extract_answer(&sample.response, &self.extract, &self.tag).ok_or_else(|| {
                Failure::no_answer(format!("no answer found (extract: {})", self.extract))
            })?;
        let (ps, pe) = interval(answer)
            .map_err(Failure::no_answer)?
            .ok_or_else(|| Failure::no_answer("the answer names no time interval"))?;
        let mut best = (f64::NEG_INFINITY, 0.0, 0.0, 0usize);
        for (i, (ts, te)) in refs.iter().enumerate() {
            let inter = (pe.min(*te) - ps.max(*ts)).max(0.0);
            let union = pe.max(*te) - ps.min(*ts);
            let iou = inter / union;
            if iou > best.0 {
                best = (iou, inter, union, i);
            }
        }
        let (iou, inter, union, i) = best;
        Ok(Score::with_details(
            iou,
            json!({"start": ps, "end": pe, "intersection": inter, "union": union, "reference_index": i}),
        ))
    }
}
