//! Master-key guard: 0 for responses that carry no answer content (punctuation, "Thought process:", "Solution", empty or cut-off text) and fool LLM judges, else 1; multiply a judge's reward by it.
//!
//! ## What it computes
//! The text looked at is the response after its last `</think>` (a response cut off inside an
//! unclosed `<think>` has none), normalised: NFKC, lower case, whitespace collapsed, apostrophes
//! and the marks drawn like one dropped (`let's`, `lets`, `let′s` are one phrase), Cyrillic,
//! Greek and Armenian letters drawn like Latin ones folded to them in either case (`Sоlution`
//! with a Cyrillic `о`, `Τhought` with a Greek Tau), invisible
//! characters dropped (zero-width spaces, the byte-order mark, soft hyphens, control and other
//! format characters, unassigned code points, Hangul fillers, which Unicode counts as letters
//! though they show nothing). It is a master key, and the value is 0.0, when:
//! - `empty`: nothing is left (a response that only thinks, or nothing at all);
//! - `cut_off`: the response stops inside an unclosed `<think>`;
//! - `punctuation`: it has no content, where content is a letter, a digit, `∞` or `∅`, and the
//!   names of LaTeX commands that only format (`\boxed`, `\text`, `\mathrm`, `\left`, `\quad`,
//!   `\dots` …) are not content: `:`, `.`, `…`, `。`, `**`, `---`, emoji, `\boxed{:}`, and the
//!   characters that look like punctuation though Unicode calls them letters or symbols: modifier
//!   letters (`ː` U+02D0, `ー`, `ـ`, `ˈ`), the click letters `ǀ ǁ ǂ ǃ`, `ꞏ`, and mathematical
//!   symbols (`∶` U+2236 RATIO, `−`, `⋯`, `∙`: a symbol alone is no answer);
//! - `opener`: it is made only of opener phrases and punctuation, such as "Thought process:",
//!   "Let's solve this problem step by step.", "**Solution:**", "Answer:", "解：", "Respuesta",
//!   in English, Chinese, Japanese, Korean, Spanish, French, German, Portuguese, Russian and
//!   Italian, and fillers ("Okay", "Sure!", "Let's see") (the list is `OPENER_PHRASES` in
//!   `crates/plaudit-judge/src/master_keys.rs`, next
//!   to the paper's master keys), and the `extra_patterns`; a phrase matches whole words only
//!   (`solutions` is not `solution`; `Solutionː` with a length mark is), and any content after
//!   the phrases ("Solution: 42") passes;
//! - `no_answer`: `require_answer` asks for an answer (an `<answer>` block, a `\boxed{}`, an answer
//!   marker, or any of them) and there is none, or the answer itself is a master key (`\boxed{:}`).
//!
//! Otherwise the value is 1.0. The details say whether it was a master key, which kind, and the
//! phrases (normalised: `lets solve this problem step by step`) or text that matched. The guard
//! only removes free wins: it does not judge whether the answer is right, so use it as a gate on
//! a judge's or reward model's reward (`reward: judge * guard`).
//!
//! ## Why
//! "One Token to Fool LLM-as-a-Judge" shows that generative reward models, prompted to compare a
//! candidate answer with a reference, often give a positive reward to "non-word symbols (e.g.,
//! ':' or '.') or reasoning openers like 'Thought process:' and 'Let's solve this problem step by
//! step.'", across models, datasets and prompt formats, which a policy trained with RLVR learns to
//! exploit. A response with no answer content is never correct, so refusing it before (or
//! instead of) the judge closes the hole whatever the judge. The abstract names those four keys;
//! the paper's list adds a blank space, ",", "Solution", "解", "かいせつ" and "Respuesta"
//! (`plaudit_judge::MASTER_KEYS`); the other openers and the translations are Plaudit's
//! documented extension of the same idea (extend it with `extra_patterns`).
//!
//! ## Parameters
//! - `extra_patterns` (list of strings; default `[]`): more opener phrases, matched like the
//!   built-in ones (case-insensitive, whole words, surrounding punctuation ignored).
//! - `builtin_patterns` (boolean; default true): use the built-in phrases (false: only the
//!   empty, cut-off, punctuation and `extra_patterns` checks).
//! - `require_answer` (no | answer_tag | boxed | marker | any; default `no`): also require an
//!   extractable answer, that is an `<answer>` block, a `\boxed{}`, an answer marker ("the answer
//!   is", "Answer:", "####"), or any of the three, that is not itself a master key.
//! - `tag` (string; default `answer`): the answer block's tag name for `require_answer`.
//!
//! ## Example
//! ```json
//! {"sample": {"response": ":"}, "value": 0.0}
//! {"sample": {"response": "."}, "value": 0.0}
//! {"sample": {"response": "  …  "}, "value": 0.0}
//! {"sample": {"response": ""}, "value": 0.0}
//! {"sample": {"response": "Thought process:"}, "value": 0.0}
//! {"sample": {"response": "Let’s solve this problem step by step."}, "value": 0.0}
//! {"sample": {"response": "**Solution:**\n\nLet's think step by step."}, "value": 0.0}
//! {"sample": {"response": "解："}, "value": 0.0}
//! {"sample": {"response": "かいせつ"}, "value": 0.0}
//! {"sample": {"response": "Respuesta:"}, "value": 0.0}
//! {"sample": {"response": "\u3164\u200b"}, "value": 0.0}
//! {"sample": {"response": "Thought process:\u3164"}, "value": 0.0}
//! {"sample": {"response": "<think>The sum is 72.</think>"}, "value": 0.0}
//! {"sample": {"response": "<think>Let me add 48 and 24"}, "value": 0.0}
//! {"sample": {"response": "Solution: 72"}, "value": 1.0}
//! {"sample": {"response": "Thought process: 48 + 24 = 72."}, "value": 1.0}
//! {"sample": {"response": "<think>48 + 24</think> 72"}, "value": 1.0}
//! {"sample": {"response": "Solutions"}, "value": 1.0}
//! {"sample": {"response": "∞"}, "value": 1.0}
//! {"sample": {"response": "\u2236"}, "value": 0.0}
//! {"sample": {"response": "\u02d0"}, "value": 0.0}
//! {"sample": {"response": "Th\u043eught pr\u043ecess:"}, "value": 0.0}
//! {"sample": {"response": "Sol\u0001ution\ufff0:"}, "value": 0.0}
//! {"sample": {"response": "Okay, let\u2032s solve this problem step by step."}, "value": 0.0}
//! {"sample": {"response": "Okay, 72."}, "value": 1.0}
//! {"sample": {"response": "$\\boxed{:}$"}, "value": 0.0}
//! {"sample": {"response": "\\boxed{\\text{Solution:}}"}, "value": 0.0}
//! {"sample": {"response": "\\boxed{\\infty}"}, "value": 1.0}
//! {"sample": {"response": "解方程得 x = 2"}, "value": 1.0}
//! {"params": {"extra_patterns": ["Here we go"]}, "sample": {"response": "Here we go!"}, "value": 0.0}
//! {"params": {"builtin_patterns": false}, "sample": {"response": "Solution:"}, "value": 1.0}
//! {"params": {"builtin_patterns": false}, "sample": {"response": ":"}, "value": 0.0}
//! {"params": {"require_answer": "boxed"}, "sample": {"response": "The sum is 72."}, "value": 0.0}
//! {"params": {"require_answer": "boxed"}, "sample": {"response": "The sum is \\boxed{:}"}, "value": 0.0}
//! {"params": {"require_answer": "any"}, "sample": {"response": "The sum is \\boxed{72}"}, "value": 1.0}
//! {"params": {"require_answer": "answer_tag"}, "sample": {"response": "<answer>72</answer>"}, "value": 1.0}
//! {"params": {"require_answer": "any"}, "sample": {"response": "<answer>\u02d0</answer>"}, "value": 0.0}
//! {"params": {"require_answer": "any"}, "sample": {"response": "The sum is \\boxed{\u2236}"}, "value": 0.0}
//! ```

