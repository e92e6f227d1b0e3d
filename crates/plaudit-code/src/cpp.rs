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
/// Whether the `'` at `b[i]` is a digit separator (`1'000`, `0x7f'ff`): it continues a
/// preprocessing number (a token starting with a digit, or `.` and a digit), not a character
/// literal (`'a'`, `u8'a'`, `L'a'`).
fn digit_separator(b: &[u8], i: usize) -> bool {
    let mut j = i;
    while j > 0 && (b[j - 1].is_ascii_alphanumeric() || matches!(b[j - 1], b'_' | b'\'' | b'.')) {
        j -= 1;
    }
    j < i
        && (b[j].is_ascii_digit() || (b[j] == b'.' && b.get(j + 1).is_some_and(u8::is_ascii_digit)))
}

/// When `b[i]` opens a string or character literal, the index of its closing quote (or the
/// end); `None` when it is not a literal's opening quote (not a quote, or a digit separator).
fn literal_end(b: &[u8], i: usize) -> Option<usize> {
    let q = b[i];
    if !(q == b'"' || (q == b'\'' && !digit_separator(b, i))) {
        return None;
    }
    let mut i = i + 1;
    while i < b.len() && b[i] != q {
        if b[i] == b'\\' {
            i += 1;
        }
        i += 1;
    }
    Some(i)
}

