//! The tool-call verifier: parsing calls from responses (JSON, `<tool_call>` blocks, Python-call
//! syntax: [`parse`], [`pycall`]), reading references (expected calls, BFCL's possible answers)
//! and BFCL-style matching ([`bfcl`]). The `tool` family's rewards are built on it.

use plaudit_core::{Deadline, Failure, Sample};
use serde_json::{json, Map, Value};

pub mod bfcl;
pub mod parse;
pub mod pycall;

pub use bfcl::{
    allowed_matches, check_call, expected_calls, match_calls, normalize_str, value_matches,
    Allowed, Expected,
};
pub use parse::{calls_from_json, parse_response, parse_response_by, Form};

/// One function call.
#[derive(Clone, Debug, PartialEq)]
pub struct Call {
    pub name: String,
    pub arguments: Map<String, Value>,
}

impl Call {
    pub fn to_json(&self) -> Value {
        json!({"name": self.name, "arguments": self.arguments})
    }
}

/// Most calls one response may hold (more is malformed, not a reason to spend the deadline).
pub const MAX_CALLS: usize = 256;

/// Every call of a sample ([`parse_response_by`]), or its failure: a malformed call is
/// `no_answer`, the deadline passing while the response is read `timeout`.
pub fn sample_calls(sample: &Sample, deadline: &Deadline) -> Result<(Vec<Call>, Form), Failure> {
    parse_response_by(&sample.response, deadline)?
        .map_err(|e| Failure::no_answer(format!("malformed tool call: {e}")))
}

pub fn calls_json(calls: &[Call]) -> Value {
    Value::Array(calls.iter().map(Call::to_json).collect())
}
