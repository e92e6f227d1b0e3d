//! SQL verification on SQLite for Plaudit's SQL rewards: opening the reference's database
//! (a file, read-only, or an in-memory database built from setup statements and cached per
//! thread), running queries read-only under the sample's deadline and size caps, comparing
//! results, tokenising and extracting SQL.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use plaudit_deadline::{Deadline, Expired};
use rusqlite::hooks::{AuthAction, AuthContext, Authorization};
use rusqlite::limits::Limit;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};
use serde_json::Value;

pub mod compare;
pub mod extract;
pub mod tokens;

pub use compare::{column_f1, results_match, row_f1, Cell};
pub use extract::extract_sql;

/// The most databases each scoring thread keeps open (least recently used ones are closed).
pub const CACHE_PER_THREAD: usize = 32;
/// The most setup text (bytes) the databases one thread keeps were built from: a bound on the
/// memory of the in-memory databases.
pub const CACHE_SETUP_BYTES: usize = 128 << 20;
/// The longest setup script accepted (bytes).
pub const MAX_SETUP: usize = 64 << 20;

/// Caps on what one query may return.
#[derive(Clone, Copy, Debug)]
pub struct Caps {
    pub max_rows: usize,
    /// Total bytes of text and blob values (also the largest single value SQLite may build).
    pub max_bytes: usize,
}

impl Default for Caps {
    fn default() -> Self {
        Caps {
            max_rows: 10_000,
            max_bytes: 16 << 20,
        }
    }
}

/// A query's result.
#[derive(Clone, Debug, PartialEq)]
pub struct Rows {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// Why a query gave no result.
#[derive(Clone, Debug, PartialEq)]
pub enum QueryError {
    /// The sample's deadline passed while the query ran.
    Timeout,
    /// More rows or bytes than the caps allow.
    TooLarge(String),
    /// Not a read: refused by the authorizer.
    Refused(String),
    /// Syntax, unknown table or column, or a runtime error.
    Sql(String),
}

/// Why the reference's database could not be used: the verifier's own error, which a reward turns
/// into the sample's failure (`invalid_input`, `error`, `timeout`).
#[derive(Clone, Debug, PartialEq)]
pub enum SqlError {
    /// The reference is at fault: its shape, its database file (missing, outside the database
    /// directory, unreadable) or its `setup` statements (reported as `invalid_input`).
    Reference(String),
    /// The database could not be set up here (reported as `error`).
    Database(String),
    /// The sample's deadline passed while the database was built (reported as `timeout`).
    Timeout(Expired),
}

impl std::fmt::Display for SqlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SqlError::Reference(m) | SqlError::Database(m) => write!(f, "{m}"),
            SqlError::Timeout(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for SqlError {}

impl From<Expired> for SqlError {
    fn from(e: Expired) -> Self {
        SqlError::Timeout(e)
    }
}

impl std::fmt::Display for QueryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            QueryError::Timeout => write!(f, "the deadline passed while the query ran"),
            QueryError::TooLarge(m) | QueryError::Refused(m) | QueryError::Sql(m) => {
                write!(f, "{m}")
            }
        }
    }
}

#[derive(Default)]
struct Shared {
    /// Setup mode: everything but ATTACH/DETACH and extension loading is allowed.
    setup: bool,
    /// Tables (`t`) and columns (`t.c`) read by the statement being prepared.
    refs: BTreeSet<String>,
    /// What the authorizer refused, for the error message.
    refused: Option<String>,
}

/// How many gold results each cached database keeps (the rollouts of one prompt share a gold).
pub const GOLD_RESULTS_PER_DB: usize = 16;
/// Largest gold result kept (rows).
const GOLD_CACHE_ROWS: usize = 10_000;

/// An open database with its authorizer state.
pub struct Db {
    conn: Connection,
    shared: Arc<Mutex<Shared>>,
    /// Recent gold results by (query, caps), most recently used last.
    gold: Vec<((String, usize, usize), Rows)>,
}

