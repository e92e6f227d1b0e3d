//! The catalogue's contract: every reward is documented (what / why / parameters / example), every
//! declared parameter is documented, and every documented example gives its documented value.

use plaudit_core::{
    example_members, Ctx, Deadline, GroupCtx, Member, MemoryStore, Sample, Scope, Status, Store,
};
use serde_json::Value;
use std::path::{Path, PathBuf};

mod peer;

#[test]
fn every_reward_is_documented() {
    let mut problems = Vec::new();
    for info in plaudit_rewards::all() {
        let doc = info.doc();
        if doc.summary().is_empty() {
            problems.push(format!("{}: no one-line summary", info.name));
        } else if !doc.summary().ends_with('.') {
            // `plaudit list` shows the first line: the summary is one sentence on one line.
            problems.push(format!(
                "{}: the summary does not end on its first line: {:?}",
                info.name,
                doc.summary()
            ));
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
    let mut peer = None;
    for info in plaudit_rewards::all() {
        for ex in info.doc().examples().unwrap() {
            count += 1;
            // A model-backed reward's example runs against the test peer.
            let ex = match ex.get("judges") {
                Some(_) => peer
                    .get_or_insert_with(|| peer::Peer::start(&[]))
                    .runnable(&ex),
                None => ex,
            };
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

/// Every `.rs` file under `dir`, recursively.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// A reward's file is `src/<family>/<name>.rs`: named after the reward, in its family's folder; and
/// every file that defines a reward (`const INFO: RewardInfo`) is registered, so a reward that is
/// written but not listed in its family's `rewards!` fails here.
#[test]
fn every_reward_file_is_named_after_its_reward_and_registered() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let all = plaudit_rewards::all();
    let mut problems = Vec::new();
    for info in &all {
        let rel = format!("src/{}/{}.rs", info.family, info.name);
        match std::fs::read_to_string(src.join(info.family).join(format!("{}.rs", info.name))) {
            Ok(text) if text == info.source => {}
            Ok(_) => problems.push(format!(
                "{}: {rel} is not the file its INFO includes (`source: include_str!(\"{}.rs\")`)",
                info.name, info.name
            )),
            Err(_) => problems.push(format!(
                "{}: no file {rel} (a reward's file is named after it, in its family's folder)",
                info.name
            )),
        }
    }
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut defined = 0;
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        if !text.contains("const INFO: RewardInfo") {
            continue;
        }
        defined += 1;
        let rel = path.strip_prefix(&src).unwrap();
        let stem = rel.file_stem().unwrap().to_str().unwrap();
        let folder = rel.parent().unwrap().to_str().unwrap();
        if !all.iter().any(|i| i.name == stem && i.family == folder) {
            problems.push(format!(
                "src/{}: defines a reward but no registered reward is `{stem}` of family `{folder}` \
                 (list it in src/{folder}/mod.rs, or name the file after its reward)",
                rel.display()
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert_eq!(defined, all.len(), "every registered reward has one file");
}
