//! Comparing query results: as multisets of rows (or in order), tolerant of SQLite's numeric
//! types (1 = 1.0), optionally of column order; and row and column F1 for partial credit.

use std::collections::HashMap;

/// One value of a result.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

/// A cell's comparison key: integers and integral reals in the exact range are one kind (1 = 1.0),
/// other reals compare at 12 significant digits (sums computed in another order agree).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Key {
    Null,
    Int(i64),
    Real(String),
    Text(String),
    Blob(Vec<u8>),
}

impl Cell {
    pub fn key(&self) -> Key {
        match self {
            Cell::Null => Key::Null,
            Cell::Int(i) => Key::Int(*i),
            Cell::Real(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Key::Int(*f as i64),
            Cell::Real(f) => Key::Real(format!("{f:.11e}")),
            Cell::Text(s) => Key::Text(s.clone()),
            Cell::Blob(b) => Key::Blob(b.clone()),
        }
    }
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Cell::Null => serde_json::Value::Null,
            Cell::Int(i) => (*i).into(),
            Cell::Real(f) => {
                serde_json::Number::from_f64(*f).map_or(serde_json::Value::Null, Into::into)
            }
            Cell::Text(s) => s.clone().into(),
            Cell::Blob(b) => format!("<blob of {} bytes>", b.len()).into(),
        }
    }
}

type Table = Vec<Vec<Key>>;

fn keys(rows: &[Vec<Cell>]) -> Table {
    rows.iter()
        .map(|r| r.iter().map(Cell::key).collect())
        .collect()
}

fn column(t: &Table, j: usize) -> Vec<Key> {
    let mut c: Vec<Key> = t.iter().map(|r| r[j].clone()).collect();
    c.sort();
    c
}

/// How many cells the column-alignment search of one comparison may look at in all: far more
/// than any realistic result with tied columns needs, and a bound when a huge table has many of
/// them (the alignments past it are not tried: at worst a false negative, never a false match).
const ALIGN_BUDGET_CELLS: usize = 1_000_000;

/// Calls `try_it` with permutations `perm` (pred column `perm[j]` for gold column `j`) under
/// which every pred column holds the same multiset of values as its gold column, the identity
/// first, until `try_it` returns true (then true) or the search or its budget ends (then false).
/// Several gold columns can hold the same multiset paired differently with the other columns,
/// so the first such permutation is not always the one under which the rows agree. With
/// `paired`, only permutations under which the rows agree as multisets are tried: a partial
/// permutation is pursued only while the rows, cut to the columns placed so far, agree.
fn alignments(
    gold: &Table,
    pred: &Table,
    ncols: usize,
    paired: bool,
    mut try_it: impl FnMut(&[usize]) -> bool,
) -> bool {
    let gcols: Vec<Vec<Key>> = (0..ncols).map(|j| column(gold, j)).collect();
    let pcols: Vec<Vec<Key>> = (0..ncols).map(|j| column(pred, j)).collect();
    // Candidates for each gold column: the pred columns with its multiset, itself first.
    let candidates: Vec<Vec<usize>> = (0..ncols)
        .map(|j| {
            let mut c: Vec<usize> = (0..ncols).filter(|&k| pcols[k] == gcols[j]).collect();
            if let Some(i) = c.iter().position(|&k| k == j) {
                c[..=i].rotate_right(1);
            }
            c
        })
        .collect();
    if candidates.iter().any(Vec::is_empty) {
        return false;
    }
    let mut s = Search {
        gold,
        pred,
        candidates,
        paired,
        budget: ALIGN_BUDGET_CELLS,
        perm: Vec::with_capacity(ncols),
        used: vec![false; ncols],
    };
    s.run(&mut try_it)
}

struct Search<'a> {
    gold: &'a Table,
    pred: &'a Table,
    candidates: Vec<Vec<usize>>,
    paired: bool,
    budget: usize,
    perm: Vec<usize>,
    used: Vec<bool>,
}

