//! Finding the SQL query in a model's response.

/// The query a response gives, looked for after the last `</think>` (a response cut off inside an
/// unclosed `<think>` has none): the last fenced ```` ```sql ```` block; else the last fenced block
/// that starts like a query; else an `<answer>` block; else the text after the last answer marker
/// (`SQL:`, `Answer:`, `Final answer:`); else the whole text when it starts like a query. A
/// trailing `;` and surrounding whitespace are removed. `None` when nothing looks like a query.
pub fn extract_sql(response: &str) -> Option<&str> {
    let region = match response.rfind("</think>") {
        Some(p) => &response[p + "</think>".len()..],
        None if response.contains("<think>") => return None,
        None => response,
    };
    let found = last_fence(region, true)
        .or_else(|| last_fence(region, false).filter(|s| starts_like_query(s)))
        .or_else(|| tag(region, "answer").map(|a| last_fence(a, false).unwrap_or(a)))
        .or_else(|| after_marker(region))
        .or_else(|| Some(region).filter(|s| starts_like_query(s)))?;
    let t = found.trim().trim_end_matches(';').trim();
    (!t.is_empty()).then_some(t)
}

fn starts_like_query(s: &str) -> bool {
    let t = s.trim_start().get(..6).unwrap_or("").to_ascii_lowercase();
    t.starts_with("select") || t.starts_with("with") || t.starts_with("values")
}

/// The body of the last fenced block (with `sql` as its language when `sql_only`).
fn last_fence(text: &str, sql_only: bool) -> Option<&str> {
    let mut best = None;
    let mut rest_start = 0;
    while let Some(p) = text[rest_start..].find("```") {
        let open = rest_start + p + 3;
        let line_end = text[open..].find('\n').map_or(text.len(), |q| open + q);
        let lang = text[open..line_end].trim();
        let Some(q) = text[line_end..].find("```") else {
            break;
        };
        let body = &text[line_end..line_end + q];
        if !sql_only || lang.eq_ignore_ascii_case("sql") || lang.eq_ignore_ascii_case("sqlite") {
            best = Some(body);
        }
        rest_start = line_end + q + 3;
    }
    best
}

fn tag<'a>(text: &'a str, name: &str) -> Option<&'a str> {
    let open = format!("<{name}>");
    let close = format!("</{name}>");
    let s = text.rfind(&open)? + open.len();
    let e = text[s..].find(&close).map_or(text.len(), |e| s + e);
    Some(&text[s..e])
}

fn after_marker(text: &str) -> Option<&str> {
    let lower = text.to_ascii_lowercase();
    let p = ["final answer:", "answer:", "sql:", "query:"]
        .iter()
        .filter_map(|m| lower.rfind(m).map(|p| p + m.len()))
        .max()?;
    let rest = &text[p..];
    Some(last_fence(rest, false).unwrap_or(rest)).filter(|s| starts_like_query(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        assert_eq!(
            extract_sql("Let me think.\n```sql\nSELECT a FROM t;\n```\nDone."),
            Some("SELECT a FROM t")
        );
        assert_eq!(
            extract_sql("```sql\nSELECT 1\n```\nbetter:\n```sql\nSELECT 2\n```"),
            Some("SELECT 2")
        );
        assert_eq!(
            extract_sql("The query is below.\nSQL: select name from singer"),
            Some("select name from singer")
        );
        assert_eq!(extract_sql("<answer>SELECT 3</answer>"), Some("SELECT 3"));
        assert_eq!(
            extract_sql("  WITH x AS (SELECT 1) SELECT * FROM x;"),
            Some("WITH x AS (SELECT 1) SELECT * FROM x")
        );
        assert_eq!(extract_sql("<think>```sql\nSELECT 1\n```"), None);
        assert_eq!(extract_sql("I don't know."), None);
    }
}
