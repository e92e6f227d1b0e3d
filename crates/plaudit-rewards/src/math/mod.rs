//! Math answer verification (on top of `plaudit-math`).

crate::rewards! {
    math_equivalence,
}
