//! A precedence-climbing parser from tokens to [`Node`]. Every recursive entry goes through
//! [`Parser::enter`], which bounds the depth (so no input can overflow the stack) and ticks the
//! deadline; chains (`a+b+c…`, `abc…`, `1/2/3…`) are built in loops as flat nodes.

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Zero};

use crate::ast::{Bracket, Const, Func, Node, Rel};
use crate::lexer::{lex, Tok};
use crate::limits::{Limits, MathError, Ticker};

/// Parse one answer (LaTeX or plain text) into a tree.
pub fn parse(s: &str, limits: &Limits, ticker: &Ticker) -> Result<Node, MathError> {
    if let Some(n) = plain_number(s, limits) {
        ticker.tick()?;
        return Ok(n);
    }
    let toks = lex(s, limits, ticker)?;
    parse_tokens(toks, limits, ticker)
}

/// A plain number, `123`, `-4` or `2.5` (at most 18 digits), as lexing and parsing give it (a
/// minus sign is a `Neg` around the number), without them; `None` for anything else, or when a
/// limit could bind (then the general path decides).
fn plain_number(s: &str, limits: &Limits) -> Option<Node> {
    let (neg, body) = match s.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, s),
    };
    let (int, frac) = match body.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|c| c.is_ascii_digit());
    if !digits(int)
        || frac.is_some_and(|f| !digits(f))
        || s.len() > limits.max_answer_len
        || body.len() > limits.max_digits
        || limits.max_depth < 8
    {
        return None;
    }
    let n = small_num(body)?;
    Some(if neg { Node::Neg(Box::new(n)) } else { n })
}

fn parse_tokens(toks: Vec<Tok>, limits: &Limits, ticker: &Ticker) -> Result<Node, MathError> {
    // Words (units, prose) are dropped, with a unit's exponent (`\text{cm}^2`).
    let mut words = Vec::new();
    let mut kept = Vec::with_capacity(toks.len());
    let mut it = toks.into_iter().peekable();
    while let Some(t) = it.next() {
        ticker.tick()?;
        match t {
            Tok::Word(w) => {
                words.push(w);
                if it.peek() == Some(&Tok::Caret) {
                    it.next();
                    if let Some(Tok::LBrace) = it.next() {
                        for t in it.by_ref() {
                            if t == Tok::RBrace {
                                break;
                            }
                        }
                    }
                }
            }
            t => kept.push(t),
        }
    }
    while matches!(
        kept.first(),
        Some(Tok::Sep | Tok::Comma | Tok::Semi | Tok::Colon | Tok::Approx | Tok::Rel(Rel::Eq))
    ) {
        kept.remove(0);
    }
    while matches!(
        kept.last(),
        Some(Tok::Sep | Tok::Comma | Tok::Semi | Tok::RowSep | Tok::Colon)
    ) {
        kept.pop();
    }
    if kept.is_empty() {
        if words.is_empty() {
            return Err(MathError::Parse("empty answer".into()));
        }
        let text = words.join(" ").to_lowercase();
        return Ok(Node::Text(text));
    }
    let mut p = Parser {
        toks: kept,
        pos: 0,
        depth: 0,
        abs_depth: 0,
        limits,
        ticker,
    };
    let n = p.list()?;
    if p.pos < p.toks.len() {
        return Err(MathError::Parse(format!("unexpected {:?}", p.toks[p.pos])));
    }
    Ok(n)
}

struct Parser<'a> {
    toks: Vec<Tok>,
    pos: usize,
    depth: usize,
    abs_depth: usize,
    limits: &'a Limits,
    ticker: &'a Ticker<'a>,
}

