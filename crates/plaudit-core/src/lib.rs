//! Plaudit's core: the data model (samples and results), the [`Reward`] trait and the
//! [`Registry`] of rewards, the spec and its expression language, the batch executor and the
//! group stage (advantage estimators).
//!
//! Nothing here knows any particular reward; the catalogue lives in `plaudit-rewards` and the
//! fronts (CLI, server, Python) assemble a registry and compile a [`Spec`] into an [`Engine`].

pub mod batch;
pub mod deadline;
pub mod engine;
pub mod expr;
pub mod group;
pub mod params;
pub mod registry;
pub mod result;
pub mod reward;
pub mod sample;
pub mod spec;
pub mod state;

pub use batch::{Batch, BatchOptions, Emit, Finished, Join, JsonLine, Scorer, Split, Tally};
pub use deadline::{Deadline, Ticker};
pub use engine::{Engine, Input, StateError, Stop, CANCELLED};
pub use group::{Advantage, GroupOutput, GroupSpec};
pub use params::{Kind, ParamSpec, Params};
pub use registry::{example_members, Registry, RewardDoc, RewardInfo};
pub use result::{Observation, ResultParts, ScoreResult, Status};
pub use reward::{
    score_alone, BoxFuture, Ctx, Failure, GroupCtx, Member, Outcome, Reward, Scope, Score,
};
pub use sample::Sample;
pub use spec::{Spec, SpecError};
pub use state::{MemoryStore, NullStore, Store};
