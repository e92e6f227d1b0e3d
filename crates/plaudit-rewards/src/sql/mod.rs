//! Text-to-SQL on SQLite ([`plaudit_sql`]): execution match and the partial rewards of
//! Reasoning-SQL and PaVeRL-SQL (syntax, schema linking, n-gram similarity, row/column F1).

use plaudit_core::RewardInfo;

mod queries;

pub mod execution_match;
pub mod ngram_similarity;
pub mod result_f1;
pub mod schema_linking;
pub mod syntax;

pub fn all() -> Vec<RewardInfo> {
    vec![
        execution_match::INFO,
        syntax::INFO,
        schema_linking::INFO,
        ngram_similarity::INFO,
        result_f1::INFO,
    ]
}
