//! Pulling the program out of a response: the last fenced code block of the right language, or
//! the whole text when it has no fence at all.

use plaudit_sandbox::Language;

/// The code found in a response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Code<'a> {
    pub source: &'a str,
    /// The language its fence named (`None`: an untagged fence, or no fence).
    pub tag: Option<Language>,
}

/// One fenced block: its info string's first word (lower case; empty when untagged) and content.
#[derive(Debug)]
struct Block<'a> {
    info: String,
    content: &'a str,
}

/// Every ```` ``` ```` fenced block of `text`, in order. A fence opens on a line that starts (after
/// indentation) with three or more backticks; it closes on a line holding only at least as many
/// backticks. A block left open runs to the end of the text (a response cut off mid-block).
fn blocks(text: &str) -> Vec<Block<'_>> {
    let mut out = Vec::new();
    // (backtick count, info, content start)
    let mut open: Option<(usize, String, usize)> = None;
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        let start = pos;
        pos += line.len();
        let t = line.trim();
        let ticks = t.bytes().take_while(|&b| b == b'`').count();
        match &open {
            None if ticks >= 3 => {
                let info = t[ticks..]
                    .split(|c: char| c.is_whitespace() || c == '{' || c == ',')
                    .next()
                    .unwrap_or("")
                    .to_ascii_lowercase();
                // An inline span (```x```) on one line is not a fence.
                if !info.contains('`') {
                    open = Some((ticks, info, pos));
                }
            }
            Some((n, _, _)) if ticks >= *n && ticks == t.len() => {
                let (_, info, from) = open.take().expect("open");
                out.push(Block {
                    info,
                    content: &text[from..start],
                });
            }
            _ => {}
        }
    }
    if let Some((_, info, from)) = open {
        out.push(Block {
            info,
            content: &text[from.min(text.len())..],
        });
    }
    out
}

/// The program in `text` (already cut to the answer region): the last fenced block whose tag is
/// `want` (any language the sandbox runs when `want` is `None`) or that is untagged; the whole
/// text when it holds no fence at all. `Err` (a `no_answer` message) when fences exist but none is
/// of the right language, or the code is empty.
pub fn extract_code(text: &str, want: Option<Language>) -> Result<Code<'_>, String> {
    let bs = blocks(text);
    if bs.is_empty() {
        let source = text.trim_matches(['\n', '\r']);
        if source.trim().is_empty() {
            return Err("the response holds no code".into());
        }
        return Ok(Code { source, tag: None });
    }
    let fits = |b: &Block| {
        if b.info.is_empty() {
            return true;
        }
        match (Language::parse(&b.info), want) {
            (Some(l), Some(w)) => l == w,
            (Some(_), None) => true,
            (None, _) => false,
        }
    };
    let Some(b) = bs.iter().rev().find(|b| fits(b)) else {
        let found: Vec<String> = bs.iter().map(|b| format!("```{}", b.info)).collect();
        let wanted = match want {
            Some(l) => format!("```{} or untagged", l.name()),
            None => "```python, ```cpp or untagged".into(),
        };
        return Err(format!(
            "no {wanted} code block in the response (found {})",
            found.join(", ")
        ));
    };
    if b.content.trim().is_empty() {
        return Err("the last code block is empty".into());
    }
    Ok(Code {
        source: b.content,
        tag: Language::parse(&b.info),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_block_of_the_language_wins() {
        let r = "Try this:\n```python\ndef f(): return 1\n```\nBetter:\n```py\ndef f():\n    return 2\n```\nDone.";
        let c = extract_code(r, None).unwrap();
        assert_eq!(c.source, "def f():\n    return 2\n");
        assert_eq!(c.tag, Some(Language::Python));
    }

    #[test]
    fn other_languages_are_skipped() {
        let r = "```python\nx = 1\n```\n```bash\npython3 sol.py\n```\n```text\n1\n```";
        assert_eq!(extract_code(r, None).unwrap().source, "x = 1\n");
        let r = "```cpp\nint main(){}\n```\n```python\nprint(1)\n```";
        let c = extract_code(r, Some(Language::Cpp)).unwrap();
        assert_eq!((c.source, c.tag), ("int main(){}\n", Some(Language::Cpp)));
        let c = extract_code("```C++\nint main(){}\n```", None).unwrap();
        assert_eq!(c.tag, Some(Language::Cpp));
    }

    #[test]
    fn untagged_fence_counts() {
        let c = extract_code("```\nprint(2)\n```", Some(Language::Python)).unwrap();
        assert_eq!((c.source, c.tag), ("print(2)\n", None));
        // An untagged fence after a tagged one is the last block.
        let c = extract_code("```python\nprint(1)\n```\n```\nprint(2)\n```", None).unwrap();
        assert_eq!(c.source, "print(2)\n");
    }

    #[test]
    fn no_fence_is_the_whole_response() {
        let c = extract_code("\ndef f(x):\n    return x\n\n", None).unwrap();
        assert_eq!((c.source, c.tag), ("def f(x):\n    return x", None));
    }

    #[test]
    fn wrong_language_and_empty_blocks_are_errors() {
        assert_eq!(
            extract_code("```cpp\nint x;\n```", Some(Language::Python)).unwrap_err(),
            "no ```python or untagged code block in the response (found ```cpp)"
        );
        assert_eq!(
            extract_code("```java\nclass A{}\n```\n```sh\nls\n```", None).unwrap_err(),
            "no ```python, ```cpp or untagged code block in the response (found ```java, ```sh)"
        );
        assert_eq!(
            extract_code("```python\n\n```", None).unwrap_err(),
            "the last code block is empty"
        );
        assert_eq!(
            extract_code("  \n ", None).unwrap_err(),
            "the response holds no code"
        );
    }

    #[test]
    fn fences_open_until_closed_and_indented_fences() {
        // Cut off inside the block: the rest of the text is the code.
        let c = extract_code("```python\ndef f():\n    return", None).unwrap();
        assert_eq!(c.source, "def f():\n    return");
        // A longer fence holds a shorter one; an indented fence still counts.
        let c = extract_code("````python\nx = '''\n```\n'''\n````", None).unwrap();
        assert_eq!(c.source, "x = '''\n```\n'''\n");
        let c = extract_code("  ```python\n  y = 2\n  ```\n", None).unwrap();
        assert_eq!(c.source, "  y = 2\n");
        // Info strings with attributes; CRLF line ends.
        let c = extract_code("```python title=\"a.py\"\r\nz = 3\r\n```\r\n", None).unwrap();
        assert_eq!(c.source, "z = 3\r\n");
    }
}
