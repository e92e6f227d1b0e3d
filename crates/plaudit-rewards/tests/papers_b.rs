//! The rewards of issue 19's second part, against values computed independently (numpy and plain
//! Python implementations of the documented formulas, written here as literals), and against the
//! ways a policy or a careless trainer could game or break them: group_similarity (PS-GRPO),
//! ranking_reward (MM-R5, ReRe), routing_cost (Router-R1), likelihood_reward (likelihood rewards,
//! P2S, FLR), embedding_diversity (Vendi, DRAGON).

use plaudit_core::{Engine, Input, Outcome, Spec, Status};
use serde_json::{json, Value};

mod common;
use common::{assert_values, one, status, value};

fn group(name: &str, params: Value, samples: Vec<Value>) -> Vec<Outcome> {
    common::group_with(
        name,
        params,
        &[],
        samples.into_iter().map(|s| (s, vec![])).collect(),
    )
}

fn responses(texts: &[&str]) -> Vec<Value> {
    texts.iter().map(|t| json!({"response": t})).collect()
}

// ---- group_similarity ----

#[test]
fn group_similarity_token_f1_matches_squad_f1_means() {
    let out = group(
        "group_similarity",
        json!({}),
        responses(&[
            "<answer>Barack Obama</answer>",
            "<answer>Obama</answer>",
            "<answer>President Barack Obama</answer>",
            "<answer>George Bush</answer>",
        ]),
    );
    assert_values(
        &out,
        &[
            0.48888888888888893,
            0.38888888888888884,
            0.43333333333333335,
            0.0,
        ],
        1e-15,
    );
    assert_eq!(out[0].as_ref().unwrap().details, Some(json!({"peers": 3})));
}

const ANSWERS: [&str; 5] = [
    "the capital of France is Paris",
    "Paris is the capital of France",
    "Paris, the capital",
    "Lyon is a city in France",
    "France's capital is Paris",
];

#[test]
fn group_similarity_rouge_l_across_paraphrases_and_with_max_peers() {
    let paras = ["a", "a", "b", "b", "c"];
    let samples: Vec<Value> = ANSWERS
        .iter()
        .zip(paras)
        .map(|(r, p)| json!({"response": r, "meta": {"paraphrase": p}}))
        .collect();
    let out = group(
        "group_similarity",
        json!({"measure": "rouge_l", "peers": "other_paraphrases"}),
        samples,
    );
    assert_values(
        &out,
        &[
            0.3841269841269841,
            0.39788359788359795,
            0.3968253968253969,
            0.27407407407407414,
            0.3611111111111111,
        ],
        1e-15,
    );
    let out = group(
        "group_similarity",
        json!({"measure": "rouge_l", "max_peers": 2}),
        responses(&ANSWERS),
    );
    assert_values(
        &out,
        &[
            0.44285714285714284,
            0.48571428571428577,
            0.16666666666666666,
            0.21111111111111114,
            0.44444444444444436,
        ],
        1e-15,
    );
    assert_eq!(out[0].as_ref().unwrap().details, Some(json!({"peers": 2})));
    let out = group(
        "group_similarity",
        json!({"measure": "jaccard"}),
        responses(&ANSWERS),
    );
    assert_values(&out, &[0.5375, 0.5375, 0.325, 0.15625, 0.40625], 1e-15);
}

