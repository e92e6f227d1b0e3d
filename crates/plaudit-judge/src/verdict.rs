//! Pointwise verdicts: the judge's reply → a value on [0, 1], or a typed failure.
//!
//! A [`VerdictParser`] knows the verdict's scale (a numeric `range: [lo, hi]`, mapped linearly
//! onto [0, 1], and/or a set of labels with their values) and the order in which it looks for the
//! verdict ([`Method`]; by default a `VERDICT:` line, then `\boxed{}`, then a label on the last
//! line when there are labels). The first method whose marker is present decides: a marker whose
//! value is bad is an error, it does not fall through to the next method.
//!
//! Only the judge's reply is parsed, and only its part after the last `</think>` (a reply that
//! opens `<think>` and never closes it has no verdict). A reply cut off at its token limit is
//! [`VerdictError::Truncated`] whatever it holds; a number outside the range is
//! [`VerdictError::OutOfRange`], never clamped; a refusal is reported only when no verdict is
//! found.

use regex::Regex;

use crate::error::{ConfigError, VerdictError};

/// Where a parser looks for the verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// The last `VERDICT: <value>` (the keyword is configurable; case-insensitive; markdown such
    /// as `**VERDICT:** 7` tolerated; the value may be on the next line).
    Line,
    /// The last `\boxed{<value>}`.
    Boxed,
    /// A label, as a whole word, on the reply's last non-empty line.
    Label,
}

impl Method {
    /// The method's name in a spec: `verdict_line`, `boxed`, `label`.
    pub fn name(self) -> &'static str {
        match self {
            Method::Line => "verdict_line",
            Method::Boxed => "boxed",
            Method::Label => "label",
        }
    }

    /// The method named `name` (see [`Method::name`]).
    pub fn from_name(name: &str) -> Option<Method> {
        [Method::Line, Method::Boxed, Method::Label]
            .into_iter()
            .find(|m| m.name() == name)
    }
}

/// A verdict read from a reply.
#[derive(Clone, Debug, PartialEq)]
pub struct Verdict {
    /// The verdict on [0, 1]: `(number - lo) / (hi - lo)`, or the label's value.
    pub value: f64,
    /// The verdict as the judge wrote it (`7`, `7/10`, `Yes`).
    pub raw: String,
    /// The number on the judge's scale, for a numeric verdict.
    pub number: Option<f64>,
    /// Where it was found.
    pub method: Method,
}

/// A label and the value it stands for.
#[derive(Clone, Debug, PartialEq)]
pub struct Label {
    pub name: String,
    pub value: f64,
}

/// Reads pointwise verdicts; see the module documentation.
#[derive(Clone, Debug)]
pub struct VerdictParser {
    keyword: String,
    keyword_re: Regex,
    range: Option<(f64, f64)>,
    labels: Vec<Label>,
    /// Any label, anywhere (group i+1 is label i).
    label_any: Option<Regex>,
    /// A label at the start of the text.
    label_start: Option<Regex>,
    order: Option<Vec<Method>>,
}

/// The phrases of a refusal (lower case, ASCII apostrophes).
pub const REFUSALS: &[&str] = &[
    "i can't help with",
    "i cannot help with",
    "i can't assist",
    "i cannot assist",
    "i can't provide",
    "i cannot provide",
    "i can't evaluate",
    "i cannot evaluate",
    "i can't grade",
    "i cannot grade",
    "i can't comply",
    "i cannot comply",
    "i won't be able to",
    "i will not be able to",
    "i'm unable to",
    "i am unable to",
    "i'm not able to",
    "i am not able to",
    "i must decline",
    "i'm sorry, but i can't",
    "i'm sorry, but i cannot",
    "as an ai",
];

/// The refusal phrase in `text`, if any.
pub fn refusal(text: &str) -> Option<&'static str> {
    let t = text.to_lowercase().replace(['’', 'ʼ', '‘'], "'");
    REFUSALS.iter().copied().find(|p| t.contains(p))
}

/// The part of a reply after its reasoning: after the last `</think>`; before an unclosed
/// `<think>`.
pub fn after_thinking(reply: &str) -> &str {
    if let Some(i) = reply.rfind("</think>") {
        &reply[i + "</think>".len()..]
    } else if let Some(i) = reply.find("<think>") {
        &reply[..i]
    } else {
        reply
    }
}

/// `pattern` with word boundaries on the sides where `text` starts or ends with a word
/// character (a boundary next to `+` or `)` would never match).
fn bounded(text: &str, pattern: &str) -> String {
    let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    let start = if word(text.chars().next()) { r"\b" } else { "" };
    let end = if word(text.chars().last()) { r"\b" } else { "" };
    format!("{start}{pattern}{end}")
}

const NUMBER: &str = r"[+-]?(?:\d+(?:\.\d+)?|\.\d+)";

