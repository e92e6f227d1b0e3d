//! Exact statistics over a small hand-made results file and its samples.

use plaudit_report::{build, external_refs, render_html, Options, Report};
use serde_json::{json, Value};

fn lines(rows: &[Value]) -> String {
    rows.iter().map(|r| format!("{r}\n")).collect()
}

/// Two groups of three: `g1` rewards 1, 0, 0.5 and `g2` all 0 (no variance); one judge component.
fn fixture() -> (String, String) {
    let results = lines(&[
        json!({"id": "a", "reward": 1.0, "components": {"correct": 1.0, "fmt": 1.0}, "status": "ok", "details": {}, "advantage": 1.0}),
        json!({"id": "b", "reward": 0.0, "components": {"correct": 0.0, "fmt": 0.0}, "status": "ok", "details": {}, "advantage": -1.0}),
        json!({"id": "c", "reward": 0.5, "components": {"correct": 0.0, "fmt": 1.0}, "status": "ok", "details": {}, "advantage": 0.0}),
        json!({"id": "d", "reward": 0.0, "components": {}, "status": "timeout", "error": "deadline of 30000 ms passed in `correct`", "details": {}, "advantage": 0.0, "zero_variance": true}),
        json!({"id": "e", "reward": 0.0, "components": {"fmt": 0.0}, "status": "no_answer", "error": "no answer found in response 17 (\"foo 12\")", "details": {"judge": {"calls": 1, "attempts": 2, "cached": 0, "usage": {"prompt_tokens": 100, "completion_tokens": 7}, "cost_usd": 0.002, "latency_ms": 812.5, "judge_error": "no_verdict"}}, "advantage": 0.0, "zero_variance": true}),
        json!({"id": "f", "reward": 0.0, "components": {}, "status": "timeout", "error": "deadline of 5000 ms passed in `judge`", "details": {"judge": {"calls": 1, "attempts": 1, "cached": 1, "usage": {"prompt_tokens": 0, "completion_tokens": 0}}}, "advantage": 0.0, "zero_variance": true}),
    ]);
    let input = lines(&[
        json!({"id": "a", "group": "g1", "task": "math", "response": "abcd", "tokens": 4, "meta": {"data_source": "gsm8k"}}),
        json!({"id": "b", "group": "g1", "task": "math", "response": "ab", "tokens": 2, "meta": {"data_source": "gsm8k"}}),
        json!({"id": "c", "group": "g1", "task": "math", "response": "a", "tokens": 1, "meta": {"data_source": "math500"}}),
        json!({"id": "d", "group": "g2", "task": "qa", "response": "", "tokens": 0}),
        json!({"id": "e", "group": "g2", "task": "qa", "response": "xyz", "tokens": 3}),
        json!({"id": "f", "group": "g2", "task": "qa", "response": "<script>alert(1)</script>", "tokens": 9}),
    ]);
    (results, input)
}

fn report(results: &str, input: Option<&str>, by: Option<&str>) -> Report {
    let opts = Options {
        by: by.map(str::to_string),
        ..Options::default()
    };
    build(results.as_bytes(), input.map(str::as_bytes), &opts).unwrap()
}

fn close(a: f64, b: f64) {
    assert!((a - b).abs() < 1e-12, "{a} != {b}");
}

#[test]
fn the_trainers_figures_are_computed_as_the_trainers_do() {
    let (results, input) = fixture();
    let r = report(&results, Some(&input), Some("meta.data_source"));
    let s = &r.stats;
    assert_eq!(s.samples, 6);
    assert_eq!(
        serde_json::to_value(&s.status).unwrap(),
        json!({"no_answer": 1, "ok": 3, "timeout": 2})
    );
    let t = |k: &str| s.trainers[k].as_f64().unwrap();
    close(t("reward"), 1.5 / 6.0);
    // TRL: the mean over groups of each group's unbiased std: g1 = std(1, 0, 0.5) = 0.5, g2 = 0.
    close(t("reward_std"), 0.25);
    close(t("frac_reward_zero_std"), 0.5);
    close(t("rewards/correct/mean"), 1.0 / 3.0);
    close(t("rewards/fmt/mean"), 0.5);
    close(t("critic/score/mean"), 0.25);
    close(t("critic/score/max"), 1.0);
    close(t("critic/score/min"), 0.0);
    close(t("response_length/mean"), 19.0 / 6.0);
    close(t("rollout/reward_mean"), 0.25);
    // The batch's own unbiased std: rewards 1, 0, 0.5, 0, 0, 0.
    let var = (0.75f64.powi(2) + 4.0 * 0.25f64.powi(2) + 0.25f64.powi(2)) / 5.0;
    close(s.reward.as_ref().unwrap().std, var.sqrt());
    assert_eq!(s.groups.source, "input");
    assert_eq!(
        (s.groups.count, s.groups.with_std, s.groups.zero_std),
        (2, 2, 1)
    );
    assert_eq!(s.by_route["math"].n, 3);
    assert_eq!(s.by_route["qa"].status["timeout"], 2);
    let by = &s.by_key.as_ref().unwrap().values;
    assert_eq!((by["gsm8k"].n, by["math500"].n, by["(none)"].n), (2, 1, 3));
    close(by["gsm8k"].reward.as_ref().unwrap().mean, 0.5);
    assert_eq!(s.length.as_ref().unwrap().unit, "tokens");
}

