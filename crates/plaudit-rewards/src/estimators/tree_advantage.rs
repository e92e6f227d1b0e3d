//! Step-level credit from outcome rewards alone: the group's rollouts merged into a prefix tree of their steps (or a graph of step texts, SALT), each step valued by the outcomes of the rollouts through it.
//!
//! ## What it computes
//! Each member is a path of steps (its `steps`, or its response split on `delimiter`). Rollouts
//! of the group that share their first t steps share the first t nodes of a prefix tree whose
//! root is the prompt. A node's value V is the mean `outcome` of the rollouts through it (the
//! root's is the group mean). Each step's advantage is its node's value against a baseline:
//! ```text
//! siblings: A(node) = V(node) − mean of V over the children of its parent (itself included)
//! parent:   A(node) = V(node) − V(parent)
//! ```
//! and the member's value aggregates its steps' advantages (`aggregate`: their mean or their
//! sum). Steps where every rollout through the parent made the same choice get advantage 0 under
//! `siblings`; the credit concentrates on the branching steps that separate better from worse
//! rollouts. With `baseline: parent` and `aggregate: sum` the sum telescopes to
//! V(last step) − V(root): the outcome minus the group mean when every path is distinct (Dr.
//! GRPO's advantage), redistributed over the steps in the details. The details give
//! `step_advantages` (one per step, to broadcast to that step's tokens) and `through` (how many
//! rollouts pass through each step's node).
//!
//! With `merge: graph` the rollouts are merged into a graph instead: a node is a step text,
//! whatever came before it, so two rollouts that reach the same step by different routes share
//! its node. V(node) is still the mean outcome of the rollouts that pass through it (a rollout
//! that repeats a step counts once there); a node's parent is the step the rollout took just
//! before it (the root for the first step), and its siblings are every node some rollout of the
//! group took right after that parent. A step's advantage is then taken along the rollout's own
//! edge, parent → node, with the baselines above; `baseline: parent` with `aggregate: sum` still
//! telescopes to V(last step) − V(root). In a group where no step text follows two different
//! prefixes (nor recurs within a path), the graph is the prefix tree and both merges give the
//! same values.
//!
//! What a policy could do against `merge: graph`: a step text that successful rollouts write
//! lends its value to every rollout that writes it, and a step's advantage counts at each
//! occurrence while its value counts a rollout once. A failing rollout that repeats such a step
//! collects its advantage at each repetition: with the defaults (`siblings`, `mean`), the group
//! think→verify→submit (1, twice), guess→submit (0), guess→verify×50→submit (0) gives the last
//! rollout +0.069 (−0.010 as a tree, −0.25 for the failure that did not pad). And a step every
//! rollout ends with (a `submit`, a `click[Buy Now]`) has V = V(root), so `baseline: parent` with
//! `aggregate: sum` gives every rollout 0. Put the observation in each step's text, and check the
//! per-step advantages before training on them.
//!
//! Steps are compared as text, after trimming and collapsing whitespace when
//! `normalize_whitespace` is on; with `source: response`, empty pieces between delimiters are
//! dropped. A member with no steps, or with `source: steps` and no `steps` field, is
//! `invalid_input`; a member whose `outcome` failed gets `error`; both are left out of the tree.
//!
//! ## Why
//! "SALT: Step-level Advantage Assignment for Long-horizon Agents via Trajectory Graph" builds a
//! graph "from trajectories of the same prompt" to "quantify the quality of each step and assign
//! advantages accordingly", from outcome rewards only, because rewarding or penalising every
//! action of a trajectory uniformly entangles its good and bad steps. "Spend Search Where It Pays:
//! Value-Guided Structured Sampling and Optimization for Generative Recommendation" (V-STAR)
//! computes sibling-relative advantages on the induced tree to focus on "decisive branching
//! decisions". The research catalogue's inferred forms, which this implements: nodes merge by
//! identical prefix, V(n) = the mean outcome through n, and A(n) = V(n) − V(parent) or the
//! sibling-relative V(n) − mean over siblings. SALT's own node-merging rule is not in its
//! abstract; merging by identical step prefix (`merge: tree`, the default) is Plaudit's
//! documented choice. `merge: graph` is Plaudit's reading of SALT's "graph": steps with the same
//! (normalised) text are the same node regardless of what preceded them, which is what lets a
//! graph, unlike a tree, pool the outcomes of every rollout that took a step; the abstract does
//! not say which equivalence of steps SALT uses (exact text, environment state, or a learned
//! one), and another equivalence is a different number. For agent trajectories, put the
//! observation and the action in each step's text when the same action means different things in
//! different states.
//!
//! ## Parameters
//! - `outcome` (component name; default `correct`): each rollout's outcome reward.
//! - `source` (`steps` | `response`; default `steps`): the sample's `steps` list, or its response
//!   split on `delimiter`.
//! - `delimiter` (string; default a blank line, `"\n\n"`): the step separator for `source: response`.
//! - `baseline` (`siblings` | `parent`; default `siblings`).
//! - `aggregate` (`mean` | `sum`; default `mean`): how a member's step advantages combine into its
//!   value.
//! - `normalize_whitespace` (boolean; default true): compare steps after trimming and collapsing
//!   runs of whitespace.
//! - `merge` (`tree` | `graph`; default `tree`): merge steps by identical prefix, or by their text
//!   alone (SALT's trajectory graph, Plaudit's reading).
//!
//! ## Example
//! ```json
//! {"params": {}, "group": [{"sample": {"response": "a", "steps": ["A", "B"]}, "components": {"correct": 1.0}}, {"sample": {"response": "b", "steps": ["A", "C"]}, "components": {"correct": 0.0}}, {"sample": {"response": "c", "steps": ["D"]}, "components": {"correct": 0.0}}, {"sample": {"response": "d", "steps": ["A", "B"]}, "components": {"correct": 1.0}}], "values": [0.4166666666666667, -0.08333333333333333, -0.3333333333333333, 0.4166666666666667]}
//! {"params": {"baseline": "parent"}, "group": [{"sample": {"response": "a", "steps": ["A", "B"]}, "components": {"correct": 1.0}}, {"sample": {"response": "b", "steps": ["A", "C"]}, "components": {"correct": 0.0}}, {"sample": {"response": "c", "steps": ["D"]}, "components": {"correct": 0.0}}, {"sample": {"response": "d", "steps": ["A", "B"]}, "components": {"correct": 1.0}}], "values": [0.25, -0.25, -0.5, 0.25]}
//! {"params": {"baseline": "parent", "aggregate": "sum"}, "group": [{"sample": {"response": "a", "steps": ["A", "B"]}, "components": {"correct": 1.0}}, {"sample": {"response": "b", "steps": ["A", "C"]}, "components": {"correct": 0.0}}, {"sample": {"response": "c", "steps": ["D"]}, "components": {"correct": 0.0}}, {"sample": {"response": "d", "steps": ["A", "B"]}, "components": {"correct": 1.0}}], "values": [0.5, -0.5, -0.5, 0.5]}
//! {"params": {"source": "response", "delimiter": "\n"}, "group": [{"sample": {"response": "plan\nsearch x"}, "components": {"correct": 1.0}}, {"sample": {"response": "plan \n  search   y"}, "components": {"correct": 0.0}}, {"sample": {"response": "plan\n\nsearch y\n"}, "components": {"correct": 0.0}}], "values": [0.25, -0.25, -0.25]}
//! {"params": {"source": "response", "delimiter": "\n", "normalize_whitespace": false}, "group": [{"sample": {"response": "plan\nsearch x"}, "components": {"correct": 1.0}}, {"sample": {"response": "plan \n  search   y"}, "components": {"correct": 0.0}}, {"sample": {"response": "plan\n\nsearch y\n"}, "components": {"correct": 0.0}}], "values": [0.375, -0.125, -0.125]}
//! {"params": {}, "group": [{"sample": {"response": "a", "steps": ["A", "B"]}, "components": {"correct": 1.0}}, {"sample": {"response": "b", "steps": ["A", "C"]}, "components": {"correct": 0.0}}, {"sample": {"response": "c"}, "components": {"correct": 1.0}}, {"sample": {"response": "d", "steps": []}, "components": {"correct": 1.0}}, {"sample": {"response": "e", "steps": ["A"]}, "components": {"correct": null}}], "values": [0.25, -0.25, "invalid_input", "invalid_input", "error"]}
//! {"params": {"merge": "graph"}, "group": [{"sample": {"response": "a", "steps": ["A", "B"]}, "components": {"correct": 1.0}}, {"sample": {"response": "b", "steps": ["C", "B"]}, "components": {"correct": 0.0}}, {"sample": {"response": "c", "steps": ["C", "D"]}, "components": {"correct": 0.0}}, {"sample": {"response": "d", "steps": ["A", "D"]}, "components": {"correct": 0.0}}], "values": [0.25, 0.0, -0.25, 0.0]}
//! {"params": {"merge": "tree"}, "group": [{"sample": {"response": "a", "steps": ["A", "B"]}, "components": {"correct": 1.0}}, {"sample": {"response": "b", "steps": ["C", "B"]}, "components": {"correct": 0.0}}, {"sample": {"response": "c", "steps": ["C", "D"]}, "components": {"correct": 0.0}}, {"sample": {"response": "d", "steps": ["A", "D"]}, "components": {"correct": 0.0}}], "values": [0.375, -0.125, -0.125, -0.125]}
//! {"params": {"merge": "graph", "baseline": "parent", "aggregate": "sum"}, "group": [{"sample": {"response": "a", "steps": ["A", "B"]}, "components": {"correct": 1.0}}, {"sample": {"response": "b", "steps": ["C", "B"]}, "components": {"correct": 0.0}}, {"sample": {"response": "c", "steps": ["C", "D"]}, "components": {"correct": 0.0}}, {"sample": {"response": "d", "steps": ["A", "D"]}, "components": {"correct": 0.0}}], "values": [0.25, 0.25, -0.25, -0.25]}
//! ```

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use plaudit_core::{
    score_alone, Ctx, Failure, GroupCtx, Kind, Member, Outcome, ParamSpec, Params, Reward,
    RewardInfo, Sample, Scope, Score, Ticker,
};
use serde_json::json;

