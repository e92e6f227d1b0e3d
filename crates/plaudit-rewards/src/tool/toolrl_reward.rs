//! ToolRL's decomposed tool-call reward: a format part plus a correctness part built from name, parameter-name and parameter-value matches.
//!
//! ## What it computes
//! Calls are parsed and the reference read as in `tool_call_match`: every call of the response
//! after its first `</think>`, wherever it is written (prose, several blocks or fences, a later
//! think block), is in P; data in prose is not. With G the expected calls and P the predicted
//! ones:
//! ```text
//! format      = 1 if the calls parse (with require_think: after a <think>…</think> block; with
//!               require_tags: every call inside <tool_call>…</tool_call> blocks), else 0
//! name        = |names(G) ∩ names(P)| / |names(G) ∪ names(P)|      (multisets; 1 when both are empty)
//! param_name  = Σ_j |keys(G_j) ∩ keys(P_j)| / |keys(G_j) ∪ keys(P_j)|   over expected calls j
//! param_value = Σ_j Σ_{k ∈ keys(G_j)} [P_j[k] matches G_j[k]]
//! S_max       = 1 + |G| + Σ_j |keys(G_j)|
//! correctness = 2·scale·(name + param_name + param_value)/S_max − scale     in [−scale, scale]
//! total       = format + correctness
//! ```
//! P_j is the predicted call paired with expected call j: among the unpaired predicted calls of
//! the same name, the one with the most matching parameters (none: all of j's terms are 0).
//! keys(G_j) are j's arguments (in BFCL form, the parameters that are not optional plus the
//! optional ones the prediction gives); values compare as in `tool_call_match`. Names are
//! compared as multisets, so a repeated or extra call lowers `name` (an extra call is not free),
//! and an extra call when none is expected gives correctness −scale. A malformed call is not a
//! failure here: format and correctness are 0 and −scale.
//!
//! `part` selects what the reward returns; the details always hold every part (`format`, `name`,
//! `param_name`, `param_value` as raw sums, their maxima, `correctness` and `total`). To see the
//! parts as separate components of a spec, declare one component per part and combine them in
//! the expression:
//! ```text
//! components:
//!   fmt:  {reward: toolrl_reward, params: {part: format}}
//!   corr: {reward: toolrl_reward, params: {part: correctness}}
//!   name: {reward: toolrl_reward, params: {part: name}}
//! reward: fmt + corr
//! ```
//!
//! ## Why
//! "ToolRL: Reward is All Tool Learning Needs" studies reward design for tool use and finds that
//! a fine-grained decomposition (format, then tool name, parameter names and parameter values
//! scored separately) trains better than a binary match. The abstract gives no formula; the form
//! here follows the paper's description (format in {0, 1}, correctness in [−3, 3] from name,
//! parameter-name and parameter-value matches normalised by their maximum), with the range as a
//! parameter and names compared as multisets (inferred) so that repeated calls are not free.
//!
//! ## Parameters
//! - `part` (total | format | correctness | name | param_name | param_value; default `total`):
//!   the value returned. `name`, `param_name` and `param_value` are returned divided by their
//!   maxima (1, |G|, Σ|keys(G_j)|; a part whose maximum is 0 is 1 when nothing extra was predicted).
//! - `scale` (number > 0; default 3.0): the correctness range [−scale, scale].
//! - `require_think` (boolean; default false): the format part also requires a `<think>…</think>`
//!   block before the calls, with reasoning in it (whitespace and invisible characters are none).
//! - `require_tags` (boolean; default false): the format part also requires calls to be written in
//!   `<tool_call>…</tool_call>` blocks (ToolRL's output format); bare JSON or Python calls, or a
//!   call outside the blocks beside tagged ones, get 0.
//!
//! ## Example
//! ```json
//! {"sample": {"response": "<tool_call>{\"name\": \"search\", \"arguments\": {\"q\": \"rust\", \"n\": 5}}</tool_call>", "reference": {"calls": [{"name": "search", "arguments": {"q": "rust", "n": 5}}]}}, "value": 4.0}
//! {"sample": {"response": "search(q='rust', n=3)", "reference": {"calls": [{"name": "search", "arguments": {"q": "rust", "n": 5}}]}}, "value": 2.5}
//! {"params": {"part": "param_value"}, "sample": {"response": "search(q='rust', n=3)", "reference": {"calls": [{"name": "search", "arguments": {"q": "rust", "n": 5}}]}}, "value": 0.5}
//! {"sample": {"response": "[search(q='rust', n=5), search(q='rust', n=5)]", "reference": {"calls": [{"name": "search", "arguments": {"q": "rust", "n": 5}}]}}, "value": 3.25}
//! {"sample": {"response": "search(q='rust'", "reference": {"calls": [{"name": "search", "arguments": {"q": "rust"}}]}}, "value": -3.0}
//! {"sample": {"response": "No tool applies.", "reference": {"calls": []}}, "value": 4.0}
//! {"sample": {"response": "No tool applies, so:\n```json\n{\"delete_account\": {\"user\": \"me\"}}\n```", "reference": {"calls": []}}, "value": -2.0}
//! {"sample": {"response": "No tool applies; set {\"server\": {\"port\": 80}} in the config.", "reference": {"calls": []}}, "value": 4.0}
//! ```

