//! Several handles (as several processes would) on one state file: each commit is one write
//! transaction, so read-modify-writes never lose an update.

use std::path::PathBuf;
use std::sync::{Arc, Barrier};
use std::time::Duration;

use plaudit_core::Store;
use plaudit_store::SqliteStore;
use serde_json::json;

/// A fresh state file in this test's own directory.
fn fresh(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("plaudit-store-shared-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", path.display()));
    }
    path
}

fn count(s: &dyn Store) -> u64 {
    s.get("r/c", "n")
        .unwrap()
        .map_or(0, |v| v["n"].as_u64().unwrap())
}

/// Read the counter, add one, write it back: the read-modify-write of a stateful reward.
fn increment(s: &dyn Store) -> Result<u64, String> {
    let n = count(s) + 1;
    s.put("r/c", vec![("n".into(), json!({"n": n}))])?;
    Ok(n)
}

#[test]
fn interleaved_transactions_on_two_handles_lose_no_update() {
    let path = fresh("interleaved.sqlite");
    let a = SqliteStore::open(&path).unwrap();
    let b = SqliteStore::open(&path).unwrap();
    b.set_busy_timeout(Duration::ZERO).unwrap();
    // The interleaving that loses an update without transactions: A reads, B reads, A writes,
    // B writes. Here B's transaction cannot start while A's is open, and what B reads outside
    // one is the state before A's commit.
    let mut b_refused = None;
    let mut b_saw_during = None;
    a.transaction(&mut |tx| {
        assert_eq!(count(tx), 0);
        b_refused = b.transaction(&mut |_| Ok(())).err();
        increment(tx)?;
        b_saw_during = Some(count(&b));
        Ok(())
    })
    .unwrap();
    let e = b_refused.expect("B's transaction waited for A's");
    let want = format!("cannot lock state store {} for writing: ", path.display());
    assert!(e.starts_with(&want), "{e}");
    assert_eq!(
        b_saw_during,
        Some(0),
        "A's write is invisible until it commits"
    );
    // After A's commit B reads A's value and adds to it.
    let mut b_read = None;
    b.transaction(&mut |tx| {
        b_read = Some(count(tx));
        increment(tx).map(drop)
    })
    .unwrap();
    assert_eq!(b_read, Some(1));
    assert_eq!(count(&a), 2);
    assert_eq!(count(&b), 2);
}

#[test]
fn a_failed_transaction_writes_nothing() {
    let path = fresh("rollback.sqlite");
    let a = SqliteStore::open(&path).unwrap();
    a.put("r/c", vec![("n".into(), json!({"n": 5}))]).unwrap();
    let e = a
        .transaction(&mut |tx| {
            increment(tx)?;
            tx.put("r/other", vec![("k".into(), json!(1))])?;
            Err("the second component failed".to_string())
        })
        .unwrap_err();
    assert_eq!(e, "the second component failed");
    let b = SqliteStore::open(&path).unwrap();
    assert_eq!(count(&b), 5);
    assert_eq!(b.get("r/other", "k").unwrap(), None);
    // The handle is usable afterwards, and its next transaction commits.
    a.transaction(&mut |tx| increment(tx).map(drop)).unwrap();
    assert_eq!(count(&b), 6);
}

#[test]
fn concurrent_transactions_from_several_handles_lose_no_update() {
    const HANDLES: usize = 4;
    const EACH: u64 = 50;
    let path = fresh("concurrent.sqlite");
    let stores: Vec<Arc<SqliteStore>> = (0..HANDLES)
        .map(|_| Arc::new(SqliteStore::open(&path).unwrap()))
        .collect();
    let start = Arc::new(Barrier::new(HANDLES));
    let threads: Vec<_> = stores
        .iter()
        .map(|s| {
            let (s, start) = (s.clone(), start.clone());
            std::thread::spawn(move || {
                start.wait();
                let mut seen = Vec::new();
                for _ in 0..EACH {
                    s.transaction(&mut |tx| {
                        seen.push(increment(tx)?);
                        Ok(())
                    })
                    .unwrap();
                }
                seen
            })
        })
        .collect();
    let mut all: Vec<u64> = threads
        .into_iter()
        .flat_map(|t| t.join().unwrap())
        .collect();
    // Every increment saw the one before it: the values written are 1..=200, each once.
    all.sort_unstable();
    let total = HANDLES as u64 * EACH;
    assert_eq!(all, (1..=total).collect::<Vec<_>>());
    assert_eq!(count(&*stores[0]), total);
    let fresh_handle = SqliteStore::open(&path).unwrap();
    assert_eq!(
        fresh_handle.get("r/c", "n").unwrap(),
        Some(json!({"n": total}))
    );
}
