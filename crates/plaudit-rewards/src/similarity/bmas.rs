//! Mixed-R1's Bidirectional Max-Average Similarity (BMAS): each token of the response matched to its most similar reference token, each reference token to its most similar response token, over token embeddings the trainer supplies.
//!
//! ## What it computes
//! The trainer looks up the token embeddings of the response and of the reference answer in its
//! tokenizer's (input) embedding table and supplies them as lists of vectors,
//! `meta.<field>` = r_1 … r_n and `meta.<reference_field>` = g_1 … g_m. With S_ij = cos(r_i, g_j):
//! ```text
//! forward  = (1/n) Σ_i max_j S_ij        (how well every response token is supported: precision-like)
//! backward = (1/m) Σ_j max_i S_ij        (how well every reference token is covered: recall-like)
//! BMAS     = (forward + backward) / 2    in [−1, 1]
//! ```
//! Both directions are needed: a response that repeats one well-matched token scores high forward
//! and low backward; one that pads every reference token with filler scores high backward and low
//! forward. Details give `forward`, `backward` and the token counts.
//!
//! Strict on its inputs: a missing field, a field that is not a list of vectors, a vector that is
//! empty, non-numeric or the zero vector, or vectors of different dimensions (within or across the
//! two lists) are `invalid_input` naming the field and the index; an empty reference list is
//! `invalid_input`; an empty response list (no tokens to score) is `no_answer`. Each list holds
//! at most `max_tokens` vectors, and the deadline is checked while the n × m similarities are
//! computed.
//!
//! ## Why
//! "Mixed-R1: Unified Reward Perspective For Reasoning Capability in Multimodal Large Language
//! Models" mixes four rewards by task type (matching, chart, IoU, open-ended) and, "to handle the
//! various long-form text content", proposes "a new open-ended reward named Bidirectional
//! Max-Average Similarity (BMAS) by leveraging tokenizer embedding matching between the generated
//! response and the ground truth". The name gives the form: the maximum similarity per token,
//! averaged, in both directions; the cosine as the similarity and the plain mean of the two
//! directions are the research catalogue's reading. The embeddings come from a static table (no
//! forward pass), which the trainer holds; Plaudit computes the matching. Mixed-R1's matching and
//! IoU rewards are `multiple_choice`/`exact_match` and `gui_iou`.
//!
//! ## Parameters
//! - `field` (string; default `response_embeddings`): the `meta` key of the response's token
//!   embeddings.
//! - `reference_field` (string; default `reference_embeddings`): the `meta` key of the reference's
//!   token embeddings.
//! - `max_tokens` (integer in [1, 65536]; default 4096): the most vectors either list may hold.
//!
//! ## Example
//! ```json
//! {"sample": {"response": "…", "meta": {"response_embeddings": [[1.0, 0.0], [0.0, 1.0]], "reference_embeddings": [[0.0, 2.0], [3.0, 0.0]]}}, "value": 1.0}
//! {"sample": {"response": "…", "meta": {"response_embeddings": [[1.0, 0.0], [1.0, 0.0], [1.0, 0.0]], "reference_embeddings": [[1.0, 0.0], [0.0, 1.0]]}}, "value": 0.75}
//! {"sample": {"response": "…", "meta": {"response_embeddings": [[1.0, 0.0], [0.6, 0.8]], "reference_embeddings": [[0.0, 1.0]]}}, "value": 0.6}
//! {"sample": {"response": "…", "meta": {"response_embeddings": [], "reference_embeddings": [[1.0, 0.0]]}}, "status": "no_answer"}
//! {"sample": {"response": "…", "meta": {"response_embeddings": [[1.0, 0.0]], "reference_embeddings": []}}, "status": "invalid_input"}
//! {"sample": {"response": "…", "meta": {"response_embeddings": [[1.0, 0.0]], "reference_embeddings": [[1.0, 0.0, 0.0]]}}, "status": "invalid_input"}
//! {"sample": {"response": "…", "meta": {"response_embeddings": [[1.0, 0.0], [0.0, 0.0]], "reference_embeddings": [[1.0, 0.0]]}}, "status": "invalid_input"}
//! {"sample": {"response": "…", "meta": {"response_embeddings": [1.0, 0.0], "reference_embeddings": [[1.0, 0.0]]}}, "status": "invalid_input"}
//! ```

