//! The state of stateful reward mechanisms in a SQLite file (`--state PATH`): it survives
//! restarts, several processes can share it, and a copy of the file is a checkpoint.
//!
//! One table, `state(namespace, key, value)`, with `value` as JSON text. Each batch's commit is
//! one write transaction (`BEGIN IMMEDIATE` … `COMMIT`, [`Store::transaction`]), so a crash
//! leaves the state of the batch before or after, never half, and processes sharing the file
//! (several `plaudit serve` replicas on one host) take turns: no commit reads a value another is
//! about to overwrite. The file is in WAL mode: reads never wait for a writer. Every read goes
//! to the file (no values are kept in the process), so a replica sees the others' commits.
//!
//! The file must be on a local filesystem: SQLite's locks are not reliable over a network
//! filesystem (NFS, SMB), and WAL mode needs shared memory between the processes.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use plaudit_core::Store;
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::Value;

/// How long a commit waits for another process's (or connection's) write transaction on the
/// same file before it fails: far longer than a batch's commit takes, so replicas committing
/// at the same time wait for each other instead of failing.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

pub struct SqliteStore {
    conn: Mutex<Connection>,
    path: PathBuf,
    /// The connection's busy timeout, in ms (for messages).
    busy_ms: AtomicU64,
}

impl SqliteStore {
    /// Open (creating if needed) the store at `path`.
    pub fn open(path: &Path) -> Result<SqliteStore, String> {
        let conn = Connection::open(path)
            .map_err(|e| format!("cannot open state store {}: {e}", path.display()))?;
        conn.busy_timeout(BUSY_TIMEOUT)
            .map_err(|e| format!("cannot set up state store {}: {e}", path.display()))?;
        let setup = "PRAGMA journal_mode = WAL;
                     PRAGMA synchronous = NORMAL;
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
            path: path.to_path_buf(),
            busy_ms: AtomicU64::new(BUSY_TIMEOUT.as_millis() as u64),
        })
    }

    /// Wait at most `timeout` for another writer's transaction (default [`BUSY_TIMEOUT`]).
    pub fn set_busy_timeout(&self, timeout: Duration) -> Result<(), String> {
        self.lock()?
            .busy_timeout(timeout)
            .map_err(|e| format!("cannot set the busy timeout: {e}"))?;
        self.busy_ms
            .store(timeout.as_millis() as u64, Ordering::Relaxed);
        Ok(())
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

/// The value under (namespace, key).
fn read(conn: &Connection, namespace: &str, key: &str) -> Result<Option<Value>, String> {
    let text: Option<String> = conn
        .prepare_cached("SELECT value FROM state WHERE namespace = ?1 AND key = ?2")
        .and_then(|mut st| {
            st.query_row(params![namespace, key], |row| row.get(0))
                .optional()
        })
        .map_err(|e| format!("cannot read state: {e}"))?;
    text.map(|t| {
        serde_json::from_str(&t).map_err(|e| format!("corrupt state for {namespace}/{key}: {e}"))
    })
    .transpose()
}

/// Write `entries` under `namespace`, in the transaction `conn` is in.
fn write(conn: &Connection, namespace: &str, entries: Vec<(String, Value)>) -> Result<(), String> {
    let mut st = conn
        .prepare_cached(
            "INSERT INTO state (namespace, key, value) VALUES (?1, ?2, ?3)
             ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value",
        )
        .map_err(|e| format!("cannot write state: {e}"))?;
    for (k, v) in entries {
        st.execute(params![namespace, k, v.to_string()])
            .map_err(|e| format!("cannot write state: {e}"))?;
    }
    Ok(())
}

impl Store for SqliteStore {
    fn get(&self, namespace: &str, key: &str) -> Result<Option<Value>, String> {
        read(&*self.lock()?, namespace, key)
    }

    fn put(&self, namespace: &str, entries: Vec<(String, Value)>) -> Result<(), String> {
        let mut conn = self.lock()?;
        let tx = conn
            .transaction()
            .map_err(|e| format!("cannot write state: {e}"))?;
        write(&tx, namespace, entries)?;
        tx.commit().map_err(|e| format!("cannot write state: {e}"))
    }

    /// `BEGIN IMMEDIATE` (the file's write lock, waiting up to the busy timeout for another
    /// writer), `f`, then `COMMIT`; `ROLLBACK` if `f` fails or panics. The process's other
    /// threads wait for the connection meanwhile.
    fn transaction(
        &self,
        f: &mut dyn FnMut(&dyn Store) -> Result<(), String>,
    ) -> Result<(), String> {
        let mut conn = self.lock()?;
        if let Err(e) = conn.execute_batch("BEGIN IMMEDIATE") {
            let waited = self.busy_ms.load(Ordering::Relaxed);
            return Err(match e.sqlite_error_code() {
                Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
                    format!(
                        "cannot lock state store {} for writing: another process (or connection) held its write lock for over {} ms ({e}); is a replica stuck, or is the file on a network filesystem?",
                        self.path.display(),
                        waited
                    )
                }
                _ => format!(
                    "cannot begin a transaction on state store {}: {e}",
                    self.path.display()
                ),
            });
        }
        let tx = Tx {
            conn: Mutex::new(&mut *conn),
        };
        f(&tx)?;
        tx.commit()
            .map_err(|e| format!("cannot commit state to {}: {e}", self.path.display()))
    }
}

/// A write transaction open on the store's connection: the store [`SqliteStore::transaction`]
/// hands its closure. Dropped without [`Tx::commit`] (an error, a panic), it rolls back.
struct Tx<'a> {
    conn: Mutex<&'a mut Connection>,
}

impl<'a> Tx<'a> {
    fn lock(&self) -> Result<std::sync::MutexGuard<'_, &'a mut Connection>, String> {
        self.conn
            .lock()
            .map_err(|_| "state transaction lock poisoned".to_string())
    }

    /// `COMMIT`. On failure the transaction is still open: dropping `self` rolls it back.
    fn commit(mut self) -> Result<(), rusqlite::Error> {
        let conn = self.conn.get_mut().unwrap_or_else(|e| e.into_inner());
        conn.execute_batch("COMMIT")
    }
}

impl Drop for Tx<'_> {
    fn drop(&mut self) {
        let conn = self.conn.get_mut().unwrap_or_else(|e| e.into_inner());
        if !conn.is_autocommit() {
            let _ = conn.execute_batch("ROLLBACK");
        }
    }
}

impl Store for Tx<'_> {
    fn get(&self, namespace: &str, key: &str) -> Result<Option<Value>, String> {
        read(*self.lock()?, namespace, key)
    }

    fn put(&self, namespace: &str, entries: Vec<(String, Value)>) -> Result<(), String> {
        write(*self.lock()?, namespace, entries)
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
