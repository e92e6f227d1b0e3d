//! IoU: intersection over union of the predicted box and the target element's box.
//!
//! ## What it computes
//! With P the last box written in the response (see `gui_point_in_box` for the forms) and T the
//! reference box: r = area(P ∩ T) / area(P ∪ T), in [0, 1]. A predicted point has no area:
//! it is `no_answer` unless `point_value` is set, in which case a point inside T scores
//! `point_value` and a point outside 0. A prediction off the screen is `no_answer`.
//!
//! ## Why
//! The box-overlap reward of GUI grounding RL; "GUI-G²: Gaussian Reward Modeling for GUI
//! Grounding" compares against it: IoU is zero for every disjoint box however close, which is
//! why GUI-G² adds Gaussian rewards. IoU is symmetric but cannot be hacked by a huge box: the union
//! grows with it.
//!
//! ## Parameters
//! - `coords` (pixels | 0-1 | 0-1000; default `pixels`): the coordinate convention (as in
//!   `gui_point_in_box`).
//! - `point_value` (number; default -1): what a point inside the box earns; negative means a
//!   point is `no_answer`.
//!
//! ## Example
//! ```json
//! {"sample": {"response": "[0, 0, 10, 10]", "reference": {"box": [5, 0, 15, 10]}}, "value": 0.3333333333333333}
//! {"sample": {"response": "[0, 0, 1000, 1000]", "reference": {"box": [5, 0, 15, 10], "image_size": [1000, 1000]}}, "value": 0.0001}
//! {"params": {"point_value": 0.5}, "sample": {"response": "(7, 5)", "reference": {"box": [5, 0, 15, 10]}}, "value": 0.5}
//! {"sample": {"response": "(7, 5)", "reference": {"box": [5, 0, 15, 10]}}, "status": "no_answer"}
//! ```

use std::sync::Arc;

use plaudit_core::{
    Ctx, Failure, Kind, Outcome, ParamSpec, Params, Reward, RewardInfo, Sample, Score,
};

use crate::verifiers::gui_grounding::{ground, Pred, COORDS_PARAM};

pub const INFO: RewardInfo = RewardInfo {
    name: "gui_iou",
    family: "gui",
    source: include_str!("gui_iou.rs"),
    params: PARAMS,
    build,
};

const PARAMS: &[ParamSpec] = &[
    COORDS_PARAM,
    ParamSpec::new(
        "point_value",
        Kind::Float,
        "-1.0",
        "reward of a point inside the box; negative: a point is no_answer",
    ),
];

struct Iou {
    coords: String,
    point_value: f64,
}

fn build(p: &Params) -> Result<Arc<dyn Reward>, String> {
    Ok(Arc::new(Iou {
        coords: p.str("coords").to_string(),
        point_value: p.f64("point_value"),
    }))
}

/// Intersection over union of two boxes given as (x1, y1, x2, y2).
pub fn iou(a: [f64; 4], b: [f64; 4]) -> f64 {
    let iw = (a[2].min(b[2]) - a[0].max(b[0])).max(0.0);
    let ih = (a[3].min(b[3]) - a[1].max(b[1])).max(0.0);
    let inter = iw * ih;
    let area = |r: [f64; 4]| (r[2] - r[0]) * (r[3] - r[1]);
    let union = area(a) + area(b) - inter;
    if union > 0.0 {
        inter / union
    } else {
        0.0
    }
}

impl Reward for Iou {
    fn score(&self, sample: &Sample, _cx: &Ctx) -> Outcome {
        let g = ground(sample, &self.coords)?;
        let [t1, t2, t3, t4] = g.target;
        let v = match g.pred {
            Pred::Box(x1, y1, x2, y2) => iou([x1, y1, x2, y2], g.target),
            Pred::Point(x, y) if self.point_value >= 0.0 => {
                if t1 <= x && x <= t3 && t2 <= y && y <= t4 {
                    self.point_value
                } else {
                    0.0
                }
            }
            Pred::Point(..) => {
                return Err(Failure::no_answer(
                    "IoU needs a predicted box; the response gives a point",
                )
                .with_details(g.details))
            }
        };
        Ok(Score::with_details(v, g.details))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iou_values() {
        assert_eq!(iou([0.0, 0.0, 10.0, 10.0], [0.0, 0.0, 10.0, 10.0]), 1.0);
        assert_eq!(
            iou([0.0, 0.0, 10.0, 10.0], [5.0, 0.0, 15.0, 10.0]),
            1.0 / 3.0
        );
        assert_eq!(iou([0.0, 0.0, 1.0, 1.0], [2.0, 2.0, 3.0, 3.0]), 0.0);
        // Contained: area ratio.
        assert_eq!(iou([0.0, 0.0, 4.0, 4.0], [1.0, 1.0, 3.0, 3.0]), 0.25);
    }
}
