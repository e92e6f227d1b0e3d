//! The two deadline-checked quadratic dynamic programmes the similarity family uses, LCS and
//! Levenshtein, in O(min(n, m)) memory.

use plaudit_core::deadline::Ticker;
use plaudit_core::{Deadline, Failure};

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
    let ticker = row_ticker(deadline, short.len());
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
    let ticker = row_ticker(deadline, short.len());
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

    /// Rows of more than 65,536 cells check the deadline at every row: with one already passed,
    /// the first row stops the work (a check every 65,536 rows would let 70,001 rows of 70,000
    /// cells run to the end).
    #[test]
    fn long_rows_check_the_deadline_at_the_first_row() {
        let d = Deadline::after(std::time::Duration::from_millis(0));
        let a: Vec<u32> = (0..70_001).collect();
        let b: Vec<u32> = (100_000..170_000).collect();
        assert!(lcs_len(&a, &b, &d).is_err());
        assert!(levenshtein(&a, &b, &d).is_err());
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
