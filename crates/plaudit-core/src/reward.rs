//! The [`Reward`] trait: what every mechanism in the catalogue implements.

use serde_json::Value;

use crate::deadline::{Deadline, Expired};
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

/// A passed deadline is the reward's `timeout`, with the deadline's message
/// (`deadline of B ms exceeded after E ms`): `deadline.check()?` in a reward.
impl From<Expired> for Failure {
    fn from(e: Expired) -> Self {
        Failure::timeout(e.to_string())
    }
}

pub type Outcome = Result<Score, Failure>;

/// A boxed, sendable future: what an I/O reward's [`Reward::score_io`] returns. The engine
/// needs no async runtime of its own; the reward's I/O (an HTTP client) brings what it needs.
pub type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;

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

/// What a reward looks at: one sample, or all the rollouts of one prompt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// [`Reward::score`] per sample, in parallel, as soon as the sample is read.
    Sample,
    /// [`Reward::score_group`] once per group (the samples sharing `group` and route), after
    /// every per-sample component of every member: for mechanisms whose value depends on the
    /// other rollouts (lengths normalised within correct rollouts, pass rates, Pareto fronts …).
    Group,
}

/// One rollout of a group, as a group reward sees it: the sample and the values of its route's
/// components (`None` for components that failed, and for group components not yet computed).
#[derive(Clone, Copy)]
pub struct Member<'a> {
    pub sample: &'a Sample,
    pub values: &'a [Option<f64>],
}

impl<'a> Member<'a> {
    /// The value of the component at `index`, or `None` when it failed for this member.
    pub fn value(&self, index: usize) -> Option<f64> {
        self.values.get(index).copied().flatten()
    }
}

/// What a group reward sees besides the members.
pub struct GroupCtx<'a> {
    pub deadline: &'a Deadline,
    /// The state as it was before this batch.
    pub store: &'a dyn Store,
    /// This component's namespace in the store (`ROUTE/COMPONENT`).
    pub namespace: &'a str,
    /// The group's key (`None` for a sample without `group`, which is a group of one).
    pub key: Option<&'a str>,
}

impl<'a> GroupCtx<'a> {
    /// A context with no state (tests, documentation examples).
    pub fn new(deadline: &'a Deadline, key: Option<&'a str>) -> Self {
        GroupCtx {
            deadline,
            store: &NullStore,
            namespace: "",
            key,
        }
    }
}

/// A reward mechanism, built once from validated parameters and shared by all scoring threads.
pub trait Reward: Send + Sync {
    /// Score one sample. Must return within the deadline (check it in loops), must not panic
    /// (a panic is caught and becomes this sample's `error`, but it is still a bug).
    ///
    /// A [`Scope::Group`] reward is never called here by the engine; implement it as the group
    /// of one sample ([`score_alone`]).
    fn score(&self, sample: &Sample, cx: &Ctx) -> Outcome;

    /// Whether the engine calls [`Reward::score`] per sample or [`Reward::score_group`] per group.
    fn scope(&self) -> Scope {
        Scope::Sample
    }

    /// Whether scoring mostly waits on work outside this process (a sandboxed run of the
    /// sample's code): fronts that serve many clients score such samples on a separate pool of
    /// threads, so that waiting for them never occupies the threads doing CPU work.
    fn blocking(&self) -> bool {
        false
    }

    /// Whether scoring waits on the network (a model behind HTTP: judges, reward models). The
    /// engine then calls [`Reward::score_io`] instead of [`Reward::score`], and awaits the
    /// samples of such routes together (the I/O stage), so that thousands of calls can be in
    /// flight without a thread each. A group reward that is an I/O reward is awaited through
    /// [`Reward::score_group_io`], its groups together.
    fn io(&self) -> bool {
        false
    }

    /// Score one sample, awaiting I/O (only called when [`Reward::io`] is true). The future
    /// must end by `cx.deadline` (a call past it is a `timeout` failure); a panic while it is
    /// polled is caught as in [`Reward::score`]. The default scores synchronously.
    fn score_io<'a>(&'a self, sample: &'a Sample, cx: &'a Ctx<'a>) -> BoxFuture<'a, Outcome> {
        let outcome = self.score(sample, cx);
        Box::pin(std::future::ready(outcome))
    }

    /// Score the members of one group, one outcome per member, in order. Only called for
    /// [`Scope::Group`] rewards. The engine checks the count, catches panics, and turns
    /// non-finite values into `error`.
    fn score_group(&self, members: &[Member], cx: &GroupCtx) -> Vec<Outcome> {
        members
            .iter()
            .map(|m| {
                self.score(
                    m.sample,
                    &Ctx::with_state(cx.deadline, m.values, cx.store, cx.namespace),
                )
            })
            .collect()
    }

    /// Score the members of one group, awaiting I/O (only called for [`Scope::Group`] rewards
    /// whose [`Reward::io`] is true): [`Reward::score_group`]'s contract, as a future that must
    /// end by `cx.deadline`. The default scores synchronously.
    fn score_group_io<'a>(
        &'a self,
        members: &'a [Member<'a>],
        cx: &'a GroupCtx<'a>,
    ) -> BoxFuture<'a, Vec<Outcome>> {
        let outcomes = self.score_group(members, cx);
        Box::pin(std::future::ready(outcomes))
    }

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

/// [`Reward::score`] for a group reward: the sample as a group of one (its `group` as the key).
pub fn score_alone<R: Reward + ?Sized>(reward: &R, sample: &Sample, cx: &Ctx) -> Outcome {
    let member = Member {
        sample,
        values: cx.values,
    };
    let gcx = GroupCtx {
        deadline: cx.deadline,
        store: cx.store,
        namespace: cx.namespace,
        key: sample.group.as_deref(),
    };
    reward
        .score_group(std::slice::from_ref(&member), &gcx)
        .pop()
        .unwrap_or_else(|| Err(Failure::error("the group reward gave no outcome")))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::deadline::Ticker;

    #[test]
    fn a_passed_deadline_is_a_timeout_that_names_the_budget() {
        let d = Deadline::after(Duration::from_millis(0));
        let f = Failure::from(d.check().unwrap_err());
        assert_eq!(f.status, Status::Timeout);
        assert!(
            f.message.starts_with("deadline of 0 ms exceeded"),
            "{}",
            f.message
        );
        assert_eq!(f.details, None);
        let f = Failure::from(Deadline::none().timeout());
        assert_eq!(f.status, Status::Timeout);
        assert_eq!(f.message, "deadline exceeded");
    }

    #[test]
    fn question_mark_turns_an_expired_deadline_into_a_timeout() {
        fn loop_until_expired(d: &Deadline) -> Outcome {
            let ticker = Ticker::new(d, 3);
            loop {
                ticker.tick()?;
                d.check()?;
            }
        }
        let f = loop_until_expired(&Deadline::after(Duration::from_millis(0))).unwrap_err();
        assert_eq!(f.status, Status::Timeout);
        assert!(f.message.starts_with("deadline of 0 ms exceeded"));
    }
}
