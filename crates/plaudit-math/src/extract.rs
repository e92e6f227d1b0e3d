//! Finding the final answer in a long response. Every function is linear in the text.

/// Where to look for the answer, tried in the configured order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// The content of the last `<answer>…</answer>` block (searched further inside).
    Tag,
    /// The last `\boxed{…}` / `\fbox{…}` (adjacent boxed answers are taken together).
    Boxed,
    /// After the last "final answer is", "answer is", "answer:", "####".
    Marker,
    /// The last math environment `$…$`, `$$…$$`, `\(…\)`, `\[…\]`.
    Env,
    /// The whole response when it is short and looks like an answer, not prose.
    Bare,
    /// The last number in the text.
    Number,
}

impl Method {
    pub const NAMES: &'static [&'static str] = &["tag", "boxed", "marker", "env", "bare", "number"];

    pub fn parse(s: &str) -> Option<Method> {
        Some(match s {
            "tag" => Method::Tag,
            "boxed" => Method::Boxed,
            "marker" => Method::Marker,
            "env" => Method::Env,
            "bare" => Method::Bare,
            "number" => Method::Number,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Method::Tag => "tag",
            Method::Boxed => "boxed",
            Method::Marker => "marker",
            Method::Env => "env",
            Method::Bare => "bare",
            Method::Number => "number",
        }
    }
}

/// The default order: tag, boxed, marker, env, bare, number.
pub const DEFAULT_ORDER: &[Method] = &[
    Method::Tag,
    Method::Boxed,
    Method::Marker,
    Method::Env,
    Method::Bare,
    Method::Number,
];

/// The answer of `text` by the first method in `order` that finds one.
pub fn extract(text: &str, order: &[Method], tag: &str) -> Option<(String, Method)> {
    for m in order {
        let found = match m {
            Method::Tag => tag_content(text, tag).map(|inner| {
                // Inside the block: a boxed answer, else the block itself when it is short,
                // else the other methods.
                if let Some(b) = last_boxed(inner) {
                    return b;
                }
                let t = inner.trim();
                if t.len() <= 200 {
                    return reference_answer(t);
                }
                let rest: Vec<Method> = order
                    .iter()
                    .copied()
                    .filter(|x| *x != Method::Tag)
                    .collect();
                match extract(inner, &rest, tag) {
                    Some((a, _)) => a,
                    None => t.to_string(),
                }
            }),
            Method::Boxed => last_boxed(text).map(|b| {
                // "… \boxed{255} … Final Answer: The final answer is $10,455$": a final-answer
                // statement after the last box supersedes it.
                if order.contains(&Method::Marker) {
                    // After the last box's end: a marker inside the box (`\boxed{The answer
                    // is 4}`) is the box's own, already read.
                    let box_end = box_starts_rev(text)
                        .find_map(|(st, len)| boxed_at(text, st, len, &std::cell::OnceCell::new()))
                        .map_or(text.len(), |(_, _, end)| end);
                    let tail = text.get(box_end..).unwrap_or("");
                    if let Some((_, m)) = marker_answer(tail) {
                        if !m.contains("\\boxed") && !is_prose(&m) {
                            return m;
                        }
                    }
                }
                b
            }),
            Method::Marker => after_marker(text),
            Method::Env => last_env(text).map(str::to_string),
            Method::Bare => bare(text).map(str::to_string),
            // "So it is 3 or 4": a value offered as an alternative is no answer.
            Method::Number => last_number(text)
                .filter(|n| !hedged(&text[..n.as_ptr() as usize - text.as_ptr() as usize]))
                .map(str::to_string),
        };
        if let Some(a) = found {
            let a = a.trim();
            if !a.is_empty() {
                return Some((a.to_string(), *m));
            }
        }
    }
    None
}

/// The start of the last occurrence of `needle` in `hay`, as `str::rfind`, found from the end
/// by its first byte (`memrchr`): fast for needles opening with a byte rare in prose (`<`, `\\`).
pub fn rfind_by_first(hay: &str, needle: &str) -> Option<usize> {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    let Some(&first) = n.first() else {
        return Some(h.len());
    };
    if n.len() > h.len() {
        return None;
    }
    memchr::memrchr_iter(first, &h[..=h.len() - n.len()]).find(|&p| h[p..].starts_with(n))
}

