//! Length shaping: cosine-scaled, soft overlong punishment, step target length.

use plaudit_core::RewardInfo;

pub mod cosine_length;
pub mod laser_length;
pub mod soft_overlong_penalty;

pub fn all() -> Vec<RewardInfo> {
    vec![
        cosine_length::INFO,
        soft_overlong_penalty::INFO,
        laser_length::INFO,
    ]
}
