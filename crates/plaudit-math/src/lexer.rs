//! Turns LaTeX or plain-text mathematics into tokens. One pass, linear in the input; commands
//! that only change appearance (`\left`, `\displaystyle`, spacing) produce nothing.

use crate::ast::{Const, Func, Rel};
use crate::limits::{Limits, MathError, Ticker};

#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    /// Digits with at most one decimal point, and an optional exponent (`1.5e-3`).
    Num(String),
    /// A variable name (`x`, `theta`, `x_1` is built by the parser).
    Ident(String),
    /// A word that is not mathematics (units, prose); dropped before parsing.
    Word(String),
    Const(Const),
    Func(Func),
    /// `\frac`, `\sqrt`, `\binom`.
    Frac,
    Sqrt,
    Binom,
    Begin(String),
    End(String),
    LBrace,
    RBrace,
    LSet,
    RSet,
    LParen,
    RParen,
    LBrack,
    RBrack,
    Bar,
    LFloor,
    RFloor,
    LCeil,
    RCeil,
    Plus,
    Minus,
    Pm,
    Star,
    Slash,
    Caret,
    Underscore,
    Bang,
    Percent,
    Degree,
    Comma,
    Semi,
    Amp,
    RowSep,
    Rel(Rel),
    /// `\approx`: what follows is an approximation of what precedes it.
    Approx,
    /// `:` (a ratio `3:4`, a time `12:00`).
    Colon,
    Cup,
    /// "and", "or", `\text{ or }`: separates several answers.
    Sep,
    EmptySet,
    Reals,
}

/// A Unicode superscript character as the ASCII character it raises (`²` → `2`, `⁻` → `-`).
fn superscript(c: char) -> Option<char> {
    Some(match c {
        '⁰' => '0',
        '¹' => '1',
        '²' => '2',
        '³' => '3',
        '⁴' => '4',
        '⁵' => '5',
        '⁶' => '6',
        '⁷' => '7',
        '⁸' => '8',
        '⁹' => '9',
        '⁺' => '+',
        '⁻' => '-',
        _ => return None,
    })
}

/// A Unicode subscript character as the ASCII character it lowers (`₃` → `3`).
fn subscript(c: char) -> Option<char> {
    Some(match c {
        '₀'..='₉' => char::from(b'0' + (c as u32 - '₀' as u32) as u8),
        '₊' => '+',
        '₋' => '-',
        _ => return None,
    })
}

/// A Unicode vulgar fraction as its numerator and denominator (`¾` → 3/4).
fn vulgar_fraction(c: char) -> Option<(u8, u8)> {
    Some(match c {
        '½' => (1, 2),
        '⅓' => (1, 3),
        '⅔' => (2, 3),
        '¼' => (1, 4),
        '¾' => (3, 4),
        '⅕' => (1, 5),
        '⅖' => (2, 5),
        '⅗' => (3, 5),
        '⅘' => (4, 5),
        '⅙' => (1, 6),
        '⅚' => (5, 6),
        '⅐' => (1, 7),
        '⅛' => (1, 8),
        '⅜' => (3, 8),
        '⅝' => (5, 8),
        '⅞' => (7, 8),
        '⅑' => (1, 9),
        '⅒' => (1, 10),
        _ => return None,
    })
}

fn greek(name: &str) -> bool {
    matches!(
        name,
        "alpha"
            | "beta"
            | "gamma"
            | "delta"
            | "epsilon"
            | "varepsilon"
            | "zeta"
            | "eta"
            | "theta"
            | "vartheta"
            | "iota"
            | "kappa"
            | "lambda"
            | "mu"
            | "nu"
            | "xi"
            | "rho"
            | "sigma"
            | "tau"
            | "upsilon"
            | "phi"
            | "varphi"
            | "chi"
            | "psi"
            | "omega"
            | "Gamma"
            | "Delta"
            | "Theta"
            | "Lambda"
            | "Xi"
            | "Sigma"
            | "Phi"
            | "Psi"
            | "Omega"
    )
}

/// Function names, in LaTeX (`\sin`) and plain text (`sin`).
pub fn func_named(name: &str) -> Option<Func> {
    Some(match name {
        "sin" => Func::Sin,
        "cos" => Func::Cos,
        "tan" | "tg" => Func::Tan,
        "cot" | "ctg" => Func::Cot,
        "sec" => Func::Sec,
        "csc" | "cosec" => Func::Csc,
        "arcsin" | "asin" => Func::Asin,
        "arccos" | "acos" => Func::Acos,
        "arctan" | "atan" => Func::Atan,
        "arccot" | "acot" => Func::Acot,
        "arcsec" | "asec" => Func::Asec,
        "arccsc" | "acsc" => Func::Acsc,
        "sinh" => Func::Sinh,
        "cosh" => Func::Cosh,
        "tanh" => Func::Tanh,
        "ln" => Func::Ln,
        "log" | "lg" => Func::Log,
        "exp" => Func::Exp,
        "sqrt" => Func::Sqrt,
        "abs" => Func::Abs,
        "floor" => Func::Floor,
        "ceil" => Func::Ceil,
        _ => return None,
    })
}

/// Short unit words that would otherwise read as products of variables.
fn short_unit(w: &str) -> bool {
    matches!(
        w,
        "cm" | "mm"
            | "km"
            | "kg"
            | "mg"
            | "ml"
            | "mL"
            | "ft"
            | "hr"
            | "hrs"
            | "yd"
            | "mi"
            | "oz"
            | "lb"
            | "lbs"
            | "mph"
            | "sec"
            | "min"
            | "cc"
            | "kph"
            | "kmh"
            | "in"
            | "am"
            | "pm"
            | "AM"
            | "PM"
            | "st"
            | "nd"
            | "rd"
            | "th"
    )
}

