//! The report over results kept in memory equals the report over the same results and input read
//! from files; `Figures` gives the report's trainer figures.

use plaudit_report::{build, build_kept, FigureSample, Figures, KeptSample, Options};
use serde_json::{json, Value};

fn data() -> (Vec<Value>, Vec<Value>) {
    let long = "x".repeat(5000);
    let inputs = vec![
        json!({"id": 1, "task": "math", "group": "g1", "prompt": "p1", "response": long, "reference": "4", "tokens": 7}),
        json!({"id": 2, "task": "math", "group": "g1", "prompt": "p2", "response": "<script>x</script>", "reference": "4", "tokens": 3}),
        json!({"id": 3, "task": "code", "group": "g2", "prompt": "p3", "response": "r", "reference": null, "tokens": 1}),
        json!({"id": 4, "task": "code", "group": "g2", "prompt": "p4", "response": "rr", "reference": null, "tokens": 2}),
    ];
    let results = vec![
        json!({"id": 1, "reward": 1.0, "components": {"correct": 1.0}, "status": "ok"}),
        json!({"id": 2, "reward": 0.0, "components": {"correct": 0.0}, "status": "ok"}),
        json!({"id": 3, "reward": 0.5, "components": {}, "status": "error", "error": "boom 3"}),
        json!({"id": 4, "reward": 0.5, "components": {}, "status": "ok"}),
    ];
    (results, inputs)
}

#[test]
fn kept_equals_files_and_figures_equal_the_report() {
    let (results, inputs) = data();
    let lines = |v: &[Value]| v.iter().map(|x| x.to_string() + "\n").collect::<String>();
    let (r, i) = (lines(&results), lines(&inputs));
    let opts = Options::default();
    let from_files = build(r.as_bytes(), Some(i.as_bytes()), &opts).unwrap();
    let kept: Vec<KeptSample> = inputs
        .iter()
        .map(|s| {
            KeptSample::new(
                &s["id"],
                s["task"].as_str(),
                s["group"].as_str(),
                s["prompt"].as_str().unwrap(),
                s["response"].as_str().unwrap(),
                &s["reference"],
                s["tokens"].as_u64(),
            )
        })
        .collect();
    let from_memory = build_kept(results.iter().zip(&kept), &opts).unwrap();
    assert_eq!(
        serde_json::to_value(&from_files).unwrap(),
        serde_json::to_value(&from_memory).unwrap()
    );
    assert!(from_memory.rollouts[0]
        .response
        .as_deref()
        .unwrap()
        .ends_with("… [2000 more characters]"));

    let mut f = Figures::new();
    for (r, s) in results.iter().zip(&inputs) {
        let comps = r["components"].as_object().unwrap();
        f.push(
            r["reward"].as_f64(),
            comps.iter().map(|(k, v)| (k.as_str(), v.as_f64().unwrap())),
            None,
            Some(FigureSample {
                group: s["group"].as_str(),
                tokens: s["tokens"].as_u64(),
            }),
        );
    }
    let t = f.trainers();
    assert_eq!(Value::Object(t.clone()), json!(from_files.stats.trainers));
    // g1: std of {1, 0} = 0.7071…; g2: {0.5, 0.5} has none.
    assert_eq!(t["reward"], json!(0.5));
    assert_eq!(t["frac_reward_zero_std"], json!(0.5));
    assert_eq!(t["reward_std"].as_f64().unwrap(), 0.5f64.sqrt() / 2.0);
}
