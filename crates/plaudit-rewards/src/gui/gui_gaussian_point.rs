//! GUI-G² Gaussian point reward: a 2-D Gaussian centred on the target element, with a spread proportional to its size, evaluated at the predicted point.
//!
//! ## What it computes
//! With the target box of centre (μx, μy), width w and height h, and the predicted point (x, y)
//! (a predicted box counts by its centre):
//! ```text
//! σx = α·w,  σy = α·h                     (adaptive variance, α = sigma_factor)
//! r  = exp(−½ · ((x − μx)²/σx² + (y − μy)²/σy²))
//! ```
//! r is 1 at the centre, exp(−½/(4α²)) at the middle of an edge (0.607 for α = 0.5) and decays
//! smoothly outside the element, so a near miss still earns a gradient. The variance scales with
//! the element: a 10-pixel miss matters on an icon, hardly on a wide text field. Statuses as in
//! `gui_point_in_box` (no prediction or off-screen: `no_answer`).
//!
//! ## Why
//! "GUI-G²: Gaussian Reward Modeling for GUI Grounding" replaces binary hit/miss rewards by
//! Gaussian point rewards so that grounding gets dense feedback, with the adaptive variance
//! mechanism (σ proportional to the element's size) to treat small and large elements alike. The
//! abstract gives no value for the factor; α = 0.5 (inferred) puts the element's edge at one σ.
//!
//! ## Parameters
//! - `coords` (pixels | 0-1 | 0-1000; default `pixels`): the coordinate convention (as in
//!   `gui_point_in_box`).
//! - `sigma_factor` (number > 0; default 0.5): α, the spread per unit of element size.
//!
//! ## Example
//! ```json
//! {"sample": {"response": "(130, 45)", "reference": {"box": [100, 30, 160, 60]}}, "value": 1.0}
//! {"sample": {"response": "(160, 45)", "reference": {"box": [100, 30, 160, 60]}}, "value": 0.6065306597126334}
//! {"params": {"sigma_factor": 1.0}, "sample": {"response": "(190, 60)", "reference": {"box": [100, 30, 160, 60]}}, "value": 0.5352614285189903}
//! {"sample": {"response": "no idea", "reference": {"box": [100, 30, 160, 60]}}, "status": "no_answer"}
//! ```

use std::sync::Arc;

use plaudit_core::{Ctx, Outcome, ParamSpec, Params, Reward, RewardInfo, Sample, Score};

use super::gaussian::SIGMA_PARAM;
use crate::verifiers::gui_grounding::{ground, COORDS_PARAM};

pub const INFO: RewardInfo = RewardInfo {
    name: "gui_gaussian_point",
    family: "gui",
    source: include_str!("gui_gaussian_point.rs"),
    params: PARAMS,
    build,
};

const PARAMS: &[ParamSpec] = &[COORDS_PARAM, SIGMA_PARAM];

struct GaussianPoint {
    coords: String,
    alpha: f64,
}

fn build(p: &Params) -> Result<Arc<dyn Reward>, String> {
    Ok(Arc::new(GaussianPoint {
        coords: p.str("coords").to_string(),
        alpha: p.f64("sigma_factor"),
    }))
}

/// The Gaussian point reward of (x, y) for the box `t` with spread factor `alpha`.
pub fn gaussian_point(x: f64, y: f64, t: [f64; 4], alpha: f64) -> f64 {
    let (mx, my) = ((t[0] + t[2]) / 2.0, (t[1] + t[3]) / 2.0);
    let (sx, sy) = (alpha * (t[2] - t[0]), alpha * (t[3] - t[1]));
    (-0.5 * (((x - mx) / sx).powi(2) + ((y - my) / sy).powi(2))).exp()
}

impl Reward for GaussianPoint {
    fn score(&self, sample: &Sample, _cx: &Ctx) -> Outcome {
        let g = ground(sample, &self.coords)?;
        let (x, y) = g.pred.center();
        Ok(Score::with_details(
            gaussian_point(x, y, g.target, self.alpha),
            g.details,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spread_scales_with_the_element() {
        // The same 10-pixel miss: costly on a 20-pixel icon, cheap on a 400-pixel field.
        let icon = gaussian_point(20.0, 10.0, [0.0, 0.0, 20.0, 20.0], 0.5);
        let field = gaussian_point(210.0, 10.0, [0.0, 0.0, 400.0, 20.0], 0.5);
        assert_eq!(icon, (-0.5f64).exp());
        assert!((field - (-0.5f64 * (10.0f64 / 200.0).powi(2)).exp()).abs() < 1e-15);
        assert!(field > 0.99 && icon < 0.61);
    }

    #[test]
    fn zero_sigma_factor_is_a_spec_error() {
        assert_eq!(
            crate::spec_error(&INFO, serde_json::json!({"sigma_factor": 0.0}), &[]),
            "parameter `sigma_factor` must be > 0, got 0"
        );
    }
}
