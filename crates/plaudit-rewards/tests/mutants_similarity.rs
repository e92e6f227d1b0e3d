//! The similarity family against values worked out by hand from each reward's documented
//! formula (sacrebleu's), for what the anchors (`similarity_anchor.rs`) and the examples leave
//! open: details, ties, parameter checks, and values a wrong branch turns into NaN, which the
//! anchors' `|diff| > tolerance` cannot see (found by the mutation run over `src/similarity/`,
//! docs/MUTANTS.md).

mod common;

use common::{build_error, details, one, value};
use serde_json::{json, Value};

const TOL: f64 = 1e-12;

fn close(got: f64, want: f64) {
    assert!((got - want).abs() <= TOL, "got {got}, want {want}");
}

fn score(name: &str, params: Value, response: &str, reference: Value) -> (f64, Value) {
    let o = one(
        name,
        params,
        json!({"response": response, "reference": reference}),
    );
    (value(&o), details(&o).clone())
}

// ---- bleu ----

fn bleu(params: Value, response: &str, reference: Value) -> (f64, Value) {
    score("bleu", params, response, reference)
}

/// "a b c d" against "a b d c": p1 = 4/4, p2 = 1/3, no 3- or 4-gram matches (2 and 1 of them), BP 1.
const SWAPPED: (&str, &str) = ("a b c d", "a b d c");

