//! Similarity to a reference text: BLEU, ROUGE-L, chrF, normalised edit distance.
//!
//! All four compare the response (or its extracted final answer) to the sample's reference
//! text(s) and give a value in [0, 1]. What they share: which text is compared ([`texts`]),
//! n-gram counting ([`ngrams`]) and the LCS and Levenshtein programmes ([`sequences`]).

use plaudit_core::RewardInfo;

pub(crate) mod ngrams;
pub(crate) mod sequences;
pub(crate) mod texts;

pub mod bleu;
pub mod chrf;
pub mod edit_distance;
pub mod rouge_l;

pub fn all() -> Vec<RewardInfo> {
    vec![bleu::INFO, chrf::INFO, edit_distance::INFO, rouge_l::INFO]
}
