//! The catalogue's contract: every reward is documented (what / why / parameters / example), every
//! declared parameter is documented, and every documented example gives its documented value.

use plaudit_core::{
    example_members, Ctx, Deadline, GroupCtx, Member, MemoryStore, Sample, Scope, Status, Store,
};
use serde_json::Value;

#[test]
fn every_reward_is_documented() {
    let mut problems = Vec::new();
    for info in plaudit_rewards::all() {
        let doc = info.doc();
        if doc.summary().is_empty() {
            problems.push(format!("{}: no one-line summary", info.name));
        }
        for s in ["What it computes", "Why", "Parameters", "Example"] {
            if doc.section(s).is_none() {
                problems.push(format!("{}: no `## {s}` section", info.name));
            }
        }
        let params_doc = doc.section("Parameters").unwrap_or_default();
        for p in info.params {
            if !params_doc.contains(&format!("`{}`", p.name)) {
                problems.push(format!(
                    "{}: parameter `{}` is not documented",
                    info.name, p.name
                ));
            }
        }
        match doc.examples() {
            Ok(ex) if ex.is_empty() => problems.push(format!("{}: no JSON example", info.name)),
            Ok(_) => {}
            Err(e) => problems.push(format!("{}: {e}", info.name)),
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_documented_example_gives_its_value() {
    let mut failures = Vec::new();
    let mut count = 0;
    for info in plaudit_rewards::all() {
        for ex in info.doc().examples().unwrap() {
            count += 1;
            let (reward, values) = info
                .build_example(&ex)
                .unwrap_or_else(|e| panic!("{}: {e}", info.name));
            let d = Deadline::none();
            // A stateful example gives the state it starts from, by key.
            let store = MemoryStore::new();
            if let Some(Value::Object(state)) = ex.get("state") {
                store
                    .put(
                        "example",
                        state.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
                    )
                    .unwrap();
            }
            if ex.get("group").is_some() {
                // A group reward's example: every member's value (or status), in order.
                assert_eq!(
                    reward.scope(),
                    Scope::Group,
                    "{}: a group example for a per-sample reward",
                    info.name
                );
                let members = example_members(&ex).unwrap_or_else(|e| panic!("{}: {e}", info.name));
                let samples: Vec<Sample> = members
                    .iter()
                    .map(|(s, _)| Sample::from_value(s.clone()).unwrap())
                    .collect();
                let ms: Vec<Member> = samples
                    .iter()
                    .zip(&members)
                    .map(|(s, (_, v))| Member {
                        sample: s,
                        values: v,
                    })
                    .collect();
                let key = samples[0].group.clone();
                let gcx = GroupCtx {
                    deadline: &d,
                    store: &store,
                    namespace: "example",
                    key: key.as_deref(),
                };
                let got = reward.score_group(&ms, &gcx);
                let want = ex["values"].as_array().unwrap_or_else(|| {
                    panic!(
                        "{}: a group example needs `values`, one per member",
                        info.name
                    )
                });
                let ok = got.len() == want.len()
                    && got.iter().zip(want).all(|(g, w)| match (w, g) {
                        (Value::Number(n), Ok(s)) => (n.as_f64().unwrap() - s.value).abs() <= 1e-9,
                        (Value::String(st), Err(f)) => Status::parse(st) == Some(f.status),
                        _ => false,
                    });
                if !ok {
                    failures.push(format!("{}: example {ex} gave {got:?}", info.name));
                }
                continue;
            }
            let sample = Sample::from_value(ex["sample"].clone()).unwrap();
            let got = reward.score(&sample, &Ctx::with_state(&d, &values, &store, "example"));
            match (ex.get("value"), ex.get("status"), &got) {
                (Some(v), _, Ok(s)) if (v.as_f64().unwrap() - s.value).abs() <= 1e-9 => {}
                (None, Some(st), Err(f))
                    if Status::parse(st.as_str().unwrap()) == Some(f.status) => {}
                _ => failures.push(format!("{}: example {ex} gave {got:?}", info.name)),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(count >= plaudit_rewards::all().len());
}

#[test]
fn default_spec_compiles() {
    let reg = plaudit_rewards::registry();
    let spec = plaudit_rewards::default_spec(&reg);
    assert!(spec.routes.contains_key("math"));
    assert!(spec.fallback.is_some());
}
