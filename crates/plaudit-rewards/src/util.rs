//! Helpers shared by several rewards: length units, answer extraction, text normalisation.
//! Not rewards themselves; every function here is linear in its input.

use plaudit_core::{Failure, Kind, ParamSpec, Sample};
use unicode_normalization::UnicodeNormalization;
use unicode_properties::{GeneralCategory as Gc, UnicodeGeneralCategory};

/// The `unit` parameter every length-based reward takes.
pub const UNIT_PARAM: ParamSpec = ParamSpec::new(
    "unit",
    Kind::Enum(&["tokens", "chars", "words"]),
    "\"tokens\"",
    "how length is counted: the sample's `tokens`, Unicode characters, or the words a reader sees (split at whitespace and at characters that show as a space, such as the Braille blank; invisible characters dropped)",
);

/// Whether `c` shows nothing a reader could take for content: control characters other than
/// whitespace, format characters (zero-width spaces and joiners, the byte-order mark, soft
/// hyphens, bidirectional marks, the interlinear annotation and Egyptian format controls),
/// unassigned and private-use code points (U+FFF0…U+FFF8 among them), variation selectors, tag
/// characters, Hangul and Khitan fillers (letters to Unicode, blank on screen), the musical null
/// notehead and the Braille blank.
pub fn is_invisible(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_control() && !c.is_ascii_whitespace();
    }
    matches!(
        c,
        '\u{34f}'
            | '\u{115f}'
            | '\u{1160}'
            | '\u{17b4}'
            | '\u{17b5}'
            | '\u{180b}'..='\u{180f}'
            | '\u{2800}'
            | '\u{3164}'
            | '\u{fe00}'..='\u{fe0f}'
            | '\u{ffa0}'
            | '\u{16fe4}'
            | '\u{1d159}'
            | '\u{1bca0}'..='\u{1bca3}'
            | '\u{e0000}'..='\u{e0fff}'
    ) || (!c.is_whitespace()
        && matches!(
            c.general_category(),
            Gc::Control | Gc::Format | Gc::Unassigned | Gc::PrivateUse | Gc::Surrogate
        ))
}

/// The Latin letter (lower case) a Cyrillic, Greek or Armenian letter is drawn as, in either
/// case (`о` U+043E, `ο` U+03BF and `օ` U+0585 as `o`; `Т` and `Τ` as `t`; Cyrillic letters whose
/// capital looks Latin, `т`, `в`, `н`, `м`, `к`, too, so a Cyrillic word folds the same in
/// either case); any other character unchanged. For matching text a policy may spell with
/// look-alikes ("Sоlution"); both sides of a comparison are folded.
pub fn latin_lookalike(c: char) -> char {
    match c {
        'а' | 'А' | 'α' | 'Α' => 'a',
        'в' | 'В' | 'Β' => 'b',
        'с' | 'С' | 'ϲ' | 'Ϲ' => 'c',
        'ԁ' => 'd',
        'е' | 'Е' | 'Ε' => 'e',
        'ց' => 'g',
        'һ' | 'н' | 'Н' | 'Η' | 'հ' => 'h',
        'і' | 'І' | 'ι' | 'Ι' => 'i',
        'ј' | 'Ј' => 'j',
        'к' | 'К' | 'κ' | 'Κ' => 'k',
        'ӏ' => 'l',
        'м' | 'М' | 'Μ' => 'm',
        'Ν' | 'ո' => 'n',
        'о' | 'О' | 'ο' | 'Ο' | 'օ' => 'o',
        'р' | 'Р' | 'ρ' | 'Ρ' => 'p',
        'ԛ' => 'q',
        'ѕ' | 'Ѕ' => 's',
        'т' | 'Т' | 'τ' | 'Τ' => 't',
        'υ' | 'ս' => 'u',
        'ν' | 'ѵ' => 'v',
        'ԝ' => 'w',
        'х' | 'Х' | 'χ' | 'Χ' => 'x',
        'у' | 'У' | 'γ' | 'Υ' => 'y',
        'Ζ' => 'z',
        other => other,
    }
}

/// Whether `c` is a combining mark (a diacritic, a vowel sign): visible only on a letter.
fn is_mark(c: char) -> bool {
    !c.is_ascii()
        && matches!(
            c.general_category(),
            Gc::NonspacingMark | Gc::SpacingMark | Gc::EnclosingMark
        )
}