/// Whether `hay` contains `needle`, looked for by its first byte (`memchr`).
pub fn contains_by_first(hay: &str, needle: &str) -> bool {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    let Some(&first) = n.first() else {
        return true;
    };
    memchr::memchr_iter(first, h).any(|p| h[p..].starts_with(n))
}

/// The content of the last `<tag>…</tag>`.
pub fn tag_content<'a>(text: &'a str, tag: &str) -> Option<&'a str> {
    // The last `</tag>`, then the last `<tag>` before it: from the end, by their `<`, with no
    // formatted needles.
    let b = text.as_bytes();
    let t = tag.as_bytes();
    let close_at = |p: usize| {
        b[p..].starts_with(b"</")
            && b[p + 2..].starts_with(t)
            && b.get(p + 2 + t.len()) == Some(&b'>')
    };
    let end = memchr::memrchr_iter(b'<', b).find(|&p| close_at(p))?;
    let open_at = |p: usize| {
        b[p + 1..].starts_with(t) && b.get(p + 1 + t.len()) == Some(&b'>') && p + 2 + t.len() <= end
    };
    let start = memchr::memrchr_iter(b'<', &b[..end]).find(|&p| open_at(p))? + t.len() + 2;
    Some(&text[start..end])
}

/// The matching `}` of every `{` that has one, found in one pass (a `\` escapes the byte after
/// it: `\{` is no brace). Looking a box's closing brace up here, rather than scanning to it,
/// keeps many unclosed `\boxed{` linear: each scan ran to the end of the text (70 KB of them
/// took half a second, 1 MB over a minute).
struct Braces(Vec<(usize, usize)>);

impl Braces {
    fn new(text: &str) -> Braces {
        let b = text.as_bytes();
        let mut open = Vec::new();
        let mut pairs = Vec::new();
        let mut j = 0;
        while j < b.len() {
            match b[j] {
                b'\\' => j += 1,
                b'{' => open.push(j),
                b'}' => {
                    if let Some(o) = open.pop() {
                        pairs.push((o, j));
                    }
                }
                _ => {}
            }
            j += 1;
        }
        pairs.sort_unstable();
        Braces(pairs)
    }

    fn close_of(&self, open: usize) -> Option<usize> {
        let k = self.0.binary_search_by_key(&open, |p| p.0).ok()?;
        Some(self.0[k].1)
    }
}

/// `(start of content, end of content, end after the closing brace)` of the box whose command
/// starts at `cmd_start`; `braces` is the text's [`Braces`], built on first use.
fn boxed_at(
    text: &str,
    cmd_start: usize,
    cmd_len: usize,
    braces: &std::cell::OnceCell<Braces>,
) -> Option<(usize, usize, usize)> {
    let b = text.as_bytes();
    let mut i = cmd_start + cmd_len;
    while i < b.len() && b[i] == b' ' {
        i += 1;
    }
    if i < b.len() && b[i] == b'{' {
        let j = braces.get_or_init(|| Braces::new(text)).close_of(i)?;
        Some((i + 1, j, j + 1))
    } else if i > cmd_start + cmd_len {
        // `\boxed 5`
        let st = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'$' {
            i += 1;
        }
        if i > st {
            Some((st, i, i))
        } else {
            None
        }
    } else {
        None
    }
}

fn only_separators(s: &str) -> bool {
    let allowed = |c: char| c.is_whitespace() || matches!(c, '$' | ',' | ';' | '&' | '.');
    // Every word removed below starts with `\\`, `a` or `o`: without those bytes nothing is
    // removed.
    if !s.bytes().any(|c| matches!(c, b'\\' | b'a' | b'o')) {
        return s.chars().all(allowed);
    }
    let mut t = s.to_string();
    for w in [
        "\\text{and}",
        "\\text{ and }",
        "\\text{or}",
        "\\text{ or }",
        "\\quad",
        "\\qquad",
        "\\,",
        "\\;",
        "\\\\",
        "and",
        "or",
        "\\(",
        "\\)",
        "\\[",
        "\\]",
    ] {
        t = t.replace(w, "");
    }
    t.chars().all(allowed)
}

