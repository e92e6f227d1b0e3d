//! `Judge`: one configured judge, its shared limits, routing, cache and accounting; `Judges`: the
//! process-wide registry that gives every caller of a judge the same one.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use bytes::Bytes;
use hyper::Uri;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use tokio::sync::{watch, Semaphore};

use super::cache::{cache_key, Cache, Stored};
use super::config::{chat_uri, JudgeConfig, JudgeConfigError};
use super::error::CallError;
use super::http::{ApiKey, Outcome, Transport};
use super::limits::{backoff, Bucket};

/// One chat message sent to a judge.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub role: String,
    pub content: String,
}

impl Message {
    pub fn new(role: impl Into<String>, content: impl Into<String>) -> Message {
        Message {
            role: role.into(),
            content: content.into(),
        }
    }
    pub fn system(content: impl Into<String>) -> Message {
        Message::new("system", content)
    }
    pub fn user(content: impl Into<String>) -> Message {
        Message::new("user", content)
    }
}

/// The token counts a judge reported for one reply.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
}

/// Where a reply came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReplySource {
    /// This call's own HTTP request(s).
    Call,
    /// The reply cache: no request was sent.
    Cache,
    /// An identical request in flight at the same time (same cache key), whose reply this call
    /// shared: no request was sent for it.
    Coalesced,
}

/// A judge's reply to one chat call.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Reply {
    /// `choices[0].message.content` ("" when null).
    pub text: String,
    /// `choices[0].message.refusal`, OpenAI's structured refusal, when set.
    pub refusal: Option<String>,
    /// `choices[0].finish_reason` (`"stop"`, `"length"` …).
    pub finish_reason: Option<String>,
    /// The reply's `usage`, when the server sent it (for cache hits: the original call's).
    pub usage: Option<Usage>,
    /// HTTP requests this call sent (0 for a cache hit or a shared reply).
    pub attempts: u32,
    pub source: ReplySource,
    /// What this call cost in USD at the judge's prices (`price_input_per_mtok`,
    /// `price_output_per_mtok`), from the tokens counted for it (the reply's usage, or the
    /// estimate when it has none, as in [`UsageSnapshot`]); `Some(0.0)` for a cache hit or a
    /// shared reply (no request was sent; `usage` still shows the original's); `None` when the
    /// judge has no prices.
    pub cost_usd: Option<f64>,
}

/// A JSON endpoint's reply to one [`Judge::post_json`] call (a reward model: vLLM's `/pooling`
/// and `/classify`, OpenRLHF's `/get_reward`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct JsonReply {
    /// The reply body, parsed.
    pub body: Value,
    /// The body's `usage` (`prompt_tokens`, and `completion_tokens`, 0 when absent), when it has
    /// one.
    pub usage: Option<Usage>,
    /// HTTP requests this call sent (retries included).
    pub attempts: u32,
    /// What this call cost in USD at the judge's prices (as [`Reply::cost_usd`]; without a
    /// `usage` in the reply, from the request's estimate: body bytes / 4 prompt tokens).
    pub cost_usd: Option<f64>,
}

/// A base URL and its health.
struct Endpoint {
    url: String,
    uri: Uri,
    in_flight: AtomicUsize,
    health: Mutex<Health>,
}

#[derive(Default)]
struct Health {
    consecutive_failures: u32,
    ejected_until: Option<Instant>,
    ejections: u64,
    failures: u64,
}

#[derive(Default)]
struct Counters {
    requests: AtomicU64,
    attempts: AtomicU64,
    cache_hits: AtomicU64,
    coalesced: AtomicU64,
    retries: AtomicU64,
    prompt_tokens: AtomicU64,
    completion_tokens: AtomicU64,
    in_flight: AtomicU64,
    peak_in_flight: AtomicU64,
    cache_errors: AtomicU64,
    errors: Mutex<BTreeMap<String, u64>>,
}

/// A judge's totals since it was built, for `/metrics` and reports.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct UsageSnapshot {
    pub judge: String,
    pub model: String,
    /// Calls (`chat` and `post_json`).
    pub requests: u64,
    /// HTTP requests sent (first attempts and retries).
    pub attempts: u64,
    /// Calls answered from the cache.
    pub cache_hits: u64,
    /// Calls answered by an identical call in flight.
    pub coalesced: u64,
    /// HTTP requests that were retries.
    pub retries: u64,
    /// Tokens used, from the replies' usage (estimated when a reply has none).
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
    /// USD spent at the judge's prices on the tokens above (calls that sent requests only:
    /// cache hits and shared replies cost nothing); `None` when the judge has no prices.
    pub cost_usd: Option<f64>,
    /// Calls in flight now, and the most there ever were (never above `max_concurrency`).
    pub in_flight: u64,
    pub peak_in_flight: u64,
    /// Failed calls by [`CallError::kind`].
    pub errors: BTreeMap<String, u64>,
    /// Cache reads or writes that failed (the call then went out, or its reply was not kept).
    pub cache_errors: u64,
    pub budget_tokens: Option<u64>,
    pub endpoints: Vec<EndpointSnapshot>,
}

