//! Efficiency shaping that needs the group or the model's history: difficulty-aware targets, shortest-correct anchors, cohort-relative costs.
//!
//! What the family shares is in [`costs`] (tool-call counts, order statistics),
//! [`crate::problem_state`] (the state key and entries) and [`crate::components`] (correctness).

use plaudit_core::RewardInfo;

mod costs;

pub mod cohort_efficiency;
pub mod drpo_length;
pub mod edit_efficiency;
pub mod laser_d_length;
pub mod shortest_correct_anchor;
pub mod tightening_cost_reference;

pub fn all() -> Vec<RewardInfo> {
    vec![
        laser_d_length::INFO,
        shortest_correct_anchor::INFO,
        drpo_length::INFO,
        cohort_efficiency::INFO,
        tightening_cost_reference::INFO,
        edit_efficiency::INFO,
    ]
}