/// Every start of `needle` in a text, the last first: windows of the text from its end, each
/// searched forward (vectorised substring search, which the reverse search is not), their
/// starts partitioning the positions. With `fold_case`, ASCII case is ignored (each window is
/// lower-cased into a buffer; `needle` is lower case). The needle must not overlap itself
/// (the forward search yields non-overlapping occurrences).
struct RevFinds<'h> {
    hay: &'h [u8],
    finder: &'static memchr::memmem::Finder<'static>,
    fold_case: bool,
    /// Starts below this are still to be searched.
    limit: usize,
    /// The current window's starts, in increasing order; the first `n` are not yet yielded.
    hits: [usize; RevFinds::HITS],
    n: usize,
    buf: [u8; RevFinds::WINDOW + RevFinds::MAX_NEEDLE],
}

impl<'h> RevFinds<'h> {
    const WINDOW: usize = 512;
    const MAX_NEEDLE: usize = 8;
    /// Non-overlapping occurrences of a needle of at least 3 bytes in one window.
    const HITS: usize = (Self::WINDOW + Self::MAX_NEEDLE) / 3 + 1;

    /// `finder`: built once (see [`finder`]).
    fn new(
        hay: &'h [u8],
        finder: &'static memchr::memmem::Finder<'static>,
        fold_case: bool,
    ) -> Self {
        debug_assert!(finder.needle().len() >= 3 && finder.needle().len() <= Self::MAX_NEEDLE);
        RevFinds {
            hay,
            finder,
            fold_case,
            limit: hay.len() + 1,
            hits: [0; Self::HITS],
            n: 0,
            buf: [0; Self::WINDOW + Self::MAX_NEEDLE],
        }
    }
}

/// A substring searcher built once per process (building one costs more than searching a
/// short window).
fn finder(
    cell: &'static std::sync::OnceLock<memchr::memmem::Finder<'static>>,
    needle: &'static [u8],
) -> &'static memchr::memmem::Finder<'static> {
    cell.get_or_init(|| memchr::memmem::Finder::new(needle))
}

static BOX_FINDER: std::sync::OnceLock<memchr::memmem::Finder<'static>> =
    std::sync::OnceLock::new();
static ANSWER_FINDER: std::sync::OnceLock<memchr::memmem::Finder<'static>> =
    std::sync::OnceLock::new();

impl Iterator for RevFinds<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        loop {
            if self.n > 0 {
                self.n -= 1;
                return Some(self.hits[self.n]);
            }
            if self.limit == 0 {
                return None;
            }
            // Starts in [lo, limit): the window reaches far enough for the longest needle.
            let lo = self.limit.saturating_sub(Self::WINDOW);
            let hi = (self.limit + Self::MAX_NEEDLE).min(self.hay.len());
            let limit = self.limit;
            self.limit = lo;
            if lo >= hi {
                continue;
            }
            let w: &[u8] = if self.fold_case {
                let w = &mut self.buf[..hi - lo];
                w.copy_from_slice(&self.hay[lo..hi]);
                w.make_ascii_lowercase();
                w
            } else {
                &self.hay[lo..hi]
            };
            for k in self.finder.find_iter(w) {
                if lo + k < limit {
                    self.hits[self.n] = lo + k;
                    self.n += 1;
                }
            }
        }
    }
}

/// Every `\\boxed` (with its length, 6) and `\\fbox` (5) in `text`, the last first: one scan
/// from the end for their `x`.
fn box_starts_rev(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    // By their common "box": a `\\boxed` starts one byte before it, a `\\fbox` two.
    // Occurrences of "box" are at least three bytes apart, so the starts come in order.
    let b = text.as_bytes();
    RevFinds::new(b, finder(&BOX_FINDER, b"box"), false).filter_map(move |p| {
        if p >= 1 && b[p - 1..].starts_with(b"\\boxed") {
            Some((p - 1, 6))
        } else if p >= 2 && b[p - 2..].starts_with(b"\\fbox") {
            Some((p - 2, 5))
        } else {
            None
        }
    })
}