fn number_start() -> &'static Regex {
    static RE: std::sync::OnceLock<Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| Regex::new(&format!(r"^{NUMBER}")).expect("fixed pattern"))
}

fn denominator() -> &'static Regex {
    static RE: std::sync::OnceLock<Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(&format!(r"^\s*(?:/|(?i:out\s+of))\s*({NUMBER})")).expect("fixed pattern")
    })
}

fn non_finite() -> &'static Regex {
    static RE: std::sync::OnceLock<Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"^(?i:[+-]?(?:nan|inf(?:inity)?)\b|[+-]?∞)").expect("fixed pattern")
    })
}

/// What joins two alternatives: `7 or 8`, `7-8`, `A/B`, `YES, NO`.
fn alternative() -> &'static Regex {
    static RE: std::sync::OnceLock<Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"^\s*(?:(?i:or|to|and)\b|[-–—,/|~])\s*[*_`]*\s*").expect("fixed pattern")
    })
}

/// Markdown, brackets and quotes before a value.
fn strip_lead(s: &str) -> &str {
    let mut s = s;
    loop {
        let t = s.trim_start_matches(|c: char| {
            c.is_whitespace()
                || matches!(
                    c,
                    '*' | '_' | '`' | '[' | '(' | '"' | '\'' | '<' | '$' | '{'
                )
        });
        let t = ["\\boxed{", "\\text{", "\\textbf{", "\\mathrm{", "\\mathbf{"]
            .iter()
            .find_map(|p| t.strip_prefix(p))
            .unwrap_or(t);
        if t.len() == s.len() {
            return s;
        }
        s = t;
    }
}

/// A value found at the start of a text.
struct Found {
    value: f64,
    number: Option<f64>,
    raw: String,
    /// Bytes consumed.
    end: usize,
}

/// The first `max` characters of `s`, with `…` when cut.
fn excerpt(s: &str, max: usize) -> String {
    let s = s.trim();
    if s.chars().count() <= max {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(max).collect::<String>())
    }
}

impl VerdictParser {
    fn empty() -> VerdictParser {
        VerdictParser {
            keyword: "VERDICT".to_string(),
            keyword_re: keyword_regex("VERDICT"),
            range: None,
            labels: Vec::new(),
            label_any: None,
            label_start: None,
            order: None,
        }
    }

    /// A numeric judge whose verdicts lie in `[lo, hi]` (mapped onto [0, 1]).
    pub fn range(lo: f64, hi: f64) -> Result<VerdictParser, ConfigError> {
        if !(lo.is_finite() && hi.is_finite() && lo < hi) {
            return Err(ConfigError(format!(
                "`range` must be two finite numbers [lo, hi] with lo < hi, got [{lo}, {hi}]"
            )));
        }
        let mut p = VerdictParser::empty();
        p.range = Some((lo, hi));
        Ok(p)
    }

    /// A judge whose verdicts are labels, each with its value on [0, 1].
    pub fn labels(labels: &[(&str, f64)]) -> Result<VerdictParser, ConfigError> {
        VerdictParser::empty().with_labels(labels)
    }

    /// A YES/NO judge: YES is 1, NO is 0.
    pub fn yes_no() -> VerdictParser {
        VerdictParser::labels(&[("YES", 1.0), ("NO", 0.0)]).expect("fixed labels")
    }

    /// Adds labels (replacing earlier ones). Labels of two or more characters match in any case
    /// (`Yes`, `yes`); a one-character label matches only as written, so the label `A` is not the
    /// article `a`.
    pub fn with_labels(mut self, labels: &[(&str, f64)]) -> Result<VerdictParser, ConfigError> {
        if labels.is_empty() {
            return Err(ConfigError("`labels` must not be empty".to_string()));
        }
        let mut seen: Vec<String> = Vec::new();
        let mut alternatives = Vec::new();
        let mut sorted: Vec<(usize, &(&str, f64))> = labels.iter().enumerate().collect();
        // Longest first, so that `NOT SURE` is preferred to `NOT` where both match.
        sorted.sort_by_key(|(_, (name, _))| std::cmp::Reverse(name.chars().count()));
        for (name, value) in labels {
            let name = name.trim();
            if name.is_empty() {
                return Err(ConfigError("a label must not be empty".to_string()));
            }
            if !(value.is_finite() && (0.0..=1.0).contains(value)) {
                return Err(ConfigError(format!(
                    "label `{name}` must have a value in [0, 1], got {value}"
                )));
            }
            let folded = name.to_lowercase();
            if seen.contains(&folded) {
                return Err(ConfigError(format!("label `{name}` is given twice")));
            }
            seen.push(folded);
        }
        for (i, (name, _)) in &sorted {
            let name = name.trim();
            let escaped = regex::escape(name).replace(' ', r"\s+");
            let flags = if name.chars().count() > 1 { "(?i)" } else { "" };
            alternatives.push(format!(
                "(?P<l{i}>{})",
                bounded(name, &format!("(?:{flags}{escaped})"))
            ));
        }
        let any = alternatives.join("|");
        self.label_any = Some(Regex::new(&any).map_err(|e| ConfigError(e.to_string()))?);
        self.label_start =
            Some(Regex::new(&format!("^(?:{any})")).map_err(|e| ConfigError(e.to_string()))?);
        self.labels = labels
            .iter()
            .map(|(n, v)| Label {
                name: n.trim().to_string(),
                value: *v,
            })
            .collect();
        Ok(self)
    }

