//! The registry (`plaudit_core::registry`): a reward's documentation read from its source, its
//! examples built as they describe themselves, the parameter table and `explain` text, the
//! catalogue's order and its "did you mean" hints. Written from the cargo-mutants run over
//! `src/registry.rs` (docs/MUTANTS.md).

use std::sync::Arc;

use plaudit_core::{
    example_members, Ctx, Kind, ParamSpec, Params, Registry, Reward, RewardDoc, RewardInfo, Sample,
    Scope,
};
use serde_json::{json, Value};

mod common;
use common::{Fixed, Group};

const DOC: &str = "

//! # Gives a number.
//!Second line without a space.
//!
//! ## What it computes
//! The value.
//!
//! ## example
//! ```text
//! {\"not\": \"json\"}
//! ```
//! ```json
//! {\"params\": {\"v\": 2}, \"sample\": {\"response\": \"x\"}, \"value\": 2.0}
//!
//! {\"sample\": {\"response\": \"y\"}, \"components\": {\"a\": 1, \"b\": null}, \"value\": 1.0}
//! ```
//! ## Notes
//! Not an example.
//!
//!

use something;
//! not doc
";

const PARAMS: &[ParamSpec] = &[
    ParamSpec::new("v", Kind::Float, "1.0", "the value").range(0.0, 5.0),
    ParamSpec::required(
        "unit",
        Kind::Enum(&["tokens", "characters", "words"]),
        "unit",
    ),
    ParamSpec::new("of", Kind::Component, "\"\"", "input"),
];

const JUDGED: &[ParamSpec] = &[ParamSpec::new("judge", Kind::Judge, "\"g\"", "judge")];

fn fixed() -> RewardInfo {
    RewardInfo {
        name: "fixed",
        family: "number",
        source: DOC,
        params: &PARAMS[..1],
        build: |p: &Params| {
            let v = p.f64("v");
            if v > 4.0 {
                return Err("parameter `v` is too large".into());
            }
            Ok(Arc::new(Fixed(v)) as Arc<dyn Reward>)
        },
    }
}

fn group() -> RewardInfo {
    RewardInfo {
        name: "grp",
        family: "alpha",
        source: "//! Group.\n//! ## Example\n//! ```json\n//! {\"group\": [{\"sample\": {\"response\": \"a\"}}], \"values\": [1]}\n//! ```\n",
        params: &[],
        build: |_: &Params| Ok(Arc::new(Group) as Arc<dyn Reward>),
    }
}

fn judged() -> RewardInfo {
    RewardInfo {
        name: "judged",
        family: "model",
        source: "//! Judged.",
        params: JUDGED,
        build: |p: &Params| {
            let (_, cfg) = p.judge("judge");
            Ok(Arc::new(Fixed(cfg["n"].as_f64().unwrap_or(-1.0))) as Arc<dyn Reward>)
        },
    }
}

#[test]
fn the_doc_is_the_opening_comment() {
    let d = RewardDoc::from_source(DOC);
    assert!(d
        .text
        .starts_with("# Gives a number.\nSecond line without a space.\n\n## What"));
    assert!(
        d.text.ends_with("## Notes\nNot an example."),
        "{:?}",
        d.text
    );
    assert_eq!(d.summary(), "Gives a number.");
    assert_eq!(d.section("what it computes").as_deref(), Some("The value."));
    assert_eq!(d.section("Notes").as_deref(), Some("Not an example."));
    assert_eq!(d.section("Missing"), None);
    assert_eq!(RewardDoc::from_source("use x;\n//! late").text, "");
    assert_eq!(RewardDoc::from_source("").summary(), "");
}

#[test]
fn examples_are_the_json_lines_of_the_example_section() {
    let ex = RewardDoc::from_source(DOC).examples().unwrap();
    assert_eq!(
        ex,
        vec![
            json!({"params": {"v": 2}, "sample": {"response": "x"}, "value": 2.0}),
            json!({"sample": {"response": "y"}, "components": {"a": 1, "b": null}, "value": 1.0}),
        ]
    );
    // `## Examples` too; none without the section.
    let d = RewardDoc::from_source(
        "//! X.\n//! ## Examples\n//! ```json\n//! {\"a\": 1}\n//! ```\n//! {\"b\": 2}\n",
    );
    assert_eq!(d.examples().unwrap(), vec![json!({"a": 1})]);
    assert_eq!(
        RewardDoc::from_source("//! X.").examples().unwrap(),
        Vec::<Value>::new()
    );
    let bad = RewardDoc::from_source("//! X.\n//! ## Example\n//! ```json\n//! {oops}\n//! ```\n");
    assert!(bad
        .examples()
        .unwrap_err()
        .starts_with("example `{oops}`: "));
}

