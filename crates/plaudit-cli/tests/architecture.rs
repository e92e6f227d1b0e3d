//! docs/ARCHITECTURE.md stays true: its crate table names every crate of the workspace, and each
//! crate depends (in `[dependencies]`) only on the Plaudit crates the table allows.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .parent()
        .unwrap()
}

/// The table's rows: crate → the Plaudit crates it may depend on.
fn allowed() -> BTreeMap<String, BTreeSet<String>> {
    let doc = std::fs::read_to_string(root().join("docs/ARCHITECTURE.md")).unwrap();
    let mut rows = BTreeMap::new();
    for line in doc.lines() {
        let cells: Vec<&str> = line
            .trim()
            .trim_matches('|')
            .split('|')
            .map(str::trim)
            .collect();
        let [name, _job, deps] = cells[..] else {
            continue;
        };
        let Some(name) = name
            .strip_prefix("`plaudit-")
            .and_then(|n| n.strip_suffix('`'))
        else {
            continue;
        };
        let deps: BTreeSet<String> = deps
            .split(',')
            .map(str::trim)
            .filter(|d| !d.is_empty() && *d != "—")
            .map(|d| format!("plaudit-{d}"))
            .collect();
        rows.insert(format!("plaudit-{name}"), deps);
    }
    rows
}

/// The Plaudit crates in a manifest's `[dependencies]` table.
fn dependencies(manifest: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut in_deps = false;
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_deps = line == "[dependencies]";
            continue;
        }
        if in_deps && line.starts_with("plaudit-") {
            let name: String = line
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect();
            out.insert(name);
        }
    }
    out
}

#[test]
fn the_crate_table_names_every_crate_and_its_allowed_dependencies() {
    let allowed = allowed();
    assert!(allowed.len() >= 12, "the table was not found: {allowed:?}");
    let mut crates = BTreeSet::new();
    for entry in std::fs::read_dir(root().join("crates")).unwrap() {
        let dir = entry.unwrap().path();
        let Ok(manifest) = std::fs::read_to_string(dir.join("Cargo.toml")) else {
            continue;
        };
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let Some(may) = allowed.get(&name) else {
            panic!("crate {name} is not in docs/ARCHITECTURE.md's crate table");
        };
        let extra: Vec<_> = dependencies(&manifest).difference(may).cloned().collect();
        assert!(
            extra.is_empty(),
            "{name} depends on {extra:?}, which docs/ARCHITECTURE.md does not allow (allowed: {may:?})"
        );
        crates.insert(name);
    }
    let gone: Vec<_> = allowed.keys().filter(|k| !crates.contains(*k)).collect();
    assert!(
        gone.is_empty(),
        "docs/ARCHITECTURE.md lists crates that do not exist: {gone:?}"
    );
}

#[test]
fn the_manifest_reader_sees_only_the_dependencies_table() {
    let m = "[package]\nname = \"x\"\n[dependencies]\nplaudit-core.workspace = true\nplaudit-wire = { path = \"../w\" }\nserde = \"1\"\n[dev-dependencies]\nplaudit-rewards.workspace = true\n";
    let want: BTreeSet<String> = ["plaudit-core", "plaudit-wire"].map(String::from).into();
    assert_eq!(dependencies(m), want);
}