use std::collections::HashMap;
use std::sync::Arc;

use plaudit_core::{Ctx, Kind, Outcome, ParamSpec, Params, Reward, RewardInfo, Sample, Score};
use serde_json::json;

use crate::util::is_blank;
use crate::verifiers::tool_call::{
    allowed_matches, calls_json, expected_calls, parse_response_by, Call, Expected, Form,
};

pub const INFO: RewardInfo = RewardInfo {
    name: "toolrl_reward",
    family: "tool",
    source: include_str!("toolrl_reward.rs"),
    params: PARAMS,
    build,
};

const PARTS: &[&str] = &[
    "total",
    "format",
    "correctness",
    "name",
    "param_name",
    "param_value",
];

const PARAMS: &[ParamSpec] = &[
    ParamSpec::new("part", Kind::Enum(PARTS), "\"total\"", "the part returned"),
    ParamSpec::new(
        "scale",
        Kind::Float,
        "3.0",
        "correctness range [−scale, scale]",
    )
    .above(0.0),
    ParamSpec::new(
        "require_think",
        Kind::Bool,
        "false",
        "format also requires a <think>…</think> block",
    ),
    ParamSpec::new(
        "require_tags",
        Kind::Bool,
        "false",
        "format also requires calls inside <tool_call> blocks",
    ),
];

struct ToolRl {
    part: String,
    scale: f64,
    require_think: bool,
    require_tags: bool,
}

fn build(p: &Params) -> Result<Arc<dyn Reward>, String> {
    let scale = p.f64("scale");
    Ok(Arc::new(ToolRl {
        part: p.str("part").to_string(),
        scale,
        require_think: p.bool("require_think"),
        require_tags: p.bool("require_tags"),
    }))
}

/// The parts of ToolRL's reward: (name, param_name, param_value) raw sums and their maxima.
pub struct Parts {
    pub name: f64,
    pub param_name: f64,
    pub param_value: f64,
    pub max_param_name: f64,
    pub max_param_value: f64,
    pub extra: bool,
}

fn keys_of(e: &Expected, c: Option<&Call>) -> Vec<String> {
    e.params
        .iter()
        .filter(|(k, a)| !a.optional || c.is_some_and(|c| c.arguments.contains_key(k)))
        .map(|(k, _)| k.clone())
        .collect()
}

fn pair_score(e: &Expected, c: &Call) -> (f64, f64) {
    let keys = keys_of(e, Some(c));
    let inter = keys.iter().filter(|k| c.arguments.contains_key(*k)).count();
    let union = keys.len() + c.arguments.keys().filter(|k| !keys.contains(k)).count();
    let jacc = if union == 0 {
        1.0
    } else {
        inter as f64 / union as f64
    };
    let values = keys
        .iter()
        .filter(|k| {
            c.arguments
                .get(*k)
                .is_some_and(|v| e.param(k).is_some_and(|a| allowed_matches(v, a)))
        })
        .count();
    (jacc, values as f64)
}

pub fn parts(got: &[Call], want: &[Expected]) -> Parts {
    // Multiset Jaccard of names.
    let mut counts: HashMap<&str, (usize, usize)> = HashMap::new();
    for e in want {
        counts.entry(e.name.as_str()).or_default().0 += 1;
    }
    for c in got {
        counts.entry(c.name.as_str()).or_default().1 += 1;
    }
    let (inter, union) = counts
        .values()
        .fold((0, 0), |(i, u), (a, b)| (i + a.min(b), u + a.max(b)));
    let name = if union == 0 {
        1.0
    } else {
        inter as f64 / union as f64
    };
    let mut used = vec![false; got.len()];
    let (mut pn, mut pv, mut max_pv) = (0.0, 0.0, 0.0);
    for e in want {
        let best = got
            .iter()
            .enumerate()
            .filter(|(i, c)| !used[*i] && c.name == e.name)
            .map(|(i, c)| (i, pair_score(e, c)))
            .max_by(|a, b| {
                (a.1 .0 + a.1 .1)
                    .total_cmp(&(b.1 .0 + b.1 .1))
                    .then(b.0.cmp(&a.0))
            });
        match best {
            Some((i, (j, v))) => {
                used[i] = true;
                pn += j;
                pv += v;
                max_pv += keys_of(e, Some(&got[i])).len() as f64;
            }
            None => max_pv += keys_of(e, None).len() as f64,
        }
    }
    Parts {
        name,
        param_name: pn,
        param_value: pv,
        max_param_name: want.len() as f64,
        max_param_value: max_pv,
        extra: got.len() > want.len(),
    }
}