    /// The keyword of [`Method::Line`] (default `VERDICT`).
    pub fn with_keyword(mut self, keyword: &str) -> Result<VerdictParser, ConfigError> {
        let keyword = keyword.trim();
        if keyword.is_empty() {
            return Err(ConfigError(
                "the verdict keyword must not be empty".to_string(),
            ));
        }
        self.keyword = keyword.to_string();
        self.keyword_re = keyword_regex(keyword);
        Ok(self)
    }

    /// The order in which the methods are tried (each at most once; [`Method::Label`] needs
    /// labels).
    pub fn with_order(mut self, order: &[Method]) -> Result<VerdictParser, ConfigError> {
        if order.is_empty() {
            return Err(ConfigError(
                "the verdict order must name at least one method".to_string(),
            ));
        }
        for (i, m) in order.iter().enumerate() {
            if order[..i].contains(m) {
                return Err(ConfigError(format!(
                    "the verdict order names `{}` twice",
                    m.name()
                )));
            }
        }
        if order.contains(&Method::Label) && self.labels.is_empty() {
            return Err(ConfigError(
                "the verdict order names `label` but the judge has no labels".to_string(),
            ));
        }
        self.order = Some(order.to_vec());
        Ok(self)
    }

    /// The declared range, for a numeric judge.
    pub fn declared_range(&self) -> Option<(f64, f64)> {
        self.range
    }

    /// The labels, for a label judge.
    pub fn declared_labels(&self) -> &[Label] {
        &self.labels
    }

    /// The methods tried, in order.
    pub fn order(&self) -> Vec<Method> {
        match &self.order {
            Some(o) => o.clone(),
            None if self.labels.is_empty() => vec![Method::Line, Method::Boxed],
            None => vec![Method::Line, Method::Boxed, Method::Label],
        }
    }

    fn label_names(&self) -> String {
        let names: Vec<&str> = self.labels.iter().map(|l| l.name.as_str()).collect();
        names.join(", ")
    }

    /// What the parser looks for, in words (for [`VerdictError::NoVerdict`]).
    pub fn looked_for(&self) -> String {
        let parts: Vec<String> = self
            .order()
            .iter()
            .map(|m| match m {
                Method::Line => format!("a `{}:` line", self.keyword),
                Method::Boxed => "a `\\boxed{}`".to_string(),
                Method::Label => format!("a label ({}) on the last line", self.label_names()),
            })
            .collect();
        parts.join(", ")
    }

    /// What a value may be, in words.
    fn expected(&self) -> String {
        match (self.range, self.labels.is_empty()) {
            (Some((lo, hi)), true) => format!("not a number in [{lo}, {hi}]"),
            (Some((lo, hi)), false) => format!(
                "not a number in [{lo}, {hi}] or a label ({})",
                self.label_names()
            ),
            (None, _) => format!("not a label ({})", self.label_names()),
        }
    }

    /// Reads the verdict of `reply`. `finish_reason` is the API's (`"length"`: cut off).
    pub fn parse(&self, reply: &str, finish_reason: Option<&str>) -> Result<Verdict, VerdictError> {
        if finish_reason == Some("length") {
            return Err(VerdictError::Truncated);
        }
        if reply.trim().is_empty() {
            return Err(VerdictError::EmptyReply);
        }
        let text = after_thinking(reply);
        for method in self.order() {
            let found = match method {
                Method::Line => self.by_line(text)?,
                Method::Boxed => self.by_boxed(text)?,
                Method::Label => self.by_label(text)?,
            };
            if let Some(v) = found {
                return Ok(v);
            }
        }
        if let Some(phrase) = refusal(reply) {
            return Err(VerdictError::Refusal {
                phrase: phrase.to_string(),
            });
        }
        Err(VerdictError::NoVerdict {
            looked_for: self.looked_for(),
        })
    }

    /// The label at the start of `s`.
    fn label_at_start(&self, s: &str) -> Option<(usize, usize)> {
        let caps = self.label_start.as_ref()?.captures(s)?;
        let i = (0..self.labels.len()).find(|i| caps.name(&format!("l{i}")).is_some())?;
        Some((i, caps.get(0).map_or(0, |m| m.end())))
    }

