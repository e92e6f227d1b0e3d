//! Per-sample deadlines, checked cooperatively by every reward and verifier that loops.
//!
//! This crate knows nothing of rewards or of the engine: a passed deadline is an [`Expired`],
//! which `plaudit-core` turns into a reward's `timeout` failure and a verifier into its own
//! error. Verifiers (`plaudit-math` …) depend on this crate only.

use std::cell::Cell;
use std::fmt;
use std::time::{Duration, Instant};

/// The moment a sample's scoring must end. Rewards call [`Deadline::check`] inside any loop whose
/// length depends on the input (every few hundred iterations is enough: a check costs ~20 ns).
#[derive(Clone, Copy, Debug)]
pub struct Deadline {
    start: Instant,
    at: Option<Instant>,
    budget: Option<Duration>,
}

impl Deadline {
    /// A deadline `budget` from now.
    pub fn after(budget: Duration) -> Self {
        let start = Instant::now();
        Deadline {
            start,
            at: start.checked_add(budget),
            budget: Some(budget),
        }
    }

    /// No deadline at all (tests and documentation examples).
    pub fn none() -> Self {
        Deadline {
            start: Instant::now(),
            at: None,
            budget: None,
        }
    }

    /// True once the deadline has passed.
    #[inline]
    pub fn expired(&self) -> bool {
        match self.at {
            Some(at) => Instant::now() >= at,
            None => false,
        }
    }

    /// `Err(Expired)` once the deadline has passed.
    #[inline]
    pub fn check(&self) -> Result<(), Expired> {
        if self.expired() {
            Err(self.timeout())
        } else {
            Ok(())
        }
    }

    /// The error a reward or verifier returns when it stops at this deadline (a reward's
    /// `timeout` failure, through `From<Expired> for Failure` in `plaudit-core`).
    #[cold]
    pub fn timeout(&self) -> Expired {
        Expired {
            budget: self.budget,
            elapsed: self.start.elapsed(),
        }
    }

    /// Time since the deadline was set.
    pub fn elapsed(&self) -> Duration {
        self.start.elapsed()
    }

    /// The budget this deadline was set with, if any.
    pub fn budget(&self) -> Option<Duration> {
        self.budget
    }

    /// The moment it passes (`None`: no deadline), for I/O that takes an [`Instant`].
    pub fn at(&self) -> Option<Instant> {
        self.at
    }
}

/// A deadline has passed: its budget (if it had one) and the time elapsed when that was seen.
/// Displays as `deadline of B ms exceeded after E ms` (`deadline exceeded` without a budget).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Expired {
    budget: Option<Duration>,
    elapsed: Duration,
}

impl Expired {
    /// The budget of the deadline that passed, if it had one.
    pub fn budget(&self) -> Option<Duration> {
        self.budget
    }

    /// Time since the deadline was set, when it was seen to have passed.
    pub fn elapsed(&self) -> Duration {
        self.elapsed
    }
}

impl fmt::Display for Expired {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.budget {
            Some(b) => write!(
                f,
                "deadline of {} ms exceeded after {} ms",
                b.as_millis(),
                self.elapsed.as_millis()
            ),
            None => f.write_str("deadline exceeded"),
        }
    }
}

impl std::error::Error for Expired {}

/// Checks a deadline only every `every` ticks, so hot loops pay one branch per step. Ticks
/// through a shared reference, so one ticker can be handed down a parser and an evaluator.
pub struct Ticker<'a> {
    deadline: &'a Deadline,
    n: Cell<u32>,
    every: u32,
}

impl<'a> Ticker<'a> {
    pub fn new(deadline: &'a Deadline, every: u32) -> Self {
        Ticker {
            deadline,
            n: Cell::new(0),
            every: every.max(1),
        }
    }

    /// Count one step; on every `every`-th, check the deadline.
    #[inline]
    pub fn tick(&self) -> Result<(), Expired> {
        let n = self.n.get() + 1;
        if n >= self.every {
            self.n.set(0);
            self.deadline.check()
        } else {
            self.n.set(n);
            Ok(())
        }
    }

    /// Check the deadline now, whatever the count.
    #[inline]
    pub fn check(&self) -> Result<(), Expired> {
        self.deadline.check()
    }

    /// The deadline this ticker checks.
    pub fn deadline(&self) -> &'a Deadline {
        self.deadline
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_budget_is_expired_and_names_the_budget() {
        let d = Deadline::after(Duration::from_millis(0));
        assert!(d.expired());
        let e = d.check().unwrap_err();
        assert_eq!(e.budget(), Some(Duration::from_millis(0)));
        let message = e.to_string();
        assert!(
            message.starts_with("deadline of 0 ms exceeded after "),
            "{message}"
        );
        assert!(message.ends_with(" ms"), "{message}");
    }

    #[test]
    fn without_a_budget_the_message_is_plain() {
        let e = Deadline::none().timeout();
        assert_eq!(e.budget(), None);
        assert_eq!(e.to_string(), "deadline exceeded");
    }

    #[test]
    fn none_never_expires() {
        let d = Deadline::none();
        assert!(!d.expired());
        assert!(d.check().is_ok());
    }

    #[test]
    fn ticker_checks_every_n() {
        let d = Deadline::after(Duration::from_millis(0));
        let t = Ticker::new(&d, 3);
        assert!(t.tick().is_ok());
        assert!(t.tick().is_ok());
        assert!(t.tick().is_err());
        // The count starts again after a check.
        assert!(t.tick().is_ok());
        assert!(t.tick().is_ok());
        assert!(t.tick().is_err());
        assert!(t.check().is_err());
    }

    #[test]
    fn ticker_every_64_checks_on_the_64th_step_only() {
        let d = Deadline::after(Duration::from_millis(0));
        let t = Ticker::new(&d, 64);
        for _ in 0..63 {
            assert!(t.tick().is_ok());
        }
        assert!(t.tick().is_err());
    }
}
