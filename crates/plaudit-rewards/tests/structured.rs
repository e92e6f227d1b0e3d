//! The default spec's structured routes (`gui`, `tool`, `sql`) end to end, through the engine:
//! values, statuses, and the hacks they must not reward, with many samples in one parallel batch.

use plaudit_core::{Engine, Status};
use serde_json::{json, Value};

fn engine() -> Engine {
    let reg = plaudit_rewards::registry();
    Engine::new(plaudit_rewards::default_spec(&reg))
}

const SETUP: &str = "CREATE TABLE singer(id INT, name TEXT, age INT); INSERT INTO singer VALUES (1, 'Ann', 30), (2, 'Bo', 41), (3, 'Cy', 35);";

#[test]
fn routes_score_their_tasks() {
    let samples = vec![
        json!({"id": 0, "task": "gui", "response": "click(120, 45)", "reference": {"box": [100, 30, 160, 60]}}),
        json!({"id": 1, "task": "gui", "response": "(3000, 45)", "reference": {"box": [100, 30, 160, 60], "image_size": [1920, 1080]}}),
        json!({"id": 2, "task": "tool", "response": "[f(a=1)]", "reference": {"calls": [{"name": "f", "arguments": {"a": 1}}]}}),
        json!({"id": 3, "task": "tool", "response": "[f(a=1), f(a=1)]", "reference": {"calls": [{"name": "f", "arguments": {"a": 1}}]}}),
        json!({"id": 4, "task": "tool", "response": "{\"name\": \"f\"", "reference": {"calls": []}}),
        json!({"id": 5, "task": "sql", "response": "```sql\nSELECT name, age FROM singer WHERE age > 31\n```", "reference": {"sql": "SELECT name, age FROM singer WHERE age > 31", "setup": SETUP}}),
        json!({"id": 6, "task": "sql", "response": "```sql\nSELECT * FROM singer WHERE age > 31\n```", "reference": {"sql": "SELECT name, age FROM singer WHERE age > 31", "setup": SETUP}}),
        json!({"id": 7, "task": "sql", "response": "```sql\nDROP TABLE singer\n```", "reference": {"sql": "SELECT name FROM singer", "setup": SETUP}}),
        json!({"id": 8, "task": "sql", "response": "```sql\nSELECT name FROM singer\n```", "reference": {"sql": "SELECT name FROM singer", "setup": SETUP}}),
        json!({"id": 9, "task": "sql", "response": "SELECT 1", "reference": {"sql": "SELECT 1"}}),
    ];
    let results = engine().score_values(samples).unwrap();
    let got: Vec<(f64, Status)> = results.iter().map(|r| (r.reward, r.status)).collect();
    assert_eq!(
        got,
        vec![
            (1.0, Status::Ok),
            (0.0, Status::NoAnswer),
            (1.0, Status::Ok),
            (0.0, Status::Ok),
            (0.0, Status::NoAnswer),
            (1.0, Status::Ok),
            (0.0, Status::Ok),
            (0.0, Status::Ok),
            (1.0, Status::Ok),
            (0.0, Status::InvalidInput),
        ]
    );
    assert!(results[1]
        .error
        .as_deref()
        .unwrap()
        .contains("outside the screen"));
    assert!(results[9]
        .error
        .as_deref()
        .unwrap()
        .contains("needs a database"));
}

#[test]
fn a_shared_setup_serves_many_samples_in_parallel() {
    let samples: Vec<Value> = (0..400)
        .map(|i| {
            let pred = if i % 2 == 0 { "SELECT count(*) FROM singer" } else { "SELECT count(*) + 1 FROM singer" };
            json!({"id": i, "task": "sql", "response": format!("SQL: {pred}"), "reference": {"sql": "SELECT count(*) FROM singer", "setup": SETUP}})
        })
        .collect();
    let results = engine().score_values(samples).unwrap();
    assert_eq!(results.len(), 400);
    for (i, r) in results.iter().enumerate() {
        assert_eq!(r.status, Status::Ok, "{i}: {:?}", r.error);
        assert_eq!(r.reward, if i % 2 == 0 { 1.0 } else { 0.0 }, "{i}");
    }
}

mod no_panics {
    use plaudit_core::{Ctx, Deadline, Params, Sample};
    use proptest::prelude::*;
    use serde_json::json;

    fn all_structured_rewards_on(response: &str) {
        let refs = [
            json!({"box": [10, 10, 50, 30], "image_size": [100, 100]}),
            json!({"calls": [{"name": "f", "arguments": {"a": 1, "b": "x"}}], "checklist": [{"called": "f"}, {"max_calls": 1}]}),
            json!({"bfcl": [{"f": {"a": [1, ""], "d": [{"k": ["v", ""]}]}}]}),
            json!({"sql": "SELECT a FROM t", "setup": "CREATE TABLE t(a INT); INSERT INTO t VALUES (1);"}),
        ];
        for info in plaudit_rewards::all() {
            if !matches!(info.family, "gui" | "tool" | "sql") {
                continue;
            }
            let p = Params::from_json(info.params, &serde_json::Value::Null, &[]).unwrap();
            let r = (info.build)(&p).unwrap();
            for reference in &refs {
                let d = Deadline::after(std::time::Duration::from_secs(5));
                let _ = r.score(
                    &Sample::new(response, reference.clone()),
                    &Ctx::new(&d, &[]),
                );
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        #[test]
        fn arbitrary_responses_never_panic(s in r#"[\[\](){}<>,.;:='"`\\ \n0-9a-zA-Z_éλ-]{0,80}"#) {
            all_structured_rewards_on(&s);
        }

        #[test]
        fn structured_fragments_never_panic(
            parts in proptest::collection::vec(
                prop_oneof![
                    Just("<tool_call>"), Just("</tool_call>"), Just("```sql\n"), Just("```"),
                    Just("SELECT "), Just("a FROM t"), Just("f("), Just("a=1"), Just(", "), Just(")"),
                    Just("["), Just("]"), Just("{\"name\": "), Just("\"f\""), Just("}"), Just("(1, 2)"),
                    Just("<point>3 4</point>"), Just("'"), Just("\""), Just("-"), Just("1e999"),
                    Just("</think>"), Just("<think>"), Just("SQL: "), Just("é"),
                ],
                0..16,
            )
        ) {
            all_structured_rewards_on(&parts.concat());
        }
    }
}

#[test]
fn the_structured_example_file_scores_as_documented() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/structured.jsonl");
    let text = std::fs::read_to_string(path).unwrap();
    let samples: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let results = engine().score_values(samples).unwrap();
    let got: Vec<String> = results
        .iter()
        .map(|r| {
            format!(
                "{} {} {}",
                r.id.as_str().unwrap(),
                r.reward,
                r.status.as_str()
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            "gui-hit 1 ok",
            "gui-normalised 1 ok",
            "gui-off-screen 0 no_answer",
            "gui-box 1 ok",
            "tool-json 1 ok",
            "tool-bfcl-parallel 1 ok",
            "tool-extra-call 0 ok",
            "tool-irrelevance 1 ok",
            "tool-malformed 0 no_answer",
            "sql-right 1 ok",
            "sql-select-star 0 ok",
            "sql-write-refused 0 ok",
            "sql-type-tolerant 1 ok",
        ]
    );
}
