//! GUI-G² Gaussian coverage reward: the probability mass of the predicted box's Gaussian that falls inside the target element's box.
//!
//! ## What it computes
//! The predicted box (centre (px, py), width w', height h') is read as a Gaussian with
//! σx = α·w', σy = α·h' (α = `sigma_factor`, the adaptive variance), and the reward is its mass
//! inside the target box [x1, x2] × [y1, y2]:
//! ```text
//! r = (Φ((x2 − px)/σx) − Φ((x1 − px)/σx)) · (Φ((y2 − py)/σy) − Φ((y1 − py)/σy))
//! ```
//! with Φ the standard normal distribution function. A predicted box equal to the target scores
//! (erf(1/(2√2·α)))², 0.466 for α = 0.5; a small box centred in the target approaches 1. The
//! direction matters: the mass of the *prediction* inside the *target* is measured, so a huge
//! box that covers the target (and the rest of the screen) spreads its mass outside and earns
//! little. The other way round it is lenient: a box smaller than the target, centred in it,
//! approaches 1, so on its own the reward favours small boxes; pair it with `gui_iou` (or
//! GUI-G²'s point reward plus a size term) when box extent matters. A predicted point has no
//! extent: it is `no_answer` unless `point_value` is set (a point would otherwise beat every box).
//! Statuses as in `gui_point_in_box`.
//!
//! ## Why
//! "GUI-G²: Gaussian Reward Modeling for GUI Grounding" pairs its Gaussian point reward with this
//! coverage reward, which measures how much of the predicted distribution overlaps the target
//! region, so that the predicted extent as well as the click position is learned. α as in
//! `gui_gaussian_point` (0.5 inferred).
//!
//! ## Parameters
//! - `coords` (pixels | 0-1 | 0-1000; default `pixels`): the coordinate convention (as in
//!   `gui_point_in_box`).
//! - `sigma_factor` (number > 0; default 0.5): α, the spread of the predicted Gaussian per unit of
//!   predicted box size.
//! - `point_value` (number; default -1): what a predicted point inside the target earns (0
//!   outside); negative means a point is `no_answer`.
//!
//! ## Example
//! ```json
//! {"sample": {"response": "[0, 0, 10, 10]", "reference": {"box": [0, 0, 10, 10]}}, "value": 0.4660649222914208}
//! {"sample": {"response": "[4, 4, 6, 6]", "reference": {"box": [0, 0, 10, 10]}}, "value": 0.9999988533940543}
//! {"sample": {"response": "[0, 0, 1000, 1000]", "reference": {"box": [495, 495, 505, 505], "image_size": [1000, 1000]}}, "value": 6.365985522036425e-5}
//! {"sample": {"response": "(5, 5)", "reference": {"box": [0, 0, 10, 10]}}, "status": "no_answer"}
//! {"params": {"point_value": 0.3}, "sample": {"response": "(5, 5)", "reference": {"box": [0, 0, 10, 10]}}, "value": 0.3}
//! ```

use std::sync::Arc;

use plaudit_core::{
    Ctx, Failure, Kind, Outcome, ParamSpec, Params, Reward, RewardInfo, Sample, Score,
};

use super::gaussian::{normal_mass, SIGMA_PARAM};
use crate::verifiers::gui_grounding::{ground, Pred, COORDS_PARAM};

pub const INFO: RewardInfo = RewardInfo {
    name: "gui_gaussian_coverage",
    family: "gui",
    source: include_str!("gui_gaussian_coverage.rs"),
    params: PARAMS,
    build,
};

const PARAMS: &[ParamSpec] = &[
    COORDS_PARAM,
    SIGMA_PARAM,
    ParamSpec::new(
        "point_value",
        Kind::Float,
        "-1.0",
        "reward of a point inside the box; negative: a point is no_answer",
    ),
];

struct GaussianCoverage {
    coords: String,
    alpha: f64,
    point_value: f64,
}

fn build(p: &Params) -> Result<Arc<dyn Reward>, String> {
    Ok(Arc::new(GaussianCoverage {
        coords: p.str("coords").to_string(),
        alpha: p.f64("sigma_factor"),
        point_value: p.f64("point_value"),
    }))
}

/// The mass of the Gaussian of predicted box `p` (spread factor `alpha`) inside box `t`.
pub fn coverage(p: [f64; 4], t: [f64; 4], alpha: f64) -> f64 {
    let (mx, my) = ((p[0] + p[2]) / 2.0, (p[1] + p[3]) / 2.0);
    let (sx, sy) = (alpha * (p[2] - p[0]), alpha * (p[3] - p[1]));
    normal_mass(t[0], t[2], mx, sx) * normal_mass(t[1], t[3], my, sy)
}

impl Reward for GaussianCoverage {
    fn score(&self, sample: &Sample, _cx: &Ctx) -> Outcome {
        let g = ground(sample, &self.coords)?;
        let t = g.target;
        let v = match g.pred {
            Pred::Box(x1, y1, x2, y2) => coverage([x1, y1, x2, y2], t, self.alpha),
            Pred::Point(x, y) if self.point_value >= 0.0 => {
                if t[0] <= x && x <= t[2] && t[1] <= y && y <= t[3] {
                    self.point_value
                } else {
                    0.0
                }
            }
            Pred::Point(..) => {
                return Err(Failure::no_answer(
                    "coverage needs a predicted box; the response gives a point",
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
    fn a_huge_box_earns_little() {
        let t = [495.0, 495.0, 505.0, 505.0];
        let exact = coverage(t, t, 0.5);
        let huge = coverage([0.0, 0.0, 1000.0, 1000.0], t, 0.5);
        assert!(huge < 0.001 * exact, "{huge} vs {exact}");
        // A box slightly larger than the target loses some, a tighter one gains.
        assert!(coverage([490.0, 490.0, 510.0, 510.0], t, 0.5) < exact);
        assert!(coverage([498.0, 498.0, 502.0, 502.0], t, 0.5) > exact);
    }

    #[test]
    fn equal_boxes_give_the_documented_value() {
        let v = coverage([0.0, 0.0, 10.0, 10.0], [0.0, 0.0, 10.0, 10.0], 0.5);
        assert!((v - 0.682_689_492_137_086f64.powi(2)).abs() < 5e-7, "{v}");
    }
}
