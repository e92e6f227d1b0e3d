//! IGPO's information-gain turn reward: each turn of an agent earns the increase it brought in the policy's probability of the correct answer.
//!
//! ## What it computes
//! With p_0, p_1 … p_T the probabilities, supplied in `meta.answer_probs`, that the policy
//! produces the ground-truth answer before any turn (p_0) and after each of its T turns (T ≥ 1):
//! ```text
//! form: prob        g_t = p_t − p_{t−1}                      Σ_t g_t = p_T − p_0
//! form: log_ratio   g_t = ln max(p_t, m) − ln max(p_{t−1}, m)   (m = `min_prob`)
//! value = Σ_t g_t (aggregation: sum)   or   (1/T) Σ_t g_t (aggregation: mean)
//! ```
//! The g_t are the per-turn rewards a trainer assigns to each turn's tokens; the value sums them
//! (the sum telescopes to the whole trajectory's gain). Every probability must lie in [0, 1], and
//! there must be at least two (p_0 and one turn); under `log_ratio` a probability that is 0 after
//! the `min_prob` floor has no logarithm. Each of these is `invalid_input` naming the entry. The
//! details give `turns` (T) and, for at most `detail_limit` turns, `turn_rewards` (g_1 … g_T).
//!
//! ## Why
//! "Information Gain-based Policy Optimization: A Simple and Effective Approach for Multi-Turn LLM
//! Agents" (IGPO) addresses the sparse outcome rewards of multi-turn agents (advantage collapse,
//! no credit per turn) by modelling each turn as acquiring information about the ground truth and
//! defining "turn-level rewards as the marginal increase in the policy's probability of producing
//! the correct answer", derived from the model's own belief updates rather than an external reward
//! model or Monte Carlo estimates; these "are combined with outcome-level supervision to form dense
//! reward trajectories". The abstract does not say whether the increase is taken in probability or
//! log-probability, nor how the answer's probability is normalised over its tokens (Plaudit's
//! research catalogue marks both open): the probabilities are supplied by the trainer, and the
//! difference form is the `form` parameter. Combine this reward with the outcome component in the
//! spec's expression (`correct + 0.5 * info_gain`). A²TGPO's turn-group normalisation over the
//! rollouts of a prompt is not computed here.
//!
//! ## Parameters
//! - `form` (prob | log_ratio; default `prob`): the increase in probability, or in log-probability.
//! - `aggregation` (sum | mean; default `sum`): how the turn rewards combine into the value.
//! - `min_prob` (number in [0, 1]; default 0): under `log_ratio`, probabilities are floored at this
//!   value before the logarithm (0: no floor).
//! - `detail_limit` (integer; default 64): `turn_rewards` is listed only for at most this many turns.
//!
//! ## Example
//! ```json
//! {"params": {}, "sample": {"response": "…", "meta": {"answer_probs": [0.1, 0.3, 0.2, 0.7]}}, "value": 0.6}
//! {"params": {"aggregation": "mean"}, "sample": {"response": "…", "meta": {"answer_probs": [0.1, 0.3, 0.2, 0.7]}}, "value": 0.2}
//! {"params": {}, "sample": {"response": "…", "meta": {"answer_probs": [0.4, 0.4, 0.4]}}, "value": 0.0}
//! {"params": {}, "sample": {"response": "…", "meta": {"answer_probs": [0.9, 0.2]}}, "value": -0.7}
//! {"params": {"form": "log_ratio"}, "sample": {"response": "…", "meta": {"answer_probs": [0.25, 0.5, 1.0]}}, "value": 1.3862943611198906}
//! {"params": {"form": "log_ratio", "aggregation": "mean"}, "sample": {"response": "…", "meta": {"answer_probs": [0.25, 0.5, 1.0]}}, "value": 0.6931471805599453}
//! {"params": {"form": "log_ratio", "min_prob": 1e-6}, "sample": {"response": "…", "meta": {"answer_probs": [0, 0.5]}}, "value": 13.122363377404328}
//! {"params": {"form": "log_ratio"}, "sample": {"response": "…", "meta": {"answer_probs": [0, 0.5]}}, "status": "invalid_input"}
//! {"params": {}, "sample": {"response": "…", "meta": {"answer_probs": [0.5]}}, "status": "invalid_input"}
//! {"params": {}, "sample": {"response": "…", "meta": {"answer_probs": [0.2, 1.2]}}, "status": "invalid_input"}
//! {"params": {}, "sample": {"response": "…", "meta": {"answer_probs": "0.2 0.5"}}, "status": "invalid_input"}
//! {"params": {}, "sample": {"response": "…"}, "status": "invalid_input"}
//! ```