/// `exp` smoothing gives the k-th unmatched order 1/(2^k · total): p3 = 1/(2·2), p4 = 1/(4·1),
/// so BLEU = (1 · 1/3 · 1/4 · 1/4)^(1/4); the details hold the precisions and lengths.
#[test]
fn bleu_exp_smoothing_halves_each_further_unmatched_order() {
    let (v, d) = bleu(json!({}), SWAPPED.0, json!(SWAPPED.1));
    close(v, (1.0f64 / 48.0).powf(0.25));
    let p: Vec<f64> = d["precisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect();
    assert_eq!(p.len(), 4);
    for (g, w) in p.iter().zip([1.0, 1.0 / 3.0, 0.25, 0.25]) {
        close(*g, w);
    }
    assert_eq!(d["bp"], json!(1.0));
    assert_eq!(
        (d["hyp_len"].clone(), d["ref_len"].clone()),
        (json!(4), json!(4))
    );
}

/// `floor` gives an unmatched order `smooth_value`/total (0.1 by default): p3 = 0.1/2, p4 = 0.1/1.
#[test]
fn bleu_floor_smoothing_uses_the_value_over_the_total() {
    let (v, _) = bleu(json!({"smooth": "floor"}), SWAPPED.0, json!(SWAPPED.1));
    close(v, (1.0f64 / 3.0 * 0.05 * 0.1).powf(0.25));
    // A floor of 0 leaves an unmatched order at precision 0, whose floored log zeroes BLEU.
    let (v, _) = bleu(
        json!({"smooth": "floor", "smooth_value": 0}),
        SWAPPED.0,
        json!(SWAPPED.1),
    );
    assert_eq!(v, 0.0);
}

/// `add-k` adds k to the matches and totals of orders ≥ 2 only: with k = 1, p2 = 2/4, p3 = 1/3,
/// p4 = 1/2; with k = 0.5, p2 = 1.5/3.5, p3 = 0.5/2.5, p4 = 0.5/1.5.
#[test]
fn bleu_add_k_smoothing_adds_k_from_the_second_order() {
    let (v, _) = bleu(json!({"smooth": "add-k"}), SWAPPED.0, json!(SWAPPED.1));
    close(v, (0.5f64 / 3.0 * 0.5).powf(0.25));
    let (v, _) = bleu(
        json!({"smooth": "add-k", "smooth_value": 0.5}),
        SWAPPED.0,
        json!(SWAPPED.1),
    );
    close(v, (3.0f64 / 7.0 / 5.0 / 3.0).powf(0.25));
}

/// Without smoothing an unmatched order makes BLEU 0 (its log is floored to −9999999999).
#[test]
fn bleu_without_smoothing_an_unmatched_order_gives_zero() {
    let (v, d) = bleu(json!({"smooth": "none"}), SWAPPED.0, json!(SWAPPED.1));
    assert_eq!(v, 0.0);
    assert_eq!(d["precisions"][2], json!(0.0));
}

/// `max_order: 2` stops at bigrams: BLEU = (1 · 1/3)^(1/2).
#[test]
fn bleu_max_order_two_uses_unigrams_and_bigrams() {
    let (v, d) = bleu(json!({"max_order": 2}), SWAPPED.0, json!(SWAPPED.1));
    close(v, (1.0f64 / 3.0).sqrt());
    assert_eq!(d["precisions"].as_array().unwrap().len(), 2);
}

/// With `effective_order: false` a three-word answer has no 4-grams, precision 0 there, and
/// BLEU 0; with the default effective order the same identical answer scores 1.
#[test]
fn bleu_effective_order_decides_whether_missing_orders_count() {
    let (v, _) = bleu(json!({"effective_order": false}), "a b c", json!("a b c"));
    assert_eq!(v, 0.0);
    let (v, _) = bleu(json!({}), "a b c", json!("a b c"));
    close(v, 1.0);
}

/// A hypothesis shorter than the reference pays BP = exp(1 − r/c): 2 tokens against 4, every
/// n-gram matched, gives exp(1 − 2) = 1/e.
#[test]
fn bleu_brevity_penalty_of_a_short_hypothesis() {
    let (v, d) = bleu(json!({}), "a b", json!("a b c d"));
    close(v, (-1.0f64).exp());
    close(d["bp"].as_f64().unwrap(), (-1.0f64).exp());
    assert_eq!(
        (d["hyp_len"].clone(), d["ref_len"].clone()),
        (json!(2), json!(4))
    );
}

/// An empty hypothesis: BP 0, value 0, no division by its zero length.
#[test]
fn bleu_empty_hypothesis_has_zero_brevity_penalty() {
    let (v, d) = bleu(json!({}), "", json!("a b c"));
    assert_eq!(v, 0.0);
    assert_eq!(d["bp"], json!(0.0));
    assert_eq!(d["hyp_len"], json!(0));
}

/// r is the reference length closest to c, the shorter one on a tie, in either order of the
/// references: 3 tokens against lengths 4 and 2 take r = 2 (no penalty, BLEU 1).
#[test]
fn bleu_closest_reference_length_takes_the_shorter_on_a_tie() {
    for refs in [json!(["a b c d", "a b"]), json!(["a b", "a b c d"])] {
        let (v, d) = bleu(json!({}), "a b c", refs.clone());
        close(v, 1.0);
        assert_eq!(d["ref_len"], json!(2), "{refs}");
    }
}

/// A strictly closer reference wins whatever its place: 3 tokens against lengths 6 and 4 take
/// r = 4, so BP = exp(1 − 4/3) with every n-gram matched.
#[test]
fn bleu_closest_reference_length_prefers_the_strictly_closer() {
    for refs in [
        json!(["a b c d e f", "a b c d"]),
        json!(["a b c d", "a b c d e f"]),
    ] {
        let (v, d) = bleu(json!({}), "a b c", refs.clone());
        close(v, (-1.0f64 / 3.0).exp());
        assert_eq!(d["ref_len"], json!(4), "{refs}");
    }
}

/// Multi-reference clipping: "the" counts up to its most frequent single reference (2), the
/// bigram "the the" up to 1, the trigram is unmatched (exp: 1/(2·1)): (2/3 · 1/2 · 1/2)^(1/3).
#[test]
fn bleu_clips_each_ngram_to_its_maximum_over_single_references() {
    let (v, _) = bleu(json!({}), "the the the", json!(["the cat", "the the x"]));
    close(v, (1.0f64 / 6.0).cbrt());
}

/// `tokenize: char` makes every non-space character a token: "ab" against "abc" matches every
/// unigram and bigram, BP = exp(1 − 3/2); the default 13a sees two different words (0).
#[test]
fn bleu_char_tokeniser_compares_characters() {
    let (v, _) = bleu(json!({"tokenize": "char"}), "a b", json!("abc"));
    close(v, (-0.5f64).exp());
    assert_eq!(bleu(json!({}), "ab", json!("abc")).0, 0.0);
}

/// `smooth_value` must be a non-negative number (or null): −1 and a string are refused, 0 is
/// accepted.
#[test]
fn bleu_smooth_value_must_be_non_negative() {
    for bad in [json!(-1), json!(-0.5), json!("x"), json!(true)] {
        let e = build_error("bleu", json!({"smooth": "floor", "smooth_value": bad}));
        assert!(e.contains("non-negative number or null"), "{bad}: {e}");
    }
    common::reward("bleu", json!({"smooth": "floor", "smooth_value": 0}), &[]);
}

// ---- chrf ----

fn chrf(params: Value, response: &str, reference: Value) -> (f64, Value) {
    score("chrf", params, response, reference)
}

/// "ab" against "abc": order 1 P = 1, R = 2/3; order 2 P = 1, R = 1/2; order 3 has no hypothesis
/// n-gram and orders 4-6 none on either side, so the effective order is 2: P = 1, R = 7/12,
/// chrF = 5 · P · R / (4P + R) = 7/11.
#[test]
fn chrf_averages_over_the_orders_both_sides_have() {
    close(chrf(json!({}), "ab", json!("abc")).0, 7.0 / 11.0);
}

/// `beta: 1` weighs P and R equally: 2 · 1 · 7/12 / (1 + 7/12) = 14/19; `beta: 0` is P alone.
#[test]
fn chrf_beta_weighs_recall() {
    close(chrf(json!({"beta": 1}), "ab", json!("abc")).0, 14.0 / 19.0);
    close(chrf(json!({"beta": 0}), "ab", json!("abc")).0, 1.0);
}

/// With `eps_smoothing` it is the mean over all six orders of the per-order F: 5/7 (order 1),
/// 5/9 (order 2), 0 (order 3: P = ε, R = 0), ε for orders 4-6 (absent on both sides):
/// (5/7 + 5/9) / 6 = 40/189 (to 1e-16).
#[test]
fn chrf_eps_smoothing_averages_per_order_f_scores() {
    close(
        chrf(json!({"eps_smoothing": true}), "ab", json!("abc")).0,
        40.0 / 189.0,
    );
}

/// An order with n-grams on both sides but no match has P = R = 0: with `eps_smoothing` its F is
/// ε (not 0/0), so "ab" against "ba" is (1 + 5ε)/6; the effective-order mean is P = R = 1/2.
#[test]
fn chrf_an_order_without_matches_is_not_nan() {
    close(
        chrf(json!({"eps_smoothing": true}), "ab", json!("ba")).0,
        1.0 / 6.0,
    );
    close(chrf(json!({}), "ab", json!("ba")).0, 0.5);
}

/// With `eps_smoothing` an order the hypothesis has no n-gram of gets P = ε and R = 0, so F = 0
/// (not ε, as an order with n-grams on both sides and no match gets): "a" against "bc" with
/// `char_order: 2` is (ε + 0) / 2 = 5e-17 (sacrebleu's `_compute_f_score`), twice that if the
/// missing order's P were 0/0.
#[test]
fn chrf_eps_smoothing_gives_an_order_missing_from_the_hypothesis_zero() {
    let (v, _) = chrf(
        json!({"eps_smoothing": true, "char_order": 2}),
        "a",
        json!("bc"),
    );
    assert!((v / 5e-17 - 1.0).abs() < 1e-9, "got {v}");
}

/// chrF++ words split one trailing mark off: "ab, cd" has words ab , cd (P = 2/3, R = 1 against
/// ab cd) and characters a b , c d (P = 4/5, R = 1): P = 11/15, R = 1, chrF = 55/59.
#[test]
fn chrf_word_ngrams_split_punctuation_off() {
    close(
        chrf(
            json!({"char_order": 1, "word_order": 1}),
            "ab, cd",
            json!("ab cd"),
        )
        .0,
        55.0 / 59.0,
    );
}

/// Several references: the best one is used and named by its index; on a tie the first.
#[test]
fn chrf_uses_the_first_best_reference() {
    let (v, d) = chrf(json!({}), "ab", json!(["xy", "ab"]));
    close(v, 1.0);
    assert_eq!(d["reference_index"], json!(1));
    let (v, d) = chrf(json!({}), "ab", json!(["ab", "xy"]));
    close(v, 1.0);
    assert_eq!(d["reference_index"], json!(0));
    let (_, d) = chrf(json!({}), "ab", json!(["abc", "abc"]));
    assert_eq!(d["reference_index"], json!(0));
}

// ---- rouge_l ----

/// Responses sharing no word with the reference score 0 in every measure, not 0/0.
#[test]
fn rouge_l_without_a_common_word_is_zero() {
    for measure in ["f", "precision", "recall"] {
        let (v, d) = score(
            "rouge_l",
            json!({ "measure": measure }),
            "a b",
            json!("c d"),
        );
        assert_eq!(v, 0.0, "{measure}");
        assert_eq!(
            (d["precision"].clone(), d["recall"].clone(), d["f"].clone()),
            (json!(0.0), json!(0.0), json!(0.0))
        );
    }
}

/// On equal F the first reference is kept, and its measure returned: "a b" against "a"
/// (P = 1/2, R = 1) and "a b x y" (P = 1, R = 1/2) both have F = 2/3; precision is the first's.
#[test]
fn rouge_l_keeps_the_first_of_equally_good_references() {
    let refs = json!(["a", "a b x y"]);
    let (v, d) = score(
        "rouge_l",
        json!({"measure": "precision"}),
        "a b",
        refs.clone(),
    );
    assert_eq!(v, 0.5);
    assert_eq!(d["reference_index"], json!(0));
    let (v, _) = score("rouge_l", json!({"measure": "recall"}), "a b", refs.clone());
    assert_eq!(v, 1.0);
    close(score("rouge_l", json!({}), "a b", refs).0, 2.0 / 3.0);
}

// ---- edit_similarity ----

/// On equal similarity the first reference is kept with its distance: "ab" against "a"
/// (1 − 1/2) and "abcd" (1 − 2/4).
#[test]
fn edit_similarity_keeps_the_first_of_equally_good_references() {
    let (v, d) = score("edit_similarity", json!({}), "ab", json!(["a", "abcd"]));
    assert_eq!(v, 0.5);
    assert_eq!(d, json!({"distance": 1, "reference_index": 0}));
}

// ---- protocol_match ----

/// A word repeated in a step counts only as often as the other step has it: "mix mix" against
/// "mix buffer" share one word (P = R = 1/2, F1 = 1/2, just at `min_similarity`), so the one
/// step matches with fidelity 1/2: (1 + 1 + 1/2) / 3.
#[test]
fn protocol_match_clips_repeated_words() {
    let o = one(
        "protocol_match",
        json!({}),
        json!({"response": "1. mix mix", "reference": {"steps": ["mix buffer"]}}),
    );
    close(value(&o), 2.5 / 3.0);
    assert_eq!(details(&o)["matched"], json!([[0, 0, 0.5]]));
}

// ---- bmas ----

/// Each of `field` and `reference_field` must name a key: either one empty is refused.
#[test]
fn bmas_refuses_either_field_empty() {
    for params in [json!({"field": ""}), json!({"reference_field": ""})] {
        let e = build_error("bmas", params.clone());
        assert!(e.contains("must name `meta` keys"), "{params}: {e}");
    }
}

/// `map: unit` is (1 + cos) / 2 at cosines the examples (−1) leave open: orthogonal embeddings
/// give 0.5 exactly, a cosine of 0.6 gives 0.8 (to rounding).
#[test]
fn embedding_similarity_unit_map_halves_one_plus_the_cosine() {
    for (b, want) in [(json!([0.0, 2.0]), 0.5), (json!([0.6, 0.8]), 0.8)] {
        let o = one(
            "embedding_similarity",
            json!({"map": "unit"}),
            json!({"response": "…", "meta": {"text_embedding": [1.0, 0.0], "visual_embedding": b}}),
        );
        close(value(&o), want);
    }
}

/// Either key empty is refused, not only both.
#[test]
fn embedding_similarity_refuses_either_empty_key() {
    for params in [json!({"field": ""}), json!({"other": ""})] {
        assert_eq!(
            build_error("embedding_similarity", params),
            "`field` and `other` must name `meta` keys"
        );
    }
}

/// Each pair of a group of three is scored with its own similarity (the cache is keyed by the
/// pair, not by its larger member): jaccard on "x y", "x z", "x y" gives the pairs 1/3, 1, 1/3 and
/// the members (1/3 + 1)/2, (1/3 + 1/3)/2, (1 + 1/3)/2.
#[test]
fn group_similarity_scores_each_pair_of_three_with_its_own_similarity() {
    let rows = ["x y", "x z", "x y"]
        .iter()
        .map(|r| (json!({"group": "g", "response": r}), vec![]))
        .collect();
    let got = common::group_with(
        "group_similarity",
        json!({"measure": "jaccard", "extract": "none"}),
        &[],
        rows,
    );
    common::assert_values(&got, &[2.0 / 3.0, 1.0 / 3.0, 2.0 / 3.0], 1e-12);
}

// ---- meteor ----

/// "a b x c d y e f" against "a b c d e f": 6 of 8 words aligned in 3 chunks (a b, c d, e f), so
/// the details hold P = 6/8, R = 1, 6 matches and 3 chunks; against two equal references the
/// first is kept, and a strictly better later one wins.
#[test]
fn meteor_details_and_the_first_of_equally_good_references() {
    let (v, d) = score(
        "meteor",
        json!({}),
        "a b x c d y e f",
        json!(["a b c d e f", "a b c d e f"]),
    );
    let fmean = 0.75 / (0.9 * 0.75 + 0.1);
    close(v, (1.0 - 0.5 * 0.125) * fmean);
    close(d["precision"].as_f64().unwrap(), 0.75);
    close(d["recall"].as_f64().unwrap(), 1.0);
    assert_eq!(
        (d["matches"].clone(), d["chunks"].clone()),
        (json!(6), json!(3))
    );
    assert_eq!(d["reference_index"], json!(0));
    let (_, d) = score("meteor", json!({}), "a b", json!(["x y", "a b"]));
    assert_eq!(d["reference_index"], json!(1));
}
