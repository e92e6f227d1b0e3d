//! Reward-noise injection for robustness studies: flip a binary reward with probability p, or add Gaussian noise, reproducibly from a seed and the sample.
//!
//! ## What it computes
//! With x the input component's value and u, u′ uniform numbers in [0, 1) drawn for this sample:
//! ```text
//! flip:     r = low + high − x   if u < p   (x must be `low` or `high`: 0 ↔ 1 by default)
//!           r = x                otherwise
//! gaussian: r = x + σ · z,  z = √(−2 ln(1 − u)) · cos(2π u′)   (Box–Muller: z ~ N(0, 1))
//!           then clamped to [low, high] when `clamp` is set
//! ```
//! u and u′ come from a hash of `seed` and the sample (its `id` as JSON text, its `prompt` and its
//! `response`): 64-bit FNV-1a over the length-prefixed fields, then the SplitMix64 sequence from
//! that hash, whose top 53 bits make each uniform. So the same sample with the same seed gets the
//! same noise on every run, whatever the thread count or the order of the batch; a different
//! seed, id or text draws afresh. In `flip` mode an input that is neither `low` nor `high` is
//! `invalid_input` (use `gaussian` for continuous rewards). The details say whether the reward
//! was flipped (`flipped`, with u) or how much noise was added (`noise`).
//!
//! ## Why
//! "The Climb Carves Wisdom Deeper Than the Summit: On the Noisy Rewards in Learning to Reason"
//! trains with rewards whose outcomes are flipped at random and finds that a model still learns
//! with 40% of them flipped (72% accuracy against 75% with clean rewards on math). Injecting
//! such noise on purpose is how a training setup's robustness to a noisy verifier or reward model
//! is measured. The abstract describes flipping; Gaussian noise on a continuous reward is
//! Plaudit's documented addition for reward models, and the hash-seeded draw is Plaudit's choice
//! so that noisy runs are reproducible.
//!
//! ## Parameters
//! - `input` (component name; default `correct`): the reward to add noise to.
//! - `mode` (flip | gaussian; default `flip`): how.
//! - `p` (number; default 0.1): the flip probability, in [0, 1].
//! - `sigma` (number; default 0.1): σ ≥ 0 of the Gaussian noise.
//! - `seed` (integer; default 0): the seed; change it for another draw.
//! - `low` (number; default 0.0), `high` (number; default 1.0): the two values of a binary reward
//!   (`flip`), and the clamping range (`gaussian` with `clamp`); low < high.
//! - `clamp` (boolean; default false): clamp Gaussian-noised values to [low, high].
//!
//! ## Example
//! ```json
//! {"params": {"p": 0.0}, "components": {"correct": 1.0}, "sample": {"id": "a", "response": "…"}, "value": 1.0}
//! {"params": {"p": 1.0}, "components": {"correct": 1.0}, "sample": {"id": "a", "response": "…"}, "value": 0.0}
//! {"params": {"p": 1.0}, "components": {"correct": 0.0}, "sample": {"id": "a", "response": "…"}, "value": 1.0}
//! {"params": {"p": 1.0, "low": -1.0}, "components": {"correct": -1.0}, "sample": {"id": "a", "response": "…"}, "value": 1.0}
//! {"params": {"p": 0.5, "seed": 1}, "components": {"correct": 1.0}, "sample": {"id": "a", "response": "…"}, "value": 0.0}
//! {"params": {"p": 0.5, "seed": 2}, "components": {"correct": 1.0}, "sample": {"id": "a", "response": "…"}, "value": 1.0}
//! {"params": {"p": 0.2, "seed": 1}, "components": {"correct": 1.0}, "sample": {"id": "a", "response": "…"}, "value": 1.0}
//! {"params": {"p": 0.2, "seed": 1}, "components": {"correct": 1.0}, "sample": {"id": "b", "response": "…"}, "value": 0.0}
//! {"params": {"p": 0.5}, "components": {"correct": 0.7}, "sample": {"id": "a", "response": "…"}, "status": "invalid_input"}
//! {"params": {"mode": "gaussian", "sigma": 0.0}, "components": {"correct": 0.7}, "sample": {"id": "a", "response": "…"}, "value": 0.7}
//! {"params": {"mode": "gaussian", "sigma": 0.5, "seed": 3}, "components": {"correct": 0.7}, "sample": {"id": "a", "response": "…"}, "value": 0.6580440542194957}
//! {"params": {"mode": "gaussian", "sigma": 100.0, "seed": 3, "clamp": true}, "components": {"correct": 0.7}, "sample": {"id": "a", "response": "…"}, "value": 0.0}
//! ```