impl Search<'_> {
    fn run(&mut self, try_it: &mut dyn FnMut(&[usize]) -> bool) -> bool {
        let j = self.perm.len();
        if j == self.candidates.len() {
            return try_it(&self.perm);
        }
        for i in 0..self.candidates[j].len() {
            let k = self.candidates[j][i];
            if self.used[k] {
                continue;
            }
            // Each step costs what it looks at: the rows cut to the placed columns (with
            // `paired`), or the rows rebuilt by `try_it` at the end.
            let cost = self.gold.len().max(1) * (j + 1);
            if self.budget < cost {
                return false;
            }
            self.budget -= cost;
            self.used[k] = true;
            self.perm.push(k);
            if (!self.paired || self.prefix_agrees()) && self.run(try_it) {
                return true;
            }
            self.perm.pop();
            self.used[k] = false;
        }
        false
    }

    /// Do gold's rows and pred's, cut to the columns placed so far, agree as multisets?
    fn prefix_agrees(&self) -> bool {
        fn cut<'t>(t: &'t Table, cols: &[usize]) -> Vec<Vec<&'t Key>> {
            let mut rows: Vec<Vec<&Key>> = t
                .iter()
                .map(|r| cols.iter().map(|&c| &r[c]).collect())
                .collect();
            rows.sort();
            rows
        }
        let placed: Vec<usize> = (0..self.perm.len()).collect();
        cut(self.gold, &placed) == cut(self.pred, &self.perm)
    }
}

fn permute(t: &Table, perm: &[usize]) -> Table {
    t.iter()
        .map(|r| perm.iter().map(|&k| r[k].clone()).collect())
        .collect()
}

/// Do two results agree? Same number of columns and rows; rows equal as multisets (in order
/// when `ordered`); columns in gold's order unless `column_order_free`, in which case pred's
/// columns may be any permutation of gold's.
pub fn results_match(
    gold: &[Vec<Cell>],
    gold_cols: usize,
    pred: &[Vec<Cell>],
    pred_cols: usize,
    ordered: bool,
    column_order_free: bool,
) -> bool {
    if gold_cols != pred_cols || gold.len() != pred.len() {
        return false;
    }
    let g = keys(gold);
    let p = keys(pred);
    let same = |p: &Table| {
        if ordered {
            *p == g
        } else {
            let mut a = g.clone();
            let mut b = p.clone();
            a.sort();
            b.sort();
            a == b
        }
    };
    if same(&p) {
        return true;
    }
    if !column_order_free || gold_cols < 2 {
        return false;
    }
    alignments(&g, &p, gold_cols, true, |perm| {
        perm.iter().enumerate().any(|(i, k)| i != *k) && same(&permute(&p, perm))
    })
}

fn f1(matched: usize, n_pred: usize, n_gold: usize) -> f64 {
    if n_pred == 0 && n_gold == 0 {
        return 1.0;
    }
    if matched == 0 {
        return 0.0;
    }
    let p = matched as f64 / n_pred as f64;
    let r = matched as f64 / n_gold as f64;
    2.0 * p * r / (p + r)
}

/// Row F1: rows matched as a multiset (columns aligned to gold's when a permutation of pred's
/// columns holds the same values: the alignment matching the most rows, among those the search's
/// budget reaches), precision over pred's rows, recall over gold's.
pub fn row_f1(gold: &[Vec<Cell>], gold_cols: usize, pred: &[Vec<Cell>], pred_cols: usize) -> f64 {
    let g = keys(gold);
    let p = keys(pred);
    let mut matched = matched_rows(&g, &p);
    if gold_cols == pred_cols && gold_cols > 1 && matched < g.len() {
        // Every alignment by value multisets, until one pairs every row or the budget ends;
        // then, if none did, the pruned search for one under which the rows agree (which the
        // budget may not have reached the first way).
        let best = |perm: &[usize]| matched_rows(&g, &permute(&p, perm));
        alignments(&g, &p, gold_cols, false, |perm| {
            matched = matched.max(best(perm));
            matched == g.len()
        });
        if matched < g.len() {
            alignments(&g, &p, gold_cols, true, |perm| {
                matched = matched.max(best(perm));
                true
            });
        }
    }
    f1(matched, p.len(), g.len())
}