fn authorize(shared: &Arc<Mutex<Shared>>, ctx: AuthContext<'_>) -> Authorization {
    let mut s = match shared.lock() {
        Ok(s) => s,
        Err(p) => p.into_inner(),
    };
    let refuse = |s: &mut Shared, what: String| {
        s.refused = Some(what);
        Authorization::Deny
    };
    match ctx.action {
        AuthAction::Attach { .. } | AuthAction::Detach { .. } => {
            refuse(&mut s, "ATTACH/DETACH is not allowed".into())
        }
        AuthAction::Function { function_name }
            if function_name.eq_ignore_ascii_case("load_extension") =>
        {
            refuse(&mut s, "load_extension is not allowed".into())
        }
        _ if s.setup => Authorization::Allow,
        AuthAction::Read {
            table_name,
            column_name,
        } => {
            let t = table_name.to_lowercase();
            if !column_name.is_empty() {
                s.refs.insert(format!("{t}.{}", column_name.to_lowercase()));
            }
            s.refs.insert(t);
            Authorization::Allow
        }
        AuthAction::Select | AuthAction::Function { .. } | AuthAction::Recursive => {
            Authorization::Allow
        }
        AuthAction::Pragma { pragma_name, .. } => refuse(
            &mut s,
            format!("PRAGMA {pragma_name} is not allowed (reads only)"),
        ),
        other => {
            // Name the action as SQL users know it (`Delete`, `Insert`, `CreateTable` …).
            let action = format!("{other:?}");
            let action = action
                .split([' ', '{', '('])
                .next()
                .unwrap_or("this statement")
                .to_string();
            refuse(&mut s, format!("only reads may run, not {action}"))
        }
    }
}

