//! What the SQL rewards share: the host parameters (`max_rows`, `max_bytes`, `db_dir`), finding
//! the predicted query, and running the gold and the predicted query on the reference's database.

use plaudit_core::{Ctx, Failure, Kind, ParamSpec, Params, Sample};
use plaudit_sql::{Caps, QueryError, Rows, SqlError};

pub(crate) const MAX_ROWS: ParamSpec = ParamSpec::new(
    "max_rows",
    Kind::Int,
    "10000",
    "most rows a query may return",
)
.min(1.0)
.host();
pub(crate) const MAX_BYTES: ParamSpec = ParamSpec::new(
    "max_bytes",
    Kind::Int,
    "16777216",
    "most bytes of text and blobs a result may hold",
)
.min(1.0)
.host();

pub(crate) const DB_DIR: ParamSpec = ParamSpec::new(
    "db_dir",
    Kind::Str,
    "\"\"",
    "directory of the databases: relative `db` paths and `db_id` resolve under it",
)
.host();

pub(crate) fn caps(p: &Params) -> Result<Caps, String> {
    let max_rows = p.usize("max_rows")?;
    let max_bytes = p.usize("max_bytes")?;
    Ok(Caps {
        max_rows,
        max_bytes,
    })
}

/// The predicted query, or `no_answer`.
pub(crate) fn pred_sql(sample: &Sample) -> Result<&str, Failure> {
    plaudit_sql::extract_sql(&sample.response).ok_or_else(|| {
        Failure::no_answer(
            "no SQL found (a ```sql block, an <answer> block, text after `SQL:`/`Answer:`, or a response starting with SELECT/WITH)",
        )
    })
}

/// The verifier's error about the reference's database, as the sample's failure: a bad
/// reference is `invalid_input`, a database that cannot be set up `error`, time running out
/// `timeout` (with the deadline's message).
pub(crate) fn sql_failure(e: SqlError) -> Failure {
    match e {
        SqlError::Reference(m) => Failure::invalid_input(m),
        SqlError::Database(m) => Failure::error(m),
        SqlError::Timeout(e) => e.into(),
    }
}

/// The gold query's failure, as the sample's failure (the reference is at fault, or time ran out).
pub(crate) fn gold_failure(e: QueryError, cx: &Ctx) -> Failure {
    match e {
        QueryError::Timeout => cx.deadline.timeout().into(),
        other => Failure::invalid_input(format!("the gold query failed: {other}")),
    }
}

/// Run the gold and the predicted query on the reference's database. A predicted query that
/// fails (syntax, refused, too large) is `Ok(Err(..))`; one that runs out of time is a timeout.
pub(crate) fn run_both(
    sample: &Sample,
    cx: &Ctx,
    caps: Caps,
    db_dir: &str,
) -> Result<(Rows, Result<Rows, QueryError>, String), Failure> {
    let gold = plaudit_sql::gold_sql(&sample.reference).map_err(sql_failure)?;
    let pred = pred_sql(sample)?;
    let reference = plaudit_sql::resolve_db(&sample.reference, db_dir).map_err(sql_failure)?;
    let (g, p) = plaudit_sql::with_db(&reference, cx.deadline, caps, |db| {
        let g = db.run_gold(gold, cx.deadline, caps);
        let p = match &g {
            Ok(_) => Some(db.run(pred, cx.deadline, caps)),
            Err(_) => None,
        };
        (g, p)
    })
    .map_err(sql_failure)?;
    let g = g.map_err(|e| gold_failure(e, cx))?;
    let p = p.expect("ran after a gold success");
    if p == Err(QueryError::Timeout) {
        return Err(cx.deadline.timeout().into());
    }
    Ok((g, p, pred.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use plaudit_core::{Deadline, Status};
    use serde_json::json;

    #[test]
    fn sql_errors_become_sample_failures() {
        let d = Deadline::none();
        let bad = |reference: serde_json::Value| {
            plaudit_sql::with_db(&reference, &d, Caps::default(), |_| ())
                .map_err(sql_failure)
                .unwrap_err()
        };
        let f = bad(json!({"sql": "SELECT 1"}));
        assert_eq!(f.status, Status::InvalidInput);
        assert!(
            f.message.starts_with("`reference` needs a database"),
            "{}",
            f.message
        );
        let f = bad(json!({"sql": "SELECT 1", "setup": "CREATE TABLE"}));
        assert_eq!(f.status, Status::InvalidInput);
        assert!(
            f.message.starts_with("`reference.setup` failed"),
            "{}",
            f.message
        );
        let f = plaudit_sql::gold_sql(&json!({"setup": ""}))
            .map_err(sql_failure)
            .unwrap_err();
        assert_eq!(f.status, Status::InvalidInput);
        let f = plaudit_sql::resolve_db(&json!({"sql": "x", "db_id": "a/b"}), "")
            .map_err(sql_failure)
            .unwrap_err();
        assert_eq!(
            (f.status, f.message.as_str()),
            (
                Status::InvalidInput,
                "`reference.db_id` must be a database name (no path separators)"
            )
        );
        let f = sql_failure(SqlError::Database(
            "in-memory database: out of memory".into(),
        ));
        assert_eq!(
            (f.status, f.message.as_str()),
            (Status::Error, "in-memory database: out of memory")
        );
        let expired = Deadline::after(std::time::Duration::ZERO).timeout();
        let f = sql_failure(SqlError::Timeout(expired));
        assert_eq!(
            (f.status, f.message),
            (Status::Timeout, expired.to_string())
        );
    }
}