use std::sync::Arc;

use plaudit_core::{
    Ctx, Failure, Kind, Outcome, ParamSpec, Params, Reward, RewardInfo, Sample, Score,
};
use serde_json::json;

use super::steps::{detail_limit, finite, listed, meta_floats, Aggregation, DETAIL_LIMIT_PARAM};

pub const INFO: RewardInfo = RewardInfo {
    name: "info_gain_turn",
    family: "process",
    source: include_str!("info_gain_turn.rs"),
    params: PARAMS,
    build,
};

const PARAMS: &[ParamSpec] = &[
    ParamSpec::new(
        "form",
        Kind::Enum(&["prob", "log_ratio"]),
        "\"prob\"",
        "increase in probability, or in log-probability",
    ),
    ParamSpec::new(
        "aggregation",
        Kind::Enum(&["sum", "mean"]),
        "\"sum\"",
        "how the turn rewards combine",
    ),
    ParamSpec::new(
        "min_prob",
        Kind::Float,
        "0.0",
        "under log_ratio, probabilities are floored at this value (0: no floor)",
    )
    .range(0.0, 1.0),
    DETAIL_LIMIT_PARAM,
];

struct InfoGainTurn {
    log_ratio: bool,
    aggregation: Aggregation,
    min_prob: f64,
    detail_limit: usize,
}

fn build(p: &Params) -> Result<Arc<dyn Reward>, String> {
    let min_prob = p.f64("min_prob");
    Ok(Arc::new(InfoGainTurn {
        log_ratio: p.str("form") == "log_ratio",
        aggregation: Aggregation::from_params(p, "aggregation")?,
        min_prob,
        detail_limit: detail_limit(p)?,
    }))
}

impl Reward for InfoGainTurn {
    fn score(&self, sample: &Sample, _cx: &Ctx) -> Outcome {
        let p = meta_floats(
            sample,
            "answer_probs",
            "the policy's probability of the correct answer before any turn and after each turn",
        )?;
        if p.len() < 2 {
            return Err(Failure::invalid_input(format!(
                "`meta.answer_probs` has {} value(s): it needs p_0 (before any turn) and one per turn, at least 2",
                p.len()
            )));
        }
        if let Some(i) = p.iter().position(|x| !(0.0..=1.0).contains(x)) {
            return Err(Failure::invalid_input(format!(
                "`meta.answer_probs[{i}]` is {}, but a probability lies in [0, 1]",
                p[i]
            )));
        }
        let levels: Vec<f64> = if self.log_ratio {
            let mut out = Vec::with_capacity(p.len());
            for (i, x) in p.iter().enumerate() {
                let x = x.max(self.min_prob);
                if x == 0.0 {
                    return Err(Failure::invalid_input(format!(
                        "`meta.answer_probs[{i}]` is 0, which has no logarithm (set `min_prob`, or use `form: prob`)"
                    )));
                }
                out.push(x.ln());
            }
            out
        } else {
            p
        };
        let gains: Vec<f64> = levels.windows(2).map(|w| w[1] - w[0]).collect();
        if let Some(t) = gains.iter().position(|g| !g.is_finite()) {
            finite(gains[t], || {
                format!("the information gain of turn {}", t + 1)
            })?;
        }
        let value = self.aggregation.apply(&gains, "turn rewards")?;
        let mut details = json!({"turns": gains.len()});
        if let Some(list) = listed(&gains, self.detail_limit) {
            details["turn_rewards"] = list;
        }
        Ok(Score::with_details(value, details))
    }
}