impl Db {
    fn new(conn: Connection, caps_bytes: usize) -> rusqlite::Result<Db> {
        let mut conn = conn;
        let shared = Arc::new(Mutex::new(Shared::default()));
        let s2 = shared.clone();
        conn.authorizer(Some(move |ctx: AuthContext<'_>| authorize(&s2, ctx)))?;
        conn.set_limit(
            Limit::SQLITE_LIMIT_LENGTH,
            i32::try_from(caps_bytes).unwrap_or(i32::MAX).max(1),
        )?;
        Ok(Db {
            conn,
            shared,
            gold: Vec::new(),
        })
    }

    fn state(&self) -> std::sync::MutexGuard<'_, Shared> {
        match self.shared.lock() {
            Ok(s) => s,
            Err(p) => p.into_inner(),
        }
    }

    fn arm(&mut self, deadline: &Deadline) {
        let d = *deadline;
        // Every 1000 virtual-machine steps: a few µs apart.
        let _ = self.conn.progress_handler(1000, Some(move || d.expired()));
    }

    fn sql_error(&self, e: rusqlite::Error, deadline: &Deadline) -> QueryError {
        if deadline.expired()
            || matches!(&e, rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::OperationInterrupted)
        {
            return QueryError::Timeout;
        }
        if let Some(r) = self.state().refused.take() {
            return QueryError::Refused(r);
        }
        let m = e.to_string();
        if m.contains("string or blob too big") {
            return QueryError::TooLarge(format!("a value is larger than the cap ({m})"));
        }
        QueryError::Sql(m)
    }

    /// Prepare `sql` (one statement, reads only) and return the tables and columns it reads.
    pub fn references(
        &mut self,
        sql: &str,
        deadline: &Deadline,
    ) -> Result<BTreeSet<String>, QueryError> {
        self.arm(deadline);
        {
            let mut s = self.state();
            s.refs.clear();
            s.refused = None;
        }
        let r = self.conn.prepare(sql).map(|_| ());
        match r {
            Ok(()) => Ok(std::mem::take(&mut self.state().refs)),
            Err(e) => Err(self.sql_error(e, deadline)),
        }
    }

    /// [`Db::run`] for a gold query: its result is remembered (a few per database, small ones
    /// only), so the rollouts of one prompt run their shared gold query once per thread.
    pub fn run_gold(
        &mut self,
        sql: &str,
        deadline: &Deadline,
        caps: Caps,
    ) -> Result<Rows, QueryError> {
        let key = (sql.to_string(), caps.max_rows, caps.max_bytes);
        if let Some(p) = self.gold.iter().position(|(k, _)| *k == key) {
            let hit = self.gold.remove(p);
            let rows = hit.1.clone();
            self.gold.push(hit);
            return Ok(rows);
        }
        let rows = self.run(sql, deadline, caps)?;
        if rows.rows.len() <= GOLD_CACHE_ROWS {
            self.gold.push((key, rows.clone()));
            if self.gold.len() > GOLD_RESULTS_PER_DB {
                self.gold.remove(0);
            }
        }
        Ok(rows)
    }

    /// Run `sql` (one statement, reads only) under the deadline and caps.
    pub fn run(&mut self, sql: &str, deadline: &Deadline, caps: Caps) -> Result<Rows, QueryError> {
        self.arm(deadline);
        {
            let mut s = self.state();
            s.refs.clear();
            s.refused = None;
        }
        let out = (|| {
            let mut stmt = self.conn.prepare(sql)?;
            let columns: Vec<String> = stmt.column_names().map(str::to_string).collect();
            let n = columns.len();
            let mut rows = Vec::new();
            let mut bytes = 0usize;
            let mut it = stmt.query([])?;
            while let Some(row) = it.next()? {
                if rows.len() >= caps.max_rows {
                    return Ok(Err(QueryError::TooLarge(format!(
                        "the result has more than {} rows",
                        caps.max_rows
                    ))));
                }
                let mut cells = Vec::with_capacity(n);
                for i in 0..n {
                    let c = match row.get_ref(i)? {
                        ValueRef::Null => Cell::Null,
                        ValueRef::Integer(v) => Cell::Int(v),
                        ValueRef::Real(v) => Cell::Real(v),
                        ValueRef::Text(t) => {
                            bytes += t.len();
                            Cell::Text(String::from_utf8_lossy(t).into_owned())
                        }
                        ValueRef::Blob(b) => {
                            bytes += b.len();
                            Cell::Blob(b.to_vec())
                        }
                    };
                    cells.push(c);
                }
                bytes += 8 * n;
                if bytes > caps.max_bytes {
                    return Ok(Err(QueryError::TooLarge(format!(
                        "the result is larger than {} bytes",
                        caps.max_bytes
                    ))));
                }
                rows.push(cells);
            }
            Ok(Ok(Rows { columns, rows }))
        })();
        match out {
            Ok(r) => r,
            Err(e) => Err(self.sql_error(e, deadline)),
        }
    }
}

enum Key {
    Path(String),
    Setup(String),
}

thread_local! {
    /// Most recently used last. Bounded by [`CACHE_PER_THREAD`].
    static CACHE: RefCell<Vec<(Key, Db)>> = const { RefCell::new(Vec::new()) };
}

/// The gold query of a reference `{"sql", "db" | "setup"}`.
pub fn gold_sql(reference: &Value) -> Result<&str, SqlError> {
    reference
        .get("sql")
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| {
            SqlError::Reference(
                "`reference` must be {\"sql\": gold query, \"db\": path} or {\"sql\": gold query, \"setup\": \"CREATE …; INSERT …;\"}".into())
        })
}

/// Which database files a process may open, set once by a front that serves untrusted clients
/// ([`restrict_database_files`]); without it, any file the reference names (the operator's own
/// data: the CLI, the Python package).
#[derive(Clone, Debug, PartialEq)]
pub enum FileAccess {
    /// Any file (the default).
    Any,
    /// Only files inside this directory (canonical: no symlinks, no `..`).
    Within(PathBuf),
    /// No files: only in-memory databases built from `setup`.
    Nothing,
}

static FILE_ACCESS: std::sync::OnceLock<FileAccess> = std::sync::OnceLock::new();

/// Confine every database file this process opens to `dir` (`Some`), or refuse files (`None`).
/// Set once, before scoring; a second call with a different setting is an error.
pub fn restrict_database_files(dir: Option<&Path>) -> Result<(), String> {
    let access = match dir {
        None => FileAccess::Nothing,
        Some(d) => {
            let c = d
                .canonicalize()
                .map_err(|e| format!("database directory {}: {e}", d.display()))?;
            if !c.is_dir() {
                return Err(format!(
                    "database directory {}: not a directory",
                    d.display()
                ));
            }
            FileAccess::Within(c)
        }
    };
    let set = FILE_ACCESS.get_or_init(|| access.clone());
    if *set == access {
        Ok(())
    } else {
        Err(format!(
            "database files are already restricted to {set:?} in this process"
        ))
    }
}

