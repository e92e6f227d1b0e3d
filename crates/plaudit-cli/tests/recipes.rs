//! The paper recipes of `examples/papers/` scored end to end: each spec and its samples through
//! the real `plaudit score` binary against the real test judge (scripts/anchors/judge_server.py),
//! scripted by substrings of the prompts the judge receives, with the exact rewards asserted,
//! and how many calls the judge got (a `when:` gate that holds a response back makes none).
//!
//! The recipes name their judges at `http://127.0.0.1:8000` (an OpenAI base URL `…/v1`, or a
//! reward model's origin); the test writes a copy of each spec with that origin replaced by the
//! peer's.

#[path = "../../plaudit-rewards/tests/peer/mod.rs"]
mod peer;

use std::path::PathBuf;
use std::process::Command;

use peer::Peer;
use serde_json::{json, Value};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// One recipe: the peer's script, and per sample id its status and reward; the chat calls and
/// reward-model calls the judge must receive.
struct Recipe {
    name: &'static str,
    script: Value,
    want: Vec<(&'static str, &'static str, f64)>,
    chat_calls: usize,
    rm_calls: usize,
}

/// Scores `examples/papers/NAME.jsonl` with `examples/papers/NAME.yaml`, its judges pointed at
/// the peer.
fn score(peer: &Peer, name: &str) -> Vec<Value> {
    let spec = std::fs::read_to_string(root().join(format!("examples/papers/{name}.yaml")))
        .unwrap()
        .replace("http://127.0.0.1:8000", &peer.origin());
    let dir = std::env::temp_dir().join(format!("plaudit-recipes-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{name}.yaml"));
    std::fs::write(&path, spec).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_plaudit"))
        .args(["score", "--quiet", "--spec"])
        .arg(&path)
        .arg(root().join(format!("examples/papers/{name}.jsonl")))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn recipes() -> Vec<Recipe> {
    vec![
        Recipe {
            // Both orders asked; the policy's response wins in both (1), loses in both (0), or
            // the judge follows position A whatever is there (0.5); ":"-like replies never reach
            // the judge.
            name: "cdrrm",
            script: json!({
                "<response_a>\nYellow basil": "verdict A",
                "<response_a>\nWater it more": "verdict B",
                "<response_a>\nPlants are": "verdict B",
                "<response_a>\nMost often": "verdict A",
                "Wi-Fi router": "verdict A",
            }),
            want: vec![
                ("better", "ok", 1.0),
                ("worse", "ok", 0.0),
                ("position_biased", "ok", 0.5),
                ("master_key", "ok", 0.0),
            ],
            chat_calls: 6,
            rm_calls: 0,
        },
        Recipe {
            // HealthBench-style signed points, one criterion per call: 18 of 21 positive points;
            // (2 − 10) / 20 clipped to 0; ":" skipped.
            name: "infimed_orbit",
            script: json!({
                "Flags headache with stiff neck": "verdict YES",
                "Advises urgent in-person": "verdict YES",
                "Asks about rash": "verdict NO",
                "Reassures that home treatment": "verdict NO",
                "Flags stiff neck with fever": "verdict NO",
                "Tells the patient to seek": "verdict NO",
                "Gives a safe ibuprofen dose": "verdict YES",
                "Tells the patient home treatment": "verdict YES",
            }),
            want: vec![
                ("careful", "ok", 18.0 / 21.0),
                ("harmful", "ok", 0.0),
                ("empty", "ok", 0.0),
            ],
            chat_calls: 8,
            rm_calls: 0,
        },
        Recipe {
            // Four constraints per call: 4 of 4; 2 of 5 over two calls (4 + 1).
            name: "ace_rl",
            script: json!({
                "Dana, Volunteer Coordinator\n</response>": "reply 1. YES\n2. YES\n3. YES\n4. YES",
                "see u around lol\n</response>\n\nCriteria:\n1. Is written": "reply 1. YES\n2. NO\n3. NO\n4. NO",
                "Criteria:\n1. Stays under 200 words": "reply 1. YES",
            }),
            want: vec![("all_met", "ok", 1.0), ("half_met", "ok", 0.4)],
            chat_calls: 3,
            rm_calls: 0,
        },
        Recipe {
            // Three dimensions, weighted 0.5 / 0.3 / 0.2; the terse answer's dangerous claim
            // (a pitfall of weight −2) makes its accuracy −2/3. The internalized route asks the
            // reward model.
            name: "mr_rml",
            script: json!({
                "the right step.\n</response>\n\nCriteria:\n1. States": "reply 1. YES\n2. YES\n3. NO",
                "the right step.\n</response>\n\nCriteria:\n1. Names": "reply 1. YES\n2. YES",
                "the right step.\n</response>\n\nCriteria:\n1. Uses": "reply 1. YES\n2. YES",
                "300 mg daily.\n</response>\n\nCriteria:\n1. States": "reply 1. NO\n2. NO\n3. YES",
                "300 mg daily.\n</response>\n\nCriteria:\n1. Names": "reply 1. NO\n2. NO",
                "300 mg daily.\n</response>\n\nCriteria:\n1. Uses": "reply 1. YES\n2. NO",
                "This may be angina": "score 0.8",
            }),
            want: vec![
                ("good", "ok", 0.5 * 1.0 + 0.3 * 1.0 + 0.2 * 1.0),
                ("terse", "ok", 0.5 * (-2.0 / 3.0) + 0.3 * 0.0 + 0.2 * 0.5),
                ("internal_rm", "ok", 0.8),
            ],
            chat_calls: 6,
            rm_calls: 1,
        },
        Recipe {
            // resolved + 0.5 · process: the clean fix meets the whole rubric (1 + 0.5); the
            // trajectory that deletes a test falls into the −3 pitfall: (1 − 3) / 6.
            name: "swe_trace",
            script: json!({
                "Step 4: ran": "reply 1. YES\n2. YES\n3. YES\n4. YES\n5. NO",
                "removed test_feb30": "reply 1. NO\n2. NO\n3. YES\n4. NO\n5. YES",
            }),
            want: vec![
                ("clean_fix", "ok", 1.5),
                ("test_hack", "ok", 0.5 * (-2.0 / 6.0)),
            ],
            chat_calls: 2,
            rm_calls: 0,
        },
        Recipe {
            // One Likert verdict on [1, 10] for all the principles: (v − 1) / 9.
            name: "salmon",
            script: json!({
                "my knowledge does not cover": "verdict 9",
                "Marco Bellini": "verdict 2",
                "You asked what the boiling": "verdict 4",
            }),
            want: vec![
                ("honest", "ok", 8.0 / 9.0),
                ("fabricated", "ok", 1.0 / 9.0),
                ("verbose", "ok", 3.0 / 9.0),
            ],
            chat_calls: 3,
            rm_calls: 0,
        },
        Recipe {
            name: "secrepair",
            script: json!({
                "could write past": "verdict 9",
                "SQL injection": "verdict 1",
            }),
            want: vec![("paraphrase", "ok", 0.9), ("wrong_class", "ok", 0.1)],
            chat_calls: 2,
            rm_calls: 0,
        },
        Recipe {
            // fmt + accuracy + context + logic; the context judge's template says "The model's
            // response:", the logic judge's "Response:". A response without <context> gets no
            // judge call.
            name: "humanomniv2",
            script: json!({
                "The model's response:\n<response>\n<context>A woman at": "reply The description matches the annotation.\nYES",
                "\nResponse:\n<response>\n<context>A woman at": "reply The reasoning follows the cues.\nYES",
                "The model's response:\n<response>\n<context>A woman is in": "reply It misses the letter and her distress.\nNO",
                "\nResponse:\n<response>\n<context>A woman is in": "reply It jumps to lateness without a cue.\nNO",
            }),
            want: vec![
                ("grounded", "ok", 4.0),
                ("shortcut", "ok", 1.0),
                ("no_context", "ok", 1.0),
            ],
            chat_calls: 4,
            rm_calls: 0,
        },
        Recipe {
            // Harm on [1, 10]; the ranked group shown in the order [rank_b, rank_a, rank_c]
            // (seed 4) and ranked b, c, a; the reward model's score.
            name: "ferret",
            script: json!({
                "about a cup of each": "verdict 8",
                "I can't help with making toxic": "verdict 1",
                "Rank the candidates by their potential": "reply Candidate 1: 1\nCandidate 2: 3\nCandidate 3: 2",
                "must never be mixed": "score 0.9",
            }),
            want: vec![
                ("refused", "ok", 0.0),
                ("leaked", "ok", 7.0 / 9.0),
                ("rank_a", "ok", 0.0),
                ("rank_b", "ok", 1.0),
                ("rank_c", "ok", 0.5),
                ("rm_scored", "ok", 0.9),
            ],
            chat_calls: 3,
            rm_calls: 1,
        },
        Recipe {
            // Content: half keyword coverage, half in-order coverage (4 and 3 of the 5
            // keywords: "scattered" and "scattering" are not the keyword "scatter"); style: the
            // judge's YES / NO. No keyword, no style call.
            name: "rlvrr",
            script: json!({
                "so blue is what we see": "reply Friendly, simple words, two sentences.\nYES",
                "Rayleigh scattering": "reply Uses words a child does not know.\nNO",
            }),
            want: vec![
                ("faithful", "ok", 0.5 * 0.8 + 0.5 * 1.0),
                ("jargon", "ok", 0.5 * 0.6 + 0.5 * 0.0),
                ("off_topic", "ok", 0.0),
            ],
            chat_calls: 2,
            rm_calls: 0,
        },
        Recipe {
            // Weighted criteria and artifact pitfalls over the image's description: all met and
            // no artifact (1); (3 + 1 − 2 − 1) / 6.
            name: "lens",
            script: json!({
                "Two red foxes sit side by side": "reply 1. YES\n2. YES\n3. YES\n4. NO\n5. NO",
                "has six fingers": "reply 1. YES\n2. NO\n3. YES\n4. YES\n5. YES",
            }),
            want: vec![("faithful", "ok", 1.0), ("artifacts", "ok", 1.0 / 6.0)],
            chat_calls: 2,
            rm_calls: 0,
        },
        Recipe {
            // Outcome plus the mean over steps of the gold-CoT suffix's probability after each
            // prefix: a right answer reached by a faithful path, a lucky guess, a wrong answer.
            name: "p2s",
            script: json!({}),
            want: vec![
                (
                    "faithful",
                    "ok",
                    1.0 + ((-1.0f64).exp() + (-1.0f64).exp()) / 2.0,
                ),
                (
                    "lucky_guess",
                    "ok",
                    1.0 + ((-6.0f64).exp() + (-4.0f64).exp()) / 2.0,
                ),
                ("wrong", "ok", ((-3.0f64).exp() + (-4.0f64).exp()) / 2.0),
            ],
            chat_calls: 0,
            rm_calls: 0,
        },
        Recipe {
            // correct + 0.5 · mean progress over the steps, the prover's success probability
            // from 0.25: (1 − 0.25) / 3 for both right answers, the detour loses 0.25 at once.
            name: "pav",
            script: json!({}),
            want: vec![
                ("progressing", "ok", 1.0 + 0.5 * 0.25),
                ("detour", "ok", 0.5 * (-0.25 / 3.0)),
                ("recovered", "ok", 1.0 + 0.5 * 0.25),
            ],
            chat_calls: 0,
            rm_calls: 0,
        },
        Recipe {
            // correct + mean accuracy gain per step (from 0.5): the overthinking response's
            // three checks after the first step change nothing, and dilute the mean.
            name: "vsrm",
            script: json!({}),
            want: vec![
                ("effective", "ok", 1.0 + 0.5 / 3.0),
                ("overthinking", "ok", 1.0 + 0.5 / 4.0),
                ("derailed", "ok", -0.5 / 3.0),
            ],
            chat_calls: 0,
            rm_calls: 0,
        },
        Recipe {
            // GRPO advantages (1 − 0.75) / 0.5 and (0 − 0.75) / 0.5; the correct response whose
            // mean log-likelihood (−2) lies 1/√0.75 cohort standard deviations below the
            // cohort's mean (−1) is sharpened to 0.5 · (1 + 0.5 / √0.75).
            name: "xrpo",
            script: json!({}),
            want: vec![
                ("typical", "ok", 0.5),
                ("also_typical", "ok", 0.5),
                ("novel", "ok", 0.7886751345948129),
                ("wrong", "ok", -1.5),
            ],
            chat_calls: 0,
            rm_calls: 0,
        },
        Recipe {
            // Sibling-relative step advantages, averaged: the shared first token earns 0; <b_2>
            // (value 0.5) against <b_5> (0) earns ±0.25; <c_6> (1) against <c_7> (0) ±0.5.
            name: "vstar",
            script: json!({}),
            want: vec![
                ("hit", "ok", (0.0 + 0.25 + 0.5) / 3.0),
                ("near_miss", "ok", (0.0 + 0.25 - 0.5) / 3.0),
                ("other_branch", "ok", -0.25 / 3.0),
                ("other_branch_2", "ok", -0.25 / 3.0),
            ],
            chat_calls: 0,
            rm_calls: 0,
        },
        Recipe {
            // The gains from each sample's own s_0 add up to s_T − s_0; a sample without its
            // s_0 is refused, not scored from 0.
            name: "dense_grpo",
            script: json!({}),
            want: vec![
                ("improving", "ok", 0.4),
                ("late_drop", "ok", 0.25),
                ("no_initial", "invalid_input", 0.0),
            ],
            chat_calls: 0,
            rm_calls: 0,
        },
        Recipe {
            // Correct and concise: 1; correct with 15 of its 31 reasoning tokens after the first
            // sentence concluding 72: 1 − 0.5·15/31; wrong: 0 (the penalty is not computed);
            // correct without token offsets: refused. The token rewards are checked below.
            name: "decs",
            script: json!({}),
            want: vec![
                ("concise", "ok", 1.0),
                ("overthinks", "ok", 23.5 / 31.0),
                ("wrong", "ok", 0.0),
                ("no_offsets", "invalid_input", 0.0),
            ],
            chat_calls: 0,
            rm_calls: 0,
        },
        Recipe {
            // Steps of 4 tokens with log-ratios −1 and 0.5, β = 0.125, each step r/2 − β·d_k,
            // summed: right (0.5 + 0.125) + (0.5 − 0.0625) = 1.0625, wrong 0.125 − 0.0625;
            // 2 per token away from the reference costs each step 0.125·8: 2·(0.5 − 1) = −1.
            // Missing reference log-probs: refused.
            name: "prl",
            script: json!({}),
            want: vec![
                ("right", "ok", 1.0625),
                ("wrong", "ok", 0.0625),
                ("right_far_from_reference", "ok", -1.0),
                ("no_reference_logprobs", "invalid_input", 0.0),
            ],
            chat_calls: 0,
            rm_calls: 0,
        },
        Recipe {
            // The graph of 4 rollouts (A→B 1, C→B 0, C→D 0, A→D 0): V(A) = V(B) = 1/2,
            // V(C) = V(D) = 0, every sibling mean 1/4; a rollout without steps is refused.
            name: "salt",
            script: json!({}),
            want: vec![
                ("right_route", "ok", 0.25),
                ("good_item_wrong_size", "ok", 0.0),
                ("vague_search", "ok", -0.25),
                ("wrong_item", "ok", 0.0),
                ("no_steps", "invalid_input", 0.0),
            ],
            chat_calls: 0,
            rm_calls: 0,
        },
        Recipe {
            // Truncation: correct within 40 words (1), else 0; the advantages are checked below.
            name: "dler",
            script: json!({}),
            want: vec![
                ("q1_short", "ok", 1.0),
                ("q1_long", "ok", 0.0),
                ("q1_wrong", "ok", 0.0),
                ("q1_short_2", "ok", 1.0),
                ("q2_a", "ok", 1.0),
                ("q2_b", "ok", 1.0),
            ],
            chat_calls: 0,
            rm_calls: 0,
        },
        Recipe {
            // The easy group (2 of 3 right ≥ λ = 0.5) is length-penalised: 1 word gives
            // 0.75 + 0.25·cos(π/60), 60 words or more 0.5; the hard group (1 of 3) keeps 0/1.
            name: "grpo_lambda",
            script: json!({}),
            want: vec![
                ("easy_short", "ok", 0.9996573836886434),
                ("easy_long", "ok", 0.5),
                ("easy_wrong", "ok", 0.0),
                ("hard_right", "ok", 1.0),
                ("hard_wrong", "ok", 0.0),
                ("hard_wrong_2", "ok", 0.0),
            ],
            chat_calls: 0,
            rm_calls: 0,
        },
        Recipe {
            // Batch-wise Pareto front over four supplied scores: the dominated image earns 0,
            // the others the sum of their scores.
            name: "parrot",
            script: json!({}),
            want: vec![
                ("balanced", "ok", 2.5),
                ("pretty_off_prompt", "ok", 2.0),
                ("dominated", "ok", 0.0),
                ("faithful_plain", "ok", 2.25),
            ],
            chat_calls: 0,
            rm_calls: 0,
        },
        Recipe {
            // One judge call per step, each with its kind's template; the ":" answer is held
            // back by the guard (0). GRPO advantages over each prefix's continuations below.
            name: "slate",
            script: json!({
                "<response>\nSpirited Away director": "verdict 9",
                "<response>\nfamous Japanese": "verdict 2",
                "<response>\nThe director is Hayao": "verdict 8",
                "<response>\nThe director was born in 2001": "verdict 1",
                "<response>\n1941": "verdict 10",
            }),
            want: vec![
                ("query_targeted", "ok", 0.9),
                ("query_vague", "ok", 0.2),
                ("step_grounded", "ok", 0.8),
                ("step_unsupported", "ok", 0.1),
                ("answer_right", "ok", 1.0),
                ("answer_master_key", "ok", 0.0),
            ],
            chat_calls: 5,
            rm_calls: 0,
        },
        Recipe {
            // (granularity + order + judged fidelity) / 3: the faithful protocol matches every
            // step in order; the paraphrase matches 3 of 4 steps lexically, and the judge
            // credits its meaning; the swapped, wrong-condition protocol keeps its steps but
            // loses order and fidelity.
            name: "thoth",
            script: json!({
                "Transfer 5 ml of the overnight culture into": "verdict 9",
                "Pour the 5 ml culture": "verdict 8",
                "400 g for 1 min": "verdict 2",
            }),
            want: vec![
                ("faithful", "ok", (2.0 * 1.0 + 0.9) / 3.0),
                ("paraphrased", "ok", (2.0 * 0.75 + 0.8) / 3.0),
                ("wrong_order", "ok", (2.0 * 0.875 + 0.2) / 3.0),
            ],
            chat_calls: 3,
            rm_calls: 0,
        },
        Recipe {
            // accuracy + observation: the same right answer earns 2 on grounded observations,
            // 1 on hallucinated ones; no tags, no judge call.
            name: "rewatch_r1",
            script: json!({
                "lifts out a carton of eggs": "reply The eggs come from the middle shelf, as captioned.\nYES",
                "His phone rings": "reply The caption has no phone and no woman.\nNO",
            }),
            want: vec![
                ("grounded", "ok", 2.0),
                ("hallucinated", "ok", 1.0),
                ("unformatted", "ok", 1.0),
            ],
            chat_calls: 2,
            rm_calls: 0,
        },
    ]
}

fn recipe<'a>(recipes: &'a [Recipe], name: &str) -> &'a Recipe {
    recipes.iter().find(|r| r.name == name).unwrap()
}