use crate::components::missing;

pub const INFO: RewardInfo = RewardInfo {
    name: "tree_advantage",
    family: "estimators",
    source: include_str!("tree_advantage.rs"),
    params: PARAMS,
    build,
};

const PARAMS: &[ParamSpec] = &[
    ParamSpec::new(
        "outcome",
        Kind::Component,
        "\"correct\"",
        "each rollout's outcome reward",
    ),
    ParamSpec::new(
        "source",
        Kind::Enum(&["steps", "response"]),
        "\"steps\"",
        "the `steps` list, or the response split on `delimiter`",
    ),
    ParamSpec::new(
        "delimiter",
        Kind::Str,
        "\"\\n\\n\"",
        "step separator for `source: response`",
    ),
    ParamSpec::new(
        "baseline",
        Kind::Enum(&["siblings", "parent"]),
        "\"siblings\"",
        "a step's value minus its siblings' mean value, or minus its parent's value",
    ),
    ParamSpec::new(
        "aggregate",
        Kind::Enum(&["mean", "sum"]),
        "\"mean\"",
        "mean or sum of a member's step advantages",
    ),
    ParamSpec::new(
        "normalize_whitespace",
        Kind::Bool,
        "true",
        "compare steps after trimming and collapsing whitespace",
    ),
    ParamSpec::new(
        "merge",
        Kind::Enum(&["tree", "graph"]),
        "\"tree\"",
        "merge steps by identical prefix (tree) or by their text alone (graph)",
    ),
];