use std::sync::{Arc, LazyLock};

use plaudit_core::{
    Ctx, Deadline, Failure, Kind, Outcome, ParamSpec, Params, Reward, RewardInfo, Sample, Score,
};
use plaudit_judge::OPENER_PHRASES;
use regex::Regex;
use serde_json::{json, Value};

use crate::util::{
    after_answer_marker, answer_region, is_invisible, last_boxed, latin_lookalike, normalize_basic,
    tag_content,
};

pub const INFO: RewardInfo = RewardInfo {
    name: "master_key_guard",
    family: "combine",
    source: include_str!("master_key_guard.rs"),
    params: PARAMS,
    build,
};

const PARAMS: &[ParamSpec] = &[
    ParamSpec::new(
        "extra_patterns",
        Kind::StrList,
        "[]",
        "more opener phrases that carry no answer",
    ),
    ParamSpec::new(
        "builtin_patterns",
        Kind::Bool,
        "true",
        "use the built-in opener phrases",
    ),
    ParamSpec::new(
        "require_answer",
        Kind::Enum(&["no", "answer_tag", "boxed", "marker", "any"]),
        "\"no\"",
        "also require an extractable answer",
    ),
    ParamSpec::new(
        "tag",
        Kind::Str,
        "\"answer\"",
        "answer block tag for `require_answer`",
    ),
];

