//! Structural limits, and what a passed deadline is here ([`MathError::Timeout`]).

use std::fmt;

use plaudit_deadline::Expired;
pub(crate) use plaudit_deadline::Ticker;

/// Bounds on what one answer may cost. Every bound is checked before the work it bounds.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Longest extracted answer (or reference) parsed, in bytes.
    pub max_answer_len: usize,
    /// Deepest nesting of brackets, functions, signs and powers.
    pub max_depth: usize,
    /// Most digits in one number literal.
    pub max_digits: usize,
    /// Largest exact intermediate result, in bits (numerator plus denominator).
    pub max_bits: u64,
    /// Most items in one list, set, tuple or matrix.
    pub max_items: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_answer_len: 10_000,
            max_depth: 64,
            max_digits: 2_000,
            max_bits: 1 << 16,
            max_items: 5_000,
        }
    }
}

/// Why an answer could not be judged.
#[derive(Clone, Debug, PartialEq)]
pub enum MathError {
    /// The deadline passed.
    Timeout,
    /// A structural limit was exceeded; the message names it.
    Limit(String),
    /// The text is not mathematics this parser understands.
    Parse(String),
}

impl fmt::Display for MathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MathError::Timeout => f.write_str("deadline exceeded"),
            MathError::Limit(m) => write!(f, "limit exceeded: {m}"),
            MathError::Parse(m) => write!(f, "cannot parse: {m}"),
        }
    }
}

impl std::error::Error for MathError {}

/// A passed deadline is [`MathError::Timeout`]: `ticker.tick()?` in the lexer, parser,
/// evaluators and comparer.
impl From<Expired> for MathError {
    fn from(_: Expired) -> Self {
        MathError::Timeout
    }
}

/// The deadline is checked every this many steps of lexing, parsing, evaluation and comparison.
pub(crate) const CHECK_EVERY: u32 = 64;
