//! Prompt templates: `{{name}}` placeholders substituted in one pass.
//!
//! A template is parsed once into pieces of literal text and placeholders; rendering walks the
//! pieces and appends either the literal text or the variable's value. Text that came from a
//! variable is never scanned again, so a response that contains `{{reference}}` is inserted as
//! those 13 characters and can never pull the reference into the judge's prompt.
//!
//! - `{{prompt}}`, `{{ prompt }}`: whitespace inside the braces is ignored.
//! - `{{meta.KEY}}`, `{{reference.KEY}}`: a key of the sample's `meta` or `reference` object (the
//!   key is everything after the first dot: `{{meta.a.b}}` is the key `a.b`).
//! - `{{ "{{" }}`: a quoted literal, inserted as is (the way to write `{{` or `}}` in a prompt).
//! - A name the template does not know is an error when it is parsed, naming the placeholder,
//!   where it is, and the names it knows; a `{{` that is never closed is an error giving its
//!   line and column.

use std::fmt;

use serde_json::Value;

/// The names a template knows unless its caller says otherwise: `prompt`, `response`,
/// `reference`, `reference.KEY`, `meta.KEY` and `criterion`. A name ending in `.*` stands for
/// that prefix followed by any key.
pub const DEFAULT_NAMES: &[&str] = &[
    "prompt",
    "response",
    "reference",
    "reference.*",
    "meta.*",
    "criterion",
];

/// A parsed template.
#[derive(Clone, Debug, PartialEq)]
pub struct Template {
    pieces: Vec<Piece>,
    known: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
enum Piece {
    Text(String),
    Var { name: String, at: Position },
}

/// Where something is in a template: 1-based line and column (columns count characters).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}", self.line, self.column)
    }
}

/// Why a template cannot be parsed or rendered.
#[derive(Clone, Debug, PartialEq)]
pub enum TemplateError {
    /// A `{{` with no `}}` after it (before the next `{{` or the end).
    Unclosed { at: Position },
    /// `{{}}` or `{{   }}`.
    Empty { at: Position },
    /// The text between the braces is not a name (`{{foo bar}}`, `{{meta.}}`).
    BadName { text: String, at: Position },
    /// A name the template does not know.
    Unknown {
        name: String,
        at: Position,
        known: Vec<String>,
    },
    /// A quoted literal without its closing quote and braces (`{{ "abc }}`).
    BadLiteral { at: Position },
    /// Rendering: the caller gave no value for a placeholder (a `meta` key the sample lacks).
    NoValue { name: String, at: Position },
}

impl TemplateError {
    /// A stable short name for details and tests.
    pub fn kind(&self) -> &'static str {
        match self {
            TemplateError::Unclosed { .. } => "unclosed",
            TemplateError::Empty { .. } => "empty_placeholder",
            TemplateError::BadName { .. } => "bad_name",
            TemplateError::Unknown { .. } => "unknown_placeholder",
            TemplateError::BadLiteral { .. } => "bad_literal",
            TemplateError::NoValue { .. } => "no_value",
        }
    }
}

/// `prompt`, `meta.*` → `{{prompt}}`, `{{meta.KEY}}`.
fn shown(name: &str) -> String {
    match name.strip_suffix(".*") {
        Some(prefix) => format!("{{{{{prefix}.KEY}}}}"),
        None => format!("{{{{{name}}}}}"),
    }
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TemplateError::Unclosed { at } => write!(f, "`{{{{` at {at} is never closed by `}}}}`"),
            TemplateError::Empty { at } => write!(f, "empty placeholder `{{{{}}}}` at {at}"),
            TemplateError::BadName { text, at } => write!(
                f,
                "`{{{{{text}}}}}` at {at} is not a placeholder name (a name is letters, digits and `_`, then `.KEY` for `meta` and `reference`)"
            ),
            TemplateError::Unknown { name, at, known } => {
                let known: Vec<String> = known.iter().map(|k| shown(k)).collect();
                write!(
                    f,
                    "unknown placeholder `{{{{{name}}}}}` at {at}; known: {}",
                    known.join(", ")
                )
            }
            TemplateError::BadLiteral { at } => write!(
                f,
                "the quoted literal at {at} must end with `\" }}}}` (a literal cannot contain `\"`)"
            ),
            TemplateError::NoValue { name, at } => {
                write!(f, "no value for `{{{{{name}}}}}` at {at}")
            }
        }
    }
}

