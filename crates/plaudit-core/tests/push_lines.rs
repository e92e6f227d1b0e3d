//! `Batch::push_lines` (each line parsed, scored and emitted in one pass) gives what parsing the
//! chunk and `Batch::push` give: the same results in the same order, the same tally, the same
//! committed state, and the front's notes in input order; with and without a group stage.

use std::sync::Arc;

use plaudit_core::engine::LineReader;
use plaudit_core::{
    score_alone, BatchOptions, Ctx, Engine, Failure, GroupCtx, Input, JsonLine, Member,
    MemoryStore, Outcome, Params, Registry, Reward, RewardInfo, Sample, Scope, Score, ScoreResult,
    Spec, Store,
};
use serde_json::{json, Value};

/// The response as a number, observed; the state appends every observation.
struct Observes;
impl Reward for Observes {
    fn score(&self, s: &Sample, _cx: &Ctx) -> Outcome {
        let v: f64 = s
            .response
            .parse()
            .map_err(|_| Failure::no_answer("not a number"))?;
        Ok(Score::with_details(v, json!({"seen": v})).observe(json!(v)))
    }
    fn update(&self, obs: &[Value], store: &dyn Store, ns: &str) -> Result<(), String> {
        let mut seen = match store.get(ns, "seen")? {
            Some(Value::Array(a)) => a,
            _ => Vec::new(),
        };
        seen.extend_from_slice(obs);
        store.put(ns, vec![("seen".into(), json!(seen))])
    }
}

/// Group reward: the mean of the group's first component (members without one left out).
struct GroupMean;
impl Reward for GroupMean {
    fn score(&self, s: &Sample, cx: &Ctx) -> Outcome {
        score_alone(self, s, cx)
    }
    fn scope(&self) -> Scope {
        Scope::Group
    }
    fn score_group(&self, members: &[Member], _cx: &GroupCtx) -> Vec<Outcome> {
        let vals: Vec<f64> = members.iter().filter_map(|m| m.value(0)).collect();
        let mean = vals.iter().sum::<f64>() / vals.len().max(1) as f64;
        members.iter().map(|_| Ok(Score::new(mean))).collect()
    }
}

fn engine(spec: Value, store: Arc<MemoryStore>) -> Engine {
    let mut r = Registry::new();
    r.add(RewardInfo {
        name: "group_mean",
        family: "test",
        source: "//! Test reward.",
        params: &[],
        build: |_: &Params| Ok(Arc::new(GroupMean) as Arc<dyn Reward>),
    });
    r.add(RewardInfo {
        name: "observes",
        family: "test",
        source: "//! Test reward.",
        params: &[],
        build: |_: &Params| Ok(Arc::new(Observes) as Arc<dyn Reward>),
    });
    Engine::with_store(Spec::from_value(&spec, &r).unwrap(), store)
}

/// 300 lines: samples in groups of 3 (string and number keys), answers that are no number,
/// invalid JSON, an empty line, a line over the cap.
fn jsonl() -> String {
    let mut out = String::new();
    for i in 0..300 {
        let line = match i % 10 {
            3 => format!("{{\"id\": {i}, \"group\": {}, \"response\": \"x\"}}", i / 3),
            5 => "{\"id\": 5, \"respo".to_string(),
            6 => String::new(),
            7 => format!("{{\"id\": {i}, \"response\": \"{}\"}}", "9".repeat(300)),
            _ => format!(
                "{{\"id\": {i}, \"group\": \"g{}\", \"response\": \"{}\"}}",
                i / 3,
                i % 17
            ),
        };
        out.push_str(&line);
        out.push('\n');
    }
    out
}

fn note(i: &Input) -> String {
    match i {
        Input::Sample(s) => format!("sample {:?} {:?}", s.id, s.group),
        Input::Invalid { message, group, .. } => format!("invalid {group:?} {message}"),
    }
}