/// A content character: a letter or a digit, or `∞`, `∅` (values on their own). Not a modifier
/// letter (`ː`, `ー`, `ـ`, `ˈ`: length marks and tone letters that look like colons and
/// dashes), not the click letters `ǀ ǁ ǂ ǃ` or `ꞏ` (bars, a bang and a dot), and no other
/// mathematical symbol (`∶`, `−`, `⋯`, `∙` look like punctuation; a symbol alone is no answer).
static CONTENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[[\p{L}\p{N}]--[\p{Lm}\x{1C0}-\x{1C3}\x{A78F}]]|[\x{221E}\x{2205}]")
        .expect("fixed pattern compiles")
});

/// Apostrophes and the marks drawn like one (`‛`, `′`, `´`, `` ` ``, `ʹ`, `ʻ`, `＇`): dropped, so
/// "let's", "lets" and "let′s" are one phrase.
fn is_apostrophe(c: char) -> bool {
    matches!(
        c,
        '\'' | '’' | 'ʼ' | '‘' | '‛' | '′' | '´' | '`' | 'ʹ' | 'ʻ' | '＇'
    )
}

/// LaTeX commands that only format (their names are no content): `\boxed{:}` is a master key, while
/// `\infty` or `\pi` are answers.
const FORMATTING: &[&str] = &[
    "boxed",
    "fbox",
    "text",
    "textbf",
    "textit",
    "textrm",
    "mathrm",
    "mathbf",
    "mathit",
    "displaystyle",
    "left",
    "right",
    "quad",
    "qquad",
    "newline",
    "begin",
    "end",
    "ldots",
    "cdots",
    "dots",
];

/// Lower case, NFKC, collapsed whitespace, apostrophes dropped, Cyrillic and Greek look-alikes
/// of Latin letters folded, invisible characters (controls, format characters, a Hangul filler,
/// which is a letter to Unicode and blank on screen) dropped.
fn normalize(s: &str) -> String {
    // Folded before NFKC and lower case (a capital Greek `Ν` is an N, its lower case `ν` a v)
    // and after (NFKC makes `α` of a mathematical `𝛼`).
    let visible: String = s
        .chars()
        .filter(|c| !is_invisible(*c) && !is_apostrophe(*c))
        .map(latin_lookalike)
        .collect();
    normalize_basic(&visible, false)
        .chars()
        .map(latin_lookalike)
        .collect()
}

