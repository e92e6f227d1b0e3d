//! The group stage: after per-sample scoring, samples sharing `group` (the rollouts of one prompt)
//! get advantages, and groups with no learning signal can be marked.
//!
//! Estimators (r = the sample's reward, over the n rewards of its group):
//! - `grpo`: (r − mean) / (std + eps), std with Bessel's correction by default (as `torch.std`,
//!   which TRL and verl use); `std: population` divides by n instead.
//!   From "DeepSeekMath: Pushing the Limits of Mathematical Reasoning in Open Language Models".
//! - `dr_grpo`: r − mean (no std division), from "Understanding R1-Zero-Like Training: A Critical
//!   Perspective" (Dr. GRPO).
//! - `rloo`: r − mean of the other n − 1 rewards, from "Buy 4 REINFORCE Samples, Get a Baseline for
//!   Free!" / "Back to Basics: Revisiting REINFORCE Style Optimization for Learning from Human
//!   Feedback in LLMs".
//! - `reinforce_pp`: r − group mean, then whitened over the whole batch ((a − mean_B)/(std_B + eps)),
//!   as REINFORCE++'s baseline variant.
//! - `reward`: the sample's reward as computed, unchanged: for specs whose reward expression
//!   already is an advantage, computed by a group reward over the rollouts of the prompt (the
//!   `estimators` family: pass@k advantages, tree or turn credit …).
//! - `none`: no advantage field.
//!
//! A group of one has advantage 0 under every estimator but `reward` (no baseline to compare
//! against; under `reward` the group reward has already seen the group, whatever its size). All
//! samples take part, whatever their status: a failed sample's reward is the spec's failure value,
//! which is the reward the trainer sees. `mark_zero_variance` adds `"zero_variance": true` to every
//! sample of a group whose rewards are all equal (DAPO's dynamic sampling drops such groups).

use std::collections::HashMap;

#[cfg(test)]
use crate::result::ScoreResult;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Advantage {
    None,
    Grpo,
    DrGrpo,
    Rloo,
    ReinforcePp,
    /// The reward itself (already an advantage).
    Reward,
}

impl Advantage {
    pub const NAMES: [&'static str; 6] =
        ["grpo", "dr_grpo", "rloo", "reinforce_pp", "reward", "none"];

    pub fn parse(s: &str) -> Option<Advantage> {
        Some(match s {
            "none" => Advantage::None,
            "grpo" => Advantage::Grpo,
            "dr_grpo" => Advantage::DrGrpo,
            "rloo" => Advantage::Rloo,
            "reinforce_pp" => Advantage::ReinforcePp,
            "reward" => Advantage::Reward,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Advantage::None => "none",
            Advantage::Grpo => "grpo",
            Advantage::DrGrpo => "dr_grpo",
            Advantage::Rloo => "rloo",
            Advantage::ReinforcePp => "reinforce_pp",
            Advantage::Reward => "reward",
        }
    }
}

/// The spec's `group:` section.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupSpec {
    pub advantage: Advantage,
    /// Added to the standard deviation before dividing.
    pub eps: f64,
    /// Bessel-corrected (n − 1) standard deviation when true, population (n) when false.
    pub unbiased_std: bool,
    pub mark_zero_variance: bool,
}

impl Default for GroupSpec {
    fn default() -> Self {
        GroupSpec {
            advantage: Advantage::None,
            eps: 1e-6,
            unbiased_std: true,
            mark_zero_variance: false,
        }
    }
}

impl GroupSpec {
    /// Does this stage need to see whole groups (i.e. all of the batch) before writing results?
    pub fn is_active(&self) -> bool {
        self.advantage != Advantage::None || self.mark_zero_variance
    }

    fn std(&self, xs: &[f64], mean: f64) -> f64 {
        let n = xs.len() as f64;
        let denom = if self.unbiased_std { n - 1.0 } else { n };
        if denom <= 0.0 {
            return 0.0;
        }
        (xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / denom).sqrt()
    }