use std::f64::consts::PI;
use std::sync::Arc;

use plaudit_core::{
    Ctx, Failure, Kind, Outcome, ParamSpec, Params, Reward, RewardInfo, Sample, Score,
};
use serde_json::json;

pub const INFO: RewardInfo = RewardInfo {
    name: "reward_noise",
    family: "combine",
    source: include_str!("reward_noise.rs"),
    params: PARAMS,
    build,
};

const PARAMS: &[ParamSpec] = &[
    ParamSpec::new(
        "input",
        Kind::Component,
        "\"correct\"",
        "the reward to add noise to",
    ),
    ParamSpec::new(
        "mode",
        Kind::Enum(&["flip", "gaussian"]),
        "\"flip\"",
        "flip a binary reward, or add Gaussian noise",
    ),
    ParamSpec::new("p", Kind::Float, "0.1", "flip probability, in [0, 1]").range(0.0, 1.0),
    ParamSpec::new("sigma", Kind::Float, "0.1", "σ ≥ 0 of the Gaussian noise").min(0.0),
    ParamSpec::new("seed", Kind::Int, "0", "seed of the draw"),
    ParamSpec::new(
        "low",
        Kind::Float,
        "0.0",
        "low value of a binary reward / clamp range",
    ),
    ParamSpec::new(
        "high",
        Kind::Float,
        "1.0",
        "high value of a binary reward / clamp range",
    ),
    ParamSpec::new(
        "clamp",
        Kind::Bool,
        "false",
        "clamp Gaussian-noised values to [low, high]",
    ),
];

struct RewardNoise {
    input: (usize, String),
    gaussian: bool,
    p: f64,
    sigma: f64,
    seed: i64,
    low: f64,
    high: f64,
    clamp: bool,
}

fn build(p: &Params) -> Result<Arc<dyn Reward>, String> {
    let Some(input) = p.component("input") else {
        return Err("`input` must name the component to add noise to".into());
    };
    let (prob, sigma, low, high) = (p.f64("p"), p.f64("sigma"), p.f64("low"), p.f64("high"));
    if low >= high {
        return Err(format!(
            "`low` must be less than `high`, got {low} and {high}"
        ));
    }
    Ok(Arc::new(RewardNoise {
        input,
        gaussian: p.str("mode") == "gaussian",
        p: prob,
        sigma,
        seed: p.i64("seed"),
        low,
        high,
        clamp: p.bool("clamp"),
    }))
}

