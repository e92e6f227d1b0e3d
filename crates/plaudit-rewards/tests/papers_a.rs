//! Issue 19, part A: the paper mechanisms `entity_match` (E-GRPO), `redundancy_penalty` (DECS),
//! `keyword_chain` (RLVRR), `protocol_match` (Thoth / SciRecipe) and `meteor` (SuperHF), each
//! against values worked out by hand (or, for `meteor`, computed with NLTK 3.9's
//! `meteor_score` with exact matching only), and against the hacks a policy could find.

use plaudit_core::{Ctx, Deadline, Failure, Score, Status};
use serde_json::{json, Value};

/// Score one example (`params`, `components`, `sample`, as in the documentation's examples).
fn run(name: &str, ex: Value) -> Result<Score, Failure> {
    let info = plaudit_rewards::all()
        .into_iter()
        .find(|i| i.name == name)
        .unwrap_or_else(|| panic!("no reward `{name}`"));
    let (reward, values) = info
        .build_example(&ex)
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    let sample = plaudit_core::Sample::from_value(ex["sample"].clone()).unwrap();
    let d = Deadline::none();
    reward.score(&sample, &Ctx::new(&d, &values))
}

fn value(name: &str, ex: Value) -> f64 {
    match run(name, ex.clone()) {
        Ok(s) => s.value,
        Err(f) => panic!("{name}: {ex} failed: {f:?}"),
    }
}

fn details(name: &str, ex: Value) -> Value {
    run(name, ex).unwrap().details.unwrap()
}

fn failure(name: &str, ex: Value) -> Failure {
    match run(name, ex.clone()) {
        Ok(s) => panic!("{name}: {ex} gave {}", s.value),
        Err(f) => f,
    }
}

fn close(got: f64, want: f64) {
    assert!((got - want).abs() < 1e-12, "got {got}, expected {want}");
}

/// The spec error of building `name` with `params` (components: `correct`).
fn build_error(name: &str, params: Value) -> String {
    let info = plaudit_rewards::all()
        .into_iter()
        .find(|i| i.name == name)
        .unwrap();
    match info.build_example(&json!({"params": params, "components": {"correct": 1.0}})) {
        Ok(_) => panic!("{name} builds with {params}"),
        Err(e) => e,
    }
}

// ---------------------------------------------------------------------------------------------
// entity_match

const QUESTION: &str = "Who designed the tower built for the 1889 World's Fair?";

fn entities() -> Value {
    json!([
        "Eiffel Tower",
        "Paris",
        "1889 World's Fair",
        "Gustave Eiffel"
    ])
}

fn em(correct: f64, response: &str, params: Value) -> f64 {
    value(
        "entity_match",
        json!({"params": params, "components": {"correct": correct}, "sample": {
            "prompt": QUESTION, "response": response,
            "reference": {"answer": "Gustave Eiffel", "entities": entities()}}}),
    )
}

#[test]
fn entity_match_gives_wrong_answers_their_entity_share() {
    // The prompt names "1889 World's Fair": 3 entities count. 2 named → 0.5 · 2/3.
    let r = "The Eiffel Tower stands in Paris. <answer>Sauvestre</answer>";
    close(em(0.0, r, json!({})), 0.5 * 2.0 / 3.0);
    close(em(0.0, r, json!({"weight": 0.3})), 0.3 * 2.0 / 3.0);
    // Without the prompt exclusion: 2 of 4.
    close(em(0.0, r, json!({"exclude_prompt": false})), 0.25);
    // A correct answer is 1 whatever it names; the correctness threshold is the parameter's.
    close(em(1.0, "<answer>Gustave Eiffel</answer>", json!({})), 1.0);
    close(em(0.7, r, json!({})), 1.0);
    close(em(0.7, r, json!({"threshold": 0.9})), 0.5 * 2.0 / 3.0);
    let d = details(
        "entity_match",
        json!({"components": {"correct": 0.0}, "sample": {"prompt": QUESTION, "response": r,
            "reference": {"answer": "Gustave Eiffel", "entities": entities()}}}),
    );
    assert_eq!(d["matched"], json!(["eiffel tower", "paris"]));
    assert_eq!(
        (d["entities"].clone(), d["in_prompt"].clone()),
        (json!(3), json!(1))
    );
}