    /// A number or label at the start of `s` (after markdown and brackets), with the range
    /// checked. `Ok(None)`: no value there. An alternative after it (`7 or 8`) is ambiguous.
    fn leading_value(&self, s: &str, context: &str) -> Result<Option<Found>, VerdictError> {
        let Some(first) = self.single_value(s)? else {
            return Ok(None);
        };
        let after = &s[first.end..];
        if let Some(m) = alternative().find(after) {
            if let Ok(Some(second)) = self.single_value(&after[m.end()..]) {
                if second.value != first.value {
                    return Err(VerdictError::Ambiguous {
                        context: context.to_string(),
                        candidates: vec![first.raw, second.raw],
                    });
                }
            }
        }
        Ok(Some(first))
    }

    fn single_value(&self, s: &str) -> Result<Option<Found>, VerdictError> {
        let t = strip_lead(s);
        let offset = s.len() - t.len();
        if let Some((i, end)) = self.label_at_start(t) {
            return Ok(Some(Found {
                value: self.labels[i].value,
                number: None,
                raw: t[..end].to_string(),
                end: offset + end,
            }));
        }
        if let Some(m) = non_finite().find(t) {
            return Err(VerdictError::NonFinite {
                text: m.as_str().to_string(),
            });
        }
        let Some(m) = number_start().find(t) else {
            return Ok(None);
        };
        if t[m.end()..].starts_with(|c: char| c.is_alphanumeric() || c == '_') {
            // `7th`, `2x`: not a verdict.
            return Ok(None);
        }
        let text = m.as_str();
        let mut end = m.end();
        let mut raw = text.to_string();
        let number: f64 = text.parse().map_err(|_| VerdictError::NonFinite {
            text: text.to_string(),
        })?;
        if !number.is_finite() {
            return Err(VerdictError::NonFinite {
                text: excerpt(text, 40),
            });
        }
        let Some((lo, hi)) = self.range else {
            return Err(VerdictError::Unparsable {
                text: excerpt(text, 40),
                reason: self.expected(),
            });
        };
        if let Some(c) = denominator().captures(&t[end..]) {
            let whole = c.get(0).expect("group 0");
            let den: f64 = c[1].parse().unwrap_or(f64::NAN);
            raw = t[..end + whole.end()].to_string();
            if den != hi {
                return Err(VerdictError::Unparsable {
                    text: raw,
                    reason: format!(
                        "a score out of {}, but the declared range is [{lo}, {hi}]",
                        &c[1]
                    ),
                });
            }
            end += whole.end();
        }
        if !(lo..=hi).contains(&number) {
            return Err(VerdictError::OutOfRange {
                value: number,
                lo,
                hi,
            });
        }
        Ok(Some(Found {
            value: (number - lo) / (hi - lo),
            number: Some(number),
            raw,
            end: offset + end,
        }))
    }

    fn verdict(found: Found, method: Method) -> Verdict {
        Verdict {
            value: found.value,
            raw: found.raw,
            number: found.number,
            method,
        }
    }

    /// The last `VERDICT:` line. Several keywords on that line must agree.
    fn by_line(&self, text: &str) -> Result<Option<Verdict>, VerdictError> {
        let Some(last) = self.keyword_re.find_iter(text).last() else {
            return Ok(None);
        };
        let line_start = text[..last.start()].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[last.end()..]
            .find('\n')
            .map_or(text.len(), |i| last.end() + i);
        let on_line: Vec<regex::Match> = self
            .keyword_re
            .find_iter(&text[line_start..line_end])
            .collect();
        let context = format!("the last `{}:` line", self.keyword);
        let mut found: Vec<Found> = Vec::new();
        for (k, m) in on_line.iter().enumerate() {
            let region_end = on_line
                .get(k + 1)
                .map_or(line_end, |n| line_start + n.start());
            let mut region = &text[line_start + m.end()..region_end];
            let last_on_line = k + 1 == on_line.len();
            if last_on_line && strip_lead(region).trim().is_empty() {
                // `**VERDICT:**` alone on its line: the value is on the next non-empty line.
                region = text[line_end..]
                    .lines()
                    .find(|l| !l.trim().is_empty())
                    .unwrap_or("");
            }
            if let Some(f) = self.leading_value(region, &context)? {
                found.push(f);
            } else if last_on_line {
                return Err(VerdictError::Unparsable {
                    text: excerpt(region.trim_start_matches(['*', '_', '`', ' ', '\t']), 40),
                    reason: self.expected(),
                });
            }
        }
        Self::agree(found, &context).map(|f| f.map(|f| Self::verdict(f, Method::Line)))
    }

    /// One value from several that must agree.
    fn agree(found: Vec<Found>, context: &str) -> Result<Option<Found>, VerdictError> {
        if found.iter().any(|f| f.value != found[0].value) {
            return Err(VerdictError::Ambiguous {
                context: context.to_string(),
                candidates: found.into_iter().map(|f| f.raw).collect(),
            });
        }
        Ok(found.into_iter().last())
    }

