//! A process confined to a directory of databases (`plaudit serve --db-dir DIR`): the setting
//! itself, and that files outside the directory are refused both when a reference is resolved
//! and when a file is opened. The confinement is set once per process: this file is its own
//! test binary, with one test.

use plaudit_deadline::Deadline;
use plaudit_sql::{
    file_access, resolve_db, restrict_database_files, with_db, Caps, Cell, FileAccess, SqlError,
};
use rusqlite::Connection;
use serde_json::json;

#[test]
fn a_confined_process_opens_only_files_inside_its_directory() {
    let top = std::env::temp_dir().join(format!("plaudit-sql-confined-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&top);
    let dbs = top.join("dbs");
    std::fs::create_dir_all(&dbs).unwrap();
    let inside = dbs.join("inside.sqlite");
    let outside = top.join("outside.sqlite");
    for (path, v) in [(&inside, "in"), (&outside, "out")] {
        Connection::open(path)
            .unwrap()
            .execute_batch(&format!(
                "CREATE TABLE t(v TEXT); INSERT INTO t VALUES ('{v}');"
            ))
            .unwrap();
    }
    let root = dbs.canonicalize().unwrap();

    // Not a directory, or no such directory: refused, nothing set.
    assert_eq!(
        restrict_database_files(Some(&inside)),
        Err(format!(
            "database directory {}: not a directory",
            inside.display()
        ))
    );
    let missing = top.join("missing");
    let e = restrict_database_files(Some(&missing)).unwrap_err();
    assert!(
        e.starts_with(&format!("database directory {}: ", missing.display())),
        "{e}"
    );
    assert_eq!(file_access(), FileAccess::Any);

    // Set once; the same setting again is fine, another one is an error.
    assert_eq!(restrict_database_files(Some(&dbs)), Ok(()));
    assert_eq!(file_access(), FileAccess::Within(root.clone()));
    assert_eq!(restrict_database_files(Some(&dbs)), Ok(()));
    let already = format!(
        "database files are already restricted to {:?} in this process",
        FileAccess::Within(root.clone())
    );
    assert_eq!(restrict_database_files(Some(&top)), Err(already.clone()));
    assert_eq!(restrict_database_files(None), Err(already));
    assert_eq!(file_access(), FileAccess::Within(root.clone()));

    // Opening: inside reads, outside is refused even when the reference was never resolved.
    let d = Deadline::none();
    let read = |path: &std::path::Path| {
        with_db(
            &json!({"db": path.to_string_lossy()}),
            &d,
            Caps::default(),
            |db| db.run("SELECT v FROM t", &d, Caps::default()).unwrap().rows,
        )
    };
    assert_eq!(read(&inside), Ok(vec![vec![Cell::Text("in".into())]]));
    assert_eq!(
        read(&outside),
        Err(SqlError::Reference(format!(
            "`reference.db`: {} is outside the database directory {}",
            outside.display(),
            root.display()
        )))
    );

    // Resolving: relative paths and ids are taken under the confinement directory.
    let relative = json!({"sql": "x", "db": "inside.sqlite"});
    assert_eq!(
        resolve_db(&relative, "").unwrap()["db"],
        json!(root.join("inside.sqlite").to_string_lossy())
    );
    let e = resolve_db(&json!({"sql": "x", "db": "../outside.sqlite"}), "").unwrap_err();
    assert!(
        e.to_string().contains("is outside the database directory"),
        "{e}"
    );
    let _ = std::fs::remove_dir_all(&top);
}
