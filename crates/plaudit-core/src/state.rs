//! State that outlives a batch: per-prompt statistics of stateful mechanisms (an adaptive target
//! length, a tightening cost reference, per-test pass rates).
//!
//! The contract that keeps scoring deterministic: while a batch is scored, every sample reads
//! the state as it was before the batch; each stateful reward returns an *observation* per sample
//! ([`crate::Score::observe`]); after the batch, the engine hands each reward its observations in
//! input order ([`crate::Reward::update`]), and the reward writes its new state. The same inputs in
//! the same order give the same state, whatever the number of threads.
//!
//! A batch's whole commit (every component's read-modify-write) is one [`Store::transaction`]:
//! commits are serialised, within a process and, with the SQLite store, across the processes
//! sharing its file (several `plaudit serve` replicas), so none loses another's update.
//!
//! State is JSON by (namespace, key). The engine gives each stateful component the namespace
//! `ROUTE/COMPONENT` (`*` is the fallback route), so renaming a component starts it afresh.

use std::collections::HashMap;
use std::sync::{Mutex, RwLock};

use serde_json::Value;

/// Where stateful rewards keep their state. Implementations: [`MemoryStore`] (the default, lost
/// at exit) and `plaudit-store`'s SQLite store (`--state PATH`, survives restarts).
pub trait Store: Send + Sync {
    /// The value stored under (namespace, key), if any.
    fn get(&self, namespace: &str, key: &str) -> Result<Option<Value>, String>;
    /// Store all `entries` under `namespace`, atomically.
    fn put(&self, namespace: &str, entries: Vec<(String, Value)>) -> Result<(), String>;

    /// Run `f` as one write transaction: the reads and writes it makes through the store it is
    /// given (not through `self`) happen at once or not at all, and no other transaction on the
    /// same state (another thread, or another process sharing the store) runs between them, so
    /// a read-modify-write inside loses no update. [`crate::Engine`] runs each batch's commit
    /// (every stateful component's update) as one transaction. An error from `f` abandons its
    /// writes where the store can (SQLite rolls back) and is returned.
    ///
    /// The default runs `f` on the store itself, with no isolation: right for a store that
    /// nothing else writes while it runs.
    fn transaction(
        &self,
        f: &mut dyn FnMut(&dyn Store) -> Result<(), String>,
    ) -> Result<(), String> {
        f(&Direct(self))
    }
}

/// A store seen through a reference: what the default [`Store::transaction`] hands its closure.
struct Direct<'a, S: ?Sized>(&'a S);

impl<S: Store + ?Sized> Store for Direct<'_, S> {
    fn get(&self, namespace: &str, key: &str) -> Result<Option<Value>, String> {
        self.0.get(namespace, key)
    }
    fn put(&self, namespace: &str, entries: Vec<(String, Value)>) -> Result<(), String> {
        self.0.put(namespace, entries)
    }
    fn transaction(
        &self,
        f: &mut dyn FnMut(&dyn Store) -> Result<(), String>,
    ) -> Result<(), String> {
        f(self)
    }
}

/// State in memory, for one process. Its transactions are serialised within the process.
#[derive(Default)]
pub struct MemoryStore {
    map: RwLock<HashMap<(String, String), Value>>,
    /// Held for the length of a [`Store::transaction`].
    writer: Mutex<()>,
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }
}

impl Store for MemoryStore {
    fn get(&self, namespace: &str, key: &str) -> Result<Option<Value>, String> {
        let map = self
            .map
            .read()
            .map_err(|_| "state store lock poisoned".to_string())?;
        Ok(map.get(&(namespace.to_string(), key.to_string())).cloned())
    }

    fn put(&self, namespace: &str, entries: Vec<(String, Value)>) -> Result<(), String> {
        let mut map = self
            .map
            .write()
            .map_err(|_| "state store lock poisoned".to_string())?;
        for (k, v) in entries {
            map.insert((namespace.to_string(), k), v);
        }
        Ok(())
    }