#[test]
fn group_similarity_cannot_be_bought_with_empty_hedged_or_missing_answers() {
    // Answers that normalise to nothing agree with nothing, not even with each other.
    let out = group(
        "group_similarity",
        json!({}),
        responses(&[
            "<answer>The.</answer>",
            "<answer>the</answer>",
            "<answer>!!</answer>",
        ]),
    );
    assert_values(&out, &[0.0, 0.0, 0.0], 0.0);
    // Hedging with every candidate answer scores below committing to the group's answer.
    let out = group(
        "group_similarity",
        json!({}),
        responses(&["Paris", "Paris", "Paris Lyon Marseille"]),
    );
    assert_values(&out, &[0.75, 0.75, 0.5], 1e-15);
    // A rollout that gives no answer is no_answer, and counts as disagreeing with the others.
    let out = group(
        "group_similarity",
        json!({"extract": "answer_tag"}),
        responses(&[
            "<answer>Paris</answer>",
            "<answer>Paris</answer>",
            "Paris, surely",
        ]),
    );
    assert_values(&out[..2], &[0.5, 0.5], 0.0);
    assert_eq!(status(&out[2]), Status::NoAnswer);
    // A paraphrase id is required under `other_paraphrases`; a member without one is left out.
    let out = group(
        "group_similarity",
        json!({"peers": "other_paraphrases"}),
        vec![
            json!({"response": "Paris", "meta": {"paraphrase": 1}}),
            json!({"response": "Paris", "meta": {"paraphrase": 2}}),
            json!({"response": "Lyon"}),
        ],
    );
    assert_values(&out[..2], &[1.0, 1.0], 0.0);
    let f = out[2].as_ref().unwrap_err();
    assert_eq!(f.status, Status::InvalidInput);
    assert!(f.message.contains("meta.paraphrase"), "{}", f.message);
    // One paraphrase only: nothing to be consistent with.
    let out = group(
        "group_similarity",
        json!({"peers": "other_paraphrases"}),
        vec![
            json!({"response": "Paris", "meta": {"paraphrase": "a"}}),
            json!({"response": "Paris", "meta": {"paraphrase": "a"}}),
        ],
    );
    assert_eq!(status(&out[0]), Status::InvalidInput);
    assert_eq!(status(&out[1]), Status::InvalidInput);
}

#[test]
fn group_similarity_runs_through_the_engine_by_group() {
    let reg = plaudit_rewards::registry();
    let spec = Spec::from_text(
        "components:\n  consistent: {reward: group_similarity}\nreward: consistent\n",
        &reg,
    )
    .unwrap();
    let inputs: Vec<Input> = [
        ("a1", "q1", "Paris"),
        ("b1", "q2", "Rome"),
        ("a2", "q1", "Paris"),
        ("b2", "q2", "Milan"),
        ("a3", "q1", "Lyon"),
    ]
    .iter()
    .map(|(id, g, r)| Input::from_value(json!({"id": id, "group": g, "response": r})))
    .collect();
    let out = Engine::new(spec).score_batch(&inputs).unwrap();
    let rewards: Vec<f64> = out.iter().map(|r| r.reward).collect();
    assert_eq!(rewards, [0.5, 0.0, 0.5, 0.0, 0.0]);
}

// ---- ranking_reward ----

#[test]
fn ranking_reward_ndcg_mrr_hit_recall_exact() {
    let rel = json!({"relevance": {"1": 3, "2": 2, "5": 1}});
    let s = json!({"response": "<answer>[5] > [2] > [9] > [1]</answer>", "reference": rel});
    let v = |params: Value| value(&one("ranking_reward", params, s.clone()));
    assert!((v(json!({"k": 3})) - 0.4749950106150897).abs() < 1e-15);
    assert!((v(json!({"k": 0})) - 0.7463238207746714).abs() < 1e-15);
    assert_eq!(v(json!({"metric": "mrr"})), 1.0);
    assert_eq!(v(json!({"metric": "hit", "k": 1})), 1.0);
    assert_eq!(v(json!({"metric": "recall", "k": 2})), 2.0 / 3.0);
    assert_eq!(v(json!({"metric": "recall", "k": 3})), 2.0 / 3.0);
    assert_eq!(v(json!({"metric": "recall", "k": 4})), 1.0);
    // ReRe: the reciprocal rank of the target item.
    let rere = json!({"response": "item-7, item-3, item-42", "reference": "item-42"});
    assert_eq!(
        value(&one("ranking_reward", json!({"metric": "mrr"}), rere)),
        1.0 / 3.0
    );
}