    /// Fill `advantage` (and `zero_variance`) of `results`. `keys[i]` is the group of result `i`;
    /// `None` makes a group of its own. (The fronts get this from [`crate::Batch::finish`].)
    #[cfg(test)]
    fn apply(&self, results: &mut [ScoreResult], keys: &[Option<String>]) {
        assert_eq!(results.len(), keys.len());
        let rewards: Vec<f64> = results.iter().map(|r| r.reward).collect();
        let stage = self.compute(&rewards, keys);
        for (i, r) in results.iter_mut().enumerate() {
            r.advantage = stage.advantage.as_ref().map(|a| a[i]);
            r.zero_variance = stage.zero_variance.as_ref().map(|z| z[i]);
        }
    }

    /// The group stage over a batch's rewards (`keys[i]` is the group of reward `i`; `None` makes
    /// a group of its own): what [`crate::Batch::finish`] adds to the results.
    pub fn compute(&self, rewards: &[f64], keys: &[Option<String>]) -> GroupOutput {
        assert_eq!(rewards.len(), keys.len());
        let mut out = GroupOutput {
            advantage: None,
            zero_variance: None,
        };
        if !self.is_active() {
            return out;
        }
        // Groups in order of first appearance, so the computation is deterministic.
        let mut index: HashMap<&str, usize> = HashMap::new();
        let mut groups: Vec<Vec<usize>> = Vec::new();
        for (i, k) in keys.iter().enumerate() {
            match k {
                Some(k) => {
                    let g = *index.entry(k.as_str()).or_insert_with(|| {
                        groups.push(Vec::new());
                        groups.len() - 1
                    });
                    groups[g].push(i);
                }
                None => groups.push(vec![i]),
            }
        }
        let mut adv = vec![0.0f64; rewards.len()];
        let mut zv = vec![false; rewards.len()];
        let mut members_rewards = Vec::new();
        for members in &groups {
            members_rewards.clear();
            members_rewards.extend(members.iter().map(|&i| rewards[i]));
            let n = members_rewards.len();
            let mean = members_rewards.iter().sum::<f64>() / n as f64;
            let zero_var = members_rewards.iter().all(|r| *r == members_rewards[0]);
            for &i in members {
                zv[i] = zero_var;
            }
            if self.advantage == Advantage::Reward {
                for &i in members {
                    adv[i] = rewards[i];
                }
                continue;
            }
            if n < 2 {
                continue;
            }
            let std = self.std(&members_rewards, mean);
            for (&i, &r) in members.iter().zip(&members_rewards) {
                adv[i] = match self.advantage {
                    Advantage::Grpo => (r - mean) / (std + self.eps),
                    Advantage::DrGrpo | Advantage::ReinforcePp => r - mean,
                    Advantage::Rloo => (r - mean) * n as f64 / (n as f64 - 1.0),
                    Advantage::None | Advantage::Reward => 0.0,
                };
            }
        }
        if self.advantage == Advantage::ReinforcePp && !adv.is_empty() {
            let mean = adv.iter().sum::<f64>() / adv.len() as f64;
            let std = self.std(&adv, mean);
            for a in adv.iter_mut() {
                *a = (*a - mean) / (std + self.eps);
            }
        }
        if self.advantage != Advantage::None {
            out.advantage = Some(adv);
        }
        if self.mark_zero_variance {
            out.zero_variance = Some(zv);
        }
        out
    }
}

/// What the group stage computes for a batch, index for index.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupOutput {
    pub advantage: Option<Vec<f64>>,
    pub zero_variance: Option<Vec<bool>>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::result::Status;

    fn results(rewards: &[f64]) -> Vec<ScoreResult> {
        rewards
            .iter()
            .map(|&r| {
                let mut x =
                    ScoreResult::failed(serde_json::Value::Null, Status::Ok, r, String::new());
                x.error = None;
                x
            })
            .collect()
    }

    fn run(adv: Advantage, rewards: &[f64], keys: &[Option<&str>]) -> Vec<f64> {
        let mut rs = results(rewards);
        let keys: Vec<Option<String>> = keys.iter().map(|k| k.map(String::from)).collect();
        GroupSpec {
            advantage: adv,
            ..Default::default()
        }
        .apply(&mut rs, &keys);
        rs.iter().map(|r| r.advantage.unwrap()).collect()
    }

    fn close(a: &[f64], b: &[f64]) {
        assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(b) {
            assert!((x - y).abs() < 1e-9, "{a:?} != {b:?}");
        }
    }

