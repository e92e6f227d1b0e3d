//! A judge's configuration: one entry of the spec's `judges:` section.

use std::fmt;
use std::path::PathBuf;

use hyper::Uri;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// One entry of the spec's `judges:` section: where an OpenAI-compatible judge is, which model,
/// the key's environment variable, the limits every caller of this judge shares, the sampling
/// settings and the cache.
///
/// The API key itself is never part of the configuration: `api_key_env` names the environment
/// variable it is read from when the judge is built.
///
/// ```
/// use plaudit_judge::client::JudgeConfig;
/// let config: JudgeConfig = serde_json::from_value(serde_json::json!({
///     "base_url": "http://127.0.0.1:8000/v1", "model": "qwen3-8b", "max_concurrency": 0,
/// })).unwrap();
/// assert_eq!(config.validate("grader").unwrap_err().to_string(),
///            "judges.grader.max_concurrency: must be at least 1");
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JudgeConfig {
    /// The server's OpenAI base URL (`http://127.0.0.1:8000/v1`, `https://api.openai.com/v1`);
    /// requests go to `{base_url}/chat/completions`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
    /// Several replicas of the same judge, instead of `base_url`: each call goes to the one with
    /// the fewest calls in flight; one that keeps failing is left out for `eject_ms`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub base_urls: Vec<String>,
    /// The model name sent in every request.
    pub model: String,
    /// The environment variable holding the API key (sent as `Authorization: Bearer`), read when
    /// the judge is built. Without it no key is sent (local vLLM).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_key_env: Option<String>,
    /// Calls in flight to this judge, across every component and request of the process.
    #[serde(default = "default_max_concurrency")]
    pub max_concurrency: usize,
    /// Requests per minute (retries included), a token bucket shared by every caller.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rpm: Option<u32>,
    /// Tokens per minute, a token bucket charged with each request's estimate (prompt characters
    /// / 4 + `max_tokens`) and corrected by the reply's usage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tpm: Option<u64>,
    /// Sampling temperature (default 0).
    #[serde(default)]
    pub temperature: f64,
    /// Sampling seed, sent when set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<i64>,
    /// The reply's token limit, sent when set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_tokens: Option<u32>,
    /// Further fields merged into every request body (`{"top_p": 0.9, "chat_template_kwargs":
    /// {"enable_thinking": false}}`). Fields with a setting of their own are refused here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extra: Option<Map<String, Value>>,
    /// A SQLite file of replies kept by request, so a replay makes no call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache: Option<PathBuf>,
    /// Prompt + completion tokens this judge may use in the process; calls after that fail with
    /// `budget_exhausted`. Calls already in flight when it is reached finish (and are counted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget_tokens: Option<u64>,
    /// Attempts per call at most, the first included (default 8); the deadline bounds them too.
    #[serde(default = "default_max_attempts")]
    pub max_attempts: u32,
    /// The first retry's backoff in milliseconds (default 500), doubled at each retry up to 30 s,
    /// jittered; a `Retry-After` from the server replaces it when longer.
    #[serde(default = "default_retry_base_ms")]
    pub retry_base_ms: u64,
    /// Consecutive failures (connection errors, 5xx) after which a base URL is left out (default 3).
    #[serde(default = "default_eject_after")]
    pub eject_after: u32,
    /// How long a failing base URL is left out, in milliseconds (default 30000).
    #[serde(default = "default_eject_ms")]
    pub eject_ms: u64,
    /// USD per million prompt tokens. With this or `price_output_per_mtok` set, every reply and
    /// the judge's totals carry a cost (`Reply::cost_usd`, `UsageSnapshot::cost_usd`; a price
    /// not set counts as 0); without either, costs are `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_input_per_mtok: Option<f64>,
    /// USD per million completion tokens (see `price_input_per_mtok`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_output_per_mtok: Option<f64>,
}

fn default_max_concurrency() -> usize {
    16
}
fn default_max_attempts() -> u32 {
    8
}
fn default_retry_base_ms() -> u64 {
    500
}
fn default_eject_after() -> u32 {
    3
}
fn default_eject_ms() -> u64 {
    30_000
}

/// Body fields that have a setting of their own, or that the client owns.
const OWN_FIELDS: [&str; 7] = [
    "model",
    "messages",
    "stream",
    "temperature",
    "seed",
    "max_tokens",
    "n",
];

impl JudgeConfig {
    /// A configuration with every default, for `model` at `base_url`.
    pub fn new(base_url: impl Into<String>, model: impl Into<String>) -> JudgeConfig {
        JudgeConfig {
            base_url: Some(base_url.into()),
            base_urls: Vec::new(),
            model: model.into(),
            api_key_env: None,
            max_concurrency: default_max_concurrency(),
            rpm: None,
            tpm: None,
            temperature: 0.0,
            seed: None,
            max_tokens: None,
            extra: None,
            cache: None,
            budget_tokens: None,
            max_attempts: default_max_attempts(),
            retry_base_ms: default_retry_base_ms(),
            eject_after: default_eject_after(),
            eject_ms: default_eject_ms(),
            price_input_per_mtok: None,
            price_output_per_mtok: None,
        }
    }

