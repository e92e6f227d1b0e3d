//! Similarity to a reference text: BLEU, ROUGE-L, chrF, normalised edit distance.
//!
//! All four compare the response (or its extracted final answer) to the sample's reference
//! text(s) and give a value in [0, 1]. The helpers here are what they share: the `extract` and
//! `answer_tag` parameters, reading the references, Python-compatible whitespace and lower-casing
//! (the anchors, sacrebleu and rouge-score, are Python), and the two deadline-checked quadratic
//! dynamic programmes (LCS and Levenshtein) in O(min(n, m)) memory.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hash, Hasher};

use plaudit_core::deadline::Ticker;
use plaudit_core::{Deadline, Failure, Kind, ParamSpec, RewardInfo, Sample};

use crate::util::{extract_answer, EXTRACT_MODES};

pub mod bleu;
pub mod chrf;
pub mod edit_distance;
pub mod rouge_l;

pub fn all() -> Vec<RewardInfo> {
    vec![bleu::INFO, chrf::INFO, edit_distance::INFO, rouge_l::INFO]
}

/// `extract`: where the compared text is; `none` (the default here) is the whole response.
pub(crate) const EXTRACT_PARAM: ParamSpec = ParamSpec::new(
    "extract",
    Kind::Enum(EXTRACT_MODES),
    "\"none\"",
    "which part of the response is compared (`none`: all of it)",
);

/// `answer_tag`: the tag name of the answer block for `extract: answer_tag` / `auto`.
pub(crate) const TAG_PARAM: ParamSpec = ParamSpec::new(
    "answer_tag",
    Kind::Str,
    "\"answer\"",
    "tag name of the answer block",
);

/// The text of the response to compare: the whole response, untouched, for `extract: none`,
/// else the extracted answer (`no_answer` when there is none).
pub(crate) fn hypothesis<'a>(
    sample: &'a Sample,
    extract: &str,
    tag: &str,
) -> Result<&'a str, Failure> {
    if extract == "none" {
        return Ok(&sample.response);
    }
    extract_answer(&sample.response, extract, tag)
        .ok_or_else(|| Failure::no_answer(format!("no answer found (extract: {extract})")))
}

/// The sample's reference texts, or `invalid_input` naming `reference`.
pub(crate) fn references(sample: &Sample) -> Result<Vec<String>, Failure> {
    let refs = sample.reference_texts();
    if refs.is_empty() {
        return Err(Failure::invalid_input(
            "`reference` must be a reference text, a non-empty list of them, or {\"answer\": …}",
        ));
    }
    Ok(refs)
}

/// A fast, non-cryptographic hasher (rustc's Fx hash, with a final mix) for n-gram maps: std's SipHash made
/// n-gram counting the bottleneck on long texts. Responses are model outputs, not adversarial
/// keys, and every loop over them still checks the deadline.
#[derive(Clone, Copy, Default)]
pub(crate) struct FxHasher {
    hash: u64,
}

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().unwrap_or_default()));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut b = [0u8; 8];
            b[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(b));
        }
    }
    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }
    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }
    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }
    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    fn finish(&self) -> u64 {
        // The multiply leaves the low bits (which pick the bucket) depending on few input bits;
        // a final avalanche (MurmurHash3's fmix64) spreads every bit over all of them.
        let mut h = self.hash;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h
    }
}

pub(crate) type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// Maps words to small integers, so n-grams of words are compared and hashed as `[u32]`.
#[derive(Default)]
pub(crate) struct Interner<'a> {
    ids: FxMap<&'a str, u32>,
}

impl<'a> Interner<'a> {
    pub(crate) fn ids(
        &mut self,
        words: impl IntoIterator<Item = &'a str>,
        ticker: &mut Ticker,
    ) -> Result<Vec<u32>, Failure> {
        words
            .into_iter()
            .map(|w| {
                ticker.tick()?;
                let n = self.ids.len() as u32;
                Ok(*self.ids.entry(w).or_insert(n))
            })
            .collect()
    }
}

