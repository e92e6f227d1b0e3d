//! The I/O-free parts of Plaudit's model-backed rewards (LLM judges, rubric judges): what is
//! sent to a judge and what is read back, with no HTTP client and no engine.
//!
//! - [`template`]: prompt templates. `{{prompt}}`, `{{response}}`, `{{reference}}`,
//!   `{{meta.KEY}}`, `{{criterion}}` (and names a caller adds) are substituted in one pass, so a
//!   response that contains `{{reference}}` never pulls the reference into the prompt; unknown
//!   placeholders and unclosed braces are errors naming what and where.
//! - [`verdict`]: a pointwise judge's verdict, from a `VERDICT:` line, a `\boxed{}` or a label,
//!   mapped from the declared range onto [0, 1]. A missing, ambiguous, out-of-range (never
//!   clamped), non-finite, refused or truncated verdict is a [`VerdictError`] with a stable
//!   [`kind`](VerdictError::kind) for the details field `judge_error`.
//! - [`rubric`]: a rubric judge's numbered YES/NO answers (`1. YES`, `Criterion 2 - no`), with
//!   errors for missing, conflicting and unknown answers.
//! - [`group`]: a group judge's one line per candidate (`Candidate 3: 7`, a score or a rank),
//!   every candidate exactly once, and the seeded shuffle of the order candidates are shown in.
//! - [`master_keys`]: the replies that fool judges ("One Token to Fool LLM-as-a-Judge": `:`,
//!   `Thought process:`, `解` …), for probing judges and for `master_key_guard`.
//!
//! - [`client`] (feature `client`): the async judge client — limits shared by every caller,
//!   retries bounded by the deadline, routing across base URLs, the reply cache, usage and
//!   budgets, typed call errors. Without the feature the crate does no I/O.
//!
//! Parsing reads only the judge's reply, never the response it judged; everything here is
//! linear in its input (the `regex` crate) and deterministic.
//!
//! ```
//! use plaudit_judge::{SampleVars, Template, VerdictParser};
//! use serde_json::json;
//!
//! let template = Template::parse("Reference: {{reference}}\nResponse: {{response}}\nEnd with VERDICT: <0-10>.").unwrap();
//! let reference = json!("72");
//! let meta = json!({});
//! let vars = SampleVars { prompt: "48 + 24?", response: "{{reference}}", reference: &reference, meta: &meta, criterion: None };
//! assert_eq!(vars.render(&template).unwrap(), "Reference: 72\nResponse: {{reference}}\nEnd with VERDICT: <0-10>.");
//!
//! let parser = VerdictParser::range(0.0, 10.0).unwrap();
//! assert_eq!(parser.parse("The response restates a placeholder.\n**VERDICT:** 1", Some("stop")).unwrap().value, 0.1);
//! let e = parser.parse("VERDICT: 12", None).unwrap_err();
//! assert_eq!((e.kind(), e.to_string().as_str()), ("out_of_range", "verdict 12 is outside the declared range [0, 10] (never clamped)"));
//! ```

pub mod error;
pub mod group;
pub mod master_keys;
pub mod rubric;
pub mod template;
pub mod verdict;

#[cfg(feature = "client")]
pub mod client;

pub use error::{ConfigError, VerdictError};
pub use group::{group_seed, parse_group, shuffled, GroupMode, GroupVerdict};
pub use master_keys::{KeyKind, MasterKey, MASTER_KEYS, OPENER_PHRASES};
pub use rubric::{parse_rubric, parse_rubric_all};
pub use template::{value_text, SampleVars, Template, TemplateError, DEFAULT_NAMES};
pub use verdict::{Label, Method, Verdict, VerdictParser};