/// Whether `s` shows nothing: only whitespace, [`is_invisible`] characters and combining marks
/// with no letter to sit on. A block of `\u{200b}` (or of control characters, or of a lone
/// accent) is as empty as a block of spaces: a reward that pays for a non-empty block must not
/// pay for it.
pub fn is_blank(s: &str) -> bool {
    s.chars()
        .all(|c| c.is_whitespace() || is_invisible(c) || is_mark(c))
}

/// Whether `c` separates words on screen: whitespace, the zero-width space (a word break by
/// definition), and the characters that show as a space though Unicode does not call them one
/// (the Braille blank, the Hangul fillers).
fn is_word_break(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '\u{200b}' | '\u{2800}' | '\u{3164}' | '\u{115f}' | '\u{1160}' | '\u{ffa0}'
        )
}

/// The words a reader sees in `s`: split at [`is_word_break`] characters, with the other
/// invisible characters dropped from inside them (`the\u{200c}` is `the`) and words that are
/// nothing but invisible characters skipped. Words joined by a Braille blank are several words;
/// words told apart only by invisible suffixes are one word repeated.
pub fn visible_words(s: &str) -> impl Iterator<Item = std::borrow::Cow<'_, str>> {
    s.split(is_word_break).filter_map(|w| {
        if w.chars().any(is_invisible) {
            let kept: String = w.chars().filter(|c| !is_invisible(*c)).collect();
            (!kept.is_empty()).then_some(std::borrow::Cow::Owned(kept))
        } else {
            (!w.is_empty()).then_some(std::borrow::Cow::Borrowed(w))
        }
    })
}

/// The response's length in `unit`. Asking for tokens when the sample has none is `invalid_input`.
pub fn response_length(sample: &Sample, unit: &str) -> Result<f64, Failure> {
    match unit {
        "tokens" => sample.tokens.map(|t| t as f64).ok_or_else(|| {
            Failure::invalid_input(
                "sample has no `tokens` field, and this reward counts length in tokens (send `tokens`, or set `unit: chars` or `unit: words`)",
            )
        }),
        "chars" => Ok(sample.response.chars().count() as f64),
        "words" => Ok(visible_words(&sample.response).count() as f64),
        other => Err(Failure::error(format!("unknown length unit `{other}`"))),
    }
}

/// The content of the last `\boxed{…}` or `\fbox{…}` (braces balanced), or of `\boxed x` up to
/// the next whitespace or `$`.
pub fn last_boxed(text: &str) -> Option<&str> {
    let b = rfind_by_first(text, "\\boxed");
    let f = rfind_by_first(text, "\\fbox");
    let (start, cmd_len) = match (b, f) {
        (Some(b), Some(f)) if f > b => (f, 5),
        (Some(b), _) => (b, 6),
        (None, Some(f)) => (f, 5),
        (None, None) => return None,
    };
    let rest = &text[start + cmd_len..];
    let trimmed = rest.trim_start();
    if let Some(inner) = trimmed.strip_prefix('{') {
        let mut depth = 1usize;
        for (i, c) in inner.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(&inner[..i]);
                    }
                }
                _ => {}
            }
        }
        None
    } else if rest.starts_with(' ') {
        let end = trimmed
            .find(|c: char| c.is_whitespace() || c == '$')
            .unwrap_or(trimmed.len());
        Some(&trimmed[..end]).filter(|s| !s.is_empty())
    } else {
        None
    }
}

/// The content of the last `<tag>…</tag>` block (shared with the math verifier).
pub use plaudit_math::extract::tag_content;
use plaudit_math::extract::{contains_by_first, rfind_by_first};

/// The text after the last answer marker ("final answer is", "answer is", "answer:", GSM8K's
/// "####"), to the end of its line, without a trailing period.
pub fn after_answer_marker(text: &str) -> Option<&str> {
    // The greatest end of the three markers (ASCII case-insensitive), found from the end.
    let start = plaudit_math::extract::last_marker_end(text, false)?;
    let rest = &text[start..];
    let rest = rest.trim_start_matches([':', ' ', '\t']);
    let line = rest.split('\n').next().unwrap_or("").trim();
    let line = line.strip_suffix('.').unwrap_or(line).trim();
    Some(line).filter(|s| !s.is_empty())
}

