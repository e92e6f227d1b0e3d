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

/// Two rows over `cols` columns: 1 at the even columns, then 1 at the odd ones.
fn alternating(cols: usize) -> Vec<Vec<Cell>> {
    (0..2)
        .map(|r| {
            (0..cols)
                .map(|c| Cell::Int(i64::from((r + c) % 2 == 0)))
                .collect()
        })
        .collect()
}

/// Two rows over `cols` columns: 1 at the first `ones` columns, then 1 at the others.
fn split(cols: usize, ones: usize) -> Vec<Vec<Cell>> {
    (0..2)
        .map(|r| {
            (0..cols)
                .map(|c| Cell::Int(i64::from(c < ones) ^ r))
                .collect()
        })
        .collect()
}

#[test]
fn many_tied_columns_are_searched_within_a_bound() {
    // Twelve columns holding the same values ({0, 1}): 12! alignments by value multisets. The
    // search follows only partial alignments under which the rows agree so far, so it finds the
    // one that pairs the rows (the first two columns swapped) at once, and refuses a result that
    // no alignment pairs within its bound.
    let gold = alternating(12);
    let mut swapped = gold.clone();
    for row in &mut swapped {
        row.swap(0, 1);
    }
    assert!(results_match(&gold, 12, &swapped, 12, false, true));
    let unpairable = split(12, 7);
    assert!(!results_match(&gold, 12, &unpairable, 12, false, true));
    assert_eq!(row_f1(&gold, 12, &unpairable, 12), 0.0);
    // Sixteen columns, 9 and 7 of each pattern against gold's 8 and 8: every partial alignment
    // alternating the two agrees up to 14 columns, about 1.8e9 of them, which the search's
    // budget cuts short (without it this would not return).
    let (gold, unpairable) = (alternating(16), split(16, 9));
    assert!(!results_match(&gold, 16, &unpairable, 16, false, true));
    assert_eq!(row_f1(&gold, 16, &unpairable, 16), 0.0);
}

#[test]
fn row_f1_takes_the_alignment_matching_the_most_rows() {
    // Gold's last two columns and pred's first and third hold the same values ({1, 1, 2}), so
    // two alignments hold gold's column multisets: pred's columns 3, 1, 2, 0 pair no row with
    // gold's, 3, 1, 0, 2 pair one ([1, 1, 1, 2]); no alignment pairs all three. Row F1 takes the
    // second: precision and recall 1/3 (the first alignment alone gave 0).
    let gold = t(&[&[2, 3, 1, 1], &[3, 1, 2, 1], &[1, 1, 1, 2]]);
    let pred = t(&[&[1, 1, 2, 1], &[1, 1, 1, 3], &[2, 3, 1, 2]]);
    let third = 1.0 / 3.0;
    assert_eq!(
        row_f1(&gold, 4, &pred, 4),
        2.0 * third * third / (2.0 * third)
    );
    assert!(!results_match(&gold, 4, &pred, 4, false, true));
}

#[test]
fn rows_in_another_order_do_not_match_an_ordered_result_whatever_the_columns() {
    // Pred's columns swapped and its rows reversed: with column order free the rows agree as a
    // multiset, but an ordered comparison (ORDER BY in gold) needs them in gold's order.
    let gold = t(&[&[1, 2], &[3, 4]]);
    let pred = t(&[&[4, 3], &[2, 1]]);
    assert!(results_match(&gold, 2, &pred, 2, false, true));
    assert!(!results_match(&gold, 2, &pred, 2, true, true));
    assert!(results_match(
        &gold,
        2,
        &t(&[&[2, 1], &[4, 3]]),
        2,
        true,
        true
    ));
}

#[test]
fn row_f1_finds_a_pairing_past_the_first_search_budget() {
    // Twelve columns: gold's rows are 1 at the even columns, 1 at the odd ones, and 1 at the
    // first two only; pred is gold with columns 2 and 3 swapped. Every column but the first two
    // holds {0, 0, 1}, so the search over alignments by value multisets starts with pred's
    // columns 0, 1, 2 in place and spends its budget among the 9! alignments below them, none
    // pairing more than the third row. The pruned search for an alignment under which the rows
    // agree then finds the swap: row F1 1, not 1/3.
    let gold: Vec<Vec<Cell>> = (0..3)
        .map(|r| {
            (0..12)
                .map(|c: usize| {
                    Cell::Int(i64::from(match r {
                        0 => c.is_multiple_of(2),
                        1 => !c.is_multiple_of(2),
                        _ => c < 2,
                    }))
                })
                .collect()
        })
        .collect();
    let mut pred = gold.clone();
    for row in &mut pred {
        row.swap(2, 3);
    }
    assert_eq!(row_f1(&gold, 12, &pred, 12), 1.0);
    assert!(results_match(&gold, 12, &pred, 12, false, true));
}
