//! SQL result F1: partial credit for overlapping results — the F1 of matched rows, of matched columns, or their mean.
//!
//! ## What it computes
//! Both queries run as in `sql_execution_match` (read-only, under the deadline and the caps).
//! - rows: the rows of the two results matched as multisets (pred's columns first aligned to
//!   gold's when a permutation of them holds the same values), precision = matched / pred rows,
//!   recall = matched / gold rows, F1 = 2PR / (P + R);
//! - columns: a predicted column matches a gold column when both hold the same multiset of
//!   values (each gold column at most once); F1 over columns likewise.
//!
//! Two empty results give 1.0. A predicted query that fails or exceeds a cap scores 0.0 (details:
//! `error`); no SQL is `no_answer`; a query that outlasts the deadline is `timeout`. Extra rows
//! and columns cost precision, so `SELECT *` against a two-column gold result finds the two
//! columns but cannot score 1.
//!
//! ## Why
//! "PaVeRL-SQL: Text-to-SQL via Partial-Match Rewards and Verbal Reinforcement Learning" rewards
//! partial matches of the execution result so that nearly-right queries get signal that binary
//! execution accuracy withholds; row and column overlap are the two natural partial matches of a
//! table (the abstract does not fix the formula: F1 is the choice here, inferred).
//!
//! ## Parameters
//! - `over` (rows | columns | mean; default `mean`): which F1 is returned (`mean` averages the two).
//! - `db_dir` (string; default empty): the directory of the databases; a relative `"db"` path
//!   resolves under it, and a reference may name its database by `"db_id"` (Spider's and BIRD's
//!   name: `db_dir/ID/ID.sqlite`, `db_dir/ID.sqlite` or `db_dir/ID.db`).
//! - `max_rows` (integer; default 10000): most rows a query may return.
//! - `max_bytes` (integer; default 16777216): most bytes of text and blobs a result may hold.
//!
//! ## Example
//! ```json
//! {"params": {"over": "rows"}, "sample": {"response": "SELECT name FROM singer WHERE age > 30", "reference": {"sql": "SELECT name FROM singer WHERE age > 32", "setup": "CREATE TABLE singer(id INT, name TEXT, age INT); INSERT INTO singer VALUES (1, 'Ann', 31), (2, 'Bo', 41), (3, 'Cy', 35);"}}, "value": 0.8}
//! {"params": {"over": "columns"}, "sample": {"response": "SELECT * FROM singer", "reference": {"sql": "SELECT name, age FROM singer", "setup": "CREATE TABLE singer(id INT, name TEXT, age INT); INSERT INTO singer VALUES (1, 'Ann', 31), (2, 'Bo', 41), (3, 'Cy', 35);"}}, "value": 0.8}
//! {"sample": {"response": "SELECT * FROM singer", "reference": {"sql": "SELECT name, age FROM singer", "setup": "CREATE TABLE singer(id INT, name TEXT, age INT); INSERT INTO singer VALUES (1, 'Ann', 31), (2, 'Bo', 41), (3, 'Cy', 35);"}}, "value": 0.4}
//! {"sample": {"response": "SELECT name FROM singer", "reference": {"sql": "SELECT name FROM singer", "setup": "CREATE TABLE singer(id INT, name TEXT, age INT); INSERT INTO singer VALUES (1, 'Ann', 31), (2, 'Bo', 41), (3, 'Cy', 35);"}}, "value": 1.0}
//! ```

use std::sync::Arc;

use plaudit_core::{Ctx, Kind, Outcome, ParamSpec, Params, Reward, RewardInfo, Sample, Score};
use plaudit_sql::{column_f1, row_f1, Caps};
use serde_json::json;

use super::queries::{caps, run_both, DB_DIR, MAX_BYTES, MAX_ROWS};

pub const INFO: RewardInfo = RewardInfo {
    name: "sql_result_f1",
    family: "sql",
    source: include_str!("sql_result_f1.rs"),
    params: PARAMS,
    build,
};

const PARAMS: &[ParamSpec] = &[
    ParamSpec::new(
        "over",
        Kind::Enum(&["rows", "columns", "mean"]),
        "\"mean\"",
        "which F1 is returned",
    ),
    MAX_ROWS,
    MAX_BYTES,
    DB_DIR,
];

struct ResultF1 {
    over: String,
    caps: Caps,
    db_dir: String,
}

fn build(p: &Params) -> Result<Arc<dyn Reward>, String> {
    Ok(Arc::new(ResultF1 {
        over: p.str("over").to_string(),
        caps: caps(p)?,
        db_dir: p.str("db_dir").to_string(),
    }))
}

impl Reward for ResultF1 {
    fn score(&self, sample: &Sample, cx: &Ctx) -> Outcome {
        let (gold, pred, sql) = run_both(sample, cx, self.caps, &self.db_dir)?;
        let pred = match pred {
            Ok(p) => p,
            Err(e) => {
                return Ok(Score::with_details(
                    0.0,
                    json!({"sql": sql, "error": e.to_string()}),
                ))
            }
        };
        let (gc, pc) = (gold.columns.len(), pred.columns.len());
        let rows = row_f1(&gold.rows, gc, &pred.rows, pc);
        let cols = column_f1(&gold.rows, gc, &pred.rows, pc);
        let v = match self.over.as_str() {
            "rows" => rows,
            "columns" => cols,
            _ => (rows + cols) / 2.0,
        };
        Ok(Score::with_details(
            v,
            json!({"sql": sql, "row_f1": rows, "column_f1": cols}),
        ))
    }
}