/// (results, notes, tally, state) scored chunk by chunk, fused or not.
fn run<O: plaudit_core::Emit + Clone>(
    spec: &Value,
    fused: bool,
) -> (Vec<O>, Vec<String>, plaudit_core::Tally, Option<Value>) {
    let store = Arc::new(MemoryStore::new());
    let e = engine(spec.clone(), store.clone());
    let text = jsonl();
    let mut lines = LineReader::new(text.as_bytes(), 200);
    let mut batch = e.batch::<O>(BatchOptions::default());
    let (mut out, mut notes) = (Vec::new(), Vec::new());
    loop {
        let chunk = lines.next_raw_chunk(37, usize::MAX, Vec::new()).unwrap();
        if chunk.is_empty() {
            break;
        }
        if fused {
            let (o, n) = batch.push_lines(&chunk, note);
            out.extend(o);
            notes.extend(n);
        } else {
            let inputs = chunk.parse();
            notes.extend(inputs.iter().map(note));
            out.extend(batch.push(inputs));
        }
    }
    let done = batch.finish_after(out);
    assert!(done.state_error.is_none());
    let ns = &e.spec().fallback.as_ref().unwrap().components[0].namespace;
    let state = store.get(ns, "seen").unwrap();
    (done.results, notes, done.tally, state)
}

#[test]
fn fused_lines_give_what_parse_and_push_give() {
    for spec in [
        json!({"components": {"n": "observes"}, "reward": "n"}),
        json!({"components": {"n": "observes"}, "reward": "n", "group": {"advantage": "grpo"}}),
    ] {
        let (results, notes, tally, state) = run::<ScoreResult>(&spec, true);
        let expected = run::<ScoreResult>(&spec, false);
        assert_eq!(results, expected.0, "{spec}");
        assert_eq!(notes, expected.1);
        assert_eq!(tally, expected.2);
        assert_eq!(state, expected.3);
        assert_eq!(results.len(), 300);
        assert_eq!(notes.len(), 300);
        // The lines the CLI writes are the same too.
        let lines: Vec<JsonLine> = run::<JsonLine>(&spec, true).0;
        assert_eq!(lines, run::<JsonLine>(&spec, false).0);
        // What the results are: one per line, in order, each status where the line put it.
        assert_eq!(results[0].reward, 0.0);
        assert_eq!(results[1].reward, 1.0);
        assert_eq!(results[3].status, plaudit_core::Status::NoAnswer);
        assert_eq!(results[5].status, plaudit_core::Status::InvalidInput);
        assert_eq!(results[6].status, plaudit_core::Status::InvalidInput);
        assert_eq!(
            results[7].error.as_deref(),
            Some("line 8: 325 bytes, over the limit of 200 bytes per line")
        );
        assert_eq!(tally.n, 300);
        assert_eq!(tally.counts.iter().sum::<u64>(), 300);
        let seen = state.expect("the observations are committed");
        assert_eq!(seen.as_array().unwrap().len(), 300 - 4 * 30);
        assert_eq!(seen[0], json!(0.0));
        assert_eq!(seen[2], json!(2.0));
    }
}

#[test]
fn a_spec_with_group_rewards_waits_for_whole_groups() {
    // Group rewards need every member: nothing comes out before the end of the batch, and the
    // group's mean is the same whichever way the lines went in.
    let spec = json!({"components": {"n": "observes", "g": "group_mean"}, "reward": "g"});
    let (results, notes, tally, state) = run::<ScoreResult>(&spec, true);
    let expected = run::<ScoreResult>(&spec, false);
    assert_eq!(results, expected.0);
    assert_eq!(notes, expected.1);
    assert_eq!(tally, expected.2);
    assert_eq!(state, expected.3);
    // Lines 0–2 are group g0 with responses 0, 1, 2: each gets their mean.
    let first: Vec<f64> = results[..3].iter().map(|r| r.reward).collect();
    assert_eq!(first, [1.0, 1.0, 1.0]);
}
