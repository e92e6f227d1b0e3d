//! Tool calls: rewards on the calls a response makes, checked by the tool-call verifier
//! ([`crate::verifiers::tool_call`]).

use plaudit_core::RewardInfo;

pub mod call_match;
pub mod checklist;
pub mod toolrl;

pub fn all() -> Vec<RewardInfo> {
    vec![call_match::INFO, toolrl::INFO, checklist::INFO]
}
