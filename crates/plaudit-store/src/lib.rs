//! The state of stateful reward mechanisms in a SQLite file (`--state PATH`): it survives
//! restarts, several processes can share it, and a copy of the file is a checkpoint.
//!
//! One table, `state(namespace, key, value)`, with `value` as JSON text. Each batch's update is
//! one transaction, so a crash leaves the state of the batch before or after, never half.

use std::path::Path;
use std::sync::Mutex;

use plaudit_core::Store;
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::Value;

pub struct SqliteStore {
    conn: Mutex<Connection>,
}

impl SqliteStore {
    /// Open (creating if needed) the store at `path`.
    pub fn open(path: &Path) -> Result<SqliteStore, String> {
        let conn = Connection::open(path)
            .map_err(|e| format!("cannot open state store {}: {e}", path.display()))?;
        let setup = "PRAGMA journal_mode = WAL;
                     PRAGMA synchronous = NORMAL;
                     PRAGMA busy_timeout = 5000;
                     CREATE TABLE IF NOT EXISTS state (
                         namespace TEXT NOT NULL,
                         key TEXT NOT NULL,
                         value TEXT NOT NULL,
                         PRIMARY KEY (namespace, key)
                     ) WITHOUT ROWID;";
        conn.execute_batch(setup)
            .map_err(|e| format!("cannot set up state store {}: {e}", path.display()))?;
        Ok(SqliteStore {
            conn: Mutex::new(conn),
        })
    }

    fn lock(&self) -> Result<std::sync::MutexGuard<'_, Connection>, String> {
        self.conn
            .lock()
            .map_err(|_| "state store lock poisoned".to_string())
    }
}

impl Store for SqliteStore {
    fn get(&self, namespace: &str, key: &str) -> Result<Option<Value>, String> {
        let conn = self.lock()?;
        let text: Option<String> = conn
            .prepare_cached("SELECT value FROM state WHERE namespace = ?1 AND key = ?2")
            .and_then(|mut st| {
                st.query_row(params![namespace, key], |row| row.get(0))
                    .optional()
            })
            .map_err(|e| format!("cannot read state: {e}"))?;
        text.map(|t| {
            serde_json::from_str(&t)
                .map_err(|e| format!("corrupt state for {namespace}/{key}: {e}"))
        })
        .transpose()
    }

    fn put(&self, namespace: &str, entries: Vec<(String, Value)>) -> Result<(), String> {
        let mut conn = self.lock()?;
        let tx = conn
            .transaction()
            .map_err(|e| format!("cannot write state: {e}"))?;
        {
            let mut st = tx
                .prepare_cached(
                    "INSERT INTO state (namespace, key, value) VALUES (?1, ?2, ?3)
                     ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value",
                )
                .map_err(|e| format!("cannot write state: {e}"))?;
            for (k, v) in entries {
                st.execute(params![namespace, k, v.to_string()])
                    .map_err(|e| format!("cannot write state: {e}"))?;
            }
        }
        tx.commit().map_err(|e| format!("cannot write state: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn survives_reopening() {
        let dir = std::env::temp_dir().join(format!("plaudit-store-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("state.sqlite");
        let _ = std::fs::remove_file(&path);
        {
            let s = SqliteStore::open(&path).unwrap();
            assert_eq!(s.get("r/c", "k").unwrap(), None);
            s.put(
                "r/c",
                vec![
                    ("k".into(), json!({"target": 120.5})),
                    ("j".into(), json!(1)),
                ],
            )
            .unwrap();
            s.put("r/c", vec![("j".into(), json!(2))]).unwrap();
        }
        let s = SqliteStore::open(&path).unwrap();
        assert_eq!(s.get("r/c", "k").unwrap(), Some(json!({"target": 120.5})));
        assert_eq!(s.get("r/c", "j").unwrap(), Some(json!(2)));
        assert_eq!(s.get("other", "k").unwrap(), None);
    }

    #[test]
    fn unopenable_path_names_it() {
        let e = SqliteStore::open(Path::new("/nonexistent-dir/x/state.sqlite"))
            .err()
            .unwrap();
        assert!(
            e.starts_with("cannot open state store /nonexistent-dir/x/state.sqlite: "),
            "{e}"
        );
    }
}