#[test]
fn ranking_reward_refuses_padded_and_repeated_rankings() {
    let reference = json!({"relevant": ["1", "2"], "candidates": ["1", "2", "3", "4"]});
    let score = |params: Value, response: &str| {
        one(
            "ranking_reward",
            params,
            json!({"response": response, "reference": reference}),
        )
    };
    // Repeating the relevant id would collect its gain at every position.
    let s = score(json!({"invalid_value": -1.0}), "[1] > [1] > [1]").unwrap();
    assert_eq!(s.value, -1.0);
    assert_eq!(
        s.details.unwrap()["invalid"],
        json!("the ranking lists `1` twice")
    );
    // Made-up ids are not candidates.
    let s = score(json!({}), "[1] > [2] > [99]").unwrap();
    assert_eq!(s.value, 0.0);
    assert_eq!(
        s.details.unwrap()["invalid"],
        json!("`99` is not a candidate")
    );
    // Not strict: repeats are dropped, an unknown id keeps its place with gain 0.
    // DCG 1/log2(3) against an ideal of 1 + 1/log2(3).
    for (params, response) in [
        (json!({"strict": false}), "[99] > [1] > [1]"),
        (json!({"strict": false, "k": 2}), "[99] > [1]"),
    ] {
        let v = value(&score(params, response));
        assert!((v - 0.38685280723454163).abs() < 1e-15, "{response}: {v}");
    }
    // Listing every candidate does not buy hit@1.
    assert_eq!(
        value(&score(
            json!({"metric": "hit", "k": 1}),
            "[3] > [4] > [1] > [2]"
        )),
        0.0
    );
    // A graded `ranking` reference only works with ndcg.
    let graded = one(
        "ranking_reward",
        json!({"metric": "mrr"}),
        json!({"response": "[a]", "reference": {"ranking": ["a", "b"]}}),
    );
    assert_eq!(status(&graded), Status::InvalidInput);
    // Reference shapes.
    for bad in [
        json!({"relevant": ["1"], "ranking": ["1"]}),
        json!({"relevance": {"1": -1}}),
        json!({"relevance": {"1": 0}}),
        json!({"ranking": ["a", "a"]}),
        json!([1, 2]),
    ] {
        let o = one(
            "ranking_reward",
            json!({}),
            json!({"response": "[1]", "reference": bad}),
        );
        assert_eq!(status(&o), Status::InvalidInput, "{bad}");
    }
}

// ---- routing_cost ----

const PRICES: &str = r#"{"gpt-small": {"input": 0.15, "output": 0.6}, "gpt-large": {"input": 2.5, "output": 10.0}, "local": 0}"#;

fn calls(calls: Value) -> Value {
    json!({"response": "…", "meta": {"calls": calls}})
}

#[test]
fn routing_cost_prices_every_call() {
    let prices: Value = serde_json::from_str(PRICES).unwrap();
    let c = calls(json!([
        {"model": "gpt-small", "input_tokens": 1200, "output_tokens": 300},
        {"model": "gpt-large", "input_tokens": 800, "output_tokens": 150},
        {"model": "local", "input_tokens": 5000, "output_tokens": 5000},
        {"model": "gpt-small", "input_tokens": 40, "output_tokens": 2},
    ]));
    let s = one(
        "routing_cost",
        json!({"prices": prices, "scale": 0.01}),
        c.clone(),
    )
    .unwrap();
    assert!((s.value + 0.38672).abs() < 1e-15, "{}", s.value);
    let d = s.details.unwrap();
    assert!((d["cost"].as_f64().unwrap() - 0.0038672).abs() < 1e-17);
    assert_eq!(d["calls"], 4);
    let b = value(&one(
        "routing_cost",
        json!({"prices": prices, "scale": 0.01, "mapping": "budget"}),
        c.clone(),
    ));
    assert!((b - 0.61328).abs() < 1e-15, "{b}");
    // Beyond the budget the reward stays at 0.
    let b = value(&one(
        "routing_cost",
        json!({"prices": prices, "scale": 0.001, "mapping": "budget"}),
        c,
    ));
    assert_eq!(b, 0.0);
}

#[test]
fn routing_cost_has_no_free_calls() {
    let prices: Value = serde_json::from_str(PRICES).unwrap();
    let fail = |c: Value| one("routing_cost", json!({"prices": prices}), calls(c)).unwrap_err();
    // A model missing from the table, or spelled differently, is not free.
    let f = fail(json!([{"model": "GPT-Large", "input_tokens": 9, "output_tokens": 9}]));
    assert_eq!(f.status, Status::InvalidInput);
    assert!(f.message.contains("`GPT-Large`"), "{}", f.message);
    for bad in [
        json!([{"model": "gpt-large", "input_tokens": -100, "output_tokens": 10}]),
        json!([{"model": "gpt-large", "input_tokens": "100", "output_tokens": 10}]),
        json!([{"model": "gpt-large", "input_tokens": 100}]),
        json!([{"input_tokens": 100, "output_tokens": 10}]),
        json!(["gpt-large"]),
        json!({"model": "gpt-large"}),
    ] {
        assert_eq!(fail(bad.clone()).status, Status::InvalidInput, "{bad}");
    }
    let f = one(
        "routing_cost",
        json!({"prices": prices}),
        json!({"response": "…"}),
    )
    .unwrap_err();
    assert!(f.message.contains("no `meta.calls`"), "{}", f.message);
    // No call at all costs nothing (0, not −0).
    let free = value(&one(
        "routing_cost",
        json!({"prices": prices}),
        calls(json!([])),
    ));
    assert_eq!(free.to_bits(), 0.0f64.to_bits());
}

