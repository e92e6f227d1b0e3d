//! The group stage (`plaudit_core::GroupSpec::compute`) by hand-computed values: each estimator
//! on groups of two (the smallest with a baseline), the standard deviation's two forms, `eps`,
//! batches and groups of one, and zero-variance marks without advantages. Written from the
//! cargo-mutants run over `src/group.rs` (docs/MUTANTS.md).

use plaudit_core::{Advantage, GroupOutput, GroupSpec};

fn keys(ks: &[Option<&str>]) -> Vec<Option<String>> {
    ks.iter().map(|k| k.map(String::from)).collect()
}

fn adv(g: &GroupSpec, rewards: &[f64], ks: &[Option<&str>]) -> Vec<f64> {
    g.compute(rewards, &keys(ks)).advantage.unwrap()
}

fn spec(advantage: Advantage) -> GroupSpec {
    GroupSpec {
        advantage,
        ..GroupSpec::default()
    }
}

fn close(a: &[f64], b: &[f64]) {
    assert_eq!(a.len(), b.len(), "{a:?} != {b:?}");
    for (x, y) in a.iter().zip(b) {
        assert!((x - y).abs() < 1e-12, "{a:?} != {b:?}");
    }
}

const PAIR: [Option<&str>; 2] = [Some("p"), Some("p")];

#[test]
fn estimator_names_round_trip() {
    for name in Advantage::NAMES {
        assert_eq!(Advantage::parse(name).unwrap().name(), name);
    }
    assert_eq!(Advantage::parse("grpo"), Some(Advantage::Grpo));
    assert_eq!(Advantage::parse("dr_grpo"), Some(Advantage::DrGrpo));
    assert_eq!(Advantage::parse("rloo"), Some(Advantage::Rloo));
    assert_eq!(
        Advantage::parse("reinforce_pp"),
        Some(Advantage::ReinforcePp)
    );
    assert_eq!(Advantage::parse("none"), Some(Advantage::None));
    assert_eq!(Advantage::parse("GRPO"), None);
    assert_eq!(Advantage::None.name(), "none");
    assert_eq!(Advantage::Grpo.name(), "grpo");
    assert_eq!(Advantage::DrGrpo.name(), "dr_grpo");
    assert_eq!(Advantage::Rloo.name(), "rloo");
    assert_eq!(Advantage::ReinforcePp.name(), "reinforce_pp");
}

#[test]
fn the_default_stage_does_nothing() {
    let g = GroupSpec::default();
    assert_eq!(g.advantage, Advantage::None);
    assert_eq!(g.eps, 1e-6);
    assert!(g.unbiased_std && !g.mark_zero_variance);
    assert!(!g.is_active());
    assert_eq!(
        g.compute(&[1.0, 0.0], &keys(&PAIR)),
        GroupOutput {
            advantage: None,
            zero_variance: None
        }
    );
    assert!(spec(Advantage::DrGrpo).is_active());
    let marks = GroupSpec {
        mark_zero_variance: true,
        ..GroupSpec::default()
    };
    assert!(marks.is_active());
    // Marks alone: no advantage field.
    assert_eq!(
        marks.compute(&[1.0, 1.0, 0.5], &keys(&[Some("a"), Some("a"), Some("b")])),
        GroupOutput {
            advantage: None,
            zero_variance: Some(vec![true, true, true])
        }
    );
}

#[test]
fn grpo_on_a_pair_with_both_standard_deviations() {
    // Rewards 3 and 1: mean 2; sample std sqrt(2), population std 1.
    let g = GroupSpec {
        eps: 0.0,
        ..spec(Advantage::Grpo)
    };
    let s = 2f64.sqrt();
    close(&adv(&g, &[3.0, 1.0], &PAIR), &[1.0 / s, -1.0 / s]);
    let pop = GroupSpec {
        unbiased_std: false,
        ..g.clone()
    };
    close(&adv(&pop, &[3.0, 1.0], &PAIR), &[1.0, -1.0]);
    // eps is added to the std.
    let eps = GroupSpec { eps: 1.0, ..pop };
    close(&adv(&eps, &[3.0, 1.0], &PAIR), &[0.5, -0.5]);
    // Equal rewards: 0, not a division by zero.
    close(
        &adv(&spec(Advantage::Grpo), &[2.0, 2.0], &PAIR),
        &[0.0, 0.0],
    );
}

#[test]
fn rloo_and_dr_grpo_on_a_pair() {
    // rloo: each reward minus the other one.
    close(
        &adv(&spec(Advantage::Rloo), &[3.0, 1.0], &PAIR),
        &[2.0, -2.0],
    );
    close(
        &adv(&spec(Advantage::DrGrpo), &[3.0, 1.0], &PAIR),
        &[1.0, -1.0],
    );
    // Three: 5 − mean(1, 0) = 4.5.
    close(
        &adv(
            &spec(Advantage::Rloo),
            &[5.0, 1.0, 0.0],
            &[Some("g"), Some("g"), Some("g")],
        ),
        &[4.5, -1.5, -3.0],
    );
}

#[test]
fn groups_of_one_have_no_baseline() {
    let solo = [None, Some("x")];
    for a in [Advantage::Grpo, Advantage::DrGrpo, Advantage::Rloo] {
        close(&adv(&spec(a), &[3.0, -1.0], &solo), &[0.0, 0.0]);
    }
    // reinforce_pp over a batch of one: 0, not 0/0.
    close(
        &adv(&spec(Advantage::ReinforcePp), &[3.0], &[Some("g")]),
        &[0.0],
    );
    close(&adv(&spec(Advantage::ReinforcePp), &[3.0], &[None]), &[0.0]);
    // The reward estimator passes a group of one through.
    close(&adv(&spec(Advantage::Reward), &[3.0], &[None]), &[3.0]);
}

#[test]
fn reinforce_pp_whitens_with_the_chosen_std_and_eps() {
    // Group-centred: 1, −1 and 0 (a singleton); batch mean 0; population std sqrt(2/3).
    let g = GroupSpec {
        unbiased_std: false,
        eps: 0.0,
        ..spec(Advantage::ReinforcePp)
    };
    let s = (2.0f64 / 3.0).sqrt();
    close(
        &adv(&g, &[3.0, 1.0, 7.0], &[Some("a"), Some("a"), None]),
        &[1.0 / s, -1.0 / s, 0.0],
    );
    // Sample std: sqrt(2/2) = 1.
    let g = GroupSpec {
        eps: 0.0,
        ..spec(Advantage::ReinforcePp)
    };
    close(
        &adv(&g, &[3.0, 1.0, 7.0], &[Some("a"), Some("a"), None]),
        &[1.0, -1.0, 0.0],
    );
}

#[test]
fn an_empty_batch() {
    let out = spec(Advantage::ReinforcePp).compute(&[], &[]);
    assert_eq!(out.advantage, Some(vec![]));
}
