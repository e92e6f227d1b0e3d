//! A small SQL tokenizer: enough to normalise queries for n-gram similarity and to see whether a
//! query orders its result. It never fails: unknown bytes become one-character tokens.

/// One normalised token.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Token {
    /// A keyword or identifier, lower-cased (quoted identifiers unquoted).
    Word(String),
    /// A string literal, with its quotes, as written.
    Str(String),
    /// A number, as written (leading zeros and a trailing `.0` kept).
    Num(String),
    /// An operator or punctuation.
    Punct(String),
}

impl Token {
    pub fn text(&self) -> &str {
        match self {
            Token::Word(s) | Token::Str(s) | Token::Num(s) | Token::Punct(s) => s,
        }
    }
}

/// The tokens of `sql`, comments and whitespace dropped. At most `max` tokens.
pub fn tokenize(sql: &str, max: usize) -> Vec<Token> {
    let b = sql.as_bytes();
    let mut i = 0;
    let mut out = Vec::new();
    while i < b.len() && out.len() < max {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
        } else if c == b'-' && b.get(i + 1) == Some(&b'-') {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if c == b'/' && b.get(i + 1) == Some(&b'*') {
            i = sql[i + 2..].find("*/").map_or(b.len(), |p| i + 2 + p + 2);
        } else if c == b'\'' {
            let start = i;
            i += 1;
            while i < b.len() {
                if b[i] == b'\'' {
                    if b.get(i + 1) == Some(&b'\'') {
                        i += 2;
                        continue;
                    }
                    i += 1;
                    break;
                }
                i += 1;
            }
            out.push(Token::Str(sql[start..i.min(b.len())].to_string()));
        } else if c == b'"' || c == b'`' || c == b'[' {
            let close = if c == b'[' { b']' } else { c };
            let start = i + 1;
            i += 1;
            while i < b.len() && b[i] != close {
                i += 1;
            }
            out.push(Token::Word(sql[start..i.min(b.len())].to_lowercase()));
            i += 1;
        } else if c.is_ascii_digit() || (c == b'.' && b.get(i + 1).is_some_and(u8::is_ascii_digit))
        {
            let start = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'.') {
                i += 1;
            }
            out.push(Token::Num(sql[start..i].to_string()));
        } else if c.is_ascii_alphabetic() || c == b'_' || c >= 0x80 {
            let start = i;
            while i < b.len()
                && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'$' || b[i] >= 0x80)
            {
                i += 1;
            }
            out.push(Token::Word(sql[start..i].to_lowercase()));
        } else {
            let two = sql.get(i..i + 2).unwrap_or("");
            let len = if matches!(two, "<=" | ">=" | "<>" | "!=" | "||" | "==" | "<<" | ">>") {
                2
            } else {
                1
            };
            out.push(Token::Punct(sql[i..i + len].to_string()));
            i += len;
        }
    }
    out
}

/// Does the query order its final result (an `ORDER BY` outside any parentheses)?
pub fn orders_result(sql: &str) -> bool {
    let toks = tokenize(sql, 100_000);
    let mut depth = 0i32;
    for w in toks.windows(2) {
        match &w[0] {
            Token::Punct(p) if p == "(" => depth += 1,
            Token::Punct(p) if p == ")" => depth -= 1,
            Token::Word(a) if depth == 0 && a == "order" && w[1] == Token::Word("by".into()) => {
                return true
            }
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens() {
        let t: Vec<String> = tokenize(
            "SELECT \"Name\", count(*) FROM t -- c\nWHERE x >= 1.5 AND s = 'it''s'",
            100,
        )
        .iter()
        .map(|t| t.text().to_string())
        .collect();
        assert_eq!(
            t,
            [
                "select", "name", ",", "count", "(", "*", ")", "from", "t", "where", "x", ">=",
                "1.5", "and", "s", "=", "'it''s'"
            ]
        );
    }

    #[test]
    fn ordering_is_top_level_only() {
        assert!(orders_result("select a from t order by a desc limit 3"));
        assert!(!orders_result(
            "select a from (select a from t order by a) x"
        ));
        assert!(!orders_result("select 'order by' from t"));
    }
}
