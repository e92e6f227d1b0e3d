//! Issue 19, fourth part: SALT's trajectory graph (`tree_advantage`'s `merge: graph`), PRL's
//! entropy-regularised process rewards (`prl_process`) and DECS's token-level redundancy penalty
//! (`redundancy_penalty`'s `output: tokens`), against values worked out by hand from the
//! documented formulas (the arithmetic is in the comments), and against the inputs a careless
//! trainer could send.

use plaudit_core::{Ctx, Deadline, Outcome, Status};
use serde_json::{json, Value};

mod common;
use common::{details, reward, sample, status, value};

/// Scores a group whose members carry the value of the component `correct`.
fn group(name: &str, params: Value, rows: &[(Value, Option<f64>)]) -> Vec<Outcome> {
    let rows = rows.iter().map(|(s, v)| (s.clone(), vec![*v])).collect();
    common::group_with(name, params, &["correct"], rows)
}

fn assert_values(got: &[Outcome], want: &[f64]) {
    common::assert_values(got, want, 1e-12)
}

// ---- tree_advantage, merge: graph (SALT) ----

fn paths(rows: &[(&[&str], f64)]) -> Vec<(Value, Option<f64>)> {
    rows.iter()
        .enumerate()
        .map(|(i, (steps, r))| (json!({"response": i.to_string(), "steps": steps}), Some(*r)))
        .collect()
}

#[test]
fn salt_graph_pools_a_step_reached_by_different_routes() {
    // a: A→B (1), b: C→B (0), c: C→D (0), d: A→D (0).
    let g = paths(&[
        (&["A", "B"], 1.0),
        (&["C", "B"], 0.0),
        (&["C", "D"], 0.0),
        (&["A", "D"], 0.0),
    ]);
    // Graph: V(root) = 1/4; V(A) = 1/2, V(C) = 0, V(B) = (1+0)/2 = 1/2, V(D) = 0.
    // Children: root → {A, C} (mean 1/4); A → {B, D} and C → {B, D} (mean 1/4 each).
    // a: A 1/2−1/4, B 1/2−1/4 → mean 1/4; b: C −1/4, B +1/4 → 0; c: −1/4, −1/4; d: +1/4, −1/4.
    let got = group("tree_advantage", json!({"merge": "graph"}), &g);
    assert_values(&got, &[0.25, 0.0, -0.25, 0.0]);
    assert_eq!(details(&got[1])["step_advantages"], json!([-0.25, 0.25]));
    assert_eq!(details(&got[1])["through"], json!([2, 2]));
    // The prefix tree keeps C→B apart from A→B: b's B has value 0 like its sibling C→D.
    // Tree: V(A) = 1/2, V(C) = 0 (mean 1/4); under A: B 1, D 0 (mean 1/2); under C: 0, 0.
    // a: (1/4 + 1/2)/2; b: (−1/4 + 0)/2; c: same; d: (1/4 − 1/2)/2.
    let tree = group("tree_advantage", json!({}), &g);
    assert_values(&tree, &[0.375, -0.125, -0.125, -0.125]);
    // parent baseline, sum: telescopes to V(last) − V(root) in the graph too.
    let tel = group(
        "tree_advantage",
        json!({"merge": "graph", "baseline": "parent", "aggregate": "sum"}),
        &g,
    );
    assert_values(&tel, &[0.25, 0.25, -0.25, -0.25]);
}

#[test]
fn salt_graph_counts_a_rollout_once_at_a_step_it_repeats() {
    // a: A→A→B (1), b: A→C (0). V(root) = 1/2, V(A) = (1+0)/2 (a counted once), V(B) = 1,
    // V(C) = 0. Children: root → {A}; A → {A, B, C} (mean (1/2 + 1 + 0)/3 = 1/2).
    // a: A 0, A→A 0, A→B 1/2 → mean 1/6; b: A 0, A→C −1/2 → mean −1/4.
    let g = paths(&[(&["A", "A", "B"], 1.0), (&["A", "C"], 0.0)]);
    let got = group("tree_advantage", json!({"merge": "graph"}), &g);
    assert_values(&got, &[1.0 / 6.0, -0.25]);
    assert_eq!(details(&got[0])["through"], json!([2, 2, 1]));
    let tel = group(
        "tree_advantage",
        json!({"merge": "graph", "baseline": "parent", "aggregate": "sum"}),
        &g,
    );
    assert_values(&tel, &[0.5, -0.5]);
}