/// One base URL's state.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EndpointSnapshot {
    pub url: String,
    pub in_flight: usize,
    /// Failed attempts (connection errors, 5xx) in total.
    pub failures: u64,
    /// How many times it was left out.
    pub ejections: u64,
    /// Left out now.
    pub ejected: bool,
}

/// Calls in flight with the same cache key: the first one's reply is shared.
type Inflight = Mutex<HashMap<String, watch::Receiver<Option<Result<Reply, CallError>>>>>;

/// One configured judge. Build it once per process (through [`Judges`]) and share the `Arc`: its
/// concurrency, rpm and tpm limits, routing state, cache and totals hold for every caller.
pub struct Judge {
    name: String,
    config: JudgeConfig,
    key: Option<ApiKey>,
    endpoints: Vec<Endpoint>,
    next_endpoint: AtomicUsize,
    transport: Transport,
    permits: Semaphore,
    rpm: Option<Bucket>,
    tpm: Option<Bucket>,
    cache: Option<Cache>,
    inflight: Inflight,
    counters: Counters,
}

impl fmt::Debug for Judge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Judge")
            .field("name", &self.name)
            .field("config", &self.config)
            .field("key", &self.key)
            .field("cache", &self.cache)
            .finish_non_exhaustive()
    }
}

impl Judge {
    /// Builds a judge: checks the configuration, reads the API key from `api_key_env`, opens the
    /// cache. Most callers want [`Judges::get`], which shares one judge per name and config.
    pub fn build(name: &str, config: &JudgeConfig) -> Result<Arc<Judge>, JudgeConfigError> {
        config.validate(name)?;
        let err = |field: &str, message: String| JudgeConfigError {
            judge: name.to_string(),
            field: field.to_string(),
            message,
        };
        let key = match &config.api_key_env {
            None => None,
            Some(var) => match std::env::var(var) {
                Ok(value) if !value.trim().is_empty() => Some(ApiKey(value.trim().to_string())),
                Ok(_) => return Err(err("api_key_env", format!("the variable {var} is empty"))),
                Err(std::env::VarError::NotPresent) => {
                    return Err(err("api_key_env", format!("the variable {var} is not set")))
                }
                Err(std::env::VarError::NotUnicode(_)) => {
                    return Err(err(
                        "api_key_env",
                        format!("the variable {var} is not valid UTF-8"),
                    ))
                }
            },
        };
        let endpoints = config
            .urls()
            .into_iter()
            .map(|url| Endpoint {
                url: url.to_string(),
                uri: chat_uri(url).expect("validated"),
                in_flight: AtomicUsize::new(0),
                health: Mutex::new(Health::default()),
            })
            .collect();
        let cache = match &config.cache {
            None => None,
            Some(path) => Some(
                Cache::open(path)
                    .map_err(|e| err("cache", format!("cannot open {}: {e}", path.display())))?,
            ),
        };
        let transport = Transport::new(config.max_concurrency).map_err(|e| err("base_url", e))?;
        Ok(Arc::new(Judge {
            name: name.to_string(),
            key,
            endpoints,
            next_endpoint: AtomicUsize::new(0),
            transport,
            permits: Semaphore::new(config.max_concurrency),
            rpm: config.rpm.map(|n| Bucket::per_minute(n as f64)),
            tpm: config.tpm.map(|n| Bucket::per_minute(n as f64)),
            cache,
            inflight: Mutex::new(HashMap::new()),
            counters: Counters::default(),
            config: config.clone(),
        }))
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn config(&self) -> &JudgeConfig {
        &self.config
    }

    /// The request body sent for `messages`: model, messages, temperature, seed and max_tokens
    /// when set, then the `extra` fields.
    pub fn request_body(&self, messages: &[Message]) -> Value {
        let mut body = Map::new();
        body.insert("model".into(), json!(self.config.model));
        body.insert("messages".into(), json!(messages));
        body.insert("temperature".into(), json!(self.config.temperature));
        if let Some(seed) = self.config.seed {
            body.insert("seed".into(), json!(seed));
        }
        if let Some(max_tokens) = self.config.max_tokens {
            body.insert("max_tokens".into(), json!(max_tokens));
        }
        if let Some(extra) = &self.config.extra {
            for (k, v) in extra {
                body.insert(k.clone(), v.clone());
            }
        }
        Value::Object(body)
    }

    /// The cache key of a call with `messages`: SHA-256 of the canonical request body (model,
    /// messages, sampling settings, extra). The API key is not part of it.
    pub fn cache_key(&self, messages: &[Message]) -> String {
        cache_key(&self.request_body(messages))
    }

    /// [`Judge::chat`] run on the judges' own I/O runtime ([`super::io_runtime`]), awaitable
    /// from any executor or none (the engine's I/O stage): what model-backed rewards call.
    pub async fn ask(
        self: &Arc<Self>,
        messages: Vec<Message>,
        deadline: Instant,
    ) -> Result<Reply, CallError> {
        let judge = self.clone();
        super::on_io_runtime(async move { judge.chat(&messages, deadline).await }).await
    }

    /// Sends `messages` to the judge and returns its reply, under the judge's shared limits, with
    /// retries on 429, 5xx and connection errors, never waiting or attempting past `deadline`.
    ///
    /// With a cache, a request seen before is answered from it (no call), and identical requests
    /// in flight at the same time make one call whose reply they share (a shared error too,
    /// except a timeout: each caller then tries under its own deadline).
    pub async fn chat(&self, messages: &[Message], deadline: Instant) -> Result<Reply, CallError> {
        let body = self.request_body(messages);
        self.counted(async {
            match &self.cache {
                None => self.call(&body, deadline).await,
                Some(cache) => self.cached(cache, &body, deadline).await,
            }
        })
        .await
    }

    /// [`Judge::post_json`] run on the judges' own I/O runtime, like [`Judge::ask`]: what
    /// rewards backed by a reward model call.
    pub async fn ask_json(
        self: &Arc<Self>,
        path: String,
        body: Value,
        deadline: Instant,
    ) -> Result<JsonReply, CallError> {
        let judge = self.clone();
        super::on_io_runtime(async move { judge.post_json(&path, body, deadline).await }).await
    }

    /// POSTs `body`, as it is, to `{base_url}{path}` and returns the reply parsed as JSON: a
    /// reward model behind HTTP rather than a chat model. `path` starts with `/` and is appended
    /// to each base URL (its trailing `/` dropped): a reward model's judge has
    /// `base_url: http://h:8000` and calls `/get_reward` (OpenRLHF), `/pooling` or `/classify`
    /// (vLLM); with `base_url: http://h:8000/v1` the path `/classify` is `/v1/classify`. The
    /// body is not changed (no `model` is added: put it in when the server wants one).
    ///
    /// The same machinery as [`Judge::chat`], one attempt loop for both: the `max_concurrency`
    /// permits, the `rpm` and `tpm` buckets (charged body bytes / 4, corrected by the reply's
    /// `usage`), retries on 429, 5xx and connection errors with jittered backoff honouring
    /// `Retry-After` within the deadline, routing among `base_urls` with ejection, the budget,
    /// and the totals ([`Judge::usage`]: tokens from the reply's `usage` when it has one, else
    /// the estimate). A 200 whose body is not JSON is [`CallError::MalformedReply`]; a `path`
    /// that does not start with `/` is [`CallError::InvalidRequest`] (nothing sent).
    ///
    /// Never cached nor coalesced, even when the judge has a `cache`: the reply cache holds chat
    /// replies only. A caller that wants to keep reward-model scores keys them itself.
    pub async fn post_json(
        &self,
        path: &str,
        body: Value,
        deadline: Instant,
    ) -> Result<JsonReply, CallError> {
        self.counted(async {
            let uris = self.path_uris(path)?;
            let bytes = Bytes::from(serde_json::to_vec(&body).expect("a JSON value serializes"));
            let estimate = (bytes.len() as u64).div_ceil(4);
            let (reply, attempts) = self
                .send(Target::Path(&uris), bytes, estimate, deadline)
                .await?;
            let value: Value = serde_json::from_slice(&reply).map_err(|e| {
                self.refund_tpm(estimate);
                CallError::MalformedReply {
                    message: not_json(&e, &reply),
                    attempts,
                }
            })?;
            let usage = value.get("usage").and_then(|u| {
                Some(Usage {
                    prompt_tokens: u.get("prompt_tokens")?.as_u64()?,
                    completion_tokens: match u.get("completion_tokens") {
                        None | Some(Value::Null) => 0,
                        Some(n) => n.as_u64()?,
                    },
                })
            });
            let counted = usage.unwrap_or(Usage {
                prompt_tokens: estimate,
                completion_tokens: 0,
            });
            let cost_usd = self.settle(counted, estimate);
            Ok(JsonReply {
                body: value,
                usage,
                attempts,
                cost_usd,
            })
        })
        .await
    }

    /// The URI of `path` at each base URL.
    fn path_uris(&self, path: &str) -> Result<Vec<Uri>, CallError> {
        if !path.starts_with('/') {
            return Err(CallError::InvalidRequest {
                message: format!("the path {path:?} does not start with /"),
            });
        }
        self.endpoints
            .iter()
            .map(|e| {
                format!("{}{path}", e.url.trim_end_matches('/'))
                    .parse::<Uri>()
                    .map_err(|err| CallError::InvalidRequest {
                        message: format!("{path:?} after {:?} is not a URL ({err})", e.url),
                    })
            })
            .collect()
    }

    /// Counts a call, and its error by kind.
    async fn counted<T>(
        &self,
        call: impl std::future::Future<Output = Result<T, CallError>>,
    ) -> Result<T, CallError> {
        self.counters.requests.fetch_add(1, Ordering::Relaxed);
        let result = call.await;
        if let Err(e) = &result {
            let mut errors = self
                .counters
                .errors
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            *errors.entry(e.kind().to_string()).or_insert(0) += 1;
        }
        result
    }

    /// Counts the tokens of a reply that was read, corrects the tpm bucket's charge, and gives
    /// the call's cost.
    /// Admission by the shared limiter (see [`super::shared`]): the lease, or why not.
    async fn admit(
        &self,
        limit: Arc<dyn super::shared::SharedLimit>,
        estimate: u64,
        deadline: Instant,
        attempts: u32,
    ) -> Result<(Arc<dyn super::shared::SharedLimit>, u64), CallError> {
        use super::shared::Admission;
        let timeout = deadline.saturating_duration_since(Instant::now());
        let (name, asked) = (self.name.clone(), limit.clone());
        let answer = tokio::time::timeout_at(
            tokio::time::Instant::from_std(deadline),
            tokio::task::spawn_blocking(move || asked.acquire(&name, estimate, timeout)),
        )
        .await;
        match answer {
            Ok(Ok(Admission::Granted(id))) => Ok((limit, id)),
            Ok(Ok(Admission::Budget { used, budget })) => {
                Err(CallError::BudgetExhausted { used, budget })
            }
            Ok(Ok(Admission::Timeout)) | Err(_) => Err(CallError::Timeout { attempts }),
            Ok(Ok(Admission::Failed(message))) => Err(CallError::Connection {
                message: format!("the shared limiter: {message}"),
                attempts,
            }),
            Ok(Err(e)) => Err(CallError::Connection {
                message: format!("the shared limiter failed: {e}"),
                attempts,
            }),
        }
    }

    fn settle(&self, counted: Usage, estimate: u64) -> Option<f64> {
        if let Some(limit) = super::shared::shared_limit() {
            let name = self.name.clone();
            let used = counted.prompt_tokens + counted.completion_tokens;
            super::shared::detached(move || limit.settle(&name, used, estimate));
        }
        self.counters
            .prompt_tokens
            .fetch_add(counted.prompt_tokens, Ordering::Relaxed);
        self.counters
            .completion_tokens
            .fetch_add(counted.completion_tokens, Ordering::Relaxed);
        if let Some(tpm) = &self.tpm {
            tpm.adjust(
                (counted.prompt_tokens + counted.completion_tokens) as f64 - estimate as f64,
            );
        }
        self.config
            .cost_usd(counted.prompt_tokens, counted.completion_tokens)
    }

    /// A reply that sent no request: no cost (when the judge has prices).
    fn free(&self) -> Option<f64> {
        self.config.cost_usd(0, 0)
    }

    async fn cached(
        &self,
        cache: &Cache,
        body: &Value,
        deadline: Instant,
    ) -> Result<Reply, CallError> {
        let key = cache_key(body);
        loop {
            if let Some(reply) = self.cache_lookup(cache, &key).await {
                return Ok(reply);
            }
            let role = {
                let mut inflight = self.inflight.lock().unwrap_or_else(|e| e.into_inner());
                match inflight.get(&key) {
                    Some(rx) => Err(rx.clone()),
                    None => {
                        let (tx, rx) = watch::channel(None);
                        inflight.insert(key.clone(), rx);
                        Ok(tx)
                    }
                }
            };
            match role {
                Ok(tx) => {
                    let guard = InflightGuard {
                        inflight: &self.inflight,
                        key: &key,
                    };
                    let result = self.call(body, deadline).await;
                    if let Ok(reply) = &result {
                        let stored = Stored {
                            text: reply.text.clone(),
                            refusal: reply.refusal.clone(),
                            finish_reason: reply.finish_reason.clone(),
                            usage: reply.usage,
                        };
                        if cache.put(&key, &self.config.model, &stored).await.is_err() {
                            self.counters.cache_errors.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                    // Out of the map first, then the news: a follower that retries does not
                    // find this finished call again.
                    drop(guard);
                    let _ = tx.send(Some(result.clone()));
                    return result;
                }
                Err(mut rx) => {
                    let waited = tokio::time::timeout_at(
                        tokio::time::Instant::from_std(deadline),
                        rx.wait_for(Option::is_some),
                    )
                    .await;
                    let shared = match waited {
                        Err(_) => return Err(CallError::Timeout { attempts: 0 }),
                        // The leader was cancelled: try again (perhaps as the leader).
                        Ok(Err(_)) => continue,
                        Ok(Ok(value)) => value.clone().expect("waited for Some"),
                    };
                    match shared {
                        Ok(mut reply) => {
                            self.counters.coalesced.fetch_add(1, Ordering::Relaxed);
                            reply.attempts = 0;
                            reply.source = ReplySource::Coalesced;
                            reply.cost_usd = self.free();
                            return Ok(reply);
                        }
                        Err(CallError::Timeout { .. }) => continue,
                        Err(e) => return Err(e.with_attempts(0)),
                    }
                }
            }
        }
    }

    async fn cache_lookup(&self, cache: &Cache, key: &str) -> Option<Reply> {
        match cache.get(key).await {
            Ok(Some(stored)) => {
                self.counters.cache_hits.fetch_add(1, Ordering::Relaxed);
                Some(Reply {
                    text: stored.text,
                    refusal: stored.refusal,
                    finish_reason: stored.finish_reason,
                    usage: stored.usage,
                    attempts: 0,
                    source: ReplySource::Cache,
                    cost_usd: self.free(),
                })
            }
            Ok(None) => None,
            Err(_) => {
                self.counters.cache_errors.fetch_add(1, Ordering::Relaxed);
                None
            }
        }
    }

    /// Tokens a request is charged before its reply: prompt characters / 4, 4 per message, and
    /// `max_tokens`.
    fn estimate(&self, body: &Value) -> u64 {
        let messages = body["messages"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let chars: usize = messages
            .iter()
            .map(|m| m["content"].as_str().map_or(0, |c| c.chars().count()))
            .sum();
        (chars as u64).div_ceil(4)
            + 4 * messages.len() as u64
            + u64::from(self.config.max_tokens.unwrap_or(0))
    }

    fn tokens_used(&self) -> u64 {
        self.counters.prompt_tokens.load(Ordering::Relaxed)
            + self.counters.completion_tokens.load(Ordering::Relaxed)
    }

    /// Waits for the rpm and tpm buckets; `false` when that would pass the deadline (nothing is
    /// then taken from either).
    async fn wait_for_rate(&self, estimate: u64, deadline: Instant) -> bool {
        let now = Instant::now();
        let mut ready = now;
        if let Some(rpm) = &self.rpm {
            match rpm.reserve(1.0, now, deadline) {
                Some(at) => ready = ready.max(at),
                None => return false,
            }
        }
        if let Some(tpm) = &self.tpm {
            match tpm.reserve(estimate as f64, now, deadline) {
                Some(at) => ready = ready.max(at),
                None => {
                    if let Some(rpm) = &self.rpm {
                        rpm.adjust(-1.0);
                    }
                    return false;
                }
            }
        }
        if ready > now {
            tokio::time::sleep_until(tokio::time::Instant::from_std(ready)).await;
        }
        true
    }

    fn refund_tpm(&self, estimate: u64) {
        if let Some(tpm) = &self.tpm {
            tpm.adjust(-(estimate as f64));
        }
    }

    /// The base URL for the next attempt: among those not left out (and not `avoid`, when
    /// another is available), the one with the fewest calls in flight, ties taken in turn. When
    /// every one is left out, the one whose time out ends first.
    fn pick(&self, avoid: Option<usize>) -> usize {
        let n = self.endpoints.len();
        if n == 1 {
            return 0;
        }
        let now = Instant::now();
        let admitted: Vec<bool> = self
            .endpoints
            .iter()
            .map(|e| {
                let health = e.health.lock().unwrap_or_else(|e| e.into_inner());
                health.ejected_until.is_none_or_passed(now)
            })
            .collect();
        let start = self.next_endpoint.fetch_add(1, Ordering::Relaxed);
        let best = |allow: &dyn Fn(usize) -> bool| {
            (0..n)
                .map(|k| (start + k) % n)
                .filter(|&i| allow(i))
                .min_by_key(|&i| self.endpoints[i].in_flight.load(Ordering::Relaxed))
        };
        if let Some(i) = best(&|i| admitted[i] && Some(i) != avoid) {
            return i;
        }
        if let Some(i) = best(&|i| admitted[i]) {
            return i;
        }
        (0..n)
            .min_by_key(|&i| {
                let health = self.endpoints[i]
                    .health
                    .lock()
                    .unwrap_or_else(|e| e.into_inner());
                health.ejected_until
            })
            .unwrap_or(0)
    }

    fn has_other_admitted(&self, idx: usize) -> bool {
        let now = Instant::now();
        self.endpoints.iter().enumerate().any(|(i, e)| {
            i != idx && {
                let health = e.health.lock().unwrap_or_else(|e| e.into_inner());
                health.ejected_until.is_none_or_passed(now)
            }
        })
    }

    fn endpoint_failed(&self, idx: usize) {
        let mut health = self.endpoints[idx]
            .health
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        health.failures += 1;
        health.consecutive_failures += 1;
        // Re-admitted after its time out, one more failure leaves it out again.
        if health.consecutive_failures >= self.config.eject_after {
            let now = Instant::now();
            if health.ejected_until.is_none_or_passed(now) {
                health.ejections += 1;
            }
            health.ejected_until = Some(now + Duration::from_millis(self.config.eject_ms));
        }
    }

    fn endpoint_succeeded(&self, idx: usize) {
        let mut health = self.endpoints[idx]
            .health
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        health.consecutive_failures = 0;
        health.ejected_until = None;
    }

    /// A chat call: one request through `send`, its reply read as a chat completion.
    async fn call(&self, body: &Value, deadline: Instant) -> Result<Reply, CallError> {
        let bytes = Bytes::from(serde_json::to_vec(body).expect("a JSON value serializes"));
        let estimate = self.estimate(body);
        let (reply, attempts) = self.send(Target::Chat, bytes, estimate, deadline).await?;
        self.read_reply(&reply, estimate, attempts)
    }

    /// The retry loop every call shares (chat and `post_json`): one HTTP request per attempt
    /// under the limits (budget, rpm and tpm charged `estimate`, the `max_concurrency` permits,
    /// the base URL with the fewest in flight), until a 2xx body (returned with the attempts, its
    /// tpm charge still held: the caller reads it and calls `settle`, or refunds it), an
    /// error that is not retried, the attempts run out or the next attempt could not start before
    /// the deadline.
    async fn send(
        &self,
        target: Target<'_>,
        bytes: Bytes,
        estimate: u64,
        deadline: Instant,
    ) -> Result<(Bytes, u32), CallError> {
        let tokio_deadline = tokio::time::Instant::from_std(deadline);
        let mut attempts = 0u32;
        let mut avoid = None;
        loop {
            if let Some(budget) = self.config.budget_tokens {
                let used = self.tokens_used();
                if used >= budget {
                    return Err(CallError::BudgetExhausted { used, budget });
                }
            }
            if Instant::now() >= deadline || !self.wait_for_rate(estimate, deadline).await {
                return Err(CallError::Timeout { attempts });
            }
            let permit = match tokio::time::timeout_at(tokio_deadline, self.permits.acquire()).await
            {
                Ok(Ok(permit)) => permit,
                _ => {
                    // Nothing was sent: give back what the rate limits were charged.
                    self.refund_tpm(estimate);
                    if let Some(rpm) = &self.rpm {
                        rpm.adjust(-1.0);
                    }
                    return Err(CallError::Timeout { attempts });
                }
            };
            // The cluster's limits, when a shared limiter is installed (plaudit.ray).
            let lease = match super::shared::shared_limit() {
                None => None,
                Some(limit) => match self.admit(limit, estimate, deadline, attempts).await {
                    Ok(lease) => Some(lease),
                    Err(e) => {
                        drop(permit);
                        self.refund_tpm(estimate);
                        if let Some(rpm) = &self.rpm {
                            rpm.adjust(-1.0);
                        }
                        return Err(e);
                    }
                },
            };
            let idx = self.pick(avoid);
            attempts += 1;
            self.counters.attempts.fetch_add(1, Ordering::Relaxed);
            if attempts > 1 {
                self.counters.retries.fetch_add(1, Ordering::Relaxed);
            }
            let outcome = {
                let _flight = InFlight::enter(&self.counters, &self.endpoints[idx].in_flight);
                tokio::time::timeout_at(
                    tokio_deadline,
                    self.transport.post(
                        match target {
                            Target::Chat => &self.endpoints[idx].uri,
                            Target::Path(uris) => &uris[idx],
                        },
                        self.key.as_ref(),
                        bytes.clone(),
                    ),
                )
                .await
            };
            drop(permit);
            if let Some((limit, id)) = lease {
                let name = self.name.clone();
                super::shared::detached(move || limit.release(&name, id));
            }
            let outcome = match outcome {
                Ok(outcome) => outcome,
                Err(_) => return Err(CallError::Timeout { attempts }),
            };
            let (error, wait) = match outcome {
                Outcome::Ok(reply) => {
                    self.endpoint_succeeded(idx);
                    return Ok((reply, attempts));
                }
                Outcome::TooLarge => {
                    self.endpoint_succeeded(idx);
                    return Err(CallError::MalformedReply {
                        message: format!("larger than {} bytes", super::http::MAX_REPLY_BYTES),
                        attempts,
                    });
                }
                Outcome::Status {
                    code,
                    message,
                    retry_after,
                } => {
                    let message = self.redact(message);
                    if code == 429 {
                        (CallError::RateLimited { message, attempts }, retry_after)
                    } else if code >= 500 {
                        self.endpoint_failed(idx);
                        (
                            CallError::HttpStatus {
                                code,
                                message,
                                attempts,
                            },
                            retry_after,
                        )
                    } else {
                        self.refund_tpm(estimate);
                        return Err(CallError::HttpStatus {
                            code,
                            message,
                            attempts,
                        });
                    }
                }
                Outcome::Connection(message) => {
                    self.endpoint_failed(idx);
                    let message = self.redact(message);
                    (CallError::Connection { message, attempts }, None)
                }
            };
            self.refund_tpm(estimate);
            if attempts >= self.config.max_attempts {
                return Err(error);
            }
            let several = self.has_other_admitted(idx);
            avoid = several.then_some(idx);
            // Another replica is tried at once after a connection error; otherwise back off.
            let delay = if several && matches!(error, CallError::Connection { .. }) {
                Duration::ZERO
            } else {
                backoff(
                    Duration::from_millis(self.config.retry_base_ms),
                    attempts,
                    wait,
                )
            };
            if Instant::now() + delay >= deadline {
                return Err(error);
            }
            if !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
        }
    }

    /// A server's error text never carries the key back into a log or a result.
    fn redact(&self, message: String) -> String {
        match &self.key {
            Some(key) if message.contains(&key.0) => message.replace(&key.0, "<redacted>"),
            _ => message,
        }
    }

    fn read_reply(&self, body: &[u8], estimate: u64, attempts: u32) -> Result<Reply, CallError> {
        let malformed = |message: String| {
            self.refund_tpm(estimate);
            CallError::MalformedReply { message, attempts }
        };
        let value: Value =
            serde_json::from_slice(body).map_err(|e| malformed(not_json(&e, body)))?;
        let choice = value
            .get("choices")
            .and_then(|c| c.get(0))
            .ok_or_else(|| malformed("no choices[0]".into()))?;
        let message = choice
            .get("message")
            .filter(|m| m.is_object())
            .ok_or_else(|| malformed("no choices[0].message".into()))?;
        let text = match message.get("content") {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(s)) => s.clone(),
            // Content parts: their text, joined.
            Some(Value::Array(parts)) => parts
                .iter()
                .filter_map(|p| p.get("text").and_then(Value::as_str))
                .collect(),
            Some(other) => {
                return Err(malformed(format!(
                    "choices[0].message.content is {}",
                    kind_of(other)
                )))
            }
        };
        let refusal = message
            .get("refusal")
            .and_then(Value::as_str)
            .map(str::to_string);
        let finish_reason = choice
            .get("finish_reason")
            .and_then(Value::as_str)
            .map(str::to_string);
        let usage = value.get("usage").and_then(|u| {
            Some(Usage {
                prompt_tokens: u.get("prompt_tokens")?.as_u64()?,
                completion_tokens: u.get("completion_tokens")?.as_u64()?,
            })
        });
        // Counted from the usage, or estimated without it.
        let counted = usage.unwrap_or(Usage {
            prompt_tokens: estimate - u64::from(self.config.max_tokens.unwrap_or(0)),
            completion_tokens: (text.chars().count() as u64).div_ceil(4),
        });
        let cost_usd = self.settle(counted, estimate);
        Ok(Reply {
            text,
            refusal,
            finish_reason,
            usage,
            attempts,
            source: ReplySource::Call,
            cost_usd,
        })
    }

    /// The judge's totals now.
    pub fn usage(&self) -> UsageSnapshot {
        let c = &self.counters;
        let now = Instant::now();
        UsageSnapshot {
            judge: self.name.clone(),
            model: self.config.model.clone(),
            requests: c.requests.load(Ordering::Relaxed),
            attempts: c.attempts.load(Ordering::Relaxed),
            cache_hits: c.cache_hits.load(Ordering::Relaxed),
            coalesced: c.coalesced.load(Ordering::Relaxed),
            retries: c.retries.load(Ordering::Relaxed),
            prompt_tokens: c.prompt_tokens.load(Ordering::Relaxed),
            completion_tokens: c.completion_tokens.load(Ordering::Relaxed),
            cost_usd: self.config.cost_usd(
                c.prompt_tokens.load(Ordering::Relaxed),
                c.completion_tokens.load(Ordering::Relaxed),
            ),
            in_flight: c.in_flight.load(Ordering::Relaxed),
            peak_in_flight: c.peak_in_flight.load(Ordering::Relaxed),
            errors: c.errors.lock().unwrap_or_else(|e| e.into_inner()).clone(),
            cache_errors: c.cache_errors.load(Ordering::Relaxed),
            budget_tokens: self.config.budget_tokens,
            endpoints: self
                .endpoints
                .iter()
                .map(|e| {
                    let health = e.health.lock().unwrap_or_else(|e| e.into_inner());
                    EndpointSnapshot {
                        url: e.url.clone(),
                        in_flight: e.in_flight.load(Ordering::Relaxed),
                        failures: health.failures,
                        ejections: health.ejections,
                        ejected: !health.ejected_until.is_none_or_passed(now),
                    }
                })
                .collect(),
        }
    }
}

/// Where a request goes at each base URL.
#[derive(Clone, Copy)]
enum Target<'a> {
    /// `{base_url}/chat/completions`.
    Chat,
    /// One URI per base URL, in order (`post_json`).
    Path(&'a [Uri]),
}

/// A malformed reply's message: the parse error and the body's first 80 bytes.
fn not_json(e: &serde_json::Error, body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(80)]).into_owned();
    format!("not JSON ({e}): {text:?}")
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

trait PassedExt {
    fn is_none_or_passed(&self, now: Instant) -> bool;
}

impl PassedExt for Option<Instant> {
    fn is_none_or_passed(&self, now: Instant) -> bool {
        match self {
            None => true,
            Some(t) => *t <= now,
        }
    }
}

/// Removes a leader's entry from the in-flight map, also when its call is cancelled.
struct InflightGuard<'a> {
    inflight: &'a Inflight,
    key: &'a str,
}

impl Drop for InflightGuard<'_> {
    fn drop(&mut self) {
        let mut inflight = self.inflight.lock().unwrap_or_else(|e| e.into_inner());
        inflight.remove(self.key);
    }
}

