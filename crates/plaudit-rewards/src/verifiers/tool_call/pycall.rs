//! A small, safe parser for Python-call syntax as BFCL writes calls: `f(a=1, b="x")`,
//! `[f(a=1), mod.g(b=[1, 2], c={'k': None})]`. Only literals are accepted (numbers, strings,
//! `True`/`False`/`None`, lists, tuples, dicts); nothing is evaluated. Nesting and length are
//! bounded so no input can blow the stack.

use serde_json::{Map, Number, Value};

use super::Call;

const MAX_DEPTH: usize = 64;
const MAX_LEN: usize = 1 << 20;

struct P<'a> {
    s: &'a [u8],
    src: &'a str,
    i: usize,
    depth: usize,
}

/// Parse one call or a list of calls (`[f(…), g(…)]`, or calls separated by commas, semicolons or
/// new lines). The whole text must be calls.
pub fn parse_calls(text: &str) -> Result<Vec<Call>, String> {
    if text.len() > MAX_LEN {
        return Err(format!("call text longer than {MAX_LEN} bytes"));
    }
    let mut p = P {
        s: text.as_bytes(),
        src: text,
        i: 0,
        depth: 0,
    };
    p.ws();
    let bracketed = p.peek() == Some(b'[');
    if bracketed {
        p.i += 1;
    }
    let mut calls = Vec::new();
    loop {
        p.ws();
        match p.peek() {
            None if !bracketed => break,
            Some(b']') if bracketed => {
                p.i += 1;
                p.ws();
                if p.peek().is_some() {
                    return Err(p.err("text after the closing `]`"));
                }
                break;
            }
            None => return Err(p.err("unclosed `[`")),
            _ => {}
        }
        calls.push(p.call()?);
        p.ws();
        match p.peek() {
            Some(b',' | b';') => p.i += 1,
            Some(b']') if bracketed => {}
            _ if !bracketed => {}
            _ => return Err(p.err("expected `,` or `]`")),
        }
    }
    Ok(calls)
}

