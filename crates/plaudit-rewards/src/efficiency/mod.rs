//! Efficiency shaping that needs the group or the model's history: difficulty-aware targets, shortest-correct anchors, cohort-relative costs, the price of routed model calls.
//!
//! What the family shares is in [`costs`] (tool-call counts, order statistics),
//! [`crate::problem_state`] (the state key and entries) and [`crate::components`] (correctness).

mod costs;

pub mod cohort_efficiency;
pub mod drpo_length;
pub mod edit_efficiency;
pub mod laser_d_length;
pub mod routing_cost;
pub mod shortest_correct_anchor;
pub mod tightening_cost_reference;

crate::rewards! {
    laser_d_length,
    shortest_correct_anchor,
    drpo_length,
    cohort_efficiency,
    tightening_cost_reference,
    edit_efficiency,
    routing_cost,
}
