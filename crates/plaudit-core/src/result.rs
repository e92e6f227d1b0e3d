//! One result per input sample.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// What happened to a sample. Anything but `Ok` gives the spec's failure value and a reason.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Ok,
    NoAnswer,
    InvalidInput,
    Timeout,
    Error,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Ok,
        Status::NoAnswer,
        Status::InvalidInput,
        Status::Timeout,
        Status::Error,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::NoAnswer => "no_answer",
            Status::InvalidInput => "invalid_input",
            Status::Timeout => "timeout",
            Status::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|st| st.as_str() == s)
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The result of scoring one sample: `{"id", "reward", "components", "status", "error"?,
/// "details"?, "advantage"?}` (plus `"zero_variance"` when the spec's group stage asks for it).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScoreResult {
    pub id: Value,
    pub reward: f64,
    pub components: IndexMap<String, f64>,
    pub status: Status,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<Value>,
    /// Filled by the group stage, which comes after the rest of the result (see
    /// [`crate::batch`]): it serializes after them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub advantage: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zero_variance: Option<bool>,
    /// Observations of stateful rewards, waiting for the batch's commit; never serialized.
    #[serde(skip)]
    pub observations: Vec<Observation>,
}

/// What one stateful component observed of one sample (see [`crate::state`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Observation {
    /// The route's name (`*` for the fallback).
    pub route: std::sync::Arc<str>,
    /// The component's index in its route.
    pub component: usize,
    pub value: Value,
}

impl ScoreResult {
    /// A result for a sample that could not be scored at all.
    pub fn failed(id: Value, status: Status, reward: f64, error: String) -> Self {
        ScoreResult {
            id,
            reward,
            components: IndexMap::new(),
            advantage: None,
            status,
            error: Some(error),
            details: None,
            zero_variance: None,
            observations: Vec::new(),
        }
    }
}