    /// The cost in USD of `prompt_tokens` and `completion_tokens` at this judge's prices:
    /// `(prompt · price_input_per_mtok + completion · price_output_per_mtok) / 1e6`, a price not
    /// set counting as 0; `None` when neither price is set.
    pub fn cost_usd(&self, prompt_tokens: u64, completion_tokens: u64) -> Option<f64> {
        if self.price_input_per_mtok.is_none() && self.price_output_per_mtok.is_none() {
            return None;
        }
        let input = self.price_input_per_mtok.unwrap_or(0.0);
        let output = self.price_output_per_mtok.unwrap_or(0.0);
        Some((prompt_tokens as f64 * input + completion_tokens as f64 * output) / 1e6)
    }

    /// The base URLs, `base_url` or `base_urls`.
    pub fn urls(&self) -> Vec<&str> {
        match &self.base_url {
            Some(url) => vec![url.as_str()],
            None => self.base_urls.iter().map(String::as_str).collect(),
        }
    }

    /// Checks every setting; the error names the field as the spec spells it
    /// (`judges.grader.max_concurrency: must be at least 1`).
    pub fn validate(&self, name: &str) -> Result<(), JudgeConfigError> {
        let err = |field: &str, message: String| JudgeConfigError {
            judge: name.to_string(),
            field: field.to_string(),
            message,
        };
        match (&self.base_url, self.base_urls.is_empty()) {
            (Some(_), false) => {
                return Err(err(
                    "base_url",
                    "give base_url or base_urls, not both".into(),
                ))
            }
            (None, true) => {
                return Err(err(
                    "base_url",
                    "missing (give base_url, or base_urls for several)".into(),
                ))
            }
            _ => {}
        }
        if let Some(url) = &self.base_url {
            check_url(url).map_err(|m| err("base_url", m))?;
        }
        for (i, url) in self.base_urls.iter().enumerate() {
            check_url(url).map_err(|m| err(&format!("base_urls[{i}]"), m))?;
        }
        if self.model.trim().is_empty() {
            return Err(err("model", "must not be empty".into()));
        }
        if let Some(var) = &self.api_key_env {
            if var.is_empty() || var.contains('=') || var.contains('\0') {
                return Err(err(
                    "api_key_env",
                    format!("{var:?} is not an environment variable name"),
                ));
            }
        }
        if self.max_concurrency < 1 {
            return Err(err("max_concurrency", "must be at least 1".into()));
        }
        if self.rpm == Some(0) {
            return Err(err("rpm", "must be at least 1".into()));
        }
        if self.tpm == Some(0) {
            return Err(err("tpm", "must be at least 1".into()));
        }
        if !(self.temperature.is_finite() && (0.0..=2.0).contains(&self.temperature)) {
            return Err(err(
                "temperature",
                format!("must be in [0, 2], got {}", self.temperature),
            ));
        }
        if self.max_tokens == Some(0) {
            return Err(err("max_tokens", "must be at least 1".into()));
        }
        if let Some(extra) = &self.extra {
            if let Some(key) = extra.keys().find(|k| OWN_FIELDS.contains(&k.as_str())) {
                let message = match key.as_str() {
                    "temperature" | "seed" | "max_tokens" => {
                        format!("set {key} with its own setting, not in extra")
                    }
                    _ => format!("{key} is set by the client and cannot be overridden"),
                };
                return Err(err(&format!("extra.{key}"), message));
            }
        }
        if self.budget_tokens == Some(0) {
            return Err(err("budget_tokens", "must be at least 1".into()));
        }
        if self.max_attempts < 1 {
            return Err(err("max_attempts", "must be at least 1".into()));
        }
        if self.eject_after < 1 {
            return Err(err("eject_after", "must be at least 1".into()));
        }
        for (field, price) in [
            ("price_input_per_mtok", self.price_input_per_mtok),
            ("price_output_per_mtok", self.price_output_per_mtok),
        ] {
            if let Some(p) = price {
                if !(p.is_finite() && p >= 0.0) {
                    return Err(err(
                        field,
                        format!("must be a finite number of USD at least 0, got {p}"),
                    ));
                }
            }
        }
        Ok(())
    }
}

/// The chat-completions URI of a base URL.
pub(crate) fn chat_uri(base: &str) -> Result<Uri, String> {
    let url = format!("{}/chat/completions", base.trim_end_matches('/'));
    url.parse::<Uri>()
        .map_err(|e| format!("{base:?} is not a URL ({e})"))
}

fn check_url(url: &str) -> Result<(), String> {
    let uri = chat_uri(url)?;
    match uri.scheme_str() {
        Some("http") | Some("https") => {}
        _ => return Err(format!("must start with http:// or https://, got {url:?}")),
    }
    if !matches!(uri.host(), Some(host) if !host.is_empty()) {
        return Err(format!("{url:?} has no host"));
    }
    if uri.query().is_some() {
        return Err(format!("{url:?} must not have a query"));
    }
    Ok(())
}

/// A judge configuration that cannot be used, naming the field as the spec spells it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JudgeConfigError {
    /// The judge's name in `judges:`.
    pub judge: String,
    /// The field (`max_concurrency`, `base_urls[1]`, `extra.stream`).
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

impl fmt::Display for JudgeConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "judges.{}.{}: {}", self.judge, self.field, self.message)
    }
}

impl std::error::Error for JudgeConfigError {}
