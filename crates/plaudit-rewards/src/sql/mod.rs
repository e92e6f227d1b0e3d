//! Text-to-SQL on SQLite ([`plaudit_sql`]): execution match and the partial rewards of
//! Reasoning-SQL and PaVeRL-SQL (syntax, schema linking, n-gram similarity, row/column F1).

mod queries;

pub mod sql_execution_match;
pub mod sql_ngram_similarity;
pub mod sql_result_f1;
pub mod sql_schema_linking;
pub mod sql_syntax;

crate::rewards! {
    sql_execution_match,
    sql_syntax,
    sql_schema_linking,
    sql_ngram_similarity,
    sql_result_f1,
}
