//! Code generation checked by running tests ([`plaudit_code`] on [`plaudit_sandbox`]): all tests
//! pass, the fraction that pass, VeRPO's difficulty-weighted partial credit, and ACECode-style
//! runtime efficiency.

use plaudit_core::RewardInfo;

mod runner;

pub mod efficiency;
pub mod pass;
pub mod pass_rate;
pub mod verpo;

pub fn all() -> Vec<RewardInfo> {
    vec![pass::INFO, pass_rate::INFO, verpo::INFO, efficiency::INFO]
}
