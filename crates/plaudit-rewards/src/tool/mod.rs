//! Tool calls: rewards on the calls a response makes, checked by the tool-call verifier
//! ([`crate::verifiers::tool_call`]).

pub mod tool_call_match;
pub mod tool_checklist;
pub mod toolrl_reward;

crate::rewards! {
    tool_call_match,
    toolrl_reward,
    tool_checklist,
}
