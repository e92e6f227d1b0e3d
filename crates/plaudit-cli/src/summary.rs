//! `plaudit score`'s summary figures: the ones trainers log (TRL's `reward`, `reward_std`,
//! `frac_reward_zero_std`, verl's `critic/score/mean`, …), computed by `plaudit report`'s code
//! ([`plaudit_report::Figures`]) as the results are written.

use std::collections::VecDeque;

use plaudit_core::{Emit, Input, JsonLine, ResultParts, ScoreResult};
use plaudit_report::{FigureSample, Figures};
use serde_json::{Map, Value};

/// A result line, with what the figures need of its result.
pub struct Scored {
    pub line: JsonLine,
    reward: f64,
    components: Vec<(String, f64)>,
    zero_variance: Option<bool>,
}

impl Emit for Scored {
    fn emit(mut result: ScoreResult) -> Self {
        let (reward, zero_variance) = (result.reward, result.zero_variance);
        let mut b = Vec::with_capacity(128);
        result.write_json_line(&mut b);
        Scored {
            line: JsonLine(b),
            reward,
            components: std::mem::take(&mut result.components).into_iter().collect(),
            zero_variance,
        }
    }

    fn emit_parts(parts: ResultParts<'_>) -> Self {
        let mut b = Vec::with_capacity(128);
        parts.write_json_line(&mut b);
        Scored {
            line: JsonLine(b),
            reward: parts.reward,
            components: parts
                .components()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
            zero_variance: None,
        }
    }

    fn complete(&mut self, advantage: Option<f64>, zero_variance: Option<bool>) {
        self.line.complete(advantage, zero_variance);
        self.zero_variance = zero_variance;
    }
}

/// The figures over the results written so far; each result joins its input by order, as
/// `plaudit report --input` joins them.
#[derive(Default)]
pub struct Summary {
    figures: Figures,
    /// The group and token count of each input whose result has not come out yet, in order.
    pending: VecDeque<Pending>,
}

/// What the figures need of an input: its group and token count (`None`: not a sample, and in
/// no group).
pub type Pending = Option<(Option<String>, Option<u64>)>;

impl Summary {
    /// What the figures need of an input, to give [`Summary::pending`] before its result.
    pub fn pending_one(input: &Input) -> Pending {
        // An input that is not a sample still takes part in its group with its failure value
        // (as in the group stage, and as `plaudit report --input` reads the same line).
        match input {
            Input::Sample(s) => Some((s.group.clone(), s.tokens)),
            Input::Invalid { group: Some(g), .. } => Some((Some(g.clone()), None)),
            Input::Invalid { .. } => None,
        }
    }

    /// Inputs about to be scored, in order (see [`Summary::pending_one`]).
    pub fn pending(&mut self, pending: Vec<Pending>) {
        self.pending.extend(pending);
    }

    /// The next result, in input order.
    pub fn result(&mut self, r: &Scored) {
        let sample = self.pending.pop_front().flatten();
        self.figures.push(
            Some(r.reward),
            r.components.iter().map(|(k, v)| (k.as_str(), *v)),
            r.zero_variance,
            sample.as_ref().map(|(group, tokens)| FigureSample {
                group: group.as_deref(),
                tokens: *tokens,
            }),
        );
    }

    pub fn trainers(&self) -> Map<String, Value> {
        self.figures.trainers()
    }
}

/// The end-of-run line's part for the figures: `reward_std s · frac_reward_zero_std f`, and which
/// trainer names the mean reward goes by.
pub fn line_part(t: &Map<String, Value>) -> Vec<String> {
    let mut parts = Vec::new();
    for k in ["reward_std", "frac_reward_zero_std"] {
        if let Some(x) = t.get(k).and_then(Value::as_f64) {
            parts.push(format!("{k} {x:.4}"));
        }
    }
    parts
}
