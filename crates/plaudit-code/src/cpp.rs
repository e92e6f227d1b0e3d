//! C++ unit tests. A test that is `assert(EXPR == LITERAL);` (either side the literal: a
//! number, `true`/`false`, a string or character literal, `std::string("…")`, or a brace list
//! of those as `{…}` / `std::vector<T>{…}`), or `assert(CALL);` / `assert(!CALL);` with no
//! operator in CALL, is compiled as "evaluate EXPR and print it as plain data": the expected
//! value is not in the binary; Plaudit compares the printed value with it, type-strictly. Any
//! other statement runs as written inside the binary and reports that it finished: such a
//! verdict is decided inside the solution's process (a static initialiser can forge it), which
//! the README says.

use serde_json::Value;

use crate::plain::{strict_eq, Plain};

/// How one C++ test is checked.
#[derive(Clone, Debug, PartialEq)]
pub enum CppTest {
    /// `assert(EXPR == LITERAL)`: EXPR's value must equal the literal.
    Value { expr: String, expected: Plain },
    /// `assert(CALL)` / `assert(!CALL)`: CALL's truth must be `want`.
    Truth { expr: String, want: bool },
    /// Anything else: run as written; it reports that it finished.
    Statement(String),
}

/// The record prefix: a line starting with it is the harness's.
pub const MARK: &str = "\u{1e}PLAUDIT ";

