//! Text rewards: repetition, reasoning phrases, BLEU, ROUGE-L, chrF, edit distance.

use plaudit_core::RewardInfo;

pub fn all() -> Vec<RewardInfo> {
    vec![]
}
