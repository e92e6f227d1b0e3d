//! SQL execution match: 1 when the predicted query's result equals the gold query's result on the reference database, else 0.
//!
//! ## What it computes
//! The query is extracted from the response (the last ```` ```sql ```` block, an `<answer>` block,
//! the text after `SQL:` / `Answer:`, or a response that starts with SELECT/WITH). The reference
//! is `{"sql": gold, "db": path}` (a SQLite file, opened read-only) or
//! `{"sql": gold, "setup": "CREATE …; INSERT …;"}` (an in-memory database built from the setup
//! and cached per scoring thread across the samples that share it). Both queries run read-only:
//! an authorizer refuses anything but reads (writes, DDL, ATTACH, PRAGMA, extension loading),
//! under the sample's deadline (SQLite's progress handler stops a query that never ends: the
//! sample is `timeout`) and the caps `max_rows` / `max_bytes`. The reward is 1.0 when the
//! results have the same number of columns and the same rows as multisets — in order when the
//! gold query has a top-level ORDER BY (`ordered: auto`) — with numbers compared across SQLite's
//! types (1 = 1.0; reals at 12 significant digits). Extra columns never match: `SELECT *` does
//! not match a two-column gold result. Columns may come in another order than gold's unless
//! `column_order` is set.
//!
//! A predicted query that does not prepare (syntax, unknown names), is refused, or exceeds a cap
//! scores 0.0 with the reason in the details (`error`); no SQL in the response is `no_answer`; a
//! gold query that fails, a missing database or a failing setup is `invalid_input`.
//!
//! ## Why
//! Execution accuracy is the outcome reward of text-to-SQL RL ("Reasoning-SQL: Reinforcement
//! Learning with SQL Tailored Partial Rewards for Reasoning-Enhanced Text-to-SQL" uses it as the
//! main term beside its partial rewards; "PaVeRL-SQL: Text-to-SQL via Partial-Match Rewards and
//! Verbal Reinforcement Learning" builds on it). Comparing results, not strings, accepts every
//! correct query; the column count and multiset rules stop `SELECT *` or duplicated rows from
//! passing.
//!
//! ## Parameters
//! - `ordered` (auto | always | never; default `auto`): compare rows in order; `auto` when the
//!   gold query has a top-level ORDER BY.
//! - `column_order` (boolean; default false): columns must come in gold's order.
//! - `db_dir` (string; default empty): the directory of the databases; a relative `"db"` path
//!   resolves under it, and a reference may name its database by `"db_id"` (Spider's and BIRD's
//!   name: `db_dir/ID/ID.sqlite`, `db_dir/ID.sqlite` or `db_dir/ID.db`).
//! - `max_rows` (integer; default 10000): most rows a query may return.
//! - `max_bytes` (integer; default 16777216): most bytes of text and blobs a result may hold.
//!
//! ## Example
//! ```json
//! {"sample": {"response": "```sql\nSELECT name, age FROM singer WHERE age > 30\n```", "reference": {"sql": "SELECT name, age FROM singer WHERE age >= 31", "setup": "CREATE TABLE singer(id INT, name TEXT, age INT); INSERT INTO singer VALUES (1, 'Ann', 30), (2, 'Bo', 41), (3, 'Cy', 35);"}}, "value": 1.0}
//! {"sample": {"response": "SELECT * FROM singer WHERE age > 30", "reference": {"sql": "SELECT name, age FROM singer WHERE age >= 31", "setup": "CREATE TABLE singer(id INT, name TEXT, age INT); INSERT INTO singer VALUES (1, 'Ann', 30), (2, 'Bo', 41), (3, 'Cy', 35);"}}, "value": 0.0}
//! {"sample": {"response": "SELECT name FROM singer ORDER BY age", "reference": {"sql": "SELECT name FROM singer ORDER BY age DESC", "setup": "CREATE TABLE singer(id INT, name TEXT, age INT); INSERT INTO singer VALUES (1, 'Ann', 30), (2, 'Bo', 41), (3, 'Cy', 35);"}}, "value": 0.0}
//! {"sample": {"response": "SQL: SELECT avg(age) * 1.0 FROM singer WHERE id = 2", "reference": {"sql": "SELECT 41", "setup": "CREATE TABLE singer(id INT, name TEXT, age INT); INSERT INTO singer VALUES (1, 'Ann', 30), (2, 'Bo', 41), (3, 'Cy', 35);"}}, "value": 1.0}
//! {"sample": {"response": "I am not sure.", "reference": {"sql": "SELECT 1", "setup": ""}}, "status": "no_answer"}
//! ```

use std::sync::Arc;

use plaudit_core::{Ctx, Kind, Outcome, ParamSpec, Params, Reward, RewardInfo, Sample, Score};
use plaudit_sql::{results_match, tokens::orders_result, Caps};
use serde_json::json;

use super::queries::{caps, run_both, sql_failure, DB_DIR, MAX_BYTES, MAX_ROWS};

