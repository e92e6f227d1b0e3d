//! `compare` over a hand-made pair of results files: exact verdict counts, flips, status
//! changes, the join's checks, and the page's element ids.

use plaudit_report::{compare, external_refs, render_compare_html, CompareOptions, Comparison};
use serde_json::{json, Value};

fn lines(rows: &[Value]) -> String {
    rows.iter().map(|r| format!("{r}\n")).collect()
}

fn ok(id: &str, reward: f64) -> Value {
    json!({"id": id, "reward": reward, "components": {"correct": reward}, "status": "ok", "details": {}})
}

/// Six rollouts (math: a, b, c; qa: d, e, f), a seventh whose B line is broken, and an eighth
/// only A has.
fn pair() -> (String, String, String) {
    let a = lines(&[
        ok("a", 1.0),
        ok("b", 1.0),
        ok("c", 0.0),
        ok("d", 0.0),
        ok("e", 0.6),
        json!({"id": "f", "reward": null, "components": {}, "status": "error", "error": "boom", "details": {}}),
        ok("g", 1.0),
        ok("h", 1.0),
    ]);
    let mut b = lines(&[
        json!({"id": "a", "reward": 1.0, "components": {"correct": 1.0, "fmt": 1.0}, "status": "ok", "details": {}}),
        ok("b", 0.0),
        ok("c", 0.8),
        json!({"id": "d", "reward": 0.0, "components": {}, "status": "timeout", "error": "deadline", "details": {}}),
        // 0.5 is not above the threshold: a flip.
        ok("e", 0.5),
        ok("f", 0.2),
    ]);
    b.push_str("not json\n");
    let input = lines(&[
        json!({"id": "a", "task": "math", "prompt": "p-a", "response": "r-a"}),
        json!({"id": "b", "task": "math", "prompt": "p-b", "response": "<script>alert(1)</script>"}),
        json!({"id": "zzz", "task": "math"}),
        json!({"id": "d", "task": "qa"}),
        json!({"id": "e", "task": "qa"}),
        json!({"id": "f", "task": "qa"}),
        json!({"id": "g", "task": "qa"}),
        json!({"id": "h", "task": "qa"}),
    ]);
    (a, b, input)
}

fn run(a: &str, b: &str, input: Option<&str>) -> Comparison {
    compare(
        a.as_bytes(),
        b.as_bytes(),
        input.map(str::as_bytes),
        &CompareOptions::default(),
    )
    .unwrap()
}

fn close(a: f64, b: f64) {
    assert!((a - b).abs() < 1e-12, "{a} != {b}");
}

#[test]
fn verdicts_flips_and_status_changes_are_counted_exactly() {
    let (a, b, input) = pair();
    let c = run(&a, &b, Some(&input));
    let s = &c.stats;
    assert_eq!(s.samples, 6);
    assert_eq!(
        serde_json::to_value(&s.confusion).unwrap(),
        json!({"pass_pass": 1, "pass_fail": 2, "fail_pass": 1, "fail_fail": 2, "status_changed": 2})
    );
    assert_eq!(
        serde_json::to_value(&s.by_route).unwrap(),
        json!({
            "math": {"pass_pass": 1, "pass_fail": 1, "fail_pass": 1, "fail_fail": 0, "status_changed": 0},
            "qa": {"pass_pass": 0, "pass_fail": 1, "fail_pass": 0, "fail_fail": 2, "status_changed": 2},
        })
    );
    assert_eq!((s.flipped, s.status_changed), (3, 2));
    assert_eq!((s.a.pass, s.b.pass), (3, 2));
    let flips: Vec<(u64, &str)> = s
        .flips
        .iter()
        .map(|f| (f["line"].as_u64().unwrap(), f["verdict"].as_str().unwrap()))
        .collect();
    assert_eq!(
        flips,
        [(2, "pass→fail"), (3, "fail→pass"), (5, "pass→fail")]
    );
    assert_eq!(
        serde_json::to_value(&s.status_transitions).unwrap(),
        json!({"error→ok": 1, "ok→ok": 4, "ok→timeout": 1})
    );
    // |Δ| over the five lines with both rewards: 0, 1, 0.8, 0, 0.1.
    close(s.mean_abs_delta.unwrap(), 1.9 / 5.0);
    close(s.mean_delta.unwrap(), -0.3 / 5.0);
    // `correct` is on both sides; `fmt` only on B.
    assert_eq!(s.components.keys().collect::<Vec<_>>(), ["correct"]);
    close(s.components["correct"].a.mean, 2.6 / 5.0);
    assert_eq!(s.components["correct"].b.n, 5);
    assert_eq!(
        serde_json::to_value(&s.a.status).unwrap(),
        json!({"error": 1, "ok": 5})
    );
    // The join: line 3's input id differs, line 7's B is broken, line 8 is A's alone.
    assert_eq!(s.join.input_id_mismatches, 1);
    assert_eq!(s.join.first_input_id_mismatch_line, Some(3));
    assert_eq!((s.join.id_mismatches, s.join.a_without_b), (0, 1));
    assert_eq!(s.bad_lines.b.count, 1);
    assert_eq!(s.bad_lines.b.lines[0]["line"], 7);
    // The browser: flipped first, then status changes, then the rest, each in line order.
    let order: Vec<(u64, bool)> = c.rollouts.iter().map(|r| (r.line, r.flipped)).collect();
    assert_eq!(
        order,
        [
            (2, true),
            (3, true),
            (5, true),
            (4, false),
            (6, false),
            (1, false)
        ]
    );
    let f = &c.rollouts[0];
    assert_eq!(
        (f.a.reward, f.b.reward, f.delta),
        (Some(1.0), Some(0.0), Some(-1.0))
    );
    assert_eq!(f.route.as_deref(), Some("math"));
    assert_eq!(f.prompt.as_deref(), Some("p-b"));
}

#[test]
fn the_threshold_moves_the_verdicts() {
    let (a, b, _) = pair();
    let opts = CompareOptions {
        threshold: 0.0,
        ..CompareOptions::default()
    };
    let s = compare(a.as_bytes(), b.as_bytes(), None::<&[u8]>, &opts)
        .unwrap()
        .stats;
    // Pass is reward > 0: A passes a, b, e; B passes a, c, e, f.
    assert_eq!(
        (
            s.confusion.pass_pass,
            s.confusion.pass_fail,
            s.confusion.fail_pass,
            s.confusion.fail_fail
        ),
        (2, 1, 2, 1)
    );
    assert!(s.by_route.is_empty(), "no routes without --input");
}

#[test]
fn the_page_has_its_ids_and_escapes_the_rollouts() {
    let (a, b, input) = pair();
    let c = run(&a, &b, Some(&input));
    let html = render_compare_html(&c, "a.jsonl", "b <i>.jsonl");
    for id in [
        "compare-headline",
        "confusion",
        "charts",
        "rollouts",
        "rollout-detail",
        "rollout-data",
    ] {
        assert!(html.contains(&format!("id=\"{id}\"")), "#{id} missing");
    }
    assert!(html.contains("data-mode=\"compare\""));
    assert!(html.contains("b &lt;i&gt;.jsonl"));
    assert!(!html.contains("<script>alert(1)"));
    assert!(
        html.matches("<svg").count() >= 3,
        "reward, Δ and a component chart"
    );
    assert!(external_refs(&html).is_empty());
}
