//! The judge client runtime (feature `client`): calls to OpenAI-compatible judges (vLLM, SGLang,
//! llama.cpp, OpenAI) that never lie about what happened.
//!
//! - [`JudgeConfig`]: one entry of the spec's `judges:` section, checked with errors naming the
//!   field (`judges.grader.max_concurrency: must be at least 1`). The API key is read from
//!   `api_key_env` when the judge is built; it is never logged, never in a `Debug` output, never
//!   in the cache or its key, and redacted from error messages a server sends back.
//! - [`Judge`]: `chat(messages, deadline)` → [`Reply`] (text, finish reason, usage, attempts) or
//!   a typed [`CallError`] whose [`kind`](CallError::kind) goes into the details field
//!   `judge_error`: `http_status`, `connection`, `timeout`, `malformed_reply`,
//!   `budget_exhausted`, `rate_limited`, `invalid_request`.
//! - [`Judge::post_json`]`(path, body, deadline)` → [`JsonReply`]: a reward model behind HTTP
//!   (OpenRLHF's `/get_reward`, vLLM's `/pooling` and `/classify`), `body` POSTed as it is to
//!   `{base_url}{path}`, through the same attempt loop, limits, routing, budget and totals as
//!   chat; never cached. [`Judge::ask`] and [`Judge::ask_json`] run either on the judges' own
//!   I/O runtime.
//! - Limits shared by every caller of a judge: a semaphore of `max_concurrency` calls in flight;
//!   `rpm` and `tpm` token buckets (tpm charged with an estimate, corrected by the reply's usage);
//!   retries only on 429, 5xx and connection errors, with jittered exponential backoff that
//!   honours `Retry-After` (seconds or an HTTP date) and `retry-after-ms`. Nothing waits or
//!   starts past the deadline: a wait that would pass it returns the last error, an attempt
//!   still running at the deadline is dropped and the call is a `timeout`.
//! - Several `base_urls`: each attempt goes to the replica with the fewest calls in flight; one
//!   that fails `eject_after` times in a row (connection errors, 5xx) is left out for `eject_ms`,
//!   then re-admitted (one more failure leaves it out again). After a connection error another
//!   replica is tried at once.
//! - The reply cache (`cache:`, a SQLite file shared by processes in WAL mode), keyed by SHA-256
//!   of the canonical request body (model, messages, sampling settings, `extra`), so a replay
//!   makes no call. Identical requests in flight at the same time are coalesced: one call, its
//!   reply shared ([`ReplySource::Coalesced`]). Only successful replies are kept.
//! - Accounting: [`Judge::usage`] (calls, attempts, cache hits, retries, tokens, cost, errors by
//!   kind, peak in flight, each replica's state) for `/metrics`; with `price_input_per_mtok` /
//!   `price_output_per_mtok` each reply has a `cost_usd` (0 for cache hits and shared replies); `budget_tokens` stops further calls
//!   with `budget_exhausted` (calls already in flight when it is reached finish and count).
//! - [`Judges`]: one judge per name and configuration in the process ([`Judges::global`]), so
//!   every component, route and request shares one limit.
//!
//! HTTP is hyper 1 (HTTP/1.1, pooled connections) with rustls on ring and Mozilla's root
//! certificates compiled in: HTTPS for hosted endpoints, plain HTTP for local servers.

mod cache;
mod config;
mod error;
mod http;
mod judge;
mod limits;
mod runtime;
mod shared;

pub use config::{JudgeConfig, JudgeConfigError};
pub use error::CallError;
pub use judge::{
    EndpointSnapshot, JsonReply, Judge, Judges, Message, Reply, ReplySource, Usage, UsageSnapshot,
};
pub use runtime::{io_runtime, on_io_runtime};
pub use shared::{set_shared_limit, Admission, SharedLimit};
