//! Length shaping: cosine-scaled, soft overlong punishment, step target length, adaptive per-prompt target.

use plaudit_core::RewardInfo;

pub mod adaptive_target_length;
pub mod cosine_length;
pub mod laser_length;
pub mod soft_overlong_penalty;

pub fn all() -> Vec<RewardInfo> {
    vec![
        cosine_length::INFO,
        soft_overlong_penalty::INFO,
        laser_length::INFO,
        adaptive_target_length::INFO,
    ]
}