/// Commands that print nothing mathematical.
fn ignorable(name: &str) -> bool {
    matches!(
        name,
        "left"
            | "right"
            | "big"
            | "Big"
            | "bigg"
            | "Bigg"
            | "bigl"
            | "bigr"
            | "Bigl"
            | "Bigr"
            | "biggl"
            | "biggr"
            | "displaystyle"
            | "textstyle"
            | "scriptstyle"
            | "quad"
            | "qquad"
            | "limits"
            | "nolimits"
            | "boxed"
            | "fbox"
            | "framebox"
            | "hline"
            | "middle"
            | "space"
            | "thinspace"
            | "enspace"
            | "nonumber"
            | "notag"
            | "dollar"
            | "ensuremath"
            | "overline"
            | "underline"
            | "vec"
            | "hat"
            | "bar"
            | "tilde"
            | "widehat"
            | "overrightarrow"
            | "mathrm"
            | "mathbf"
            | "mathit"
            | "mathsf"
            | "mathcal"
            | "boldsymbol"
            | "bm"
            | "rm"
            | "bf"
            | "it"
            | "cal"
            | "color"
            | "phantom"
            | "hphantom"
            | "vphantom"
            | "smash"
            | "operatorname"
    )
}

/// Command names that, written after `\\\\`, are a doubly escaped command rather than text
/// following a row break.
fn doubly_escaped(name: &str) -> bool {
    matches!(
        name,
        "frac"
            | "dfrac"
            | "tfrac"
            | "sqrt"
            | "left"
            | "right"
            | "cdot"
            | "times"
            | "le"
            | "leq"
            | "ge"
            | "geq"
            | "neq"
            | "pi"
            | "infty"
            | "boxed"
            | "text"
            | "mathrm"
            | "cup"
            | "pm"
            | "circ"
            | "begin"
            | "end"
            | "sin"
            | "cos"
            | "tan"
            | "log"
            | "ln"
            | "quad"
    )
}

struct Lexer<'s, 'b> {
    s: &'s str,
    b: &'s [u8],
    i: usize,
    out: Vec<Tok>,
    ticker: &'b Ticker<'b>,
    limits: &'b Limits,
    /// Depth of ( [ \{ brackets: thousands separators are read only at depth 0.
    bracket_depth: i32,
    /// Nesting of `\text{…}` groups lexed as mathematics.
    depth: usize,
}

/// Tokenise `s`.
pub fn lex(s: &str, limits: &Limits, ticker: &Ticker) -> Result<Vec<Tok>, MathError> {
    let mut toks = lex_at(s, limits, ticker, 0)?;
    let wordy = |t: &Tok| matches!(t, Tok::Word(_) | Tok::LBrace | Tok::RBrace);
    if toks.iter().all(wordy) {
        // Groups holding nothing but words (`\mathrm{undefined}`, `{}`): the words, not the
        // empty product 1 that an empty group stands for beside something (`{}^\circ`).
        toks.retain(|t| matches!(t, Tok::Word(_)));
        return Ok(toks);
    }
    // A word that negates or bounds the value written right after it (`\text{not } 4`,
    // `\text{at least } 4`, `less than 4`), or bounds it after "or" (`4 \text{ or more}`), makes
    // the answer something other than the value: refused, where dropping the word would leave
    // the value. Words after the value (`6 \text{ more apples}`, `12 (not including tax)`) and
    // inside it (`P(\text{at least one}) = \frac14`) are its prose, and stay dropped.
    let math = |t: &Tok| !matches!(t, Tok::Word(_) | Tok::LBrace | Tok::RBrace);
    let refusing = |t: &Tok| matches!(t, Tok::Word(w) if refusing_word(w));
    if let Some(first) = toks.iter().position(math) {
        if let Some(w) = toks[..first]
            .iter()
            .rev()
            .find(|t| matches!(t, Tok::Word(_)))
            .filter(|t| refusing(t))
        {
            return Err(MathError::Parse(format!(
                "the answer says `{}` before its value",
                word_of(w)
            )));
        }
    }
    if let Some(k) = toks.iter().rposition(|t| *t == Tok::Sep) {
        let rest = &toks[k + 1..];
        if let Some(w) = rest
            .iter()
            .find(|t| refusing(t))
            .filter(|_| !rest.iter().any(math))
        {
            return Err(MathError::Parse(format!(
                "the answer says `or {}` after its value",
                word_of(w)
            )));
        }
    }
    Ok(toks)
}

fn word_of(t: &Tok) -> &str {
    match t {
        Tok::Word(w) => w,
        _ => "",
    }
}

/// Words that negate or bound the value they stand before.
pub(crate) fn refusing_word(w: &str) -> bool {
    matches!(
        w.to_ascii_lowercase().as_str(),
        "not"
            | "no"
            | "never"
            | "neither"
            | "nor"
            | "except"
            | "excluding"
            | "without"
            | "but"
            | "least"
            | "most"
            | "more"
            | "less"
            | "fewer"
            | "greater"
            | "smaller"
            | "larger"
            | "higher"
            | "lower"
            | "than"
            | "over"
            | "above"
            | "below"
            | "under"
            | "beyond"
            | "exceeding"
            | "exceeds"
            | "maximum"
            | "minimum"
            | "isn't"
            | "isnt"
            | "cannot"
    )
}