#[test]
fn salt_graph_is_the_tree_when_no_step_recurs_out_of_position() {
    let g = paths(&[
        (&["A", "B"], 1.0),
        (&["A", "C"], 0.0),
        (&["D"], 0.0),
        (&["A", "B"], 1.0),
        (&["D", "E", "F"], 1.0),
    ]);
    for params in [
        json!({}),
        json!({"baseline": "parent"}),
        json!({"aggregate": "sum"}),
    ] {
        let mut graph = params.clone();
        graph["merge"] = json!("graph");
        let t: Vec<f64> = group("tree_advantage", params, &g)
            .iter()
            .map(value)
            .collect();
        let gr = group("tree_advantage", graph, &g);
        assert_values(&gr, &t);
    }
    // Steps merge after whitespace normalisation, and failures stay per member.
    let rows = vec![
        (
            json!({"response": "a", "steps": ["look  up", "buy"]}),
            Some(1.0),
        ),
        (
            json!({"response": "b", "steps": ["search", " look up"]}),
            Some(0.0),
        ),
        (json!({"response": "c"}), Some(1.0)),
        (json!({"response": "d", "steps": ["buy"]}), None),
    ];
    let got = group("tree_advantage", json!({"merge": "graph"}), &rows);
    // V(root) = 1/2; V(look up) = 1/2 (a, b), V(buy) = 1, V(search) = 0.
    // root → {look up, search} (mean 1/4); look up → {buy} (mean 1); search → {look up}.
    // a: 1/2−1/4, 1−1 → 1/8; b: 0−1/4, 1/2−1/2 → −1/8.
    assert_values(&got[..2], &[0.125, -0.125]);
    assert_eq!(status(&got[2]), Status::InvalidInput);
    assert_eq!(status(&got[3]), Status::Error);
}

// ---- prl_process (PRL) ----

fn prl(params: Value, r: Option<f64>, s: Value) -> Outcome {
    let d = Deadline::none();
    let values = [r];
    reward("prl_process", params, &["correct"]).score(&sample(s), &Ctx::new(&d, &values))
}

const LP: [f64; 7] = [-0.5, -1.0, -0.25, -2.0, -0.125, -1.5, -0.75];
const REF: [f64; 7] = [-1.0, -0.5, -0.25, -1.0, -0.625, -1.5, -0.25];

