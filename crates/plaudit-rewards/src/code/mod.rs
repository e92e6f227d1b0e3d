//! Code generation checked by running tests ([`plaudit_code`] on [`plaudit_sandbox`]): all tests
//! pass, the fraction that pass, VeRPO's difficulty-weighted partial credit, and ACECode-style
//! runtime efficiency.

mod runner;

pub mod code_efficiency;
pub mod code_pass;
pub mod code_pass_rate;
pub mod code_verpo;

crate::rewards! {
    code_pass,
    code_pass_rate,
    code_verpo,
    code_efficiency,
}