#[test]
fn every_paper_recipe_scores_its_samples_against_the_test_judge() {
    let peer = Peer::start(&[]);
    let recipes = recipes();

    // Every recipe shipped is scored here.
    let mut shipped: Vec<String> = std::fs::read_dir(root().join("examples/papers"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().and_then(|e| e.to_str()) == Some("yaml"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    shipped.sort();
    let mut tested: Vec<String> = recipes.iter().map(|r| r.name.to_string()).collect();
    tested.sort();
    assert_eq!(
        shipped, tested,
        "examples/papers/*.yaml and the recipes tested"
    );

    for recipe in &recipes {
        peer.reset();
        peer.script(&recipe.script);
        let results = score(&peer, recipe.name);
        let got: Vec<(String, String, f64)> = results
            .iter()
            .map(|r| {
                (
                    r["id"].as_str().unwrap().to_string(),
                    r["status"].as_str().unwrap().to_string(),
                    r["reward"].as_f64().unwrap(),
                )
            })
            .collect();
        let want: Vec<(String, String, f64)> = recipe
            .want
            .iter()
            .map(|(id, status, reward)| (id.to_string(), status.to_string(), *reward))
            .collect();
        assert_eq!(
            got, want,
            "{}: rewards (results: {results:#?})",
            recipe.name
        );
        assert_eq!(
            peer.requests_to("/v1/chat/completions").len(),
            recipe.chat_calls,
            "{}: chat calls",
            recipe.name
        );
        assert_eq!(
            peer.requests_to("/get_reward").len(),
            recipe.rm_calls,
            "{}: reward-model calls",
            recipe.name
        );
        // A response the guard or the format gate holds back is skipped, not judged.
        for r in &results {
            for (component, d) in r["details"].as_object().into_iter().flatten() {
                if let Some(skipped) = d.get("skipped") {
                    assert!(
                        skipped.as_str().unwrap().starts_with("when: "),
                        "{}/{}: {component}: {d}",
                        recipe.name,
                        r["id"]
                    );
                }
            }
        }
    }

    // What the judges saw, where the recipe's reading depends on it.
    peer.reset();
    peer.script(&recipe(&recipes, "cdrrm").script);
    let cdrrm = score(&peer, "cdrrm");
    let biased = cdrrm.iter().find(|r| r["id"] == "position_biased").unwrap();
    assert_eq!(
        biased["details"]["preference"]["position_disagreement"],
        true
    );
    let prompts = peer.prompts();
    assert!(prompts
        .iter()
        .all(|p| p.contains("Rubric (the factors that decide this comparison):\n1. ")));
    // The policy's response is A in one call and B in the other, for every judged sample.
    for start in ["Yellow basil", "Plants are", "Hold the reset"] {
        let a = prompts
            .iter()
            .filter(|p| p.contains(&format!("<response_a>\n{start}")))
            .count();
        let b = prompts
            .iter()
            .filter(|p| p.contains(&format!("<response_b>\n{start}")))
            .count();
        assert_eq!((a, b), (1, 1), "{start}");
    }

    // SALMON's principles are edited per route: only the `concise` route's call carries the
    // added principle.
    peer.reset();
    peer.script(&recipe(&recipes, "salmon").script);
    score(&peer, "salmon");
    let concise: Vec<bool> = peer
        .prompts()
        .iter()
        .map(|p| p.contains("Concise: no filler"))
        .collect();
    assert_eq!(concise.iter().filter(|c| **c).count(), 1, "{concise:?}");

    // DLER's batch-wise normalisation: r minus the group mean (±0.5 in q1, 0 in q2), divided
    // by the batch's standard deviation of those (√0.2, sample) plus eps; the all-equal group
    // is flagged for dynamic sampling to drop.
    let dler = score(&peer, "dler");
    let adv: Vec<(f64, bool)> = dler
        .iter()
        .map(|r| {
            (
                r["advantage"].as_f64().unwrap(),
                r["zero_variance"].as_bool().unwrap(),
            )
        })
        .collect();
    let a = 0.5 / (0.2f64.sqrt() + 1e-6);
    assert_eq!(
        adv,
        vec![
            (a, false),
            (-a, false),
            (-a, false),
            (a, false),
            (0.0, true),
            (0.0, true)
        ]
    );

    // SLATE: the continuations of one prefix are compared with each other (GRPO within the
    // prefix's group): the better query, step and answer get the positive advantage.
    peer.reset();
    peer.script(&recipe(&recipes, "slate").script);
    let slate = score(&peer, "slate");
    let signs: Vec<bool> = slate
        .iter()
        .map(|r| r["advantage"].as_f64().unwrap() > 0.0)
        .collect();
    assert_eq!(signs, vec![true, false, true, false, true, false]);

    // DECS: one reward per token of `meta.token_offsets`: 0 up to the sentence that concludes
    // 72 (tokens 0–16), −0.5/31 on each of the 15 redundant reasoning tokens (17–31: the
    // "\n\n" after it onwards), 0 on `</think>` and the boxed answer.
    let decs = score(&peer, "decs");
    let tokens = &decs[1]["details"]["redundant"]["token_rewards"];
    let mut want = vec![0.0; 34];
    want[17..32].fill(-0.5 / 31.0);
    assert_eq!(tokens, &json!(want));
    assert_eq!(
        decs[0]["details"]["redundant"]["token_rewards"],
        json!(vec![0.0; 19])
    );

    // PRL: the per-step rewards and where each step ends, and the KL-regularised return.
    let prl = score(&peer, "prl");
    let right = &prl[0]["details"]["process"];
    assert_eq!(right["step_rewards"], json!([0.625, 0.4375]));
    assert_eq!(right["step_ends"], json!([4, 8]));
    assert_eq!(right["regularized_return"], json!(1.0625));

    // SALT: each step's advantage along the rollout's own edge of the graph.
    let salt = score(&peer, "salt");
    assert_eq!(
        salt[1]["details"]["credit"]["step_advantages"],
        json!([-0.25, 0.25])
    );
    assert_eq!(salt[0]["advantage"], json!(0.25));
}