#[test]
fn prl_step_rewards_are_the_outcome_minus_beta_times_the_log_ratio_still_to_come() {
    // Token log-ratios: 0.5, −0.5, 0, −1, 0.5, 0, −0.5. Steps of 3 tokens: [0..3), [3..6), [6..7)
    // with d = 0, −0.5, −0.5. β = 0.5, r = 1:
    // ρ_3 = 1; ρ_2 = 1 − 0.5·(−0.5) = 1.25; ρ_1 = 1 − 0.5·(−1) = 1.5; G = ρ_1 (d_1 = 0).
    let s = json!({"response": "…", "logprobs": LP, "meta": {"ref_logprobs": REF}});
    let o = prl(json!({"beta": 0.5, "step_length": 3}), Some(1.0), s.clone());
    assert_eq!(value(&o), 1.25);
    let det = details(&o);
    assert_eq!(det["step_rewards"], json!([1.5, 1.25, 1.0]));
    assert_eq!(det["step_ends"], json!([3, 6, 7]));
    assert_eq!(det["regularized_return"], json!(1.5));
    assert_eq!(det["log_ratio"], json!(-1.0));
    for (agg, want) in [("min", 1.0), ("first", 1.5), ("last", 1.0), ("sum", 3.75)] {
        let o = prl(
            json!({"beta": 0.5, "step_length": 3, "aggregation": agg}),
            Some(1.0),
            s.clone(),
        );
        assert_eq!(value(&o), want, "{agg}");
    }
    // The same cut from the trainer's step lengths gives the same numbers.
    let mut f = s.clone();
    f["meta"]["step_lengths"] = json!([3, 3, 1]);
    let o = prl(json!({"beta": 0.5, "segment": "field"}), Some(1.0), f);
    assert_eq!(details(&o)["step_rewards"], json!([1.5, 1.25, 1.0]));
    // One step holding every token: its reward is the outcome, and G is the sequence objective
    // r − β·Σ(ℓ − ℓ_ref) = 0 − 0.5·(−1).
    let o = prl(json!({"beta": 0.5}), Some(0.0), s.clone());
    assert_eq!(value(&o), 0.0);
    assert_eq!(details(&o)["regularized_return"], json!(0.5));
    // A policy equal to the reference adds nothing: every step's reward is the outcome.
    let same = json!({"response": "…", "logprobs": REF, "meta": {"ref_logprobs": REF}});
    let o = prl(json!({"step_length": 2}), Some(0.7), same);
    assert_eq!(details(&o)["step_rewards"], json!([0.7, 0.7, 0.7, 0.7]));
    // Consecutive step rewards differ by β times the later step's log-ratio.
    let o = prl(json!({"beta": 2.0, "step_length": 1}), Some(1.0), s);
    let rw: Vec<f64> = serde_json::from_value(details(&o)["step_rewards"].clone()).unwrap();
    let ratios: Vec<f64> = LP.iter().zip(REF).map(|(a, b)| a - b).collect();
    for k in 1..rw.len() {
        assert!(
            (rw[k] - rw[k - 1] - 2.0 * ratios[k]).abs() < 1e-12,
            "step {k}"
        );
    }
}

#[test]
fn prl_refuses_inputs_that_do_not_line_up() {
    let base = json!({"response": "…", "logprobs": LP, "meta": {"ref_logprobs": REF}});
    let field = json!({"segment": "field"});
    for lengths in [
        json!(null),
        json!([]),
        json!([3, 3]),
        json!([3, 3, 2]),
        json!([3, 0, 4]),
        json!([3, 1.5, 2.5]),
        json!([3, "3", 1]),
        json!("3,3,1"),
    ] {
        let mut s = base.clone();
        s["meta"]["step_lengths"] = lengths.clone();
        let o = prl(field.clone(), Some(1.0), s);
        assert_eq!(status(&o), Status::InvalidInput, "{lengths}");
    }
    // Probabilities sent for log-probabilities, missing or short lists.
    let mut s = base.clone();
    s["logprobs"] = json!([0.5, 0.4, 0.3, 0.2, 0.1, 0.2, 0.3]);
    assert_eq!(status(&prl(json!({}), Some(1.0), s)), Status::InvalidInput);
    let mut s = base.clone();
    s["meta"]["ref_logprobs"] = json!([-1.0]);
    assert_eq!(status(&prl(json!({}), Some(1.0), s)), Status::InvalidInput);
    let s = json!({"response": "…", "logprobs": LP});
    assert_eq!(status(&prl(json!({}), Some(1.0), s)), Status::InvalidInput);
    // A failed outcome is an error, never a reward computed from nothing.
    assert_eq!(status(&prl(json!({}), None, base)), Status::Error);
}

// ---- redundancy_penalty, output: tokens (DECS) ----

/// The response the tokens spell, and each token's [start, end) in characters.
fn tokenised(tokens: &[&str]) -> (String, Value) {
    let mut at = 0;
    let offsets: Vec<[usize; 2]> = tokens
        .iter()
        .map(|t| {
            let n = t.chars().count();
            at += n;
            [at - n, at]
        })
        .collect();
    (tokens.concat(), json!(offsets))
}

