//! Group estimators and data selection: pass@k-style advantages, novelty sharpening, tree and turn credit, variance-aware selection.

use plaudit_core::RewardInfo;

pub fn all() -> Vec<RewardInfo> {
    vec![]
}