/// The last boxed answer. Boxed answers separated only by commas, "and", "or" or spacing are
/// taken together as a list.
pub fn last_boxed(text: &str) -> Option<String> {
    let mut found: Vec<(usize, usize, usize, usize)> = Vec::new();
    let braces = std::cell::OnceCell::new();
    for (st, len) in box_starts_rev(text) {
        let Some((a, b, end)) = boxed_at(text, st, len, &braces) else {
            continue;
        };
        match found.last() {
            None => found.push((st, a, b, end)),
            Some(&(next_st, ..)) => {
                if end > next_st {
                    // Encloses the later one: the outer box is the answer.
                    found.pop();
                    found.push((st, a, b, end));
                    continue;
                }
                if only_separators(&text[end..next_st]) && found.len() < 16 {
                    found.push((st, a, b, end));
                } else {
                    break;
                }
            }
        }
        if found.len() >= 16 {
            break;
        }
    }
    if found.is_empty() {
        return None;
    }
    found.reverse();
    let parts: Vec<&str> = found
        .iter()
        .map(|&(_, a, b, _)| text[a..b].trim())
        .filter(|s| !s.is_empty())
        .collect();
    if parts.is_empty() {
        return None;
    }
    Some(parts.join(", "))
}

/// The last `k` boxed answers (outermost boxes), joined as a list.
pub fn last_boxes(text: &str, k: usize) -> Option<String> {
    let mut starts: Vec<(usize, usize)> =
        text.match_indices("\\boxed").map(|(i, _)| (i, 6)).collect();
    starts.extend(text.match_indices("\\fbox").map(|(i, _)| (i, 5)));
    starts.sort_unstable();
    let mut parts: Vec<&str> = Vec::new();
    let mut covered = 0;
    let braces = std::cell::OnceCell::new();
    for (st, len) in starts {
        if st < covered {
            continue;
        }
        if let Some((a, b, end)) = boxed_at(text, st, len, &braces) {
            covered = end;
            parts.push(text[a..b].trim());
        }
    }
    if parts.len() < k {
        return None;
    }
    Some(parts[parts.len() - k..].join(", "))
}

/// Where the last answer marker ends, scanning once from the end (ASCII case-insensitive): the
/// greatest end of "answer is", "answer:" and "####", and with `full` also of "answer is:",
/// "final answer", "final answer is" and "final answer:". Every end of an "answer" marker lies 6
/// to 10 bytes after its "answer", and two "answer"s are at least 6 bytes apart, so the last
/// "answer" that carries a marker holds the greatest end among them.
pub fn last_marker_end(text: &str, full: bool) -> Option<usize> {
    let b = text.as_bytes();
    let hashes = rfind_by_first(text, "####").map(|p| p + 4);
    let marker_at = |q: usize| {
        let after = &b[q + 6..];
        if full && after.len() >= 4 && after[..4].eq_ignore_ascii_case(b" is:") {
            Some(q + 10)
        } else if after.len() >= 3 && after[..3].eq_ignore_ascii_case(b" is") {
            Some(q + 9)
        } else if after.first() == Some(&b':') {
            Some(q + 7)
        } else if full && q >= 6 && b[q - 6..q].eq_ignore_ascii_case(b"final ") {
            Some(q + 6)
        } else {
            None
        }
    };
    // Every "answer" (any case), the last first.
    for q in RevFinds::new(b, finder(&ANSWER_FINDER, b"answer"), true) {
        if let Some(e) = marker_at(q) {
            return Some(e).max(hashes);
        }
    }
    hashes
}

/// The answer after the last answer marker.
pub fn after_marker(text: &str) -> Option<String> {
    marker_answer(text).map(|(_, a)| a)
}