fn decs(params: Value, response: &str, reference: &str, meta: Value) -> Outcome {
    let d = Deadline::none();
    let s = json!({"response": response, "reference": reference, "meta": meta});
    reward("redundancy_penalty", params, &[]).score(&sample(s), &Ctx::new(&d, &[]))
}

const TOKENS: [&str; 14] = [
    "<think>", "So", " the", " answer", " is", " 72", ".", "\n\n", "Let", " me", " check", ".",
    "</think>", "72",
];

#[test]
fn decs_penalises_each_token_after_the_first_correct_answer_and_nothing_before() {
    let (response, offsets) = tokenised(&TOKENS);
    let meta = json!({ "token_offsets": offsets });
    // 11 reasoning tokens ("So" … "."), the last 5 redundant ("\n\n" and "Let me check."): the
    // reasoning went on after the sentence that concluded 72 instead of closing. Each −1/11.
    let o = decs(json!({"output": "tokens"}), &response, "72", meta.clone());
    let eleventh = -1.0 / 11.0;
    let mut want = vec![0.0; 14];
    want[7..12].fill(eleventh);
    let d = details(&o);
    assert_eq!(d["token_rewards"], json!(want));
    assert_eq!(d["first_redundant_token"], json!(7));
    assert_eq!(
        (d["redundant"].clone(), d["reasoning"].clone()),
        (json!(5), json!(11))
    );
    assert!((value(&o) - want.iter().sum::<f64>()).abs() < 1e-15);
    assert_eq!(value(&o), -5.0 / 11.0);
    // `split: paragraph`: redundancy starts with the next paragraph, after the delimiter.
    let o = decs(
        json!({"output": "tokens", "split": "paragraph"}),
        &response,
        "72",
        meta.clone(),
    );
    let mut want = vec![0.0; 14];
    want[8..12].fill(eleventh);
    assert_eq!(details(&o)["token_rewards"], json!(want));
    assert_eq!(details(&o)["first_redundant_token"], json!(8));
    assert_eq!(value(&o), -4.0 / 11.0);
    // The sequence output counts words instead: 3 redundant of 8.
    let o = decs(json!({}), &response, "72", meta.clone());
    assert_eq!(value(&o), -0.375);
    assert!(details(&o).get("token_rewards").is_none());
    // count: the first `budget` redundant tokens are free, every later one costs `weight`.
    let o = decs(
        json!({"output": "tokens", "measure": "count", "weight": 0.5, "budget": 1}),
        &response,
        "72",
        meta.clone(),
    );
    assert_eq!(
        details(&o)["token_rewards"],
        json!([0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -0.5, -0.5, -0.5, -0.5, 0.0, 0.0])
    );
    assert_eq!(value(&o), -2.0);
    // Never reached (a wrong reference): every token 0.
    let o = decs(json!({"output": "tokens"}), &response, "73", meta);
    assert_eq!(value(&o), 0.0);
    assert_eq!(details(&o)["token_rewards"], json!(vec![0.0; 14]));
    assert_eq!(details(&o)["first_redundant_token"], Value::Null);
}

#[test]
fn decs_offsets_count_characters_and_an_empty_span_is_no_token_of_the_text() {
    // Multi-byte characters before the boundary: offsets are in characters, not bytes.
    let toks = [
        "<think>",
        "Café",
        " à",
        " 72",
        " €;",
        " answer",
        " is",
        " 72",
        "\n\n",
        "Vérifié",
        " ✓",
        "</think>",
        "72",
    ];
    let (response, offsets) = tokenised(&toks);
    let mut offsets = offsets.as_array().unwrap().clone();
    // An end-of-sequence token with the empty span tokenizers give special tokens.
    offsets.push(json!([0, 0]));
    let meta = json!({ "token_offsets": offsets });
    // The sentence that concludes 72 ends its paragraph: "\n\n", "Vérifié", " ✓" are redundant.
    let o = decs(
        json!({"output": "tokens", "measure": "count"}),
        &response,
        "72",
        meta.clone(),
    );
    let mut want = vec![0.0; 14];
    want[8..11].fill(-1.0);
    assert_eq!(details(&o)["token_rewards"], json!(want));
    assert_eq!(details(&o)["reasoning"], json!(10));
    assert_eq!(value(&o), -3.0);
    // By paragraphs, the delimiter token is not.
    let o = decs(
        json!({"output": "tokens", "measure": "count", "split": "paragraph"}),
        &response,
        "72",
        meta,
    );
    want[8] = 0.0;
    assert_eq!(details(&o)["token_rewards"], json!(want));
    assert_eq!(value(&o), -2.0);
}

