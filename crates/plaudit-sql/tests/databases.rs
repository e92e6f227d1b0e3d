//! Databases, queries, caps and caches through the public API (written against the survivors
//! of a mutation run, docs/MUTANTS.md): exact results, verdicts and messages. The process's file
//! confinement has its own test files (`confined_files.rs`, `no_database_files.rs`): it is set
//! once per process.

use std::borrow::Cow;
use std::path::PathBuf;
use std::time::Duration;

use plaudit_deadline::Deadline;
use plaudit_sql::{
    cached_here, gold_sql, resolve_db_in, with_db, Caps, Cell, FileAccess, QueryError, Rows,
    SqlError, GOLD_RESULTS_PER_DB, MAX_SETUP,
};
use rusqlite::Connection;
use serde_json::{json, Value};

const SETUP: &str = "CREATE TABLE singer(id INTEGER, name TEXT, age REAL); INSERT INTO singer VALUES (1, 'Ann', 30), (2, 'Bo', 41.5), (3, 'Cy', NULL);";

fn setup_ref() -> Value {
    json!({"sql": "SELECT 1", "setup": SETUP})
}

fn query(reference: &Value, sql: &str, caps: Caps) -> Result<Rows, QueryError> {
    let d = Deadline::none();
    with_db(reference, &d, Caps::default(), |db| db.run(sql, &d, caps)).unwrap()
}

/// A fresh directory under the system's temporary directory.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("plaudit-sql-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn database(path: &std::path::Path, sql: &str) {
    Connection::open(path).unwrap().execute_batch(sql).unwrap();
}

fn single(r: Rows) -> Cell {
    assert_eq!(r.rows.len(), 1, "{r:?}");
    r.rows[0][0].clone()
}

#[test]
fn the_gold_query_of_a_reference() {
    assert_eq!(gold_sql(&setup_ref()), Ok("SELECT 1"));
    assert_eq!(
        gold_sql(&json!({"sql": "  SELECT name FROM t ", "db": "x"})),
        Ok("  SELECT name FROM t ")
    );
    let shape = SqlError::Reference(
        "`reference` must be {\"sql\": gold query, \"db\": path} or {\"sql\": gold query, \"setup\": \"CREATE …; INSERT …;\"}".into(),
    );
    for bad in [
        json!({"sql": "  \n", "setup": SETUP}),
        json!({"sql": 3, "setup": SETUP}),
        json!({"setup": SETUP}),
    ] {
        assert_eq!(gold_sql(&bad), Err(shape.clone()), "{bad}");
    }
}

#[test]
fn pragmas_are_refused_by_name() {
    assert_eq!(
        query(&setup_ref(), "PRAGMA table_info(singer)", Caps::default()),
        Err(QueryError::Refused(
            "PRAGMA table_info is not allowed (reads only)".into()
        ))
    );
    assert_eq!(
        query(&setup_ref(), "DELETE FROM singer", Caps::default()),
        Err(QueryError::Refused("only reads may run, not Delete".into()))
    );
}

#[test]
fn once_the_deadline_has_passed_any_failure_is_a_timeout() {
    // A sample out of time gets `timeout`, not the query's own error.
    let expired = Deadline::after(Duration::ZERO);
    let r = with_db(&setup_ref(), &Deadline::none(), Caps::default(), |db| {
        (
            db.run("SELEC name FROM singer", &expired, Caps::default()),
            db.run("SELECT nope FROM singer", &expired, Caps::default()),
            db.run("SELEC name FROM singer", &Deadline::none(), Caps::default()),
        )
    })
    .unwrap();
    assert_eq!(r.0, Err(QueryError::Timeout));
    assert_eq!(r.1, Err(QueryError::Timeout));
    assert_eq!(
        r.2,
        Err(QueryError::Sql(
            "near \"SELEC\": syntax error in SELEC name FROM singer at offset 0".into()
        ))
    );
}

#[test]
fn the_byte_cap_counts_text_blobs_and_eight_bytes_a_cell() {
    // Per row: 3 bytes of text, 2 of blob, 2 cells of 8: 21 bytes; two rows: 42.
    let sql = "SELECT 'abc', x'0102' UNION ALL SELECT 'abc', x'0102'";
    let r = query(
        &setup_ref(),
        sql,
        Caps {
            max_rows: 10,
            max_bytes: 42,
        },
    )
    .unwrap();
    assert_eq!(
        r.rows,
        vec![vec![Cell::Text("abc".into()), Cell::Blob(vec![1, 2])]; 2]
    );
    assert_eq!(
        query(
            &setup_ref(),
            sql,
            Caps {
                max_rows: 10,
                max_bytes: 41
            }
        ),
        Err(QueryError::TooLarge(
            "the result is larger than 41 bytes".into()
        ))
    );
    // Numbers and NULLs count 8 bytes each.
    let sql = "SELECT 1, 2.5, NULL";
    assert_eq!(
        query(
            &setup_ref(),
            sql,
            Caps {
                max_rows: 10,
                max_bytes: 24
            }
        )
        .unwrap()
        .rows,
        vec![vec![Cell::Int(1), Cell::Real(2.5), Cell::Null]]
    );
    assert_eq!(
        query(
            &setup_ref(),
            sql,
            Caps {
                max_rows: 10,
                max_bytes: 23
            }
        ),
        Err(QueryError::TooLarge(
            "the result is larger than 23 bytes".into()
        ))
    );
}