/// The answer after the last answer marker, with the marker's position.
fn marker_answer(text: &str) -> Option<(usize, String)> {
    // The greatest end of "final answer is", "final answer:", "answer is", "answer:", "####",
    // "answer is:" or "final answer" (ASCII case-insensitive).
    let at = last_marker_end(text, true)?;
    let rest = &text[at..];
    let rest = rest.trim_start_matches(|c: char| c == ':' || c == '*' || c.is_whitespace());
    // "**Answer:** $x$"
    if let Some(b) = last_boxed_prefix(rest) {
        return Some((at, b));
    }
    if rest.starts_with('$') || rest.starts_with("\\(") || rest.starts_with("\\[") {
        if let Some(env) = first_env(rest) {
            return Some((at, env.to_string()));
        }
    }
    let line = rest.split('\n').next().unwrap_or("");
    let mut cut = line.len();
    for stop in [". ", " I hope", "; ", " because", " since"] {
        if let Some(p) = line.find(stop) {
            cut = cut.min(p);
        }
    }
    let ans = line[..cut].trim().trim_end_matches(['.', '*']).trim();
    let ans = ans.trim_start_matches("is ").trim();
    if ans.is_empty() {
        return None;
    }
    // "Final Answer: The largest $n$ is 34": the value the sentence ends with.
    if is_prose(ans) {
        if ans.ends_with(|c: char| c.is_ascii_digit()) {
            if let Some(n) = last_number(ans) {
                // "The answer is not 5": a sentence that negates or bounds its value is kept
                // whole, and refused when read, rather than cut down to the value.
                // (`n` need not end the sentence: digits inside a word, `e3.5`, are skipped.)
                let before = ans[..n.as_ptr() as usize - ans.as_ptr() as usize].trim_end();
                let word = before
                    .rsplit(|c: char| !c.is_alphanumeric() && c != '\'')
                    .find(|w| !w.is_empty());
                if !word.is_some_and(crate::lexer::refusing_word) && !hedged(before) {
                    return Some((at, n.to_string()));
                }
            }
        }
        if ans.ends_with('$') {
            if let Some(e) = last_env(ans) {
                return Some((at, e.to_string()));
            }
        }
    }
    Some((at, ans.to_string()))
}

fn last_boxed_prefix(rest: &str) -> Option<String> {
    let line = rest.split('\n').next().unwrap_or("");
    if line.contains("\\boxed") || line.contains("\\fbox") {
        last_boxed(line)
    } else {
        None
    }
}

/// Every complete math environment, in order of their end, calling `f(content)`.
fn envs<'a>(text: &'a str, mut f: impl FnMut(&'a str) -> bool) {
    let b = text.as_bytes();
    let n = b.len();
    let mut i = 0;
    let (mut no_paren, mut no_brack, mut no_dollar, mut no_ddollar) = (false, false, false, false);
    while i < n {
        match b[i] {
            b'\\' if i + 1 < n => match b[i + 1] {
                b'(' | b'[' if !(b[i + 1] == b'(' && no_paren || b[i + 1] == b'[' && no_brack) => {
                    let close = if b[i + 1] == b'(' { "\\)" } else { "\\]" };
                    match text[i + 2..].find(close) {
                        Some(k) => {
                            if f(&text[i + 2..i + 2 + k]) {
                                return;
                            }
                            i = i + 2 + k + 2;
                        }
                        None => {
                            if b[i + 1] == b'(' {
                                no_paren = true
                            } else {
                                no_brack = true
                            }
                            i += 2;
                        }
                    }
                }
                _ => i += 2,
            },
            b'$' if i + 1 < n && b[i + 1] == b'$' => {
                if no_ddollar {
                    i += 2;
                    continue;
                }
                match text[i + 2..].find("$$") {
                    Some(k) => {
                        if f(&text[i + 2..i + 2 + k]) {
                            return;
                        }
                        i = i + 2 + k + 2;
                    }
                    None => {
                        no_ddollar = true;
                        i += 2;
                    }
                }
            }
            b'$' => {
                if no_dollar {
                    i += 1;
                    continue;
                }
                let mut j = i + 1;
                let mut close = None;
                let mut eol = false;
                while j < n {
                    // Straight to the next byte that matters.
                    match memchr::memchr3(b'\\', b'$', b'\n', &b[j..]) {
                        Some(k) => j += k,
                        None => break,
                    }
                    if b[j] == b'\\' {
                        j += 2;
                        continue;
                    }
                    if b[j] == b'$' {
                        close = Some(j);
                        break;
                    }
                    // Inline `$…$` stays on one line: a `$` without a partner on its line is a
                    // currency sign or a stray.
                    eol = true;
                    break;
                }
                match close {
                    Some(j) => {
                        if f(&text[i + 1..j]) {
                            return;
                        }
                        i = j + 1;
                    }
                    None if eol => i += 1,
                    None => {
                        no_dollar = true;
                        i += 1;
                    }
                }
            }
            // Straight to the next `\\` or `$`.
            _ => i = memchr::memchr2(b'\\', b'$', &b[i + 1..]).map_or(n, |k| i + 1 + k),
        }
    }
}