#[test]
fn errors_are_clustered_with_examples_and_judges_summed() {
    let (results, input) = fixture();
    let s = report(&results, Some(&input), None).stats;
    let c = &s.failures.clusters;
    assert_eq!(c.len(), 2, "{c:?}");
    assert_eq!(c[0].pattern, "deadline of <n> ms passed in <s>");
    assert_eq!(c[0].count, 2);
    assert_eq!(
        c[0].examples,
        vec![json!({"line": 4, "id": "d"}), json!({"line": 6, "id": "f"})]
    );
    assert_eq!(c[1].pattern, "no answer found in response <n> (<s>)");
    assert_eq!(
        serde_json::to_value(&s.failures.by_status).unwrap(),
        json!({"no_answer": 1, "timeout": 2})
    );
    let j = &s.judges["judge"];
    assert_eq!(
        (
            j.samples,
            j.calls,
            j.attempts,
            j.cached,
            j.prompt_tokens,
            j.completion_tokens
        ),
        (2, 2, 3, 1, 100, 7)
    );
    close(j.cost_usd, 0.002);
    // One result gave its call's latency: 812.5 ms over 1 call (the other, cached, none).
    assert_eq!((j.latency_ms, j.timed_calls), (812.5, 1));
    assert_eq!(j.errors["no_verdict"], 1);
}

#[test]
fn without_input_the_zero_variance_marks_give_the_fraction() {
    let (results, _) = fixture();
    let s = report(&results, None, None).stats;
    assert_eq!(s.groups.source, "zero_variance_marks");
    close(s.groups.zero_variance_fraction.unwrap(), 1.0);
    // Without groups, TRL's newer batch std.
    close(
        s.trainers["reward_std"].as_f64().unwrap(),
        s.reward.as_ref().unwrap().std,
    );
    assert!(s.by_route.is_empty() && s.length.is_none());
    assert!(s.trainers.get("response_length/mean").is_none());
}

#[test]
fn bad_lines_are_counted_with_their_numbers_and_ids_checked() {
    let (results, input) = fixture();
    let results = results.replacen("\n", "\n{not json\n", 1) + "\n";
    let s = report(&results, Some(&input), None).stats;
    assert_eq!(s.samples, 6);
    assert_eq!(s.bad_lines.results.count, 2);
    assert_eq!(s.bad_lines.results.lines[0]["line"], 2);
    assert_eq!(s.bad_lines.results.lines[1]["line"], 8);
    // The inserted line shifted every later result by one: b..e meet the samples c..f; f and the
    // blank line are past the input's end.
    let j = s.input.as_ref().unwrap();
    assert_eq!(j.id_mismatches, 4);
    assert_eq!(j.first_id_mismatch_line, Some(3));
    assert_eq!(j.results_without_input, 2);
}

#[test]
fn the_sample_is_seeded_and_keeps_every_failure_kind() {
    let mut rows = Vec::new();
    for i in 0..5000 {
        let status = match i {
            1234 => "error",
            4321 => "invalid_input",
            _ => "ok",
        };
        rows.push(json!({"id": i, "reward": (i % 7) as f64, "status": status,
            "error": if status == "ok" { Value::Null } else { json!(format!("broke at {i}")) }}));
    }
    let results = lines(&rows);
    let opts = Options {
        sample: 20,
        seed: 7,
        by: None,
    };
    let a = build(results.as_bytes(), None::<&[u8]>, &opts).unwrap();
    let b = build(results.as_bytes(), None::<&[u8]>, &opts).unwrap();
    let ids = |r: &Report| r.rollouts.iter().map(|r| r.line).collect::<Vec<_>>();
    assert_eq!(ids(&a), ids(&b));
    assert!(a.rollouts.len() >= 20 && a.rollouts.len() <= 22);
    for st in ["error", "invalid_input"] {
        assert!(a.rollouts.iter().any(|r| r.status == st), "{st} missing");
    }
    assert_eq!(a.stats.failures.clusters.len(), 1);
    assert_eq!(a.stats.failures.clusters[0].count, 2);
}

#[test]
fn the_page_is_self_contained_and_shows_a_script_as_text() {
    let (results, input) = fixture();
    let html = render_html(&report(&results, Some(&input), None), "t.jsonl");
    assert!(
        external_refs(&html).is_empty(),
        "{:?}",
        external_refs(&html)
    );
    assert_eq!(
        html.matches("<script").count(),
        2,
        "only the data block and the page's script"
    );
    assert!(!html.contains("<script>alert(1)"));
    assert!(html.contains(r#""response":"\u003cscript\u003ealert(1)\u003c/script\u003e""#));
    for id in [
        "headline",
        "charts",
        "failures",
        "judges",
        "rollouts",
        "rollout-detail",
        "rollout-data",
    ] {
        assert!(html.contains(&format!("id=\"{id}\"")), "#{id} missing");
    }
    let charts = &html[html.find("id=\"charts\"").unwrap()..html.find("id=\"failures\"").unwrap()];
    // status, reward, two components, advantage, group std, length.
    assert_eq!(charts.matches("<svg").count(), 7);
    let page_js = &html[html.rfind("<script>").unwrap()..];
    assert!(!page_js.contains("innerHTML"));
}