struct TreeAdvantage {
    outcome: (usize, String),
    from_response: bool,
    delimiter: String,
    siblings: bool,
    sum: bool,
    normalize: bool,
    graph: bool,
}

fn build(p: &Params) -> Result<Arc<dyn Reward>, String> {
    let outcome = p
        .component("outcome")
        .ok_or("`outcome` must name each rollout's outcome reward".to_string())?;
    let from_response = p.str("source") == "response";
    let delimiter = p.str("delimiter").to_string();
    if from_response && delimiter.is_empty() {
        return Err("`delimiter` must not be empty with `source: response`".into());
    }
    Ok(Arc::new(TreeAdvantage {
        outcome,
        from_response,
        delimiter,
        siblings: p.str("baseline") == "siblings",
        sum: p.str("aggregate") == "sum",
        normalize: p.bool("normalize_whitespace"),
        graph: p.str("merge") == "graph",
    }))
}

/// Trimmed, with every run of whitespace one space; borrowed when already so.
fn collapse(s: &str) -> Cow<'_, str> {
    let t = s.trim();
    let clean = !t
        .chars()
        .zip(t.chars().skip(1))
        .any(|(a, b)| a.is_whitespace() && b.is_whitespace())
        && !t.chars().any(|c| c.is_whitespace() && c != ' ');
    if clean {
        Cow::Borrowed(t)
    } else {
        Cow::Owned(t.split_whitespace().collect::<Vec<_>>().join(" "))
    }
}

/// A member's outcome and its steps (compared as text).
type Path<'a> = (f64, Vec<Cow<'a, str>>);

struct Node {
    sum: f64,
    count: usize,
    children: Vec<usize>,
}

impl TreeAdvantage {
    fn steps<'a>(&self, s: &'a Sample) -> Result<Vec<Cow<'a, str>>, Failure> {
        let raw: Vec<&'a str> = if self.from_response {
            s.response
                .split(self.delimiter.as_str())
                .filter(|p| !p.trim().is_empty())
                .collect()
        } else {
            s.steps
                .as_deref()
                .ok_or_else(|| {
                    Failure::invalid_input(
                        "sample has no `steps` field (tree_advantage builds its prefix tree from the steps; or set `source: response`)",
                    )
                })?
                .iter()
                .map(String::as_str)
                .collect()
        };
        if raw.is_empty() {
            return Err(Failure::invalid_input(if self.from_response {
                "the response has no steps (it is empty)".to_string()
            } else {
                "field `steps` is empty: a rollout needs at least one step".to_string()
            }));
        }
        Ok(raw
            .into_iter()
            .map(|t| {
                if self.normalize {
                    collapse(t)
                } else {
                    Cow::Borrowed(t)
                }
            })
            .collect())
    }
}