// ---- likelihood_reward ----

#[test]
fn likelihood_reward_per_step_shapings_and_baseline() {
    let meta = json!({
        "suffix": [[-0.2, -0.4, -0.6], [-1.0, -0.1], [-2.5]],
        "prior": [[-1.2, -0.4, -0.6], [-1.0, -1.1], [-2.5]],
    });
    let s = json!({"response": "…", "meta": meta});
    let geo = json!({"field": "suffix", "shaping": "geometric_prob", "aggregation": "sum"});
    let got = one("likelihood_reward", geo.clone(), s.clone()).unwrap();
    assert!(
        (got.value - 1.3293548550400245).abs() < 1e-15,
        "{}",
        got.value
    );
    assert_eq!(got.details.as_ref().unwrap()["tokens"], 6);
    assert_eq!(got.details.as_ref().unwrap()["steps"], 3);
    let mut with_base = geo;
    with_base["baseline_field"] = json!("prior");
    let got = value(&one("likelihood_reward", with_base, s.clone()));
    assert!((got - 0.41702680621517096).abs() < 1e-15, "{got}");
    let got = value(&one(
        "likelihood_reward",
        json!({"field": "suffix", "shaping": "mean_prob"}),
        s,
    ));
    assert!((got - 0.46591030221004964).abs() < 1e-15, "{got}");
}

#[test]
fn likelihood_reward_validates_what_the_trainer_sends() {
    // A long reference: the probability vanishes (VeriFree's problem), the log-prob does not.
    let long = json!({"response": "…", "meta": {"gold_logprobs": vec![-1.0; 2000]}});
    assert_eq!(
        value(&one("likelihood_reward", json!({}), long.clone())),
        -2000.0
    );
    assert_eq!(
        value(&one("likelihood_reward", json!({"shaping": "prob"}), long)),
        0.0
    );
    // Probabilities sent instead of log-probabilities are refused, not read as rewards.
    let f = one(
        "likelihood_reward",
        json!({"shaping": "mean_prob"}),
        json!({"response": "…", "meta": {"gold_logprobs": [0.9, 0.8]}}),
    )
    .unwrap_err();
    assert_eq!(f.status, Status::InvalidInput);
    assert!(
        f.message.contains("`meta.gold_logprobs[0]` is 0.9"),
        "{}",
        f.message
    );
    // A missing baseline is an error, never a baseline of 0.
    let f = one(
        "likelihood_reward",
        json!({"baseline_field": "prior"}),
        json!({"response": "…", "meta": {"gold_logprobs": [-0.5]}}),
    )
    .unwrap_err();
    assert!(f.message.contains("no `meta.prior`"), "{}", f.message);
    for bad in [
        json!([]),
        json!([[]]),
        json!("-1"),
        json!([-1.0, [-1.0]]),
        json!([null]),
    ] {
        let o = one(
            "likelihood_reward",
            json!({}),
            json!({"response": "…", "meta": {"gold_logprobs": bad}}),
        );
        assert_eq!(status(&o), Status::InvalidInput, "{bad}");
    }
}

// ---- embedding_diversity ----

fn embedded(vectors: &[Vec<f64>]) -> Vec<Value> {
    vectors
        .iter()
        .map(|v| json!({"response": "…", "meta": {"embedding": v}}))
        .collect()
}