fn lex_at(s: &str, limits: &Limits, ticker: &Ticker, depth: usize) -> Result<Vec<Tok>, MathError> {
    if depth > 4 {
        return Err(MathError::Limit(
            "`\\text{}` nested more than 4 deep".into(),
        ));
    }
    if s.len() > limits.max_answer_len {
        return Err(MathError::Limit(format!(
            "answer of {} bytes is longer than {} bytes",
            s.len(),
            limits.max_answer_len
        )));
    }
    let mut lx = Lexer {
        s,
        b: s.as_bytes(),
        i: 0,
        // About a token per byte or two in short answers: no regrowth for the common case.
        out: Vec::with_capacity(s.len().min(256)),
        ticker,
        limits,
        bracket_depth: 0,
        depth,
    };
    lx.run()?;
    Ok(lx.out)
}

impl Lexer<'_, '_> {
    fn peek(&self) -> u8 {
        self.b.get(self.i).copied().unwrap_or(0)
    }

    fn at(&self, k: usize) -> u8 {
        self.b.get(self.i + k).copied().unwrap_or(0)
    }

    fn push(&mut self, t: Tok) {
        // `30^\circ C`: the scale of a temperature, not a factor C.
        let t = match t {
            Tok::Ident(s)
                if matches!(s.as_str(), "C" | "F")
                    && (self.out.last() == Some(&Tok::Degree)
                        || self.out.ends_with(&[Tok::Degree, Tok::RBrace])) =>
            {
                Tok::Word(s)
            }
            t => t,
        };
        match t {
            Tok::LParen | Tok::LBrack | Tok::LSet => self.bracket_depth += 1,
            Tok::RParen | Tok::RBrack | Tok::RSet => self.bracket_depth -= 1,
            _ => {}
        }
        self.out.push(t);
    }

    fn run(&mut self) -> Result<(), MathError> {
        while self.i < self.b.len() {
            self.ticker.tick()?;
            let c = self.peek();
            if c.is_ascii_digit() || (c == b'.' && self.at(1).is_ascii_digit()) {
                self.number()?;
                continue;
            }
            if c.is_ascii_alphabetic() {
                self.word();
                continue;
            }
            self.i += 1;
            match c {
                b'\\' => self.command()?,
                b' ' | b'\t' | b'\n' | b'\r' | b'$' | b'~' | b'\'' | b'"' | b'`' => {}
                b'{' => {
                    // `{,}` is LaTeX's thousands separator.
                    if self.at(0) == b',' && self.at(1) == b'}' {
                        self.i += 2;
                        self.push(Tok::Comma);
                    } else {
                        self.push(Tok::LBrace)
                    }
                }
                b'}' => self.push(Tok::RBrace),
                b'(' => self.push(Tok::LParen),
                b')' => self.push(Tok::RParen),
                b'[' => self.push(Tok::LBrack),
                b']' => self.push(Tok::RBrack),
                b'|' => self.push(Tok::Bar),
                b'+' => self.push(Tok::Plus),
                b'-' => self.push(Tok::Minus),
                b'*' => {
                    if self.peek() == b'*' {
                        self.i += 1;
                        self.push(Tok::Caret);
                    } else {
                        self.push(Tok::Star);
                    }
                }
                b'/' => self.push(Tok::Slash),
                b'^' => self.push(Tok::Caret),
                b'_' => self.push(Tok::Underscore),
                b'!' => {
                    if self.peek() == b'=' {
                        self.i += 1;
                        self.push(Tok::Rel(Rel::Ne));
                    } else {
                        self.push(Tok::Bang)
                    }
                }
                b'%' => self.push(Tok::Percent),
                b',' => self.push(Tok::Comma),
                b';' => self.push(Tok::Semi),
                b'&' => self.push(Tok::Amp),
                b'=' => {
                    if self.peek() == b'=' {
                        self.i += 1;
                    }
                    self.push(Tok::Rel(Rel::Eq))
                }
                b'<' => {
                    if self.peek() == b'=' {
                        self.i += 1;
                        self.push(Tok::Rel(Rel::Le))
                    } else {
                        self.push(Tok::Rel(Rel::Lt))
                    }
                }
                b'>' => {
                    if self.peek() == b'=' {
                        self.i += 1;
                        self.push(Tok::Rel(Rel::Ge))
                    } else {
                        self.push(Tok::Rel(Rel::Gt))
                    }
                }
                b':' => self.push(Tok::Colon),
                b'.' => {
                    // `.\overline{3}`: a repeating decimal with no integer part.
                    self.repeating_decimal("0", "")?;
                }
                _ if c >= 0x80 => {
                    self.i -= 1;
                    self.unicode()?;
                }
                _ => self.push(Tok::Word((c as char).to_string())),
            }
        }
        Ok(())
    }

