//! Pareto selection within the group: 1 for rollouts no other rollout beats on every objective at once, 0 for the dominated ones (or the non-domination rank).
//!
//! ## What it computes
//! Each member is a point of objective values: the components in `objectives` (maximised) and
//! in `minimize` (minimised). Member j dominates member i when j is at least as good as i on
//! every objective and strictly better on one. With `output: front` (default) a member's value
//! is 1 when no member of the group dominates it (it is on the Pareto front) and 0 otherwise.
//! With `output: rank` it is its non-domination rank: 1 for the front, 2 for the front of what
//! remains once the first front is removed, and so on (lower is better; write `-rank` or
//! `1 / rank` in the expression for a reward). Equal points do not dominate each other. The
//! details give `dominated_by` (the positions, from 0 in the group's input order, of the members
//! that dominate it) and `rank`.
//!
//! Members with a failed objective are left out of the comparison and get `error`. The
//! comparison costs O(n² · objectives) per group and checks the deadline.
//!
//! ## Why
//! "Parrot: Pareto-optimal Multi-Reward Reinforcement Learning Framework for Text-to-Image
//! Generation" shows that "a simple aggregation of multiple rewards may cause over-optimization
//! in certain metrics and degradation in others, and it is challenging to manually find the
//! optimal weights", and uses "batch-wise Pareto optimal selection" to find the trade-off without
//! weights. The research catalogue's inferred details, which this implements: the non-dominated
//! set of the reward matrix (i is dominated if some j has R_j ≥ R_i in every component and > in
//! at least one), the update using only that set. Here the set is taken per group (the rollouts
//! of one prompt), and the rank for finer ordering is Plaudit's addition (the fronts of
//! non-dominated sorting). `minimize` covers cost objectives such as length or tool calls, as in
//! the "Pareto-efficient filtration" over correctness and cost of the catalogue's efficiency
//! cluster.
//!
//! ## Parameters
//! - `objectives` (list of component names; required): the components to maximise.
//! - `minimize` (list of component names; default none): components to minimise.
//! - `output` (`front` | `rank`; default `front`): the 0/1 front membership, or the
//!   non-domination rank.
//!
//! ## Example
//! ```json
//! {"params": {"objectives": ["correct", "quality"]}, "group": [{"sample": {"response": "a"}, "components": {"correct": 1.0, "quality": 0.5}}, {"sample": {"response": "b"}, "components": {"correct": 1.0, "quality": 0.9}}, {"sample": {"response": "c"}, "components": {"correct": 0.0, "quality": 1.0}}, {"sample": {"response": "d"}, "components": {"correct": 0.0, "quality": 0.2}}, {"sample": {"response": "e"}, "components": {"correct": 1.0, "quality": 0.9}}], "values": [0.0, 1.0, 1.0, 0.0, 1.0]}
//! {"params": {"objectives": ["correct", "quality"], "output": "rank"}, "group": [{"sample": {"response": "a"}, "components": {"correct": 1.0, "quality": 0.5}}, {"sample": {"response": "b"}, "components": {"correct": 1.0, "quality": 0.9}}, {"sample": {"response": "c"}, "components": {"correct": 0.0, "quality": 1.0}}, {"sample": {"response": "d"}, "components": {"correct": 0.0, "quality": 0.2}}, {"sample": {"response": "e"}, "components": {"correct": 1.0, "quality": 0.9}}], "values": [2.0, 1.0, 1.0, 3.0, 1.0]}
//! {"params": {"objectives": ["correct"], "minimize": ["cost"]}, "group": [{"sample": {"response": "a"}, "components": {"correct": 1.0, "cost": 100.0}}, {"sample": {"response": "b"}, "components": {"correct": 1.0, "cost": 50.0}}, {"sample": {"response": "c"}, "components": {"correct": 0.0, "cost": 10.0}}, {"sample": {"response": "d"}, "components": {"correct": 0.0, "cost": 60.0}}, {"sample": {"response": "e"}, "components": {"correct": null, "cost": 1.0}}], "values": [0.0, 1.0, 1.0, 0.0, "error"]}
//! {"params": {"objectives": ["correct"]}, "group": [{"sample": {"response": "a"}, "components": {"correct": 0.0}}, {"sample": {"response": "b"}, "components": {"correct": 0.0}}], "values": [1.0, 1.0]}
//! ```

use std::sync::Arc;

use plaudit_core::{
    score_alone, Ctx, Failure, GroupCtx, Kind, Member, Outcome, ParamSpec, Params, Reward,
    RewardInfo, Sample, Scope, Score, Ticker,
};
use serde_json::json;

use crate::components::missing;

pub const INFO: RewardInfo = RewardInfo {
    name: "pareto_front",
    family: "combine",
    source: include_str!("pareto_front.rs"),
    params: PARAMS,
    build,
};

