//! SQL schema linking: the Jaccard similarity of the tables and columns the predicted and the gold query read.
//!
//! ## What it computes
//! Both queries are prepared (not run) on the reference's database; SQLite's authorizer reports
//! every table and column each statement reads, with aliases resolved and names as the schema
//! spells them (`SELECT *` reads every column of its tables). With S_g and S_p the sets of
//! `table` and `table.column` items:
//! ```text
//! r = |S_g ∩ S_p| / |S_g ∪ S_p|      (1 when both are empty)
//! ```
//! A predicted query that does not prepare scores 0.0 (details: `error`); no SQL is `no_answer`;
//! a gold query that does not prepare is `invalid_input`.
//!
//! ## Why
//! "Reasoning-SQL: Reinforcement Learning with SQL Tailored Partial Rewards for Reasoning-Enhanced
//! Text-to-SQL" rewards schema linking — choosing the right tables and columns — with this Jaccard
//! term, a denser signal than execution alone. Reading the references from SQLite's own name
//! resolution avoids guessing what an alias or an unqualified column means. Reading every column
//! makes `SELECT *` pay in this reward too.
//!
//! ## Parameters
//! - `db_dir` (string; default empty): the directory of the databases; a relative `"db"` path
//!   resolves under it, and a reference may name its database by `"db_id"` (Spider's and BIRD's
//!   name: `db_dir/ID/ID.sqlite`, `db_dir/ID.sqlite` or `db_dir/ID.db`).
//!
//! ## Example
//! ```json
//! {"sample": {"response": "SELECT s.name FROM singer AS s WHERE s.age > 30", "reference": {"sql": "SELECT name FROM singer WHERE age > 30", "setup": "CREATE TABLE singer(id INT, name TEXT, age INT); CREATE TABLE concert(id INT, singer_id INT);"}}, "value": 1.0}
//! {"sample": {"response": "SELECT name FROM singer", "reference": {"sql": "SELECT name FROM singer WHERE age > 30", "setup": "CREATE TABLE singer(id INT, name TEXT, age INT); CREATE TABLE concert(id INT, singer_id INT);"}}, "value": 0.6666666666666666}
//! {"sample": {"response": "SELECT * FROM singer", "reference": {"sql": "SELECT name FROM singer", "setup": "CREATE TABLE singer(id INT, name TEXT, age INT); CREATE TABLE concert(id INT, singer_id INT);"}}, "value": 0.5}
//! {"sample": {"response": "SELECT name FROM singers", "reference": {"sql": "SELECT name FROM singer", "setup": "CREATE TABLE singer(id INT, name TEXT, age INT);"}}, "value": 0.0}
//! ```

use std::sync::Arc;

use plaudit_core::{Ctx, Outcome, ParamSpec, Params, Reward, RewardInfo, Sample, Score};
use plaudit_sql::{Caps, QueryError};
use serde_json::json;

use super::queries::{gold_failure, pred_sql, sql_failure, DB_DIR};

pub const INFO: RewardInfo = RewardInfo {
    name: "sql_schema_linking",
    family: "sql",
    source: include_str!("sql_schema_linking.rs"),
    params: PARAMS,
    build,
};

const PARAMS: &[ParamSpec] = &[DB_DIR];

struct SchemaLinking {
    db_dir: String,
}

fn build(p: &Params) -> Result<Arc<dyn Reward>, String> {
    Ok(Arc::new(SchemaLinking {
        db_dir: p.str("db_dir").to_string(),
    }))
}

impl Reward for SchemaLinking {
    fn score(&self, sample: &Sample, cx: &Ctx) -> Outcome {
        let gold = plaudit_sql::gold_sql(&sample.reference).map_err(sql_failure)?;
        let sql = pred_sql(sample)?;
        let reference =
            plaudit_sql::resolve_db(&sample.reference, &self.db_dir).map_err(sql_failure)?;
        let (g, p) = plaudit_sql::with_db(&reference, cx.deadline, Caps::default(), |db| {
            (
                db.references(gold, cx.deadline),
                db.references(sql, cx.deadline),
            )
        })
        .map_err(sql_failure)?;
        let g = g.map_err(|e| gold_failure(e, cx))?;
        let p = match p {
            Ok(p) => p,
            Err(QueryError::Timeout) => return Err(cx.deadline.timeout().into()),
            Err(e) => {
                return Ok(Score::with_details(
                    0.0,
                    json!({"sql": sql, "error": e.to_string()}),
                ))
            }
        };
        let inter = g.intersection(&p).count();
        let union = g.union(&p).count();
        let v = if union == 0 {
            1.0
        } else {
            inter as f64 / union as f64
        };
        Ok(Score::with_details(
            v,
            json!({"sql": sql, "gold": g, "pred": p}),
        ))
    }
}