#[test]
fn examples_build_the_reward_they_describe() {
    let info = fixed();
    let (r, values) = info
        .build_example(&json!({"params": {"v": 3}, "components": {"a": 1, "b": null}}))
        .unwrap();
    let d = plaudit_core::Deadline::none();
    assert_eq!(
        r.score(&Sample::new("", ""), &Ctx::new(&d, &[]))
            .unwrap()
            .value,
        3.0
    );
    assert_eq!(values, vec![Some(1.0), None]);
    let (r, values) = info.build_example(&json!({})).unwrap();
    assert_eq!(
        r.score(&Sample::new("", ""), &Ctx::new(&d, &[]))
            .unwrap()
            .value,
        1.0
    );
    assert!(values.is_empty());
    assert_eq!(
        info.build_example(&json!({"params": {"v": 9}}))
            .err()
            .unwrap(),
        "example params: parameter `v` must be in [0, 5], got 9"
    );
    assert_eq!(
        info.build_example(&json!({"params": {"v": 4.5}}))
            .err()
            .unwrap(),
        "build: parameter `v` is too large"
    );
    assert_eq!(
        info.build_example(&json!({"components": {"a": "x"}}))
            .err()
            .unwrap(),
        "component `a` is not a number"
    );
    assert_eq!(
        info.build_example(&json!({"group": {"a": 1}}))
            .err()
            .unwrap(),
        "`group` must be a list of members"
    );
    // A group example's components are its first member's.
    let (_, values) = group()
        .build_example(&json!({"group": [{"components": {"x": 2}}, {"components": {"x": 3}}]}))
        .unwrap();
    assert_eq!(values, vec![Some(2.0)]);
    // Judges are declared as a spec declares them.
    let (r, _) = judged()
        .build_example(&json!({"judges": {"g": {"n": 7}}}))
        .unwrap();
    assert_eq!(
        r.score(&Sample::new("", ""), &Ctx::new(&d, &[]))
            .unwrap()
            .value,
        7.0
    );
    assert_eq!(
        judged()
            .build_example(&json!({"judges": [1]}))
            .err()
            .unwrap(),
        "`judges` must be a mapping of name → judge"
    );
    assert_eq!(
        judged().build_example(&json!({})).err().unwrap(),
        "example judges: parameter `judge` names judge `g`, but the spec has no `judges:` section"
    );
}

#[test]
fn group_examples_list_their_members() {
    let m = example_members(&json!({"group": [
        {"sample": {"response": "a"}, "components": {"x": 1, "y": null}},
        {"sample": {"response": "b"}, "components": {"x": 2, "y": 3}},
    ]}))
    .unwrap();
    assert_eq!(
        m,
        vec![
            (json!({"response": "a"}), vec![Some(1.0), None]),
            (json!({"response": "b"}), vec![Some(2.0), Some(3.0)]),
        ]
    );
    assert_eq!(
        example_members(&json!({"value": 1})).unwrap_err(),
        "a group example needs `group`: a list of members"
    );
    assert_eq!(
        example_members(&json!({"group": [
            {"sample": {}, "components": {"x": 1}},
            {"sample": {}, "components": {"y": 1}},
        ]}))
        .unwrap_err(),
        "group member 1: components [\"y\"] differ from the first member's [\"x\"]"
    );
    assert_eq!(
        example_members(&json!({"group": [{"components": {}}]})).unwrap_err(),
        "group member 0: no `sample`"
    );
    assert_eq!(
        example_members(&json!({"group": [{"sample": {}, "components": {"x": true}}]}))
            .unwrap_err(),
        "component `x` is not a number"
    );
}