#[test]
fn decs_refuses_offsets_that_do_not_describe_the_response() {
    let (response, offsets) = tokenised(&TOKENS);
    let n = response.chars().count();
    let bad = [
        json!(null),
        json!("0-7"),
        json!([[0, 7], [7]]),
        json!([[0, 7], [7, "9"]]),
        json!([[0, 7], [9, 7]]),
        json!([[0, 7], [7, n + 1]]),
        json!([[7, 9], [0, 7]]),
        json!([[0, -1]]),
    ];
    for b in bad {
        let o = decs(
            json!({"output": "tokens"}),
            &response,
            "72",
            json!({"token_offsets": b}),
        );
        assert_eq!(status(&o), Status::InvalidInput, "{b}");
    }
    // A count that differs from the sample's own token count or log-probs.
    let d = Deadline::none();
    let r = reward("redundancy_penalty", json!({"output": "tokens"}), &[]);
    for extra in [json!({"tokens": 13}), json!({ "logprobs": vec![-0.1; 13] })] {
        let mut s =
            json!({"response": response, "reference": "72", "meta": {"token_offsets": offsets}});
        for (k, v) in extra.as_object().unwrap() {
            s[k] = v.clone();
        }
        let o = r.score(&sample(s), &Ctx::new(&d, &[]));
        assert_eq!(status(&o), Status::InvalidInput, "{extra}");
    }
    let s = json!({"response": response, "reference": "72", "tokens": 14, "meta": {"token_offsets": offsets}});
    assert!(r.score(&sample(s), &Ctx::new(&d, &[])).is_ok());
}

#[test]
fn decs_a_stray_think_tag_does_not_hide_the_reasoning_before_it() {
    // With the chat template's `<think>` in the prompt, the response opens with the reasoning; a
    // `<think>` written just before `</think>` must not turn the reasoning into "" (penalty 0).
    // Words: "So the answer is 72." (5), "Wait, let me verify: 24 + 48 = 72. Yes." (10), then
    // the stray tag "<think>" (1 word): 11 redundant of 16.
    let stray = "So the answer is 72.\n\nWait, let me verify: 24 + 48 = 72. Yes.\n\n<think></think>\\boxed{72}";
    let o = decs(json!({}), stray, "72", json!({}));
    assert_eq!(value(&o), -11.0 / 16.0);
    // Unclosed, the same: the tag at the end hides nothing.
    let unclosed = "So the answer is 72.\n\nWait, let me verify: 24 + 48 = 72. Yes.\n\n<think>";
    assert_eq!(
        value(&decs(json!({}), unclosed, "72", json!({}))),
        -11.0 / 16.0
    );
    // Without the stray tag: 10 of 15. A leading `<think>` (after whitespace) is still dropped.
    let plain =
        "So the answer is 72.\n\nWait, let me verify: 24 + 48 = 72. Yes.</think>\\boxed{72}";
    assert_eq!(
        value(&decs(json!({}), plain, "72", json!({}))),
        -10.0 / 15.0
    );
    let opened =
        "\n<think>So the answer is 72.\n\nWait, let me verify: 24 + 48 = 72. Yes.</think>72";
    assert_eq!(
        value(&decs(json!({}), opened, "72", json!({}))),
        -10.0 / 15.0
    );
}

