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
        check_integrity(&conn, path)?;
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

/// Most problems `PRAGMA quick_check` reports in the error message.
const MAX_REPORTED: usize = 5;

/// `PRAGMA quick_check` (every page read, b-tree structure and records checked, indexes not
/// cross-checked; linear in the file's size): a damaged state file stops the program at start,
/// named, instead of failing every stateful sample later.
fn check_integrity(conn: &Connection, path: &Path) -> Result<(), String> {
    let bad = |what: String| {
        format!(
            "state store {} is damaged ({what}); restore it from a copy, or move it away to start afresh",
            path.display()
        )
    };
    let mut st = conn
        .prepare(&format!("PRAGMA quick_check({MAX_REPORTED})"))
        .map_err(|e| bad(format!("PRAGMA quick_check: {e}")))?;
    let lines: Vec<String> = st
        .query_map([], |row| row.get::<_, String>(0))
        .and_then(|rows| rows.collect())
        .map_err(|e| bad(format!("PRAGMA quick_check: {e}")))?;
    if lines.len() == 1 && lines[0] == "ok" {
        Ok(())
    } else {
        Err(bad(format!("PRAGMA quick_check: {}", lines.join("; "))))
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
    fn a_damaged_page_is_refused_at_open_naming_the_file() {
        use std::io::{Seek, SeekFrom, Write};
        let dir = std::env::temp_dir().join(format!("plaudit-store-bad-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("state.sqlite");
        let _ = std::fs::remove_file(&path);
        {
            let s = SqliteStore::open(&path).unwrap();
            let entries = (0..300)
                .map(|i| {
                    (
                        format!("prompt {i}"),
                        json!({"target": i, "pad": "x".repeat(400)}),
                    )
                })
                .collect();
            s.put("r/c", entries).unwrap();
        }
        // Closing the last connection checkpoints the WAL into the file: the pages are there.
        let len = std::fs::metadata(&path).unwrap().len();
        assert!(len >= 8 * 4096, "{len}");
        // Intact, it opens; with page 3 overwritten, it does not.
        SqliteStore::open(&path).unwrap();
        let mut f = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
        f.seek(SeekFrom::Start(2 * 4096)).unwrap();
        f.write_all(&[0xA5; 4096]).unwrap();
        drop(f);
        let e = SqliteStore::open(&path).err().unwrap();
        let want = format!(
            "state store {} is damaged (PRAGMA quick_check: ",
            path.display()
        );
        assert!(e.starts_with(&want), "{e}");
        assert!(
            e.ends_with("; restore it from a copy, or move it away to start afresh"),
            "{e}"
        );
        let _ = std::fs::remove_dir_all(&dir);
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
