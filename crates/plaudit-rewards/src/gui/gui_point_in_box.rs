//! Point in box: 1 when the predicted click point (or the centre of a predicted box) lies inside the target element's box, else 0.
//!
//! ## What it computes
//! The last point or box written in the response's answer region is parsed (`(x, y)`,
//! `[x, y]`, `[x1, y1, x2, y2]`, `(x1, y1), (x2, y2)`, `<point>x y</point>`, `<box>…</box>`,
//! JSON such as `{"coordinate": [x, y]}` or `{"x": …, "y": …}`). A box counts by its centre.
//! With the reference `{"box": [x1, y1, x2, y2], "image_size"?: [w, h]}`, the reward is 1.0 when
//! x1 ≤ x ≤ x2 and y1 ≤ y ≤ y2, else 0.0. Only the last prediction counts, so listing many
//! candidate points earns nothing more than the last of them.
//!
//! Statuses: no point or box in the response is `no_answer`; a prediction outside the screen
//! (negative, or beyond `image_size`, or beyond 1 / 1000 in a normalised convention) is
//! `no_answer` with a message naming the coordinate; a reference without a box of positive area
//! is `invalid_input`.
//!
//! ## Why
//! The click-accuracy metric of GUI grounding benchmarks (ScreenSpot) and the binary reward of
//! rule-based GUI RL, the baseline against which "GUI-G²: Gaussian Reward Modeling for GUI
//! Grounding" motivates its dense Gaussian rewards: a click anywhere inside the element is right.
//!
//! ## Parameters
//! - `coords` (pixels | 0-1 | 0-1000; default `pixels`): the coordinate convention of the
//!   prediction and of the reference box. A sample may override them: `reference.pred_coords`
//!   for the prediction (the convention of the model that wrote it), `reference.coords` for the
//!   box. Mixing pixels with a normalised convention needs `image_size`.
//!
//! ## Example
//! ```json
//! {"sample": {"response": "click(120, 45)", "reference": {"box": [100, 30, 160, 60]}}, "value": 1.0}
//! {"sample": {"response": "<point>90 45</point>", "reference": {"box": [100, 30, 160, 60]}}, "value": 0.0}
//! {"params": {"coords": "0-1000"}, "sample": {"response": "[250, 500]", "reference": {"box": [100, 200, 200, 260], "image_size": [400, 400], "coords": "pixels"}}, "value": 1.0}
//! {"sample": {"response": "<point>937 62</point>", "reference": {"box": [1190, 30, 1230, 60], "image_size": [1280, 720], "pred_coords": "0-1000"}}, "value": 1.0}
//! {"sample": {"response": "(2000, 45)", "reference": {"box": [100, 30, 160, 60], "image_size": [1920, 1080]}}, "status": "no_answer"}
//! {"sample": {"response": "the blue button", "reference": {"box": [100, 30, 160, 60]}}, "status": "no_answer"}
//! ```

use std::sync::Arc;

use plaudit_core::{Ctx, Outcome, ParamSpec, Params, Reward, RewardInfo, Sample, Score};

use crate::verifiers::gui_grounding::{ground, COORDS_PARAM};

pub const INFO: RewardInfo = RewardInfo {
    name: "gui_point_in_box",
    family: "gui",
    source: include_str!("gui_point_in_box.rs"),
    params: PARAMS,
    build,
};

const PARAMS: &[ParamSpec] = &[COORDS_PARAM];

struct PointInBox {
    coords: String,
}

fn build(p: &Params) -> Result<Arc<dyn Reward>, String> {
    Ok(Arc::new(PointInBox {
        coords: p.str("coords").to_string(),
    }))
}

