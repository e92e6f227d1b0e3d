//! Tool calls: rewards on the calls a response makes, checked by the tool-call verifier
//! ([`crate::verifiers::tool_call`]).

crate::rewards! {
    tool_call_match,
    toolrl_reward,
    tool_checklist,
}
