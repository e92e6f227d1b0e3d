//! GUI grounding: point-in-box, IoU, and GUI-G²'s Gaussian point and coverage rewards, on the
//! GUI-grounding verifier ([`crate::verifiers::gui_grounding`]).

mod gaussian;

pub mod gui_gaussian_coverage;
pub mod gui_gaussian_point;
pub mod gui_iou;
pub mod gui_point_in_box;

crate::rewards! {
    gui_point_in_box,
    gui_iou,
    gui_gaussian_point,
    gui_gaussian_coverage,
}
