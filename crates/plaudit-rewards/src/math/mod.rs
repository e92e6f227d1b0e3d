//! Math answer verification (on top of `plaudit-math`).

pub mod math_equivalence;

crate::rewards! {
    math_equivalence,
}