    fn unicode(&mut self) -> Result<(), MathError> {
        let ch = self.s[self.i..].chars().next().unwrap_or(' ');
        self.i += ch.len_utf8();
        let t = match ch {
            'π' => Tok::Const(Const::Pi),
            '∞' => Tok::Const(Const::Inf),
            '√' | '∛' | '∜' => return self.radical(ch),
            '×' | '·' | '⋅' | '∙' => Tok::Star,
            '÷' | '∕' | '⁄' => Tok::Slash,
            '−' | '–' | '—' => Tok::Minus,
            '±' => Tok::Pm,
            '∓' => Tok::Pm,
            '≤' | '⩽' => Tok::Rel(Rel::Le),
            '≥' | '⩾' => Tok::Rel(Rel::Ge),
            '≠' => Tok::Rel(Rel::Ne),
            '≈' => Tok::Approx,
            '≡' => Tok::Rel(Rel::Eq),
            '∈' => Tok::Rel(Rel::In),
            '∪' => Tok::Cup,
            '°' => Tok::Degree,
            '⌊' => Tok::LFloor,
            '⌋' => Tok::RFloor,
            '⌈' => Tok::LCeil,
            '⌉' => Tok::RCeil,
            '∗' => Tok::Star,
            // Dashes and minus signs beyond `−` `–` `—`, and plus signs: dropping one turned
            // `‐2` into 2.
            '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2015}' | '\u{2043}' | '\u{2e3a}'
            | '\u{2e3b}' | '\u{fe58}' | '\u{fe63}' | '\u{ff0d}' | '\u{2d7}' | '\u{2796}' => {
                Tok::Minus
            }
            '\u{ff0b}' | '\u{2795}' | '\u{fe62}' => Tok::Plus,
            '∨' => Tok::Sep,
            // Prose between statements, as `\therefore`, `\angle` and `\to` are words.
            '∴'
            | '∵'
            | '∠'
            | '\u{2190}'..='\u{21ff}'
            | '\u{27f0}'..='\u{27ff}'
            | '\u{2900}'..='\u{297f}' => Tok::Word(ch.to_string()),
            // `x ≠ 5` (a combining long solidus) is `x ≠ 5`; over anything else a negation
            // this lexer does not read.
            '\u{338}' => {
                if self.out.last() == Some(&Tok::Rel(Rel::Eq)) {
                    self.out.pop();
                    Tok::Rel(Rel::Ne)
                } else {
                    return Err(MathError::Parse(
                        "a struck-through symbol (U+0338) other than `=`".into(),
                    ));
                }
            }
            '¬' => return Err(MathError::Parse("a negation (`¬`) is not an answer".into())),
            '∅' => Tok::EmptySet,
            'ℝ' => Tok::Reals,
            c if superscript(c).is_some() => {
                self.i -= c.len_utf8();
                return self.script(superscript, Tok::Caret);
            }
            c if subscript(c).is_some() => {
                self.i -= c.len_utf8();
                return self.script(subscript, Tok::Underscore);
            }
            c if vulgar_fraction(c).is_some() => {
                // As `\frac{p}{q}`, so that `2½` is the mixed number 5/2, as `2\frac12` is.
                let (p, q) = vulgar_fraction(c).unwrap_or((1, 1));
                self.push_frac(p.to_string(), q.to_string());
                return Ok(());
            }
            '\u{a0}' | '\u{2009}' | '\u{202f}' | '\u{200b}' => return Ok(()),
            'α' => Tok::Ident("alpha".into()),
            'β' => Tok::Ident("beta".into()),
            'γ' => Tok::Ident("gamma".into()),
            'δ' => Tok::Ident("delta".into()),
            'θ' => Tok::Ident("theta".into()),
            'λ' => Tok::Ident("lambda".into()),
            'μ' => Tok::Ident("mu".into()),
            'φ' => Tok::Ident("phi".into()),
            'ω' => Tok::Ident("omega".into()),
            c if c.is_alphabetic() => {
                let mut w = String::from(c);
                while let Some(n) = self.s[self.i..]
                    .chars()
                    .next()
                    .filter(|c| c.is_alphabetic())
                {
                    self.ticker.tick()?;
                    w.push(n);
                    self.i += n.len_utf8();
                }
                Tok::Word(w)
            }
            // Other mathematical operators and relations (`∉`, `⊂`, `∩`, `≢`, `∧` …) and digits
            // of other scripts (`３`, `𝟑`, `①`): refused, since skipping them changes the value
            // (`x ∉ A` would read `x A`, `1２` would read 1).
            c if c.is_numeric()
                || matches!(c, '\u{2200}'..='\u{22ff}' | '\u{2a00}'..='\u{2aff}' | '\u{27c0}'..='\u{27ef}' | '\u{2980}'..='\u{29ff}') =>
            {
                return Err(MathError::Parse(format!(
                    "unknown symbol `{c}` (U+{:04X})",
                    c as u32
                )));
            }
            _ => return Ok(()),
        };
        self.push(t);
        Ok(())
    }

    /// Length of a thousands separator at `self.i`: `,`, `{,}`, `\,`, `\ `, `\!`, a single
    /// space, or a comma followed by `\!` or a space (`32,\! 349`); 0 when there is none.
    fn thousands_sep_len(&self) -> usize {
        let r = &self.s[self.i..];
        let mut k = if r.starts_with(',') {
            1
        } else if r.starts_with("{,}") {
            3
        } else {
            0
        };
        let mut spaces = 0;
        loop {
            let t = &r[k..];
            if t.starts_with("\\!") || t.starts_with("\\,") || t.starts_with("\\ ") {
                k += 2;
            } else if t.starts_with(' ') && spaces == 0 {
                k += 1;
                spaces += 1;
            } else {
                break;
            }
        }
        // A lone space separates groups only between digits (`1 000`), never after a comma
        // alone (`1, 000` is a list).
        if r.starts_with(',') && k > 1 && !r[1..k].contains('\\') {
            return 0;
        }
        k
    }

    /// `√16`, `∛8`, `∜81`: a radical sign takes the whole number written after it (`√16` is 4,
    /// where LaTeX's `\sqrt16` takes one digit: √1·6), or else what `\sqrt` takes (a group,
    /// a symbol).
    fn radical(&mut self, sign: char) -> Result<(), MathError> {
        self.push(Tok::Sqrt);
        let index = match sign {
            '∛' => Some("3"),
            '∜' => Some("4"),
            _ => None,
        };
        if let Some(k) = index {
            self.push(Tok::LBrack);
            self.push(Tok::Num(k.into()));
            self.push(Tok::RBrack);
        }
        while self.peek() == b' ' {
            self.i += 1;
        }
        if self.peek().is_ascii_digit() || (self.peek() == b'.' && self.at(1).is_ascii_digit()) {
            self.push(Tok::LBrace);
            self.number()?;
            self.push(Tok::RBrace);
        }
        Ok(())
    }

