//! Issue 19, third part: the mechanisms added for HDPO (`cohort_efficiency`'s `form: zscore`),
//! Temporal-R1 (`temporal_iou`), A²TGPO (`turn_accumulate`), VideoRFT (`embedding_similarity`)
//! and Mixed-R1 (`bmas`), against values computed independently (numpy implementations of the
//! documented formulas, written here as literals), and against the ways a policy or a careless
//! trainer could game or break them.

use std::sync::Arc;

use plaudit_core::{Ctx, Deadline, GroupCtx, Member, Outcome, Params, Reward, Sample, Status};
use serde_json::{json, Value};

fn reward(name: &str, params: Value, components: &[&str]) -> Arc<dyn Reward> {
    let info = plaudit_rewards::all()
        .into_iter()
        .find(|i| i.name == name)
        .unwrap_or_else(|| panic!("no reward {name}"));
    let p = Params::from_json(info.params, &params, components).unwrap();
    (info.build)(&p).unwrap()
}

fn sample(v: Value) -> Sample {
    Sample::from_value(v).unwrap()
}

#[allow(dead_code)]
fn one(name: &str, params: Value, s: Value) -> Outcome {
    let d = Deadline::none();
    reward(name, params, &[]).score(&sample(s), &Ctx::new(&d, &[]))
}

/// Scores a group whose members carry the values of the components named in `components`.
fn group_with(
    name: &str,
    params: Value,
    components: &[&str],
    rows: Vec<(Value, Vec<Option<f64>>)>,
) -> Vec<Outcome> {
    let samples: Vec<Sample> = rows.iter().map(|(s, _)| sample(s.clone())).collect();
    let members: Vec<Member> = samples
        .iter()
        .zip(&rows)
        .map(|(s, (_, v))| Member {
            sample: s,
            values: v,
        })
        .collect();
    let d = Deadline::none();
    reward(name, params, components).score_group(&members, &GroupCtx::new(&d, Some("g")))
}

fn value(o: &Outcome) -> f64 {
    o.as_ref().unwrap_or_else(|f| panic!("{f:?}")).value
}

fn assert_values(got: &[Outcome], want: &[f64], tol: f64) {
    assert_eq!(got.len(), want.len());
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        let g = value(g);
        assert!((g - w).abs() <= tol, "member {i}: got {g}, want {w}");
    }
}

#[allow(dead_code)]
fn status(o: &Outcome) -> Status {
    o.as_ref().expect_err("a failure").status
}

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