#[test]
fn the_row_cap_is_exact() {
    let sql =
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 5) SELECT x FROM c";
    let caps = |max_rows| Caps {
        max_rows,
        max_bytes: 1 << 20,
    };
    assert_eq!(query(&setup_ref(), sql, caps(5)).unwrap().rows.len(), 5);
    assert_eq!(
        query(&setup_ref(), sql, caps(4)),
        Err(QueryError::TooLarge(
            "the result has more than 4 rows".into()
        ))
    );
}

#[test]
fn gold_results_are_remembered_per_query() {
    // `random()` tells a remembered result from a new run.
    let d = Deadline::none();
    let caps = Caps::default();
    let (a1, b1, a2, b2, fresh1, fresh2) = with_db(&setup_ref(), &d, caps, |db| {
        (
            db.run_gold("SELECT random() AS a", &d, caps).unwrap(),
            db.run_gold("SELECT random() AS b", &d, caps).unwrap(),
            db.run_gold("SELECT random() AS a", &d, caps).unwrap(),
            db.run_gold("SELECT random() AS b", &d, caps).unwrap(),
            db.run("SELECT random() AS a", &d, caps).unwrap(),
            db.run("SELECT random() AS a", &d, caps).unwrap(),
        )
    })
    .unwrap();
    assert_eq!(a1.columns, ["a"]);
    assert_eq!(b1.columns, ["b"]);
    assert_eq!(a1, a2);
    assert_eq!(b1, b2);
    assert_ne!(a1, b1);
    // Plain runs are not remembered.
    assert_ne!(fresh1, fresh2);
    assert_ne!(fresh1, a1);
}

#[test]
fn a_database_remembers_the_last_sixteen_gold_results() {
    let d = Deadline::none();
    let caps = Caps::default();
    let q = |i: usize| format!("SELECT random() AS q{i}");
    with_db(&setup_ref(), &d, caps, |db| {
        let mut gold = |i: usize| single(db.run_gold(&q(i), &d, caps).unwrap());
        let first: Vec<Cell> = (0..GOLD_RESULTS_PER_DB).map(&mut gold).collect();
        // All sixteen are remembered (asked again in the same order: each moves to the end).
        let again: Vec<Cell> = (0..GOLD_RESULTS_PER_DB).map(&mut gold).collect();
        assert_eq!(first, again);
        // A seventeenth pushes out the least recently used, query 0, and only it.
        let _ = gold(GOLD_RESULTS_PER_DB);
        let rest: Vec<Cell> = (1..GOLD_RESULTS_PER_DB).map(&mut gold).collect();
        assert_eq!(rest, first[1..]);
        assert_ne!(gold(0), first[0]);
    })
    .unwrap();
}

#[test]
fn only_gold_results_of_at_most_ten_thousand_rows_are_remembered() {
    let d = Deadline::none();
    let caps = Caps {
        max_rows: 20_000,
        max_bytes: 16 << 20,
    };
    let sql = |n: usize| {
        format!("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT {n}) SELECT random() FROM c")
    };
    let (small1, small2, big1, big2) = with_db(&setup_ref(), &d, caps, |db| {
        (
            db.run_gold(&sql(10_000), &d, caps).unwrap(),
            db.run_gold(&sql(10_000), &d, caps).unwrap(),
            db.run_gold(&sql(10_001), &d, caps).unwrap(),
            db.run_gold(&sql(10_001), &d, caps).unwrap(),
        )
    })
    .unwrap();
    assert_eq!(small1.rows.len(), 10_000);
    assert_eq!(small1, small2);
    assert_eq!(big1.rows.len(), 10_001);
    assert_ne!(big1, big2);
}