/// Clipped n-gram matching, as BLEU and chrF count it: for every n-gram of the reference side,
/// its count there and how often the hypothesis has it.
pub(crate) struct RefGrams<'a, T> {
    /// One map per order n = 1, 2, …: n-gram → (reference count, hypothesis count).
    pub(crate) orders: Vec<FxMap<&'a [T], (u64, u64)>>,
    /// Total reference n-grams per order.
    pub(crate) totals: Vec<u64>,
}

impl<'a, T: Eq + Hash> RefGrams<'a, T> {
    /// The n-grams of orders 1..=`max_order` of `seq`.
    pub(crate) fn new(
        seq: &'a [T],
        max_order: usize,
        ticker: &mut Ticker,
    ) -> Result<Self, Failure> {
        let mut orders = Vec::with_capacity(max_order);
        let mut totals = Vec::with_capacity(max_order);
        for n in 1..=max_order {
            let mut m: FxMap<&[T], (u64, u64)> = FxMap::default();
            let mut total = 0;
            if n <= seq.len() {
                for g in seq.windows(n) {
                    ticker.tick()?;
                    m.entry(g).or_insert((0, 0)).0 += 1;
                    total += 1;
                }
            }
            orders.push(m);
            totals.push(total);
        }
        Ok(RefGrams { orders, totals })
    }

    /// Merge another reference's n-grams: each n-gram keeps its maximum count over the references
    /// (multi-reference BLEU). The totals are not meaningful after a merge.
    pub(crate) fn merge_max(
        &mut self,
        other: RefGrams<'a, T>,
        ticker: &mut Ticker,
    ) -> Result<(), Failure> {
        for (mine, theirs) in self.orders.iter_mut().zip(other.orders) {
            for (g, (c, _)) in theirs {
                ticker.tick()?;
                let e = mine.entry(g).or_insert((0, 0));
                e.0 = e.0.max(c);
            }
        }
        Ok(())
    }

    /// Count the hypothesis `seq`'s n-grams into the maps; returns, per order, the number of
    /// hypothesis n-grams and the clipped matches Σ min(hyp count, ref count).
    pub(crate) fn match_hypothesis(
        &mut self,
        seq: &[T],
        ticker: &mut Ticker,
    ) -> Result<Vec<(u64, u64)>, Failure> {
        let mut out = Vec::with_capacity(self.orders.len());
        for (i, m) in self.orders.iter_mut().enumerate() {
            let n = i + 1;
            let mut total = 0;
            if n <= seq.len() && !m.is_empty() {
                for g in seq.windows(n) {
                    ticker.tick()?;
                    if let Some(e) = m.get_mut(g) {
                        e.1 += 1;
                    }
                    total += 1;
                }
            } else {
                total = (seq.len() + 1).saturating_sub(n) as u64;
            }
            let matches = m.values().map(|(r, h)| (*r).min(*h)).sum();
            out.push((total, matches));
        }
        Ok(out)
    }
}

/// Python's `str.isspace` (what `str.split()` splits on): Rust's White_Space plus the ASCII
/// information separators U+001C..U+001F.
#[inline]
pub(crate) fn py_is_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Python's `str.split()` with no argument.
pub(crate) fn py_split(s: &str) -> impl Iterator<Item = &str> {
    s.split(py_is_space).filter(|w| !w.is_empty())
}

/// Python's `str.rstrip()` with no argument.
pub(crate) fn py_rstrip(s: &str) -> &str {
    s.trim_end_matches(py_is_space)
}

/// Deadline checks for a loop of `rows` rows of `cols` cells: about one check per 64k cells, and
/// at least one per row once rows are that long.
pub(crate) fn row_ticker(deadline: &Deadline, cols: usize) -> Ticker<'_> {
    let every = (65_536 / cols.max(1)).clamp(1, 65_536) as u32;
    Ticker::new(deadline, every)
}

/// Length of the common prefix and of the common suffix (not overlapping the prefix).
fn common_affixes<T: PartialEq>(a: &[T], b: &[T]) -> (usize, usize) {
    let pre = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let (a, b) = (&a[pre..], &b[pre..]);
    let suf = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    (pre, suf)
}