/// A phrase with no leading or trailing non-content characters (how it is matched).
fn phrase_core(p: &str) -> &str {
    let n = normalize_end(p);
    let start = CONTENT.find(n).map_or(n.len(), |m| m.start());
    &n[start..]
}

/// `p` without trailing non-content characters.
fn normalize_end(p: &str) -> &str {
    let mut end = 0;
    for m in CONTENT.find_iter(p) {
        end = m.end();
    }
    &p[..end]
}

struct MasterKeyGuard {
    /// Normalised phrases, longest first.
    phrases: Vec<String>,
    require_answer: String,
    tag: String,
}

fn build(p: &Params) -> Result<Arc<dyn Reward>, String> {
    let mut phrases: Vec<String> = Vec::new();
    let builtin = if p.bool("builtin_patterns") {
        OPENER_PHRASES
    } else {
        &[]
    };
    for raw in builtin
        .iter()
        .map(|s| s.to_string())
        .chain(p.strs("extra_patterns"))
    {
        let n = normalize(&raw);
        let core = phrase_core(&n);
        if core.is_empty() {
            return Err(format!(
                "`extra_patterns`: `{raw}` has no letter or digit (responses without content are refused anyway)"
            ));
        }
        if !phrases.iter().any(|q| q == core) {
            phrases.push(core.to_string());
        }
    }
    phrases.sort_by_key(|q| std::cmp::Reverse(q.len()));
    Ok(Arc::new(MasterKeyGuard {
        phrases,
        require_answer: p.str("require_answer").to_string(),
        tag: p.str("tag").to_string(),
    }))
}

/// Why `text` is a master key (`kind`, `pattern`), or `None` when it carries content.
fn master_key(
    text: &str,
    phrases: &[String],
    deadline: &Deadline,
) -> Result<Option<(&'static str, Value)>, Failure> {
    let t = normalize(text);
    if t.is_empty() {
        return Ok(Some(("empty", Value::Null)));
    }
    let mut pos = 0;
    let mut matched: Vec<&str> = Vec::new();
    let mut round = 0usize;
    loop {
        round += 1;
        if round.is_multiple_of(1024) {
            deadline.check()?;
        }
        let Some(m) = CONTENT.find(&t[pos..]) else {
            // Nothing but punctuation from here on.
            return Ok(Some(if matched.is_empty() {
                let shown: String = t.chars().take(40).collect();
                ("punctuation", json!(shown))
            } else {
                ("opener", json!(matched))
            }));
        };
        pos += m.start();
        let rest = &t[pos..];
        if t[..pos].ends_with('\\') {
            let name_len = rest
                .find(|c: char| !c.is_ascii_alphabetic())
                .unwrap_or(rest.len());
            if FORMATTING.contains(&&rest[..name_len]) {
                pos += name_len;
                continue;
            }
        }
        // A whole phrase: not followed by content (`solutions` is not `solution`; `Solutionː`
        // with a length mark is).
        let hit = phrases.iter().find(|q| {
            rest.starts_with(q.as_str())
                && !rest[q.len()..].chars().next().is_some_and(|c| {
                    let mut b = [0u8; 4];
                    CONTENT.is_match(c.encode_utf8(&mut b))
                })
        });
        match hit {
            Some(q) => {
                if !matched.contains(&q.as_str()) {
                    matched.push(q);
                }
                pos += q.len();
            }
            None => return Ok(None),
        }
    }
}

impl MasterKeyGuard {
    fn answer<'a>(&self, region: &'a str) -> Option<&'a str> {
        match self.require_answer.as_str() {
            "answer_tag" => tag_content(region, &self.tag),
            "boxed" => last_boxed(region),
            "marker" => after_answer_marker(region),
            _ => tag_content(region, &self.tag)
                .or_else(|| last_boxed(region))
                .or_else(|| after_answer_marker(region)),
        }
    }
}

