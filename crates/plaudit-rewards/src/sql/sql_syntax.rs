//! SQL syntax validity: 1 when the predicted query parses and prepares against the reference database as a read, else 0.
//!
//! ## What it computes
//! The query is extracted as in `sql_execution_match` and prepared by SQLite on the reference's
//! database (`"db"` or `"setup"`, as there): 1.0 when it parses, every table, column and function
//! it names exists, and the authorizer accepts it as a read; else 0.0 with SQLite's message in
//! the details. Nothing is executed, so the reward is cheap and cannot time out on a slow query.
//! No SQL in the response is `no_answer`.
//!
//! ## Why
//! "Reasoning-SQL: Reinforcement Learning with SQL Tailored Partial Rewards for Reasoning-Enhanced
//! Text-to-SQL" gives a syntax-check reward so that a wrong but well-formed, schema-valid query
//! earns more than one that does not run; a small weight in the spec keeps it from dominating
//! execution match.
//!
//! ## Parameters
//! - `db_dir` (string; default empty): the directory of the databases; a relative `"db"` path
//!   resolves under it, and a reference may name its database by `"db_id"` (Spider's and BIRD's
//!   name: `db_dir/ID/ID.sqlite`, `db_dir/ID.sqlite` or `db_dir/ID.db`).
//!
//! ## Example
//! ```json
//! {"sample": {"response": "SELECT name FROM singer WHERE age > 30", "reference": {"sql": "SELECT 1", "setup": "CREATE TABLE singer(name TEXT, age INT);"}}, "value": 1.0}
//! {"sample": {"response": "SELECT nme FROM singer", "reference": {"sql": "SELECT 1", "setup": "CREATE TABLE singer(name TEXT, age INT);"}}, "value": 0.0}
//! {"sample": {"response": "SELECT name FROM singer WHERE", "reference": {"sql": "SELECT 1", "setup": "CREATE TABLE singer(name TEXT, age INT);"}}, "value": 0.0}
//! {"sample": {"response": "DROP TABLE singer", "reference": {"sql": "SELECT 1", "setup": "CREATE TABLE singer(name TEXT, age INT);"}}, "status": "no_answer"}
//! ```

use std::sync::Arc;

use plaudit_core::{Ctx, Outcome, ParamSpec, Params, Reward, RewardInfo, Sample, Score};
use plaudit_sql::{Caps, QueryError};
use serde_json::json;

use super::queries::{pred_sql, sql_failure, DB_DIR};

pub const INFO: RewardInfo = RewardInfo {
    name: "sql_syntax",
    family: "sql",
    source: include_str!("sql_syntax.rs"),
    params: PARAMS,
    build,
};

const PARAMS: &[ParamSpec] = &[DB_DIR];

struct Syntax {
    db_dir: String,
}

fn build(p: &Params) -> Result<Arc<dyn Reward>, String> {
    Ok(Arc::new(Syntax {
        db_dir: p.str("db_dir").to_string(),
    }))
}

impl Reward for Syntax {
    fn score(&self, sample: &Sample, cx: &Ctx) -> Outcome {
        let sql = pred_sql(sample)?;
        let reference =
            plaudit_sql::resolve_db(&sample.reference, &self.db_dir).map_err(sql_failure)?;
        let r = plaudit_sql::with_db(&reference, cx.deadline, Caps::default(), |db| {
            db.references(sql, cx.deadline)
        })
        .map_err(sql_failure)?;
        match r {
            Ok(_) => Ok(Score::with_details(1.0, json!({ "sql": sql }))),
            Err(QueryError::Timeout) => Err(cx.deadline.timeout().into()),
            Err(e) => Ok(Score::with_details(
                0.0,
                json!({"sql": sql, "error": e.to_string()}),
            )),
        }
    }
}