const PARAMS: &[ParamSpec] = &[
    ParamSpec::required(
        "objectives",
        Kind::ComponentList,
        "the components to maximise",
    ),
    ParamSpec::new(
        "minimize",
        Kind::ComponentList,
        "[]",
        "the components to minimise",
    ),
    ParamSpec::new(
        "output",
        Kind::Enum(&["front", "rank"]),
        "\"front\"",
        "1 on the Pareto front and 0 off it, or the non-domination rank (1 = front)",
    ),
];

struct ParetoFront {
    /// Each objective's component index and name, and its sign (+1 maximise, −1 minimise).
    objectives: Vec<(usize, String, f64)>,
    rank: bool,
}

fn build(p: &Params) -> Result<Arc<dyn Reward>, String> {
    let mut objectives: Vec<(usize, String, f64)> = Vec::new();
    for (list, sign) in [("objectives", 1.0), ("minimize", -1.0)] {
        for (i, name) in p.component_list(list) {
            if objectives.iter().any(|(j, _, _)| *j == i) {
                return Err(format!(
                    "component `{name}` is named twice in `objectives` and `minimize`"
                ));
            }
            objectives.push((i, name, sign));
        }
    }
    if p.component_list("objectives").is_empty() {
        return Err("`objectives` must name at least one component to maximise".into());
    }
    Ok(Arc::new(ParetoFront {
        objectives,
        rank: p.str("output") == "rank",
    }))
}

/// Whether `a` dominates `b` (both already signed so that larger is better).
fn dominates(a: &[f64], b: &[f64]) -> bool {
    let mut strictly = false;
    for (x, y) in a.iter().zip(b) {
        if x < y {
            return false;
        }
        if x > y {
            strictly = true;
        }
    }
    strictly
}

impl Reward for ParetoFront {
    fn score(&self, sample: &Sample, cx: &Ctx) -> Outcome {
        score_alone(self, sample, cx)
    }

    fn scope(&self) -> Scope {
        Scope::Group
    }

    fn score_group(&self, members: &[Member], cx: &GroupCtx) -> Vec<Outcome> {
        // Each member's signed objective values, or the first objective it lacks.
        let points: Vec<Result<Vec<f64>, &str>> = members
            .iter()
            .map(|m| {
                self.objectives
                    .iter()
                    .map(|(i, name, sign)| m.value(*i).map(|v| sign * v).ok_or(name.as_str()))
                    .collect()
            })
            .collect();
        let valid: Vec<usize> = (0..members.len()).filter(|&i| points[i].is_ok()).collect();
        let point = |i: usize| points[i].as_ref().expect("valid member");
        // Fast non-dominated sorting: who dominates whom, then peel the fronts.
        let n = members.len();
        let mut dominated_by: Vec<Vec<usize>> = vec![Vec::new(); n];
        let mut dominates_list: Vec<Vec<usize>> = vec![Vec::new(); n];
        let ticker = Ticker::new(cx.deadline, 4096);
        for (a, &i) in valid.iter().enumerate() {
            for &j in &valid[a + 1..] {
                if let Err(f) = ticker.tick() {
                    return members.iter().map(|_| Err(f.into())).collect();
                }
                if dominates(point(i), point(j)) {
                    dominated_by[j].push(i);
                    dominates_list[i].push(j);
                } else if dominates(point(j), point(i)) {
                    dominated_by[i].push(j);
                    dominates_list[j].push(i);
                }
            }
        }
        let mut rank = vec![0usize; n];
        let mut remaining: Vec<usize> = dominated_by.iter().map(Vec::len).collect();
        let mut front: Vec<usize> = valid
            .iter()
            .copied()
            .filter(|&i| remaining[i] == 0)
            .collect();
        let mut level = 1;
        while !front.is_empty() {
            let mut next = Vec::new();
            for &i in &front {
                rank[i] = level;
                for &j in &dominates_list[i] {
                    remaining[j] -= 1;
                    if remaining[j] == 0 {
                        next.push(j);
                    }
                }
            }
            front = next;
            level += 1;
        }
        points
            .iter()
            .enumerate()
            .map(|(i, p)| {
                if let Err(name) = p {
                    return Err(missing(name));
                }
                let mut by = dominated_by[i].clone();
                by.sort_unstable();
                let value = if self.rank {
                    rank[i] as f64
                } else {
                    f64::from(u8::from(by.is_empty()))
                };
                if rank[i] == 0 {
                    return Err(Failure::error("internal error: member left unranked"));
                }
                Ok(Score::with_details(
                    value,
                    json!({"dominated_by": by, "rank": rank[i]}),
                ))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domination_needs_one_strict_improvement() {
        assert!(dominates(&[1.0, 2.0], &[1.0, 1.0]));
        assert!(!dominates(&[1.0, 1.0], &[1.0, 1.0]));
        assert!(!dominates(&[2.0, 0.0], &[1.0, 1.0]));
    }
}