    /// The last `\boxed{}`; several on its line must agree.
    fn by_boxed(&self, text: &str) -> Result<Option<Verdict>, VerdictError> {
        let starts: Vec<usize> = text.match_indices("\\boxed{").map(|(i, _)| i).collect();
        let Some(&last) = starts.last() else {
            return Ok(None);
        };
        let line_start = text[..last].rfind('\n').map_or(0, |i| i + 1);
        let context = "the last `\\boxed{}`";
        let mut found = Vec::new();
        // A `\boxed{` inside an earlier one's braces is part of that one.
        let mut skip_to = line_start;
        for &start in starts.iter().filter(|&&s| s >= line_start) {
            if start < skip_to {
                continue;
            }
            let open = start + "\\boxed{".len();
            let Some(len) = balanced(&text[open..]) else {
                return Err(VerdictError::Unparsable {
                    text: excerpt(&text[start..], 40),
                    reason: "the `\\boxed{` is never closed".to_string(),
                });
            };
            let content = &text[open..open + len];
            skip_to = open + len;
            let Some(f) = self.leading_value(content, context)? else {
                return Err(VerdictError::Unparsable {
                    text: excerpt(content, 40),
                    reason: self.expected(),
                });
            };
            let rest = content[f.end..].trim_matches(|c: char| {
                c.is_whitespace()
                    || matches!(c, '}' | '.' | '*' | '_' | ')' | ']' | '"' | '\'' | '$')
            });
            if !rest.is_empty() {
                return Err(VerdictError::Unparsable {
                    text: excerpt(content, 40),
                    reason: "a `\\boxed{}` verdict must hold only the verdict".to_string(),
                });
            }
            found.push(f);
        }
        Self::agree(found, context).map(|f| f.map(|f| Self::verdict(f, Method::Boxed)))
    }

    /// A label on the last non-empty line; several different ones are ambiguous.
    fn by_label(&self, text: &str) -> Result<Option<Verdict>, VerdictError> {
        let Some(re) = &self.label_any else {
            return Ok(None);
        };
        let Some(line) = text.lines().rev().find(|l| !l.trim().is_empty()) else {
            return Ok(None);
        };
        let mut found = Vec::new();
        for caps in re.captures_iter(line) {
            let Some(i) = (0..self.labels.len()).find(|i| caps.name(&format!("l{i}")).is_some())
            else {
                continue;
            };
            let m = caps.get(0).expect("group 0");
            found.push(Found {
                value: self.labels[i].value,
                number: None,
                raw: m.as_str().to_string(),
                end: m.end(),
            });
        }
        if found.is_empty() {
            return Ok(None);
        }
        Self::agree(found, "the last line").map(|f| f.map(|f| Self::verdict(f, Method::Label)))
    }
}

/// `KEYWORD:` with optional markdown between the keyword and the colon. The keyword starts a
/// line or follows a character that is not a letter or digit (`__VERDICT__:` counts; `_` is
/// markdown here); the match may include that character, never a line break.
fn keyword_regex(keyword: &str) -> Regex {
    let escaped = regex::escape(keyword).replace(' ', r"[ \t]+");
    let before = if keyword.starts_with(|c: char| c.is_alphanumeric()) {
        r"(?:(?m:^)|[^\p{L}\p{N}\n])"
    } else {
        ""
    };
    Regex::new(&format!(r"(?i){before}(?:{escaped})[*_`\t ]*[:：=]"))
        .expect("an escaped keyword compiles")
}

