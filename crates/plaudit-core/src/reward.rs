//! The [`Reward`] trait: what every mechanism in the catalogue implements.

use serde_json::Value;

use crate::deadline::Deadline;
use crate::result::Status;
use crate::sample::Sample;
use crate::state::{NullStore, Store};

/// A reward's value for one sample, with optional details (extracted answer, normalised forms …).
#[derive(Clone, Debug, PartialEq)]
pub struct Score {
    pub value: f64,
    pub details: Option<Value>,
    /// What a stateful reward wants to remember of this sample; handed back to
    /// [`Reward::update`] after the batch (see [`crate::state`]).
    pub observation: Option<Value>,
}

impl Score {
    pub fn new(value: f64) -> Self {
        Score {
            value,
            details: None,
            observation: None,
        }
    }

    pub fn with_details(value: f64, details: Value) -> Self {
        Score {
            value,
            details: Some(details),
            observation: None,
        }
    }

    /// Attach an observation for the reward's state update.
    pub fn observe(mut self, observation: Value) -> Self {
        self.observation = Some(observation);
        self
    }
}

impl From<f64> for Score {
    fn from(value: f64) -> Self {
        Score::new(value)
    }
}

/// Why a reward could not give a value. Never `Status::Ok`.
#[derive(Clone, Debug, PartialEq)]
pub struct Failure {
    pub status: Status,
    pub message: String,
    pub details: Option<Value>,
}

impl Failure {
    fn new(status: Status, message: impl Into<String>) -> Self {
        Failure {
            status,
            message: message.into(),
            details: None,
        }
    }
    /// The response holds no answer the reward could extract.
    pub fn no_answer(message: impl Into<String>) -> Self {
        Self::new(Status::NoAnswer, message)
    }
    /// The sample lacks what the reward needs (a field, a reference of the right shape …).
    pub fn invalid_input(message: impl Into<String>) -> Self {
        Self::new(Status::InvalidInput, message)
    }
    pub fn timeout(message: impl Into<String>) -> Self {
        Self::new(Status::Timeout, message)
    }
    pub fn error(message: impl Into<String>) -> Self {
        Self::new(Status::Error, message)
    }
    pub fn with_details(mut self, details: Value) -> Self {
        self.details = Some(details);
        self
    }
}

pub type Outcome = Result<Score, Failure>;

/// What a reward sees besides the sample: the deadline, and the values of the components it
/// declared as inputs (parameters of kind [`crate::Kind::Component`]).
pub struct Ctx<'a> {
    pub deadline: &'a Deadline,
    pub(crate) values: &'a [Option<f64>],
    /// The state as it was before this batch (stateful rewards read it; see [`crate::state`]).
    pub store: &'a dyn Store,
    /// This component's namespace in the store (`ROUTE/COMPONENT`).
    pub namespace: &'a str,
}

impl<'a> Ctx<'a> {
    /// A context with component values and no state (tests, documentation examples).
    pub fn new(deadline: &'a Deadline, values: &'a [Option<f64>]) -> Self {
        Ctx {
            deadline,
            values,
            store: &NullStore,
            namespace: "",
        }
    }

    /// A context reading state from `store` under `namespace`.
    pub fn with_state(
        deadline: &'a Deadline,
        values: &'a [Option<f64>],
        store: &'a dyn Store,
        namespace: &'a str,
    ) -> Self {
        Ctx {
            deadline,
            values,
            store,
            namespace,
        }
    }

    /// The value of the component at `index` (as resolved by [`crate::Params::component`]).
    /// Fails when that component failed or has not been computed.
    pub fn component(&self, index: usize, name: &str) -> Result<f64, Failure> {
        match self.values.get(index).copied().flatten() {
            Some(v) => Ok(v),
            None => Err(Failure::error(format!(
                "input component `{name}` has no value"
            ))),
        }
    }
}

/// A reward mechanism, built once from validated parameters and shared by all scoring threads.
pub trait Reward: Send + Sync {
    /// Score one sample. Must return within the deadline (check it in loops), must not panic
    /// (a panic is caught and becomes this sample's `error`, but it is still a bug).
    fn score(&self, sample: &Sample, cx: &Ctx) -> Outcome;

    /// After a batch: update this reward's state in `namespace` from the observations its
    /// scores carried, in input order. Stateless rewards keep the default (nothing to do).
    fn update(
        &self,
        _observations: &[Value],
        _store: &dyn Store,
        _namespace: &str,
    ) -> Result<(), String> {
        Ok(())
    }
}