#[test]
fn entity_match_reads_whole_words_and_aliases() {
    let one = |response: &str, ents: Value| {
        value(
            "entity_match",
            json!({"params": {"weight": 0.5}, "components": {"correct": 0.0},
                "sample": {"response": response, "reference": {"entities": ents}}}),
        )
    };
    close(one("a comparison of cities", json!(["Paris"])), 0.0);
    close(one("a Paris-based firm", json!(["Paris"])), 0.5);
    close(one("PARIS!", json!(["paris"])), 0.5);
    close(one("the U.S.-based firm", json!(["U.S."])), 0.5);
    // Both aliases named: the entity counts once.
    close(
        one(
            "USA, the United States",
            json!([["USA", "United States"], "Ohio"]),
        ),
        0.25,
    );
    // Entities from `meta` and under another key.
    close(
        value(
            "entity_match",
            json!({"components": {"correct": 0.0}, "sample": {"response": "Paris",
                "reference": "Gustave Eiffel", "meta": {"entities": ["Paris", "Lyon"]}}}),
        ),
        0.25,
    );
    close(
        value(
            "entity_match",
            json!({"params": {"entities_field": "gold"}, "components": {"correct": 0.0},
                "sample": {"response": "Paris", "reference": {"gold": ["Paris"]}}}),
        ),
        0.5,
    );
}

#[test]
fn entity_match_resists_copying_the_question_and_the_tool_output() {
    // Restating the question names only prompt entities: nothing counts.
    close(em(0.0, QUESTION, json!({})), 0.0);
    // Entities the search engine printed are not the agent's.
    let pasted = "<search>1889 tower</search><information>Doc 1: The Eiffel Tower in Paris \
                  was designed by Gustave Eiffel's company.</information><answer>?</answer>";
    close(em(0.0, pasted, json!({})), 0.0);
    let unclosed = "<tool_response>Eiffel Tower, Paris, Gustave Eiffel";
    close(em(0.0, unclosed, json!({})), 0.0);
    // The same names in the agent's own words count.
    close(
        em(
            0.0,
            "<think>So the Eiffel Tower in Paris, by Gustave Eiffel?</think><answer>no</answer>",
            json!({}),
        ),
        0.5,
    );
    // Naming every entity with a wrong answer earns `weight`, never a correct answer's 1.
    let stuffed = "Eiffel Tower Paris Gustave Eiffel 1889 World's Fair <answer>Sauvestre</answer>";
    close(em(0.0, stuffed, json!({"weight": 0.99})), 0.99);
    assert!(
        build_error("entity_match", json!({"weight": 1.0})).contains("`weight` must be in [0, 1)")
    );
}

#[test]
fn entity_match_needs_its_entities_and_correctness() {
    let st = |reference: Value| {
        failure(
            "entity_match",
            json!({"components": {"correct": 0.0},
                "sample": {"response": "Paris", "reference": reference}}),
        )
    };
    let f = st(json!("Paris"));
    assert_eq!(f.status, Status::InvalidInput);
    assert!(f.message.contains("reference.entities"), "{}", f.message);
    for bad in [
        json!([]),
        json!([3]),
        json!(["the"]),
        json!([[]]),
        json!("Paris"),
    ] {
        let f = st(json!({"entities": bad}));
        assert_eq!(f.status, Status::InvalidInput, "{bad}: {}", f.message);
    }
    // A correct sample without entities fails too: the dataset is wrong either way.
    let f = failure(
        "entity_match",
        json!({"components": {"correct": 1.0}, "sample": {"response": "x", "reference": "x"}}),
    );
    assert_eq!(f.status, Status::InvalidInput);
    // The correctness component failed for this sample.
    let f = failure(
        "entity_match",
        json!({"components": {"correct": null},
            "sample": {"response": "x", "reference": {"entities": ["x"]}}}),
    );
    assert_eq!(f.status, Status::Error);
}

// ---------------------------------------------------------------------------------------------
// redundancy_penalty

/// 5 + 11 + 11 words; the answer is concluded in the second paragraph.
const GSM: &str = "<think>Half of 48 is 24.\n\nSo 48 + 24 = 72, and the answer is 72.\n\n\
                   Wait, let me double check: 24 + 48 = 72. Yes.</think>The answer is \\boxed{72}.";

