//! Code generation checked by running tests ([`plaudit_code`] on [`plaudit_sandbox`]): all tests
//! pass, the fraction that pass, VeRPO's difficulty-weighted partial credit, and ACECode-style
//! runtime efficiency.

mod runner;

crate::rewards! {
    code_pass,
    code_pass_rate,
    code_verpo,
    code_efficiency,
}