fn caught(kind: &str, pattern: Value) -> Outcome {
    Ok(Score::with_details(
        0.0,
        json!({"master_key": true, "kind": kind, "pattern": pattern}),
    ))
}

impl Reward for MasterKeyGuard {
    fn score(&self, sample: &Sample, cx: &Ctx) -> Outcome {
        let Some(region) = answer_region(&sample.response) else {
            return caught("cut_off", json!("<think>"));
        };
        if let Some((kind, pattern)) = master_key(region, &self.phrases, cx.deadline)? {
            return caught(kind, pattern);
        }
        if self.require_answer != "no" {
            let Some(answer) = self.answer(region) else {
                return caught("no_answer", Value::Null);
            };
            if let Some((kind, pattern)) = master_key(answer, &self.phrases, cx.deadline)? {
                return caught(
                    "no_answer",
                    json!({"answer": answer.chars().take(40).collect::<String>(), "kind": kind, "pattern": pattern}),
                );
            }
        }
        Ok(Score::with_details(1.0, json!({"master_key": false})))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guard(params: Value) -> Arc<dyn Reward> {
        build(&Params::from_json(PARAMS, &params, &[]).unwrap()).unwrap()
    }

    fn details(r: &Arc<dyn Reward>, response: &str) -> (f64, Value) {
        let d = Deadline::none();
        let s = r
            .score(&Sample::new(response, Value::Null), &Ctx::new(&d, &[]))
            .unwrap();
        (s.value, s.details.unwrap())
    }

    #[test]
    fn every_builtin_phrase_alone_is_a_master_key() {
        let g = guard(json!({}));
        for p in OPENER_PHRASES {
            for text in [
                p.to_string(),
                format!("{}:", p.to_uppercase()),
                format!("**{p}.**\n"),
            ] {
                assert_eq!(details(&g, &text).0, 0.0, "{text:?}");
            }
            assert_eq!(details(&g, &format!("{p}: 42")).0, 1.0, "{p}");
        }
    }

    #[test]
    fn every_known_master_key_reply_is_caught() {
        // The replies a judge probe sends (the paper's and Plaudit's): the guard gives each 0.
        let g = guard(json!({}));
        for k in plaudit_judge::MASTER_KEYS {
            let (value, d) = details(&g, k.reply);
            assert_eq!(value, 0.0, "{:?}", k.reply);
            assert_eq!(d["master_key"], json!(true), "{:?}", k.reply);
        }
    }

    #[test]
    fn details_name_the_kind_and_pattern() {
        let g = guard(json!({}));
        assert_eq!(
            details(
                &g,
                "Thought process: Let's solve this problem step by step."
            )
            .1,
            json!({"master_key": true, "kind": "opener", "pattern": ["thought process", "lets solve this problem step by step"]})
        );
        assert_eq!(
            details(&g, " :: ").1,
            json!({"master_key": true, "kind": "punctuation", "pattern": "::"})
        );
        assert_eq!(
            details(&g, "<think>x</think>\n").1,
            json!({"master_key": true, "kind": "empty", "pattern": null})
        );
        assert_eq!(details(&g, "72").1, json!({"master_key": false}));
    }

    #[test]
    fn punctuation_only_pattern_text_is_not_content() {
        assert_eq!(phrase_core(&normalize("**Here we go!**")), "here we go");
        let e =
            build(&Params::from_json(PARAMS, &json!({"extra_patterns": ["..."]}), &[]).unwrap())
                .err()
                .unwrap();
        assert!(e.contains("`...` has no letter or digit"), "{e}");
    }

    #[test]
    fn long_opener_spam_finishes() {
        let g = guard(json!({}));
        let spam = "Step by step. ".repeat(200_000);
        assert_eq!(details(&g, &spam).0, 0.0);
        assert_eq!(details(&g, &(spam + "7")).0, 1.0);
    }
}
