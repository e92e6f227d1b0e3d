//! The GUI-grounding verifier: click points and element boxes parsed from text, coordinate
//! conventions, and bringing a prediction and its target box into one frame. The `gui` family's
//! rewards are built on it.

use std::sync::OnceLock;

use plaudit_core::{Failure, Kind, ParamSpec, Sample};
use regex::Regex;
use serde_json::{json, Value};

use crate::util::answer_region;

/// Coordinate conventions: absolute pixels, fractions of the screen, or thousandths of it.
pub const COORDS: &[&str] = &["pixels", "0-1", "0-1000"];

pub(crate) const COORDS_PARAM: ParamSpec = ParamSpec::new(
    "coords",
    Kind::Enum(COORDS),
    "\"pixels\"",
    "coordinate convention of the prediction and the reference box",
);

/// A predicted location.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Pred {
    Point(f64, f64),
    Box(f64, f64, f64, f64),
}

impl Pred {
    pub fn center(&self) -> (f64, f64) {
        match *self {
            Pred::Point(x, y) => (x, y),
            Pred::Box(x1, y1, x2, y2) => ((x1 + x2) / 2.0, (y1 + y2) / 2.0),
        }
    }
    fn corners(&self) -> Vec<(f64, f64)> {
        match *self {
            Pred::Point(x, y) => vec![(x, y)],
            Pred::Box(x1, y1, x2, y2) => vec![(x1, y1), (x2, y2)],
        }
    }
    fn map(&self, fx: impl Fn(f64) -> f64, fy: impl Fn(f64) -> f64) -> Pred {
        match *self {
            Pred::Point(x, y) => Pred::Point(fx(x), fy(y)),
            Pred::Box(x1, y1, x2, y2) => Pred::Box(fx(x1), fy(y1), fx(x2), fy(y2)),
        }
    }
    pub fn to_json(&self) -> Value {
        match *self {
            Pred::Point(x, y) => json!({"point": [x, y]}),
            Pred::Box(x1, y1, x2, y2) => json!({"box": [x1, y1, x2, y2]}),
        }
    }
}

const NUM: &str = r"([-+]?\d+(?:\.\d+)?)";

fn patterns() -> &'static [(Regex, usize)] {
    static P: OnceLock<Vec<(Regex, usize)>> = OnceLock::new();
    P.get_or_init(|| {
        let sep = r"\s*,\s*";
        let mk = |s: String, n| (Regex::new(&s).expect("gui pattern"), n);
        vec![
            // (x1, y1), (x2, y2) — Qwen2-VL's box form, with or without its special tokens.
            mk(
                format!(r"\(\s*{NUM}{sep}{NUM}\s*\)\s*,?\s*\(\s*{NUM}{sep}{NUM}\s*\)"),
                4,
            ),
            // [x1, y1, x2, y2] or (x1, y1, x2, y2)
            mk(
                format!(r"[\[\(]\s*{NUM}{sep}{NUM}{sep}{NUM}{sep}{NUM}\s*[\]\)]"),
                4,
            ),
            // (x, y) or [x, y]
            mk(format!(r"[\[\(]\s*{NUM}{sep}{NUM}\s*[\]\)]"), 2),
            // <point>x y</point>, <point>x, y</point>
            mk(
                format!(r"<point>\s*{NUM}(?:\s*,\s*|\s+){NUM}\s*</point>"),
                2,
            ),
            // <box>x1 y1 x2 y2</box>
            mk(
                format!(r"<box>\s*{NUM}(?:\s*,\s*|\s+){NUM}(?:\s*,\s*|\s+){NUM}(?:\s*,\s*|\s+){NUM}\s*</box>"),
                4,
            ),
            // JSON / keyword forms: {"x": 10, "y": 20}, x=10, y=20
            mk(
                format!(r#"["']?x["']?\s*[:=]\s*{NUM}\s*,\s*["']?y["']?\s*[:=]\s*{NUM}"#),
                2,
            ),
        ]
    })
}

/// The last point or box written in `text` (the final answer wins over earlier mentions). Among
/// matches that end at the same place the longest wins, so `(1,2),(3,4)` is one box.
pub fn parse_prediction(text: &str) -> Option<Pred> {
    let mut best: Option<(usize, usize, Pred)> = None;
    for (re, n) in patterns() {
        for c in re.captures_iter(text) {
            let m = c.get(0)?;
            let v: Vec<f64> = (1..=*n)
                .filter_map(|i| c.get(i).and_then(|g| g.as_str().parse().ok()))
                .collect();
            if v.len() != *n || v.iter().any(|x| !x.is_finite()) {
                continue;
            }
            let p = if *n == 2 {
                Pred::Point(v[0], v[1])
            } else {
                Pred::Box(v[0], v[1], v[2], v[3])
            };
            let better = match best {
                None => true,
                Some((s, e, _)) => m.end() > e || (m.end() == e && m.start() < s),
            };
            if better {
                best = Some((m.start(), m.end(), p));
            }
        }
    }
    best.map(|(_, _, p)| p)
}

/// The target of a GUI sample, and everything in one frame.
#[derive(Clone, Debug)]
pub struct Grounding {
    /// The prediction, in the frame.
    pub pred: Pred,
    /// The target box (x1, y1, x2, y2), in the frame, x1 < x2, y1 < y2.
    pub target: [f64; 4],
    /// The details every GUI reward reports.
    pub details: Value,
}

fn scale_of(convention: &str) -> Option<f64> {
    match convention {
        "0-1" => Some(1.0),
        "0-1000" => Some(1000.0),
        _ => None,
    }
}

