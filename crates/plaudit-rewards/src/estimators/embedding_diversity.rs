//! Vendi diversity over embeddings the trainer supplies: the group's Vendi score (the effective number of distinct rollouts) and each rollout's leave-one-out contribution to it.
//!
//! ## What it computes
//! Each member carries an embedding of its response in `meta.embedding` (the key is `field`), a
//! list of numbers computed by the trainer's encoder. With x_1 … x_n the group's embeddings, K the
//! n × n cosine-similarity matrix (K_ij = x_i·x_j / (‖x_i‖‖x_j‖), so K_ii = 1) and λ_1 … λ_n the
//! eigenvalues of K/n (which sum to 1), the Vendi score is
//! ```text
//! VS(x_1 … x_n) = exp(−Σ_i λ_i log λ_i)          (0 log 0 = 0)
//! ```
//! between 1 (all rollouts say the same thing) and n (pairwise orthogonal embeddings). A member's
//! reward (`output`):
//! - `contribution` (default): c_i = VS(group) − VS(group without i), what the group's diversity
//!   loses without it: about 1 for a rollout unlike the others, about 0 (or below) for a near
//!   duplicate;
//! - `vendi`: VS(group), the same for every member.
//!
//! A member of a group of one gets 0 (`contribution`) or 1 (`vendi`). The eigenvalues come from a
//! cyclic Jacobi routine (K is symmetric); `contribution` decomposes n + 1 matrices, O(n⁴) in
//! all, so the group is bounded by `max_group` and the deadline is checked in every sweep.
//! Details give `vendi` and, for `contribution`, `vendi_without`.
//!
//! A member whose embedding is missing, not a list of finite numbers, empty, or the zero vector
//! (whose cosine is undefined: a zero vector must not pass for one orthogonal to everything) gets
//! `invalid_input` and is left out of the group. When the members' embeddings do not all have
//! the same dimension, or more than `max_group` members have one, every member gets
//! `invalid_input` naming the problem. Only the directions count: scaling an embedding changes
//! nothing, and a negated one is as similar as a copy (K is a Gram matrix, its eigenvalues do not
//! see the signs of the vectors).
//!
//! ## Why
//! "DRAGON: Distributional Rewards Optimize Diffusion Generative Models" optimises rewards that
//! evaluate "either individual examples or distributions of them", built "by selecting an encoder
//! and a set of reference examples", and fine-tunes with targets including "Vendi diversity". The
//! Vendi score is "The Vendi Score: A Diversity Evaluation Metric for Machine Learning" (the
//! exponential of the Shannon entropy of the eigenvalues of K/n). How a distribution-level score
//! becomes a per-rollout reward is not in the abstract: the leave-one-out contribution is
//! Plaudit's reading (DRAGON itself splits generations into positive and negative sets by their
//! scores, which a trainer can do with this value), and the cosine kernel is Plaudit's choice of
//! K. The encoder runs in the trainer; Plaudit computes the kernel, the eigenvalues and the
//! score.
//!
//! ## Parameters
//! - `field` (string; default `embedding`): the key under `meta` of each member's embedding.
//! - `output` (contribution | vendi; default `contribution`): the member's leave-one-out
//!   contribution, or the group's Vendi score.
//! - `max_group` (integer in [1, 256]; default 64): the most members with embeddings a group may
//!   have.
//!
//! ## Example
//! ```json
//! {"params": {"output": "vendi"}, "group": [{"sample": {"response": "a", "meta": {"embedding": [1.0, 0.0]}}}, {"sample": {"response": "b", "meta": {"embedding": [0.0, 2.0]}}}], "values": [2.0, 2.0]}
//! {"group": [{"sample": {"response": "a", "meta": {"embedding": [1.0, 0.0]}}}, {"sample": {"response": "b", "meta": {"embedding": [0.0, 2.0]}}}], "values": [1.0, 1.0]}
//! {"group": [{"sample": {"response": "a", "meta": {"embedding": [1.0, 0.0]}}}, {"sample": {"response": "b", "meta": {"embedding": [3.0, 0.0]}}}, {"sample": {"response": "c", "meta": {"embedding": [0.0, 1.0]}}}], "values": [-0.11011842515769033, -0.11011842515769033, 0.8898815748423097]}
//! {"params": {"output": "vendi"}, "group": [{"sample": {"response": "a", "meta": {"embedding": [1.0, 0.0, 0.0]}}}, {"sample": {"response": "b", "meta": {"embedding": [0.6, 0.8, 0.0]}}}, {"sample": {"response": "c", "meta": {"embedding": [0.0, 0.6, 0.8]}}}], "values": [2.4001056884366343, 2.4001056884366343, 2.4001056884366343]}
//! {"group": [{"sample": {"response": "a", "meta": {"embedding": [1.0, 0.0]}}}, {"sample": {"response": "b", "meta": {"embedding": [0.0, 0.0]}}}, {"sample": {"response": "c"}}], "values": [0.0, "invalid_input", "invalid_input"]}
//! {"group": [{"sample": {"response": "a", "meta": {"embedding": [1.0, 0.0]}}}, {"sample": {"response": "b", "meta": {"embedding": [1.0, 0.0, 0.0]}}}], "values": ["invalid_input", "invalid_input"]}
//! ```