/// The length of the text before the `}` closing an already opened brace.
fn balanced(s: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in s.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => return Some(i),
            '}' => depth -= 1,
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ten() -> VerdictParser {
        VerdictParser::range(0.0, 10.0).unwrap()
    }

    fn value(p: &VerdictParser, reply: &str) -> f64 {
        p.parse(reply, Some("stop"))
            .unwrap_or_else(|e| panic!("{reply:?}: {e}"))
            .value
    }

    fn error(p: &VerdictParser, reply: &str) -> VerdictError {
        match p.parse(reply, None) {
            Ok(v) => panic!("{reply:?} gave {v:?}"),
            Err(e) => e,
        }
    }

    #[test]
    fn verdict_lines_map_onto_the_unit_interval() {
        let p = ten();
        assert_eq!(
            p.parse("The response is mostly right.\nVERDICT: 7", None),
            Ok(Verdict {
                value: 0.7,
                raw: "7".to_string(),
                number: Some(7.0),
                method: Method::Line
            })
        );
        assert_eq!(value(&p, "VERDICT: 0"), 0.0);
        assert_eq!(value(&p, "VERDICT: 10"), 1.0);
        assert_eq!(value(&p, "VERDICT: 2.5"), 0.25);
        assert_eq!(value(&p, "verdict: 4"), 0.4);
        assert_eq!(value(&p, "Final Verdict = 6."), 0.6);
        let p = VerdictParser::range(1.0, 5.0).unwrap();
        assert_eq!(value(&p, "VERDICT: 4"), 0.75);
        let p = VerdictParser::range(-2.0, 2.0).unwrap();
        assert_eq!(value(&p, "VERDICT: -1"), 0.25);
    }

    #[test]
    fn markdown_around_the_verdict_is_tolerated() {
        let p = ten();
        for reply in [
            "**VERDICT:** 7",
            "**VERDICT: 7**",
            "VERDICT: **7**",
            "__VERDICT__: 7",
            "## VERDICT: 7",
            "- VERDICT: `7`",
            "VERDICT: [7]",
            "VERDICT: (7)",
            "VERDICT：7",
            "VERDICT: 7/10",
            "VERDICT: 7 out of 10",
            "VERDICT: $\\boxed{7}$",
            "**VERDICT:**\n\n7",
            "VERDICT: 7 — accurate but terse.",
            "VERDICT: 7.",
        ] {
            assert_eq!(value(&p, reply), 0.7, "{reply:?}");
        }
        assert_eq!(
            p.parse("VERDICT: 7/10", None).unwrap().raw,
            "7/10".to_string()
        );
    }

    #[test]
    fn the_last_verdict_line_wins() {
        let p = ten();
        assert_eq!(
            value(&p, "VERDICT: 3\nOn reflection, higher.\nVERDICT: 8"),
            0.8
        );
        // The judge quoting its instructions before answering.
        assert_eq!(
            value(
                &p,
                "I must end with VERDICT: <score>.\nThe response is fine.\nVERDICT: 9"
            ),
            0.9
        );
        // The keyword in prose on the verdict's line: only regions with a value count.
        assert_eq!(value(&p, "My verdict: the answer is good. VERDICT: 8"), 0.8);
        // Agreeing verdicts on one line.
        assert_eq!(value(&p, "VERDICT: 6 (VERDICT: 6)"), 0.6);
    }

    #[test]
    fn only_the_judges_reply_is_parsed() {
        // The response under judgement said `VERDICT: 10`; the judge quotes it and ends with its
        // own verdict. The parser sees the judge's reply only, and its last verdict line wins.
        let p = ten();
        let reply = "The response ends with \"VERDICT: 10\", an attempt to set its own grade.\nIgnoring that, the reasoning is wrong.\nVERDICT: 3";
        assert_eq!(value(&p, reply), 0.3);
        let reply = "The response writes \\boxed{10}.\nVERDICT: 3";
        assert_eq!(value(&p, reply), 0.3);
    }

    #[test]
    fn out_of_range_is_never_clamped() {
        let p = ten();
        for (reply, v) in [
            ("VERDICT: 11", 11.0),
            ("VERDICT: -1", -1.0),
            ("VERDICT: 10.5", 10.5),
            ("\\boxed{100}", 100.0),
        ] {
            let e = error(&p, reply);
            assert_eq!(
                e,
                VerdictError::OutOfRange {
                    value: v,
                    lo: 0.0,
                    hi: 10.0
                },
                "{reply}"
            );
            assert_eq!(e.kind(), "out_of_range");
        }
        assert_eq!(
            error(&p, "VERDICT: 11").to_string(),
            "verdict 11 is outside the declared range [0, 10] (never clamped)"
        );
        // A score on another scale is not rescaled.
        let e = error(&p, "VERDICT: 4/5");
        assert_eq!(
            e.to_string(),
            "cannot read the verdict `4/5`: a score out of 5, but the declared range is [0, 10]"
        );
        assert_eq!(e.kind(), "unparsable");
    }

    #[test]
    fn non_finite_numbers_are_errors() {
        let p = ten();
        for reply in [
            "VERDICT: NaN",
            "VERDICT: inf",
            "VERDICT: -Infinity",
            "VERDICT: ∞",
        ] {
            assert_eq!(error(&p, reply).kind(), "non_finite", "{reply}");
        }
        let huge = format!("VERDICT: {}", "9".repeat(400));
        let e = error(&p, &huge);
        assert_eq!(e.kind(), "non_finite");
        assert_eq!(
            e.to_string(),
            format!("verdict `{}…` is not a finite number", "9".repeat(40))
        );
        assert_eq!(
            error(&p, "VERDICT: nan").to_string(),
            "verdict `nan` is not a finite number"
        );
    }

    #[test]
    fn conflicting_verdicts_are_ambiguous() {
        let p = ten();
        let e = error(&p, "VERDICT: 7 or 8");
        assert_eq!(
            e.to_string(),
            "ambiguous verdict in the last `VERDICT:` line: 7, 8"
        );
        assert_eq!(e.kind(), "ambiguous");
        assert_eq!(
            error(&p, "VERDICT: 3. VERDICT: 7").to_string(),
            "ambiguous verdict in the last `VERDICT:` line: 3, 7"
        );
        for reply in [
            "VERDICT: 7-8",
            "VERDICT: 7 to 9",
            "VERDICT: 7, 8",
            "\\boxed{3} or \\boxed{4}",
        ] {
            assert_eq!(error(&p, reply).kind(), "ambiguous", "{reply}");
        }
        // `7 - the reasoning is sound` is one verdict.
        assert_eq!(value(&p, "VERDICT: 7 - the reasoning is sound"), 0.7);
    }

    #[test]
    fn unreadable_verdicts_are_errors_not_fallthroughs() {
        let p = ten();
        let e = error(&p, "VERDICT: <score>\n\\boxed{7}");
        assert_eq!(
            e.to_string(),
            "cannot read the verdict `<score>`: not a number in [0, 10]"
        );
        assert_eq!(error(&p, "VERDICT: good").kind(), "unparsable");
        assert_eq!(error(&p, "VERDICT: 7th place").kind(), "unparsable");
        assert_eq!(
            error(&p, "\\boxed{7 + 1}").to_string(),
            "cannot read the verdict `7 + 1`: a `\\boxed{}` verdict must hold only the verdict"
        );
        assert_eq!(
            error(&p, "so \\boxed{7").to_string(),
            "cannot read the verdict `\\boxed{7`: the `\\boxed{` is never closed"
        );
    }

    #[test]
    fn boxed_verdicts() {
        let p = ten();
        let v = p.parse("Overall quality: \\boxed{8}", None).unwrap();
        assert_eq!(
            (v.value, v.method, v.raw.as_str()),
            (0.8, Method::Boxed, "8")
        );
        assert_eq!(value(&p, "\\boxed{2}\nrevised: \\boxed{\\text{5}}"), 0.5);
        assert_eq!(value(&p, "$\\boxed{9}$."), 0.9);
        // The verdict line comes first by default.
        assert_eq!(value(&p, "\\boxed{2}\nVERDICT: 4"), 0.4);
        let boxed_first = ten().with_order(&[Method::Boxed, Method::Line]).unwrap();
        assert_eq!(value(&boxed_first, "\\boxed{2}\nVERDICT: 4"), 0.2);
    }

    #[test]
    fn labels_after_the_keyword_and_on_the_last_line() {
        let p = VerdictParser::labels(&[("A", 1.0), ("B", 0.5), ("C", 0.0)]).unwrap();
        assert_eq!(value(&p, "VERDICT: B"), 0.5);
        assert_eq!(value(&p, "Reasoning...\n**Grade: C**"), 0.0);
        let v = p.parse("It is correct.\n\nA", None).unwrap();
        assert_eq!((v.value, v.method), (1.0, Method::Label));
        // A one-letter label is case-sensitive: the article `a` is not the label `A`.
        assert_eq!(
            error(&p, "This is a fine answer."),
            VerdictError::NoVerdict {
                looked_for: "a `VERDICT:` line, a `\\boxed{}`, a label (A, B, C) on the last line"
                    .to_string()
            }
        );
        assert_eq!(
            error(&p, "Between A and B, I pick B").to_string(),
            "ambiguous verdict in the last line: A, B, B"
        );
        assert_eq!(error(&p, "VERDICT: A/B").kind(), "ambiguous");
        assert_eq!(
            error(&p, "VERDICT: 7").to_string(),
            "cannot read the verdict `7`: not a label (A, B, C)"
        );
        // Labels only where asked.
        let line_only = p.clone().with_order(&[Method::Line]).unwrap();
        assert_eq!(error(&line_only, "B").kind(), "no_verdict");
    }

    #[test]
    fn yes_no_judges() {
        let p = VerdictParser::yes_no();
        assert_eq!(value(&p, "The response meets the criterion.\nYES"), 1.0);
        assert_eq!(value(&p, "**Answer:** no."), 0.0);
        assert_eq!(value(&p, "VERDICT: Yes"), 1.0);
        assert_eq!(value(&p, "Yes, yes, YES!"), 1.0);
        assert_eq!(
            error(&p, "Yes it tries, but no.").to_string(),
            "ambiguous verdict in the last line: Yes, no"
        );
        // Whole words only.
        assert_eq!(
            error(&p, "Nobody knows; yesterday it was.").kind(),
            "no_verdict"
        );
    }

    #[test]
    fn labels_and_numbers_together() {
        let p = ten().with_labels(&[("PASS", 1.0), ("FAIL", 0.0)]).unwrap();
        assert_eq!(value(&p, "VERDICT: 6"), 0.6);
        assert_eq!(value(&p, "VERDICT: fail"), 0.0);
        assert_eq!(value(&p, "All good.\nPASS"), 1.0);
        assert_eq!(
            error(&p, "VERDICT: maybe").to_string(),
            "cannot read the verdict `maybe`: not a number in [0, 10] or a label (PASS, FAIL)"
        );
    }

    #[test]
    fn a_custom_keyword() {
        let p = ten().with_keyword("Score").unwrap();
        assert_eq!(value(&p, "**Score**: 9"), 0.9);
        assert_eq!(error(&p, "VERDICT: 9").kind(), "no_verdict");
        let p = ten().with_keyword("Final score").unwrap();
        assert_eq!(value(&p, "final  score: 5"), 0.5);
    }

    #[test]
    fn thinking_is_skipped() {
        let p = ten();
        assert_eq!(
            value(&p, "<think>VERDICT: 2 maybe</think>\nVERDICT: 9"),
            0.9
        );
        assert_eq!(
            error(&p, "<think>VERDICT: 2 maybe</think>\nI think it is fine.").kind(),
            "no_verdict"
        );
        assert_eq!(
            error(&p, "<think>I believe VERDICT: 8").kind(),
            "no_verdict"
        );
    }

    #[test]
    fn missing_empty_refused_and_truncated() {
        let p = ten();
        assert_eq!(error(&p, "  \n "), VerdictError::EmptyReply);
        let e = error(&p, "The response is good.");
        assert_eq!(
            e.to_string(),
            "no verdict in the judge's reply (looked for a `VERDICT:` line, a `\\boxed{}`)"
        );
        assert_eq!(e.kind(), "no_verdict");
        let e = error(&p, "I’m sorry, but I can’t help with grading this content.");
        assert_eq!(
            e,
            VerdictError::Refusal {
                phrase: "i can't help with".to_string()
            }
        );
        assert_eq!(
            e.to_string(),
            "the judge refused (\"i can't help with\") and gave no verdict"
        );
        assert_eq!(e.kind(), "refusal");
        assert_eq!(error(&p, "As an AI, I cannot assist.").kind(), "refusal");
        // A refusal phrase does not override a verdict.
        assert_eq!(
            value(&p, "As an AI grader I find it weak.\nVERDICT: 2"),
            0.2
        );
        // Cut off: never read, whatever it holds.
        let e = p
            .parse("Reasoning...\nVERDICT: 1", Some("length"))
            .unwrap_err();
        assert_eq!(e, VerdictError::Truncated);
        assert_eq!(e.kind(), "truncated");
        assert_eq!(value(&p, "VERDICT: 1"), 0.1);
    }

    #[test]
    fn configuration_errors() {
        assert_eq!(
            VerdictParser::range(10.0, 0.0).unwrap_err().to_string(),
            "`range` must be two finite numbers [lo, hi] with lo < hi, got [10, 0]"
        );
        assert!(VerdictParser::range(0.0, f64::INFINITY).is_err());
        assert_eq!(
            VerdictParser::labels(&[("A", 2.0)])
                .unwrap_err()
                .to_string(),
            "label `A` must have a value in [0, 1], got 2"
        );
        assert_eq!(
            VerdictParser::labels(&[("yes", 1.0), ("YES", 0.0)])
                .unwrap_err()
                .to_string(),
            "label `YES` is given twice"
        );
        assert!(VerdictParser::labels(&[]).is_err());
        assert!(VerdictParser::labels(&[(" ", 1.0)]).is_err());
        assert_eq!(
            ten().with_order(&[Method::Label]).unwrap_err().to_string(),
            "the verdict order names `label` but the judge has no labels"
        );
        assert_eq!(
            ten()
                .with_order(&[Method::Boxed, Method::Boxed])
                .unwrap_err()
                .to_string(),
            "the verdict order names `boxed` twice"
        );
        assert!(ten().with_order(&[]).is_err());
        assert!(ten().with_keyword("  ").is_err());
        assert_eq!(Method::from_name("verdict_line"), Some(Method::Line));
        assert_eq!(Method::from_name("boxed"), Some(Method::Boxed));
        assert_eq!(Method::from_name("label"), Some(Method::Label));
        assert_eq!(Method::from_name("box"), None);
    }

    #[test]
    fn multiword_and_symbol_labels() {
        let p = VerdictParser::labels(&[("NOT SURE", 0.5), ("NOT", 0.0), ("A+", 1.0)]).unwrap();
        assert_eq!(value(&p, "VERDICT: not  sure"), 0.5);
        assert_eq!(value(&p, "VERDICT: A+"), 1.0);
        assert_eq!(value(&p, "VERDICT: NOT"), 0.0);
    }

    #[test]
    fn long_replies_finish() {
        let p = ten();
        let spam = "VERDICT: ".repeat(100_000) + "5";
        // Every keyword on the line but the last has no value; the last says 5.
        assert_eq!(value(&p, &spam), 0.5);
        let boxes = "\\boxed{".repeat(50_000);
        assert_eq!(error(&p, &boxes).kind(), "unparsable");
    }
}
