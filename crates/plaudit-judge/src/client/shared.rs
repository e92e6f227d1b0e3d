//! Limits shared with other processes: a judge's `max_concurrency`, `rpm`, `tpm` and
//! `budget_tokens` held for a whole cluster rather than per process.
//!
//! Each process keeps its own limits (the judge's configuration); a process may also install
//! one [`SharedLimit`] (`plaudit.ray` installs a client of its named limiter actor), which every
//! attempt of every judge then passes too: [`SharedLimit::acquire`] before the request is sent
//! (it may wait, or refuse: the budget is spent, the deadline would pass), [`SharedLimit::release`]
//! when the request is over, and [`SharedLimit::settle`] once the tokens the call used are
//! known. The calls block (a limiter in another process answers over IPC): the client makes
//! them on the runtime's blocking threads, never on its I/O threads.

use std::sync::{Arc, RwLock};
use std::time::Duration;

/// What a shared limiter answers to [`SharedLimit::acquire`].
#[derive(Clone, Debug, PartialEq)]
pub enum Admission {
    /// The call may go; give the lease back with [`SharedLimit::release`].
    Granted(u64),
    /// The judge's shared token budget is spent (`used` of `budget`).
    Budget { used: u64, budget: u64 },
    /// The call could not be admitted within the time it was given.
    Timeout,
    /// The limiter could not be asked (it is gone, it failed): the reason.
    Failed(String),
}

/// A limit every call of a judge passes besides the process's own (see the module docs).
pub trait SharedLimit: Send + Sync {
    /// Admit one request of `judge`, estimated at `tokens`, waiting at most `timeout`.
    fn acquire(&self, judge: &str, tokens: u64, timeout: Duration) -> Admission;
    /// The request admitted with `lease` is over.
    fn release(&self, judge: &str, lease: u64);
    /// A call of `judge` that was charged `estimate` tokens used `used` (0 when it used none
    /// that count: a malformed reply).
    fn settle(&self, judge: &str, used: u64, estimate: u64);
}

static SHARED: RwLock<Option<Arc<dyn SharedLimit>>> = RwLock::new(None);

/// Install (or, with `None`, remove) this process's shared limit.
pub fn set_shared_limit(limit: Option<Arc<dyn SharedLimit>>) {
    *SHARED.write().unwrap_or_else(|e| e.into_inner()) = limit;
}

/// This process's shared limit, if one is installed.
pub(crate) fn shared_limit() -> Option<Arc<dyn SharedLimit>> {
    SHARED.read().unwrap_or_else(|e| e.into_inner()).clone()
}

/// Run a call to the shared limit on a blocking thread of the current runtime when there is
/// one (without waiting for it), else here.
pub(crate) fn detached(f: impl FnOnce() + Send + 'static) {
    match tokio::runtime::Handle::try_current() {
        Ok(h) => {
            h.spawn_blocking(f);
        }
        Err(_) => f(),
    }
}