use std::sync::Arc;

use plaudit_core::deadline::Ticker;
use plaudit_core::{
    Ctx, Failure, Kind, Outcome, ParamSpec, Params, Reward, RewardInfo, Sample, Score,
};
use serde_json::json;

use crate::embeddings::{cosine, meta_value, unit_vectors};

pub const INFO: RewardInfo = RewardInfo {
    name: "bmas",
    family: "similarity",
    source: include_str!("bmas.rs"),
    params: PARAMS,
    build,
};

const PARAMS: &[ParamSpec] = &[
    ParamSpec::new(
        "field",
        Kind::Str,
        "\"response_embeddings\"",
        "the `meta` key of the response's token embeddings",
    ),
    ParamSpec::new(
        "reference_field",
        Kind::Str,
        "\"reference_embeddings\"",
        "the `meta` key of the reference's token embeddings",
    ),
    ParamSpec::new(
        "max_tokens",
        Kind::Int,
        "4096",
        "the most vectors either list may hold",
    )
    .range(1.0, 65536.0),
];

struct Bmas {
    field: String,
    reference_field: String,
    max_tokens: usize,
}

fn build(p: &Params) -> Result<Arc<dyn Reward>, String> {
    let field = p.str("field").to_string();
    let reference_field = p.str("reference_field").to_string();
    if field.is_empty() || reference_field.is_empty() {
        return Err("`field` and `reference_field` must name `meta` keys".into());
    }
    if field == reference_field {
        return Err("`field` and `reference_field` must be different `meta` keys".into());
    }
    Ok(Arc::new(Bmas {
        field,
        reference_field,
        max_tokens: p.i64("max_tokens") as usize,
    }))
}

impl Reward for Bmas {
    fn score(&self, sample: &Sample, cx: &Ctx) -> Outcome {
        let tick = Ticker::new(cx.deadline, 256);
        let read = |key: &str| {
            let v = meta_value(sample, key, "a list of token embeddings")?;
            unit_vectors(v, key, self.max_tokens, &tick)
        };
        let gold = read(&self.reference_field)?;
        let Some(dim) = gold.first().map(Vec::len) else {
            return Err(Failure::invalid_input(format!(
                "`meta.{}` is empty: the reference has no tokens to match",
                self.reference_field
            )));
        };
        let resp = read(&self.field)?;
        if resp.is_empty() {
            return Err(Failure::no_answer(format!(
                "`meta.{}` is empty: the response has no tokens",
                self.field
            )));
        }
        if resp[0].len() != dim {
            return Err(Failure::invalid_input(format!(
                "`meta.{}` has dimension {} and `meta.{}` {}: the embeddings must come from one table",
                self.field,
                resp[0].len(),
                self.reference_field,
                dim
            )));
        }
        let mut best_for_gold = vec![f64::NEG_INFINITY; gold.len()];
        let mut forward = 0.0;
        for r in &resp {
            let mut best = f64::NEG_INFINITY;
            for (j, g) in gold.iter().enumerate() {
                tick.tick()?;
                let s = cosine(r, g);
                best = best.max(s);
                best_for_gold[j] = best_for_gold[j].max(s);
            }
            forward += best;
        }
        let forward = forward / resp.len() as f64;
        let backward = best_for_gold.iter().sum::<f64>() / gold.len() as f64;
        Ok(Score::with_details(
            (forward + backward) / 2.0,
            json!({"forward": forward, "backward": backward, "response_tokens": resp.len(), "reference_tokens": gold.len()}),
        ))
    }
}