#[test]
fn decs_refuses_offsets_with_no_token_of_a_non_empty_response() {
    // No offsets, or only empty spans, for a response with text: the offsets do not describe
    // it, and every token reward would be a silent 0.
    let (response, _) = tokenised(&TOKENS);
    for b in [json!([]), json!([[0, 0], [3, 3]])] {
        let o = decs(
            json!({"output": "tokens"}),
            &response,
            "72",
            json!({ "token_offsets": b }),
        );
        assert_eq!(status(&o), Status::InvalidInput, "{b}");
        let msg = &o.as_ref().unwrap_err().message;
        assert!(msg.contains("`meta.token_offsets`"), "{msg}");
    }
    // An empty response has no token: nothing to penalise.
    let o = decs(
        json!({"output": "tokens"}),
        "",
        "72",
        json!({ "token_offsets": [] }),
    );
    assert_eq!(value(&o), 0.0);
}

#[test]
fn salt_graph_weaknesses_the_documentation_names() {
    // A failing rollout that repeats a step the successful ones wrote: V(think) = 1,
    // V(verify) = 2/3 (each rollout counted once), V(submit) = 1/2, V(guess) = 0; verify's
    // children {submit, verify} and guess's have mean 7/12, so guess→verify and each of the 49
    // verify→verify earn +1/12, verify→submit −1/12. The padded failure:
    // (−1/2 + 1/12 + 49/12 − 1/12)/52 = 0.0689…; as a tree each padded step earns 0.
    let mut padded = vec!["guess"];
    padded.extend(std::iter::repeat_n("verify", 50));
    padded.push("submit");
    let g = paths(&[
        (&["think", "verify", "submit"], 1.0),
        (&["think", "verify", "submit"], 1.0),
        (&["guess", "submit"], 0.0),
        (&padded, 0.0),
    ]);
    let graph = group("tree_advantage", json!({"merge": "graph"}), &g);
    let padded_value = (-0.5 + 49.0 / 12.0) / 52.0;
    assert_values(
        &graph,
        &[
            5.0 / 36.0,
            5.0 / 36.0,
            -(0.5 + 1.0 / 12.0) / 2.0,
            padded_value,
        ],
    );
    assert!((padded_value - 0.0689).abs() < 1e-4);
    let tree = group("tree_advantage", json!({}), &g);
    assert_values(&tree, &[1.0 / 6.0, 1.0 / 6.0, -0.25, -0.5 / 52.0]);
    // A step every rollout ends with: V(click[Buy Now]) = V(root), so parent/sum is 0 for all.
    let g = paths(&[
        (&["search[red mug]", "click[B01]", "click[Buy Now]"], 1.0),
        (&["search[mug]", "click[B02]", "click[Buy Now]"], 0.0),
        (&["search[mug]", "click[B03]", "click[Buy Now]"], 0.0),
    ]);
    let p = json!({"merge": "graph", "baseline": "parent", "aggregate": "sum"});
    assert_values(&group("tree_advantage", p, &g), &[0.0, 0.0, 0.0]);
}

