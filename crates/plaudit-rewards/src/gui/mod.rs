//! GUI grounding: point-in-box, IoU, and GUI-G²'s Gaussian point and coverage rewards, on the
//! GUI-grounding verifier ([`crate::verifiers::gui_grounding`]).

use plaudit_core::RewardInfo;

mod gaussian;

pub mod gaussian_coverage;
pub mod gaussian_point;
pub mod iou;
pub mod point_in_box;

pub fn all() -> Vec<RewardInfo> {
    vec![
        point_in_box::INFO,
        iou::INFO,
        gaussian_point::INFO,
        gaussian_coverage::INFO,
    ]
}
