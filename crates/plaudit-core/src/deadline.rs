//! Per-sample deadlines, checked cooperatively by every reward that loops.
//!
//! The deadline lives in its own crate, `plaudit-deadline`, so that verifiers (`plaudit-math` …)
//! depend on it and not on the engine; it knows nothing of [`crate::Failure`]. A passed deadline
//! is an [`Expired`], which becomes a reward's `timeout` failure through
//! `From<Expired> for Failure` (in [`crate::reward`]): `deadline.check()?` and `ticker.tick()?`
//! work as they are in a reward returning [`crate::Outcome`].

pub use plaudit_deadline::{Deadline, Expired, Ticker};