use std::sync::Arc;

use plaudit_core::deadline::Ticker;
use plaudit_core::{
    score_alone, Ctx, Deadline, Failure, GroupCtx, Kind, Member, Outcome, ParamSpec, Params,
    Reward, RewardInfo, Sample, Scope, Score,
};
use serde_json::json;

use crate::embeddings::{meta_value, unit_vector};

pub const INFO: RewardInfo = RewardInfo {
    name: "embedding_diversity",
    family: "estimators",
    source: include_str!("embedding_diversity.rs"),
    params: PARAMS,
    build,
};

const PARAMS: &[ParamSpec] = &[
    ParamSpec::new(
        "field",
        Kind::Str,
        "\"embedding\"",
        "key under `meta` of each member's embedding",
    ),
    ParamSpec::new(
        "output",
        Kind::Enum(&["contribution", "vendi"]),
        "\"contribution\"",
        "the member's leave-one-out contribution, or the group's Vendi score",
    ),
    ParamSpec::new(
        "max_group",
        Kind::Int,
        "64",
        "the most members with embeddings a group may have",
    )
    .range(1.0, 256.0),
];

struct EmbeddingDiversity {
    field: String,
    contribution: bool,
    max_group: usize,
}

fn build(p: &Params) -> Result<Arc<dyn Reward>, String> {
    let field = p.str("field").to_string();
    if field.is_empty() {
        return Err("parameter `field` must not be empty".into());
    }
    Ok(Arc::new(EmbeddingDiversity {
        field,
        contribution: p.str("output") == "contribution",
        max_group: p.usize("max_group")?,
    }))
}

/// The member's embedding as a unit vector, or `invalid_input` naming the problem.
fn unit_embedding(sample: &Sample, key: &str) -> Result<Vec<f64>, Failure> {
    let v = meta_value(
        sample,
        key,
        "the embedding of the response, a list of numbers",
    )?;
    unit_vector(v, &format!("meta.{key}"))
}

/// The eigenvalues of the symmetric n × n matrix `a` (row-major; destroyed), by cyclic Jacobi
/// rotations until the off-diagonal part is negligible.
fn symmetric_eigenvalues(
    a: &mut [f64],
    n: usize,
    deadline: &Deadline,
) -> Result<Vec<f64>, Failure> {
    let tick = Ticker::new(deadline, 256);
    let total: f64 = a.iter().map(|x| x * x).sum();
    for _sweep in 0..100 {
        deadline.check()?;
        let mut off = 0.0;
        for p in 0..n {
            for q in p + 1..n {
                off += a[p * n + q] * a[p * n + q];
            }
        }
        if off <= 1e-32 * total {
            break;
        }
        for p in 0..n {
            for q in p + 1..n {
                let apq = a[p * n + q];
                if apq == 0.0 {
                    continue;
                }
                tick.tick()?;
                // The rotation in the (p, q) plane that zeroes a_pq: t = tan of its angle, the
                // smaller root of t² + 2θt − 1 = 0.
                let theta = (a[q * n + q] - a[p * n + p]) / (2.0 * apq);
                let t = if theta.abs() > 1e150 {
                    0.5 / theta
                } else {
                    let sign = if theta < 0.0 { -1.0 } else { 1.0 };
                    sign / (theta.abs() + (theta * theta + 1.0).sqrt())
                };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for k in 0..n {
                    let (akp, akq) = (a[k * n + p], a[k * n + q]);
                    a[k * n + p] = c * akp - s * akq;
                    a[k * n + q] = s * akp + c * akq;
                }
                for k in 0..n {
                    let (apk, aqk) = (a[p * n + k], a[q * n + k]);
                    a[p * n + k] = c * apk - s * aqk;
                    a[q * n + k] = s * apk + c * aqk;
                }
            }
        }
    }
    Ok((0..n).map(|i| a[i * n + i]).collect())
}

/// The Vendi score of the members `keep` of the Gram matrix `k` (n × n).
fn vendi(k: &[f64], n: usize, keep: &[usize], deadline: &Deadline) -> Result<f64, Failure> {
    let m = keep.len();
    if m == 0 {
        return Ok(0.0);
    }
    let mut a: Vec<f64> = Vec::with_capacity(m * m);
    for &i in keep {
        for &j in keep {
            a.push(k[i * n + j] / m as f64);
        }
    }
    let entropy: f64 = symmetric_eigenvalues(&mut a, m, deadline)?
        .into_iter()
        .filter(|l| *l > 0.0)
        .map(|l| -l * l.ln())
        .sum();
    Ok(entropy.exp())
}

