//! The registry: every reward by name, with its documentation, parameters and constructor.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::Value;

use crate::params::{ParamSpec, Params};
use crate::reward::{Reward, Scope};

/// How to build a reward from validated parameters. An `Err` is a spec error (e.g. a value out
/// of range) and names the parameter.
pub type BuildFn = fn(&Params) -> Result<Arc<dyn Reward>, String>;

/// A reward built as an example describes it, with the values of the components it reads.
pub type BuiltExample = (Arc<dyn Reward>, Vec<Option<f64>>);

/// One reward of the catalogue.
#[derive(Clone, Copy)]
pub struct RewardInfo {
    pub name: &'static str,
    /// Family in the catalogue: `format`, `answer`, `length`, `text`, `math` …
    pub family: &'static str,
    /// The reward's source file (`include_str!` of itself): its opening `//!` comment is its doc,
    /// so `plaudit explain` prints exactly what the code says.
    pub source: &'static str,
    pub params: &'static [ParamSpec],
    pub build: BuildFn,
}

impl std::fmt::Debug for RewardInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RewardInfo")
            .field("name", &self.name)
            .field("family", &self.family)
            .finish()
    }
}

/// A reward's documentation, read from its source file's opening `//!` comment.
#[derive(Clone, Debug)]
pub struct RewardDoc {
    /// The whole comment, markdown.
    pub text: String,
}

impl RewardDoc {
    pub fn from_source(source: &str) -> RewardDoc {
        let mut lines = Vec::new();
        for line in source.lines() {
            let t = line.trim_start();
            if let Some(rest) = t.strip_prefix("//!") {
                lines.push(rest.strip_prefix(' ').unwrap_or(rest).to_string());
            } else if t.is_empty() && lines.is_empty() {
                continue;
            } else {
                break;
            }
        }
        while lines.last().is_some_and(|l| l.trim().is_empty()) {
            lines.pop();
        }
        RewardDoc {
            text: lines.join("\n"),
        }
    }

    /// The first line: a one-line summary.
    pub fn summary(&self) -> &str {
        self.text
            .lines()
            .next()
            .unwrap_or("")
            .trim_start_matches('#')
            .trim()
    }

    /// The body of the section headed `## {title}` (without the heading), if present.
    pub fn section(&self, title: &str) -> Option<String> {
        let mut out: Option<Vec<&str>> = None;
        for line in self.text.lines() {
            if let Some(h) = line.strip_prefix("## ") {
                if out.is_some() {
                    break;
                }
                if h.trim().eq_ignore_ascii_case(title) {
                    out = Some(Vec::new());
                }
                continue;
            }
            if let Some(o) = out.as_mut() {
                o.push(line);
            }
        }
        out.map(|o| o.join("\n").trim().to_string())
    }

    /// The machine-checked examples: each line of the fenced ```` ```json ```` blocks of the
    /// `Example` section is one JSON object `{"params"?, "sample", "components"?, "value"}` (or
    /// `"status"` instead of `"value"` for an expected failure).
    pub fn examples(&self) -> Result<Vec<Value>, String> {
        let section = self.section("Example").or_else(|| self.section("Examples"));
        let Some(section) = section else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        let mut in_json = false;
        for line in section.lines() {
            let t = line.trim();
            if t.starts_with("```") {
                in_json = !in_json && t == "```json";
                continue;
            }
            if in_json && !t.is_empty() {
                out.push(serde_json::from_str(t).map_err(|e| format!("example `{t}`: {e}"))?);
            }
        }
        Ok(out)
    }
}

impl RewardInfo {
    pub fn doc(&self) -> RewardDoc {
        RewardDoc::from_source(self.source)
    }