/// The process's [`FileAccess`].
pub fn file_access() -> FileAccess {
    FILE_ACCESS.get().cloned().unwrap_or(FileAccess::Any)
}

/// Resolve where the reference's database file is: a relative `"db"` path is taken under
/// `db_dir` (when given), and `"db_id"` (Spider's and BIRD's database name) names
/// `db_dir/ID/ID.sqlite`, `db_dir/ID.sqlite` or `db_dir/ID.db`, the first that exists. The
/// reference is returned as is when there is nothing to resolve.
///
/// The file must lie inside `db_dir` (when given) and inside the process's confinement
/// ([`restrict_database_files`], whose directory is also the base when `db_dir` is empty): the
/// path is canonicalised (symlinks and `..` resolved) before the check, and the reference
/// handed on names the canonical file.
pub fn resolve_db<'a>(reference: &'a Value, db_dir: &str) -> Result<Cow<'a, Value>, SqlError> {
    resolve_db_in(reference, db_dir, &file_access())
}

/// [`resolve_db`] under an explicit [`FileAccess`] (tests).
pub fn resolve_db_in<'a>(
    reference: &'a Value,
    db_dir: &str,
    access: &FileAccess,
) -> Result<Cow<'a, Value>, SqlError> {
    let with_db = |path: PathBuf| {
        let mut r = reference.clone();
        r["db"] = Value::String(path.to_string_lossy().into_owned());
        Cow::Owned(r)
    };
    let names_file = matches!(reference.get("db"), Some(Value::String(_)))
        || (reference.get("db_id").is_some() && reference.get("setup").is_none());
    if !names_file {
        return Ok(Cow::Borrowed(reference));
    }
    if *access == FileAccess::Nothing {
        return Err(SqlError::Reference(
            "`reference.db`/`db_id`: this server opens no database files (its operator can allow a directory with `plaudit serve --db-dir DIR`); send the database as `setup` statements".into()));
    }
    // The base of relative paths and ids: the spec's `db_dir`, else the confinement directory.
    let base: Option<PathBuf> = if !db_dir.is_empty() {
        Some(PathBuf::from(db_dir))
    } else if let FileAccess::Within(root) = access {
        Some(root.clone())
    } else {
        None
    };
    let candidate = if let Some(Value::String(p)) = reference.get("db") {
        let path = Path::new(p);
        match &base {
            Some(b) if !path.is_absolute() => b.join(path),
            _ => path.to_path_buf(),
        }
    } else {
        let id = reference["db_id"]
            .as_str()
            .filter(|s| !s.is_empty() && !s.contains(['/', '\\']) && *s != "." && *s != "..")
            .ok_or_else(|| {
                SqlError::Reference(
                    "`reference.db_id` must be a database name (no path separators)".into(),
                )
            })?;
        let Some(dir) = &base else {
            return Err(SqlError::Reference(
                "`reference.db_id` needs the reward's `db_dir` parameter (the directory of the databases)".into()));
        };
        let tried = [
            dir.join(id).join(format!("{id}.sqlite")),
            dir.join(format!("{id}.sqlite")),
            dir.join(format!("{id}.db")),
        ];
        match tried.iter().find(|p| p.is_file()) {
            Some(p) => p.clone(),
            None => {
                return Err(SqlError::Reference(format!(
                    "no database for db_id `{id}` under {} (looked for {id}/{id}.sqlite, {id}.sqlite, {id}.db)",
                    dir.display()
                )))
            }
        }
    };
    let shown = candidate.display().to_string();
    let real = candidate
        .canonicalize()
        .map_err(|_| SqlError::Reference(format!("`reference.db`: no database file at {shown}")))?;
    let mut roots: Vec<PathBuf> = Vec::new();
    if !db_dir.is_empty() {
        roots.push(
            Path::new(db_dir)
                .canonicalize()
                .map_err(|e| SqlError::Reference(format!("the reward's `db_dir` {db_dir}: {e}")))?,
        );
    }
    if let FileAccess::Within(root) = access {
        roots.push(root.clone());
    }
    if let Some(root) = roots.iter().find(|r| !real.starts_with(r)) {
        return Err(SqlError::Reference(format!(
            "`reference.db`: {shown} is outside the database directory {} (after resolving links and `..`)",
            root.display()
        )));
    }
    if !real.is_file() {
        return Err(SqlError::Reference(format!(
            "`reference.db`: no database file at {shown}"
        )));
    }
    Ok(with_db(real))
}