impl<'a> P<'a> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }
    fn ws(&mut self) {
        while self.peek().is_some_and(|c| c.is_ascii_whitespace()) {
            self.i += 1;
        }
    }
    fn err(&self, m: &str) -> String {
        format!("Python call syntax: {m} at byte {}", self.i)
    }
    fn eat(&mut self, c: u8) -> Result<(), String> {
        self.ws();
        if self.peek() == Some(c) {
            self.i += 1;
            Ok(())
        } else {
            Err(self.err(&format!("expected `{}`", c as char)))
        }
    }
    fn ident(&mut self) -> Option<&'a str> {
        let start = self.i;
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'.' || c >= 0x80)
        {
            self.i += 1;
        }
        let id = &self.src[start..self.i];
        (!id.is_empty() && !id.as_bytes()[0].is_ascii_digit()).then_some(id)
    }
    fn call(&mut self) -> Result<Call, String> {
        self.ws();
        let name = self
            .ident()
            .ok_or_else(|| self.err("expected a function name"))?
            .to_string();
        self.eat(b'(')?;
        let mut args = Map::new();
        loop {
            self.ws();
            if self.peek() == Some(b')') {
                self.i += 1;
                break;
            }
            let save = self.i;
            let key = self.ident();
            self.ws();
            let Some(key) = key.filter(|_| self.peek() == Some(b'=')) else {
                self.i = save;
                return Err(self.err("positional argument (BFCL calls name every argument)"));
            };
            self.i += 1;
            let v = self.value()?;
            if args.insert(key.to_string(), v).is_some() {
                return Err(self.err(&format!("argument `{key}` given twice")));
            }
            self.ws();
            match self.peek() {
                Some(b',') => self.i += 1,
                Some(b')') => {}
                _ => return Err(self.err("expected `,` or `)`")),
            }
        }
        Ok(Call {
            name,
            arguments: args,
        })
    }
    fn value(&mut self) -> Result<Value, String> {
        self.ws();
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.err("nesting too deep"));
        }
        let v = match self.peek() {
            Some(b'"' | b'\'') => Value::String(self.string()?),
            Some(b'[') => Value::Array(self.seq(b'[', b']')?),
            Some(b'(') => Value::Array(self.seq(b'(', b')')?),
            Some(b'{') => self.dict()?,
            Some(c) if c.is_ascii_digit() || c == b'-' || c == b'+' || c == b'.' => {
                self.number()?
            }
            Some(_) => match self.ident() {
                Some("True" | "true") => Value::Bool(true),
                Some("False" | "false") => Value::Bool(false),
                Some("None" | "null") => Value::Null,
                Some(other) => {
                    return Err(self.err(&format!(
                        "`{other}` is not a literal (only literals are accepted)"
                    )))
                }
                None => return Err(self.err("expected a value")),
            },
            None => return Err(self.err("unexpected end")),
        };
        self.depth -= 1;
        Ok(v)
    }
    fn seq(&mut self, open: u8, close: u8) -> Result<Vec<Value>, String> {
        self.eat(open)?;
        let mut out = Vec::new();
        loop {
            self.ws();
            if self.peek() == Some(close) {
                self.i += 1;
                return Ok(out);
            }
            out.push(self.value()?);
            self.ws();
            match self.peek() {
                Some(b',') => self.i += 1,
                Some(c) if c == close => {}
                _ => return Err(self.err(&format!("expected `,` or `{}`", close as char))),
            }
        }
    }
    fn dict(&mut self) -> Result<Value, String> {
        self.eat(b'{')?;
        let mut m = Map::new();
        loop {
            self.ws();
            if self.peek() == Some(b'}') {
                self.i += 1;
                return Ok(Value::Object(m));
            }
            let k = match self.value()? {
                Value::String(s) => s,
                Value::Number(n) => n.to_string(),
                Value::Bool(b) => b.to_string(),
                _ => return Err(self.err("dict keys must be strings or numbers")),
            };
            self.eat(b':')?;
            let v = self.value()?;
            m.insert(k, v);
            self.ws();
            match self.peek() {
                Some(b',') => self.i += 1,
                Some(b'}') => {}
                _ => return Err(self.err("expected `,` or `}`")),
            }
        }
    }
    fn number(&mut self) -> Result<Value, String> {
        let start = self.i;
        if matches!(self.peek(), Some(b'-' | b'+')) {
            self.i += 1;
        }
        let mut float = false;
        while let Some(c) = self.peek() {
            match c {
                b'0'..=b'9' | b'_' => {}
                b'.' => float = true,
                b'e' | b'E' => {
                    float = true;
                    if matches!(self.s.get(self.i + 1), Some(b'-' | b'+')) {
                        self.i += 1;
                    }
                }
                _ => break,
            }
            self.i += 1;
        }
        let t: String = self.src[start..self.i]
            .chars()
            .filter(|c| *c != '_')
            .collect();
        let t = t.strip_prefix('+').unwrap_or(&t);
        if !float {
            if let Ok(i) = t.parse::<i64>() {
                return Ok(Value::from(i));
            }
        }
        match t.parse::<f64>() {
            Ok(f) if f.is_finite() => Ok(Value::Number(Number::from_f64(f).expect("finite"))),
            _ => Err(self.err(&format!("bad number `{t}`"))),
        }
    }
    fn string(&mut self) -> Result<String, String> {
        let q = self.peek().expect("quote");
        self.i += 1;
        let mut out = String::new();
        loop {
            let rest = &self.src[self.i..];
            let Some(c) = rest.chars().next() else {
                return Err(self.err("unterminated string"));
            };
            self.i += c.len_utf8();
            match c {
                _ if c as u32 == q as u32 => return Ok(out),
                '\\' => {
                    let Some(e) = self.src[self.i..].chars().next() else {
                        return Err(self.err("unterminated string"));
                    };
                    self.i += e.len_utf8();
                    out.push(match e {
                        'n' => '\n',
                        't' => '\t',
                        'r' => '\r',
                        '0' => '\0',
                        other => other,
                    });
                }
                c => out.push(c),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_bfcl_calls() {
        let c = parse_calls(r#"[get_weather(city="Paris", days=3), math.sqrt(x=2.0)]"#).unwrap();
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].name, "get_weather");
        assert_eq!(json!(c[0].arguments), json!({"city": "Paris", "days": 3}));
        assert_eq!(c[1].name, "math.sqrt");
        assert_eq!(json!(c[1].arguments), json!({"x": 2.0}));
        let c =
            parse_calls("f(a=[1, (2, 3)], b={'k': None, 'j': True}, c='it\\'s', d=-1e3)").unwrap();
        assert_eq!(
            json!(c[0].arguments),
            json!({"a": [1, [2, 3]], "b": {"k": null, "j": true}, "c": "it's", "d": -1000.0})
        );
        assert_eq!(parse_calls("f()\ng(x=1)").unwrap().len(), 2);
        assert_eq!(parse_calls("[]").unwrap().len(), 0);
    }

    #[test]
    fn refuses_what_is_not_a_literal_call() {
        assert!(parse_calls("f(1)").unwrap_err().contains("positional"));
        assert!(parse_calls("f(a=os.system('rm'))")
            .unwrap_err()
            .contains("not a literal"));
        assert!(parse_calls("f(a=1").is_err());
        assert!(parse_calls("f(a=1, a=2)").unwrap_err().contains("twice"));
        let deep = format!("f(a={}{})", "[".repeat(10_000), "]".repeat(10_000));
        assert!(parse_calls(&deep).unwrap_err().contains("too deep"));
    }
}