/// Counts one request in flight (the judge's, with its peak, and the base URL's).
struct InFlight<'a> {
    counters: &'a Counters,
    endpoint: &'a AtomicUsize,
}

impl<'a> InFlight<'a> {
    fn enter(counters: &'a Counters, endpoint: &'a AtomicUsize) -> InFlight<'a> {
        let now = counters.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        counters.peak_in_flight.fetch_max(now, Ordering::SeqCst);
        endpoint.fetch_add(1, Ordering::SeqCst);
        InFlight { counters, endpoint }
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.counters.in_flight.fetch_sub(1, Ordering::SeqCst);
        self.endpoint.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The judges of a process, one per name and configuration, so every component, route and
/// request that names a judge shares its limits, cache and totals. [`Judges::global`] is the
/// process's; tests and embedders may keep their own.
#[derive(Default)]
pub struct Judges {
    /// The judges built in this process (its id), by name and configuration: a forked child
    /// starts with none of its parent's (their connections and limits belong to the parent).
    judges: Mutex<(u32, HashMap<String, Arc<Judge>>)>,
}

impl Judges {
    pub fn new() -> Judges {
        Judges::default()
    }

    /// The process-wide registry.
    pub fn global() -> &'static Judges {
        static GLOBAL: OnceLock<Judges> = OnceLock::new();
        GLOBAL.get_or_init(Judges::new)
    }