/// How many of `pred`'s rows match a row of `gold`, each gold row at most as often as it occurs.
fn matched_rows(gold: &Table, pred: &Table) -> usize {
    let mut counts: HashMap<&Vec<Key>, usize> = HashMap::new();
    for r in gold {
        *counts.entry(r).or_default() += 1;
    }
    let mut matched = 0;
    for r in pred {
        if let Some(c) = counts.get_mut(r).filter(|c| **c > 0) {
            *c -= 1;
            matched += 1;
        }
    }
    matched
}

/// Column F1: a predicted column matches a gold column when both hold the same multiset of
/// values (each gold column matched at most once); precision over pred's columns, recall over
/// gold's. `SELECT *` against a two-column gold finds its two columns but pays in precision.
pub fn column_f1(
    gold: &[Vec<Cell>],
    gold_cols: usize,
    pred: &[Vec<Cell>],
    pred_cols: usize,
) -> f64 {
    let g = keys(gold);
    let p = keys(pred);
    let gc: Vec<Vec<Key>> = (0..gold_cols).map(|j| column(&g, j)).collect();
    let mut used = vec![false; gold_cols];
    let mut matched = 0;
    for k in 0..pred_cols {
        let c = column(&p, k);
        if let Some(j) = (0..gold_cols).find(|&j| !used[j] && gc[j] == c) {
            used[j] = true;
            matched += 1;
        }
    }
    f1(matched, pred_cols, gold_cols)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(rows: &[&[i64]]) -> Vec<Vec<Cell>> {
        rows.iter()
            .map(|r| r.iter().map(|v| Cell::Int(*v)).collect())
            .collect()
    }

    #[test]
    fn numeric_type_tolerance() {
        assert_eq!(Cell::Int(1).key(), Cell::Real(1.0).key());
        assert_ne!(Cell::Int(1).key(), Cell::Text("1".into()).key());
        assert_eq!(Cell::Real(0.1 + 0.2).key(), Cell::Real(0.3).key());
        // 12 significant digits: a difference in the 6th (or the 12th) is a different value,
        // one in the 15th (summation order) is not.
        assert_ne!(Cell::Real(1.23461).key(), Cell::Real(1.23459).key());
        assert_ne!(
            Cell::Real(1.00000000001).key(),
            Cell::Real(1.00000000002).key()
        );
        assert_eq!(Cell::Real(2.5 + 1e-15).key(), Cell::Real(2.5).key());
        assert_ne!(Cell::Real(-0.5).key(), Cell::Real(0.5).key());
    }

    #[test]
    fn multisets_order_and_columns() {
        let g = t(&[&[1, 2], &[3, 4], &[3, 4]]);
        let shuffled = t(&[&[3, 4], &[1, 2], &[3, 4]]);
        assert!(results_match(&g, 2, &shuffled, 2, false, true));
        assert!(!results_match(&g, 2, &shuffled, 2, true, true));
        // Duplicates count.
        assert!(!results_match(
            &g,
            2,
            &t(&[&[1, 2], &[3, 4], &[1, 2]]),
            2,
            false,
            true
        ));
        // Swapped columns: allowed only when column order is free.
        let swapped = t(&[&[2, 1], &[4, 3], &[4, 3]]);
        assert!(results_match(&g, 2, &swapped, 2, false, true));
        assert!(!results_match(&g, 2, &swapped, 2, false, false));
        // More columns never match.
        assert!(!results_match(
            &g,
            2,
            &t(&[&[1, 2, 0], &[3, 4, 0], &[3, 4, 0]]),
            3,
            false,
            true
        ));
    }

    #[test]
    fn partial_credit() {
        let g = t(&[&[1, 2], &[3, 4]]);
        assert_eq!(
            row_f1(&g, 2, &t(&[&[1, 2], &[5, 6], &[7, 8]]), 2),
            2.0 * (1.0 / 3.0) * 0.5 / (1.0 / 3.0 + 0.5)
        );
        assert_eq!(column_f1(&g, 2, &t(&[&[0, 1, 2], &[0, 3, 4]]), 3), 0.8);
        assert_eq!(row_f1(&[], 1, &[], 1), 1.0);
    }
}
