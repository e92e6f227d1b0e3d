//! Structural limits and the cooperative deadline every loop checks.

use std::cell::Cell;
use std::fmt;

use plaudit_core::Deadline;

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

/// The deadline plus a step counter, so hot loops check the clock every 64 steps only.
pub struct Budget<'a> {
    deadline: &'a Deadline,
    steps: Cell<u32>,
}

impl<'a> Budget<'a> {
    pub fn new(deadline: &'a Deadline) -> Self {
        Budget {
            deadline,
            steps: Cell::new(0),
        }
    }

    #[inline]
    pub fn tick(&self) -> Result<(), MathError> {
        let n = self.steps.get().wrapping_add(1);
        self.steps.set(n);
        if n & 63 == 0 && self.deadline.expired() {
            return Err(MathError::Timeout);
        }
        Ok(())
    }

    /// Check the clock now.
    pub fn check(&self) -> Result<(), MathError> {
        if self.deadline.expired() {
            Err(MathError::Timeout)
        } else {
            Ok(())
        }
    }
}