#[test]
fn decs_verification_in_the_same_paragraph_is_redundant() {
    // The review's evasion: no blank line, so one paragraph. Words: "Half of 48 is 24." (5),
    // "48 + 24 = 72, so the answer is 72." (10), "Wait, let me verify…" (4), "Yes, 72." (2):
    // after the sentence that concludes 72, 6 of 21 are redundant; by paragraphs, none.
    let toks: Vec<&str> =
        "<think>|Half| of| 48| is| 24|.| 48| +| 24| =| 72|,| so| the| answer| is| 72|.\
                           | Wait|,| let| me| verify|…| Yes|,| 72|.|\n|</think>|\\boxed{72}"
            .split('|')
            .collect();
    assert_eq!(toks.len(), 32);
    let (response, offsets) = tokenised(&toks);
    assert_eq!(
        response,
        "<think>Half of 48 is 24. 48 + 24 = 72, so the answer is 72. Wait, let me verify… Yes, 72.\n</think>\\boxed{72}"
    );
    let o = decs(json!({}), &response, "72", json!({}));
    assert_eq!(value(&o), -6.0 / 21.0);
    assert_eq!(
        details(&o),
        &json!({"reached_at": 1, "redundant": 6, "reasoning": 21})
    );
    let paragraph = json!({"split": "paragraph"});
    assert_eq!(value(&decs(paragraph, &response, "72", json!({}))), 0.0);
    // Per token: 29 reasoning tokens ("Half" … "\n"); " Wait" … "." (10) are redundant, the
    // "\n" that ends the reasoning is not.
    let meta = json!({ "token_offsets": offsets });
    let o = decs(json!({"output": "tokens"}), &response, "72", meta.clone());
    let mut want = vec![0.0; 32];
    want[19..29].fill(-1.0 / 29.0);
    assert_eq!(details(&o)["token_rewards"], json!(want));
    assert_eq!(details(&o)["first_redundant_token"], json!(19));
    assert_eq!(value(&o), -10.0 / 29.0);
    let o = decs(
        json!({"output": "tokens", "split": "paragraph"}),
        &response,
        "72",
        meta,
    );
    assert_eq!(value(&o), 0.0);
    assert_eq!(details(&o)["first_redundant_token"], Value::Null);
    // A concise response whose reasoning ends with a line break: nothing is redundant.
    let (concise, offsets) = tokenised(&["<think>", "So", " 72", ".", "\n", "</think>", "72"]);
    let o = decs(
        json!({"output": "tokens"}),
        &concise,
        "72",
        json!({ "token_offsets": offsets }),
    );
    assert_eq!(value(&o), 0.0);
    assert_eq!(details(&o)["first_redundant_token"], Value::Null);
}

#[test]
fn decs_sentence_ends() {
    let v = |response: &str, reference: &str, params: Value| {
        value(&decs(params, response, reference, json!({})))
    };
    // A decimal point ends nothing: "The answer is 2.5 m." (5) then "Check: 2.5 * 2 = 5." (6).
    let decimal = "<think>The answer is 2.5 m. Check: 2.5 * 2 = 5.</think>2.5";
    assert_eq!(v(decimal, "2.5", json!({})), -6.0 / 11.0);
    // A line break ends a sentence: after "The answer is 72" (4), 6 + 1 of 11 words.
    let lines = "<think>The answer is 72\nCheck 24 + 48 = 72\nok</think>72";
    assert_eq!(v(lines, "72", json!({})), -7.0 / 11.0);
    assert_eq!(v(lines, "72", json!({"split": "paragraph"})), 0.0);
    // A box mid-paragraph: its sentence ends after "\boxed{72}."; "Let me check. Fine." (4 of 7).
    let boxed = "<think>We get \\boxed{72}. Let me check. Fine.</think>72";
    assert_eq!(v(boxed, "72", json!({})), -4.0 / 7.0);
    // A box holding a sentence end is found where it closes: "So \boxed{7. 2} hmm." is the
    // concluding sentence for the answer "7. 2"; "Ok." (1 of 5) follows.
    let odd = "<think>So \\boxed{7. 2} hmm. Ok.</think>";
    assert_eq!(v(odd, "\\boxed{7. 2}", json!({})), -1.0 / 5.0);
    // With `conclusion`, checks written before the first stated conclusion are exploration
    // (inherent: documented). Words 11 + (6 + 1) + 5: `mention` stops at the first "= 72.".
    let late = "<think>48 / 2 = 24 and 48 + 24 = 72.\n\nCheck: 72 - 24 = 48. Yes.\n\n\
                So the answer is 72.</think>\\boxed{72}";
    assert_eq!(v(late, "72", json!({})), 0.0);
    assert_eq!(v(late, "72", json!({"detect": "mention"})), -12.0 / 23.0);
}
