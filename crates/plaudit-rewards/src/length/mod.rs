//! Length shaping: cosine-scaled, soft overlong punishment, step target length, adaptive per-prompt target.

crate::rewards! {
    cosine_length,
    soft_overlong_penalty,
    laser_length,
    adaptive_target_length,
}
