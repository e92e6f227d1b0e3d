//! Warm Python workers: sandboxes whose interpreter is already up, each waiting for one job.
//!
//! One long-lived thread keeps `target` workers ready. It must be long-lived: each worker's init
//! has PR_SET_PDEATHSIG bound to the thread that cloned it, so workers die with the thread (and
//! with the sandbox, whose drop stops the thread).
//!
//! A worker serves exactly one run and is then gone with its namespaces; the thread starts a new
//! one in the background. Workers are made with one size of private tmpfs (the size of the last
//! run that asked): a run with a different `workdir_bytes` discards them and starts cold.
use crate::spawn::{spawn, Child, Env, What};
use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

pub(crate) struct Pool {
    target: usize,
    state: Mutex<State>,
    cv: Condvar,
}

struct State {
    ready: VecDeque<Child>,
    workdir_bytes: u64,
    shutdown: bool,
}

impl Pool {
    pub(crate) fn new(target: usize, workdir_bytes: u64) -> Pool {
        Pool {
            target,
            state: Mutex::new(State {
                ready: VecDeque::new(),
                workdir_bytes,
                shutdown: false,
            }),
            cv: Condvar::new(),
        }
    }

    /// A ready worker made for `workdir_bytes`, if there is one.
    pub(crate) fn take(&self, workdir_bytes: u64) -> Option<Child> {
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if st.workdir_bytes != workdir_bytes {
            st.workdir_bytes = workdir_bytes;
            let stale = std::mem::take(&mut st.ready);
            drop(st);
            self.cv.notify_all();
            drop(stale); // killed and reaped outside the lock
            return None;
        }
        let w = st.ready.pop_front();
        drop(st);
        self.cv.notify_all();
        w
    }

    pub(crate) fn shutdown(&self) {
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        st.shutdown = true;
        let stale = std::mem::take(&mut st.ready);
        drop(st);
        self.cv.notify_all();
        drop(stale);
    }

    /// How many workers have their interpreter up now.
    pub(crate) fn ready(&self) -> usize {
        let st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        st.ready.iter().filter(|c| c.greeted()).count()
    }
}

/// The refill loop (runs on its own thread until shutdown).
pub(crate) fn refill(env: Arc<Env>, pool: Arc<Pool>) {
    loop {
        let size = {
            let mut st = pool.state.lock().unwrap_or_else(|e| e.into_inner());
            while !st.shutdown && st.ready.len() >= pool.target {
                st = pool.cv.wait(st).unwrap_or_else(|e| e.into_inner());
            }
            if st.shutdown {
                return;
            }
            st.workdir_bytes
        };
        match spawn(&env, &What::PythonWorker, None, size, None) {
            Ok(child) => {
                let mut st = pool.state.lock().unwrap_or_else(|e| e.into_inner());
                if st.shutdown {
                    return;
                }
                if st.workdir_bytes == size {
                    st.ready.push_back(child);
                }
            }
            // Runs fall back to cold starts, which report the error themselves.
            Err(_) => std::thread::sleep(Duration::from_millis(200)),
        }
    }
}