fn first_env(text: &str) -> Option<&str> {
    let mut out = None;
    envs(text, |c| {
        out = Some(c);
        true
    });
    out
}

/// The content of the last math environment, unless a number follows it in the text (then the
/// answer is more likely that later number).
pub fn last_env(text: &str) -> Option<&str> {
    let mut out: Option<&str> = None;
    envs(text, |c| {
        if !c.trim().is_empty() {
            out = Some(c);
        }
        false
    });
    let c = out?;
    let end = c.as_ptr() as usize - text.as_ptr() as usize + c.len();
    let after = text.get(end..).unwrap_or("");
    let after = after.trim_start_matches(['$', ')', ']', '\\']);
    if after.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(c)
}

/// Short English words that mark a sentence, not mathematics (`and`/`or` separate answers).
fn prose_word(w: &str) -> bool {
    matches!(
        w.to_ascii_lowercase().as_str(),
        "is" | "it"
            | "its"
            | "the"
            | "not"
            | "so"
            | "be"
            | "are"
            | "was"
            | "we"
            | "of"
            | "to"
            | "as"
            | "if"
            | "by"
            | "but"
            | "has"
            | "can"
            | "our"
            | "yes"
            | "no"
    )
}

/// The number of words (runs of two or more letters, not commands) in `s`.
fn prose_words(s: &str) -> usize {
    let b = s.as_bytes();
    let (mut i, mut n) = (0, 0);
    while i < b.len() {
        if b[i].is_ascii_alphabetic() {
            let st = i;
            while i < b.len() && b[i].is_ascii_alphabetic() {
                i += 1;
            }
            if i - st >= 2 && (st == 0 || b[st - 1] != b'\\') {
                n += 1;
            }
        } else {
            i += 1;
        }
    }
    n
}

/// Whether an answer string is a sentence rather than an answer.
fn is_prose(s: &str) -> bool {
    bare(s).is_none()
}

/// A short response that is itself the answer (no sentence in it).
pub fn bare(text: &str) -> Option<&str> {
    let t = text.trim();
    if t.is_empty() || t.len() > 120 || t.contains('\n') {
        return None;
    }
    let b = t.as_bytes();
    let mut i = 0;
    let mut words = 0;
    while i < b.len() {
        if b[i].is_ascii_alphabetic() {
            let st = i;
            while i < b.len() && b[i].is_ascii_alphabetic() {
                i += 1;
            }
            let cmd = st > 0 && b[st - 1] == b'\\';
            if !cmd && (i - st >= 4 || prose_word(&t[st..i]) || b.get(i) == Some(&b'\'')) {
                words += 1;
            }
        } else {
            i += 1;
        }
    }
    let t = t.trim_end_matches('.');
    if words == 0 {
        Some(t)
    } else {
        None
    }
}

/// Whether a value that `before` leads up to is offered as an alternative to another: the word
/// before it, or before a hedging word (`maybe`, `perhaps`, `possibly`, `probably`), is `or` or
/// `and` ("3 or 4", "either 3, or maybe 4", "the roots are 3 and 4").
fn hedged(before: &str) -> bool {
    let mut words = before
        .rsplit(|c: char| !c.is_alphanumeric() && c != '\'')
        .filter(|w| !w.is_empty());
    let or = |w: Option<&str>| {
        w.is_some_and(|w| w.eq_ignore_ascii_case("or") || w.eq_ignore_ascii_case("and"))
    };
    match words.next() {
        Some(w)
            if ["maybe", "perhaps", "possibly", "probably"]
                .iter()
                .any(|h| w.eq_ignore_ascii_case(h)) =>
        {
            or(words.next())
        }
        w => or(w),
    }
}