pub const INFO: RewardInfo = RewardInfo {
    name: "sql_execution_match",
    family: "sql",
    source: include_str!("sql_execution_match.rs"),
    params: PARAMS,
    build,
};

const PARAMS: &[ParamSpec] = &[
    ParamSpec::new(
        "ordered",
        Kind::Enum(&["auto", "always", "never"]),
        "\"auto\"",
        "compare rows in order (auto: when gold has ORDER BY)",
    ),
    ParamSpec::new(
        "column_order",
        Kind::Bool,
        "false",
        "columns must come in gold's order",
    ),
    MAX_ROWS,
    MAX_BYTES,
    DB_DIR,
];

struct ExecutionMatch {
    ordered: String,
    column_order: bool,
    caps: Caps,
    db_dir: String,
}

fn build(p: &Params) -> Result<Arc<dyn Reward>, String> {
    Ok(Arc::new(ExecutionMatch {
        ordered: p.str("ordered").to_string(),
        column_order: p.bool("column_order"),
        caps: caps(p)?,
        db_dir: p.str("db_dir").to_string(),
    }))
}

impl Reward for ExecutionMatch {
    fn score(&self, sample: &Sample, cx: &Ctx) -> Outcome {
        let (gold, pred, sql) = run_both(sample, cx, self.caps, &self.db_dir)?;
        let ordered = match self.ordered.as_str() {
            "always" => true,
            "never" => false,
            _ => orders_result(plaudit_sql::gold_sql(&sample.reference).map_err(sql_failure)?),
        };
        let pred = match pred {
            Ok(p) => p,
            Err(e) => {
                return Ok(Score::with_details(
                    0.0,
                    json!({"sql": sql, "error": e.to_string()}),
                ))
            }
        };
        let hit = results_match(
            &gold.rows,
            gold.columns.len(),
            &pred.rows,
            pred.columns.len(),
            ordered,
            !self.column_order,
        );
        Ok(Score::with_details(
            f64::from(u8::from(hit)),
            json!({
                "sql": sql,
                "ordered": ordered,
                "gold_shape": [gold.rows.len(), gold.columns.len()],
                "pred_shape": [pred.rows.len(), pred.columns.len()],
            }),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use plaudit_core::{Deadline, Status};
    use serde_json::{json, Value};
    use std::time::Duration;

    const SETUP: &str = "CREATE TABLE t(a INT, b TEXT, c REAL); INSERT INTO t VALUES (1, 'x', 1.5), (2, 'y', 2.0), (2, 'y', 2.0);";

    fn score_with(params: Value, response: &str, gold: &str, budget: Duration) -> Outcome {
        let p = Params::from_json(PARAMS, &params, &[]).unwrap();
        let d = Deadline::after(budget);
        build(&p).unwrap().score(
            &Sample::new(response, json!({"sql": gold, "setup": SETUP})),
            &Ctx::new(&d, &[]),
        )
    }

    fn score(response: &str, gold: &str) -> Outcome {
        score_with(json!({}), response, gold, Duration::from_secs(5))
    }

    #[test]
    fn select_star_does_not_match_two_columns() {
        assert_eq!(
            score("SELECT * FROM t", "SELECT a, b FROM t")
                .unwrap()
                .value,
            0.0
        );
        assert_eq!(
            score("SELECT a, b FROM t", "SELECT a, b FROM t")
                .unwrap()
                .value,
            1.0
        );
        // Swapped columns are the same answer unless column order is required.
        assert_eq!(
            score("SELECT b, a FROM t", "SELECT a, b FROM t")
                .unwrap()
                .value,
            1.0
        );
        assert_eq!(
            score_with(
                json!({"column_order": true}),
                "SELECT b, a FROM t",
                "SELECT a, b FROM t",
                Duration::from_secs(5)
            )
            .unwrap()
            .value,
            0.0
        );
    }

    #[test]
    fn duplicates_and_types() {
        // DISTINCT drops a duplicate row the gold keeps.
        assert_eq!(
            score("SELECT DISTINCT a FROM t", "SELECT a FROM t")
                .unwrap()
                .value,
            0.0
        );
        assert_eq!(
            score("SELECT CAST(a AS REAL) FROM t", "SELECT a FROM t")
                .unwrap()
                .value,
            1.0
        );
        assert_eq!(
            score("SELECT CAST(a AS TEXT) FROM t", "SELECT a FROM t")
                .unwrap()
                .value,
            0.0
        );
    }

    #[test]
    fn ordering_follows_gold() {
        let g = "SELECT a FROM t ORDER BY a DESC";
        assert_eq!(score("SELECT a FROM t ORDER BY a", g).unwrap().value, 0.0);
        assert_eq!(
            score("SELECT a FROM t ORDER BY a", "SELECT a FROM t")
                .unwrap()
                .value,
            1.0
        );
    }

    /// Spider-style questions over a database file (opened read-only by path).
    #[test]
    fn spider_style_queries_on_a_database_file() {
        let path =
            std::env::temp_dir().join(format!("plaudit-spider-{}.sqlite", std::process::id()));
        let _ = std::fs::remove_file(&path);
        make_db(&path);
        let db = path.to_string_lossy().to_string();
        let p = Params::from_json(PARAMS, &json!({}), &[]).unwrap();
        let r = build(&p).unwrap();
        let d = Deadline::after(Duration::from_secs(5));
        let score = |pred: &str, gold: &str| {
            r.score(
                &Sample::new(
                    format!("```sql\n{pred}\n```"),
                    json!({"sql": gold, "db": db}),
                ),
                &Ctx::new(&d, &[]),
            )
            .unwrap()
            .value
        };
        // Join with aliases vs. a subquery: same rows.
        assert_eq!(
            score(
                "SELECT T1.name FROM singer AS T1 JOIN singer_in_concert AS T2 ON T1.singer_id = T2.singer_id WHERE T2.concert_id = 1",
                "SELECT name FROM singer WHERE singer_id IN (SELECT singer_id FROM singer_in_concert WHERE concert_id = 1)"
            ),
            1.0
        );
        // GROUP BY / HAVING, columns in another order.
        assert_eq!(
            score(
                "SELECT count(*), country FROM singer GROUP BY country HAVING count(*) > 1",
                "SELECT country, count(*) FROM singer GROUP BY country HAVING count(*) >= 2"
            ),
            1.0
        );
        // EXCEPT vs NOT IN.
        assert_eq!(
            score(
                "SELECT name FROM singer EXCEPT SELECT T1.name FROM singer T1 JOIN singer_in_concert T2 ON T1.singer_id = T2.singer_id",
                "SELECT name FROM singer WHERE singer_id NOT IN (SELECT singer_id FROM singer_in_concert)"
            ),
            1.0
        );
        // ORDER BY … LIMIT: the top row must be the same row.
        let gold = "SELECT name FROM singer ORDER BY age DESC LIMIT 1";
        assert_eq!(
            score("SELECT name FROM singer ORDER BY age DESC LIMIT 1", gold),
            1.0
        );
        assert_eq!(
            score("SELECT name FROM singer ORDER BY age ASC LIMIT 1", gold),
            0.0
        );
        assert_eq!(score("SELECT name, max(age) FROM singer", gold), 0.0);
        // The file is untouched by a write attempt.
        assert_eq!(score("DELETE FROM singer", gold), 0.0);
        assert_eq!(
            score("SELECT name FROM singer ORDER BY age DESC LIMIT 1", gold),
            1.0
        );
        let _ = std::fs::remove_file(&path);
    }

    /// A small Spider-like concert database at `path`.
    fn make_db(path: &std::path::Path) {
        let c = rusqlite::Connection::open(path).unwrap();
        c.execute_batch(
            "CREATE TABLE singer(singer_id INT, name TEXT, country TEXT, age INT);
             INSERT INTO singer VALUES (1, 'Joe', 'US', 52), (2, 'Timbaland', 'US', 32), (3, 'Justin', 'FR', 29), (4, 'Rose', 'NL', 41);
             CREATE TABLE singer_in_concert(concert_id INT, singer_id INT);
             INSERT INTO singer_in_concert VALUES (1, 2), (1, 3), (2, 3);",
        )
        .unwrap();
    }

    #[test]
    fn bad_predictions_have_clear_outcomes() {
        let s = score("```sql\nSELEC a FROM t\n```", "SELECT a FROM t").unwrap();
        assert_eq!(s.value, 0.0);
        assert!(s.details.unwrap()["error"]
            .as_str()
            .unwrap()
            .contains("syntax error"));
        let s = score("```sql\nDELETE FROM t;\n```", "SELECT a FROM t").unwrap();
        assert_eq!(
            s.details.unwrap()["error"],
            "only reads may run, not Delete"
        );
        // The table is still whole.
        assert_eq!(
            score("SELECT a FROM t", "SELECT a FROM t").unwrap().value,
            1.0
        );
        let s = score(
            "SELECT randomblob(1000000) FROM t, t AS u, t AS v, t AS w",
            "SELECT a FROM t",
        )
        .unwrap();
        assert_eq!(
            s.details.unwrap()["error"],
            "the result is larger than 16777216 bytes"
        );
        let e = score_with(
            json!({}),
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c",
            "SELECT a FROM t",
            Duration::from_millis(150),
        )
        .unwrap_err();
        assert_eq!(e.status, Status::Timeout);
        let e = score("SELECT a FROM t", "SELECT nope FROM t").unwrap_err();
        assert_eq!(e.status, Status::InvalidInput);
        assert!(
            e.message
                .starts_with("the gold query failed: no such column: nope"),
            "{}",
            e.message
        );
    }
}