/// Read the reference box, parse the prediction from the response's answer region, bring both
/// into one frame (pixels when `image_size` is known, else the shared convention) and check the
/// prediction lies on the screen.
pub fn ground(sample: &Sample, coords: &str) -> Result<Grounding, Failure> {
    let bad = |m: &str| Failure::invalid_input(m.to_string());
    let r = &sample.reference;
    let nums = |v: Option<&Value>, n: usize| -> Option<Vec<f64>> {
        let a = v?.as_array()?;
        let out: Vec<f64> = a.iter().filter_map(Value::as_f64).collect();
        (a.len() == n && out.len() == n && out.iter().all(|x| x.is_finite())).then_some(out)
    };
    let b = nums(r.get("box").or_else(|| r.get("bbox")), 4).ok_or_else(|| {
        bad("`reference` must be {\"box\": [x1, y1, x2, y2]} with optional \"image_size\": [w, h]")
    })?;
    if !(b[2] > b[0] && b[3] > b[1]) {
        return Err(bad(
            "`reference.box` must have x1 < x2 and y1 < y2 (an element with an area)",
        ));
    }
    let size = match r.get("image_size") {
        None | Some(Value::Null) => None,
        v => Some(
            nums(v, 2)
                .filter(|s| s[0] > 0.0 && s[1] > 0.0)
                .ok_or_else(|| bad("`reference.image_size` must be [w, h] with w, h > 0"))?,
        ),
    };
    let conv = |field: &str, default: &str| -> Result<String, Failure> {
        match r.get(field) {
            None => Ok(default.to_string()),
            Some(Value::String(s)) if COORDS.contains(&s.as_str()) => Ok(s.clone()),
            Some(_) => Err(bad(&format!(
                "`reference.{field}` must be one of pixels, 0-1, 0-1000"
            ))),
        }
    };
    // The prediction's convention: the sample's own (the model that wrote it), else the parameter.
    // The box's: the reference's own, else the parameter.
    let ref_coords = conv("coords", coords)?;
    let pred_coords = conv("pred_coords", coords)?;
    let coords = pred_coords.as_str();
    let Some(region) = answer_region(&sample.response) else {
        return Err(Failure::no_answer(
            "the response was cut off inside <think>: no prediction",
        ));
    };
    let Some(raw) = parse_prediction(region) else {
        return Err(Failure::no_answer(
            "no point or box found in the response (expected (x, y), [x1, y1, x2, y2], <point>x y</point> or JSON)",
        ));
    };
    // Into the frame: pixels when the image size is known, else the common convention.
    let to_frame = |conv: &str, p: Pred| -> Result<Pred, Failure> {
        match (scale_of(conv), &size) {
            (None, _) => Ok(p),
            (Some(s), Some(sz)) => {
                let (w, h) = (sz[0], sz[1]);
                Ok(p.map(|x| x / s * w, |y| y / s * h))
            }
            (Some(_), None) if conv == ref_coords && conv == coords => Ok(p),
            (Some(_), None) => Err(bad(
                "converting between pixel and normalised coordinates needs `reference.image_size`",
            )),
        }
    };
    let pred = to_frame(coords, raw)?;
    let tb = to_frame(&ref_coords, Pred::Box(b[0], b[1], b[2], b[3]))?;
    let Pred::Box(t1, t2, t3, t4) = tb else {
        unreachable!()
    };
    // The screen in the frame.
    let screen = match (&size, scale_of(coords)) {
        (Some(sz), _) => Some((sz[0], sz[1])),
        (None, Some(s)) => Some((s, s)),
        (None, None) => None,
    };
    let frame = if size.is_some() { "pixels" } else { coords };
    let details = json!({"prediction": raw.to_json(), "frame": frame});
    for (x, y) in pred.corners() {
        let off = x < 0.0 || y < 0.0 || screen.is_some_and(|(w, h)| x > w || y > h);
        if off {
            let bounds = match screen {
                Some((w, h)) => format!("0..{w} × 0..{h}"),
                None => "non-negative coordinates".to_string(),
            };
            return Err(Failure::no_answer(format!(
                "predicted coordinate ({x}, {y}) lies outside the screen ({bounds}, {frame})"
            ))
            .with_details(details));
        }
    }
    if let Pred::Box(x1, y1, x2, y2) = pred {
        if !(x2 > x1 && y2 > y1) {
            return Err(Failure::no_answer(format!(
                "predicted box [{x1}, {y1}, {x2}, {y2}] is empty or inverted (needs x1 < x2, y1 < y2)"
            ))
            .with_details(details));
        }
    }
    Ok(Grounding {
        pred,
        target: [t1, t2, t3, t4],
        details,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_common_forms() {
        assert_eq!(
            parse_prediction("click (12, 30.5)"),
            Some(Pred::Point(12.0, 30.5))
        );
        assert_eq!(
            parse_prediction("[1,2,3,4]"),
            Some(Pred::Box(1.0, 2.0, 3.0, 4.0))
        );
        assert_eq!(
            parse_prediction("<|box_start|>(10,20),(30,40)<|box_end|>"),
            Some(Pred::Box(10.0, 20.0, 30.0, 40.0))
        );
        assert_eq!(
            parse_prediction("<point>5 6</point>"),
            Some(Pred::Point(5.0, 6.0))
        );
        assert_eq!(
            parse_prediction(r#"{"action": "click", "coordinate": [7, 8]}"#),
            Some(Pred::Point(7.0, 8.0))
        );
        assert_eq!(
            parse_prediction(r#"{"x": 3, "y": 4}"#),
            Some(Pred::Point(3.0, 4.0))
        );
        assert_eq!(
            parse_prediction("first (1, 1) then finally (9, 9)"),
            Some(Pred::Point(9.0, 9.0))
        );
        assert_eq!(parse_prediction("the button at the top"), None);
    }
}