/// The last number (with sign, decimals, thousands separators or a `/` fraction).
pub fn last_number(text: &str) -> Option<&str> {
    let b = text.as_bytes();
    let mut end = b.len();
    let mut st;
    loop {
        while end > 0 && !b[end - 1].is_ascii_digit() {
            end -= 1;
        }
        if end == 0 {
            return None;
        }
        st = end;
        while st > 0 && (b[st - 1].is_ascii_digit() || matches!(b[st - 1], b'.' | b',' | b'/')) {
            st -= 1;
        }
        while st < end && !b[st].is_ascii_digit() {
            st += 1;
        }
        // `2 500 000`: groups of three digits after single spaces.
        while st >= 2
            && b[st - 1] == b' '
            && b[st - 2].is_ascii_digit()
            && b[st..end].iter().take_while(|c| c.is_ascii_digit()).count() == 3
        {
            let mut k = st - 1;
            while k > 0 && b[k - 1].is_ascii_digit() {
                k -= 1;
            }
            if st - 1 - k > 3 {
                break;
            }
            st = k;
        }
        // Digits inside a word (`AZ2B`, `x2`) are not a number.
        if st > 0 && b[st - 1].is_ascii_alphabetic() {
            end = st;
            continue;
        }
        break;
    }
    if st > 0 && b[st - 1] == b'-' && (st < 2 || !b[st - 2].is_ascii_alphanumeric()) {
        st -= 1;
    }
    Some(&text[st..end])
}

/// A multiple-choice letter (A–J) when `s` is one: `B`, `(B)`, `\text{(B)}`, `B) 12`, `B. 12`.
/// With `strict`, nothing may follow the letter.
pub fn choice_letter(s: &str, strict: bool) -> Option<char> {
    // The letter is one of `s`'s own characters (the rewriting below only removes text): without
    // any A–J there is none, and nothing to allocate.
    if !s.bytes().any(|b| (b'A'..=b'J').contains(&b)) {
        return None;
    }
    let mut t = s.trim().to_string();
    for w in [
        "\\textbf{",
        "\\text{",
        "\\mathrm{",
        "\\mathbf{",
        "\\boxed{",
        "$",
        "\\(",
        "\\)",
        "**",
    ] {
        t = t.replace(w, "");
    }
    let t = t.trim().trim_start_matches(['(', '[', '{', ' ']).trim();
    let t = t
        .strip_prefix("option ")
        .or_else(|| t.strip_prefix("Option "))
        .unwrap_or(t)
        .trim();
    let mut it = t.chars();
    let c = it.next()?;
    if !('A'..='J').contains(&c) {
        return None;
    }
    let rest: String = it.collect();
    let rest = rest.trim();
    let tail_ok = rest
        .trim_matches(|c: char| matches!(c, ')' | ']' | '}' | '.' | ':' | ' '))
        .is_empty();
    if tail_ok || (!strict && rest.starts_with([')', '.', ':', ']'])) {
        Some(c)
    } else {
        None
    }
}

/// The option letter a short response opens with (`B. Because …`, `(C) since …`).
pub fn leading_choice(text: &str) -> Option<char> {
    let t = text.trim_start().trim_start_matches(['(', '*']);
    let mut it = t.chars();
    let c = it.next()?;
    let next = it.next()?;
    if ('A'..='J').contains(&c) && matches!(next, '.' | ')' | ':') {
        Some(c)
    } else {
        None
    }
}

/// The one option letter B–J standing alone as a word in a short text (`Because B is valid`);
/// none when several different letters stand alone (a list of candidates).
pub fn lone_choice(text: &str) -> Option<char> {
    if text.len() > 200 {
        return None;
    }
    let b = text.as_bytes();
    let mut found: Option<u8> = None;
    for i in 0..b.len() {
        let alone = (i == 0 || !b[i - 1].is_ascii_alphanumeric())
            && (i + 1 == b.len() || !b[i + 1].is_ascii_alphanumeric());
        // `A` and `I` are also English words.
        if alone && (b'B'..=b'J').contains(&b[i]) && b[i] != b'I' {
            match found {
                Some(f) if f != b[i] => return None,
                _ => found = Some(b[i]),
            }
        }
    }
    found.map(char::from)
}