impl std::error::Error for TemplateError {}

/// The position of byte `offset` in `text`.
fn position(text: &str, offset: usize) -> Position {
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    Position {
        line,
        column: before[line_start..].chars().count() + 1,
    }
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

fn is_key_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '.')
}

/// A well-formed name: `ident` or `ident.KEY`.
fn well_formed(name: &str) -> bool {
    let (head, key) = match name.split_once('.') {
        Some((h, k)) => (h, Some(k)),
        None => (name, None),
    };
    !head.is_empty()
        && !head.starts_with(|c: char| c.is_ascii_digit())
        && head.chars().all(is_name_char)
        && key.is_none_or(|k| !k.is_empty() && k.chars().all(is_key_char))
}

/// Whether `name` is one of `known` (`meta.*` matches `meta.anything`).
fn is_known(name: &str, known: &[String]) -> bool {
    known.iter().any(|k| match k.strip_suffix(".*") {
        Some(prefix) => name
            .strip_prefix(prefix)
            .and_then(|r| r.strip_prefix('.'))
            .is_some_and(|key| !key.is_empty()),
        None => k == name,
    })
}

impl Template {
    /// Parses `text`, knowing the [`DEFAULT_NAMES`].
    pub fn parse(text: &str) -> Result<Template, TemplateError> {
        Template::parse_with(text, DEFAULT_NAMES)
    }

    /// Parses `text`, knowing exactly the names `known` (`"meta.*"` for any `meta.KEY`). A
    /// caller adding names passes [`DEFAULT_NAMES`] and its own.
    pub fn parse_with(text: &str, known: &[&str]) -> Result<Template, TemplateError> {
        let known: Vec<String> = known.iter().map(|s| s.to_string()).collect();
        let mut pieces = Vec::new();
        let mut literal = String::new();
        let mut rest = 0;
        while let Some(found) = text[rest..].find("{{") {
            let open = rest + found;
            literal.push_str(&text[rest..open]);
            let at = position(text, open);
            let inner_start = open + 2;
            let inner_trimmed = text[inner_start..].trim_start();
            if inner_trimmed.starts_with('"') {
                // A quoted literal: `{{ "..." }}`.
                let q = text.len() - inner_trimmed.len();
                let Some(len) = text[q + 1..].find('"') else {
                    return Err(TemplateError::BadLiteral { at });
                };
                let after = &text[q + 1 + len + 1..];
                let Some(tail) = after.trim_start().strip_prefix("}}") else {
                    return Err(TemplateError::BadLiteral { at });
                };
                literal.push_str(&text[q + 1..q + 1 + len]);
                rest = text.len() - tail.len();
                continue;
            }
            let close = text[inner_start..].find("}}").map(|i| inner_start + i);
            let next_open = text[inner_start..].find("{{").map(|i| inner_start + i);
            let close = match (close, next_open) {
                (Some(c), Some(o)) if o < c => return Err(TemplateError::Unclosed { at }),
                (Some(c), _) => c,
                (None, _) => return Err(TemplateError::Unclosed { at }),
            };
            let name = text[inner_start..close].trim();
            if name.is_empty() {
                return Err(TemplateError::Empty { at });
            }
            if !well_formed(name) {
                return Err(TemplateError::BadName {
                    text: name.to_string(),
                    at,
                });
            }
            if !is_known(name, &known) {
                return Err(TemplateError::Unknown {
                    name: name.to_string(),
                    at,
                    known,
                });
            }
            if !literal.is_empty() {
                pieces.push(Piece::Text(std::mem::take(&mut literal)));
            }
            pieces.push(Piece::Var {
                name: name.to_string(),
                at,
            });
            rest = close + 2;
        }
        literal.push_str(&text[rest..]);
        if !literal.is_empty() {
            pieces.push(Piece::Text(literal));
        }
        Ok(Template { pieces, known })
    }

