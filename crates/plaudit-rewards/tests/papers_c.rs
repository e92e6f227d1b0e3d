//! Issue 19, third part: the mechanisms added for HDPO (`cohort_efficiency`'s `form: zscore`),
//! Temporal-R1 (`temporal_iou`), A²TGPO (`turn_accumulate`), VideoRFT (`embedding_similarity`)
//! and Mixed-R1 (`bmas`), against values computed independently (numpy implementations of the
//! documented formulas, written here as literals), and against the ways a policy or a careless
//! trainer could game or break them.

use plaudit_core::{Ctx, Deadline, Engine, Input, Outcome, Spec, Status};
use serde_json::{json, Value};

mod common;
use common::{assert_values, group_with, one, reward, sample, status, value};

// ---- cohort_efficiency, form: zscore (HDPO) ----

const TOOLS: [u64; 6] = [0, 2, 5, 1, 7, 3];
const CORRECT: [f64; 6] = [1.0, 1.0, 1.0, 0.0, 1.0, 0.0];
const TOKENS: [u64; 6] = [120, 400, 900, 50, 1500, 300];

fn hdpo_group(params: Value, tools: &[u64], correct: &[f64]) -> Vec<Outcome> {
    let rows = tools
        .iter()
        .zip(correct)
        .zip(TOKENS)
        .map(|((t, c), l)| {
            (
                json!({"response": "…", "tokens": l, "meta": {"tool_calls": t}}),
                vec![Some(*c)],
            )
        })
        .collect();
    group_with("cohort_efficiency", params, &["correct"], rows)
}

#[test]
fn hdpo_conditional_advantage_is_the_z_score_of_minus_tool_calls_over_the_correct_cohort() {
    let tools_only = json!({"form": "zscore", "tool_weight": 1, "token_weight": 0, "eps": 0});
    assert_values(
        &hdpo_group(tools_only, &TOOLS, &CORRECT),
        &[
            1.1257181615796847,
            0.4824506406770077,
            -0.4824506406770077,
            0.0,
            -1.1257181615796847,
            0.0,
        ],
        1e-12,
    );
    // The default eps (1e-6) is added to the sample standard deviation.
    assert_values(
        &hdpo_group(
            json!({"form": "zscore", "tool_weight": 1, "token_weight": 0}),
            &TOOLS,
            &CORRECT,
        ),
        &[
            1.1257177995108356,
            0.4824504855046438,
            -0.4824504855046438,
            0.0,
            -1.1257177995108356,
            0.0,
        ],
        1e-12,
    );
    // Both dimensions, population std, weights 0.75 / 0.25.
    assert_values(
        &hdpo_group(
            json!({"form": "zscore", "tool_weight": 0.75, "token_weight": 0.25, "std": "population", "eps": 0}),
            &TOOLS,
            &CORRECT,
        ),
        &[
            1.2653372033991739,
            0.5749359924229324,
            -0.4987558801685975,
            0.0,
            -1.3415173156535087,
            0.0,
        ],
        1e-12,
    );
}

#[test]
fn hdpo_a_wrong_rollout_gains_nothing_from_economy_and_moves_no_one_else() {
    let params = json!({"form": "zscore", "tool_weight": 1, "token_weight": 0, "eps": 0});
    let base = hdpo_group(params.clone(), &TOOLS, &CORRECT);
    // The wrong rollouts skip every tool: still exactly 0, and the correct ones keep their values.
    let gamed = hdpo_group(params.clone(), &[0, 2, 5, 0, 7, 0], &CORRECT);
    for (b, g) in base.iter().zip(&gamed) {
        assert_eq!(value(b), value(g));
    }
    assert_eq!(value(&gamed[3]), 0.0);
    // Every rollout wrong: no cohort, no efficiency signal.
    for o in hdpo_group(params.clone(), &TOOLS, &[0.0; 6]) {
        assert_eq!(value(&o), 0.0);
    }
    // Correct rollouts that all make the same number of calls: 0 each (no 0/0).
    for o in hdpo_group(params, &[3, 3, 3, 0, 3, 0], &CORRECT) {
        assert_eq!(value(&o), 0.0);
    }
}

