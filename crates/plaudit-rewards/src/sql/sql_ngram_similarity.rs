//! SQL n-gram similarity: the Jaccard similarity of the n-grams of the normalised tokens of the predicted and the gold query.
//!
//! ## What it computes
//! Both queries are tokenised (comments and whitespace dropped; keywords and identifiers
//! lower-cased, quoted identifiers unquoted; string literals and numbers kept as written;
//! a trailing `;` removed). With G and P the sets of n-grams (n = `n`; a query shorter than n
//! tokens is one gram of all its tokens):
//! ```text
//! r = |G ∩ P| / |G ∪ P|
//! ```
//! It needs no database: the reference may be `{"sql": gold}` alone. No SQL in the response is
//! `no_answer`.
//!
//! ## Why
//! "Reasoning-SQL: Reinforcement Learning with SQL Tailored Partial Rewards for Reasoning-Enhanced
//! Text-to-SQL" adds an n-gram similarity reward between predicted and gold SQL as a cheap, dense
//! partial reward. It rewards resembling the gold query, so it is a shaping term to weight
//! lightly beside execution match (a different but correct query earns less here). n = 2
//! (bigrams) is the default (inferred).
//!
//! ## Parameters
//! - `n` (integer ≥ 1; default 2): the n-gram length.
//!
//! ## Example
//! ```json
//! {"sample": {"response": "select NAME from Singer", "reference": {"sql": "SELECT name FROM singer;"}}, "value": 1.0}
//! {"sample": {"response": "SELECT name FROM singer WHERE age > 30", "reference": {"sql": "SELECT name FROM singer"}}, "value": 0.42857142857142855}
//! {"params": {"n": 1}, "sample": {"response": "SELECT age FROM singer", "reference": {"sql": "SELECT name FROM singer"}}, "value": 0.6}
//! {"sample": {"response": "no idea", "reference": {"sql": "SELECT 1"}}, "status": "no_answer"}
//! ```

use std::collections::HashSet;
use std::sync::Arc;

use plaudit_core::{Ctx, Kind, Outcome, ParamSpec, Params, Reward, RewardInfo, Sample, Score};
use plaudit_sql::tokens::{tokenize, Token};
use serde_json::json;

use super::queries::{pred_sql, sql_failure};

pub const INFO: RewardInfo = RewardInfo {
    name: "sql_ngram_similarity",
    family: "sql",
    source: include_str!("sql_ngram_similarity.rs"),
    params: PARAMS,
    build,
};

const PARAMS: &[ParamSpec] = &[ParamSpec::new("n", Kind::Int, "2", "the n-gram length").min(1.0)];

/// Most tokens read from one query.
const MAX_TOKENS: usize = 100_000;

struct Ngram {
    n: usize,
}

fn build(p: &Params) -> Result<Arc<dyn Reward>, String> {
    let n = p.usize("n")?;
    Ok(Arc::new(Ngram { n }))
}

fn grams(sql: &str, n: usize) -> HashSet<Vec<Token>> {
    let mut t = tokenize(sql, MAX_TOKENS);
    while t.last().is_some_and(|x| *x == Token::Punct(";".into())) {
        t.pop();
    }
    if t.len() < n {
        return std::iter::once(t).filter(|t| !t.is_empty()).collect();
    }
    t.windows(n).map(<[Token]>::to_vec).collect()
}

/// The n-gram Jaccard similarity of two queries.
pub fn ngram_jaccard(a: &str, b: &str, n: usize) -> f64 {
    let (ga, gb) = (grams(a, n), grams(b, n));
    let union = ga.union(&gb).count();
    if union == 0 {
        return 1.0;
    }
    ga.intersection(&gb).count() as f64 / union as f64
}

impl Reward for Ngram {
    fn score(&self, sample: &Sample, _cx: &Ctx) -> Outcome {
        let gold = plaudit_sql::gold_sql(&sample.reference).map_err(sql_failure)?;
        let sql = pred_sql(sample)?;
        Ok(Score::with_details(
            ngram_jaccard(sql, gold, self.n),
            json!({ "sql": sql }),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_queries_and_literals() {
        assert_eq!(ngram_jaccard("SELECT 1", "select 1;", 3), 1.0);
        assert_eq!(ngram_jaccard("SELECT 'A'", "SELECT 'a'", 1), 1.0 / 3.0);
        assert_eq!(
            ngram_jaccard("SELECT \"Name\" FROM t", "select name from T", 2),
            1.0
        );
    }
}
