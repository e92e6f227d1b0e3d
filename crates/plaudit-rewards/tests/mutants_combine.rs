//! The combine family against values worked out by hand from each reward's documentation, for
//! what its examples and `combine_family.rs` leave open (the boundaries a mutation run over
//! `src/combine/` reaches, docs/MUTANTS.md).

use std::time::Duration;

use serde_json::{json, Value};

mod common;
use common::{details, group_with, one, status, value};

use plaudit_core::{Ctx, Deadline, Outcome, Status};

/// `name` built with `params` against the components `names`, scoring `sample` with their
/// `values`, under no deadline.
fn with_components(
    name: &str,
    params: Value,
    names: &[&str],
    values: &[Option<f64>],
    sample: Value,
) -> Outcome {
    let r = common::reward(name, params, names);
    let d = Deadline::none();
    r.score(&common::sample(sample), &Ctx::new(&d, values))
}

fn message(o: &Outcome) -> &str {
    &o.as_ref().expect_err("a failure").message
}

/// One member per value of the component `x`.
fn rows(xs: &[f64]) -> Vec<(Value, Vec<Option<f64>>)> {
    xs.iter()
        .map(|&x| (json!({"response": "…"}), vec![Some(x)]))
        .collect()
}

// ---- scores.rs: the missing-key message ----

/// A missing key's message lists the first ten keys of `scores`, and `…` only when there are
/// more: ten keys are listed whole, eleven show ten and `…`.
#[test]
fn a_missing_score_key_lists_ten_keys_then_an_ellipsis() {
    let keys = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"];
    let scores = |n: usize| -> Value {
        keys[..n]
            .iter()
            .map(|k| (k.to_string(), json!(1.0)))
            .collect::<serde_json::Map<_, _>>()
            .into()
    };
    let missing = |n: usize| {
        one(
            "rm_ensemble",
            json!({"keys": ["z"]}),
            json!({"response": "…", "scores": scores(n)}),
        )
    };
    let ten = missing(10);
    assert_eq!(status(&ten), Status::InvalidInput);
    assert_eq!(
        message(&ten),
        "field `scores` has no key `z` (it has: a, b, c, d, e, f, g, h, i, j)"
    );
    assert_eq!(
        message(&missing(11)),
        "field `scores` has no key `z` (it has: a, b, c, d, e, f, g, h, i, j, …)"
    );
}

// ---- rm_ensemble ----

/// An ensemble whose scores are all 0 has mean 0 and std 0 (the scale is 0: no division by it).
#[test]
fn rm_ensemble_of_zeros_is_zero() {
    for aggregate in ["mean", "mean_minus_std", "mean_minus_var"] {
        let o = one(
            "rm_ensemble",
            json!({"aggregate": aggregate}),
            json!({"response": "…", "scores": {"a": 0.0, "b": 0.0}}),
        );
        assert_eq!(value(&o), 0.0, "{aggregate}");
        assert_eq!(details(&o)["std"], json!(0.0));
    }
}

/// mean − λ·var and mean − λ·std with a std other than 1: scores 1 and 5 (mean 3, var 4,
/// std 2) under λ = 0.5 give 3 − 2 = 1 and 3 − 1 = 2.
#[test]
fn rm_ensemble_penalties_scale_with_lambda_and_the_spread() {
    let s = json!({"response": "…", "scores": {"a": 1.0, "b": 5.0}});
    let o = one(
        "rm_ensemble",
        json!({"aggregate": "mean_minus_var", "lambda": 0.5}),
        s.clone(),
    );
    assert_eq!(value(&o), 1.0);
    let o = one(
        "rm_ensemble",
        json!({"aggregate": "mean_minus_std", "lambda": 0.5}),
        s,
    );
    assert_eq!(value(&o), 2.0);
    assert_eq!(details(&o)["std"], json!(2.0));
}

/// The median of five scores is the third smallest (5, 1, 4, 2, 3 give 3), of six the mean of
/// the third and fourth (3.5): sizes past the examples' 3 and 4, where `n % 2` and `n / 2` differ.
#[test]
fn rm_ensemble_median_of_five_and_six_scores() {
    for (xs, want) in [
        (json!([5.0, 1.0, 4.0, 2.0, 3.0]), 3.0),
        (json!([6.0, 1.0, 5.0, 2.0, 4.0, 3.0]), 3.5),
    ] {
        let o = one(
            "rm_ensemble",
            json!({"aggregate": "median"}),
            json!({"response": "…", "scores": {"rm": xs}}),
        );
        assert_eq!(value(&o), want, "{xs}");
    }
}