/// The last non-empty line.
pub fn last_line(text: &str) -> Option<&str> {
    text.lines().map(str::trim).rfind(|l| !l.is_empty())
}

/// Extraction modes shared by the answer rewards.
pub const EXTRACT_MODES: &[&str] = &["auto", "answer_tag", "boxed", "marker", "last_line", "none"];

/// Where a final answer may be: the text after the last `</think>` when there is one; nothing when
/// a `<think>` block was opened and never closed (the response was cut off mid-reasoning); else the
/// whole response. An answer written inside the reasoning does not count.
pub fn answer_region(response: &str) -> Option<&str> {
    match rfind_by_first(response, "</think>") {
        Some(p) => Some(&response[p + "</think>".len()..]),
        None if contains_by_first(response, "<think>") => None,
        None => Some(response),
    }
}

/// Pull the final answer out of a response (within [`answer_region`], except for `none`). `auto`
/// tries, in order: the `<answer_tag>` block (a `\boxed{}` inside it wins), the last `\boxed{}`,
/// an answer marker, and the whole region.
pub fn extract_answer<'a>(response: &'a str, mode: &str, tag: &str) -> Option<&'a str> {
    if mode == "none" {
        return Some(response.trim()).filter(|s| !s.is_empty());
    }
    let response = answer_region(response)?;
    let found = match mode {
        "answer_tag" => tag_content(response, tag),
        "boxed" => last_boxed(response),
        "marker" => after_answer_marker(response),
        "last_line" => last_line(response),
        _ => tag_content(response, tag)
            .and_then(|inner| last_boxed(inner).or(Some(inner)))
            .or_else(|| last_boxed(response))
            .or_else(|| after_answer_marker(response))
            .or(Some(response)),
    };
    found.map(str::trim).filter(|s| !s.is_empty())
}

/// Unicode NFKC, lower case (unless `case_sensitive`), whitespace collapsed, surrounding
/// whitespace, `$` delimiters and a trailing period removed.
pub fn normalize_basic(s: &str, case_sensitive: bool) -> String {
    // One pass: NFKC (the identity on ASCII, so skipped there), case folding, whitespace runs
    // collapsed to one space.
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    if s.is_ascii() {
        // Byte by byte: the ASCII characters `char::is_whitespace` accepts, ASCII lower case.
        for &b in s.as_bytes() {
            if matches!(b, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ') {
                pending_space = !out.is_empty();
                continue;
            }
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(char::from(if case_sensitive {
                b
            } else {
                b.to_ascii_lowercase()
            }));
        }
    } else {
        for c in s.nfkc() {
            if c.is_whitespace() {
                pending_space = !out.is_empty();
                continue;
            }
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            if case_sensitive {
                out.push(c);
            } else {
                out.extend(c.to_lowercase());
            }
        }
    }
    let mut t = out.as_str();
    loop {
        let before = t.len();
        t = t.trim();
        if let Some(x) = t.strip_suffix('.') {
            t = x;
        }
        if t.len() >= 2 && t.starts_with('$') && t.ends_with('$') {
            t = &t[1..t.len() - 1];
        }
        if t.len() == before {
            break;
        }
    }
    // The kept part, cut from `out` in place.
    let start = t.as_ptr() as usize - out.as_ptr() as usize;
    let end = start + t.len();
    out.truncate(end);
    out.drain(..start);
    out
}

/// Whether [`normalize_basic`] would give `s` back unchanged, decided without building it: ASCII
/// with no whitespace but single spaces between other characters, no upper case (unless
/// `case_sensitive`), no trailing period, and not wrapped in `$…$`. (`false` says nothing.)
pub fn is_basic_normal(s: &str, case_sensitive: bool) -> bool {
    let b = s.as_bytes();
    let mut prev_space = true;
    for &c in b {
        match c {
            b' ' if prev_space => return false,
            b' ' => prev_space = true,
            b'\t' | b'\n' | 0x0b | 0x0c | b'\r' => return false,
            b'A'..=b'Z' if !case_sensitive => return false,
            0x80.. => return false,
            _ => prev_space = false,
        }
    }
    let wrapped = b.len() >= 2 && s.starts_with('$') && s.ends_with('$');
    !(prev_space || s.ends_with('.') || wrapped)
}

