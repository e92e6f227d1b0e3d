//! Model-backed rewards: a model's judgement of the response, through a judge of the spec's
//! `judges:` section (see [`crate::judges`]). They are I/O rewards: the engine awaits their calls
//! together in its I/O stage, under each judge's shared limits.

pub mod group_judge;
pub mod llm_judge;
pub mod pairwise_judge;
pub mod remote_reward;
pub mod rubric_judge;

crate::rewards!(
    llm_judge,
    rubric_judge,
    pairwise_judge,
    group_judge,
    remote_reward
);
