//! Plaudit's catalogue: every reward mechanism, one per file, grouped by family. Each file opens
//! with its documentation (what it computes, why, parameters, example), which `plaudit list` and
//! `plaudit explain` print and whose examples the tests run.

use plaudit_core::{Registry, RewardInfo};

/// A family's registration, in its `mod.rs`: the family's `all()`, listing the [`RewardInfo`]s
/// of its reward modules (each the file `src/<family>/<name>.rs`, named after the reward it
/// defines) in the order given (the order `plaudit list` shows). Adding a reward is declaring its
/// module (`pub mod <name>;`, written out: tools that read the module tree without expanding
/// macros, rustfmt and cargo-mutants, skip modules a macro declares) and adding its name here;
/// `tests/catalogue.rs` fails for a reward file that is not listed.
macro_rules! rewards {
    ($($reward:ident),* $(,)?) => {
        /// Every reward of this family.
        pub fn all() -> Vec<plaudit_core::RewardInfo> {
            vec![$($reward::INFO),*]
        }
    };
}
pub(crate) use rewards;

pub mod answer;
pub mod code;
pub mod combine;
pub mod components;
pub mod efficiency;
pub mod embeddings;
pub mod estimators;
pub mod format;
pub mod gui;
pub mod judge;
pub mod judges;
pub mod length;
pub mod math;
pub mod problem_state;
pub mod process;
pub mod similarity;
pub mod sql;
pub mod text;
pub mod tool;
pub mod util;
pub mod verifiers;

/// Every reward of this crate.
pub fn all() -> Vec<RewardInfo> {
    let mut v = Vec::new();
    v.extend(format::all());
    v.extend(answer::all());
    v.extend(length::all());
    v.extend(text::all());
    v.extend(similarity::all());
    v.extend(math::all());
    v.extend(gui::all());
    v.extend(tool::all());
    v.extend(sql::all());
    v.extend(code::all());
    v.extend(process::all());
    v.extend(efficiency::all());
    v.extend(estimators::all());
    v.extend(combine::all());
    v.extend(judge::all());
    v
}

/// The spec error of `info` built with `params` (tests): the errors of its declared parameters
/// (types, ranges), else the error of its `build`. Panics when it builds.
#[cfg(test)]
pub(crate) fn spec_error(
    info: &RewardInfo,
    params: serde_json::Value,
    components: &[&str],
) -> String {
    match plaudit_core::Params::from_json(info.params, &params, components) {
        Err(errors) => errors.join("; "),
        Ok(p) => match (info.build)(&p) {
            Err(e) => e,
            Ok(_) => panic!("{} builds with {params}", info.name),
        },
    }
}

/// A registry holding the whole catalogue.
pub fn registry() -> Registry {
    let mut r = Registry::new();
    for info in all() {
        r.add(info);
    }
    r.set_judge_check(judges::check);
    r
}

/// The built-in spec used when no `--spec` is given: it routes by `task`.
pub const DEFAULT_SPEC: &str = include_str!("default_spec.yaml");

/// The built-in default spec, compiled.
pub fn default_spec(registry: &Registry) -> plaudit_core::Spec {
    plaudit_core::Spec::from_text(DEFAULT_SPEC, registry)
        .expect("the built-in default spec compiles")
}
