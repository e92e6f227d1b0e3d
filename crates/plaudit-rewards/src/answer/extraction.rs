//! Where the answer rewards find the answer and what they compare it to: the `extract` and
//! `answer_tag` parameters, and the sample's reference answers.

use plaudit_core::{Failure, Kind, ParamSpec, Sample};

use crate::util::EXTRACT_MODES;

/// `extract`: where the answer is in the response.
pub(crate) const EXTRACT_PARAM: ParamSpec = ParamSpec::new(
    "extract",
    Kind::Enum(EXTRACT_MODES),
    "\"auto\"",
    "where the answer is in the response",
);
/// `answer_tag`: the tag name of the answer block.
pub(crate) const TAG_PARAM: ParamSpec = ParamSpec::new(
    "answer_tag",
    Kind::Str,
    "\"answer\"",
    "tag name of the answer block",
);

/// The sample's reference answers, or `invalid_input` naming what was expected.
pub(crate) fn references(sample: &Sample) -> Result<Vec<String>, Failure> {
    let refs = sample.reference_texts();
    if refs.is_empty() {
        return Err(Failure::invalid_input(
            "`reference` must be an answer string or number, a list of them, or {\"answer\": …}",
        ));
    }
    Ok(refs)
}
