//! Length shaping: cosine-scaled, soft overlong punishment, step target length.

use plaudit_core::RewardInfo;

pub mod soft_overlong_penalty;

pub fn all() -> Vec<RewardInfo> {
    vec![soft_overlong_penalty::INFO]
}
