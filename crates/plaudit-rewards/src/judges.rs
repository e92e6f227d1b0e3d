//! The spec's `judges:` section as the catalogue reads it: each entry is a
//! [`plaudit_judge::client::JudgeConfig`] (an OpenAI-compatible endpoint, its limits, cache and
//! sampling settings), checked when the spec is compiled so that a mistake is a spec error naming
//! the field (`judges.grader.max_concurrency: must be at least 1`), never a failure at the first
//! call. Model-backed rewards name their judge with a [`plaudit_core::Kind::Judge`] parameter.

use plaudit_judge::client::JudgeConfig;
use serde_json::Value;

/// [`plaudit_core::registry::JudgeCheck`] for the catalogue: the entry parsed as a
/// [`JudgeConfig`] and validated, given back with every default filled in (the API key is never
/// in it: only the name of the variable that holds it).
pub fn check(name: &str, entry: &Value) -> Result<Value, Vec<String>> {
    let config: JudgeConfig =
        serde_json::from_value(entry.clone()).map_err(|e| vec![format!("judges.{name}: {e}")])?;
    config.validate(name).map_err(|e| vec![e.to_string()])?;
    Ok(serde_json::to_value(&config).expect("a judge configuration serializes"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_entry_is_checked_and_resolved() {
        let ok = check(
            "grader",
            &json!({"base_url": "http://127.0.0.1:8000/v1", "model": "m", "api_key_env": "JUDGE_KEY"}),
        )
        .unwrap();
        assert_eq!(ok["model"], json!("m"));
        assert_eq!(ok["api_key_env"], json!("JUDGE_KEY"));
        assert!(
            ok.get("max_concurrency").is_some(),
            "defaults filled in: {ok}"
        );
        assert_eq!(
            check(
                "grader",
                &json!({"base_url": "http://h/v1", "model": "m", "max_concurrency": 0})
            ),
            Err(vec![
                "judges.grader.max_concurrency: must be at least 1".to_string()
            ])
        );
        let unknown = check(
            "g",
            &json!({"base_url": "http://h/v1", "model": "m", "tempo": 1}),
        );
        assert!(
            unknown.as_ref().unwrap_err()[0].starts_with("judges.g: unknown field `tempo`"),
            "{unknown:?}"
        );
    }
}
