//! The tokenizer, `orders_result` and `extract_sql` on the inputs their edge cases are about
//! (written against the survivors of a mutation run, docs/MUTANTS.md): exact token lists and
//! exact extractions.

use plaudit_sql::extract_sql;
use plaudit_sql::tokens::{orders_result, tokenize, Token};

fn texts(sql: &str) -> Vec<String> {
    tokenize(sql, 1000)
        .iter()
        .map(|t| t.text().to_string())
        .collect()
}

fn word(s: &str) -> Token {
    Token::Word(s.into())
}

fn punct(s: &str) -> Token {
    Token::Punct(s.into())
}

fn num(s: &str) -> Token {
    Token::Num(s.into())
}

#[test]
fn at_most_max_tokens() {
    assert_eq!(tokenize("a b c d", 2), [word("a"), word("b")]);
    assert_eq!(tokenize("a b c d", 0), []);
}

#[test]
fn minus_and_slash_are_operators_unless_they_start_a_comment() {
    assert_eq!(
        tokenize("x - 1 - y", 100),
        [word("x"), punct("-"), num("1"), punct("-"), word("y")]
    );
    assert_eq!(tokenize("a / b", 100), [word("a"), punct("/"), word("b")]);
    assert_eq!(texts("a -- note\n- b"), ["a", "-", "b"]);
}

#[test]
fn comments_are_dropped_wherever_they_end() {
    // A line comment at the very end, without a newline.
    assert_eq!(texts("SELECT 1 -- the count"), ["select", "1"]);
    // A block comment: what follows it, even without a space, is kept whole.
    assert_eq!(texts("SELECT /* c */x, y"), ["select", "x", ",", "y"]);
    assert_eq!(texts("a /* c */ b"), ["a", "b"]);
    assert_eq!(
        texts("SELECT /* a longer comment */count(*)"),
        ["select", "count", "(", "*", ")"]
    );
    // An unclosed block comment runs to the end.
    assert_eq!(texts("SELECT x /* unclosed"), ["select", "x"]);
}

#[test]
fn string_literals_keep_their_quotes_and_doubled_quotes() {
    assert_eq!(
        tokenize("s = 'it''s' AND y = 1", 100),
        [
            word("s"),
            punct("="),
            Token::Str("'it''s'".into()),
            word("and"),
            word("y"),
            punct("="),
            num("1"),
        ]
    );
    assert_eq!(
        tokenize("'abc''d' x", 100),
        [Token::Str("'abc''d'".into()), word("x")]
    );
    assert_eq!(
        tokenize("'a' = x", 100),
        [Token::Str("'a'".into()), punct("="), word("x")]
    );
    // Unterminated: the rest of the text is the literal.
    assert_eq!(
        tokenize("x = 'abc", 100),
        [word("x"), punct("="), Token::Str("'abc".into())]
    );
}

#[test]
fn quoted_identifiers_in_all_three_styles() {
    assert_eq!(
        tokenize("SELECT \"Full Name\", `Age`, [My Col] FROM t", 100),
        [
            word("select"),
            word("full name"),
            punct(","),
            word("age"),
            punct(","),
            word("my col"),
            word("from"),
            word("t"),
        ]
    );
    // Unterminated: the rest of the text is the identifier.
    assert_eq!(tokenize("SELECT \"abc", 100), [word("select"), word("abc")]);
    assert_eq!(tokenize("[abc", 100), [word("abc")]);
}

#[test]
fn numbers_and_dots() {
    assert_eq!(tokenize("SELECT .5", 100), [word("select"), num(".5")]);
    assert_eq!(
        tokenize("x=1.25", 100),
        [word("x"), punct("="), num("1.25")]
    );
    assert_eq!(tokenize("t.a", 100), [word("t"), punct("."), word("a")]);
    assert_eq!(tokenize("a<=1", 100), [word("a"), punct("<="), num("1")]);
}

#[test]
fn identifiers_with_underscores_dollars_and_non_ascii_letters() {
    assert_eq!(
        texts("SELECT first_name, a$b, _x, café, ñame FROM t"),
        [
            "select",
            "first_name",
            ",",
            "a$b",
            ",",
            "_x",
            ",",
            "café",
            ",",
            "ñame",
            "from",
            "t"
        ]
    );
}

#[test]
fn ordering_counts_parentheses_and_nothing_else() {
    // Punctuation other than parentheses does not change the depth.
    assert!(orders_result("select a from t where x = 1 order by a"));
    assert!(orders_result("select a, b from t order by a"));
    // Balanced parentheses before the ORDER BY: back at the top level.
    assert!(orders_result(
        "select a from (select a from t) x order by a"
    ));
    assert!(orders_result(
        "select count(*) from t group by a order by 1"
    ));
    // Inside parentheses: not the final result's order.
    assert!(!orders_result(
        "select a from t where a in (select a from u order by a)"
    ));
    assert!(!orders_result("select a from t"));
}

#[test]
fn the_query_after_the_thinking() {
    assert_eq!(extract_sql("<think>hmm</think>SELECT 1"), Some("SELECT 1"));
    assert_eq!(
        extract_sql("<think>which table?</think>\nSELECT name FROM singer;"),
        Some("SELECT name FROM singer")
    );
}

#[test]
fn fenced_blocks_sql_sqlite_and_unlabelled() {
    // An unlabelled block that starts like a query.
    assert_eq!(extract_sql("```\nSELECT 2\n```"), Some("SELECT 2"));
    // `sqlite` counts as SQL: it wins over a later unlabelled block.
    assert_eq!(
        extract_sql("```sqlite\nSELECT 1\n```\n```\nSELECT 2\n```"),
        Some("SELECT 1")
    );
    // A later block in another language does not replace the SQL block.
    assert_eq!(
        extract_sql("```sql\nSELECT 1\n```\n```text\nnot sql\n```"),
        Some("SELECT 1")
    );
    assert_eq!(
        extract_sql("```SQL\nSELECT 1\n```\n```python\nprint(1)\n```"),
        Some("SELECT 1")
    );
    // A response cut off inside a second block: the last complete block counts.
    assert_eq!(
        extract_sql("```\nSELECT a FROM t\n```\nOr, shorter:\n```\nSELECT"),
        Some("SELECT a FROM t")
    );
}