    fn transaction(
        &self,
        f: &mut dyn FnMut(&dyn Store) -> Result<(), String>,
    ) -> Result<(), String> {
        // A panic in an earlier transaction left no lock behind that matters: take it anyway.
        let _writer = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        f(self)
    }
}

/// A store that holds nothing: what rewards see outside an engine (documentation examples, unit
/// tests).
pub struct NullStore;

impl Store for NullStore {
    fn get(&self, _namespace: &str, _key: &str) -> Result<Option<Value>, String> {
        Ok(None)
    }
    fn put(&self, _namespace: &str, _entries: Vec<(String, Value)>) -> Result<(), String> {
        Ok(())
    }
}

/// A stable 64-bit FNV-1a hash as 16 hex digits: a short state key for a long text (a prompt).
pub fn text_key(text: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.as_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn memory_store_round_trip() {
        let s = MemoryStore::new();
        assert_eq!(s.get("a", "k").unwrap(), None);
        s.put(
            "a",
            vec![("k".into(), json!(3)), ("j".into(), json!({"x": 1}))],
        )
        .unwrap();
        assert_eq!(s.get("a", "k").unwrap(), Some(json!(3)));
        assert_eq!(s.get("b", "k").unwrap(), None);
    }

    #[test]
    fn memory_store_transactions_lose_no_update() {
        let s = std::sync::Arc::new(MemoryStore::new());
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let s = s.clone();
                std::thread::spawn(move || {
                    for _ in 0..100 {
                        s.transaction(&mut |tx| {
                            let n = tx.get("a", "n")?.and_then(|v| v.as_u64()).unwrap_or(0);
                            tx.put("a", vec![("n".into(), json!(n + 1))])
                        })
                        .unwrap();
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(s.get("a", "n").unwrap(), Some(json!(400)));
    }

    #[test]
    fn the_default_transaction_runs_on_the_store_itself() {
        let mut seen = None;
        NullStore
            .transaction(&mut |tx| {
                tx.put("a", vec![("k".into(), json!(1))])?;
                seen = Some(tx.get("a", "k")?);
                Ok(())
            })
            .unwrap();
        assert_eq!(seen, Some(None));
        assert_eq!(
            NullStore.transaction(&mut |_| Err("no".into())),
            Err("no".to_string())
        );
    }

    /// A store with the default transaction (like a front's own store that nothing else
    /// writes): what the closure reads and writes goes to the store.
    #[derive(Default)]
    struct Plain(Mutex<HashMap<(String, String), Value>>);

    impl Store for Plain {
        fn get(&self, namespace: &str, key: &str) -> Result<Option<Value>, String> {
            let map = self.0.lock().unwrap();
            Ok(map.get(&(namespace.to_string(), key.to_string())).cloned())
        }
        fn put(&self, namespace: &str, entries: Vec<(String, Value)>) -> Result<(), String> {
            let mut map = self.0.lock().unwrap();
            for (k, v) in entries {
                map.insert((namespace.to_string(), k), v);
            }
            Ok(())
        }
    }

    #[test]
    fn the_default_transaction_reads_and_writes_the_store() {
        let s = Plain::default();
        s.put("a", vec![("k".into(), json!(1))]).unwrap();
        let mut seen = Vec::new();
        s.transaction(&mut |tx| {
            seen.push(tx.get("a", "k")?);
            tx.put("a", vec![("k".into(), json!(2))])?;
            // A transaction inside one runs its closure on the same store.
            tx.transaction(&mut |inner| {
                seen.push(inner.get("a", "k")?);
                inner.put("a", vec![("j".into(), json!(3))])
            })
        })
        .unwrap();
        assert_eq!(seen, vec![Some(json!(1)), Some(json!(2))]);
        assert_eq!(s.get("a", "j").unwrap(), Some(json!(3)));
    }

    #[test]
    fn text_key_is_stable() {
        assert_eq!(text_key(""), "cbf29ce484222325");
        assert_eq!(text_key("a"), "af63dc4c8601ec8c");
    }
}