    /// A run of Unicode superscripts (`x²³`, `10⁻⁶`) or subscripts (`x₁₂`) as one `^{…}` or
    /// `_{…}` group: `mark` is the caret or the underscore, `map` reads each character.
    fn script(&mut self, map: fn(char) -> Option<char>, mark: Tok) -> Result<(), MathError> {
        self.push(mark);
        self.push(Tok::LBrace);
        let mut digits = String::new();
        while let Some(c) = self.s[self.i..].chars().next() {
            let Some(a) = map(c) else { break };
            self.ticker.tick()?;
            self.i += c.len_utf8();
            if a.is_ascii_digit() {
                digits.push(a);
                continue;
            }
            if !digits.is_empty() {
                self.script_number(std::mem::take(&mut digits))?;
            }
            self.push(if a == '-' { Tok::Minus } else { Tok::Plus });
        }
        if !digits.is_empty() {
            self.script_number(digits)?;
        }
        self.push(Tok::RBrace);
        Ok(())
    }

    fn script_number(&mut self, digits: String) -> Result<(), MathError> {
        if digits.len() > self.limits.max_digits {
            return Err(MathError::Limit(format!(
                "number with {} digits (max {})",
                digits.len(),
                self.limits.max_digits
            )));
        }
        self.push(Tok::Num(digits));
        Ok(())
    }

    fn digits(&mut self) -> usize {
        let st = self.i;
        while self.peek().is_ascii_digit() {
            self.i += 1;
        }
        self.i - st
    }

    fn number(&mut self) -> Result<(), MathError> {
        let start = self.i;
        let mut text = String::new();
        let int_len = self.digits();
        text.push_str(&self.s[start..self.i]);
        // Thousands separators: 1,234,567 (groups of exactly three digits), at bracket depth 0.
        if self.bracket_depth <= 0
            && (1..=3).contains(&int_len)
            && self.b[start] != b'0'
            && !self.s[..start].ends_with('.')
        {
            loop {
                let sep_len = self.thousands_sep_len();
                if sep_len == 0 {
                    break;
                }
                let g = self.i + sep_len;
                let grp = &self.b[g.min(self.b.len())..(g + 4).min(self.b.len())];
                let three = grp.len() >= 3 && grp[..3].iter().all(u8::is_ascii_digit);
                let fourth_digit = grp.len() == 4 && grp[3].is_ascii_digit();
                if !three || fourth_digit {
                    break;
                }
                text.push_str(&self.s[g..g + 3]);
                self.i = g + 3;
            }
        }
        let mut fraction = None;
        if self.peek() == b'.' && self.at(1).is_ascii_digit() {
            self.i += 1;
            text.push('.');
            let st = self.i;
            self.digits();
            text.push_str(&self.s[st..self.i]);
            fraction = Some(&self.s[st..self.i]);
        } else if self.peek() == b'.' && !self.at(1).is_ascii_alphabetic() && self.at(1) != b'.' {
            // "5." at the end of a sentence.
            self.i += 1;
            if self.s[self.i..].starts_with("\\overline") {
                fraction = Some("");
            }
        }
        if let Some(f) = fraction {
            if self.repeating_decimal(&self.s[start..start + int_len], f)? {
                return Ok(());
            }
        }
        // Scientific notation: 1.5e-3, 2E10 (a digit must follow).
        if matches!(self.peek(), b'e' | b'E') {
            let sign = matches!(self.at(1), b'+' | b'-');
            let d = if sign { self.at(2) } else { self.at(1) };
            if d.is_ascii_digit() && !self.at(if sign { 3 } else { 2 }).is_ascii_alphabetic() {
                let st = self.i;
                self.i += if sign { 2 } else { 1 };
                self.digits();
                text.push_str(&self.s[st..self.i].to_ascii_lowercase());
            }
        }
        let digit_count = text.bytes().filter(u8::is_ascii_digit).count();
        if digit_count > self.limits.max_digits {
            return Err(MathError::Limit(format!(
                "number with {digit_count} digits (max {})",
                self.limits.max_digits
            )));
        }
        if let Some((before, adjacent)) = self.number_before() {
            // `3 1/2` is the mixed number 7/2, as `3\frac12` is. Any other two numbers with only
            // spacing or words between them (`2 5`, `2 \text{ apples } 5`, `2 → 5`) are refused:
            // multiplying them would make `10` of `2 \Rightarrow 5`.
            if adjacent && self.mixed_fraction(&before, &text) {
                return Ok(());
            }
            return Err(MathError::Parse(format!(
                "two numbers side by side: `{before}` and `{text}`"
            )));
        }
        self.push(Tok::Num(text));
        Ok(())
    }