/// The details name a single score by its key and the scores of a list by key and index.
#[test]
fn rm_ensemble_details_name_list_members_by_index() {
    let o = one(
        "rm_ensemble",
        json!({"aggregate": "min"}),
        json!({"response": "…", "scores": {"rm": [1.0, 2.0], "x": 3.0, "y": [4.0]}}),
    );
    assert_eq!(value(&o), 1.0);
    assert_eq!(
        details(&o)["members"],
        json!({"rm[0]": 1.0, "rm[1]": 2.0, "x": 3.0, "y": 4.0})
    );
}

// ---- flawed_positive ----

/// A correctness equal to `threshold` counts as correct: the checks run (a bare "72" is flawed).
#[test]
fn flawed_positive_correctness_at_the_threshold_is_correct() {
    let o = with_components(
        "flawed_positive",
        json!({}),
        &["correct"],
        &[Some(0.5)],
        json!({"response": "72"}),
    );
    assert_eq!(value(&o), 1.0);
    assert_eq!(details(&o)["correct"], json!(true));
}

/// `short_reasoning` fires below `min_reasoning_words` only: "It is 72." is 3 words, short
/// under a minimum of 4, not under 3.
#[test]
fn flawed_positive_short_reasoning_is_strictly_fewer_words() {
    let s = json!({"response": "<think>It is 72.</think><answer>72</answer>"});
    let run = |min: i64| {
        with_components(
            "flawed_positive",
            json!({"checks": ["short_reasoning"], "min_reasoning_words": min}),
            &["correct"],
            &[Some(1.0)],
            s.clone(),
        )
    };
    let o = run(3);
    assert_eq!(value(&o), 0.0);
    assert_eq!(details(&o)["reasoning_words"], json!(3));
    assert_eq!(value(&run(4)), 1.0);
}

/// `answer_before_derivation` needs the answer strictly before the first marker: an answer
/// that is itself the first marker is not before it; a marker after it is.
#[test]
fn flawed_positive_answer_at_the_first_marker_is_not_before_it() {
    let s = json!({"response": "<think>It is 72, done.</think><answer>72</answer>"});
    let run = |markers: Value| {
        value(&with_components(
            "flawed_positive",
            json!({"checks": ["answer_before_derivation"], "derivation_markers": markers}),
            &["correct"],
            &[Some(1.0)],
            s.clone(),
        ))
    };
    assert_eq!(run(json!(["72"])), 0.0);
    assert_eq!(run(json!(["is"])), 0.0);
    assert_eq!(run(json!(["done"])), 1.0);
}

// ---- group_normalize ----

/// `eps` is added to the std: population std of 3 and 1 is 1, so with eps = 1 the z-scores are
/// ±1/2.
#[test]
fn group_normalize_zscore_adds_eps_to_the_std() {
    let got = group_with(
        "group_normalize",
        json!({"std": "population", "eps": 1.0}),
        &["correct"],
        rows(&[3.0, 1.0]),
    );
    assert_eq!(value(&got[0]), 0.5);
    assert_eq!(value(&got[1]), -0.5);
}

/// z-scores whose std overflows (1e308 and −1e308: mean 0, std infinite) fail every member,
/// while minmax and rank, which do not use the mean or std, still score values whose mean or std
/// overflows (1.5e308, 1e308, 1e308: 1, 0, 0; rank of 1e308, −1e308, 0: 1, 0, ½).
#[test]
fn group_normalize_overflowing_stats_fail_only_zscore() {
    let z = group_with(
        "group_normalize",
        json!({"eps": 0.0}),
        &["correct"],
        rows(&[1e308, -1e308]),
    );
    assert_eq!(status(&z[0]), Status::Error);
    assert_eq!(status(&z[1]), Status::Error);
    assert_eq!(
        message(&z[0]),
        "the values of `correct` are too large for the group's statistics (they overflow)"
    );
    let m = group_with(
        "group_normalize",
        json!({"method": "minmax"}),
        &["correct"],
        rows(&[1.5e308, 1e308, 1e308]),
    );
    common::assert_values(&m, &[1.0, 0.0, 0.0], 0.0);
    let r = group_with(
        "group_normalize",
        json!({"method": "rank"}),
        &["correct"],
        rows(&[1e308, -1e308, 0.0]),
    );
    common::assert_values(&r, &[1.0, 0.0, 0.5], 0.0);
}

/// Ranks of small groups: one member is 0 (n − 1 = 0), two members are 0 and 1, and ties above
/// a lower value share the mid-rank (1, 4, 4: 0, ¾, ¾).
#[test]
fn group_normalize_rank_of_one_and_two_members() {
    let rank = |xs: &[f64]| {
        group_with(
            "group_normalize",
            json!({"method": "rank"}),
            &["correct"],
            rows(xs),
        )
    };
    common::assert_values(&rank(&[5.0]), &[0.0], 0.0);
    common::assert_values(&rank(&[2.0, 1.0]), &[1.0, 0.0], 0.0);
    common::assert_values(&rank(&[1.0, 4.0, 4.0]), &[0.0, 0.75, 0.75], 0.0);
}