/// Split on the one top-level `==` of `s` (outside brackets, strings and character literals).
fn top_level_eq(s: &str) -> Option<(&str, &str)> {
    let b = s.as_bytes();
    let (mut depth, mut i, mut at) = (0i32, 0usize, None);
    while i < b.len() {
        match b[i] {
            b'"' | b'\'' => {
                let q = b[i];
                i += 1;
                while i < b.len() && b[i] != q {
                    if b[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth -= 1,
            b'=' if depth == 0 && b.get(i + 1) == Some(&b'=') => {
                if at.is_some() {
                    return None;
                }
                at = Some(i);
                i += 1;
            }
            _ => {}
        }
        i += 1;
    }
    let at = at?;
    Some((&s[..at], &s[at + 2..]))
}

/// `s` holds no operator that could compare or combine (outside string literals).
fn operator_free(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' | b'\'' => {
                let q = b[i];
                i += 1;
                while i < b.len() && b[i] != q {
                    if b[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            b'=' | b'!' | b'&' | b'|' | b'?' => return false,
            // `<`/`>` only as template brackets (`vector<int>{…}`), never as comparisons.
            b'<' | b'>' => {
                let ident =
                    |c: Option<&u8>| c.is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_');
                let prev = if i > 0 { b.get(i - 1) } else { None };
                let next = b.get(i + 1);
                let ok = if b[i] == b'<' {
                    ident(prev) && (ident(next) || next == Some(&b':'))
                } else {
                    (ident(prev) || prev == Some(&b'>'))
                        && matches!(next, None | Some(b'{' | b'(' | b'>' | b',' | b')'))
                };
                if !ok {
                    return false;
                }
            }
            _ => {}
        }
        i += 1;
    }
    true
}

fn unescape(body: &str) -> Option<String> {
    let mut out = String::new();
    let mut it = body.chars();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        out.push(match it.next()? {
            'n' => '\n',
            't' => '\t',
            'r' => '\r',
            '0' => '\0',
            '\\' => '\\',
            '"' => '"',
            '\'' => '\'',
            _ => return None,
        });
    }
    Some(out)
}

/// A C++ literal as plain data.
pub fn literal(s: &str) -> Option<Plain> {
    let s = s.trim();
    if s == "true" || s == "false" {
        return Some(Plain::Bool(s == "true"));
    }
    for pre in ["std::string(", "string("] {
        if let Some(rest) = s.strip_prefix(pre).and_then(|r| r.strip_suffix(')')) {
            return match literal(rest)? {
                p @ Plain::Str(_) => Some(p),
                _ => None,
            };
        }
    }
    if let Some(body) = s.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
        return unescape(body).map(Plain::Str);
    }
    if let Some(body) = s.strip_prefix('\'').and_then(|r| r.strip_suffix('\'')) {
        let u = unescape(body)?;
        return (u.chars().count() == 1).then_some(Plain::Str(u));
    }
    let list = s
        .strip_prefix("std::")
        .unwrap_or(s)
        .strip_prefix("vector<")
        .and_then(|r| r.find(">{").map(|k| &r[k + 1..]))
        .unwrap_or(s);
    if let Some(body) = list.strip_prefix('{').and_then(|r| r.strip_suffix('}')) {
        let mut items = vec![];
        let (mut depth, mut start, mut quote) = (0i32, 0usize, None::<u8>);
        let b = body.as_bytes();
        let mut i = 0;
        while i <= b.len() {
            let c = b.get(i).copied();
            match (quote, c) {
                (Some(q), Some(x)) if x == q => quote = None,
                (Some(_), Some(b'\\')) => i += 1,
                (Some(_), _) => {}
                (None, Some(x @ (b'"' | b'\''))) => quote = Some(x),
                (None, Some(b'{' | b'(')) => depth += 1,
                (None, Some(b'}' | b')')) => depth -= 1,
                (None, Some(b',')) if depth == 0 => {
                    items.push(literal(&body[start..i])?);
                    start = i + 1;
                }
                (None, None) if !body[start..].trim().is_empty() => {
                    items.push(literal(&body[start..])?);
                }
                _ => {}
            }
            i += 1;
        }
        return Some(Plain::List(items));
    }
    // Numbers: an optional sign, digits, a point or exponent, a suffix.
    let t = s.trim_end_matches(['u', 'U', 'l', 'L']);
    let (neg, digits) = match t.strip_prefix('-') {
        Some(d) => (true, d.trim_start()),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    if !digits.is_empty() && digits.bytes().all(|c| c.is_ascii_digit() || c == b'\'') {
        let d: String = digits.chars().filter(|c| *c != '\'').collect();
        return Plain::from_json(&serde_json::json!([
            "i",
            format!("{}{d}", if neg { "-" } else { "" })
        ]));
    }
    let f = digits.trim_end_matches(['f', 'F']);
    if !f.is_empty()
        && f.bytes().any(|c| c.is_ascii_digit())
        && f.bytes()
            .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-'))
        && !f.starts_with(['e', 'E'])
    {
        let x: f64 = f.parse().ok()?;
        return Some(Plain::Float(if neg { -x } else { x }));
    }
    None
}

/// Classify one test statement.
pub fn classify(test: &str) -> CppTest {
    let statement = || CppTest::Statement(test.to_string());
    let t = test.trim().trim_end_matches(';').trim_end();
    let Some(inner) = t
        .strip_prefix("assert")
        .map(str::trim_start)
        .and_then(|r| r.strip_prefix('('))
        .and_then(|r| r.strip_suffix(')'))
    else {
        return statement();
    };
    // The parentheses must be assert's own: `assert(a) && (b)` is not one assert.
    let mut depth = 0i32;
    for c in inner.bytes() {
        depth += match c {
            b'(' => 1,
            b')' => -1,
            _ => 0,
        };
        if depth < 0 {
            return statement();
        }
    }
    if let Some((l, r)) = top_level_eq(inner) {
        for (expr, lit) in [(l, r), (r, l)] {
            if let Some(expected) = literal(lit) {
                if operator_free(expr) && literal(expr).is_none() && !expr.trim().is_empty() {
                    return CppTest::Value {
                        expr: expr.trim().to_string(),
                        expected,
                    };
                }
            }
        }
        return statement();
    }
    let (want, expr) = match inner.trim().strip_prefix('!') {
        Some(e) => (false, e),
        None => (true, inner),
    };
    if operator_free(expr) && literal(expr).is_none() && expr.contains('(') {
        return CppTest::Truth {
            expr: expr.trim().to_string(),
            want,
        };
    }
    statement()
}

const PRELUDE: &str = r#"
#undef NDEBUG
#include <cstdio>
#include <cstdlib>
#include <cmath>
#include <exception>
#include <string>
#include <utility>
#include <vector>
#include <type_traits>
namespace plaudit_ {
static void put(const std::string& s) {
    std::fflush(stdout);
    std::string line = "\n\x1ePLAUDIT " + s + "\n";
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fflush(stdout);
}
static void str(std::string& o, const std::string& v) {
    o += '"';
    for (unsigned char c : v) {
        if (c == '"' || c == '\\') { o += '\\'; o += (char)c; }
        else if (c < 0x20) { char b[8]; std::snprintf(b, sizeof b, "\\u%04x", c); o += b; }
        else o += (char)c;
    }
    o += '"';
}
template <class T> struct is_vec : std::false_type {};
template <class T, class A> struct is_vec<std::vector<T, A>> : std::true_type {};
template <class T> struct is_pair : std::false_type {};
template <class A, class B> struct is_pair<std::pair<A, B>> : std::true_type {};
template <class T> bool enc(std::string& o, const T& v) {
    using U = std::decay_t<T>;
    if constexpr (std::is_same_v<U, bool>) { o += v ? "[\"b\",true]" : "[\"b\",false]"; }
    else if constexpr (std::is_same_v<U, char>) { o += "[\"s\","; str(o, std::string(1, v)); o += "]"; }
    else if constexpr (std::is_integral_v<U> && std::is_signed_v<U>) { o += "[\"i\",\"" + std::to_string((long long)v) + "\"]"; }
    else if constexpr (std::is_integral_v<U>) { o += "[\"i\",\"" + std::to_string((unsigned long long)v) + "\"]"; }
    else if constexpr (std::is_floating_point_v<U>) {
        char b[64];
        double d = (double)v;
        if (std::isnan(d)) std::snprintf(b, sizeof b, "nan");
        else if (std::isinf(d)) std::snprintf(b, sizeof b, d > 0 ? "inf" : "-inf");
        else std::snprintf(b, sizeof b, "%.17g", d);
        o += "[\"f\",\""; o += b; o += "\"]";
    }
    else if constexpr (std::is_convertible_v<U, std::string>) { o += "[\"s\","; str(o, std::string(v)); o += "]"; }
    else if constexpr (is_vec<U>::value) {
        o += "[\"l\",[";
        bool first = true;
        for (const auto& x : v) { if (!first) o += ","; first = false; if (!enc(o, x)) return false; }
        o += "]]";
    }
    else if constexpr (is_pair<U>::value) {
        o += "[\"t\",["; if (!enc(o, v.first)) return false; o += ","; if (!enc(o, v.second)) return false; o += "]]";
    }
    else { return false; }
    return true;
}
template <class T> void value(int i, const T& v) {
    std::string o;
    if (enc(o, v)) put("[\"a\"," + std::to_string(i) + "," + o + "]");
    else put("[\"np\"," + std::to_string(i) + "]");
}
static void report(const char* what) {
    put(std::string("[\"") + what + "\"]");
    std::fflush(stderr);
    std::_Exit(0);
}
static void assert_failed(const char* what, int line) {
    std::fprintf(stderr, "assertion failed (test line %d): %s\n", line, what);
    report("assert");
}
}
#undef assert
#define assert(c) ((c) ? (void)0 : plaudit_::assert_failed(#c, __LINE__))
"#;

/// The test program: `solution` (functions, no `main`), the harness, one function per test;
/// `main` reads the test's index from standard input and runs it.
pub fn program(solution: &str, tests: &[CppTest]) -> String {
    let mut s = String::with_capacity(solution.len() + PRELUDE.len() + 256 * tests.len() + 512);
    s.push_str(solution);
    s.push_str(PRELUDE);
    for (i, t) in tests.iter().enumerate() {
        let body = match t {
            CppTest::Value { expr, .. } => format!("plaudit_::value({i}, ({expr}));"),
            CppTest::Truth { expr, .. } => {
                format!("plaudit_::value({i}, static_cast<bool>({expr}));")
            }
            CppTest::Statement(st) => {
                format!("{{\n{st}\n;\n}}\nplaudit_::put(\"[\\\"done\\\",{i}]\");")
            }
        };
        s.push_str(&format!("static void plaudit_test_{i}_() {{\n{body}\n}}\n"));
    }
    s.push_str(
        "int main() {\n    int plaudit_i_ = -1;\n    if (std::scanf(\"%d\", &plaudit_i_) != 1) return 97;\n    try {\n        switch (plaudit_i_) {\n",
    );
    for i in 0..tests.len() {
        s.push_str(&format!("        case {i}: plaudit_test_{i}_(); break;\n"));
    }
    s.push_str(
        r#"        default: return 98;
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "uncaught exception: %s\n", e.what());
        plaudit_::report("exception");
    } catch (...) {
        std::fprintf(stderr, "uncaught exception\n");
        plaudit_::report("exception");
    }
    plaudit_::report("end");
}
"#,
    );
    s
}

