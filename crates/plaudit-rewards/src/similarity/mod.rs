//! Similarity to a reference text: BLEU, ROUGE-L, chrF, normalised edit distance.

use plaudit_core::RewardInfo;

pub fn all() -> Vec<RewardInfo> {
    vec![]
}