// ---- master_key_guard ----

/// `require_answer` names one place: `answer_tag` does not take a `\boxed{}`, `boxed` does not
/// take an `<answer>` block, `marker` takes "The answer is" and neither of the others.
#[test]
fn master_key_guard_requires_the_named_kind_of_answer() {
    let guard = |require: &str, response: &str| {
        value(&one(
            "master_key_guard",
            json!({"require_answer": require}),
            json!({"response": response}),
        ))
    };
    assert_eq!(guard("answer_tag", "The sum is \\boxed{72}"), 0.0);
    assert_eq!(guard("answer_tag", "The sum is <answer>72</answer>"), 1.0);
    assert_eq!(guard("boxed", "The sum is <answer>72</answer>"), 0.0);
    assert_eq!(guard("boxed", "The sum is \\boxed{72}"), 1.0);
    assert_eq!(guard("marker", "The sum is \\boxed{72}"), 0.0);
    assert_eq!(guard("marker", "The sum is <answer>72</answer>"), 0.0);
    assert_eq!(guard("marker", "The answer is 72"), 1.0);
    assert_eq!(guard("any", "The answer is 72"), 1.0);
}

/// The deadline is checked once every 1024 phrases of a response made of openers: a short one
/// is judged under a passed deadline, a long one stops at it.
#[test]
fn master_key_guard_checks_the_deadline_every_1024_phrases() {
    let r = common::reward("master_key_guard", json!({}), &[]);
    let passed = Deadline::after(Duration::ZERO);
    let score = |response: &str| {
        r.score(
            &common::sample(json!({"response": response})),
            &Ctx::new(&passed, &[]),
        )
    };
    let short = score("Thought process: Let's solve this problem step by step.");
    assert_eq!(value(&short), 0.0);
    assert_eq!(details(&short)["kind"], json!("opener"));
    assert_eq!(
        status(&score(&"Step by step. ".repeat(2000))),
        Status::Timeout
    );
}

// ---- reward_noise ----

/// `flip` flips when u < p, strictly: with p set to the u a sample draws, it is not flipped; a p
/// just above it flips.
#[test]
fn reward_noise_flips_only_below_p() {
    let s = json!({"id": "a", "response": "…"});
    let run = |p: f64| {
        with_components(
            "reward_noise",
            json!({"p": p, "seed": 7}),
            &["correct"],
            &[Some(1.0)],
            s.clone(),
        )
    };
    let u = details(&run(0.5))["u"].as_f64().unwrap();
    assert!(u > 0.0 && u < 1.0);
    let at = run(u);
    assert_eq!(value(&at), 1.0);
    assert_eq!(details(&at)["flipped"], json!(false));
    let above = run(u.next_up());
    assert_eq!(value(&above), 0.0);
    assert_eq!(details(&above)["flipped"], json!(true));
}

/// The draw is the documented stream, to the bit: 64-bit FNV-1a over the seed's 8 little-endian
/// bytes, then each of the id (as JSON text), the prompt and the response prefixed by its length
/// (8 little-endian bytes), then SplitMix64 (the standard constants) from that hash, u its
/// first output's top 53 bits over 2^53. Written here from that definition, compared for 32
/// samples (the low bits of the last xor-shift reach u only at the 1e-10 level, below the
/// examples' tolerance).
#[test]
fn reward_noise_draws_the_documented_stream_exactly() {
    fn fnv(mut h: u64, bytes: &[u8]) -> u64 {
        for &b in bytes {
            h = (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
        }
        h
    }
    fn first_uniform(seed: i64, id: &str, prompt: &str, response: &str) -> f64 {
        let mut h = fnv(0xcbf2_9ce4_8422_2325, &seed.to_le_bytes());
        for f in [id, prompt, response] {
            h = fnv(h, &(f.len() as u64).to_le_bytes());
            h = fnv(h, f.as_bytes());
        }
        let mut z = h.wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }
    for i in 0..32 {
        let id = format!("s{i}");
        let response = format!("answer {}", i * 7);
        let o = with_components(
            "reward_noise",
            json!({"p": 0.5, "seed": i - 3}),
            &["correct"],
            &[Some(0.0)],
            json!({"id": id, "prompt": "p", "response": response}),
        );
        let want = first_uniform(i - 3, &format!("\"{id}\""), "p", &response);
        assert_eq!(details(&o)["u"].as_f64().unwrap(), want, "sample {i}");
    }
}