#[test]
fn the_parameter_table_and_explain() {
    let info = RewardInfo {
        params: PARAMS,
        ..fixed()
    };
    let table = info.params_table();
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(
        lines,
        vec![
            "  v                    a number in [0, 5]                 default 1.0        the value",
            "  unit                 one of tokens | characters | words required           unit",
            "  of                   a component name                   default \"\"         input",
        ]
    );
    assert!(table.ends_with('\n'));
    static WIDE: &[ParamSpec] = &[ParamSpec::new(
        "a_parameter_name_longer_than_twenty",
        Kind::Str,
        "\"a default longer than eighteen\"",
        "doc",
    )];
    let wide = RewardInfo {
        params: WIDE,
        ..fixed()
    };
    assert_eq!(
        wide.params_table(),
        "  a_parameter_name_longer_than_twenty a string                     default \"a default longer than eighteen\" doc\n"
    );
    let none = RewardInfo {
        params: &[],
        ..fixed()
    };
    assert_eq!(none.params_table(), "(no parameters)");
    assert_eq!(
        none.explain(),
        format!(
            "fixed (number family)\n\n{}\n\n## Parameters (as enforced)\n(no parameters)",
            none.doc().text
        )
    );
    assert_eq!(
        group().explain(),
        format!(
            "grp (alpha family; scope: group — scored over all the rollouts of one prompt)\n\n{}\n\n## Parameters (as enforced)\n(no parameters)",
            group().doc().text
        )
    );
    assert_eq!(group().scope(), Some(Scope::Group));
    assert_eq!(fixed().scope(), Some(Scope::Sample));
    // No example that builds: no scope.
    assert_eq!(judged().scope(), None);
    assert_eq!(
        format!("{:?}", fixed()),
        "RewardInfo { name: \"fixed\", family: \"number\" }"
    );
}

#[test]
fn the_catalogue_by_family_then_name_and_its_hints() {
    let mut r = Registry::new();
    r.add(fixed());
    r.add(group());
    r.add(judged());
    r.add(RewardInfo {
        name: "another",
        family: "number",
        ..fixed()
    });
    assert_eq!(r.names(), vec!["another", "fixed", "grp", "judged"]);
    let all: Vec<&str> = r.all().iter().map(|i| i.name).collect();
    assert_eq!(all, vec!["grp", "judged", "another", "fixed"]);
    assert_eq!(r.get("grp").unwrap().family, "alpha");
    assert!(r.get("gr").is_none());
    assert!(r.judge_check().is_none());
    // A prefix either way, from four characters.
    assert_eq!(r.suggest("anot"), Some("another"));
    assert_eq!(r.suggest("another_one"), Some("another"));
    assert_eq!(r.suggest("judg"), Some("judged"));
    // Shorter: edit distance only.
    assert_eq!(r.suggest("fix"), Some("fixed"));
    assert_eq!(r.suggest("grp"), Some("grp"));
    // Within 3 edits (or a third of the name), and never the whole name rewritten.
    assert_eq!(r.suggest("fxied"), Some("fixed"));
    assert_eq!(r.suggest("abc"), None);
    assert_eq!(r.suggest("xyz"), None);
    assert_eq!(r.suggest("zzzzzzzzz"), None);
    // The nearest wins.
    assert_eq!(r.suggest("grq"), Some("grp"));
}

#[test]
fn hints_allow_a_third_of_a_long_name() {
    let mut r = Registry::new();
    for name in ["a_very_long_reward_name", "short"] {
        r.add(RewardInfo {
            name,
            family: "f",
            source: "//! X.",
            params: &[],
            build: |_: &Params| Ok(Arc::new(Fixed(0.0)) as Arc<dyn Reward>),
        });
    }
    // 23 characters: up to 7 edits.
    assert_eq!(
        r.suggest("b_vxry_lxng_rxwxrd_nxmx"),
        Some("a_very_long_reward_name")
    );
    assert_eq!(r.suggest("b_vxry_lxng_rxwxrx_nxmx"), None);
    // `short`: 3 edits at most, fewer than its 5 characters.
    assert_eq!(r.suggest("shxxx"), Some("short"));
    assert_eq!(r.suggest("sxxxx"), None);
}

#[test]
#[should_panic(expected = "reward `fixed` registered twice")]
fn a_name_registered_twice_is_a_catalogue_bug() {
    let mut r = Registry::new();
    r.add(fixed());
    r.add(fixed());
}