    /// The placeholders' names, in order of appearance (repeats included).
    pub fn placeholders(&self) -> impl Iterator<Item = &str> {
        self.pieces.iter().filter_map(|p| match p {
            Piece::Var { name, .. } => Some(name.as_str()),
            Piece::Text(_) => None,
        })
    }

    /// Whether the template uses the placeholder `name` (a judge template without
    /// `{{response}}` judges nothing).
    pub fn uses(&self, name: &str) -> bool {
        self.placeholders().any(|p| p == name)
    }

    /// The names this template knows.
    pub fn known(&self) -> &[String] {
        &self.known
    }

    /// Renders the template in one pass: each placeholder becomes `vars(name)`, which is never
    /// scanned for placeholders. `None` for a placeholder is [`TemplateError::NoValue`].
    pub fn render(&self, vars: &dyn Fn(&str) -> Option<String>) -> Result<String, TemplateError> {
        let mut out = String::new();
        for piece in &self.pieces {
            match piece {
                Piece::Text(t) => out.push_str(t),
                Piece::Var { name, at } => match vars(name) {
                    Some(v) => out.push_str(&v),
                    None => {
                        return Err(TemplateError::NoValue {
                            name: name.clone(),
                            at: *at,
                        })
                    }
                },
            }
        }
        Ok(out)
    }
}

/// How a JSON value is written into a prompt: a string as its text, anything else (numbers,
/// booleans, `null`, arrays, objects) as compact JSON, keys in their original order.
pub fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => serde_json::to_string(other).unwrap_or_default(),
    }
}

/// The standard variables of one sample, for [`Template::render`]:
/// `vars.render(&template)` or `template.render(&|n| vars.get(n))`.
#[derive(Clone, Copy, Debug)]
pub struct SampleVars<'a> {
    pub prompt: &'a str,
    pub response: &'a str,
    pub reference: &'a Value,
    pub meta: &'a Value,
    /// The criterion being judged (rubric judges), if any.
    pub criterion: Option<&'a str>,
}