    const G: [Option<&str>; 4] = [Some("p"), Some("p"), Some("p"), Some("p")];

    #[test]
    fn grpo_matches_hand_computation() {
        // rewards 1,0,0,1: mean 0.5, unbiased std sqrt(1/3) = 0.57735
        let a = run(Advantage::Grpo, &[1.0, 0.0, 0.0, 1.0], &G);
        let s = (1.0f64 / 3.0).sqrt() + 1e-6;
        close(&a, &[0.5 / s, -0.5 / s, -0.5 / s, 0.5 / s]);
    }

    #[test]
    fn dr_grpo_and_rloo() {
        close(
            &run(Advantage::DrGrpo, &[1.0, 0.0, 0.0, 0.0], &G),
            &[0.75, -0.25, -0.25, -0.25],
        );
        // rloo: 1 - mean(0,0,0) = 1; 0 - mean(1,0,0) = -1/3
        close(
            &run(Advantage::Rloo, &[1.0, 0.0, 0.0, 0.0], &G),
            &[1.0, -1.0 / 3.0, -1.0 / 3.0, -1.0 / 3.0],
        );
    }

    #[test]
    fn reinforce_pp_whitens_over_the_batch() {
        let keys = [Some("a"), Some("a"), Some("b"), Some("b")];
        // group-centred: 0.5, -0.5, 1, -1; batch mean 0, unbiased std sqrt((0.25+0.25+1+1)/3)
        let a = run(Advantage::ReinforcePp, &[1.0, 0.0, 2.0, 0.0], &keys);
        let s = (2.5f64 / 3.0).sqrt() + 1e-6;
        close(&a, &[0.5 / s, -0.5 / s, 1.0 / s, -1.0 / s]);
    }

    #[test]
    fn singletons_and_interleaved_groups() {
        let keys = [Some("a"), None, Some("b"), Some("a"), Some("b")];
        let a = run(Advantage::DrGrpo, &[1.0, 5.0, 2.0, 0.0, 4.0], &keys);
        close(&a, &[0.5, 0.0, -1.0, -0.5, 1.0]);
    }

    #[test]
    fn reward_passes_the_reward_through() {
        // Interleaved groups and a singleton: every advantage is its own reward, unscaled.
        let keys = [Some("a"), None, Some("b"), Some("a"), Some("b")];
        let a = run(Advantage::Reward, &[0.75, -2.0, 0.0, -0.25, 3.5], &keys);
        assert_eq!(a, vec![0.75, -2.0, 0.0, -0.25, 3.5]);
        assert_eq!(Advantage::parse("reward"), Some(Advantage::Reward));
        assert_eq!(Advantage::Reward.name(), "reward");
        assert!(Advantage::NAMES.contains(&"reward"));
        // Zero-variance marks still follow the rewards.
        let mut rs = results(&[1.0, 1.0, 0.5]);
        let keys = vec![Some("g".into()), Some("g".into()), None];
        GroupSpec {
            advantage: Advantage::Reward,
            mark_zero_variance: true,
            ..Default::default()
        }
        .apply(&mut rs, &keys);
        assert_eq!(
            rs.iter().map(|r| r.advantage.unwrap()).collect::<Vec<_>>(),
            vec![1.0, 1.0, 0.5]
        );
        assert_eq!(
            rs.iter()
                .map(|r| r.zero_variance.unwrap())
                .collect::<Vec<_>>(),
            vec![true, true, true]
        );
    }

    #[test]
    fn zero_variance_marks() {
        let mut rs = results(&[1.0, 1.0, 0.0, 1.0]);
        let keys = vec![
            Some("a".into()),
            Some("a".into()),
            Some("b".into()),
            Some("b".into()),
        ];
        GroupSpec {
            advantage: Advantage::Grpo,
            mark_zero_variance: true,
            ..Default::default()
        }
        .apply(&mut rs, &keys);
        let zv: Vec<_> = rs.iter().map(|r| r.zero_variance.unwrap()).collect();
        assert_eq!(zv, vec![true, true, false, false]);
        assert_eq!(rs[0].advantage, Some(0.0));
    }
}