    /// Build this reward as one of its documented examples describes it: the example's `params`,
    /// and the values of the components it reads (`components`, by name, in order; `null` for a
    /// component that failed). A group reward's example gives `"group": [{"sample", "components"},
    /// …]` instead (see [`example_members`]); its first member's components name them.
    /// A model-backed reward's example declares its judges as a spec does (`"judges": {NAME: {…}}`).
    pub fn build_example(&self, example: &Value) -> Result<BuiltExample, String> {
        let comps_value = match example.get("group") {
            Some(Value::Array(members)) => members.first().and_then(|m| m.get("components")),
            Some(_) => return Err("`group` must be a list of members".into()),
            None => example.get("components"),
        };
        let comps = example_components(comps_value)?;
        let names: Vec<&str> = comps.iter().map(|(k, _)| k.as_str()).collect();
        let mut params = Params::from_json(
            self.params,
            example.get("params").unwrap_or(&Value::Null),
            &names,
        )
        .map_err(|e| format!("example params: {}", e.join("; ")))?;
        // A model-backed reward's example declares its judges as a spec would (`judges:`).
        let judges: indexmap::IndexMap<String, Option<Arc<Value>>> = match example.get("judges") {
            None => Default::default(),
            Some(Value::Object(j)) => j
                .iter()
                .map(|(k, v)| (k.clone(), Some(Arc::new(v.clone()))))
                .collect(),
            Some(_) => return Err("`judges` must be a mapping of name → judge".into()),
        };
        params
            .resolve_judges(self.params, &judges)
            .map_err(|e| format!("example judges: {}", e.join("; ")))?;
        let reward = (self.build)(&params).map_err(|e| format!("build: {e}"))?;
        Ok((reward, comps.into_iter().map(|(_, v)| v).collect()))
    }

    /// The parameter table, generated from the declarations (types and defaults as enforced).
    pub fn params_table(&self) -> String {
        if self.params.is_empty() {
            return "(no parameters)".to_string();
        }
        let rows: Vec<(&str, String, String, &str)> = self
            .params
            .iter()
            .map(|p| {
                let default = match p.default {
                    Some(d) => format!("default {d}"),
                    None => "required".to_string(),
                };
                (p.name, p.describe(), default, p.doc)
            })
            .collect();
        // Columns as wide as their longest cell (at least the usual widths), so a long type
        // (an enum's choices) never runs into its default.
        let w_name = rows
            .iter()
            .map(|r| r.0.chars().count())
            .max()
            .unwrap_or(0)
            .max(20);
        let w_kind = rows
            .iter()
            .map(|r| r.1.chars().count())
            .max()
            .unwrap_or(0)
            .max(28);
        let w_default = rows
            .iter()
            .map(|r| r.2.chars().count())
            .max()
            .unwrap_or(0)
            .max(18);
        let mut s = String::new();
        for (name, kind, default, doc) in rows {
            s.push_str(&format!(
                "  {name:<w_name$} {kind:<w_kind$} {default:<w_default$} {doc}\n"
            ));
        }
        s
    }

    /// The full text `plaudit explain NAME` prints.
    pub fn explain(&self) -> String {
        let scope = match self.scope() {
            Some(Scope::Group) => "; scope: group — scored over all the rollouts of one prompt",
            _ => "",
        };
        format!(
            "{} ({} family{scope})\n\n{}\n\n## Parameters (as enforced)\n{}",
            self.name,
            self.family,
            self.doc().text,
            self.params_table()
        )
    }

    /// Whether this reward is scored per sample or per group, as its first documented example
    /// builds it (`None` when it has no example that builds).
    pub fn scope(&self) -> Option<Scope> {
        let ex = self.doc().examples().ok()?.into_iter().next()?;
        Some(self.build_example(&ex).ok()?.0.scope())
    }
}

/// `{"name": value | null, …}` of an example, in order.
fn example_components(v: Option<&Value>) -> Result<Vec<(String, Option<f64>)>, String> {
    match v {
        Some(Value::Object(o)) => o
            .iter()
            .map(|(k, v)| match v {
                Value::Null => Ok((k.clone(), None)),
                v => v
                    .as_f64()
                    .map(|f| (k.clone(), Some(f)))
                    .ok_or(format!("component `{k}` is not a number")),
            })
            .collect(),
        _ => Ok(Vec::new()),
    }
}

/// One member of a group example: its sample (as JSON) and its component values.
pub type ExampleMember = (Value, Vec<Option<f64>>);