#[test]
fn hdpo_the_cohorts_advantages_sum_to_zero_and_the_existing_forms_are_unchanged() {
    let out = hdpo_group(
        json!({"form": "zscore", "tool_weight": 0.5, "token_weight": 0.5}),
        &TOOLS,
        &CORRECT,
    );
    let sum: f64 = out.iter().map(value).sum();
    assert!(sum.abs() < 1e-12, "{sum}");
    // minmax (the default) over the same group, as before the zscore form existed.
    let minmax = hdpo_group(
        json!({"tool_weight": 1, "token_weight": 0}),
        &TOOLS,
        &CORRECT,
    );
    assert_values(&minmax, &[1.0, 5.0 / 7.0, 2.0 / 7.0, 0.0, 0.0, 0.0], 1e-15);
    let ratio = hdpo_group(
        json!({"form": "ratio", "tool_weight": 0, "token_weight": 1}),
        &TOOLS,
        &CORRECT,
    );
    assert_values(&ratio, &[1.0, 0.3, 120.0 / 900.0, 0.0, 0.08, 0.0], 1e-15);
}

// ---- temporal_iou (Temporal-R1) ----

fn tiou(response: &str, reference: Value) -> Outcome {
    one(
        "temporal_iou",
        json!({}),
        json!({"response": response, "reference": reference}),
    )
}

#[test]
fn temporal_iou_matches_numpy_over_the_accepted_notations() {
    let cases: [(&str, Value, f64); 7] = [
        ("<answer>[12.5, 30.0]</answer>", json!([10, 30]), 0.875),
        (
            "<answer>1:02:03.5 - 1:02:33.5</answer>",
            json!([3720, 3750]),
            0.7910447761194029,
        ),
        (
            "<answer>(5 sec, 17.25 seconds)</answer>",
            json!([[0, 4], [6, 20]]),
            0.75,
        ),
        (
            "The answer is <answer>between 3 and 9 seconds</answer>",
            json!("[0, 6]"),
            0.3333333333333333,
        ),
        (
            "<answer>12.5–30.0</answer>",
            json!([11, 29.75]),
            0.9078947368421053,
        ),
        (
            "<answer>[0, 3600]</answer>",
            json!([10, 30]),
            0.005555555555555556,
        ),
        (
            "<answer>1:05.5 ~ 70.25s</answer>",
            json!([60, 70]),
            0.43902439024390244,
        ),
    ];
    for (response, reference, want) in cases {
        let got = value(&tiou(response, reference));
        assert!((got - want).abs() < 1e-15, "{response}: {got} != {want}");
    }
    let d = tiou("<answer>[5s, 17.25s]</answer>", json!([[0, 4], [6, 20]]));
    assert_eq!(
        d.unwrap().details,
        Some(
            json!({"start": 5.0, "end": 17.25, "intersection": 11.25, "union": 15.0, "reference_index": 1})
        )
    );
}

#[test]
fn temporal_iou_resists_hedging_and_malformed_answers() {
    // Two candidate intervals: nothing, even when one of them is exact.
    for r in [
        "<answer>[10, 30] or [0, 5]</answer>",
        "<answer>10 - 20, 20 - 30</answer>",
    ] {
        assert_eq!(status(&tiou(r, json!([10, 30]))), Status::NoAnswer, "{r}");
    }
    // The same interval written twice is one interval.
    assert_eq!(
        value(&tiou(
            "<answer>from 10s to 30s, i.e. [10, 30]</answer>",
            json!([10, 30])
        )),
        1.0
    );
    // Reversed, malformed clock times, absurdly long numbers, no interval, an interval only in
    // the reasoning: no_answer.
    let long = format!("<answer>[0, {}]</answer>", "9".repeat(400));
    for r in [
        "<answer>30 - 10</answer>",
        "<answer>1:75 - 2:00</answer>",
        "<answer>1:5 - 2:00</answer>",
        long.as_str(),
        "<answer>the whole clip</answer>",
        "<think>[10, 30]</think><answer>not sure</answer>",
    ] {
        assert_eq!(status(&tiou(r, json!([10, 30]))), Status::NoAnswer, "{r}");
    }
    // A zero-length prediction has no overlap; the whole video is paid for by its union.
    assert_eq!(
        value(&tiou("<answer>[20, 20]</answer>", json!([10, 30]))),
        0.0
    );
    assert!(value(&tiou("<answer>[0, 100000]</answer>", json!([10, 30]))) < 1e-3);
}

#[test]
fn temporal_iou_bad_references_are_invalid_input() {
    for reference in [
        json!([10]),
        json!([-1, 5]),
        json!([5, 5]),
        json!([30, 10]),
        json!({"start": 1, "end": 2}),
        json!([[0, 1], "x"]),
        json!([]),
        json!(""),
        json!("soon"),
        json!("[1, 2] or [3, 4]"),
        json!(null),
    ] {
        assert_eq!(
            status(&tiou("<answer>[0, 1]</answer>", reference.clone())),
            Status::InvalidInput,
            "{reference}"
        );
    }
}