#[test]
fn each_database_file_is_its_own_cache_entry() {
    let dir = scratch("two-files");
    let a = dir.join("a.sqlite");
    let b = dir.join("b.sqlite");
    database(
        &a,
        "CREATE TABLE t(v TEXT); INSERT INTO t VALUES ('from a');",
    );
    database(
        &b,
        "CREATE TABLE t(v TEXT); INSERT INTO t VALUES ('from b');",
    );
    let v = |p: &PathBuf| {
        single(
            query(
                &json!({"db": p.to_string_lossy()}),
                "SELECT v FROM t",
                Caps::default(),
            )
            .unwrap(),
        )
    };
    assert_eq!(v(&a), Cell::Text("from a".into()));
    assert_eq!(v(&b), Cell::Text("from b".into()));
    assert_eq!(v(&a), Cell::Text("from a".into()));
    // A setup whose text is a cached file's path is not that file.
    let setup_named_like_a = json!({"setup": a.to_string_lossy()});
    let e = with_db(
        &setup_named_like_a,
        &Deadline::none(),
        Caps::default(),
        |_| (),
    )
    .unwrap_err();
    assert!(
        matches!(e, SqlError::Reference(ref m) if m.starts_with("`reference.setup` failed")),
        "{e:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_setup_database_is_built_once_per_thread() {
    let r = json!({"setup": "CREATE TABLE t(x); INSERT INTO t VALUES (random());"});
    let first = single(query(&r, "SELECT x FROM t", Caps::default()).unwrap());
    let again = single(query(&r, "SELECT x FROM t", Caps::default()).unwrap());
    assert_eq!(first, again);
}

#[test]
fn database_files_open_by_their_own_name_not_through_a_link() {
    let dir = scratch("nofollow");
    let real = dir.join("real.sqlite");
    database(&real, SETUP);
    let link = dir.join("link.sqlite");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    assert_eq!(
        single(
            query(
                &json!({"db": real.to_string_lossy()}),
                "SELECT count(*) FROM singer",
                Caps::default()
            )
            .unwrap()
        ),
        Cell::Int(3)
    );
    let e = with_db(
        &json!({"db": link.to_string_lossy()}),
        &Deadline::none(),
        Caps::default(),
        |_| (),
    )
    .unwrap_err();
    assert!(
        matches!(&e, SqlError::Reference(m) if m.starts_with(&format!("`reference.db`: cannot open {}: ", link.display()))),
        "{e:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn setup_beats_db_id() {
    // `setup` given: a `db_id` beside it names no file to resolve, whatever the access.
    let r = json!({"sql": "x", "db_id": "concert", "setup": SETUP});
    for access in [FileAccess::Any, FileAccess::Nothing] {
        assert_eq!(resolve_db_in(&r, "", &access), Ok(Cow::Borrowed(&r)));
    }
    let r = json!({"sql": "x", "setup": SETUP});
    assert_eq!(
        resolve_db_in(&r, "/nonexistent", &FileAccess::Any),
        Ok(Cow::Borrowed(&r))
    );
}

#[test]
fn an_absolute_db_path_inside_db_dir_resolves_to_the_canonical_file() {
    let dir = scratch("absolute");
    std::fs::create_dir_all(dir.join("dbs")).unwrap();
    let inside = dir.join("dbs").join("in.sqlite");
    database(&inside, SETUP);
    let dbs = dir.join("dbs").to_string_lossy().into_owned();
    let r = json!({"sql": "x", "db": inside.to_string_lossy()});
    assert_eq!(
        resolve_db_in(&r, &dbs, &FileAccess::Any).unwrap()["db"],
        json!(inside.canonicalize().unwrap().to_string_lossy())
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn setup_text_is_bounded_per_reference_and_per_thread() {
    let d = Deadline::none();
    // Exactly MAX_SETUP bytes: accepted; one more: refused with the reason.
    let padded = |head: &str, len: usize| format!("{head}{}", " ".repeat(len - head.len()));
    let too_long = json!({"setup": padded("CREATE TABLE c(x);", MAX_SETUP + 1)});
    assert_eq!(
        with_db(&too_long, &d, Caps::default(), |_| ()),
        Err(SqlError::Reference(format!(
            "`reference.setup` is longer than {MAX_SETUP} bytes"
        )))
    );
    assert_eq!(cached_here(), 0);
    // The cache keeps at most 128 MB of setup text: two setups of MAX_SETUP (64 MB) fit, a
    // third pushes out the least recently used.
    let a =
        json!({"setup": padded("CREATE TABLE a(x); INSERT INTO a VALUES (random());", MAX_SETUP)});
    let b =
        json!({"setup": padded("CREATE TABLE b(x); INSERT INTO b VALUES (random());", MAX_SETUP)});
    let c = json!({"setup": "CREATE TABLE c(x);"});
    let read = |r: &Value, sql: &str| single(query(r, sql, Caps::default()).unwrap());
    let a1 = read(&a, "SELECT x FROM a");
    assert_eq!(cached_here(), 1);
    let b1 = read(&b, "SELECT x FROM b");
    assert_eq!(cached_here(), 2);
    assert_eq!(read(&a, "SELECT x FROM a"), a1);
    read(&c, "SELECT count(*) FROM c");
    assert_eq!(cached_here(), 2);
    // `b` was the least recently used: it is built again.
    assert_ne!(read(&b, "SELECT x FROM b"), b1);
}