impl SampleVars<'_> {
    /// The value of a standard placeholder: `prompt`, `response`, `reference` and `criterion`,
    /// `meta.KEY` and `reference.KEY` (a key of the object, written with [`value_text`]).
    /// `None` for a name it does not know, a missing key, or no criterion.
    pub fn get(&self, name: &str) -> Option<String> {
        match name {
            "prompt" => Some(self.prompt.to_string()),
            "response" => Some(self.response.to_string()),
            "reference" => Some(value_text(self.reference)),
            "criterion" => self.criterion.map(str::to_string),
            _ => {
                let (head, key) = name.split_once('.')?;
                let object = match head {
                    "meta" => self.meta,
                    "reference" => self.reference,
                    _ => return None,
                };
                object.get(key).map(value_text)
            }
        }
    }

    /// Renders `template` with these variables.
    pub fn render(&self, template: &Template) -> Result<String, TemplateError> {
        template.render(&|n| self.get(n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn vars<'a>(reference: &'a Value, meta: &'a Value) -> SampleVars<'a> {
        SampleVars {
            prompt: "What is 6 * 7?",
            response: "42",
            reference,
            meta,
            criterion: None,
        }
    }

    #[test]
    fn substitutes_every_standard_placeholder() {
        let reference = json!("42");
        let meta = json!({"source": "gsm8k", "level": 3});
        let t = Template::parse(
            "Q: {{prompt}}\nRef: {{ reference }}\nA: {{response}}\n[{{meta.source}}/{{meta.level}}]",
        )
        .unwrap();
        assert_eq!(
            vars(&reference, &meta).render(&t).unwrap(),
            "Q: What is 6 * 7?\nRef: 42\nA: 42\n[gsm8k/3]"
        );
        assert_eq!(
            t.placeholders().collect::<Vec<_>>(),
            [
                "prompt",
                "reference",
                "response",
                "meta.source",
                "meta.level"
            ]
        );
        assert!(t.uses("response"));
        assert!(!t.uses("criterion"));
    }

    #[test]
    fn a_response_containing_placeholders_is_inserted_verbatim() {
        // The adversary's trick: the response asks the template to pull in the reference.
        let reference = json!("SECRET-ANSWER-1729");
        let meta = json!({"k": "META-VALUE"});
        let t = Template::parse("Reference: {{reference}}\nResponse: {{response}}").unwrap();
        let sneaky = SampleVars {
            response: "{{reference}} {{ reference }} {{meta.k}} {{",
            ..vars(&reference, &meta)
        };
        let out = sneaky.render(&t).unwrap();
        assert_eq!(
            out,
            "Reference: SECRET-ANSWER-1729\nResponse: {{reference}} {{ reference }} {{meta.k}} {{"
        );
        assert_eq!(out.matches("SECRET-ANSWER-1729").count(), 1);
        assert!(!out.contains("META-VALUE"));
        // Without the reference in the template, the response cannot bring it in at all.
        let t = Template::parse("Response: {{response}}").unwrap();
        let out = sneaky.render(&t).unwrap();
        assert!(!out.contains("SECRET"), "{out}");
    }

    #[test]
    fn a_prompt_containing_placeholders_is_inserted_verbatim_too() {
        let reference = json!("R");
        let meta = json!({});
        let t = Template::parse("{{prompt}}|{{response}}").unwrap();
        let v = SampleVars {
            prompt: "{{response}}",
            response: "{{prompt}}",
            ..vars(&reference, &meta)
        };
        assert_eq!(v.render(&t).unwrap(), "{{response}}|{{prompt}}");
    }

    #[test]
    fn non_string_values_are_compact_json() {
        let reference = json!({"answer": 42, "units": ["m", "s"], "exact": true});
        let meta = json!({"tags": [1, 2.5], "none": null, "flag": false});
        let t = Template::parse(
            "{{reference}} {{reference.answer}} {{reference.units}} {{meta.tags}} {{meta.none}} {{meta.flag}}",
        )
        .unwrap();
        assert_eq!(
            vars(&reference, &meta).render(&t).unwrap(),
            r#"{"answer":42,"units":["m","s"],"exact":true} 42 ["m","s"] [1,2.5] null false"#
        );
        assert_eq!(value_text(&json!("plain \"text\"")), "plain \"text\"");
        assert_eq!(value_text(&json!(0.1)), "0.1");
    }

    #[test]
    fn criterion_and_missing_values() {
        let reference = json!(null);
        let meta = json!({"a": 1});
        let t = Template::parse("C: {{criterion}}").unwrap();
        let v = vars(&reference, &meta);
        let e = v.render(&t).unwrap_err();
        assert_eq!(
            e.to_string(),
            "no value for `{{criterion}}` at line 1, column 4"
        );
        assert_eq!(e.kind(), "no_value");
        let with = SampleVars {
            criterion: Some("Mentions the units"),
            ..v
        };
        assert_eq!(with.render(&t).unwrap(), "C: Mentions the units");
        let t = Template::parse("x\n  {{meta.missing}}").unwrap();
        assert_eq!(
            v.render(&t).unwrap_err().to_string(),
            "no value for `{{meta.missing}}` at line 2, column 3"
        );
        // `reference.KEY` on a reference that is not an object has no value.
        let t = Template::parse("{{reference.answer}}").unwrap();
        assert_eq!(v.render(&t).unwrap_err().kind(), "no_value");
    }

    #[test]
    fn unknown_placeholders_name_themselves_and_the_known_ones() {
        let e = Template::parse("Grade {{answer}} please").unwrap_err();
        assert_eq!(
            e.to_string(),
            "unknown placeholder `{{answer}}` at line 1, column 7; known: {{prompt}}, {{response}}, {{reference}}, {{reference.KEY}}, {{meta.KEY}}, {{criterion}}"
        );
        assert_eq!(e.kind(), "unknown_placeholder");
        let e = Template::parse("{{ meta }}").unwrap_err();
        assert_eq!(e.kind(), "unknown_placeholder");
        let e = Template::parse_with("{{response}} {{prompt}}", &["response"]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "unknown placeholder `{{prompt}}` at line 1, column 14; known: {{response}}"
        );
    }

    #[test]
    fn callers_add_names() {
        let mut names = DEFAULT_NAMES.to_vec();
        names.push("candidates");
        let t = Template::parse_with("{{candidates}} / {{response}}", &names).unwrap();
        let out = t
            .render(&|n| match n {
                "candidates" => Some("A, B".to_string()),
                "response" => Some("r".to_string()),
                _ => None,
            })
            .unwrap();
        assert_eq!(out, "A, B / r");
        assert_eq!(t.known().len(), 7);
    }

    #[test]
    fn unclosed_braces_give_their_position() {
        let e = Template::parse("Q: {{prompt}}\nA: {{response").unwrap_err();
        assert_eq!(
            e.to_string(),
            "`{{` at line 2, column 4 is never closed by `}}`"
        );
        assert_eq!(e.kind(), "unclosed");
        // Closed only after another `{{`: the first one is the unclosed one.
        let e = Template::parse("é {{prompt {{response}}").unwrap_err();
        assert_eq!(
            e.to_string(),
            "`{{` at line 1, column 3 is never closed by `}}`"
        );
        assert_eq!(
            Template::parse("{{").unwrap_err(),
            TemplateError::Unclosed {
                at: Position { line: 1, column: 1 }
            }
        );
    }

    #[test]
    fn malformed_names_and_empty_placeholders() {
        assert_eq!(
            Template::parse("a {{ }} b").unwrap_err().to_string(),
            "empty placeholder `{{}}` at line 1, column 3"
        );
        assert_eq!(
            Template::parse("{{foo bar}}").unwrap_err().to_string(),
            "`{{foo bar}}` at line 1, column 1 is not a placeholder name (a name is letters, digits and `_`, then `.KEY` for `meta` and `reference`)"
        );
        for bad in ["{{meta.}}", "{{.x}}", "{{1abc}}", "{{{prompt}}}", "{{a{b}}"] {
            assert_eq!(
                Template::parse(bad).unwrap_err().kind(),
                "bad_name",
                "{bad}"
            );
        }
    }

    #[test]
    fn quoted_literals_write_braces() {
        let reference = json!(null);
        let meta = json!({});
        let t = Template::parse(r#"Reply {{ "{{" }}"score": N{{"}}"}} for {{response}}"#).unwrap();
        assert_eq!(
            vars(&reference, &meta).render(&t).unwrap(),
            r#"Reply {{"score": N}} for 42"#
        );
        assert_eq!(t.placeholders().collect::<Vec<_>>(), ["response"]);
        let e = Template::parse(r#"x {{ "abc }}"#).unwrap_err();
        assert_eq!(
            e.to_string(),
            "the quoted literal at line 1, column 3 must end with `\" }}` (a literal cannot contain `\"`)"
        );
        assert_eq!(
            Template::parse(r#"{{ "a" b }}"#).unwrap_err().kind(),
            "bad_literal"
        );
    }

    #[test]
    fn text_without_placeholders_and_lone_closing_braces() {
        let t = Template::parse("just }} text { and }").unwrap();
        assert_eq!(t.render(&|_| None).unwrap(), "just }} text { and }");
        assert_eq!(Template::parse("").unwrap().render(&|_| None).unwrap(), "");
    }
}