/// The last `(X)` option mention in the text, A–J.
pub fn last_choice_mention(text: &str) -> Option<char> {
    let b = text.as_bytes();
    (0..b.len().saturating_sub(2))
        .rev()
        .find(|&i| b[i] == b'(' && (b'A'..=b'J').contains(&b[i + 1]) && b[i + 2] == b')')
        .map(|i| b[i + 1] as char)
}

/// The reference's answer: a boxed or delimited reference is unwrapped.
pub fn reference_answer(s: &str) -> String {
    let t = s.trim();
    if t.contains("\\boxed") || t.contains("\\fbox") {
        // A reference boxing several parts (`\boxed{1} papers and \boxed{2} bins`) means all
        // of them; a box repeated (a restated final answer) counts once.
        let mut starts: Vec<(usize, usize)> =
            t.match_indices("\\boxed").map(|(i, _)| (i, 6)).collect();
        starts.extend(t.match_indices("\\fbox").map(|(i, _)| (i, 5)));
        starts.sort_unstable();
        let mut parts: Vec<String> = Vec::new();
        let mut covered = 0;
        let braces = std::cell::OnceCell::new();
        for (st, len) in starts {
            if st < covered {
                continue; // inside an outer box
            }
            if let Some((a, b, end)) = boxed_at(t, st, len, &braces) {
                // Boxes apart by more than a short label (a solution's intermediate results):
                // only the later ones count.
                if covered > 0 && prose_words(&t[covered..st]) > 3 {
                    parts.clear();
                }
                covered = end;
                let p = t[a..b].trim().to_string();
                if !p.is_empty() && !parts.contains(&p) && parts.len() < 16 {
                    parts.push(p);
                }
            }
        }
        if !parts.is_empty() {
            return parts.join(", ");
        }
    }
    let mut t = t;
    loop {
        let before = t.len();
        for (o, c) in [("$$", "$$"), ("$", "$"), ("\\(", "\\)"), ("\\[", "\\]")] {
            if t.len() >= o.len() + c.len() && t.starts_with(o) && t.ends_with(c) {
                t = t[o.len()..t.len() - c.len()].trim();
            }
        }
        if t.len() == before {
            break;
        }
    }
    t.trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boxed_forms() {
        assert_eq!(
            last_boxed("a \\boxed{1} then \\boxed{\\frac{1}{2}}").as_deref(),
            Some("\\frac{1}{2}")
        );
        assert_eq!(
            last_boxed("so $\\boxed{3}$ and $\\boxed{5}$.").as_deref(),
            Some("3, 5")
        );
        assert_eq!(
            last_boxed("\\boxed{\\boxed{7}}").as_deref(),
            Some("\\boxed{7}")
        );
        assert_eq!(last_boxed("\\fbox{x}").as_deref(), Some("x"));
        assert_eq!(last_boxed("\\boxed 5$.").as_deref(), Some("5"));
        assert_eq!(last_boxed("\\boxed{unclosed"), None);
    }

    #[test]
    fn markers_envs_numbers() {
        assert_eq!(
            after_marker("The final answer is $\\frac12$. I hope it is correct.").as_deref(),
            Some("\\frac12")
        );
        assert_eq!(after_marker("work\n#### 1,000").as_deref(), Some("1,000"));
        assert_eq!(after_marker("**Answer:** 42.").as_deref(), Some("42"));
        assert_eq!(
            last_env("we get $x=1$ and then \\(y = 2\\) so"),
            Some("y = 2")
        );
        assert_eq!(last_env("$$a$$ then $b$"), Some("b"));
        assert_eq!(last_number("it costs $1,200.50. Done"), Some("1,200.50"));
        assert_eq!(last_number("so x = -3."), Some("-3"));
        assert_eq!(last_number("none"), None);
    }

    #[test]
    fn choices_and_references() {
        assert_eq!(choice_letter("(B)", true), Some('B'));
        assert_eq!(choice_letter("\\text{(C)}", true), Some('C'));
        assert_eq!(choice_letter("D) 12", false), Some('D'));
        assert_eq!(choice_letter("Dog", false), None);
        assert_eq!(reference_answer("$\\frac12$"), "\\frac12");
        assert_eq!(reference_answer("\\boxed{5}"), "5");
    }
}