    /// After the digits of a decimal `int.frac`: a repeating part `\overline{digits}` makes
    /// it the fraction it equals (`0.\overline{36}` = 36/99, `1.2\overline{3}` = 111/90),
    /// pushed as `\frac{p}{q}`; `false` (nothing read) when no such part follows. Without this
    /// the bar was dropped and its digits multiplied: `0.\overline{72}` was 0, `1.\overline{6}`
    /// was 6.
    fn repeating_decimal(&mut self, int: &str, frac: &str) -> Result<bool, MathError> {
        let rest = &self.s[self.i..];
        let Some(after) = rest.strip_prefix("\\overline") else {
            return Ok(false);
        };
        let after_cmd = after.trim_start_matches(' ');
        let Some(group) = after_cmd.strip_prefix('{') else {
            return Ok(false);
        };
        let Some(close) = group.find('}') else {
            return Ok(false);
        };
        let rep = group[..close].trim();
        if rep.is_empty() || !rep.bytes().all(|c| c.is_ascii_digit()) || int.is_empty() {
            return Ok(false);
        }
        let digits = int.len() + frac.len() + rep.len();
        if digits > self.limits.max_digits {
            return Err(MathError::Limit(format!(
                "number with {digits} digits (max {})",
                self.limits.max_digits
            )));
        }
        // int.frac(rep)(rep)… = (int frac rep − int frac) / (10^|frac| · (10^|rep| − 1)).
        let whole = |t: &str| t.parse::<num_bigint::BigInt>().unwrap_or_default();
        let head = whole(&format!("{int}{frac}"));
        let p = whole(&format!("{int}{frac}{rep}")) - &head;
        let ten = num_bigint::BigInt::from(10u32);
        let q = num_traits::pow(ten.clone(), frac.len()) * (num_traits::pow(ten, rep.len()) - 1u32);
        self.i += rest.len() - group.len() + close + 1;
        if self.peek().is_ascii_digit() {
            return Err(MathError::Parse(
                "digits after a repeating decimal's bar".into(),
            ));
        }
        self.push_frac(p.to_string(), q.to_string());
        Ok(true)
    }

    /// `p/q` as the tokens of `\frac{p}{q}`, which the parser reads (a mixed number after an
    /// integer, as `3\frac12` is).
    fn push_frac(&mut self, p: String, q: String) {
        self.push(Tok::Frac);
        for n in [p, q] {
            self.push(Tok::LBrace);
            self.push(Tok::Num(n));
            self.push(Tok::RBrace);
        }
    }

    /// The number just before the one being read, when nothing but spacing or words (which the
    /// parser drops) separates them, and whether nothing at all does; not a script's number or
    /// a command's argument.
    fn number_before(&self) -> Option<(String, bool)> {
        // Back over words and whole groups of words (`\mathrm{apples}`, `{}`): balanced braces
        // only, so a number inside a group (`\frac{1}{2} 5`, `x^{2} 3`) is not reached.
        let mut depth = 0i32;
        for (k, t) in self.out.iter().enumerate().rev() {
            match t {
                Tok::Word(_) => {}
                Tok::RBrace => depth += 1,
                Tok::LBrace if depth > 0 => depth -= 1,
                Tok::Num(n) if depth == 0 => {
                    // A script's number or a command's first argument is not one of two side by
                    // side: `\log_2 8`, `x^2 3`, `\frac 3 4`, `\binom 5 2`, `\sqrt 2 3`.
                    let script = k > 0
                        && matches!(
                            self.out[k - 1],
                            Tok::Underscore | Tok::Caret | Tok::Frac | Tok::Binom | Tok::Sqrt
                        );
                    return (!script).then(|| (n.clone(), k + 1 == self.out.len()));
                }
                _ => return None,
            }
        }
        None
    }

