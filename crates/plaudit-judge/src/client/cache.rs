//! The reply cache: a SQLite file of judge replies keyed by a hash of the request (model,
//! messages, sampling settings, extra fields; never the API key).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::Usage;

/// What the cache keeps of a reply.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct Stored {
    pub text: String,
    #[serde(default)]
    pub refusal: Option<String>,
    #[serde(default)]
    pub finish_reason: Option<String>,
    #[serde(default)]
    pub usage: Option<Usage>,
}

#[derive(Clone)]
pub(crate) struct Cache {
    conn: Arc<Mutex<Connection>>,
    pub(crate) path: PathBuf,
}

impl std::fmt::Debug for Cache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cache").field("path", &self.path).finish()
    }
}

impl Cache {
    pub(crate) fn open(path: &Path) -> Result<Cache, String> {
        let conn = Connection::open(path).map_err(|e| e.to_string())?;
        conn.busy_timeout(std::time::Duration::from_secs(10))
            .map_err(|e| e.to_string())?;
        // WAL so several processes (workers, a server) can share one file.
        let _: String = conn
            .query_row("PRAGMA journal_mode=WAL", [], |row| row.get(0))
            .map_err(|e| e.to_string())?;
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS judge_replies (
                 key TEXT PRIMARY KEY,
                 model TEXT NOT NULL,
                 reply TEXT NOT NULL,
                 created_unix INTEGER NOT NULL
             )",
        )
        .map_err(|e| e.to_string())?;
        Ok(Cache {
            conn: Arc::new(Mutex::new(conn)),
            path: path.to_path_buf(),
        })
    }

    /// The reply kept for `key`; `Err` when the file cannot be read (the call then goes out).
    pub(crate) async fn get(&self, key: &str) -> Result<Option<Stored>, String> {
        let conn = self.conn.clone();
        let key = key.to_string();
        tokio::task::spawn_blocking(move || {
            let conn = conn.lock().unwrap_or_else(|e| e.into_inner());
            let text: Option<String> = conn
                .query_row(
                    "SELECT reply FROM judge_replies WHERE key = ?1",
                    params![key],
                    |row| row.get(0),
                )
                .optional()
                .map_err(|e| e.to_string())?;
            match text {
                None => Ok(None),
                Some(text) => serde_json::from_str(&text)
                    .map(Some)
                    .map_err(|e| format!("unreadable cache entry: {e}")),
            }
        })
        .await
        .map_err(|e| e.to_string())?
    }

    pub(crate) async fn put(&self, key: &str, model: &str, stored: &Stored) -> Result<(), String> {
        let conn = self.conn.clone();
        let key = key.to_string();
        let model = model.to_string();
        let text = serde_json::to_string(stored).map_err(|e| e.to_string())?;
        tokio::task::spawn_blocking(move || {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or(0);
            let conn = conn.lock().unwrap_or_else(|e| e.into_inner());
            conn.execute(
                "INSERT OR REPLACE INTO judge_replies (key, model, reply, created_unix) VALUES (?1, ?2, ?3, ?4)",
                params![key, model, text, now],
            )
            .map(|_| ())
            .map_err(|e| e.to_string())
        })
        .await
        .map_err(|e| e.to_string())?
    }
}

/// The cache key of a request body: SHA-256 of its canonical JSON (keys sorted at every level),
/// so the order of `extra`'s fields does not matter. The body holds the model, the messages,
/// the sampling settings and the extra fields, and never the API key (a header).
pub(crate) fn cache_key(body: &Value) -> String {
    let mut canonical = String::from("plaudit-judge-cache-v1\n");
    write_canonical(body, &mut canonical);
    let digest = Sha256::digest(canonical.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(key.clone()).to_string());
                out.push(':');
                write_canonical(&map[key], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_key_ignores_field_order_and_sees_every_value() {
        let a = json!({"model": "m", "extra": {"x": 1, "y": [1, {"b": 2, "a": 1}]}});
        let b = json!({"extra": {"y": [1, {"a": 1, "b": 2}], "x": 1}, "model": "m"});
        assert_eq!(cache_key(&a), cache_key(&b));
        let c = json!({"model": "m", "extra": {"x": 1, "y": [{"b": 2, "a": 1}, 1]}});
        assert_ne!(cache_key(&a), cache_key(&c));
        assert_eq!(cache_key(&a).len(), 64);
    }
}
