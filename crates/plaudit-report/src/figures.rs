//! The figures trainers log (TRL's `reward`, `reward_std`, `frac_reward_zero_std`, verl's
//! `critic/score/*`, …), computed in one place: [`crate::build`] uses these functions, and
//! [`Figures`] accumulates just what they need, for a caller that has the results in memory
//! (`plaudit score`'s end-of-run line) and wants no page.

use std::collections::{BTreeMap, HashMap};

use serde_json::{Map, Value};

use crate::stats::{Histogram, Moments, Summary};
use crate::{Groups, ZERO_STD};

/// Per-group reward variance: from the input's groups when some group has two or more rewards
/// (`joined`: results that had an input sample), else from the results' zero-variance marks.
/// Each group's std goes into `group_std`.
pub(crate) fn groups(
    groups: &HashMap<String, Moments>,
    joined: u64,
    marked: u64,
    marked_zero: u64,
    group_std: &mut Histogram,
) -> Groups {
    let mut g = Groups {
        source: "none".into(),
        ..Groups::default()
    };
    let mut std_sum = 0.0;
    if joined > 0 && groups.values().any(|m| m.n() > 1) {
        g.source = "input".into();
        g.count = groups.len() as u64;
        for m in groups.values() {
            if let Some(s) = m.std() {
                g.with_std += 1;
                g.zero_std += (s <= ZERO_STD) as u64;
                std_sum += s;
                group_std.push(s);
            }
        }
        g.zero_variance_fraction = Some(g.zero_std as f64 / g.with_std as f64);
        g.mean_std = Some(std_sum / g.with_std as f64);
    } else if marked > 0 {
        g.source = "zero_variance_marks".into();
        g.zero_variance_fraction = Some(marked_zero as f64 / marked as f64);
    }
    g
}

/// The trainers' figures under their names; `tokens`: the response lengths when every joined
/// sample gave `tokens`.
pub(crate) fn trainers<'a>(
    reward: &Moments,
    g: &Groups,
    components: impl Iterator<Item = (&'a String, &'a Moments)>,
    tokens: Option<&Summary>,
) -> Map<String, Value> {
    let mut trainers = Map::new();
    let mut put = |k: &str, v: Option<f64>| {
        if let Some(v) = v {
            trainers.insert(k.into(), Value::from(v));
        }
    };
    put("reward", reward.mean());
    put("reward_std", g.mean_std.or_else(|| reward.std()));
    put("frac_reward_zero_std", g.zero_variance_fraction);
    for (name, m) in components {
        put(&format!("rewards/{name}/mean"), m.mean());
        put(&format!("rewards/{name}/std"), m.std());
    }
    let s = reward.summary();
    put("critic/score/mean", s.as_ref().map(|s| s.mean));
    put("critic/score/max", s.as_ref().map(|s| s.max));
    put("critic/score/min", s.as_ref().map(|s| s.min));
    if let Some(s) = tokens {
        put("response_length/mean", Some(s.mean));
        put("response_length/max", Some(s.max));
        put("response_length/min", Some(s.min));
    }
    put("rollout/reward_mean", reward.mean());
    trainers
}

/// The trainers' figures over results pushed one at a time, in bounded memory (one entry per
/// group of two or more): the same figures as the report's `stats.trainers`.
#[derive(Clone, Debug)]
pub struct Figures {
    reward: Moments,
    components: BTreeMap<String, Moments>,
    groups: HashMap<String, Moments>,
    marked: u64,
    marked_zero: u64,
    tokens: Moments,
    all_tokens: bool,
    joined: u64,
}

impl Default for Figures {
    fn default() -> Self {
        Figures {
            reward: Moments::default(),
            components: BTreeMap::new(),
            groups: HashMap::new(),
            marked: 0,
            marked_zero: 0,
            tokens: Moments::default(),
            all_tokens: true,
            joined: 0,
        }
    }
}

/// What [`Figures`] needs of a result's input sample.
#[derive(Clone, Copy, Debug, Default)]
pub struct FigureSample<'a> {
    pub group: Option<&'a str>,
    pub tokens: Option<u64>,
}

impl Figures {
    pub fn new() -> Figures {
        Figures::default()
    }

    /// One result: its reward, components and zero-variance mark, and its input sample (`None`
    /// when the result has none, as a results file read without `--input`).
    pub fn push<'a>(
        &mut self,
        reward: Option<f64>,
        components: impl IntoIterator<Item = (&'a str, f64)>,
        zero_variance: Option<bool>,
        sample: Option<FigureSample<'_>>,
    ) {
        if let Some(x) = reward {
            self.reward.push(x);
        }
        for (name, x) in components {
            match self.components.get_mut(name) {
                Some(m) => m.push(x),
                None => {
                    let mut m = Moments::default();
                    m.push(x);
                    self.components.insert(name.to_string(), m);
                }
            }
        }
        if let Some(z) = zero_variance {
            self.marked += 1;
            self.marked_zero += z as u64;
        }
        if let Some(s) = sample {
            self.joined += 1;
            // A sample without a group is a group of one: no std, so it is not kept.
            if let (Some(x), Some(g)) = (reward, s.group) {
                match self.groups.get_mut(g) {
                    Some(m) => m.push(x),
                    None => {
                        let mut m = Moments::default();
                        m.push(x);
                        self.groups.insert(g.to_string(), m);
                    }
                }
            }
            match s.tokens {
                Some(t) => self.tokens.push(t as f64),
                None => self.all_tokens = false,
            }
        }
    }

    /// The figures, named as the trainers log them (the report's `stats.trainers`).
    pub fn trainers(&self) -> Map<String, Value> {
        let g = groups(
            &self.groups,
            self.joined,
            self.marked,
            self.marked_zero,
            &mut Histogram::default(),
        );
        let tokens = (self.joined > 0 && self.all_tokens)
            .then(|| self.tokens.summary())
            .flatten();
        trainers(&self.reward, &g, self.components.iter(), tokens.as_ref())
    }
}