fn rp(response: &str, reference: Value, params: Value) -> f64 {
    value(
        "redundancy_penalty",
        json!({"params": params, "sample": {"response": response, "reference": reference}}),
    )
}

#[test]
fn redundancy_penalty_counts_what_follows_the_answer() {
    close(rp(GSM, json!("#### 72"), json!({})), -11.0 / 27.0);
    close(
        rp(GSM, json!("#### 72"), json!({"weight": 0.5})),
        -0.5 * 11.0 / 27.0,
    );
    close(
        rp(
            GSM,
            json!("#### 72"),
            json!({"measure": "count", "weight": 0.01, "budget": 5}),
        ),
        -0.06,
    );
    close(
        rp(
            GSM,
            json!("#### 72"),
            json!({"measure": "count", "budget": 11}),
        ),
        0.0,
    );
    // Non-whitespace characters: 13 + 28 + 35.
    close(
        rp(GSM, json!("#### 72"), json!({"unit": "chars"})),
        -35.0 / 76.0,
    );
    // Any of several references, a boxed reference, a number, {"answer": …}.
    close(rp(GSM, json!(["70", "72"]), json!({})), -11.0 / 27.0);
    close(rp(GSM, json!("so $\\boxed{72}$"), json!({})), -11.0 / 27.0);
    close(rp(GSM, json!(72), json!({})), -11.0 / 27.0);
    close(rp(GSM, json!({"answer": "72.0"}), json!({})), -11.0 / 27.0);
    let d = details(
        "redundancy_penalty",
        json!({"sample": {"response": GSM, "reference": "72"}}),
    );
    assert_eq!(
        d,
        json!({"reached_at": 1, "redundant": 11, "reasoning": 27})
    );
}

#[test]
fn redundancy_penalty_detection_and_region() {
    // Never reached (a wrong answer throughout): no penalty.
    close(rp(GSM, json!("73"), json!({})), 0.0);
    // `mention` reaches 72 in "= 72," of the second paragraph too; here the first mention is a
    // guess in the first sentence, which `conclusion` does not count. Words 6 + 11 + 5: after
    // the guess "Is it 72?", 3 + 11 + 5 are redundant; after its paragraph, 11 + 5.
    let guess = "<think>Is it 72? Let me compute.\n\n48 / 2 = 24, and 48 + 24 = 72.\n\n\
                 So the answer is 72.</think>\\boxed{72}";
    close(rp(guess, json!("72"), json!({})), 0.0);
    close(
        rp(guess, json!("72"), json!({"detect": "mention"})),
        -19.0 / 22.0,
    );
    close(
        rp(
            guess,
            json!("72"),
            json!({"detect": "mention", "split": "paragraph"}),
        ),
        -16.0 / 22.0,
    );
    // `mention` needs a whole number: 720, 7.2, -72, 72.5 are not 72.
    let near = "<think>720 or 7.2 or -72 or 72.5?\n\nmore\n\nmore</think>";
    close(rp(near, json!("72"), json!({"detect": "mention"})), 0.0);
    // The answer as a number: "answer: 1,000.0" is 1000.
    let big = "<think>Final answer: 1,000.0\n\ncheck check</think>";
    close(rp(big, json!("1000"), json!({})), -2.0 / 5.0);
    // Verification moved after </think>: outside the default region, inside `region: response`.
    let moved = "<think>So the answer is 72.</think>\n\nLet me verify: 48 + 24 = 72.\n\nDone.";
    close(rp(moved, json!("72"), json!({})), 0.0);
    close(
        rp(moved, json!("72"), json!({"region": "response"})),
        -9.0 / 14.0,
    );
    // An unclosed <think> (cut off mid-reasoning) is all reasoning.
    let cut = "<think>The answer is 72.\n\nBut wait, maybe";
    close(rp(cut, json!("72"), json!({})), -3.0 / 7.0);
    // Another delimiter: one step per line.
    let lines = "<think>a\nthe answer is 72\nb c\nd</think>";
    close(
        rp(lines, json!("72"), json!({"delimiter": "\n"})),
        -3.0 / 8.0,
    );
}

#[test]
fn redundancy_penalty_grows_with_padding_after_the_answer() {
    let mut last = 0.0;
    for pad in 1..6 {
        let r = format!(
            "<think>The answer is 72.{}</think>72",
            "\n\nLet me double-check that once more.".repeat(pad)
        );
        let v = rp(&r, json!("72"), json!({}));
        assert!(v < last, "{pad}: {v} not below {last}");
        last = v;
    }
}

