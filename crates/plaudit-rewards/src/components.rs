//! Reading other components: the `correctness` and `threshold` parameters that name the component
//! saying whether an answer is right (shared by the length, efficiency and estimators families),
//! correctness over a group, and the failure of a member whose input component has no value.

use plaudit_core::{Failure, Kind, Member, ParamSpec};

/// `correctness`: the component that says whether the answer is right.
pub(crate) const CORRECTNESS_PARAM: ParamSpec = ParamSpec::new(
    "correctness",
    Kind::Component,
    "\"correct\"",
    "component that says whether the answer is right",
);
/// `threshold`: the correctness value at or above which a sample is correct.
pub(crate) const THRESHOLD_PARAM: ParamSpec = ParamSpec::new(
    "threshold",
    Kind::Float,
    "0.5",
    "correctness value counted as correct",
);

/// Whether each member is correct (its correctness component ≥ `threshold`); `None` when that
/// component failed for the member.
pub(crate) fn correctness(members: &[Member], index: usize, threshold: f64) -> Vec<Option<bool>> {
    members
        .iter()
        .map(|m| m.value(index).map(|v| v >= threshold))
        .collect()
}

/// The failure of a member whose input component has no value (it failed for that member; the
/// engine reports the component's own failure first, this is what a direct caller sees).
pub(crate) fn missing(name: &str) -> Failure {
    Failure::error(format!("input component `{name}` has no value"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use plaudit_core::Sample;
    use serde_json::json;

    // Correct at or above the threshold, not below; `None` where the component failed.
    #[test]
    fn correctness_at_the_threshold() {
        let s = Sample::from_value(json!({"response": ""})).unwrap();
        let rows = [
            vec![Some(0.5)],
            vec![Some(0.49)],
            vec![None],
            vec![Some(0.51)],
        ];
        let members: Vec<Member> = rows
            .iter()
            .map(|v| Member {
                sample: &s,
                values: v,
            })
            .collect();
        assert_eq!(
            correctness(&members, 0, 0.5),
            vec![Some(true), Some(false), None, Some(true)]
        );
        let m = missing("correct");
        assert_eq!(m.status, plaudit_core::Status::Error);
        assert_eq!(m.message, "input component `correct` has no value");
    }
}