// ---- turn_accumulate (A²TGPO) ----

fn turns(rows: &[(Value, u64, Option<f64>)], params: Value) -> Vec<Outcome> {
    let rows = rows
        .iter()
        .map(|(r, t, z)| {
            (
                json!({"response": "…", "meta": {"rollout": r, "turn": t}}),
                vec![*z],
            )
        })
        .collect();
    group_with("turn_accumulate", params, &["z"], rows)
}

#[test]
fn turn_accumulate_is_the_discounted_return_over_root_terms() {
    // Interleaved members; γ = 0.9; values from numpy.
    let rows = [
        (json!("A"), 2, Some(0.7)),
        (json!("B"), 0, Some(-1.2)),
        (json!("A"), 0, Some(0.3)),
        (json!("B"), 1, Some(0.4)),
        (json!("A"), 1, Some(-0.5)),
        (json!("A"), 3, Some(1.1)),
    ];
    let want_sqrt = [
        1.1950104602052651,
        -0.5939696961966998,
        0.60945,
        0.4,
        0.589474624842608,
        1.1,
    ];
    let want_none = [
        1.69,
        -0.8399999999999999,
        1.2189,
        0.4,
        1.0210000000000001,
        1.1,
    ];
    assert_values(
        &turns(&rows, json!({"of": "z", "gamma": 0.9})),
        &want_sqrt,
        1e-12,
    );
    assert_values(
        &turns(&rows, json!({"of": "z", "gamma": 0.9, "rescale": "none"})),
        &want_none,
        1e-12,
    );
    let out = turns(&rows, json!({"of": "z", "gamma": 0.9}));
    assert_eq!(
        out[2].as_ref().unwrap().details.as_ref().unwrap()["terms"],
        json!(4)
    );
}

#[test]
fn turn_accumulate_keeps_magnitudes_comparable_across_depths() {
    // Every turn's signal is 1 with γ = 1: without rescaling the first turn of a 9-turn rollout
    // gets 9, with it 3 = √9 (a sum of n unit terms has spread √n, not n).
    let rows: Vec<(Value, u64, Option<f64>)> = (0..9).map(|t| (json!(0), t, Some(1.0))).collect();
    let out = turns(&rows, json!({"of": "z"}));
    for (t, o) in out.iter().enumerate() {
        assert!((value(o) - ((9 - t) as f64).sqrt()).abs() < 1e-12);
    }
}

#[test]
fn turn_accumulate_refuses_incomplete_rollouts() {
    // A repeated turn (a trainer sending a turn twice to double its weight) and a gap.
    let out = turns(
        &[
            (json!("A"), 0, Some(1.0)),
            (json!("A"), 1, Some(5.0)),
            (json!("A"), 1, Some(5.0)),
            (json!("B"), 0, Some(1.0)),
            (json!("B"), 2, Some(1.0)),
            (json!("C"), 4, Some(2.0)),
        ],
        json!({"of": "z"}),
    );
    for o in &out[..5] {
        assert_eq!(status(o), Status::InvalidInput);
    }
    // A rollout may start at any index (turns 4.. of a long rollout): one term.
    assert_eq!(value(&out[5]), 2.0);
    // A failed middle turn fails itself and the turns before it, not those after.
    let out = turns(
        &[
            (json!("A"), 0, Some(1.0)),
            (json!("A"), 1, Some(1.0)),
            (json!("A"), 2, None),
            (json!("A"), 3, Some(4.0)),
        ],
        json!({"of": "z"}),
    );
    assert_eq!(status(&out[0]), Status::Error);
    assert_eq!(status(&out[1]), Status::Error);
    assert_eq!(status(&out[2]), Status::Error);
    assert_eq!(value(&out[3]), 4.0);
    // Bad ids and turn indices.
    let rows = vec![
        (
            json!({"response": "…", "meta": {"rollout": 1.5, "turn": 0}}),
            vec![Some(1.0)],
        ),
        (
            json!({"response": "…", "meta": {"rollout": "A", "turn": -1}}),
            vec![Some(1.0)],
        ),
        (
            json!({"response": "…", "meta": {"rollout": "A", "turn": "0"}}),
            vec![Some(1.0)],
        ),
        (
            json!({"response": "…", "meta": {"turn": 0}}),
            vec![Some(1.0)],
        ),
        (
            json!({"response": "…", "meta": {"rollout": "A", "turn": 0}}),
            vec![Some(1.0)],
        ),
    ];
    let out = group_with("turn_accumulate", json!({"of": "z"}), &["z"], rows);
    for o in &out[..4] {
        assert_eq!(status(o), Status::InvalidInput);
    }
    assert_eq!(value(&out[4]), 1.0);
}