#[test]
fn redundancy_penalty_needs_a_reference_and_sane_parameters() {
    for reference in [Value::Null, json!(""), json!([]), json!({"steps": []})] {
        let f = failure(
            "redundancy_penalty",
            json!({"sample": {"response": GSM, "reference": reference}}),
        );
        assert_eq!(f.status, Status::InvalidInput, "{reference}");
    }
    assert!(build_error("redundancy_penalty", json!({"delimiter": ""})).contains("delimiter"));
    assert!(build_error("redundancy_penalty", json!({"weight": -1})).contains("≥ 0"));
}

// ---------------------------------------------------------------------------------------------
// keyword_chain

const RECIPE: &str = "Preheat the oven, mix flour and butter, then bake for 20 minutes.";

fn recipe_keywords() -> Value {
    json!([
        "preheat",
        "oven",
        "mix",
        "flour",
        "butter",
        "bake",
        "20 minutes"
    ])
}

fn kc(response: &str, reference: Value, params: Value) -> f64 {
    value(
        "keyword_chain",
        json!({"params": params, "sample": {"response": response, "reference": reference}}),
    )
}

#[test]
fn keyword_chain_credits_coverage_and_order() {
    let reference = json!({"answer": RECIPE, "keywords": recipe_keywords()});
    let shuffled = "Bake for 20 minutes after you mix flour and butter; preheat the oven first.";
    // All 7 present; the longest in-order chain is mix, flour, butter.
    close(
        kc(shuffled, reference.clone(), json!({})),
        0.5 + 0.5 * 3.0 / 7.0,
    );
    close(
        kc(shuffled, reference.clone(), json!({"order_weight": 1.0})),
        3.0 / 7.0,
    );
    close(
        kc(shuffled, reference.clone(), json!({"order_weight": 0.0})),
        1.0,
    );
    close(
        kc(shuffled, reference.clone(), json!({"order_weight": 0.25})),
        0.75 + 0.25 * 3.0 / 7.0,
    );
    // A keyword met before and after others: the chain uses the occurrence that fits.
    close(
        kc(
            "bake, preheat oven, mix flour butter, bake 20 minutes",
            reference.clone(),
            json!({}),
        ),
        1.0,
    );
    let d = details(
        "keyword_chain",
        json!({"sample": {"response": "Mix flour, then bake.", "reference": reference}}),
    );
    assert_eq!(d["found"], json!(["mix", "flour", "bake"]));
    close(d["coverage"].as_f64().unwrap(), 3.0 / 7.0);
    close(d["order"].as_f64().unwrap(), 3.0 / 7.0);
}

#[test]
fn keyword_chain_repeated_keywords_and_aliases() {
    // Listed twice, found once: it counts once in the chain, and fully in coverage.
    let reference = json!({"keywords": ["stir", "heat", "stir"]});
    close(
        kc("stir then heat", reference.clone(), json!({})),
        0.5 + 0.5 * 2.0 / 3.0,
    );
    close(kc("stir, heat, stir again", reference, json!({})), 1.0);
    let aliases = json!({"keywords": [["centrifuge", "spin down"], "wash"]});
    close(kc("Spin down, then wash.", aliases.clone(), json!({})), 1.0);
    close(
        kc("wash, then spin down", aliases, json!({})),
        0.5 + 0.5 * 0.5,
    );
}

#[test]
fn keyword_chain_resists_stuffing_and_spraying() {
    let reference = json!({"answer": RECIPE, "keywords": recipe_keywords()});
    let good = "Preheat the oven. Mix the flour with butter and bake for 20 minutes.";
    close(kc(good, reference.clone(), json!({})), 1.0);
    // Repeating the keywords earns nothing more than saying them once.
    let repeated = format!("{good} {good} {good}");
    close(kc(&repeated, reference.clone(), json!({})), 1.0);
    // Spraying vocabulary: the reference has 11 words; 3·11 = 33 are allowed, 3 + 7 + 60 given.
    let spray = format!(
        "Preheat oven mix flour butter bake 20 minutes {}",
        "whisk sift fold knead proof chill roll glaze cool serve ".repeat(6)
    );
    let n = 8 + 60;
    close(kc(&spray, reference.clone(), json!({})), 33.0 / n as f64);
    close(
        kc(&spray, reference.clone(), json!({"max_length_ratio": 10.0})),
        1.0,
    );
    // Without a reference text there is no length guard (the documentation says so).
    close(
        kc(&spray, json!({"keywords": recipe_keywords()}), json!({})),
        1.0,
    );
    // Keywords inside a longer word do not count.
    close(
        kc(
            "preheated ovens mixing",
            json!({"keywords": ["preheat", "oven", "mix"]}),
            json!({}),
        ),
        0.0,
    );
}

