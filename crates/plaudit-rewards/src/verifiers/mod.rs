//! The catalogue's own verifiers: the checks that decide whether an answer is right for the
//! domains that have no verifier crate of their own (see docs/ARCHITECTURE.md for when a verifier
//! earns one). Each is used by the rewards of one family; none is a reward.

pub mod gui_grounding;
pub mod tool_call;