    /// The judge named `name` with this configuration, built on first use and shared after.
    /// The same name with another configuration is another judge.
    pub fn get(&self, name: &str, config: &JudgeConfig) -> Result<Arc<Judge>, JudgeConfigError> {
        let key = format!(
            "{name}\n{}",
            serde_json::to_string(config).expect("a config serializes")
        );
        let mut guard = self.judges.lock().unwrap_or_else(|e| e.into_inner());
        let pid = std::process::id();
        if guard.0 != pid {
            // Another process's judges (a fork's parent): left alone, never dropped here.
            std::mem::forget(std::mem::take(&mut guard.1));
            guard.0 = pid;
        }
        if let Some(judge) = guard.1.get(&key) {
            return Ok(judge.clone());
        }
        let judge = Judge::build(name, config)?;
        guard.1.insert(key, judge.clone());
        Ok(judge)
    }

    /// Every judge's totals, by name.
    pub fn usage(&self) -> Vec<UsageSnapshot> {
        let judges = self.judges.lock().unwrap_or_else(|e| e.into_inner());
        let mut out: Vec<UsageSnapshot> = judges.1.values().map(|j| j.usage()).collect();
        out.sort_by(|a, b| a.judge.cmp(&b.judge));
        out
    }
}

impl fmt::Debug for Judges {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let judges = self.judges.lock().unwrap_or_else(|e| e.into_inner());
        f.debug_list().entries(judges.1.values()).finish()
    }
}
