//! Per-sample deadlines, checked cooperatively by every reward that loops.

use std::time::{Duration, Instant};

use crate::reward::Failure;

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

    /// `Err(timeout)` once the deadline has passed.
    #[inline]
    pub fn check(&self) -> Result<(), Failure> {
        if self.expired() {
            Err(self.timeout())
        } else {
            Ok(())
        }
    }

    /// The failure a reward returns when it stops at this deadline.
    pub fn timeout(&self) -> Failure {
        match self.budget {
            Some(b) => Failure::timeout(format!(
                "deadline of {} ms exceeded after {} ms",
                b.as_millis(),
                self.start.elapsed().as_millis()
            )),
            None => Failure::timeout("deadline exceeded".to_string()),
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
}

/// Calls `check` on a deadline only every `every` ticks, so hot loops pay one branch per step.
pub struct Ticker<'a> {
    deadline: &'a Deadline,
    n: u32,
    every: u32,
}

impl<'a> Ticker<'a> {
    pub fn new(deadline: &'a Deadline, every: u32) -> Self {
        Ticker {
            deadline,
            n: 0,
            every: every.max(1),
        }
    }

    #[inline]
    pub fn tick(&mut self) -> Result<(), Failure> {
        self.n += 1;
        if self.n >= self.every {
            self.n = 0;
            self.deadline.check()
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_budget_is_expired_and_names_the_budget() {
        let d = Deadline::after(Duration::from_millis(0));
        assert!(d.expired());
        let f = d.check().unwrap_err();
        assert_eq!(f.status, crate::Status::Timeout);
        assert!(
            f.message.starts_with("deadline of 0 ms exceeded"),
            "{}",
            f.message
        );
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
        let mut t = Ticker::new(&d, 3);
        assert!(t.tick().is_ok());
        assert!(t.tick().is_ok());
        assert!(t.tick().is_err());
    }
}
