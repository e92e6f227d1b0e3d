//! Cosine similarity of two embeddings the trainer supplies (VideoRFT's semantic-consistency reward: the reasoning's text embedding against the visual evidence's embedding).
//!
//! ## What it computes
//! With a = `meta.<field>` and b = `meta.<other>`, two lists of numbers of one dimension computed
//! by the trainer's encoders (a text encoder over the response's reasoning, a vision encoder over
//! the frames, in a shared space such as CLIP's or SigLIP's):
//! ```text
//! cos = a·b / (‖a‖ ‖b‖)
//! map: cosine     r = cos                 in [−1, 1]
//! map: positive   r = max(0, cos)         in [0, 1]
//! map: unit       r = (1 + cos) / 2       in [0, 1]
//! ```
//! Only the directions count: scaling an embedding changes nothing. An embedding that is missing,
//! not a list of finite numbers, empty, or the zero vector (whose cosine is undefined: it must not
//! pass for one orthogonal to everything), or two embeddings of different dimensions, are
//! `invalid_input` naming the field. Details give `cosine`.
//!
//! ## Why
//! "VideoRFT: Incentivizing Video Reasoning Capability in MLLMs via Reinforced Fine-Tuning"
//! strengthens its RL phase with "a novel semantic-consistency reward that explicitly promotes the
//! alignment between textual reasoning and visual evidence", so that the reasoning is grounded in
//! the video rather than hallucinated. The abstract does not give its form: the cosine similarity
//! of the reasoning's and the video's embeddings in a shared vision-language space is the research
//! catalogue's reading, and the `map` choices are Plaudit's. The encoders run in the trainer
//! (which part of the reasoning is embedded is its choice too); Plaudit validates the vectors and
//! computes the similarity. Combine with the answer reward in the expression
//! (`reward: correct + 0.5 * consistency`), or gate it (`when: correct`).
//!
//! ## Parameters
//! - `field` (string; default `text_embedding`): the `meta` key of the first embedding.
//! - `other` (string; default `visual_embedding`): the `meta` key of the second embedding.
//! - `map` (cosine | positive | unit; default `cosine`): how the cosine becomes the reward.
//!
//! ## Example
//! ```json
//! {"sample": {"response": "…", "meta": {"text_embedding": [1.0, 2.0, 2.0], "visual_embedding": [2.0, 1.0, 2.0]}}, "value": 0.8888888888888888}
//! {"sample": {"response": "…", "meta": {"text_embedding": [3.0, 0.0], "visual_embedding": [0.0, 0.5]}}, "value": 0.0}
//! {"params": {"map": "unit"}, "sample": {"response": "…", "meta": {"text_embedding": [1.0, 0.0], "visual_embedding": [-1.0, 0.0]}}, "value": 0.0}
//! {"params": {"map": "positive"}, "sample": {"response": "…", "meta": {"text_embedding": [1.0, 1.0], "visual_embedding": [-1.0, 0.0]}}, "value": 0.0}
//! {"params": {"field": "reasoning", "other": "frames"}, "sample": {"response": "…", "meta": {"reasoning": [0.6, 0.8], "frames": [6.0, 8.0]}}, "value": 1.0}
//! {"sample": {"response": "…", "meta": {"text_embedding": [1.0, 0.0], "visual_embedding": [1.0, 0.0, 0.0]}}, "status": "invalid_input"}
//! {"sample": {"response": "…", "meta": {"text_embedding": [0.0, 0.0], "visual_embedding": [1.0, 0.0]}}, "status": "invalid_input"}
//! {"sample": {"response": "…", "meta": {"text_embedding": [1.0, 0.0]}}, "status": "invalid_input"}
//! ```

use std::sync::Arc;

use plaudit_core::{
    Ctx, Failure, Kind, Outcome, ParamSpec, Params, Reward, RewardInfo, Sample, Score,
};
use serde_json::json;

use crate::embeddings::{cosine, meta_value, unit_vector};

pub const INFO: RewardInfo = RewardInfo {
    name: "embedding_similarity",
    family: "similarity",
    source: include_str!("embedding_similarity.rs"),
    params: PARAMS,
    build,
};

const PARAMS: &[ParamSpec] = &[
    ParamSpec::new(
        "field",
        Kind::Str,
        "\"text_embedding\"",
        "the `meta` key of the first embedding",
    ),
    ParamSpec::new(
        "other",
        Kind::Str,
        "\"visual_embedding\"",
        "the `meta` key of the second embedding",
    ),
    ParamSpec::new(
        "map",
        Kind::Enum(&["cosine", "positive", "unit"]),
        "\"cosine\"",
        "the cosine, max(0, cosine), or (1 + cosine) / 2",
    ),
];

#[derive(Clone, Copy)]
enum Map {
    Cosine,
    Positive,
    Unit,
}

struct EmbeddingSimilarity {
    field: String,
    other: String,
    map: Map,
}

fn build(p: &Params) -> Result<Arc<dyn Reward>, String> {
    let (field, other) = (p.str("field").to_string(), p.str("other").to_string());
    if field.is_empty() || other.is_empty() {
        return Err("`field` and `other` must name `meta` keys".into());
    }
    if field == other {
        return Err("`field` and `other` must be different `meta` keys".into());
    }
    Ok(Arc::new(EmbeddingSimilarity {
        field,
        other,
        map: match p.str("map") {
            "positive" => Map::Positive,
            "unit" => Map::Unit,
            _ => Map::Cosine,
        },
    }))
}

impl Reward for EmbeddingSimilarity {
    fn score(&self, sample: &Sample, _cx: &Ctx) -> Outcome {
        let read = |key: &str| {
            unit_vector(
                meta_value(sample, key, "an embedding, a list of numbers")?,
                &format!("meta.{key}"),
            )
        };
        let (a, b) = (read(&self.field)?, read(&self.other)?);
        if a.len() != b.len() {
            return Err(Failure::invalid_input(format!(
                "`meta.{}` has dimension {} and `meta.{}` {}: the embeddings must share a space",
                self.field,
                a.len(),
                self.other,
                b.len()
            )));
        }
        let cos = cosine(&a, &b);
        let r = match self.map {
            Map::Cosine => cos,
            Map::Positive => cos.max(0.0),
            Map::Unit => (1.0 + cos) / 2.0,
        };
        Ok(Score::with_details(r, json!({"cosine": cos})))
    }
}