/// The members of a group reward's example (`"group": [{"sample": {…}, "components": {…}}, …]`):
/// each sample (as JSON) with its component values, in the order the first member names them.
/// Their expected results are `"values"`: one number, or a status name, per member.
pub fn example_members(example: &Value) -> Result<Vec<ExampleMember>, String> {
    let Some(Value::Array(members)) = example.get("group") else {
        return Err("a group example needs `group`: a list of members".into());
    };
    let first = example_components(members.first().and_then(|m| m.get("components")))?;
    let names: Vec<&String> = first.iter().map(|(k, _)| k).collect();
    members
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let comps = example_components(m.get("components"))?;
            let got: Vec<&String> = comps.iter().map(|(k, _)| k).collect();
            if got != names {
                return Err(format!(
                    "group member {i}: components {got:?} differ from the first member's {names:?}"
                ));
            }
            let sample = m
                .get("sample")
                .cloned()
                .ok_or(format!("group member {i}: no `sample`"))?;
            Ok((sample, comps.into_iter().map(|(_, v)| v).collect()))
        })
        .collect()
}

/// All rewards known to a front, by name.
#[derive(Clone, Default)]
pub struct Registry {
    rewards: BTreeMap<&'static str, RewardInfo>,
    judge_check: Option<JudgeCheck>,
}

/// Checks one entry of a spec's `judges:` section (its name and mapping) and gives it back with
/// every default filled in, or every error, each naming where it is
/// (`judges.NAME.FIELD: what is wrong`). The catalogue that has model-backed rewards sets it ([`Registry::set_judge_check`]).
pub type JudgeCheck = fn(&str, &serde_json::Value) -> Result<serde_json::Value, Vec<String>>;

impl Registry {
    pub fn new() -> Self {
        Self::default()
    }

    /// Set how entries of a spec's `judges:` section are checked (see [`JudgeCheck`]). Without
    /// one, a spec with judges is refused: nothing in this build could call them.
    pub fn set_judge_check(&mut self, check: JudgeCheck) {
        self.judge_check = Some(check);
    }

    /// The check of `judges:` entries, if the catalogue has model-backed rewards.
    pub fn judge_check(&self) -> Option<JudgeCheck> {
        self.judge_check
    }

    /// Add a reward. Panics on a duplicate name (a catalogue bug the tests catch).
    pub fn add(&mut self, info: RewardInfo) {
        if self.rewards.insert(info.name, info).is_some() {
            panic!("reward `{}` registered twice", info.name);
        }
    }

    pub fn get(&self, name: &str) -> Option<&RewardInfo> {
        self.rewards.get(name)
    }

    /// Rewards sorted by family, then name.
    pub fn all(&self) -> Vec<&RewardInfo> {
        let mut v: Vec<_> = self.rewards.values().collect();
        v.sort_by_key(|r| (r.family, r.name));
        v
    }

    pub fn names(&self) -> Vec<&'static str> {
        self.rewards.keys().copied().collect()
    }

    /// The names closest to `name`, for "did you mean" hints.
    pub fn suggest(&self, name: &str) -> Option<&'static str> {
        closest(name, self.rewards.keys().copied())
    }
}

/// The candidate closest to `name` (a prefix either way, else the smallest edit distance within
/// a third of the candidate's length, at least 3, and short of rewriting it whole), for "did you
/// mean" hints.
pub(crate) fn closest<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let candidates: Vec<&'a str> = candidates.into_iter().collect();
    if name.len() >= 4 {
        if let Some(k) = candidates
            .iter()
            .find(|k| k.starts_with(name) || name.starts_with(**k))
        {
            return Some(k);
        }
    }
    candidates
        .into_iter()
        .map(|k| (levenshtein(k, name), k))
        .filter(|(d, k)| *d <= 3.max(k.len() / 3) && *d < k.len())
        .min()
        .map(|(_, k)| k)
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().take(256).collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().take(256).enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRC: &str = "//! Gives one.\n//!\n//! ## What it computes\n//! 1.\n//!\n//! ## Example\n//! ```json\n//! {\"sample\": {\"response\": \"x\"}, \"value\": 1.0}\n//! ```\n\nuse x;\n//! not doc\n";

    #[test]
    fn doc_sections_and_examples() {
        let d = RewardDoc::from_source(SRC);
        assert_eq!(d.summary(), "Gives one.");
        assert_eq!(d.section("What it computes").as_deref(), Some("1."));
        assert!(!d.text.contains("not doc"));
        let ex = d.examples().unwrap();
        assert_eq!(ex.len(), 1);
        assert_eq!(ex[0]["value"], 1.0);
    }

    #[test]
    fn levenshtein_distance() {
        assert_eq!(levenshtein("kitten", "sitting"), 3);
        assert_eq!(levenshtein("", "abc"), 3);
    }
}