impl Reward for TreeAdvantage {
    fn score(&self, sample: &Sample, cx: &Ctx) -> Outcome {
        score_alone(self, sample, cx)
    }

    fn scope(&self) -> Scope {
        Scope::Group
    }

    fn score_group(&self, members: &[Member], cx: &GroupCtx) -> Vec<Outcome> {
        let (idx, name) = &self.outcome;
        // Each member's outcome and steps, or why it is left out.
        let paths: Vec<Result<Path, Failure>> = members
            .iter()
            .map(|m| {
                let r = m.value(*idx).ok_or_else(|| missing(name))?;
                Ok((r, self.steps(m.sample)?))
            })
            .collect();
        let mut nodes = vec![Node {
            sum: 0.0,
            count: 0,
            children: Vec::new(),
        }];
        // A node is keyed by (parent, text) in the tree, by its text alone in the graph.
        let mut index: HashMap<(usize, &str), usize> = HashMap::new();
        let mut edges: HashSet<(usize, usize)> = HashSet::new();
        let ticker = Ticker::new(cx.deadline, 1024);
        // Each member's node ids, root excluded.
        let mut node_paths: Vec<Vec<usize>> = Vec::with_capacity(paths.len());
        for p in &paths {
            let mut ids = Vec::new();
            let mut seen: HashSet<usize> = HashSet::new();
            if let Ok((r, steps)) = p {
                nodes[0].sum += r;
                nodes[0].count += 1;
                let mut at = 0;
                for step in steps {
                    if let Err(f) = ticker.tick() {
                        return members.iter().map(|_| Err(f.into())).collect();
                    }
                    let key = (if self.graph { 0 } else { at }, step.as_ref());
                    let next = *index.entry(key).or_insert_with(|| {
                        nodes.push(Node {
                            sum: 0.0,
                            count: 0,
                            children: Vec::new(),
                        });
                        nodes.len() - 1
                    });
                    if edges.insert((at, next)) {
                        nodes[at].children.push(next);
                    }
                    // A rollout counts once at each node it passes through (in the graph it
                    // can come back to a step; in the tree every step is a new node).
                    if !self.graph || seen.insert(next) {
                        nodes[next].sum += r;
                        nodes[next].count += 1;
                    }
                    ids.push(next);
                    at = next;
                }
            }
            node_paths.push(ids);
        }
        // Node values, the mean value of each node's children, and each step's advantage along
        // the edge the rollout took (parent → node).
        let values: Vec<f64> = nodes
            .iter()
            .map(|n| {
                if n.count == 0 {
                    0.0
                } else {
                    n.sum / n.count as f64
                }
            })
            .collect();
        let child_mean: Vec<f64> = nodes
            .iter()
            .map(|n| {
                if n.children.is_empty() {
                    0.0
                } else {
                    n.children.iter().map(|&c| values[c]).sum::<f64>() / n.children.len() as f64
                }
            })
            .collect();
        let edge_advantage = |parent: usize, id: usize| {
            let base = if self.siblings {
                child_mean[parent]
            } else {
                values[parent]
            };
            values[id] - base
        };
        paths
            .into_iter()
            .zip(node_paths)
            .map(|(p, ids)| {
                p?;
                let advs: Vec<f64> = ids
                    .iter()
                    .enumerate()
                    .map(|(i, &id)| edge_advantage(if i == 0 { 0 } else { ids[i - 1] }, id))
                    .collect();
                let total: f64 = advs.iter().sum();
                let v = if self.sum {
                    total
                } else {
                    total / advs.len() as f64
                };
                if !v.is_finite() {
                    return Err(Failure::error(format!(
                        "the values of `{name}` overflow when averaged"
                    )));
                }
                let through: Vec<usize> = ids.iter().map(|&id| nodes[id].count).collect();
                Ok(Score::with_details(
                    v,
                    json!({"step_advantages": advs, "through": through}),
                ))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whitespace_collapses_only_when_needed() {
        assert!(matches!(collapse("a b"), Cow::Borrowed("a b")));
        assert!(matches!(collapse("  a b "), Cow::Borrowed("a b")));
        assert_eq!(collapse("a  b\tc\n"), "a b c");
        assert_eq!(collapse("a\tb"), "a b");
        assert_eq!(collapse(""), "");
    }
}