fn num_from_text(t: &str) -> Result<Node, MathError> {
    if let Some(n) = small_num(t) {
        return Ok(n);
    }
    let (mant, exp) = match t.find('e') {
        Some(k) => (&t[..k], t[k + 1..].parse::<i64>().ok()),
        None => (t, None),
    };
    let (int, frac) = match mant.find('.') {
        Some(k) => (&mant[..k], &mant[k + 1..]),
        None => (mant, ""),
    };
    let digits = format!("{int}{frac}");
    let digits = if digits.is_empty() {
        "0".to_string()
    } else {
        digits
    };
    let n: BigInt = digits
        .parse()
        .map_err(|_| MathError::Parse(format!("bad number `{t}`")))?;
    let mut q = BigRational::new(n, BigInt::from(10u32).pow(frac.len() as u32));
    let mut places = if frac.is_empty() {
        None
    } else {
        Some(frac.len() as u32)
    };
    if let Some(e) = exp {
        if e.unsigned_abs() > 400 {
            return Err(MathError::Limit(format!("exponent {e} in `{t}`")));
        }
        let p = BigRational::from_integer(BigInt::from(10u32).pow(e.unsigned_abs() as u32));
        q = if e >= 0 { q * p } else { q / p };
        places = None;
    }
    Ok(Node::Num(q, places))
}

/// The common number, `123` or `12.5` with at most 18 digits, in machine integers: the same
/// reduced value and places as the general path, without parsing a big integer or a big gcd.
fn small_num(t: &str) -> Option<Node> {
    let (int, frac) = match t.find('.') {
        Some(k) => (&t[..k], &t[k + 1..]),
        None => (t, ""),
    };
    let len = int.len() + frac.len();
    if len == 0 || len > 18 || !int.bytes().chain(frac.bytes()).all(|c| c.is_ascii_digit()) {
        return None;
    }
    let mut n: u64 = 0;
    for c in int.bytes().chain(frac.bytes()) {
        n = n * 10 + u64::from(c - b'0');
    }
    if frac.is_empty() {
        return Some(Node::Num(BigRational::from_integer(BigInt::from(n)), None));
    }
    let d = 10u64.pow(frac.len() as u32);
    let (mut a, mut b) = (n, d);
    while b != 0 {
        (a, b) = (b, a % b);
    }
    let q = BigRational::new_raw(BigInt::from(n / a), BigInt::from(d / a));
    Some(Node::Num(q, Some(frac.len() as u32)))
}

