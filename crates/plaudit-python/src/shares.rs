//! Scoring one batch across processes (`plaudit.ray`): shares scored elsewhere, merged here.
//!
//! A pool's scorer actors score *shares* of a batch (whole groups each) with
//! [`encode_share`]: the results without the group stage, each with its group key and its
//! stateful rewards' observations, nothing committed. The pool's driver puts the shares back in
//! input order ([`decode_shares`]) and finishes one [`plaudit_core::Batch`] with them: the
//! observations are committed once, in input order, and the group stage runs over the whole
//! batch, exactly as one process scoring the batch would.
//!
//! The state travels the other way as entries `(namespace, key, value)`: the driver's store
//! ([`SharedStore`]) records what each commit wrote, so the actors can be sent only what changed
//! since the version they hold; a new actor gets every entry.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use plaudit_core::result::Observation;
use plaudit_core::state::Store;
use plaudit_core::ScoreResult;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One input's result as a share carries it.
#[derive(Serialize, Deserialize)]
struct Scored {
    result: ScoreResult,
    /// The input's group (what the group stage groups by).
    key: Option<String>,
    /// `(route, component index, value)` for each stateful component that observed the sample.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    obs: Vec<(String, usize, Value)>,
}

/// A share's results (with their group keys and observations) as bytes.
pub fn encode_share(keys: Vec<Option<String>>, results: Vec<ScoreResult>) -> Vec<u8> {
    let scored: Vec<Scored> = keys
        .into_iter()
        .zip(results)
        .map(|(key, mut result)| {
            let obs = std::mem::take(&mut result.observations)
                .into_iter()
                .map(|o| (o.route.to_string(), o.component, o.value))
                .collect();
            Scored { result, key, obs }
        })
        .collect();
    serde_json::to_vec(&scored).expect("results serialize")
}

/// Shares `(input indices, bytes)` back into one list in input order: the group keys and the
/// results with their observations. Every index in `0..n` must be covered exactly once.
pub fn decode_shares(
    parts: Vec<(Vec<usize>, Vec<u8>)>,
    n: usize,
) -> Result<(Vec<Option<String>>, Vec<ScoreResult>), String> {
    let mut slots: Vec<Option<Scored>> = (0..n).map(|_| None).collect();
    for (p, (indices, bytes)) in parts.into_iter().enumerate() {
        let scored: Vec<Scored> = serde_json::from_slice(&bytes)
            .map_err(|e| format!("share {p}: unreadable results: {e}"))?;
        if scored.len() != indices.len() {
            return Err(format!(
                "share {p}: {} results for {} inputs",
                scored.len(),
                indices.len()
            ));
        }
        for (i, s) in indices.into_iter().zip(scored) {
            let slot = slots
                .get_mut(i)
                .ok_or_else(|| format!("share {p}: input index {i} out of range (batch of {n})"))?;
            if slot.is_some() {
                return Err(format!("share {p}: input {i} has two results"));
            }
            *slot = Some(s);
        }
    }
    let missing: Vec<usize> = (0..n).filter(|i| slots[*i].is_none()).take(10).collect();
    if !missing.is_empty() {
        return Err(format!("no result for inputs {missing:?}"));
    }
    let mut keys = Vec::with_capacity(n);
    let mut results = Vec::with_capacity(n);
    let mut routes: HashMap<String, Arc<str>> = HashMap::new();
    for s in slots.into_iter().flatten() {
        let mut r = s.result;
        r.observations = s
            .obs
            .into_iter()
            .map(|(route, component, value)| Observation {
                route: routes
                    .entry(route)
                    .or_insert_with_key(|k| Arc::from(k.as_str()))
                    .clone(),
                component,
                value,
            })
            .collect();
        keys.push(s.key);
        results.push(r);
    }
    Ok((keys, results))
}

type Entries = Vec<(String, String, Value)>;

/// The package's state store: in memory, like the engine's default, and able to give its
/// entries out (all of them, or those written since they were last taken) and to take entries
/// from another process's store.
#[derive(Default)]
pub struct SharedStore {
    map: RwLock<HashMap<(String, String), Value>>,
    /// Held for the length of a transaction: two threads' commits (a `Reward` is shared between
    /// threads) take turns, so neither loses the other's update.
    writer: Mutex<()>,
    /// Record what `put` writes (only a pool's driver asks: nobody else would take it).
    recording: AtomicBool,
    written: Mutex<Entries>,
}

