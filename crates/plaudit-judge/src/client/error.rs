//! Why a call to a judge gave no reply.

use std::fmt;

/// A call to a judge that gave no reply. [`kind`](CallError::kind) is the stable name for the
/// details field `judge_error`; `attempts` is how many HTTP requests were sent for the call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CallError {
    /// The judge answered with an HTTP status that is not retried (4xx other than 429), or a 5xx
    /// that was still there when the attempts or the time ran out. `message` is the error body's
    /// `error.message` (or its first 200 characters), with the API key never in it.
    HttpStatus {
        code: u16,
        message: String,
        attempts: u32,
    },
    /// The connection failed (refused, reset, closed without a reply), after retries.
    Connection { message: String, attempts: u32 },
    /// The deadline passed (or a limit's wait would pass it): no attempt is started or waited for
    /// past the deadline.
    Timeout { attempts: u32 },
    /// A 200 reply that cannot be read: for `chat`, not an OpenAI chat completion (not JSON, no
    /// `choices[0].message`); for `post_json`, not JSON; or too large. Not retried: the judge
    /// answered.
    MalformedReply { message: String, attempts: u32 },
    /// The judge's `budget_tokens` are spent; no request was sent.
    BudgetExhausted { used: u64, budget: u64 },
    /// 429 (rate limited) on every attempt until the attempts or the time ran out.
    RateLimited { message: String, attempts: u32 },
    /// The request cannot be sent as asked (a `post_json` path that does not start with `/` or
    /// makes no URL with a base URL); no request was sent.
    InvalidRequest { message: String },
}

impl CallError {
    /// A stable short name for the details field `judge_error`.
    pub fn kind(&self) -> &'static str {
        match self {
            CallError::HttpStatus { .. } => "http_status",
            CallError::Connection { .. } => "connection",
            CallError::Timeout { .. } => "timeout",
            CallError::MalformedReply { .. } => "malformed_reply",
            CallError::BudgetExhausted { .. } => "budget_exhausted",
            CallError::RateLimited { .. } => "rate_limited",
            CallError::InvalidRequest { .. } => "invalid_request",
        }
    }

    /// HTTP requests sent for the call (0 when none was: budget, a limit's wait past the deadline).
    pub fn attempts(&self) -> u32 {
        match self {
            CallError::HttpStatus { attempts, .. }
            | CallError::Connection { attempts, .. }
            | CallError::Timeout { attempts }
            | CallError::MalformedReply { attempts, .. }
            | CallError::RateLimited { attempts, .. } => *attempts,
            CallError::BudgetExhausted { .. } | CallError::InvalidRequest { .. } => 0,
        }
    }

    pub(crate) fn with_attempts(mut self, n: u32) -> CallError {
        match &mut self {
            CallError::HttpStatus { attempts, .. }
            | CallError::Connection { attempts, .. }
            | CallError::Timeout { attempts }
            | CallError::MalformedReply { attempts, .. }
            | CallError::RateLimited { attempts, .. } => *attempts = n,
            CallError::BudgetExhausted { .. } | CallError::InvalidRequest { .. } => {}
        }
        self
    }
}

fn tries(n: u32) -> String {
    if n == 1 {
        "1 attempt".into()
    } else {
        format!("{n} attempts")
    }
}

impl fmt::Display for CallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CallError::HttpStatus {
                code,
                message,
                attempts,
            } => {
                write!(f, "the judge answered HTTP {code}")?;
                if !message.is_empty() {
                    write!(f, ": {message}")?;
                }
                write!(f, " ({})", tries(*attempts))
            }
            CallError::Connection { message, attempts } => write!(
                f,
                "cannot reach the judge: {message} ({})",
                tries(*attempts)
            ),
            CallError::Timeout { attempts } => write!(
                f,
                "the deadline passed before the judge answered ({})",
                tries(*attempts)
            ),
            CallError::MalformedReply { message, attempts } => write!(
                f,
                "the judge's reply is malformed: {message} ({})",
                tries(*attempts)
            ),
            CallError::BudgetExhausted { used, budget } => write!(
                f,
                "the judge's token budget is spent ({used} of budget_tokens {budget} used)"
            ),
            CallError::RateLimited { message, attempts } => {
                write!(f, "the judge kept answering 429 (rate limited)")?;
                if !message.is_empty() {
                    write!(f, ": {message}")?;
                }
                write!(f, " ({})", tries(*attempts))
            }
            CallError::InvalidRequest { message } => {
                write!(f, "the request cannot be sent: {message}")
            }
        }
    }
}

impl std::error::Error for CallError {}