/// SQuAD's answer normalisation: lower case, punctuation removed, the articles a/an/the removed,
/// whitespace collapsed ("Reading Wikipedia to Answer Open-Domain Questions"; the SQuAD v1.1
/// evaluation script).
pub fn normalize_squad(s: &str) -> String {
    let lower = s.to_lowercase();
    let no_punct: String = lower.chars().filter(|c| !is_punctuation(*c)).collect();
    no_punct
        .split_whitespace()
        .filter(|w| !matches!(*w, "a" | "an" | "the"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// ASCII punctuation (Python's `string.punctuation`).
pub fn is_punctuation(c: char) -> bool {
    c.is_ascii_punctuation()
}

/// Words for phrase matching (`entity_match`, `keyword_chain`): Unicode NFKC, lower case, every
/// run of characters other than letters and digits a separator, the articles a/an/the dropped.
/// "The U.S.-based firm" gives `u s based firm`.
pub fn match_words(s: &str) -> Vec<String> {
    let lower: String = s.nfkc().flat_map(char::to_lowercase).collect();
    lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !matches!(*w, "a" | "an" | "the"))
        .map(str::to_string)
        .collect()
}

/// Where each word of a text (its [`match_words`]) occurs, to find phrases in it.
pub struct WordIndex<'a> {
    words: &'a [String],
    at: std::collections::HashMap<&'a str, Vec<usize>>,
}

impl<'a> WordIndex<'a> {
    pub fn new(words: &'a [String]) -> Self {
        let mut at: std::collections::HashMap<&str, Vec<usize>> = Default::default();
        for (i, w) in words.iter().enumerate() {
            at.entry(w.as_str()).or_default().push(i);
        }
        WordIndex { words, at }
    }

    /// The start of every occurrence of `phrase` (a non-empty word sequence) as consecutive
    /// words, in increasing order.
    pub fn find(&self, phrase: &[String]) -> Vec<usize> {
        let Some(first) = phrase.first() else {
            return Vec::new();
        };
        let Some(starts) = self.at.get(first.as_str()) else {
            return Vec::new();
        };
        starts
            .iter()
            .copied()
            .filter(|&s| {
                self.words
                    .get(s..s + phrase.len())
                    .is_some_and(|ws| ws == phrase)
            })
            .collect()
    }
}

/// A list of phrases from a sample (`what` names where it was read, for messages): each item a
/// string, or a non-empty list of strings that are aliases of one item. Each alias as its
/// [`match_words`]; `invalid_input` for an empty list, an item of another type, or an alias with
/// no words.
pub fn phrase_list(v: &serde_json::Value, what: &str) -> Result<Vec<Vec<Vec<String>>>, Failure> {
    use serde_json::Value;
    let bad = |m: String| Failure::invalid_input(format!("`{what}` {m}"));
    let Value::Array(items) = v else {
        return Err(bad(
            "must be a list of strings (or of lists of aliases)".into()
        ));
    };
    if items.is_empty() {
        return Err(bad("is an empty list".into()));
    }
    let alias = |a: &Value, i: usize| -> Result<Vec<String>, Failure> {
        let Value::String(s) = a else {
            return Err(bad(format!(
                "item {i} must be a string or a list of strings, got {}",
                plaudit_core::sample::type_name(a)
            )));
        };
        let ws = match_words(s);
        if ws.is_empty() {
            return Err(bad(format!("item {i} ({s:?}) has no words to match")));
        }
        Ok(ws)
    };
    items
        .iter()
        .enumerate()
        .map(|(i, item)| match item {
            Value::Array(al) if al.is_empty() => Err(bad(format!("item {i} is an empty list"))),
            Value::Array(al) => al.iter().map(|a| alias(a, i)).collect(),
            other => Ok(vec![alias(other, i)?]),
        })
        .collect()
}

/// `text` without its `<tag>…</tag>` blocks, for each of `tags` (an unclosed block runs to the
/// end).
pub fn without_blocks(text: &str, tags: &[String]) -> String {
    let mut out = text.to_string();
    for t in tags.iter().filter(|t| !t.is_empty()) {
        let (open, close) = (format!("<{t}>"), format!("</{t}>"));
        let mut kept = String::with_capacity(out.len());
        let mut rest = out.as_str();
        while let Some(i) = rest.find(&open) {
            kept.push_str(&rest[..i]);
            kept.push(' ');
            rest = match rest[i + open.len()..].find(&close) {
                Some(j) => &rest[i + open.len() + j + close.len()..],
                None => "",
            };
        }
        kept.push_str(rest);
        out = kept;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boxed_nested_and_last() {
        assert_eq!(
            last_boxed("a \\boxed{1} then \\boxed{\\frac{1}{2}}"),
            Some("\\frac{1}{2}")
        );
        assert_eq!(last_boxed("\\fbox{x}"), Some("x"));
        assert_eq!(last_boxed("so \\boxed 5$."), Some("5"));
        assert_eq!(last_boxed("\\boxed{unclosed"), None);
        assert_eq!(last_boxed("none"), None);
    }

    #[test]
    fn markers_tags_lines() {
        assert_eq!(
            after_answer_marker("so\nThe final answer is 42.\n"),
            Some("42")
        );
        assert_eq!(after_answer_marker("work\n#### 1,000"), Some("1,000"));
        assert_eq!(after_answer_marker("Answer: B"), Some("B"));
        assert_eq!(
            tag_content("<answer>1</answer> <answer> 2 </answer>", "answer"),
            Some(" 2 ")
        );
        assert_eq!(last_line("a\nb\n\n"), Some("b"));
    }

    #[test]
    fn extraction_order() {
        assert_eq!(
            extract_answer(
                "<think>x</think><answer>\\boxed{3}</answer>",
                "auto",
                "answer"
            ),
            Some("3")
        );
        assert_eq!(
            extract_answer("<answer>Paris</answer>", "auto", "answer"),
            Some("Paris")
        );
        assert_eq!(extract_answer("so \\boxed{7}", "auto", "answer"), Some("7"));
        assert_eq!(
            extract_answer("The answer is 7.", "auto", "answer"),
            Some("7")
        );
        assert_eq!(extract_answer("  7 ", "auto", "answer"), Some("7"));
        assert_eq!(extract_answer("no tag", "answer_tag", "answer"), None);
        assert_eq!(extract_answer("   ", "auto", "answer"), None);
        assert_eq!(
            extract_answer("<think>\\boxed{1}</think> so 2", "auto", "answer"),
            Some("so 2")
        );
        assert_eq!(
            extract_answer("<think>cut off \\boxed{1}", "auto", "answer"),
            None
        );
        assert_eq!(
            extract_answer("<think>cut off", "none", "answer"),
            Some("<think>cut off")
        );
    }

    #[test]
    fn already_normal_is_what_normalising_leaves() {
        let mut words: Vec<String> = [
            "",
            " ",
            "a",
            "A",
            "a b",
            "a  b",
            " a",
            "a ",
            "a\tb",
            "a\nb",
            "a.",
            ".",
            "a.b",
            "$a$",
            "$",
            "$a",
            "a$",
            "$$",
            "é",
            "42",
            "x = 1",
            "the answer",
            "The Answer",
            "a\u{b}b",
            "a\u{c}b",
            "a\rb",
            "a\u{1c}b",
            "a\u{85}b",
            "a\u{a0}b",
            "ｆｕｌｌ",
            "1,000",
            "-3",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        // And every string of up to three characters from a small alphabet.
        let alphabet = ["a", "B", " ", ".", "$", "\t", "é"];
        for x in alphabet {
            for y in alphabet {
                for z in alphabet {
                    words.push(format!("{x}{y}"));
                    words.push(format!("{x}{y}{z}"));
                }
            }
        }
        for w in &words {
            for cs in [false, true] {
                if is_basic_normal(w, cs) {
                    assert_eq!(&normalize_basic(w, cs), w, "{w:?} (case_sensitive {cs})");
                }
            }
        }
        assert!(is_basic_normal("the answer", false));
        assert!(is_basic_normal("The Answer", true));
        assert!(!is_basic_normal("The Answer", false));
        assert!(!is_basic_normal("", false));
    }

    #[test]
    fn normalisations() {
        assert_eq!(normalize_basic("  The   Answer. ", false), "the answer");
        assert_eq!(normalize_basic("$42$", true), "42");
        assert_eq!(normalize_basic("ｆｕｌｌ", false), "full");
        assert_eq!(normalize_squad("The Eiffel-Tower!"), "eiffeltower");
        assert_eq!(normalize_squad("an apple, a pear"), "apple pear");
    }
}
