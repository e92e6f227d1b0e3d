//! The gui family's behaviours that the catalogue's examples and the unit tests leave open, written
//! from the code before its mutation run (docs/MUTANTS.md, "plaudit-rewards"): every edge of the
//! target box on its own, the point path of `gui_iou` and `gui_gaussian_coverage`, and the
//! formulas on boxes whose x and y differ, away from the origin.

mod common;

use common::{one, status, value};
use plaudit_core::Status;
use serde_json::{json, Value};

/// The target box of these tests: x from 10 to 30, y from 20 to 40.
fn target() -> Value {
    json!({"box": [10, 20, 30, 40]})
}

/// `name`'s value for the point `(x, y)` against the target box, with `params`.
fn at(name: &str, params: Value, x: f64, y: f64) -> f64 {
    value(&one(
        name,
        params,
        json!({"response": format!("({x}, {y})"), "reference": target()}),
    ))
}

/// Points on each edge (inside) and one step past each edge alone (outside).
const INSIDE: &[(f64, f64)] = &[(10.0, 30.0), (30.0, 30.0), (20.0, 20.0), (20.0, 40.0)];
const OUTSIDE: &[(f64, f64)] = &[(9.0, 30.0), (31.0, 30.0), (20.0, 19.0), (20.0, 41.0)];

#[test]
fn point_in_box_counts_each_edge_as_inside_and_each_side_alone_as_outside() {
    // Pins: x1 ≤ x, x ≤ x2, y1 ≤ y, y ≤ y2, all four required.
    for &(x, y) in INSIDE {
        assert_eq!(at("gui_point_in_box", json!({}), x, y), 1.0, "({x}, {y})");
    }
    for &(x, y) in OUTSIDE {
        assert_eq!(at("gui_point_in_box", json!({}), x, y), 0.0, "({x}, {y})");
    }
}

#[test]
fn a_point_earns_point_value_inside_on_every_edge_and_zero_past_any_one_edge() {
    // Pins: the point path of gui_iou and gui_gaussian_coverage (same four bounds as point-in-box).
    for name in ["gui_iou", "gui_gaussian_coverage"] {
        for &(x, y) in INSIDE {
            let v = at(name, json!({"point_value": 0.25}), x, y);
            assert_eq!(v, 0.25, "{name} ({x}, {y})");
        }
        for &(x, y) in OUTSIDE {
            let v = at(name, json!({"point_value": 0.25}), x, y);
            assert_eq!(v, 0.0, "{name} ({x}, {y})");
        }
    }
}

#[test]
fn a_point_value_of_zero_scores_points_and_a_negative_one_refuses_them() {
    // Pins: `point_value >= 0` (0 included) decides whether a point is scored or no_answer.
    for name in ["gui_iou", "gui_gaussian_coverage"] {
        assert_eq!(at(name, json!({"point_value": 0.0}), 20.0, 30.0), 0.0);
        let o = one(
            name,
            json!({"point_value": -0.5}),
            json!({"response": "(20, 30)", "reference": target()}),
        );
        assert_eq!(status(&o), Status::NoAnswer, "{name}");
    }
}

#[test]
fn iou_of_boxes_overlapping_unevenly_in_x_and_y() {
    // Pins: the intersection's width and height and the union (area(P) + area(T) − inter).
    // P = [5, 25, 25, 60]: ∩ T = [10, 25, 25, 40], 15 × 15 = 225; areas 700 and 400; 225 / 875.
    let o = one(
        "gui_iou",
        json!({}),
        json!({"response": "[5, 25, 25, 60]", "reference": target()}),
    );
    assert_eq!(value(&o), 225.0 / 875.0);
    // Boxes apart in x only, then in y only: no intersection (not a negative one).
    for response in ["[31, 20, 50, 40]", "[10, 41, 30, 60]"] {
        let o = one(
            "gui_iou",
            json!({}),
            json!({"response": response, "reference": target()}),
        );
        assert_eq!(value(&o), 0.0, "{response}");
    }
}

#[test]
fn gaussian_point_uses_each_axis_own_centre_and_spread() {
    // Pins: μx = 20, μy = 30, σx = α·20, σy = α·20 on the target; with α = 0.5 both are 10.
    // (25, 50): ((25 − 20)/10)² + ((50 − 30)/10)² = 0.25 + 4 → exp(−2.125).
    assert_eq!(
        at("gui_gaussian_point", json!({}), 25.0, 50.0),
        (-2.125f64).exp()
    );
    // A box 20 wide and 40 high, away from the origin: [100, 200, 120, 240], centre (110, 220),
    // σx = 10, σy = 20 at α = 0.5; (115, 260): 0.25 + 4 → exp(−2.125) again, and (130, 230):
    // 4 + 0.25.
    for response in ["(115, 260)", "(130, 230)"] {
        let o = one(
            "gui_gaussian_point",
            json!({}),
            json!({"response": response, "reference": {"box": [100, 200, 120, 240]}}),
        );
        assert_eq!(value(&o), (-2.125f64).exp(), "{response}");
    }
    // α = 2: σx = 40, σy = 80; (130, 300): (20/40)² + (80/80)² = 1.25 → exp(−0.625).
    let o = one(
        "gui_gaussian_point",
        json!({"sigma_factor": 2.0}),
        json!({"response": "(130, 300)", "reference": {"box": [100, 200, 120, 240]}}),
    );
    assert_eq!(value(&o), (-0.625f64).exp());
}

#[test]
fn gaussian_coverage_of_a_box_centred_on_the_targets_corner_is_a_quarter() {
    // Pins: the predicted box's centre and spread per axis: a box centred on the target's
    // bottom-right corner (300, 500), narrow enough (σx = 6, σy = 4) that the far edges lie
    // beyond 30 σ, keeps half its mass on each axis: 1/4, exactly.
    let o = one(
        "gui_gaussian_coverage",
        json!({}),
        json!({"response": "[294, 496, 306, 504]", "reference": {"box": [100, 200, 300, 500]}}),
    );
    assert_eq!(value(&o), 0.25);
    // Centred on the bottom edge's middle: the whole x mass, half the y mass.
    let o = one(
        "gui_gaussian_coverage",
        json!({}),
        json!({"response": "[194, 496, 206, 504]", "reference": {"box": [100, 200, 300, 500]}}),
    );
    assert_eq!(value(&o), 0.5);
}

#[test]
fn iou_of_boxes_whose_areas_underflow_is_zero_not_nan() {
    // Pins: `union > 0.0` (a union of 0 gives 0, not 0/0). A box 1e-170 on a side has an area
    // of 1e-340, below the smallest double: both areas, the intersection and the union are 0,
    // so IoU is 0, even for the box against itself.
    let tiny = format!("0.{}1", "0".repeat(169));
    let o = one(
        "gui_iou",
        json!({}),
        json!({
            "response": format!("[0, 0, {tiny}, {tiny}]"),
            "reference": {"box": [0.0, 0.0, 1e-170, 1e-170]},
        }),
    );
    assert_eq!(value(&o), 0.0);
}