#[test]
fn embedding_diversity_matches_numpy_eigvalsh() {
    let e = vec![
        vec![0.3, -1.2, 0.8, 0.05],
        vec![0.25, -1.0, 0.9, 0.0],
        vec![-0.7, 0.2, 0.1, 1.5],
        vec![1.1, 0.4, -0.3, 0.2],
        vec![0.0, 0.0, 1.0, 0.0],
    ];
    let out = group(
        "embedding_diversity",
        json!({"output": "vendi"}),
        embedded(&e),
    );
    assert_values(&out, &[3.2902990713510647; 5], 1e-12);
    let out = group("embedding_diversity", json!({}), embedded(&e));
    assert_values(
        &out,
        &[
            -0.12108690391189025,
            -0.27000836191111954,
            0.8681228006624679,
            0.8292082258172373,
            0.515158527445239,
        ],
        1e-12,
    );
    // Twelve embeddings x_ij = sin(7i + 3j + 1) + 0.1j.
    let g: Vec<Vec<f64>> = (0..12)
        .map(|i| {
            (0..6)
                .map(|j| (i as f64 * 7.0 + j as f64 * 3.0 + 1.0).sin() + 0.1 * j as f64)
                .collect()
        })
        .collect();
    let out = group("embedding_diversity", json!({}), embedded(&g));
    assert_values(
        &out,
        &[
            -0.015909873643007444,
            -0.07495857205529699,
            -0.06460803814426752,
            0.11639296657547327,
            0.12241245048402116,
            -0.013954480068794517,
            -0.017678482696263043,
            0.054267642144909534,
            0.21618211932486386,
            -0.04379274975633063,
            -0.07650272388357848,
            -0.05231637425062097,
        ],
        1e-12,
    );
    let d = out[0].as_ref().unwrap().details.as_ref().unwrap();
    assert!((d["vendi"].as_f64().unwrap() - 2.119466761759064).abs() < 1e-12);
}

#[test]
fn embedding_diversity_is_not_fooled_by_scaled_negated_or_zero_vectors() {
    // A scaled copy and a negated copy are the same direction: no diversity for any of the three.
    let out = group(
        "embedding_diversity",
        json!({}),
        embedded(&[
            vec![1.0, 2.0, 0.0],
            vec![2.0, 4.0, 0.0],
            vec![-1.0, -2.0, 0.0],
            vec![0.0, 0.0, 1.0],
        ]),
    );
    assert_values(
        &out,
        &[
            -0.13511622423897873,
            -0.13511622423897873,
            -0.13511622423897873,
            0.7547653506033296,
        ],
        1e-12,
    );
    // The zero vector would be "orthogonal to everything" with a guarded cosine: refused.
    let out = group(
        "embedding_diversity",
        json!({}),
        embedded(&[vec![1.0, 0.0], vec![1.0, 0.0], vec![0.0, 0.0]]),
    );
    assert_values(&out[..2], &[0.0, 0.0], 1e-12);
    let f = out[2].as_ref().unwrap_err();
    assert_eq!(f.status, Status::InvalidInput);
    assert!(f.message.contains("zero vector"), "{}", f.message);
    // Different dimensions: the whole group is refused, naming each member's.
    let out = group(
        "embedding_diversity",
        json!({}),
        embedded(&[vec![1.0, 0.0], vec![0.0, 1.0], vec![0.0, 0.0, 1.0]]),
    );
    for o in &out {
        let f = o.as_ref().unwrap_err();
        assert!(f.message.contains("member 2: 3"), "{}", f.message);
    }
    // Too large a group for the bound.
    let many: Vec<Vec<f64>> = (0..5).map(|i| vec![1.0, i as f64]).collect();
    let out = group(
        "embedding_diversity",
        json!({"max_group": 4}),
        embedded(&many),
    );
    assert!(out.iter().all(|o| status(o) == Status::InvalidInput));
    // Entries that are not finite numbers, and a missing field.
    let out = group(
        "embedding_diversity",
        json!({"field": "emb"}),
        vec![
            json!({"response": "…", "meta": {"emb": [1.0, "2"]}}),
            json!({"response": "…", "meta": {"emb": []}}),
            json!({"response": "…", "meta": {"embedding": [1.0]}}),
            json!({"response": "…", "meta": {"emb": [1.0, 1.0]}}),
        ],
    );
    assert!(out[..3].iter().all(|o| status(o) == Status::InvalidInput));
    assert_eq!(value(&out[3]), 0.0);
}

#[test]
fn embedding_diversity_on_the_largest_default_group() {
    // 64 members of dimension 16: every contribution is finite, the Vendi score is in [1, 64].
    let g: Vec<Vec<f64>> = (0..64)
        .map(|i| {
            (0..16)
                .map(|j| ((i * 31 + j * 17) as f64 * 0.37).sin())
                .collect()
        })
        .collect();
    let out = group("embedding_diversity", json!({}), embedded(&g));
    let vs = out[0].as_ref().unwrap().details.as_ref().unwrap()["vendi"]
        .as_f64()
        .unwrap();
    assert!((1.0..=64.0).contains(&vs), "{vs}");
    assert!(out.iter().all(|o| value(o).is_finite()));
}