impl Reward for PointInBox {
    fn score(&self, sample: &Sample, _cx: &Ctx) -> Outcome {
        let g = ground(sample, &self.coords)?;
        let (x, y) = g.pred.center();
        let [x1, y1, x2, y2] = g.target;
        let hit = x1 <= x && x <= x2 && y1 <= y && y <= y2;
        Ok(Score::with_details(f64::from(u8::from(hit)), g.details))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use plaudit_core::{Deadline, Status};
    use serde_json::{json, Value};

    fn score(params: Value, response: &str, reference: Value) -> Outcome {
        let p = Params::from_json(PARAMS, &params, &[]).unwrap();
        let d = Deadline::none();
        build(&p)
            .unwrap()
            .score(&Sample::new(response, reference), &Ctx::new(&d, &[]))
    }

    #[test]
    fn box_centre_and_edges() {
        let r = json!({"box": [0, 0, 10, 10]});
        assert_eq!(
            score(json!({}), "[8, 8, 12, 12]", r.clone()).unwrap().value,
            1.0
        );
        assert_eq!(score(json!({}), "(10, 10)", r.clone()).unwrap().value, 1.0);
        assert_eq!(
            score(json!({}), "(10.5, 10)", r.clone()).unwrap().value,
            0.0
        );
    }

    #[test]
    fn only_the_last_point_counts() {
        let r = json!({"box": [0, 0, 10, 10]});
        let s = score(json!({}), "(5, 5) or (50, 50) or (90, 90)", r).unwrap();
        assert_eq!(s.value, 0.0);
        assert_eq!(
            s.details.unwrap()["prediction"],
            json!({"point": [90.0, 90.0]})
        );
    }

    #[test]
    fn normalised_conventions() {
        let r = json!({"box": [0.1, 0.1, 0.2, 0.2]});
        assert_eq!(
            score(json!({"coords": "0-1"}), "(0.15, 0.15)", r.clone())
                .unwrap()
                .value,
            1.0
        );
        let e = score(json!({"coords": "0-1"}), "(150, 150)", r.clone()).unwrap_err();
        assert_eq!(e.status, Status::NoAnswer);
        assert!(
            e.message.contains("outside the screen (0..1 × 0..1"),
            "{}",
            e.message
        );
        // Pixels against a normalised reference need the image size.
        let e = score(
            json!({}),
            "(15, 15)",
            json!({"box": [0.1, 0.1, 0.2, 0.2], "coords": "0-1"}),
        )
        .unwrap_err();
        assert_eq!(e.status, Status::InvalidInput);
        let ok = score(
            json!({}),
            "(15, 30)",
            json!({"box": [0.1, 0.1, 0.2, 0.2], "coords": "0-1", "image_size": [100, 200]}),
        )
        .unwrap();
        assert_eq!(ok.value, 1.0);
    }

    #[test]
    fn bad_inputs_have_clear_statuses() {
        let e = score(json!({}), "(-1, 5)", json!({"box": [0, 0, 10, 10]})).unwrap_err();
        assert_eq!(e.status, Status::NoAnswer);
        assert!(e
            .message
            .starts_with("predicted coordinate (-1, 5) lies outside the screen"));
        let e = score(json!({}), "(1, 5)", json!({"box": [5, 0, 1, 10]})).unwrap_err();
        assert_eq!(e.status, Status::InvalidInput);
        let e = score(
            json!({}),
            "(1, 5)",
            json!({"box": [0, 0, 10, 10], "pred_coords": "percent"}),
        )
        .unwrap_err();
        assert_eq!(
            e.message,
            "`reference.pred_coords` must be one of pixels, 0-1, 0-1000"
        );
        let e = score(json!({}), "(1, 5)", json!("button")).unwrap_err();
        assert_eq!(e.status, Status::InvalidInput);
        let e = score(
            json!({}),
            "<think>maybe (5, 5)",
            json!({"box": [0, 0, 10, 10]}),
        )
        .unwrap_err();
        assert_eq!(e.status, Status::NoAnswer);
        let e = score(json!({}), "[9, 9, 1, 1]", json!({"box": [0, 0, 10, 10]})).unwrap_err();
        assert_eq!(e.status, Status::NoAnswer);
    }
}