impl Reward for ToolRl {
    fn score(&self, sample: &Sample, cx: &Ctx) -> Outcome {
        let want = expected_calls(&sample.reference)?;
        let parsed = parse_response_by(&sample.response, cx.deadline)?;
        // A reasoning block that shows something (`<think></think>`, or one of invisible
        // characters, earns no format credit).
        let think_ok = !self.require_think
            || sample
                .response
                .trim_start()
                .strip_prefix("<think>")
                .and_then(|r| r.find("</think>").map(|end| &r[..end]))
                .is_some_and(|reasoning| !is_blank(reasoning));
        let (got, format, error) = match parsed {
            Ok((c, form)) => {
                let tags_ok = !self.require_tags || form != Form::Bare;
                (c, f64::from(u8::from(think_ok && tags_ok)), None)
            }
            Err(e) => (Vec::new(), 0.0, Some(e)),
        };
        let p = parts(&got, &want);
        let s_max = 1.0 + p.max_param_name + p.max_param_value;
        let correctness = if error.is_some() {
            -self.scale
        } else {
            2.0 * self.scale * (p.name + p.param_name + p.param_value) / s_max - self.scale
        };
        let norm = |v: f64, max: f64| {
            if max > 0.0 {
                v / max
            } else {
                f64::from(u8::from(!p.extra && error.is_none()))
            }
        };
        let total = format + correctness;
        let value = match self.part.as_str() {
            "format" => format,
            "correctness" => correctness,
            "name" => norm(p.name, 1.0),
            "param_name" => norm(p.param_name, p.max_param_name),
            "param_value" => norm(p.param_value, p.max_param_value),
            _ => total,
        };
        let mut details = json!({
            "calls": calls_json(&got),
            "format": format,
            "name": p.name,
            "param_name": p.param_name,
            "param_value": p.param_value,
            "max": {"name": 1.0, "param_name": p.max_param_name, "param_value": p.max_param_value},
            "correctness": correctness,
            "total": total,
        });
        if let Some(e) = error {
            details["error"] = json!(e);
        }
        Ok(Score::with_details(value, details))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use plaudit_core::Deadline;
    use serde_json::Value;

    fn score(params: Value, response: &str, reference: Value) -> Score {
        let p = Params::from_json(PARAMS, &params, &[]).unwrap();
        let d = Deadline::none();
        build(&p)
            .unwrap()
            .score(&Sample::new(response, reference), &Ctx::new(&d, &[]))
            .unwrap()
    }

    #[test]
    fn parts_in_details() {
        let r = json!({"calls": [{"name": "a", "arguments": {"x": 1, "y": 2}}, {"name": "b", "arguments": {}}]});
        let s = score(json!({}), "[a(x=1, z=3), c()]", r);
        let d = s.details.unwrap();
        // names {a, b} vs {a, c}: 1/3; keys {x, y} vs {x, z}: 1/3; values: x matches.
        assert_eq!(d["name"], 1.0 / 3.0);
        assert_eq!(d["param_name"], 1.0 / 3.0);
        assert_eq!(d["param_value"], 1.0);
        assert_eq!(
            d["max"],
            json!({"name": 1.0, "param_name": 2.0, "param_value": 2.0})
        );
        // S_max = 1 + 2 + 2 = 5; R = 1/3 + 1/3 + 1 = 5/3; correctness = 6·(1/3) − 3 = −1.
        assert!((d["correctness"].as_f64().unwrap() + 1.0).abs() < 1e-12);
        assert!((s.value - 0.0).abs() < 1e-12);
    }

    #[test]
    fn an_unexpected_call_costs_everything() {
        let s = score(
            json!({"part": "correctness"}),
            "f(a=1)",
            json!({"bfcl": []}),
        );
        assert_eq!(s.value, -3.0);
        let s = score(json!({"part": "name"}), "f(a=1)", json!({"bfcl": []}));
        assert_eq!(s.value, 0.0);
    }

    #[test]
    fn tag_requirement() {
        let r = json!({"calls": [{"name": "f", "arguments": {}}]});
        let p = json!({"require_tags": true, "part": "format"});
        assert_eq!(score(p.clone(), "f()", r.clone()).value, 0.0);
        assert_eq!(
            score(p.clone(), "<tool_call>f()</tool_call>", r.clone()).value,
            1.0
        );
        // No call at all is well-formed (nothing to tag).
        assert_eq!(score(p, "Nothing to call.", r).value, 1.0);
    }

    #[test]
    fn think_requirement() {
        let r = json!({"calls": [{"name": "f", "arguments": {}}]});
        assert_eq!(
            score(
                json!({"require_think": true, "part": "format"}),
                "f()",
                r.clone()
            )
            .value,
            0.0
        );
        assert_eq!(
            score(
                json!({"require_think": true, "part": "format"}),
                "<think>ok</think>f()",
                r.clone()
            )
            .value,
            1.0
        );
        // An empty reasoning block, or one of invisible characters, is no reasoning.
        for response in ["<think></think>f()", "<think>\u{200b} \u{1}</think>f()"] {
            let v = score(
                json!({"require_think": true, "part": "format"}),
                response,
                r.clone(),
            );
            assert_eq!(v.value, 0.0, "{response:?}");
        }
    }
}