#[test]
fn a2tgpo_information_gain_normalised_by_turn_group_then_accumulated_end_to_end() {
    // IG per turn (info_gain_turn over [p_before, p_after]), normalised within each turn index
    // (turn_advantage, sample std + 1e-6), accumulated with γ = 0.9 and √terms; numpy values.
    let reg = plaudit_rewards::registry();
    let spec = Spec::from_text(
        "components:\n  ig: info_gain_turn\n  z: {reward: turn_advantage, params: {of: ig}}\n  acc: {reward: turn_accumulate, params: {of: z, gamma: 0.9}}\nreward: acc\ngroup: {advantage: reward}\n",
        &reg,
    )
    .unwrap();
    let probs = [
        ("A", vec![0.1, 0.3, 0.2, 0.7]),
        ("B", vec![0.1, 0.15, 0.5, 0.6]),
        ("C", vec![0.1, 0.6, 0.9]),
    ];
    let mut inputs = Vec::new();
    for t in 0..3usize {
        for (r, p) in &probs {
            if t + 1 < p.len() {
                inputs.push(Input::from_value(json!({
                    "id": format!("{r}{t}"), "group": "q", "response": "…",
                    "meta": {"rollout": r, "turn": t, "answer_probs": [p[t], p[t + 1]]}
                })));
            }
        }
    }
    let out = Engine::new(spec).score_batch(&inputs).unwrap();
    let want = [
        ("A0", -0.3922150922534676),
        ("B0", -0.4835083594137791),
        ("C0", 1.0725378061868007),
        ("A1", -0.3622897179886801),
        ("B1", 0.02781813628113119),
        ("C1", 0.4730142470791967),
        ("A2", 0.7071042811953865),
        ("B2", -0.7071042811953863),
    ];
    assert_eq!(out.len(), want.len());
    for (r, (id, a)) in out.iter().zip(want) {
        assert_eq!(r.id, json!(id));
        assert_eq!(r.status, Status::Ok, "{:?}", r.error);
        assert!((r.reward - a).abs() < 1e-9, "{id}: {} != {a}", r.reward);
        assert!((r.advantage.unwrap() - a).abs() < 1e-9, "{id}");
    }
}

// ---- embedding_similarity (VideoRFT) ----

const A8: [f64; 8] = [-0.516, -1.212, -0.549, -1.225, 0.294, 0.046, 1.2, -1.463];
const V8: [f64; 8] = [1.093, -0.079, 0.405, -0.188, 1.547, 1.386, 1.069, 0.259];

fn esim(params: Value, text: Value, visual: Value) -> Outcome {
    one(
        "embedding_similarity",
        params,
        json!({"response": "…", "meta": {"text_embedding": text, "visual_embedding": visual}}),
    )
}

#[test]
fn embedding_similarity_is_numpys_cosine_and_scale_free() {
    let cos = 0.13621126611715093;
    assert!((value(&esim(json!({}), json!(A8), json!(V8))) - cos).abs() < 1e-15);
    let unit = value(&esim(json!({"map": "unit"}), json!(A8), json!(V8)));
    assert!((unit - (1.0 + cos) / 2.0).abs() < 1e-15);
    // Scaling either vector (even to huge magnitudes) changes nothing.
    let big: Vec<f64> = A8.iter().map(|x| x * 1e300).collect();
    let tiny: Vec<f64> = V8.iter().map(|x| x * 1e-300).collect();
    assert!((value(&esim(json!({}), json!(big), json!(tiny))) - cos).abs() < 1e-15);
    // A negated visual embedding is maximally dissimilar, and `positive` floors it at 0.
    let neg: Vec<f64> = A8.iter().map(|x| -x).collect();
    assert!((value(&esim(json!({}), json!(A8), json!(neg.clone()))) + 1.0).abs() < 1e-15);
    assert_eq!(
        value(&esim(json!({"map": "positive"}), json!(A8), json!(neg))),
        0.0
    );
}