#[test]
fn keyword_chain_needs_keywords() {
    for reference in [
        json!("Preheat the oven."),
        json!({"answer": "x"}),
        json!({"keywords": []}),
        json!({"keywords": "oven"}),
        json!({"keywords": ["oven", 3]}),
        json!({"keywords": ["!!"]}),
    ] {
        let f = failure(
            "keyword_chain",
            json!({"sample": {"response": "oven", "reference": reference}}),
        );
        assert_eq!(f.status, Status::InvalidInput, "{reference}: {}", f.message);
    }
    close(
        value(
            "keyword_chain",
            json!({"params": {"keywords_field": "chain"}, "sample": {"response": "oven",
                "reference": "x", "meta": {"chain": ["oven", "bake"]}}}),
        ),
        0.5,
    );
}

// ---------------------------------------------------------------------------------------------
// protocol_match

fn protocol() -> Value {
    json!({"steps": [
        "Centrifuge the sample at 5000 g for 10 min",
        "Discard the supernatant",
        "Resuspend the pellet in PBS",
    ]})
}

fn pm(response: &str, params: Value) -> f64 {
    value(
        "protocol_match",
        json!({"params": params, "sample": {"response": response, "reference": protocol()}}),
    )
}

const EXACT: &str = "1. Centrifuge the sample at 5000 g for 10 min\n2. Discard the supernatant\n\
                     3. Resuspend the pellet in PBS";

#[test]
fn protocol_match_terms() {
    close(pm(EXACT, json!({})), 1.0);
    // Swapped first two steps: every step matched, the in-order chain is 2 of 3.
    let swapped = "1. Discard the supernatant\n2. Centrifuge the sample at 5000 g for 10 min\n\
                   3. Resuspend the pellet in PBS";
    close(pm(swapped, json!({})), (1.0 + 2.0 / 3.0 + 1.0) / 3.0);
    close(
        pm(
            swapped,
            json!({"granularity_weight": 0, "fidelity_weight": 0}),
        ),
        2.0 / 3.0,
    );
    // A missing step: 2 matched of 3 reference steps.
    let missing = "1. Centrifuge the sample at 5000 g for 10 min\n2. Resuspend the pellet in PBS";
    close(pm(missing, json!({})), 2.0 / 3.0);
    // Paraphrases: word F1 0.75, 0.5 and 8/9 (see the documentation's example).
    let para = "1. Spin the sample at 5000 g for 10 minutes\n2. Remove the supernatant\n\
                3. Resuspend pellet in PBS buffer";
    let fid = (0.75 + 0.5 + 2.0 * 0.8 / 1.8) / 3.0;
    close(pm(para, json!({})), (2.0 + fid) / 3.0);
    // "Remove the supernatant" (0.5) falls below a stricter threshold.
    let fid2 = (0.75 + 2.0 * 0.8 / 1.8) / 3.0;
    close(
        pm(para, json!({"min_similarity": 0.6})),
        (2.0 / 3.0 + 2.0 / 3.0 + fid2) / 3.0,
    );
    let d = details(
        "protocol_match",
        json!({"sample": {"response": swapped, "reference": protocol()}}),
    );
    assert_eq!(d["matched"], json!([[0, 1, 1.0], [1, 0, 1.0], [2, 2, 1.0]]));
    assert_eq!(
        (d["reference_steps"].clone(), d["response_steps"].clone()),
        (json!(3), json!(3))
    );
}