impl EmbeddingDiversity {
    fn scores(&self, members: &[Member], deadline: &Deadline) -> Result<Vec<Outcome>, Failure> {
        let embeddings: Vec<Result<Vec<f64>, Failure>> = members
            .iter()
            .map(|m| unit_embedding(m.sample, &self.field))
            .collect();
        let valid: Vec<usize> = (0..members.len())
            .filter(|&i| embeddings[i].is_ok())
            .collect();
        let dims: Vec<usize> = valid
            .iter()
            .filter_map(|&i| embeddings[i].as_ref().ok().map(Vec::len))
            .collect();
        if dims.iter().any(|d| *d != dims[0]) {
            let listed: Vec<String> = valid
                .iter()
                .zip(&dims)
                .map(|(i, d)| format!("member {i}: {d}"))
                .collect();
            return Err(Failure::invalid_input(format!(
                "the group's embeddings (`meta.{}`) have different dimensions ({})",
                self.field,
                listed.join(", ")
            )));
        }
        if valid.len() > self.max_group {
            return Err(Failure::invalid_input(format!(
                "the group has {} members with embeddings, more than `max_group` ({})",
                valid.len(),
                self.max_group
            )));
        }
        let n = valid.len();
        let xs: Vec<&Vec<f64>> = valid
            .iter()
            .filter_map(|&i| embeddings[i].as_ref().ok())
            .collect();
        let mut k = vec![0.0; n * n];
        for i in 0..n {
            deadline.check()?;
            k[i * n + i] = 1.0;
            for j in i + 1..n {
                let dot: f64 = xs[i].iter().zip(xs[j]).map(|(a, b)| a * b).sum();
                let dot = dot.clamp(-1.0, 1.0);
                k[i * n + j] = dot;
                k[j * n + i] = dot;
            }
        }
        let all: Vec<usize> = (0..n).collect();
        let vs = vendi(&k, n, &all, deadline)?;
        let mut out: Vec<Outcome> = embeddings
            .into_iter()
            .map(|e| e.map(|_| Score::new(0.0)))
            .collect();
        for (pos, &member) in valid.iter().enumerate() {
            out[member] = Ok(if !self.contribution {
                Score::with_details(vs, json!({"vendi": vs}))
            } else if n == 1 {
                Score::with_details(0.0, json!({"vendi": vs}))
            } else {
                let rest: Vec<usize> = (0..n).filter(|&j| j != pos).collect();
                let without = vendi(&k, n, &rest, deadline)?;
                Score::with_details(vs - without, json!({"vendi": vs, "vendi_without": without}))
            });
        }
        Ok(out)
    }
}

impl Reward for EmbeddingDiversity {
    fn score(&self, sample: &Sample, cx: &Ctx) -> Outcome {
        score_alone(self, sample, cx)
    }

    fn scope(&self) -> Scope {
        Scope::Group
    }

    fn score_group(&self, members: &[Member], cx: &GroupCtx) -> Vec<Outcome> {
        match self.scores(members, cx.deadline) {
            Ok(out) => out,
            Err(f) => vec![Err(f); members.len()],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jacobi_finds_the_eigenvalues_of_small_matrices() {
        let d = Deadline::none();
        // [[2, 1], [1, 2]]: 1 and 3.
        let mut a = vec![2.0, 1.0, 1.0, 2.0];
        let mut e = symmetric_eigenvalues(&mut a, 2, &d).unwrap();
        e.sort_by(f64::total_cmp);
        assert!(
            (e[0] - 1.0).abs() < 1e-14 && (e[1] - 3.0).abs() < 1e-14,
            "{e:?}"
        );
        // A diagonal matrix is left as it is; an all-ones 3 × 3 has eigenvalues 0, 0, 3.
        let mut a = vec![5.0, 0.0, 0.0, -1.0];
        assert_eq!(symmetric_eigenvalues(&mut a, 2, &d).unwrap(), [5.0, -1.0]);
        let mut a = vec![1.0; 9];
        let mut e = symmetric_eigenvalues(&mut a, 3, &d).unwrap();
        e.sort_by(f64::total_cmp);
        assert!(
            e[0].abs() < 1e-14 && e[1].abs() < 1e-14 && (e[2] - 3.0).abs() < 1e-14,
            "{e:?}"
        );
    }

    #[test]
    fn vendi_of_copies_is_one_and_of_orthogonal_vectors_is_n() {
        let d = Deadline::none();
        let ones = vec![1.0; 16];
        assert!((vendi(&ones, 4, &[0, 1, 2, 3], &d).unwrap() - 1.0).abs() < 1e-12);
        let mut eye = vec![0.0; 16];
        for i in 0..4 {
            eye[i * 4 + i] = 1.0;
        }
        assert!((vendi(&eye, 4, &[0, 1, 2, 3], &d).unwrap() - 4.0).abs() < 1e-12);
        assert!((vendi(&eye, 4, &[1, 3], &d).unwrap() - 2.0).abs() < 1e-12);
    }
}