/// Length of the longest common subsequence of `a` and `b`. O(n·m) time, O(min(n, m)) memory;
/// checks the deadline at least once per row.
pub(crate) fn lcs_len<T: PartialEq>(
    a: &[T],
    b: &[T],
    deadline: &Deadline,
) -> Result<usize, Failure> {
    // A common prefix or suffix is always part of some LCS, so strip it first.
    let (pre, suf) = common_affixes(a, b);
    let (a, b) = (&a[pre..a.len() - suf], &b[pre..b.len() - suf]);
    let (long, short) = if a.len() >= b.len() { (a, b) } else { (b, a) };
    if short.is_empty() {
        return Ok(pre + suf);
    }
    let mut ticker = row_ticker(deadline, short.len());
    let mut row = vec![0usize; short.len() + 1];
    for x in long {
        ticker.tick()?;
        let mut diag = 0; // row[j] of the previous row, before it was overwritten
        for (j, y) in short.iter().enumerate() {
            let up = row[j + 1];
            row[j + 1] = if x == y { diag + 1 } else { up.max(row[j]) };
            diag = up;
        }
    }
    Ok(pre + suf + row[short.len()])
}

/// Levenshtein distance (unit-cost insertions, deletions, substitutions) between `a` and `b`.
/// O(n·m) time, O(min(n, m)) memory; checks the deadline at least once per row.
pub(crate) fn levenshtein<T: PartialEq>(
    a: &[T],
    b: &[T],
    deadline: &Deadline,
) -> Result<usize, Failure> {
    let (pre, suf) = common_affixes(a, b);
    let (a, b) = (&a[pre..a.len() - suf], &b[pre..b.len() - suf]);
    let (long, short) = if a.len() >= b.len() { (a, b) } else { (b, a) };
    if short.is_empty() {
        return Ok(long.len());
    }
    let mut ticker = row_ticker(deadline, short.len());
    let mut row: Vec<usize> = (0..=short.len()).collect();
    for (i, x) in long.iter().enumerate() {
        ticker.tick()?;
        let mut diag = row[0];
        row[0] = i + 1;
        for (j, y) in short.iter().enumerate() {
            let up = row[j + 1];
            row[j + 1] = (diag + usize::from(x != y)).min(up + 1).min(row[j] + 1);
            diag = up;
        }
    }
    Ok(row[short.len()])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn lcs_and_levenshtein_small_cases() {
        let d = Deadline::none();
        let lcs = |a: &str, b: &str| lcs_len(&chars(a), &chars(b), &d).unwrap();
        let lev = |a: &str, b: &str| levenshtein(&chars(a), &chars(b), &d).unwrap();
        assert_eq!(lcs("ABCBDAB", "BDCABA"), 4);
        assert_eq!(lcs("", "abc"), 0);
        assert_eq!(lcs("abc", "abc"), 3);
        assert_eq!(lcs("xabcx", "yabcy"), 3);
        assert_eq!(lev("kitten", "sitting"), 3);
        assert_eq!(lev("", "abc"), 3);
        assert_eq!(lev("flaw", "lawn"), 2);
        assert_eq!(lev("abc", "abc"), 0);
        assert_eq!(lev("aaaa", "aa"), 2);
    }

    #[test]
    fn python_whitespace() {
        assert_eq!(
            py_split(" a\u{1f}b\u{a0}c\u{3000} ").collect::<Vec<_>>(),
            vec!["a", "b", "c"]
        );
        assert_eq!(py_rstrip("x \u{1c}\n"), "x");
        assert!(!py_is_space('\u{200b}'));
    }

    #[test]
    fn dp_stops_at_the_deadline() {
        let d = Deadline::after(std::time::Duration::from_millis(0));
        let a: Vec<u32> = (0..5000).collect();
        let b: Vec<u32> = (0..5000).rev().collect();
        assert!(lcs_len(&a, &b, &d).is_err());
        assert!(levenshtein(&a, &b, &d).is_err());
    }
}