impl SharedStore {
    pub fn record(&self, on: bool) {
        self.recording.store(on, Ordering::SeqCst);
    }

    /// Every entry, sorted (namespace, key).
    pub fn entries(&self) -> Entries {
        let map = self.map.read().unwrap_or_else(|e| e.into_inner());
        let mut out: Entries = map
            .iter()
            .map(|((ns, k), v)| (ns.clone(), k.clone(), v.clone()))
            .collect();
        out.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
        out
    }

    /// The entries written since the last call, in the order they were written.
    pub fn take_written(&self) -> Entries {
        std::mem::take(&mut *self.written.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// Write entries from another store (not recorded).
    pub fn load(&self, entries: Entries) {
        let mut map = self.map.write().unwrap_or_else(|e| e.into_inner());
        for (ns, k, v) in entries {
            map.insert((ns, k), v);
        }
    }
}

impl Store for SharedStore {
    fn get(&self, namespace: &str, key: &str) -> Result<Option<Value>, String> {
        let map = self.map.read().unwrap_or_else(|e| e.into_inner());
        Ok(map.get(&(namespace.to_string(), key.to_string())).cloned())
    }

    fn put(&self, namespace: &str, entries: Vec<(String, Value)>) -> Result<(), String> {
        let recording = self.recording.load(Ordering::SeqCst);
        let mut written = Vec::new();
        {
            let mut map = self.map.write().unwrap_or_else(|e| e.into_inner());
            for (k, v) in entries {
                if recording {
                    written.push((namespace.to_string(), k.clone(), v.clone()));
                }
                map.insert((namespace.to_string(), k), v);
            }
        }
        if recording {
            self.written
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .extend(written);
        }
        Ok(())
    }

    fn transaction(
        &self,
        f: &mut dyn FnMut(&dyn Store) -> Result<(), String>,
    ) -> Result<(), String> {
        let _writer = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        f(self)
    }
}

/// A shared judge limiter written in Python (`plaudit.ray`'s client of its limiter actor): an
/// object with `acquire(judge, tokens, timeout_s)` → `("ok", lease)` | `("budget", used,
/// budget)` | `("timeout",)`, `release(judge, lease)` and `settle(judge, used, estimate)`.
pub struct PyLimiter(pub pyo3::Py<pyo3::PyAny>);

impl plaudit_judge::client::SharedLimit for PyLimiter {
    fn acquire(
        &self,
        judge: &str,
        tokens: u64,
        timeout: std::time::Duration,
    ) -> plaudit_judge::client::Admission {
        use plaudit_judge::client::Admission;
        use pyo3::prelude::*;
        Python::attach(|py| {
            let answer = self
                .0
                .call_method1(py, "acquire", (judge, tokens, timeout.as_secs_f64()))
                .and_then(|a| a.extract::<(String, Option<u64>, Option<u64>)>(py));
            match answer {
                Ok((kind, a, _)) if kind == "ok" => Admission::Granted(a.unwrap_or(0)),
                Ok((kind, used, budget)) if kind == "budget" => Admission::Budget {
                    used: used.unwrap_or(0),
                    budget: budget.unwrap_or(0),
                },
                Ok((kind, _, _)) if kind == "timeout" => Admission::Timeout,
                Ok((kind, _, _)) => Admission::Failed(format!("unknown answer {kind:?}")),
                Err(e) => Admission::Failed(e.to_string()),
            }
        })
    }

    fn release(&self, judge: &str, lease: u64) {
        use pyo3::prelude::*;
        Python::attach(|py| {
            if let Err(e) = self.0.call_method1(py, "release", (judge, lease)) {
                eprintln!("plaudit: the shared judge limiter: release failed: {e}");
            }
        })
    }

    fn settle(&self, judge: &str, used: u64, estimate: u64) {
        use pyo3::prelude::*;
        Python::attach(|py| {
            if let Err(e) = self.0.call_method1(py, "settle", (judge, used, estimate)) {
                eprintln!("plaudit: the shared judge limiter: settle failed: {e}");
            }
        })
    }
}
