//! Length shaping: cosine-scaled, soft overlong punishment, step target length, adaptive per-prompt target.

pub mod adaptive_target_length;
pub mod cosine_length;
pub mod laser_length;
pub mod soft_overlong_penalty;

crate::rewards! {
    cosine_length,
    soft_overlong_penalty,
    laser_length,
    adaptive_target_length,
}
