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

/// A permutation `perm` with pred column `perm[j]` holding the same multiset of values as gold
/// column `j` (identity preferred), when the column counts agree.
fn align(gold: &Table, pred: &Table, ncols: usize) -> Option<Vec<usize>> {
    let gcols: Vec<Vec<Key>> = (0..ncols).map(|j| column(gold, j)).collect();
    let pcols: Vec<Vec<Key>> = (0..ncols).map(|j| column(pred, j)).collect();
    let mut used = vec![false; ncols];
    let mut perm = Vec::with_capacity(ncols);
    for (j, g) in gcols.iter().enumerate() {
        let pick = if !used[j] && pcols[j] == *g {
            Some(j)
        } else {
            (0..ncols).find(|&k| !used[k] && pcols[k] == *g)
        }?;
        used[pick] = true;
        perm.push(pick);
    }
    Some(perm)
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
    match align(&g, &p, gold_cols) {
        Some(perm) if perm.iter().enumerate().any(|(i, k)| i != *k) => same(&permute(&p, &perm)),
        _ => false,
    }
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
/// columns holds the same values), precision over pred's rows, recall over gold's.
pub fn row_f1(gold: &[Vec<Cell>], gold_cols: usize, pred: &[Vec<Cell>], pred_cols: usize) -> f64 {
    let g = keys(gold);
    let mut p = keys(pred);
    if gold_cols == pred_cols && gold_cols > 1 {
        if let Some(perm) = align(&g, &p, gold_cols) {
            p = permute(&p, &perm);
        }
    }
    let mut counts: HashMap<&Vec<Key>, usize> = HashMap::new();
    for r in &g {
        *counts.entry(r).or_default() += 1;
    }
    let mut matched = 0;
    for r in &p {
        if let Some(c) = counts.get_mut(r).filter(|c| **c > 0) {
            *c -= 1;
            matched += 1;
        }
    }
    f1(matched, p.len(), g.len())
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