#[test]
fn embedding_similarity_refuses_what_is_not_an_embedding() {
    for (text, visual) in [
        (json!([0.0, 0.0]), json!([1.0, 0.0])),
        (json!([1.0, 0.0]), json!([1.0, 0.0, 0.0])),
        (json!([]), json!([])),
        (json!([1.0, "x"]), json!([1.0, 0.0])),
        (json!("1 0"), json!([1.0, 0.0])),
        (json!(null), json!([1.0, 0.0])),
        (json!([[1.0, 0.0]]), json!([1.0, 0.0])),
    ] {
        assert_eq!(
            status(&esim(json!({}), text.clone(), visual.clone())),
            Status::InvalidInput,
            "{text} {visual}"
        );
    }
}

// ---- bmas (Mixed-R1) ----

fn bmas(resp: Value, gold: Value) -> Outcome {
    one(
        "bmas",
        json!({}),
        json!({"response": "…", "meta": {"response_embeddings": resp, "reference_embeddings": gold}}),
    )
}

#[test]
fn bmas_matches_numpy_max_average_in_both_directions() {
    let resp = json!([
        [-0.37, 0.994, 0.416, -0.618, 0.672],
        [-1.45, 0.593, -0.562, 0.631, 0.439],
        [-0.767, 0.528, 0.342, -0.646, 2.001],
        [0.802, -1.182, -0.988, 0.317, 0.312]
    ]);
    let gold = json!([
        [-0.727, 1.216, 0.097, -0.863, -0.375],
        [-0.179, -1.553, -0.832, -1.81, -0.294],
        [0.613, -1.286, 0.322, -1.183, -0.164]
    ]);
    let s = bmas(resp.clone(), gold.clone()).unwrap();
    assert!((s.value - 0.4647447877481899).abs() < 1e-15);
    let d = s.details.unwrap();
    assert!((d["forward"].as_f64().unwrap() - 0.4286099573962493).abs() < 1e-15);
    assert!((d["backward"].as_f64().unwrap() - 0.5008796181001305).abs() < 1e-15);
    // Swapping response and reference swaps the directions: the same BMAS.
    assert!((value(&bmas(gold, resp)) - 0.4647447877481899).abs() < 1e-15);
}

#[test]
fn bmas_cannot_be_gamed_by_repetition_or_padding() {
    let e = |i: usize| {
        let mut v = vec![0.0; 4];
        v[i] = 1.0;
        v
    };
    let gold = json!([e(0), e(1), e(2), e(3)]);
    assert_eq!(value(&bmas(gold.clone(), gold.clone())), 1.0);
    // One matching token repeated: forward 1, backward 1/4.
    let repeat = json!(vec![e(0); 20]);
    assert_eq!(value(&bmas(repeat, gold.clone())), 0.625);
    // Every reference token, padded with 12 unrelated tokens: backward 1, forward 4/16.
    let mut padded = vec![e(0), e(1), e(2), e(3)];
    padded.extend(std::iter::repeat_n(vec![-1.0, -1.0, -1.0, -1.0], 12));
    let pad = value(&bmas(json!(padded), gold.clone()));
    assert!(
        (pad - (1.0 + (4.0 - 12.0 * 0.5) / 16.0) / 2.0).abs() < 1e-15,
        "{pad}"
    );
    // Bad inputs.
    assert_eq!(status(&bmas(json!([]), gold.clone())), Status::NoAnswer);
    for (r, g) in [
        (json!([e(0)]), json!([])),
        (json!([e(0), [0.0, 0.0, 0.0, 0.0]]), gold.clone()),
        (json!([e(0), [1.0, 0.0]]), gold.clone()),
        (json!([[1.0, 0.0]]), gold.clone()),
        (json!(e(0)), gold.clone()),
        (json!(null), gold.clone()),
    ] {
        assert_eq!(status(&bmas(r.clone(), g)), Status::InvalidInput, "{r}");
    }
    let too_many = json!(vec![e(0); 5]);
    let out = one(
        "bmas",
        json!({"max_tokens": 4}),
        json!({"response": "…", "meta": {"response_embeddings": too_many, "reference_embeddings": gold}}),
    );
    assert_eq!(status(&out), Status::InvalidInput);
}

#[test]
fn bmas_stops_at_its_deadline_on_long_inputs() {
    let rows: Vec<Vec<f64>> = (0..2000)
        .map(|i| (0..16).map(|k| ((i * 7 + k) % 13) as f64 - 6.0).collect())
        .collect();
    let s = sample(
        json!({"response": "…", "meta": {"response_embeddings": rows, "reference_embeddings": rows}}),
    );
    let d = Deadline::after(std::time::Duration::ZERO);
    let out = reward("bmas", json!({}), &[]).score(&s, &Ctx::new(&d, &[]));
    assert_eq!(status(&out), Status::Timeout);
}