fn top_level_eq(s: &str) -> Option<(&str, &str)> {
    let b = s.as_bytes();
    let (mut depth, mut i, mut at) = (0i32, 0usize, None);
    while i < b.len() {
        if let Some(end) = literal_end(b, i) {
            i = end + 1;
            continue;
        }
        match b[i] {
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
        if let Some(end) = literal_end(b, i) {
            i = end + 1;
            continue;
        }
        match b[i] {
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

/// One C++ string (`quote` `"`) or character (`'`) literal that is all of `s`, without prefix,
/// read exactly: simple escapes, octal (`\101`) and hex (`\x41`) escapes of ASCII values.
/// `None` for anything else — adjacent literals (`"a" "b"`), a NUL (a `std::string` built from
/// the literal would end there), a byte above 0x7f given as an escape, an unknown escape.
fn quoted(s: &str, quote: char) -> Option<String> {
    let mut it = s.strip_prefix(quote)?.chars().peekable();
    let mut out = String::new();
    loop {
        let c = it.next()?;
        if c == quote {
            // The closing quote must end the text.
            return it.next().is_none().then_some(out);
        }
        if c != '\\' {
            out.push(c);
            continue;
        }
        let e = it.next()?;
        let v = match e {
            'n' => 10,
            't' => 9,
            'r' => 13,
            'a' => 7,
            'b' => 8,
            'f' => 12,
            'v' => 11,
            '\\' | '"' | '\'' | '?' => e as u32,
            '0'..='7' => {
                let mut v = e.to_digit(8)?;
                for _ in 0..2 {
                    match it.peek().and_then(|d| d.to_digit(8)) {
                        Some(d) => {
                            v = v * 8 + d;
                            it.next();
                        }
                        None => break,
                    }
                }
                v
            }
            'x' => {
                let mut v: u32 = 0;
                let mut n = 0;
                while let Some(d) = it.peek().and_then(|d| d.to_digit(16)) {
                    v = v.checked_mul(16)?.checked_add(d)?;
                    n += 1;
                    it.next();
                }
                if n == 0 {
                    return None;
                }
                v
            }
            _ => return None,
        };
        if v == 0 || v > 0x7f {
            return None;
        }
        out.push(char::from_u32(v)?);
    }
}

/// The digits of an integer literal in `radix`, with digit separators only between digits.
fn radix_digits(d: &str, radix: u32) -> Option<u128> {
    let mut v: u128 = 0;
    for part in d.split('\'') {
        if part.is_empty() {
            return None;
        }
        for c in part.chars() {
            v = v
                .checked_mul(radix as u128)?
                .checked_add(c.to_digit(radix)? as u128)?;
        }
    }
    Some(v)
}

/// A C++ number literal with an optional sign, read with C++'s semantics, or `None` where that
/// is not certain. Integers: decimal, `0x`, `0b`, leading-`0` octal, digit separators, the
/// suffixes `u`/`l`/`ll` (no `u` under a minus sign, nothing above `i64::MAX`, no non-decimal
/// literal above `i32::MAX` under a minus sign: those are unsigned, and negating them wraps).
/// Floating point: decimal, rounded as `double`, or with `f`/`F` as `float` (so `0.1f` is
/// 0.100000001490116…); `l` (long double) and hex floats are not read.
fn number(s: &str) -> Option<Plain> {
    let (neg, t) = match s.strip_prefix('-') {
        Some(d) => (true, d.trim_start()),
        None => (false, s.strip_prefix('+').map_or(s, str::trim_start)),
    };
    if !t.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
        return None;
    }
    let lower = t.to_ascii_lowercase();
    let hex = lower.starts_with("0x");
    if !hex && (t.contains('.') || lower.contains('e')) {
        let (body, single) = match t.strip_suffix(['f', 'F']) {
            Some(b) => (b, true),
            None => (t, false),
        };
        // Separators between digits only; then only digits, one point, an exponent.
        let bb = body.as_bytes();
        let mut clean = String::new();
        for (i, &c) in bb.iter().enumerate() {
            if c == b'\'' {
                let digit = |k: Option<&u8>| k.is_some_and(u8::is_ascii_digit);
                if !(i > 0 && digit(bb.get(i - 1)) && digit(bb.get(i + 1))) {
                    return None;
                }
                continue;
            }
            if !(c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-')) {
                return None;
            }
            clean.push(c as char);
        }
        let x = if single {
            clean.parse::<f32>().ok()? as f64
        } else {
            clean.parse::<f64>().ok()?
        };
        if !x.is_finite() {
            return None;
        }
        return Some(Plain::Float(if neg { -x } else { x }));
    }
    let body = t.trim_end_matches(['u', 'U', 'l', 'L']);
    let suffix = &t[body.len()..];
    let unsigned = suffix.contains(['u', 'U']);
    let longs = suffix.replace(['u', 'U'], "");
    if !["", "l", "L", "ll", "LL"].contains(&longs.as_str())
        || suffix.matches(['u', 'U']).count() > 1
        || (unsigned && !suffix.starts_with(['u', 'U']) && !suffix.ends_with(['u', 'U']))
    {
        return None;
    }
    let (radix, digits) = if hex {
        (16, &body[2..])
    } else if lower.starts_with("0b") {
        (2, &body[2..])
    } else if body.len() > 1 && body.starts_with('0') {
        (8, &body[1..])
    } else {
        (10, body)
    };
    let v = radix_digits(
        digits
            .strip_prefix('\'')
            .filter(|_| radix == 8)
            .unwrap_or(digits),
        radix,
    )?;
    if v > i64::MAX as u128 || (neg && (unsigned || (radix != 10 && v > i32::MAX as u128))) {
        return None;
    }
    Some(Plain::Int(format!(
        "{}{v}",
        if neg && v != 0 { "-" } else { "" }
    )))
}

/// A C++ literal as plain data, read exactly, or `None` (then the test is not in the literal
/// form).
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
    if s.starts_with('"') {
        return quoted(s, '"').map(Plain::Str);
    }
    if s.starts_with('\'') {
        let u = quoted(s, '\'')?;
        return (u.len() == 1).then_some(Plain::Str(u));
    }
    let list = s
        .strip_prefix("std::")
        .unwrap_or(s)
        .strip_prefix("vector<")
        .and_then(|r| r.find(">{").map(|k| &r[k + 1..]))
        .unwrap_or(s);
    if let Some(body) = list.strip_prefix('{').and_then(|r| r.strip_suffix('}')) {
        let mut items = vec![];
        let (mut depth, mut start) = (0i32, 0usize);
        let b = body.as_bytes();
        let mut i = 0;
        while i < b.len() {
            if let Some(end) = literal_end(b, i) {
                i = end + 1;
                continue;
            }
            match b[i] {
                b'{' | b'(' => depth += 1,
                b'}' | b')' => depth -= 1,
                b',' if depth == 0 => {
                    items.push(literal(&body[start..i])?);
                    start = i + 1;
                }
                _ => {}
            }
            i += 1;
        }
        if !body[start..].trim().is_empty() {
            items.push(literal(&body[start..])?);
        }
        return Some(Plain::List(items));
    }
    number(s)
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

    #[test]
    fn literals_are_read_with_cpp_semantics_or_not_at_all() {
        let f = |x: f64| Some(Plain::Float(x));
        let s = |x: &str| Some(Plain::Str(x.into()));
        for (text, want) in [
            ("2'000", Some(int("2000"))),
            ("1'000'000LL", Some(int("1000000"))),
            ("010", Some(int("8"))),
            ("0'17", Some(int("15"))),
            ("0", Some(int("0"))),
            ("-0", Some(int("0"))),
            ("0x1F", Some(int("31"))),
            ("0XfF'fful", Some(int("65535"))),
            ("0b1010", Some(int("10"))),
            ("- 12u", None),
            ("-0xFFFFFFFF", None),
            ("-0x7FFFFFFF", Some(int("-2147483647"))),
            ("9223372036854775808", None),
            ("09", None),
            ("2''000", None),
            ("2000'", None),
            ("0x'FF", None),
            ("12lL", None),
            ("12ulu", None),
            ("1f", None),
            ("0.1f", f(0.1f32 as f64)),
            ("1.25F", f(1.25)),
            ("0.1", f(0.1)),
            ("1'000.5", f(1000.5)),
            (".5e1", f(5.0)),
            ("-2.5", f(-2.5)),
            ("0.1L", None),
            ("0x1p3", None),
            ("1e999", None),
            ("\"a\" \"b\"", None),
            ("\"a\\\" \\\"b\"", s("a\" \"b")),
            ("\"\\101\\x42\\n\"", s("AB\n")),
            ("\"\\0\"", None),
            ("\"a\\0b\"", None),
            ("\"\\377\"", None),
            ("\"\\q\"", None),
            ("'\\''", s("'")),
            ("'ab'", None),
            ("std::string(\"x\" \"y\")", None),
            (
                "{1'000, 2'000}",
                Some(Plain::List(vec![int("1000"), int("2000")])),
            ),
        ] {
            assert_eq!(literal(text), want, "{text}");
        }
        // A digit separator is not a character literal: the top-level == stays visible.
        assert_eq!(
            classify("assert(twice(1'000) == 2'000);"),
            CppTest::Value {
                expr: "twice(1'000)".into(),
                expected: int("2000")
            }
        );
        assert_eq!(
            classify("assert(f(u8'a', L'b') == 'c');"),
            CppTest::Value {
                expr: "f(u8'a', L'b')".into(),
                expected: Plain::Str("c".into())
            }
        );
        for other in ["assert(s() == \"a\" \"b\");", "assert(t() == 0.1L);"] {
            assert_eq!(classify(other), CppTest::Statement(other.into()), "{other}");
        }
    }
}