#[test]
fn protocol_match_resists_structure_without_content() {
    // The right number of steps, none of them the protocol's: nothing.
    close(
        pm(
            "1. Label tubes\n2. Wear gloves\n3. Clean the bench",
            json!({}),
        ),
        0.0,
    );
    // Padding a correct protocol with extra steps costs granularity only.
    let padded = format!("{EXACT}\n4. Label tubes\n5. Wear gloves\n6. Clean the bench");
    close(pm(&padded, json!({})), (0.5 + 1.0 + 1.0) / 3.0);
    // Repeating a step does not match it twice.
    let repeated =
        "1. Discard the supernatant\n2. Discard the supernatant\n3. Discard the supernatant";
    close(
        pm(repeated, json!({})),
        (1.0 / 3.0 + 1.0 / 3.0 + 1.0 / 3.0) / 3.0,
    );
    // Merging all steps into one: it matches at most one reference step (F1 of 8 words in 14).
    let merged = "1. Centrifuge the sample at 5000 g for 10 min, discard the supernatant, \
                  resuspend the pellet in PBS";
    let f1 = 2.0 * (8.0 / 14.0) * 1.0 / (8.0 / 14.0 + 1.0);
    close(
        pm(merged, json!({})),
        (1.0 / 3.0 + 1.0 / 3.0 + f1 / 3.0) / 3.0,
    );
    // Steps in the reasoning only do not count.
    let f = failure(
        "protocol_match",
        json!({"sample": {"response": format!("<think>{EXACT}</think>Done."), "reference": protocol()}}),
    );
    assert_eq!(f.status, Status::NoAnswer);
    let f = failure(
        "protocol_match",
        json!({"sample": {"response": format!("<think>{EXACT}"), "reference": protocol()}}),
    );
    assert_eq!(f.status, Status::NoAnswer);
}

#[test]
fn protocol_match_reference_forms() {
    close(
        value(
            "protocol_match",
            json!({"sample": {"response": EXACT, "reference": EXACT}}),
        ),
        1.0,
    );
    close(
        value(
            "protocol_match",
            json!({"sample": {"response": EXACT, "reference": {"answer": EXACT}}}),
        ),
        1.0,
    );
    for reference in [
        Value::Null,
        json!("no numbers here"),
        json!({"steps": []}),
        json!({"steps": "1. x"}),
        json!({"steps": ["a", 2]}),
    ] {
        let f = failure(
            "protocol_match",
            json!({"sample": {"response": EXACT, "reference": reference}}),
        );
        assert_eq!(f.status, Status::InvalidInput, "{reference}");
    }
    assert!(build_error(
        "protocol_match",
        json!({"granularity_weight": 0, "order_weight": 0, "fidelity_weight": 0})
    )
    .contains("must not all be 0"));
}

// ---------------------------------------------------------------------------------------------
// meteor

fn mt(response: &str, reference: Value, params: Value) -> f64 {
    value(
        "meteor",
        json!({"params": params, "sample": {"response": response, "reference": reference}}),
    )
}

#[test]
fn meteor_by_hand() {
    // 6 of 6 aligned in one chunk: Fmean 1, penalty 0.5·(1/6)³.
    close(
        mt(
            "the cat sat on the mat",
            json!("the cat sat on the mat"),
            json!({}),
        ),
        1.0 - 0.5 / 216.0,
    );
    // Reversed: 6 chunks of one, penalty 0.5.
    close(mt("f e d c b a", json!("a b c d e f"), json!({})), 0.5);
    // 6 of 8 aligned (P = 3/4, R = 1), 3 chunks: Fmean = PR / (0.9P + 0.1R).
    let (p, r) = (0.75, 1.0);
    let fmean = p * r / (0.9 * p + 0.1 * r);
    close(
        mt("a b x c d y e f", json!("a b c d e f"), json!({})),
        (1.0 - 0.5 * 0.125) * fmean,
    );
    // No alignment, or no words: 0.
    close(mt("x y", json!("a b"), json!({})), 0.0);
    close(mt("", json!("a b"), json!({})), 0.0);
    close(mt("a b", json!("  "), json!({})), 0.0);
}

