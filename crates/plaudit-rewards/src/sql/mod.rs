//! Text-to-SQL on SQLite ([`plaudit_sql`]): execution match and the partial rewards of
//! Reasoning-SQL and PaVeRL-SQL (syntax, schema linking, n-gram similarity, row/column F1).

mod queries;

crate::rewards! {
    sql_execution_match,
    sql_syntax,
    sql_schema_linking,
    sql_ngram_similarity,
    sql_result_f1,
}
