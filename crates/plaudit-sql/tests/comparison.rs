//! Result comparison and partial credit on the cases their edge conditions are about (written
//! against the survivors of a mutation run, docs/MUTANTS.md): exact verdicts and scores.

use plaudit_sql::{column_f1, results_match, row_f1, Cell};
use serde_json::json;

fn t(rows: &[&[i64]]) -> Vec<Vec<Cell>> {
    rows.iter()
        .map(|r| r.iter().map(|v| Cell::Int(*v)).collect())
        .collect()
}

#[test]
fn cells_as_json() {
    assert_eq!(Cell::Null.to_json(), json!(null));
    assert_eq!(Cell::Int(-3).to_json(), json!(-3));
    assert_eq!(Cell::Real(1.5).to_json(), json!(1.5));
    assert_eq!(Cell::Real(f64::NAN).to_json(), json!(null));
    assert_eq!(Cell::Text("Ann".into()).to_json(), json!("Ann"));
    assert_eq!(
        Cell::Blob(vec![1, 2, 3]).to_json(),
        json!("<blob of 3 bytes>")
    );
}

#[test]
fn a_wider_result_never_matches_even_when_its_first_columns_do() {
    let gold = t(&[&[1, 2]]);
    let wider = t(&[&[2, 1, 0]]);
    assert!(!results_match(&gold, 2, &wider, 3, false, true));
    assert!(!results_match(&gold, 2, &wider, 3, true, true));
    // Same columns, one row more: no match.
    assert!(!results_match(
        &gold,
        2,
        &t(&[&[1, 2], &[1, 2]]),
        2,
        false,
        true
    ));
}

#[test]
fn three_columns_in_another_order_match_when_column_order_is_free() {
    let gold = t(&[&[1, 10, 100], &[2, 20, 200]]);
    let rotated = t(&[&[100, 1, 10], &[200, 2, 20]]);
    assert!(results_match(&gold, 3, &rotated, 3, false, true));
    assert!(results_match(&gold, 3, &rotated, 3, true, true));
    assert!(!results_match(&gold, 3, &rotated, 3, false, false));
}

#[test]
fn column_alignment_keeps_a_column_that_is_already_in_place() {
    // Gold's second and third columns hold the same values ({10, 20}) paired differently with
    // the first. Pred has gold's second column in place, its third first and its first last:
    // the alignment keeps column 2 where it is, which pairs the rows correctly.
    let gold = t(&[&[1, 10, 20], &[2, 20, 10]]);
    let pred = t(&[&[20, 10, 1], &[10, 20, 2]]);
    assert!(results_match(&gold, 3, &pred, 3, false, true));
    assert_eq!(row_f1(&gold, 3, &pred, 3), 1.0);
}

#[test]
fn an_empty_prediction_scores_zero_against_a_non_empty_gold() {
    let gold = t(&[&[1], &[2]]);
    assert_eq!(row_f1(&gold, 1, &[], 1), 0.0);
    assert_eq!(row_f1(&[], 1, &gold, 1), 0.0);
    assert_eq!(row_f1(&[], 1, &[], 1), 1.0);
    assert_eq!(column_f1(&gold, 1, &[], 0), 0.0);
}

#[test]
fn row_f1_aligns_columns_of_equal_count_only() {
    let gold = t(&[&[1, 2], &[3, 4]]);
    // Swapped columns: all rows match once aligned.
    assert_eq!(row_f1(&gold, 2, &t(&[&[2, 1], &[4, 3]]), 2), 1.0);
    // Fewer columns than gold: nothing matches (and nothing is aligned).
    assert_eq!(row_f1(&gold, 2, &t(&[&[1], &[3]]), 1), 0.0);
    // More columns: nothing matches either.
    assert_eq!(row_f1(&gold, 2, &t(&[&[2, 1, 0], &[4, 3, 0]]), 3), 0.0);
    // One column: rows compared as they are.
    assert_eq!(row_f1(&t(&[&[1], &[2]]), 1, &t(&[&[2], &[5]]), 1), 0.5);
}

#[test]
fn a_gold_row_is_matched_at_most_as_often_as_it_occurs() {
    let gold = t(&[&[1]]);
    // Precision 1/2, recall 1: F1 2/3.
    assert_eq!(
        row_f1(&gold, 1, &t(&[&[1], &[1]]), 1),
        2.0 * 0.5 * 1.0 / 1.5
    );
    // Two of three gold rows are 5s: precision and recall 2/3.
    let p = 2.0 / 3.0;
    assert_eq!(
        row_f1(&t(&[&[5], &[5], &[6]]), 1, &t(&[&[5], &[5], &[5]]), 1),
        2.0 * p * p / (p + p)
    );
}

#[test]
fn column_f1_counts_equal_columns_only() {
    assert_eq!(column_f1(&t(&[&[1, 2]]), 2, &t(&[&[9]]), 1), 0.0);
    assert_eq!(
        column_f1(&t(&[&[1, 2]]), 2, &t(&[&[2]]), 1),
        2.0 * 0.5 / 1.5
    );
    assert_eq!(column_f1(&t(&[&[1, 2]]), 2, &t(&[&[2, 1]]), 2), 1.0);
}

#[test]
fn column_alignment_tries_every_permutation_of_tied_columns() {
    // Gold's second and third columns hold the same values ({10, 20}) paired differently with
    // the first; pred has gold's columns in the order 2, 3, 1. The first alignment by value
    // multisets (gold column 2 ← pred column 1) pairs the rows wrongly; the right one is tried
    // next. A result whose rows no alignment pairs correctly still does not match.
    let gold = t(&[&[1, 10, 20], &[2, 20, 10]]);
    let pred = t(&[&[10, 20, 1], &[20, 10, 2]]);
    assert!(results_match(&gold, 3, &pred, 3, false, true));
    assert!(results_match(&gold, 3, &pred, 3, true, true));
    assert!(!results_match(&gold, 3, &pred, 3, false, false));
    assert_eq!(row_f1(&gold, 3, &pred, 3), 1.0);
    let wrong = t(&[&[10, 10, 1], &[20, 20, 2]]);
    assert!(!results_match(&gold, 3, &wrong, 3, false, true));
    assert_eq!(row_f1(&gold, 3, &wrong, 3), 0.0);
}

#[test]
fn many_tied_columns_are_searched_within_a_bound() {
    // Twelve columns holding the same values ({0, 1}): 12! alignments by value multisets. The
    // search follows only partial alignments under which the rows agree so far, so it finds the
    // one that pairs the rows (the first two columns swapped) at once, and refuses a result that
    // no alignment pairs within its bound.
    let gold: Vec<Vec<Cell>> = (0..2)
        .map(|r| {
            (0..12)
                .map(|c| Cell::Int(i64::from((r + c) % 2 == 0)))
                .collect()
        })
        .collect();
    let mut swapped = gold.clone();
    for row in &mut swapped {
        row.swap(0, 1);
    }
    assert!(results_match(&gold, 12, &swapped, 12, false, true));
    let unpairable: Vec<Vec<Cell>> = (0..2)
        .map(|r| (0..12).map(|c| Cell::Int(i64::from(c < 7) ^ r)).collect())
        .collect();
    assert!(!results_match(&gold, 12, &unpairable, 12, false, true));
}