fn open(key: &Key, deadline: &Deadline, caps: Caps) -> Result<Db, SqlError> {
    match key {
        Key::Path(p) => {
            match file_access() {
                FileAccess::Any => {}
                FileAccess::Nothing => {
                    return Err(SqlError::Reference(
                        "`reference.db`: this process opens no database files".into(),
                    ))
                }
                FileAccess::Within(root) => {
                    if !Path::new(p)
                        .canonicalize()
                        .is_ok_and(|c| c.starts_with(&root))
                    {
                        return Err(SqlError::Reference(format!(
                            "`reference.db`: {p} is outside the database directory {}",
                            root.display()
                        )));
                    }
                }
            }
            if !std::path::Path::new(p).is_file() {
                return Err(SqlError::Reference(format!(
                    "`reference.db`: no database file at {p}"
                )));
            }
            let conn = Connection::open_with_flags(
                p,
                OpenFlags::SQLITE_OPEN_READ_ONLY
                    | OpenFlags::SQLITE_OPEN_NO_MUTEX
                    | OpenFlags::SQLITE_OPEN_NOFOLLOW,
            )
            .map_err(|e| SqlError::Reference(format!("`reference.db`: cannot open {p}: {e}")))?;
            Db::new(conn, caps.max_bytes)
                .map_err(|e| SqlError::Database(format!("setting up {p}: {e}")))
        }
        Key::Setup(text) => {
            let conn = Connection::open_in_memory()
                .map_err(|e| SqlError::Database(format!("in-memory database: {e}")))?;
            let mut db = Db::new(conn, usize::MAX >> 1)
                .map_err(|e| SqlError::Database(format!("in-memory database: {e}")))?;
            db.state().setup = true;
            db.arm(deadline);
            let r = db.conn.execute_batch(text);
            db.state().setup = false;
            if let Err(e) = r {
                return Err(match db.sql_error(e, deadline) {
                    QueryError::Timeout => SqlError::Timeout(deadline.timeout()),
                    other => SqlError::Reference(format!("`reference.setup` failed: {other}")),
                });
            }
            let _ = db.conn.set_limit(
                Limit::SQLITE_LIMIT_LENGTH,
                i32::try_from(caps.max_bytes).unwrap_or(i32::MAX).max(1),
            );
            Ok(db)
        }
    }
}

/// Run `f` with the reference's database: the file at `"db"` opened read-only, or an in-memory
/// database built from `"setup"`. Databases are cached per scoring thread (at most
/// [`CACHE_PER_THREAD`], least recently used dropped), so samples that share a database build it
/// once per thread. A database file is assumed not to change while the process runs (gold results
/// are remembered per database, see [`Db::run_gold`]).
pub fn with_db<T>(
    reference: &Value,
    deadline: &Deadline,
    caps: Caps,
    f: impl FnOnce(&mut Db) -> T,
) -> Result<T, SqlError> {
    let (is_path, text) = match (reference.get("db"), reference.get("setup")) {
        (Some(Value::String(p)), _) => (true, p.as_str()),
        (_, Some(Value::String(s))) if s.len() <= MAX_SETUP => (false, s.as_str()),
        (_, Some(Value::String(_))) => {
            return Err(SqlError::Reference(format!(
                "`reference.setup` is longer than {MAX_SETUP} bytes"
            )))
        }
        _ => {
            return Err(SqlError::Reference(
                "`reference` needs a database: \"db\": path to a SQLite file, \"db_id\" with the reward's `db_dir`, or \"setup\": \"CREATE …; INSERT …;\"".into()))
        }
    };
    let cached = CACHE.with(|c| {
        let mut c = c.borrow_mut();
        let pos = c.iter().position(|(k, _)| match k {
            Key::Path(p) => is_path && p == text,
            Key::Setup(s) => !is_path && s == text,
        })?;
        Some(c.remove(pos))
    });
    let (key, mut db) = match cached {
        Some(kd) => kd,
        None => {
            let key = if is_path {
                Key::Path(text.to_string())
            } else {
                Key::Setup(text.to_string())
            };
            let db = open(&key, deadline, caps)?;
            (key, db)
        }
    };
    let _ = db.conn.set_limit(
        Limit::SQLITE_LIMIT_LENGTH,
        i32::try_from(caps.max_bytes).unwrap_or(i32::MAX).max(1),
    );
    let out = f(&mut db);
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        c.push((key, db));
        let setup_bytes = |c: &Vec<(Key, Db)>| {
            c.iter()
                .map(|(k, _)| match k {
                    Key::Setup(s) => s.len(),
                    Key::Path(_) => 0,
                })
                .sum::<usize>()
        };
        while c.len() > CACHE_PER_THREAD || (c.len() > 1 && setup_bytes(&c) > CACHE_SETUP_BYTES) {
            c.remove(0);
        }
    });
    Ok(out)
}

