//! A process that opens no database files (`plaudit serve` without `--db-dir`): references
//! naming a file are refused when resolved and when opened, `setup` databases still work. The
//! setting is once per process: this file is its own test binary, with one test.

use plaudit_deadline::Deadline;
use plaudit_sql::{
    file_access, resolve_db, restrict_database_files, with_db, Caps, Cell, FileAccess, SqlError,
};
use rusqlite::Connection;
use serde_json::json;

#[test]
fn a_process_without_database_files_builds_setup_databases_only() {
    let path =
        std::env::temp_dir().join(format!("plaudit-sql-nofiles-{}.sqlite", std::process::id()));
    let _ = std::fs::remove_file(&path);
    Connection::open(&path)
        .unwrap()
        .execute_batch("CREATE TABLE t(v TEXT); INSERT INTO t VALUES ('x');")
        .unwrap();

    assert_eq!(restrict_database_files(None), Ok(()));
    assert_eq!(file_access(), FileAccess::Nothing);
    assert_eq!(restrict_database_files(None), Ok(()));
    assert_eq!(
        restrict_database_files(Some(&std::env::temp_dir())),
        Err("database files are already restricted to Nothing in this process".into())
    );

    let d = Deadline::none();
    let file = json!({"sql": "x", "db": path.to_string_lossy()});
    assert_eq!(
        with_db(&file, &d, Caps::default(), |_| ()),
        Err(SqlError::Reference(
            "`reference.db`: this process opens no database files".into()
        ))
    );
    let e = resolve_db(&file, "").unwrap_err();
    assert!(
        e.to_string()
            .contains("this server opens no database files"),
        "{e}"
    );
    let e = resolve_db(&json!({"sql": "x", "db_id": "concert"}), "/tmp").unwrap_err();
    assert!(
        e.to_string()
            .contains("this server opens no database files"),
        "{e}"
    );

    let setup = json!({"sql": "x", "setup": "CREATE TABLE t(v); INSERT INTO t VALUES (7);"});
    assert_eq!(
        with_db(&setup, &d, Caps::default(), |db| db
            .run("SELECT v FROM t", &d, Caps::default())
            .unwrap()
            .rows),
        Ok(vec![vec![Cell::Int(7)]])
    );
    let _ = std::fs::remove_file(&path);
}