#[test]
fn meteor_matches_nltk_exact_stage() {
    // nltk.translate.meteor_score.meteor_score([ref.split() …], hyp.split(),
    // stemmer=<identity>, wordnet=<no synsets>), NLTK 3.9 / 3.10.
    let cases: &[(&str, Value, Value, f64)] = &[
        (
            "It is a guide to action that ensures that the military will forever heed Party commands",
            json!("It is a guide to action which ensures that the military always obeys the commands of the party"),
            json!({}),
            0.6320224719101123,
        ),
        ("the cat the the", json!("the the the cat"), json!({}), 0.7890625),
        ("f e d c b a", json!("a b c d e f"), json!({}), 0.5),
        ("a b x c d y e f", json!("a b c d e f"), json!({}), 0.907258064516129),
        (
            "a b x c d y e f",
            json!("a b c d e f"),
            json!({"alpha": 0.5, "beta": 2, "gamma": 0.3}),
            0.7928571428571428,
        ),
        ("über straße σοφος", json!("Über Straße ΣΟΦΟΣ"), json!({}), 0.9814814814814815),
        (
            "one two three four",
            json!(["one two three", "three two one"]),
            json!({}),
            0.9498207885304659,
        ),
        ("the cat was on the mat", json!("the cat sat on the mat"), json!({}), 0.8066666666666668),
        ("The cat sat on the mat.", json!("the cat sat on the mat"), json!({}), 0.8300000000000002),
        ("", json!("x y z"), json!({}), 0.0),
    ];
    for (hyp, reference, params, want) in cases {
        let got = mt(hyp, reference.clone(), params.clone());
        assert!(
            (got - want).abs() < 1e-12,
            "{hyp:?} vs {reference}: {got}, NLTK {want}"
        );
    }
}

#[test]
fn meteor_options() {
    // `words` drops punctuation: "mat." aligns with "mat".
    close(
        mt(
            "The cat sat on the mat.",
            json!("the cat sat on the mat"),
            json!({"tokenize": "words"}),
        ),
        1.0 - 0.5 / 216.0,
    );
    // The extracted answer only.
    close(
        mt(
            "Let me think. <answer>a b</answer>",
            json!("a b"),
            json!({"extract": "answer_tag"}),
        ),
        1.0 - 0.5 / 8.0,
    );
    let f = failure(
        "meteor",
        json!({"params": {"extract": "answer_tag"}, "sample": {"response": "a b", "reference": "a b"}}),
    );
    assert_eq!(f.status, Status::NoAnswer);
    let f = failure("meteor", json!({"sample": {"response": "a b"}}));
    assert_eq!(f.status, Status::InvalidInput);
    assert!(build_error("meteor", json!({"alpha": 1.5})).contains("alpha"));
    // Repeating the reference's words lowers precision: no gain from stuffing.
    let once = mt("the cat sat", json!("the cat sat"), json!({}));
    let stuffed = mt(
        "the cat sat the cat sat the cat sat",
        json!("the cat sat"),
        json!({}),
    );
    assert!(stuffed < once, "{stuffed} ≥ {once}");
}

// ---------------------------------------------------------------------------------------------
// Deadlines

/// The status of scoring `ex` with a deadline that has already passed.
fn expired_status(name: &str, ex: Value) -> Status {
    let info = plaudit_rewards::all()
        .into_iter()
        .find(|i| i.name == name)
        .unwrap();
    let (reward, values) = info.build_example(&ex).unwrap();
    let sample = plaudit_core::Sample::from_value(ex["sample"].clone()).unwrap();
    let d = Deadline::after(std::time::Duration::ZERO);
    match reward.score(&sample, &Ctx::new(&d, &values)) {
        Ok(s) => panic!("{name}: scored {} past its deadline", s.value),
        Err(f) => f.status,
    }
}

#[test]
fn long_inputs_stop_at_the_deadline() {
    let steps: String = (1..=2000)
        .map(|i| format!("{i}. step number {i} of many\n"))
        .collect();
    let words: Vec<String> = (0..5000).map(|i| format!("w{i}")).collect();
    let text = words.join(" ");
    let cases = [
        (
            "protocol_match",
            json!({"sample": {"response": steps, "reference": steps}}),
        ),
        (
            "keyword_chain",
            json!({"sample": {"response": text, "reference": {"keywords": words}}}),
        ),
        (
            "entity_match",
            json!({"components": {"correct": 0.0},
                "sample": {"response": text, "reference": {"entities": words}}}),
        ),
        (
            "redundancy_penalty",
            json!({"sample": {"response": words.join("\n\n"), "reference": "x"}}),
        ),
        (
            "meteor",
            json!({"sample": {"response": text, "reference": text}}),
        ),
    ];
    for (name, ex) in cases {
        assert_eq!(expired_status(name, ex), Status::Timeout, "{name}");
    }
}