/// 64-bit FNV-1a, continued from `h`.
fn fnv1a(mut h: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The SplitMix64 sequence: a stream of well-mixed 64-bit numbers from one 64-bit state.
struct SplitMix(u64);

impl SplitMix {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// A uniform number in [0, 1) from the top 53 bits.
    fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// The random stream of one sample under `seed`: the seed, then the id (as JSON text), the prompt
/// and the response, each prefixed by its length so that no two different samples hash the same
/// bytes.
fn stream(seed: i64, sample: &Sample) -> SplitMix {
    let id = serde_json::to_string(&sample.id).unwrap_or_default();
    let mut h = fnv1a(0xcbf2_9ce4_8422_2325, &seed.to_le_bytes());
    for field in [
        id.as_str(),
        sample.prompt.as_str(),
        sample.response.as_str(),
    ] {
        h = fnv1a(h, &(field.len() as u64).to_le_bytes());
        h = fnv1a(h, field.as_bytes());
    }
    SplitMix(h)
}

impl Reward for RewardNoise {
    fn score(&self, sample: &Sample, cx: &Ctx) -> Outcome {
        let x = cx.component(self.input.0, &self.input.1)?;
        let mut rng = stream(self.seed, sample);
        if self.gaussian {
            let (u, v) = (rng.uniform(), rng.uniform());
            let z = (-2.0 * (1.0 - u).ln()).sqrt() * (2.0 * PI * v).cos();
            let noise = self.sigma * z;
            let mut value = x + noise;
            if self.clamp {
                value = value.clamp(self.low, self.high);
            }
            if !value.is_finite() {
                return Err(Failure::invalid_input(format!(
                    "`{}` = {x} plus noise {noise} overflows a 64-bit float",
                    self.input.1
                )));
            }
            return Ok(Score::with_details(
                value,
                json!({"input": x, "noise": noise}),
            ));
        }
        if x != self.low && x != self.high {
            return Err(Failure::invalid_input(format!(
                "`mode: flip` needs a binary reward, but component `{}` is {x}, neither `low` ({}) nor `high` ({}); use `mode: gaussian` for a continuous reward",
                self.input.1, self.low, self.high
            )));
        }
        let u = rng.uniform();
        let flipped = u < self.p;
        let value = if flipped { self.low + self.high - x } else { x };
        Ok(Score::with_details(
            value,
            json!({"input": x, "flipped": flipped, "u": u}),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use plaudit_core::Deadline;

    fn noise(params: serde_json::Value, x: f64, ids: std::ops::Range<i64>) -> Vec<f64> {
        let p = Params::from_json(PARAMS, &params, &["correct"]).unwrap();
        let r = build(&p).unwrap();
        let d = Deadline::none();
        let values = [Some(x)];
        ids.map(|i| {
            let s = Sample {
                id: json!(i),
                response: "same text".into(),
                ..Default::default()
            };
            r.score(&s, &Ctx::new(&d, &values)).unwrap().value
        })
        .collect()
    }

    #[test]
    fn flips_at_the_requested_rate() {
        let v = noise(json!({"p": 0.4, "seed": 11}), 1.0, 0..20_000);
        let flipped = v.iter().filter(|&&x| x == 0.0).count() as f64 / v.len() as f64;
        assert!((0.38..0.42).contains(&flipped), "{flipped}");
        assert!(v.iter().all(|&x| x == 0.0 || x == 1.0));
    }

    #[test]
    fn gaussian_noise_has_the_requested_spread() {
        let v = noise(json!({"mode": "gaussian", "sigma": 2.0}), 0.5, 0..20_000);
        let n = v.len() as f64;
        let mean = v.iter().sum::<f64>() / n;
        let sd = (v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n).sqrt();
        assert!((mean - 0.5).abs() < 0.06, "{mean}");
        assert!((sd - 2.0).abs() < 0.06, "{sd}");
    }

    #[test]
    fn the_draw_depends_on_seed_and_sample_only() {
        let a = noise(json!({"p": 0.5, "seed": 5}), 1.0, 0..64);
        assert_eq!(a, noise(json!({"p": 0.5, "seed": 5}), 1.0, 0..64));
        assert_ne!(a, noise(json!({"p": 0.5, "seed": 6}), 1.0, 0..64));
        let s = |id: serde_json::Value, prompt: &str, response: &str| {
            stream(
                0,
                &Sample {
                    id,
                    prompt: prompt.into(),
                    response: response.into(),
                    ..Default::default()
                },
            )
            .next_u64()
        };
        // Length prefixes keep field boundaries apart.
        assert_ne!(s(json!(null), "ab", "c"), s(json!(null), "a", "bc"));
        assert_ne!(s(json!("x"), "", ""), s(json!(null), "", ""));
    }

    #[test]
    fn bad_parameters_are_refused() {
        for (params, msg) in [
            (
                json!({"p": 1.5}),
                "parameter `p` must be in [0, 1], got 1.5",
            ),
            (
                json!({"sigma": -1.0}),
                "parameter `sigma` must be ≥ 0, got -1",
            ),
            (
                json!({"low": 1.0, "high": 1.0}),
                "`low` must be less than `high`, got 1 and 1",
            ),
        ] {
            assert_eq!(crate::spec_error(&INFO, params, &["correct"]), msg);
        }
    }
}