fn starts_primary(t: &Tok, abs_open: bool) -> bool {
    match t {
        Tok::Num(_)
        | Tok::Ident(_)
        | Tok::Const(_)
        | Tok::Func(_)
        | Tok::Frac
        | Tok::Sqrt
        | Tok::Binom
        | Tok::LParen
        | Tok::LBrace
        | Tok::LFloor
        | Tok::LCeil
        | Tok::Begin(_) => true,
        Tok::Bar => !abs_open,
        _ => false,
    }
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }

    fn peek_at(&self, k: usize) -> Option<&Tok> {
        self.toks.get(self.pos + k)
    }

    /// The token at the position, moved out (the caller then steps past it; nothing reads a
    /// token behind the position, so no copy is needed).
    fn take(&mut self) -> Option<Tok> {
        self.toks
            .get_mut(self.pos)
            .map(|t| std::mem::replace(t, Tok::Sep))
    }

    fn eat(&mut self, t: &Tok) -> bool {
        if self.peek() == Some(t) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// Whether the answer opens by defining a function named `name`: `p(x) = x^2 + 1`,
    /// `P(a, b) = …` (the name, then its distinct variables in round brackets, then `=`), so
    /// that `p(x)` is the function's value, as `f(x)` always is, not the product `p·x`.
    fn defines_function(&self, name: &str) -> bool {
        if matches!(name, "e" | "i") || self.peek() != Some(&Tok::LParen) {
            return false;
        }
        let mut vars: Vec<&str> = vec![name];
        let mut k = 1;
        loop {
            match self.peek_at(k) {
                Some(Tok::Ident(v)) if !vars.contains(&v.as_str()) => vars.push(v),
                _ => return false,
            }
            match self.peek_at(k + 1) {
                Some(Tok::Comma) => k += 2,
                Some(Tok::RParen) => return self.peek_at(k + 2) == Some(&Tok::Rel(Rel::Eq)),
                _ => return false,
            }
        }
    }

    fn expect(&mut self, t: &Tok) -> Result<(), MathError> {
        if self.eat(t) {
            Ok(())
        } else {
            Err(MathError::Parse(format!(
                "expected {t:?}, found {:?}",
                self.peek()
            )))
        }
    }

    fn enter(&mut self) -> Result<(), MathError> {
        self.depth += 1;
        if self.depth > self.limits.max_depth {
            return Err(MathError::Limit(format!(
                "nesting deeper than {}",
                self.limits.max_depth
            )));
        }
        Ok(self.ticker.tick()?)
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    fn check_items(&self, n: usize) -> Result<(), MathError> {
        if n > self.limits.max_items {
            Err(MathError::Limit(format!(
                "more than {} items",
                self.limits.max_items
            )))
        } else {
            Ok(())
        }
    }

    /// Items separated by `,` `;` "and" "or" `\\`.
    fn list(&mut self) -> Result<Node, MathError> {
        self.enter()?;
        let first = self.rel()?;
        // The common case, one item: no list built.
        if !matches!(
            self.peek(),
            Some(Tok::Comma | Tok::Semi | Tok::Sep | Tok::RowSep)
        ) {
            self.leave();
            return Ok(first);
        }
        let mut items = vec![first];
        while matches!(
            self.peek(),
            Some(Tok::Comma | Tok::Semi | Tok::Sep | Tok::RowSep)
        ) {
            self.pos += 1;
            while matches!(self.peek(), Some(Tok::Sep | Tok::Comma)) {
                self.pos += 1;
            }
            match self.peek() {
                None
                | Some(
                    Tok::RParen | Tok::RBrack | Tok::RBrace | Tok::RSet | Tok::End(_) | Tok::Bar,
                ) => break,
                _ => {}
            }
            items.push(self.rel()?);
            self.check_items(items.len())?;
        }
        self.leave();
        Ok(if items.len() == 1 {
            items.pop().unwrap_or(Node::int(0))
        } else {
            Node::List(items)
        })
    }

    fn rel(&mut self) -> Result<Node, MathError> {
        let first = self.ratio()?;
        if !matches!(self.peek(), Some(Tok::Rel(_) | Tok::Approx)) {
            return Ok(first);
        }
        let mut items = vec![first];
        let mut ops = Vec::new();
        loop {
            match self.peek() {
                Some(Tok::Rel(r)) => {
                    let r = *r;
                    self.pos += 1;
                    ops.push(r);
                    items.push(self.ratio()?);
                }
                Some(Tok::Approx) => {
                    self.pos += 1;
                    let approx = self.ratio()?;
                    // `x = \frac13 \approx 0.33`, `\frac13 \approx 0.33`: the exact value stands;
                    // `x \approx 0.33` states the value.
                    if items.len() == 1 && items[0].has_symbols() {
                        ops.push(Rel::Eq);
                        items.push(approx);
                    }
                }
                _ => break,
            }
            self.check_items(items.len())?;
        }
        Ok(if ops.is_empty() {
            items.pop().unwrap_or(Node::int(0))
        } else {
            Node::Rel(items, ops)
        })
    }

    /// `a : b` (a ratio, also a time `12:00`) as the quotient `a / b`; three or more parts as
    /// a tuple.
    fn ratio(&mut self) -> Result<Node, MathError> {
        let first = self.union()?;
        if self.peek() != Some(&Tok::Colon) {
            return Ok(first);
        }
        let mut items = vec![first];
        while self.eat(&Tok::Colon) {
            if matches!(self.peek(), None | Some(Tok::Comma | Tok::Semi | Tok::Sep)) {
                break;
            }
            items.push(self.union()?);
            self.check_items(items.len())?;
        }
        Ok(match items.len() {
            1 => items.pop().unwrap_or(Node::int(0)),
            2 => {
                let b = items.pop().unwrap_or(Node::int(1));
                let a = items.pop().unwrap_or(Node::int(0));
                Node::Div(Box::new(a), Box::new(b))
            }
            _ => Node::Tuple(items, Bracket::Round, Bracket::Round),
        })
    }

    fn union(&mut self) -> Result<Node, MathError> {
        let first = self.add()?;
        if self.peek() != Some(&Tok::Cup) {
            return Ok(first);
        }
        let mut items = vec![first];
        while self.eat(&Tok::Cup) {
            items.push(self.add()?);
            self.check_items(items.len())?;
        }
        Ok(if items.len() == 1 {
            items.pop().unwrap_or(Node::int(0))
        } else {
            Node::Union(items)
        })
    }

    fn add(&mut self) -> Result<Node, MathError> {
        let first = self.mul()?;
        if !matches!(self.peek(), Some(Tok::Plus | Tok::Minus | Tok::Pm)) {
            return Ok(first);
        }
        let mut terms = vec![first];
        let mut pms = 0;
        loop {
            match self.peek() {
                Some(Tok::Plus) => {
                    self.pos += 1;
                    terms.push(self.mul()?);
                }
                Some(Tok::Minus) => {
                    self.pos += 1;
                    terms.push(Node::Neg(Box::new(self.mul()?)));
                }
                Some(Tok::Pm) => {
                    self.pos += 1;
                    pms += 1;
                    if pms > 3 {
                        return Err(MathError::Limit("more than 3 ± in one expression".into()));
                    }
                    let acc = if terms.len() == 1 {
                        terms.pop().unwrap_or(Node::int(0))
                    } else {
                        Node::Add(std::mem::take(&mut terms))
                    };
                    let rhs = self.mul()?;
                    terms = vec![Node::Pm(Box::new(acc), Box::new(rhs))];
                }
                _ => break,
            }
            self.check_items(terms.len())?;
        }
        Ok(if terms.len() == 1 {
            terms.pop().unwrap_or(Node::int(0))
        } else {
            Node::Add(terms)
        })
    }

    fn mul(&mut self) -> Result<Node, MathError> {
        let first = self.unary()?;
        match self.peek() {
            Some(Tok::Star | Tok::Slash) => {}
            Some(t) if starts_primary(t, self.abs_depth > 0) => {}
            _ => return Ok(first),
        }
        let mut factors = vec![first];
        loop {
            match self.peek() {
                Some(Tok::Star) => {
                    self.pos += 1;
                    factors.push(self.unary()?);
                }
                Some(Tok::Slash) => {
                    self.pos += 1;
                    let d = self.unary()?;
                    factors.push(Node::Pow(Box::new(d), Box::new(Node::int(-1))));
                }
                Some(t) if starts_primary(t, self.abs_depth > 0) => {
                    factors.push(self.power()?);
                }
                _ => break,
            }
            self.check_items(factors.len())?;
        }
        Ok(if factors.len() == 1 {
            factors.pop().unwrap_or(Node::int(0))
        } else {
            Node::Mul(factors)
        })
    }

    fn unary(&mut self) -> Result<Node, MathError> {
        self.enter()?;
        let n = match self.peek() {
            Some(Tok::Minus) => {
                self.pos += 1;
                Node::Neg(Box::new(self.unary()?))
            }
            Some(Tok::Plus) => {
                self.pos += 1;
                self.unary()?
            }
            Some(Tok::Pm) => {
                self.pos += 1;
                Node::Pm(Box::new(Node::int(0)), Box::new(self.unary()?))
            }
            _ => self.power()?,
        };
        self.leave();
        Ok(n)
    }

    /// `^\circ`, `^{\circ}`.
    fn degree_follows(&self) -> usize {
        match (self.peek_at(1), self.peek_at(2), self.peek_at(3)) {
            (Some(Tok::Degree), ..) => 2,
            (Some(Tok::LBrace), Some(Tok::Degree), Some(Tok::RBrace)) => 4,
            _ => 0,
        }
    }

    fn power(&mut self) -> Result<Node, MathError> {
        let mut base = self.primary()?;
        let mut post = 0;
        loop {
            match self.peek() {
                Some(Tok::Caret) => {
                    let k = self.degree_follows();
                    if k > 0 {
                        self.pos += k;
                        base = Node::Degree(Box::new(base));
                    } else {
                        self.pos += 1;
                        let e = self.exponent()?;
                        base = Node::Pow(Box::new(base), Box::new(e));
                    }
                }
                Some(Tok::Bang) => {
                    self.pos += 1;
                    base = Node::Apply(Func::Fact, vec![base]);
                }
                Some(Tok::Percent) => {
                    self.pos += 1;
                    base = Node::Percent(Box::new(base));
                }
                Some(Tok::Degree) => {
                    self.pos += 1;
                    base = Node::Degree(Box::new(base));
                }
                Some(Tok::Underscore) => {
                    self.pos += 1;
                    self.subscript()?;
                }
                _ => break,
            }
            post += 1;
            if post > 6 {
                return Err(MathError::Limit(
                    "more than 6 postfix operators in a row".into(),
                ));
            }
        }
        Ok(base)
    }

    fn exponent(&mut self) -> Result<Node, MathError> {
        self.enter()?;
        let n = match self.peek() {
            Some(Tok::Minus) => {
                self.pos += 1;
                Node::Neg(Box::new(self.exponent()?))
            }
            Some(Tok::Plus) => {
                self.pos += 1;
                self.exponent()?
            }
            Some(Tok::LBrace) => self.primary()?,
            Some(Tok::Num(_)) => self.primary()?,
            _ => self.power()?,
        };
        self.leave();
        Ok(n)
    }

    /// A subscript's text (`x_1`, `a_{n+1}`), used to name a variable.
    fn subscript(&mut self) -> Result<String, MathError> {
        let mut s = String::new();
        let mut depth = 0i32;
        loop {
            self.ticker.tick()?;
            let Some(t) = self.take() else {
                break;
            };
            self.pos += 1;
            match t {
                Tok::LBrace => depth += 1,
                Tok::RBrace => depth -= 1,
                Tok::Num(n) => s.push_str(&n),
                Tok::Ident(n) => s.push_str(&n),
                Tok::Plus => s.push('+'),
                Tok::Minus => s.push('-'),
                Tok::Comma => s.push(','),
                Tok::Const(Const::Inf) => s.push_str("oo"),
                _ => s.push('?'),
            }
            if depth <= 0 {
                break;
            }
        }
        Ok(s)
    }

    /// An argument of `\frac`, `\sqrt`, `\binom`: a `{…}` group, one digit of a digit run
    /// (`\frac12`), or one primary.
    fn arg(&mut self) -> Result<Node, MathError> {
        if self.peek() == Some(&Tok::LBrace) && self.peek_at(1) == Some(&Tok::RBrace) {
            // `\sqrt{}`, `\frac{}{}`: an empty argument (they were 1).
            return Err(MathError::Parse("an empty argument `{}`".into()));
        }
        if let Some(Tok::Num(s)) = self.peek() {
            if s.len() > 1 && s.bytes().all(|c| c.is_ascii_digit()) {
                let first = s[..1].to_string();
                let rest = s[1..].to_string();
                self.toks[self.pos] = Tok::Num(rest);
                return num_from_text(&first);
            }
        }
        self.primary()
    }

    /// After an integer: `\frac{p}{q}` with integer `p < q` (a mixed number), consumed.
    fn mixed_fraction(&mut self, int: &str) -> Result<Option<(Node, bool)>, MathError> {
        if !int.bytes().all(|c| c.is_ascii_digit()) || self.peek() != Some(&Tok::Frac) {
            return Ok(None);
        }
        let is_int = |t: Option<&Tok>| match t {
            Some(Tok::Num(s)) => s.bytes().all(|c| c.is_ascii_digit()),
            _ => false,
        };
        let braced = |k: usize| {
            self.peek_at(k) == Some(&Tok::LBrace)
                && is_int(self.peek_at(k + 1))
                && self.peek_at(k + 2) == Some(&Tok::RBrace)
        };
        let ok = (braced(1) && braced(4))
            || matches!(self.peek_at(1), Some(Tok::Num(s)) if s.len() == 2 && s.bytes().all(|c| c.is_ascii_digit()));
        if !ok {
            return Ok(None);
        }
        self.pos += 1;
        let a = self.arg()?;
        let b = self.arg()?;
        let (Node::Num(p, _), Node::Num(q, _)) = (&a, &b) else {
            return Ok(None);
        };
        // Whether the integer and the fraction make a mixed number (a proper fraction: `3\frac12`
        // is 7/2), or a product (`3\frac52` is 15/2, as LaTeX writes it).
        let mixed = !q.is_zero() && p < q;
        Ok(Some((
            Node::Mul(vec![a, Node::Pow(Box::new(b), Box::new(Node::int(-1)))]),
            mixed,
        )))
    }

    fn group(&mut self, close: &Tok) -> Result<Node, MathError> {
        let n = self.list()?;
        self.expect(close)?;
        Ok(n)
    }

    fn items_of(n: Node) -> Vec<Node> {
        match n {
            Node::List(v) => v,
            other => vec![other],
        }
    }

    fn func(&mut self, f: Func) -> Result<Node, MathError> {
        let mut f = f;
        let mut power = None;
        let mut base = None;
        for _ in 0..2 {
            if self.peek() == Some(&Tok::Caret) {
                self.pos += 1;
                let e = self.exponent()?;
                let minus_one = matches!(&e, Node::Neg(b) if **b == Node::int(1));
                match f.inverse() {
                    Some(inv) if minus_one => f = inv,
                    _ => power = Some(e),
                }
            } else if self.peek() == Some(&Tok::Underscore) && f == Func::Log {
                self.pos += 1;
                base = Some(self.exponent()?);
            }
        }
        let arg = match self.peek() {
            Some(Tok::LParen) => {
                self.pos += 1;
                let inner = self.list()?;
                if !self.eat(&Tok::RParen) {
                    self.expect(&Tok::RBrack)?;
                }
                inner
            }
            Some(Tok::LBrace) => self.primary()?,
            _ => self.func_arg()?,
        };
        let mut args = Self::items_of(arg);
        if f == Func::Log {
            if let Some(b) = base {
                args = vec![args.swap_remove(0), b];
            } else if args.len() == 1 {
                f = Func::Ln;
            } else {
                // log(x, b)
                args.truncate(2);
            }
        }
        let n = match f {
            Func::Sqrt if args.len() == 1 => {
                Node::Pow(Box::new(args.swap_remove(0)), Box::new(half()))
            }
            _ => Node::Apply(f, args),
        };
        Ok(match power {
            Some(p) => Node::Pow(Box::new(n), Box::new(p)),
            None => n,
        })
    }

    /// `\sin 2x`: a product of powers, stopping at the next function.
    fn func_arg(&mut self) -> Result<Node, MathError> {
        self.enter()?;
        if self.eat(&Tok::Minus) {
            let n = Node::Neg(Box::new(self.func_arg()?));
            self.leave();
            return Ok(n);
        }
        let mut factors = vec![self.power()?];
        while let Some(t) = self.peek() {
            if matches!(t, Tok::Func(_)) || !starts_primary(t, self.abs_depth > 0) {
                break;
            }
            factors.push(self.power()?);
            self.check_items(factors.len())?;
        }
        self.leave();
        Ok(if factors.len() == 1 {
            factors.pop().unwrap_or(Node::int(0))
        } else {
            Node::Mul(factors)
        })
    }

    fn bracketed(&mut self, open: Bracket) -> Result<Node, MathError> {
        let inner = self.list()?;
        let close = match self.peek() {
            Some(Tok::RParen) => Bracket::Round,
            Some(Tok::RBrack) => Bracket::Square,
            other => {
                return Err(MathError::Parse(format!(
                    "unclosed bracket, found {other:?}"
                )))
            }
        };
        self.pos += 1;
        match inner {
            Node::List(items) => Ok(Node::Tuple(items, open, close)),
            n if open == close => Ok(n),
            _ => Err(MathError::Parse(
                "mismatched brackets around one item".into(),
            )),
        }
    }

    fn matrix(&mut self, env: &str) -> Result<Node, MathError> {
        let is_matrix = env.ends_with("matrix") || env == "array";
        let mut rows: Vec<Vec<Node>> = vec![Vec::new()];
        loop {
            self.ticker.tick()?;
            match self.peek() {
                None => return Err(MathError::Parse(format!("unclosed environment {env}"))),
                Some(Tok::End(_)) => {
                    self.pos += 1;
                    break;
                }
                Some(Tok::Amp) => {
                    self.pos += 1;
                    if !is_matrix {
                        continue;
                    }
                }
                Some(Tok::RowSep) => {
                    self.pos += 1;
                    if rows.last().is_some_and(|r| !r.is_empty()) {
                        rows.push(Vec::new());
                    }
                }
                Some(Tok::Comma | Tok::Sep | Tok::Semi) if !is_matrix => {
                    self.pos += 1;
                    if rows.last().is_some_and(|r| !r.is_empty()) {
                        rows.push(Vec::new());
                    }
                }
                _ => {
                    let cell = self.rel()?;
                    if let Some(r) = rows.last_mut() {
                        r.push(cell);
                        self.check_items(r.len())?;
                    }
                    self.check_items(rows.len())?;
                }
            }
        }
        if rows.last().is_some_and(|r| r.is_empty()) {
            rows.pop();
        }
        if rows.is_empty() {
            return Err(MathError::Parse(format!("empty environment {env}")));
        }
        if !is_matrix {
            let mut items: Vec<Node> = rows.into_iter().flatten().collect();
            return Ok(if items.len() == 1 {
                items.pop().unwrap_or(Node::int(0))
            } else {
                Node::List(items)
            });
        }
        let w = rows[0].len();
        if rows.iter().any(|r| r.len() != w) {
            return Err(MathError::Parse("matrix rows of different lengths".into()));
        }
        Ok(Node::Matrix(rows))
    }

    fn primary(&mut self) -> Result<Node, MathError> {
        self.enter()?;
        let Some(t) = self.take() else {
            return Err(MathError::Parse("unexpected end".into()));
        };
        self.pos += 1;
        let n = match t {
            Tok::Num(s) => {
                let n = num_from_text(&s)?;
                match self.mixed_fraction(&s)? {
                    // `3\frac{1}{2}` is the mixed number 3½; `3\frac{5}{2}` a product (it was
                    // added too: 11/2).
                    Some((frac, true)) => Node::Add(vec![n, frac]),
                    Some((frac, false)) => Node::Mul(vec![n, frac]),
                    None => n,
                }
            }
            Tok::Ident(name)
                if (matches!(name.as_str(), "f" | "g" | "h")
                    && self.peek() == Some(&Tok::LParen))
                    || (self.pos == 1 && self.defines_function(&name)) =>
            {
                // `f(x)`: a function's value, named as one symbol.
                self.pos += 1;
                let inner = self.list()?;
                self.expect(&Tok::RParen)?;
                Node::Sym(format!("{name}({inner})"))
            }
            Tok::Ident(name) => {
                let mut name = name;
                if self.peek() == Some(&Tok::Underscore) {
                    self.pos += 1;
                    let sub = self.subscript()?;
                    name = format!("{name}_{sub}");
                }
                match name.as_str() {
                    "e" => Node::Const(Const::E),
                    "i" => Node::Const(Const::I),
                    _ => Node::Sym(name),
                }
            }
            Tok::Const(c) => Node::Const(c),
            Tok::Func(f) => self.func(f)?,
            Tok::Frac => {
                let a = self.arg()?;
                let b = self.arg()?;
                Node::Mul(vec![a, Node::Pow(Box::new(b), Box::new(Node::int(-1)))])
            }
            Tok::Sqrt => {
                let idx = if self.eat(&Tok::LBrack) {
                    Some(self.group(&Tok::RBrack)?)
                } else {
                    None
                };
                let x = self.arg()?;
                match idx {
                    Some(k) => Node::Apply(Func::Root, vec![x, k]),
                    None => Node::Pow(Box::new(x), Box::new(half())),
                }
            }
            Tok::Binom => {
                let a = self.arg()?;
                let b = self.arg()?;
                Node::Apply(Func::Binom, vec![a, b])
            }
            Tok::LParen => self.bracketed(Bracket::Round)?,
            Tok::LBrack => self.bracketed(Bracket::Square)?,
            Tok::LBrace => {
                if self.eat(&Tok::RBrace) {
                    // `{}` beside what it multiplies (`{}^\circ`, `{}x`) is one; alone, or as an
                    // operand (`{}!`, `|{}|`), it is nothing, refused (it was the value 1).
                    if !matches!(
                        self.peek(),
                        Some(
                            Tok::Caret
                                | Tok::Underscore
                                | Tok::Ident(_)
                                | Tok::Num(_)
                                | Tok::Const(_)
                                | Tok::Func(_)
                                | Tok::LParen
                                | Tok::Frac
                                | Tok::Sqrt
                        )
                    ) {
                        return Err(MathError::Parse("an empty group `{}`".into()));
                    }
                    Node::int(1)
                } else {
                    match self.group(&Tok::RBrace)? {
                        Node::List(items) => Node::Set(items),
                        n => n,
                    }
                }
            }
            Tok::LSet => {
                if self.eat(&Tok::RSet) {
                    Node::Set(Vec::new())
                } else {
                    let inner = self.group(&Tok::RSet)?;
                    Node::Set(Self::items_of(inner))
                }
            }
            Tok::EmptySet => Node::Set(Vec::new()),
            Tok::Reals => {
                let inf = Node::Const(Const::Inf);
                Node::Tuple(
                    vec![Node::Neg(Box::new(inf.clone())), inf],
                    Bracket::Round,
                    Bracket::Round,
                )
            }
            Tok::Bar => {
                self.abs_depth += 1;
                let inner = self.add()?;
                self.abs_depth -= 1;
                self.expect(&Tok::Bar)?;
                Node::Apply(Func::Abs, vec![inner])
            }
            Tok::LFloor => {
                let inner = self.add()?;
                self.expect(&Tok::RFloor)?;
                Node::Apply(Func::Floor, vec![inner])
            }
            Tok::LCeil => {
                let inner = self.add()?;
                self.expect(&Tok::RCeil)?;
                Node::Apply(Func::Ceil, vec![inner])
            }
            Tok::Begin(env) => self.matrix(&env)?,
            other => return Err(MathError::Parse(format!("unexpected {other:?}"))),
        };
        self.leave();
        Ok(n)
    }
}

fn half() -> Node {
    Node::Num(BigRational::new(BigInt::one(), BigInt::from(2)), None)
}