/// What the records of test `index` say: `Ok(())` (it holds), or the failure's kind and message.
pub enum Judgement {
    Passed,
    Wrong(String),
    Error(String),
    /// No complete report (the program ended early or was cut).
    Unfinished,
}

/// Judge test `index`'s records from the program's standard output.
pub fn judge(stdout: &[u8], index: usize, test: &CppTest) -> Judgement {
    let text = String::from_utf8_lossy(stdout);
    let mut value: Option<Value> = None;
    let (mut done, mut end) = (false, false);
    for line in text.lines() {
        let Some(rec) = line.strip_prefix(MARK) else {
            continue;
        };
        let Ok(Value::Array(rec)) = serde_json::from_str::<Value>(rec) else {
            return Judgement::Error("the harness's report is malformed".into());
        };
        let tag = rec.first().and_then(Value::as_str).unwrap_or("");
        let idx = rec.get(1).and_then(Value::as_u64);
        match tag {
            "a" | "np" | "done" if idx != Some(index as u64) => {
                return Judgement::Error("a report for another test".into())
            }
            "a" | "np" if value.is_some() => {
                return Judgement::Error("the value was reported twice".into())
            }
            "a" => value = Some(rec.get(2).cloned().unwrap_or(Value::Null)),
            "np" => value = Some(Value::Null),
            "done" => done = true,
            "assert" => return Judgement::Wrong("an assertion failed".into()),
            "exception" => return Judgement::Error("an exception was raised".into()),
            "end" => end = true,
            _ => return Judgement::Error("the harness's report is malformed".into()),
        }
    }
    match test {
        CppTest::Value { .. } | CppTest::Truth { .. } => {
            let Some(v) = value else {
                return Judgement::Unfinished;
            };
            let Some(actual) = Plain::from_json(&v) else {
                return Judgement::Wrong(
                    "the value is not plain data (a number, bool, string, vector or pair)".into(),
                );
            };
            let ok = match test {
                CppTest::Value { expected, .. } => strict_eq(expected, &actual),
                CppTest::Truth { want, .. } => actual == Plain::Bool(*want),
                CppTest::Statement(_) => unreachable!(),
            };
            if !ok {
                return Judgement::Wrong(match test {
                    CppTest::Value { expected, .. } => format!(
                        "expected {} ({}), got {} ({})",
                        expected.render(100),
                        expected.type_name(),
                        actual.render(100),
                        actual.type_name()
                    ),
                    _ => format!(
                        "expected {}, got {}",
                        !matches!(test, CppTest::Truth { want: false, .. }),
                        actual.render(100)
                    ),
                });
            }
            if end {
                Judgement::Passed
            } else {
                Judgement::Unfinished
            }
        }
        CppTest::Statement(_) if done && end => Judgement::Passed,
        CppTest::Statement(_) => Judgement::Unfinished,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn int(s: &str) -> Plain {
        Plain::Int(s.into())
    }

    #[test]
    fn the_expected_value_is_not_in_the_program() {
        let t = classify("assert(add(1, 2) == 987654321);");
        let p = program("int add(int a, int b) { return a + b; }", &[t]);
        assert!(!p.contains("987654321"), "{p}");
        assert!(p.contains("plaudit_::value(0, (add(1, 2)));"), "{p}");
    }

    #[test]
    fn literal_asserts_are_split_and_others_are_statements() {
        assert_eq!(
            classify("assert(add(1, 2) == 3);"),
            CppTest::Value {
                expr: "add(1, 2)".into(),
                expected: int("3")
            }
        );
        assert_eq!(
            classify("assert (-4LL == f(\"a==b\", '=')) ;"),
            CppTest::Value {
                expr: "f(\"a==b\", '=')".into(),
                expected: int("-4")
            }
        );
        assert_eq!(
            classify("assert(v(3) == std::vector<int>{1, 2, 3});"),
            CppTest::Value {
                expr: "v(3)".into(),
                expected: Plain::List(vec![int("1"), int("2"), int("3")])
            }
        );
        assert_eq!(
            classify("assert(s() == std::string(\"x\\n\"));"),
            CppTest::Value {
                expr: "s()".into(),
                expected: Plain::Str("x\n".into())
            }
        );
        assert_eq!(
            classify("assert(h(0.5) == 1.25f);"),
            CppTest::Value {
                expr: "h(0.5)".into(),
                expected: Plain::Float(1.25)
            }
        );
        assert_eq!(
            classify("assert(!is_prime(9));"),
            CppTest::Truth {
                expr: "is_prime(9)".into(),
                want: false
            }
        );
        for other in [
            "assert((f(1) == 2) == true);",
            "assert(f(1) == 2 && g(2) == 3);",
            "assert(f(1) > 2);",
            "assert(f(1)>2);",
            "assert(x>2);",
            "assert(f(1)<3);",
            "assert(f(1) == g(2));",
            "auto v = f(1); assert(v == 2);",
            "assert(a) && (b);",
        ] {
            assert_eq!(classify(other), CppTest::Statement(other.into()), "{other}");
        }
    }
}