/// How many databases this thread has cached (tests).
pub fn cached_here() -> usize {
    CACHE.with(|c| c.borrow().len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::time::Duration;

    const SETUP: &str = "CREATE TABLE singer(id INTEGER, name TEXT, age REAL); INSERT INTO singer VALUES (1, 'Ann', 30), (2, 'Bo', 41.5), (3, 'Cy', NULL);";

    fn run(sql: &str) -> Result<Rows, QueryError> {
        let d = Deadline::after(Duration::from_secs(5));
        with_db(
            &json!({"sql": "x", "setup": SETUP}),
            &d,
            Caps::default(),
            |db| db.run(sql, &d, Caps::default()),
        )
        .unwrap()
    }

    #[test]
    fn reads_run_and_writes_are_refused() {
        let r = run("SELECT name FROM singer WHERE age > 35").unwrap();
        assert_eq!(r.rows, vec![vec![Cell::Text("Bo".into())]]);
        for bad in [
            "DELETE FROM singer",
            "DROP TABLE singer",
            "INSERT INTO singer VALUES (4, 'D', 1)",
            "PRAGMA table_info(singer)",
            "ATTACH DATABASE '/tmp/x.db' AS x",
            "SELECT load_extension('/tmp/evil')",
            "CREATE TABLE t(x)",
        ] {
            let e = run(bad).unwrap_err();
            assert!(matches!(e, QueryError::Refused(_)), "{bad}: {e:?}");
        }
        // Still intact.
        assert_eq!(
            run("SELECT count(*) FROM singer").unwrap().rows,
            vec![vec![Cell::Int(3)]]
        );
        let e = run("SELECT 1; DELETE FROM singer").unwrap_err();
        assert!(matches!(e, QueryError::Refused(_)), "{e:?}");
        let e = run("SELECT 1; SELECT 2").unwrap_err();
        assert!(matches!(e, QueryError::Sql(_)), "{e:?}");
        assert!(matches!(
            run("SELEC name FROM singer"),
            Err(QueryError::Sql(_))
        ));
    }

    #[test]
    fn a_query_that_never_ends_times_out() {
        // The query never ends: returning at all, as `Timeout`, is the deadline's interrupt.
        let d = Deadline::after(Duration::from_millis(200));
        let e = with_db(&json!({"setup": SETUP}), &d, Caps::default(), |db| {
            db.run("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT max(x) FROM c", &d, Caps::default())
        })
        .unwrap()
        .unwrap_err();
        assert_eq!(e, QueryError::Timeout);
    }

    #[test]
    fn huge_results_hit_the_caps() {
        let e = run("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 20000) SELECT x FROM c").unwrap_err();
        assert_eq!(
            e,
            QueryError::TooLarge("the result has more than 10000 rows".into())
        );
        // One 100 MB value.
        let e = run("SELECT zeroblob(100000000)").unwrap_err();
        assert!(matches!(e, QueryError::TooLarge(_)), "{e:?}");
        // Many 1 MB values.
        let e = run("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 100) SELECT randomblob(1000000) FROM c").unwrap_err();
        assert_eq!(
            e,
            QueryError::TooLarge("the result is larger than 16777216 bytes".into())
        );
    }

    #[test]
    fn references_come_from_sqlite_itself() {
        let d = Deadline::none();
        let refs = with_db(&json!({"setup": SETUP}), &d, Caps::default(), |db| {
            db.references("SELECT s.name FROM singer AS s WHERE s.age > 3", &d)
        })
        .unwrap()
        .unwrap();
        let v: Vec<&str> = refs.iter().map(String::as_str).collect();
        assert_eq!(v, ["singer", "singer.age", "singer.name"]);
    }

    #[test]
    fn database_files_open_read_only() {
        let path =
            std::env::temp_dir().join(format!("plaudit-sql-test-{}.sqlite", std::process::id()));
        let _ = std::fs::remove_file(&path);
        {
            let c = Connection::open(&path).unwrap();
            c.execute_batch(SETUP).unwrap();
        }
        let p = path.to_string_lossy().to_string();
        let d = Deadline::none();
        let r = with_db(&json!({ "db": p }), &d, Caps::default(), |db| {
            (
                db.run("SELECT count(*) FROM singer", &d, Caps::default()),
                db.run("UPDATE singer SET age = 0", &d, Caps::default()),
                db.run_gold("SELECT name FROM singer ORDER BY id", &d, Caps::default()),
                db.run_gold("SELECT name FROM singer ORDER BY id", &d, Caps::default()),
            )
        })
        .unwrap();
        assert_eq!(r.0.unwrap().rows, vec![vec![Cell::Int(3)]]);
        assert!(matches!(r.1, Err(QueryError::Refused(_))));
        assert_eq!(r.2.unwrap(), r.3.unwrap());
        // Even with the authorizer out of the way, the connection cannot write.
        let c = Connection::open_with_flags(&path, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
        assert!(c.execute("DELETE FROM singer", []).is_err());
        let _ = std::fs::remove_file(&path);
    }

    #[test]
    fn db_ids_resolve_under_db_dir() {
        let dir = std::env::temp_dir().join(format!("plaudit-dbdir-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("concert")).unwrap();
        let file = dir.join("concert").join("concert.sqlite");
        Connection::open(&file)
            .unwrap()
            .execute_batch(SETUP)
            .unwrap();
        let d = dir.to_string_lossy().to_string();
        let by_id = json!({"sql": "x", "db_id": "concert"});
        let r = resolve_db(&by_id, &d).unwrap();
        assert_eq!(r["db"], json!(file.to_string_lossy()));
        let relative = json!({"sql": "x", "db": "concert/concert.sqlite"});
        let r = resolve_db(&relative, &d).unwrap();
        assert_eq!(r["db"], json!(file.to_string_lossy()));
        let e = resolve_db(&json!({"db_id": "../etc"}), &d).unwrap_err();
        assert!(e.to_string().contains("no path separators"), "{e}");
        let e = resolve_db(&json!({"db_id": "nope"}), &d).unwrap_err();
        assert!(
            e.to_string().starts_with("no database for db_id `nope`"),
            "{e}"
        );
        let e = resolve_db(&json!({"db_id": "concert"}), "").unwrap_err();
        assert!(e.to_string().contains("`db_dir`"), "{e}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn db_paths_cannot_leave_the_database_directory() {
        // A directory of databases beside a secret database (the server's own state file, say).
        let top = std::env::temp_dir().join(format!("plaudit-confine-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&top);
        let dbs = top.join("dbs");
        std::fs::create_dir_all(dbs.join("concert")).unwrap();
        let ok = dbs.join("concert").join("concert.sqlite");
        Connection::open(&ok).unwrap().execute_batch(SETUP).unwrap();
        let secret = top.join("state.sqlite");
        Connection::open(&secret)
            .unwrap()
            .execute_batch("CREATE TABLE state(k TEXT); INSERT INTO state VALUES ('s3cret');")
            .unwrap();
        std::os::unix::fs::symlink(&secret, dbs.join("link.sqlite")).unwrap();
        std::os::unix::fs::symlink(&top, dbs.join("up")).unwrap();
        let d = dbs.to_string_lossy().to_string();
        let within = FileAccess::Within(dbs.canonicalize().unwrap());
        let attacks = [
            json!({"sql": "x", "db": "../state.sqlite"}),
            json!({"sql": "x", "db": "concert/../../state.sqlite"}),
            json!({"sql": "x", "db": secret.to_string_lossy()}),
            json!({"sql": "x", "db": "link.sqlite"}),
            json!({"sql": "x", "db": "up/state.sqlite"}),
        ];
        // Confined by the spec's `db_dir`, by the process's directory, or both.
        for (db_dir, access) in [
            (d.as_str(), FileAccess::Any),
            ("", within.clone()),
            (d.as_str(), within.clone()),
        ] {
            for a in &attacks {
                let e = resolve_db_in(a, db_dir, &access).unwrap_err();
                assert!(matches!(e, SqlError::Reference(_)), "{e:?}");
                assert!(
                    e.to_string().contains("is outside the database directory"),
                    "{a} {access:?}: {e}"
                );
            }
            // Inside, by relative path and by id, resolves to the canonical file.
            let want = json!(ok.canonicalize().unwrap().to_string_lossy());
            for good in [
                json!({"sql": "x", "db": "concert/concert.sqlite"}),
                json!({"sql": "x", "db_id": "concert"}),
            ] {
                assert_eq!(resolve_db_in(&good, db_dir, &access).unwrap()["db"], want);
            }
        }
        // No files at all: refused whatever the path, `setup` still works.
        let e = resolve_db_in(
            &json!({"sql": "x", "db": ok.to_string_lossy()}),
            "",
            &FileAccess::Nothing,
        )
        .unwrap_err();
        assert!(e.to_string().contains("opens no database files"), "{e}");
        let setup = json!({"sql": "x", "setup": SETUP});
        assert_eq!(
            resolve_db_in(&setup, "", &FileAccess::Nothing).unwrap(),
            Cow::Borrowed(&setup)
        );
        let _ = std::fs::remove_dir_all(&top);
    }

    #[test]
    fn setup_cannot_write_files() {
        let target = std::env::temp_dir().join(format!("plaudit-vacuum-{}.db", std::process::id()));
        let _ = std::fs::remove_file(&target);
        let d = Deadline::none();
        let setup = format!("CREATE TABLE t(x); VACUUM INTO '{}';", target.display());
        let e = with_db(&json!({ "setup": setup }), &d, Caps::default(), |_| ()).unwrap_err();
        assert!(e.to_string().starts_with("`reference.setup` failed"), "{e}");
        assert!(!target.exists(), "VACUUM INTO wrote {}", target.display());
    }

    #[test]
    fn the_cache_is_bounded() {
        let d = Deadline::none();
        for i in 0..(CACHE_PER_THREAD + 5) {
            let setup = format!("CREATE TABLE t{i}(x);");
            with_db(&json!({ "setup": setup }), &d, Caps::default(), |_| ()).unwrap();
        }
        assert_eq!(cached_here(), CACHE_PER_THREAD);
    }

    #[test]
    fn bad_references() {
        let d = Deadline::none();
        let e = with_db(&json!({"sql": "SELECT 1"}), &d, Caps::default(), |_| ()).unwrap_err();
        assert!(matches!(e, SqlError::Reference(_)), "{e:?}");
        let e = with_db(
            &json!({"db": "/nonexistent/x.sqlite"}),
            &d,
            Caps::default(),
            |_| (),
        )
        .unwrap_err();
        assert!(e.to_string().contains("no database file"), "{e}");
        let e = with_db(
            &json!({"setup": "CREATE TABLE"}),
            &d,
            Caps::default(),
            |_| (),
        )
        .unwrap_err();
        assert!(e.to_string().starts_with("`reference.setup` failed"), "{e}");
        let e = with_db(
            &json!({"setup": "ATTACH '/tmp/a.db' AS a;"}),
            &d,
            Caps::default(),
            |_| (),
        )
        .unwrap_err();
        assert!(e.to_string().contains("ATTACH"), "{e}");
    }
}