    /// After a whole number `int` and a whole number `p` just read: when `/q` follows with a
    /// whole `q > p`, pushes `p/q` as `\frac{p}{q}` (which the parser adds to `int`), past it.
    fn mixed_fraction(&mut self, int: &str, p: &str) -> bool {
        let whole = |t: &str| !t.is_empty() && t.bytes().all(|c| c.is_ascii_digit());
        if !whole(int) || !whole(p) || self.peek() != b'/' {
            return false;
        }
        let st = self.i + 1;
        let q_len = self.b[st..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
        let q = &self.s[st..st + q_len];
        if q_len == 0 || self.b.get(st + q_len) == Some(&b'.') {
            return false;
        }
        match (p.parse::<u64>(), q.parse::<u64>()) {
            (Ok(pn), Ok(qn)) if pn < qn => {}
            _ => return false,
        }
        let q = q.to_string();
        self.i = st + q_len;
        self.push_frac(p.to_string(), q);
        true
    }

    fn word(&mut self) {
        let st = self.i;
        while self.peek().is_ascii_alphabetic() {
            self.i += 1;
        }
        let w = &self.s[st..self.i];
        if w.eq_ignore_ascii_case("mod") && self.out.last() == Some(&Tok::LParen) {
            // `3 (mod 7)`: as `\pmod{7}`, the bracket and the modulus go.
            self.out.pop();
            self.bracket_depth -= 1;
            self.skip_modulus();
            while self.peek() == b' ' {
                self.i += 1;
            }
            if self.peek() == b')' {
                self.i += 1;
            }
            return;
        }
        self.plain_word(w);
    }

    /// The modulus after `\pmod`, `\mod` or "(mod": a `{…}` group, or a run of
    /// letters and digits.
    fn skip_modulus(&mut self) {
        if self.brace_group().is_some() {
            return;
        }
        while self.peek() == b' ' || self.peek() == b'~' {
            self.i += 1;
        }
        while self.peek().is_ascii_alphanumeric() {
            self.i += 1;
        }
    }

    fn plain_word(&mut self, w: &str) {
        // Lower-cased in a stack buffer when short (the usual word): no allocation.
        let mut buf = [0u8; 24];
        let owned: String;
        let lower: &str = match buf.get_mut(..w.len()) {
            Some(b) => {
                b.copy_from_slice(w.as_bytes());
                b.make_ascii_lowercase();
                match std::str::from_utf8(b) {
                    Ok(l) => l,
                    Err(_) => {
                        owned = w.to_ascii_lowercase();
                        &owned
                    }
                }
            }
            None => {
                owned = w.to_ascii_lowercase();
                &owned
            }
        };
        let t = match lower {
            "pi" => Tok::Const(Const::Pi),
            "inf" | "infty" | "infinity" | "oo" => Tok::Const(Const::Inf),
            "and" | "or" => Tok::Sep,
            "cdot" | "times" => Tok::Star,
            "div" => Tok::Slash,
            "le" | "leq" => Tok::Rel(Rel::Le),
            "ge" | "geq" => Tok::Rel(Rel::Ge),
            "ne" | "neq" => Tok::Rel(Rel::Ne),
            "lt" => Tok::Rel(Rel::Lt),
            "gt" => Tok::Rel(Rel::Gt),
            "degrees" | "degree" | "deg" => Tok::Degree,
            "percent" => Tok::Percent,
            "minus" | "negative" => Tok::Minus,
            "plus" => Tok::Plus,
            _ => {
                if let Some(f) = func_named(lower) {
                    Tok::Func(f)
                } else if w.len() == 1 {
                    Tok::Ident(w.to_string())
                } else if short_unit(w) || w.len() >= 3 {
                    Tok::Word(w.to_string())
                } else {
                    // "xy", "ab": a product of single-letter variables.
                    for ch in w.chars() {
                        self.push(Tok::Ident(ch.to_string()));
                    }
                    return;
                }
            }
        };
        self.push(t);
    }

    /// The raw content of a `{…}` group starting at `self.i` (after optional spaces).
    fn brace_group(&mut self) -> Option<&str> {
        let s: &str = self.s;
        while self.peek() == b' ' {
            self.i += 1;
        }
        if self.peek() != b'{' {
            return None;
        }
        let mut depth = 0usize;
        let st = self.i + 1;
        let mut j = self.i;
        while j < self.b.len() {
            match self.b[j] {
                b'\\' => j += 1,
                b'{' => depth += 1,
                b'}' => {
                    depth -= 1;
                    if depth == 0 {
                        self.i = j + 1;
                        return Some(&s[st..j]);
                    }
                }
                _ => {}
            }
            j += 1;
        }
        None
    }

    fn command(&mut self) -> Result<(), MathError> {
        let c = self.peek();
        if c >= 0x80 {
            // `\` before a non-ASCII character: the character is read on its own.
            return Ok(());
        }
        if c == b'\\' && self.at(1).is_ascii_alphabetic() {
            // `\\frac`, `\\left`: a doubly escaped command (JSON or string escaping), not a row
            // break followed by letters.
            let st = self.i + 1;
            let mut e = st;
            while self.b.get(e).is_some_and(u8::is_ascii_alphabetic) {
                e += 1;
            }
            if doubly_escaped(&self.s[st..e]) {
                self.i += 1;
                return self.command();
            }
        }
        if !c.is_ascii_alphabetic() {
            self.i += 1;
            match c {
                b'{' => self.push(Tok::LSet),
                b'}' => self.push(Tok::RSet),
                b'\\' => self.push(Tok::RowSep),
                b'%' => self.push(Tok::Percent),
                b'|' => self.push(Tok::Bar),
                b'(' | b')' | b'[' | b']' => {} // math delimiters \( \) \[ \]
                b'$' | b',' | b';' | b':' | b'!' | b' ' | b'>' | b'.' => {}
                b'#' | b'&' | b'_' => {}
                _ if c >= 0x80 => {}
                _ => {}
            }
            return Ok(());
        }
        let st = self.i;
        while self.peek().is_ascii_alphabetic() {
            self.i += 1;
        }
        let name = &self.s[st..self.i];
        // `\quadx`: spacing run into the next letters (spaces lost from the source).
        for sp in ["qquad", "quad"] {
            if name.len() > sp.len() && name.starts_with(sp) && !ignorable(name) {
                self.i = st + sp.len();
                return Ok(());
            }
        }
        if matches!(
            name,
            "phantom"
                | "hphantom"
                | "vphantom"
                | "label"
                | "tag"
                | "hspace"
                | "vspace"
                | "ref"
                | "eqref"
        ) {
            // Invisible or labelling: the argument is no part of the answer (`4 \tag{5}` is 4,
            // `\phantom{0}5` is 5).
            if self.peek() == b'*' {
                self.i += 1;
            }
            self.brace_group();
            return Ok(());
        }
        if matches!(name, "pmod" | "mod") {
            // `x \equiv 3 \pmod{7}`: the modulus qualifies the congruence and is no factor
            // (it made 3·7 = 21).
            self.skip_modulus();
            return Ok(());
        }
        if name == "bmod" {
            return Err(MathError::Parse(
                "a remainder (`\\bmod`) is not evaluated".into(),
            ));
        }
        if name == "not" {
            // `\not=`, `\not\equiv`: not equal; `\not` before anything else (`\not\in`,
            // `\not<`) is a negation this lexer does not read, so refused rather than dropped.
            while self.peek() == b' ' {
                self.i += 1;
            }
            let rest = &self.s[self.i..];
            for eq in ["=", "\\equiv", "\\eq"] {
                if rest.starts_with(eq)
                    && !rest[eq.len()..].starts_with(|c: char| c.is_ascii_alphabetic())
                {
                    self.i += eq.len();
                    self.push(Tok::Rel(Rel::Ne));
                    return Ok(());
                }
            }
            return Err(MathError::Parse(
                "`\\not` before something other than `=`".into(),
            ));
        }
        if matches!(name, "neg" | "lnot") {
            return Err(MathError::Parse(format!(
                "a negation (`\\{name}`) is not an answer"
            )));
        }
        if ignorable(name) {
            if matches!(
                name,
                "left" | "right" | "middle" | "bigl" | "bigr" | "big" | "Big"
            ) && self.peek() == b'.'
            {
                self.i += 1;
            }
            if name == "color" {
                self.brace_group();
            }
            if name == "operatorname" {
                if let Some(g) = self.brace_group() {
                    let g = g.trim().to_string();
                    self.plain_word(&g);
                }
            }
            return Ok(());
        }
        let t = match name {
            "frac" | "dfrac" | "tfrac" | "cfrac" => Tok::Frac,
            "sqrt" => Tok::Sqrt,
            "binom" | "dbinom" | "tbinom" | "choose" => Tok::Binom,
            "pi" => Tok::Const(Const::Pi),
            "infty" | "infin" | "infinity" => Tok::Const(Const::Inf),
            "cdot" | "times" | "ast" | "bullet" => Tok::Star,
            "div" => Tok::Slash,
            "pm" | "mp" => Tok::Pm,
            "le" | "leq" | "leqslant" | "leqq" => Tok::Rel(Rel::Le),
            "ge" | "geq" | "geqslant" | "geqq" => Tok::Rel(Rel::Ge),
            "lt" => Tok::Rel(Rel::Lt),
            "gt" => Tok::Rel(Rel::Gt),
            "ne" | "neq" => Tok::Rel(Rel::Ne),
            "approx" | "simeq" => Tok::Approx,
            "equiv" | "cong" => Tok::Rel(Rel::Eq),
            "in" => Tok::Rel(Rel::In),
            "cup" => Tok::Cup,
            "circ" | "degree" => Tok::Degree,
            "emptyset" | "varnothing" => Tok::EmptySet,
            "lvert" | "rvert" | "vert" | "mid" => Tok::Bar,
            "lfloor" => Tok::LFloor,
            "rfloor" => Tok::RFloor,
            "lceil" => Tok::LCeil,
            "rceil" => Tok::RCeil,
            "lbrace" => Tok::LSet,
            "rbrace" => Tok::RSet,
            "langle" => Tok::LParen,
            "rangle" => Tok::RParen,
            "land" | "wedge" | "lor" | "vee" => Tok::Sep,
            "cr" => Tok::RowSep,
            "exp" => Tok::Func(Func::Exp),
            "mathbb" => {
                let g = self.brace_group().unwrap_or("").trim().to_string();
                if g == "R" {
                    self.push(Tok::Reals);
                } else {
                    self.push(Tok::Word(g));
                }
                return Ok(());
            }
            "text" | "textbf" | "textit" | "textrm" | "mbox" | "textnormal" | "texttt" | "hbox"
            | "textsf" => {
                let g = self.brace_group().unwrap_or("").to_string();
                return self.text(&g);
            }
            "begin" | "end" => {
                let env = self
                    .brace_group()
                    .unwrap_or("")
                    .trim()
                    .trim_end_matches('*')
                    .to_string();
                if name == "begin" && env == "array" {
                    self.brace_group(); // column specification
                }
                self.push(if name == "begin" {
                    Tok::Begin(env)
                } else {
                    Tok::End(env)
                });
                return Ok(());
            }
            "dots" | "ldots" | "cdots" | "vdots" | "ddots" => Tok::Word("...".into()),
            "therefore" | "because" | "implies" | "Rightarrow" | "rightarrow" | "to" | "iff"
            | "Longrightarrow" => Tok::Word(name.into()),
            _ => {
                if let Some(f) = func_named(name) {
                    Tok::Func(f)
                } else if greek(name) {
                    Tok::Ident(name.into())
                } else {
                    Tok::Word(name.into())
                }
            }
        };
        self.push(t);
        Ok(())
    }

    /// `\text{…}`: a separator ("and", "or"), mathematics written in text mode, or words.
    fn text(&mut self, g: &str) -> Result<(), MathError> {
        let t = g.trim().trim_end_matches(['.', ',']).trim();
        if t.is_empty() {
            return Ok(());
        }
        let lower = t.to_ascii_lowercase();
        if matches!(lower.as_str(), "and" | "or" | "," | "or," | "and,") {
            self.push(Tok::Sep);
            return Ok(());
        }
        // `4 \text{ m}`: one letter after a space in text mode is a unit, not a variable; so are
        // letters around a slash (`\text{ km/h}`, `\text{m/s}`).
        let letters = |c: u8| c.is_ascii_alphabetic();
        let unit_letter = t.len() == 1 && g.starts_with(' ') && t.bytes().all(letters);
        let per_unit = t.contains('/')
            && t.split('/')
                .all(|p| !p.is_empty() && p.bytes().all(letters));
        if unit_letter || per_unit {
            self.push(Tok::Word(t.to_string()));
            return Ok(());
        }
        if t.bytes()
            .any(|c| c.is_ascii_digit() || matches!(c, b'+' | b'-' | b'=' | b'(' | b'/'))
            || t.len() == 1
        {
            let inner = lex_at(t, self.limits, self.ticker, self.depth + 1)?;
            for tok in inner {
                self.push(tok);
            }
            return Ok(());
        }
        for w in t.split_whitespace() {
            let wl = w.to_ascii_lowercase();
            if wl == "and" || wl == "or" {
                self.push(Tok::Sep);
            } else if wl == "minus" || wl == "negative" {
                self.push(Tok::Minus);
            } else if wl == "plus" {
                self.push(Tok::Plus);
            } else if let Some(f) = func_named(&wl).filter(|_| t.split_whitespace().count() == 1) {
                self.push(Tok::Func(f));
            } else {
                self.push(Tok::Word(w.to_string()));
            }
        }
        Ok(())
    }
}
