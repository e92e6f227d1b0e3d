//! Plaudit's HTTP reward server.
//!
//! Routes:
//! - `POST /v1/score`: `{"samples": [...], "spec"?: {...} | "yaml text"}` → `{"results": [...]}`,
//!   one result per sample, in order (the CLI's result objects).
//! - `POST /get_reward`: OpenRLHF's remote reward protocol (see [`plaudit_wire::openrlhf`]).
//! - `GET /healthz`: `{"status": "ok", "requests_admitted": n, "requests_scoring": s,
//!   "max_pending": m}` (requests admitted now — running, queued, or still sending their body —,
//!   those of them whose samples are being scored, and the admission limit).
//! - `GET /`: the report page (`plaudit report`'s, built by the same code) over the last
//!   `report_window` samples scored, by either scoring route, inline specs included; it reloads
//!   itself every 10 s until the reader opens a rollout or changes a filter.
//! - `GET /metrics`: Prometheus text (requests by route and code, latency, samples by status,
//!   reward and component histograms, requests in flight; every judge's calls, tokens, cost,
//!   errors and requests in flight, see [`judges`]).
//!
//! Scoring runs on two dedicated rayon pools, never on the async runtime's threads: CPU work on
//! one (`jobs` threads), and the samples whose route waits on work outside the process (sandboxed
//! code runs, [`plaudit_core::Reward::blocking`]) on another (`blocking_jobs` threads), so that
//! one client's slow code samples never hold the threads another client's math samples need.
//! Connections are capped, read timeouts close slow and idle ones, and inline specs are off
//! unless allowed, with host parameters kept the server's (see [`net`] and [`boundary`]).
//! Admission is
//! bounded: at most `max_pending` requests are admitted (running or waiting for the pool); the next
//! one gets `503` with `Retry-After` instead of an unbounded queue. Bodies over `max_body_bytes` get
//! `413` naming the limit; malformed JSON and wrong shapes get `400` naming the field. Each request
//! has a deadline (`request_timeout`): samples not started by then are answered with `timeout`, so
//! the response always has one result per sample. A client that disconnects cancels the samples
//! its request has not started.

pub mod boundary;
pub mod judges;
pub mod net;

pub mod tokenizer;

use std::collections::VecDeque;
use std::future::Future;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use plaudit_core::{
    Batch, BatchOptions, Engine, Finished, Input, Registry, ScoreResult, Spec, Split, Stop, Tally,
    CANCELLED,
};
use plaudit_wire::openrlhf;
use serde_json::{json, Value};
use tokio::sync::{oneshot, Semaphore};

/// Server limits and sizes.
#[derive(Clone, Debug)]
pub struct Config {
    /// Scoring threads (0: all cores).
    pub jobs: usize,
    /// Largest accepted request body.
    pub max_body_bytes: usize,
    /// Requests admitted at once (running or queued for the scoring pool); more get 503.
    pub max_pending: usize,
    /// Deadline of one request; samples not started by then are answered with `timeout`.
    pub request_timeout: Duration,
    /// How `/get_reward` reads OpenRLHF queries: end markers stripped, an optional tokenizer.
    pub openrlhf: openrlhf::Options,
    /// Threads that score samples of blocking routes (sandboxed code); 0: one per core. Each
    /// runs one sandboxed program at a time, so this bounds the concurrent runs.
    pub blocking_jobs: usize,
    /// Connections open at once; lowered to fit under the descriptor limit ([`net::connection_cap`]).
    pub max_connections: usize,
    /// A connection that has not sent a whole request head this long after it opened, or after
    /// its previous response (an idle kept-alive connection), is closed.
    pub header_timeout: Duration,
    /// A request whose body has not fully arrived this long after its head gets 408; a client
    /// that reads nothing of its response for this long loses the connection.
    pub body_timeout: Duration,
    /// Accept inline specs in `POST /v1/score` (within [`boundary`]'s rules); off: 403.
    pub allow_inline_specs: bool,
    /// Results the report page at `GET /` covers: the most recent ones (0: none kept).
    pub report_window: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            jobs: 0,
            max_body_bytes: 64 << 20,
            max_pending: 256,
            request_timeout: Duration::from_secs(120),
            openrlhf: openrlhf::Options::default(),
            blocking_jobs: 0,
            max_connections: 1024,
            header_timeout: Duration::from_secs(30),
            body_timeout: Duration::from_secs(60),
            allow_inline_specs: false,
            report_window: 10_000,
        }
    }
}

struct Inner {
    engine: Engine,
    registry: Registry,
    pool: rayon::ThreadPool,
    /// Scores the samples of blocking routes (see the crate's documentation).
    blocking: rayon::ThreadPool,
    /// The longest per-sample deadline an inline spec may set.
    inline_timeout_ceiling: Duration,
    admission: Arc<Semaphore>,
    /// Requests whose body is read and parsed and whose samples are being scored.
    scoring: std::sync::atomic::AtomicUsize,
    config: Config,
    metrics: PrometheusHandle,
    /// The last `report_window` results with what the page shows of their samples, oldest first.
    window: Mutex<VecDeque<Arc<Kept>>>,
}

/// One scored sample in the report window.
type Kept = (ScoreResult, plaudit_report::KeptSample);

/// Counts a request in [`Inner::scoring`] while it lives.
struct Scoring<'a>(&'a std::sync::atomic::AtomicUsize);

impl<'a> Scoring<'a> {
    fn start(n: &'a std::sync::atomic::AtomicUsize) -> Self {
        n.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Scoring(n)
    }
}

impl Drop for Scoring<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    }
}

/// Everything the handlers share.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

impl AppState {
    /// A server state for `engine`; `registry` compiles inline specs.
    pub fn new(engine: Engine, registry: Registry, config: Config) -> std::io::Result<AppState> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(config.jobs)
            .thread_name(|i| format!("plaudit-score-{i}"))
            .build()
            .map_err(std::io::Error::other)?;
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let blocking = rayon::ThreadPoolBuilder::new()
            .num_threads(match config.blocking_jobs {
                0 => cores,
                n => n,
            })
            .thread_name(|i| format!("plaudit-blocking-{i}"))
            .build()
            .map_err(std::io::Error::other)?;
        Ok(AppState(Arc::new(Inner {
            inline_timeout_ceiling: boundary::timeout_ceiling(engine.spec()),
            engine,
            registry,
            pool,
            blocking,
            admission: Arc::new(Semaphore::new(config.max_pending.max(1))),
            scoring: Default::default(),
            window: Mutex::new(VecDeque::with_capacity(config.report_window.min(1 << 16))),
            config,
            metrics: metrics_handle(),
        })))
    }
}

impl AppState {
    /// Requests admitted now: running, or waiting for the scoring pool (a body still arriving
    /// counts: admission comes first).
    pub fn admitted(&self) -> usize {
        self.0.config.max_pending.max(1) - self.0.admission.available_permits()
    }
}

/// What `/get_reward` cannot do with this server's spec, said once at start-up: group rewards
/// (OpenRLHF sends one rollout per request, so each is a group of one unless the request carries
/// a `group` list) and token counts without a tokenizer (such requests get 400 naming the
/// components unless they carry a `tokens` list).
pub fn openrlhf_warnings(state: &AppState) -> Vec<String> {
    let spec = state.0.engine.spec();
    let mut out = Vec::new();
    let group = openrlhf::group_components(spec);
    if !group.is_empty() {
        out.push(format!(
            "/get_reward: {} scored per group, but OpenRLHF sends one rollout per request: without a `group` list in the request each rollout is a group of one (use /v1/score with `group`, or a per-sample spec)",
            group.join("; ")
        ));
    }
    if let Err(e) = openrlhf::check_spec(spec, &state.0.config.openrlhf) {
        out.push(format!(
            "/get_reward answers 400 to requests without a `tokens` list: {e}"
        ));
    }
    out
}

/// The process-wide Prometheus recorder (metrics are global to the process).
fn metrics_handle() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let seconds = [
                0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
                10.0, 30.0,
            ];
            let values = [
                -1.0, -0.5, -0.1, 0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0, 1.5, 2.0,
            ];
            let builder = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("seconds".into()), &seconds)
                .and_then(|b| {
                    b.set_buckets_for_metric(Matcher::Full("plaudit_reward".into()), &values)
                })
                .and_then(|b| {
                    b.set_buckets_for_metric(Matcher::Full("plaudit_component".into()), &values)
                })
                .expect("valid buckets");
            let recorder = builder.build_recorder();
            let handle = recorder.handle();
            // Another recorder may already be installed (an embedding application's): then this
            // handle renders an empty page rather than failing the server.
            let _ = metrics::set_global_recorder(recorder);
            handle
        })
        .clone()
}

/// The router with every route.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/v1/score", post(score))
        .route("/get_reward", post(get_reward))
        .route("/healthz", get(healthz))
        .route("/metrics", get(prometheus))
        .route("/", get(report_page))
        .fallback(not_found)
        .with_state(state)
}

/// Serve on `listener` until `shutdown` resolves, then stop accepting and answer every request
/// already accepted before returning.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let c = &state.0.config;
    let (max, header, write) = (c.max_connections, c.header_timeout, c.body_timeout);
    net::serve(listener, router(state), max, header, write, shutdown).await
}

fn error(code: StatusCode, message: impl Into<String>) -> Response {
    let body = serde_json::to_vec(&json!({"error": message.into()})).expect("serializable");
    (
        code,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response()
}

async fn healthz(State(state): State<AppState>) -> Response {
    let body = json!({
        "status": "ok",
        "requests_admitted": state.admitted(),
        "requests_scoring": state.0.scoring.load(std::sync::atomic::Ordering::SeqCst),
        "max_pending": state.0.config.max_pending.max(1),
    });
    (
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body.to_string(),
    )
        .into_response()
}

async fn prometheus(State(state): State<AppState>) -> Response {
    (
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; version=0.0.4"),
        )],
        state.0.metrics.render() + &judges::render(),
    )
        .into_response()
}

async fn not_found() -> Response {
    error(
        StatusCode::NOT_FOUND,
        "no such route (routes: POST /v1/score, POST /get_reward, GET /, GET /healthz, GET /metrics)",
    )
}

/// Sets the request's stop flag when dropped before `disarm` (the client went away).
struct CancelOnDrop(Option<Stop>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        if let Some(s) = self.0.take() {
            s.cancel();
        }
    }
}

/// What a scoring route needs from its request body.
enum Job {
    Score {
        inputs: Vec<Input>,
        spec: Option<Box<Spec>>,
    },
    OpenRlhf(openrlhf::Request),
}

fn parse_openrlhf(body: Value, spec: &Spec, opts: &openrlhf::Options) -> Result<Job, String> {
    openrlhf::parse(&body, Some(spec), opts).map(Job::OpenRlhf)
}

async fn score(State(state): State<AppState>, headers: HeaderMap, body: Body) -> Response {
    handle(state, "/v1/score", headers, body).await
}

async fn get_reward(State(state): State<AppState>, headers: HeaderMap, body: Body) -> Response {
    handle(state, "/get_reward", headers, body).await
}

/// Admission, body limits, parsing, scoring off the runtime, metrics and the log line.
async fn handle(state: AppState, route: &'static str, headers: HeaderMap, body: Body) -> Response {
    let start = Instant::now();
    let in_flight = metrics::gauge!("plaudit_http_in_flight");
    in_flight.increment(1.0);
    let (resp, summary) = handle_inner(&state, route, &headers, body).await;
    in_flight.decrement(1.0);
    let code = resp.status().as_u16();
    let secs = start.elapsed().as_secs_f64();
    metrics::counter!("plaudit_http_requests_total", "route" => route, "code" => code.to_string())
        .increment(1);
    metrics::histogram!("plaudit_http_request_duration_seconds", "route" => route).record(secs);
    match summary {
        Some(s) => {
            tracing::info!(route, code, samples = s.n, statuses = %s.statuses, latency_ms = secs * 1e3, "scored")
        }
        None => tracing::info!(route, code, latency_ms = secs * 1e3, "refused"),
    }
    resp
}

/// The results of a batch whose state could not be saved are still answered; the failure is
/// logged and counted (`plaudit_state_errors_total`).
fn saved(done: Finished<ScoreResult>) -> (Vec<ScoreResult>, Tally) {
    if let Some(e) = &done.state_error {
        tracing::error!(error = %e, "cannot save state");
        metrics::counter!("plaudit_state_errors_total").increment(1);
    }
    (done.results, done.tally)
}

struct Summary {
    n: usize,
    statuses: String,
}

/// Count a batch's results in the metrics. Component labels come only from the server's own spec
/// (a bounded set); the components of an inline spec are counted under the one label `inline`.
fn record(results: &[ScoreResult], tally: &Tally, inline: bool) -> Summary {
    for r in results {
        metrics::histogram!("plaudit_reward").record(r.reward);
        for (name, v) in &r.components {
            let label = if inline {
                "inline".to_string()
            } else {
                name.clone()
            };
            metrics::histogram!("plaudit_component", "name" => label).record(*v);
        }
    }
    let mut parts = Vec::new();
    for (st, c) in tally.nonzero() {
        metrics::counter!("plaudit_samples_total", "status" => st.as_str()).increment(c);
        parts.push(format!("{st}={c}"));
    }
    Summary {
        n: results.len(),
        statuses: parts.join(","),
    }
}

async fn handle_inner(
    state: &AppState,
    route: &'static str,
    headers: &HeaderMap,
    body: Body,
) -> (Response, Option<Summary>) {
    let inner = &state.0;
    let Ok(permit) = inner.admission.clone().try_acquire_owned() else {
        let mut r = error(
            StatusCode::SERVICE_UNAVAILABLE,
            format!(
                "server busy: {} requests already admitted (the limit); retry shortly",
                inner.config.max_pending
            ),
        );
        r.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        return (r, None);
    };
    let limit = inner.config.max_body_bytes;
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        let msg = format!(
            "request body of {} bytes is over the limit of {limit} bytes",
            declared.unwrap_or(0)
        );
        return (error(StatusCode::PAYLOAD_TOO_LARGE, msg), None);
    }
    let body_timeout = inner.config.body_timeout;
    let read = tokio::time::timeout(body_timeout, axum::body::to_bytes(body, limit)).await;
    let Ok(read) = read else {
        let msg = format!(
            "the request body did not arrive within {} ms",
            body_timeout.as_millis()
        );
        return (error(StatusCode::REQUEST_TIMEOUT, msg), None);
    };
    let bytes: Bytes = match read {
        Ok(b) => b,
        Err(e) => {
            let too_big = std::error::Error::source(&e)
                .is_some_and(|s| s.to_string().to_ascii_lowercase().contains("length limit"))
                || e.to_string().to_ascii_lowercase().contains("length limit");
            return if too_big {
                (
                    error(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        format!("request body is over the limit of {limit} bytes"),
                    ),
                    None,
                )
            } else {
                (
                    error(
                        StatusCode::BAD_REQUEST,
                        format!("cannot read the request body: {e}"),
                    ),
                    None,
                )
            };
        }
    };
    let stop = Stop::after(inner.config.request_timeout);
    let mut guard = CancelOnDrop(Some(stop.clone()));
    // The scoring runs as a task of its own: when the client goes away this handler is dropped
    // (and the guard cancels the samples not started), but the task still finishes what was
    // started, saves the state and counts the batch in the metrics. It holds the admission slot
    // until then: a client cannot free slots by hanging up while its work goes on.
    let st = state.clone();
    let out = tokio::spawn(async move {
        let out = run(&st, route, bytes, stop).await;
        drop(permit);
        out
    })
    .await
    .unwrap_or_else(|e| {
        Err((
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("the scoring task failed: {e}"),
        ))
    });
    guard.0 = None; // finished: nothing to cancel
    match out {
        Ok((body, summary)) => (
            (
                StatusCode::OK,
                [(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                )],
                body,
            )
                .into_response(),
            Some(summary),
        ),
        Err((code, msg)) => (error(code, msg), None),
    }
}

/// Why a request gets no results: its status and message.
type Refusal = (StatusCode, String);

/// Run `f` on `pool` and wait for it without holding a runtime thread.
async fn on_pool<T: Send + 'static>(
    pool: &rayon::ThreadPool,
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, Refusal> {
    let (tx, rx) = oneshot::channel();
    pool.spawn(move || {
        let _ = tx.send(f());
    });
    rx.await.map_err(|_| {
        (
            StatusCode::INTERNAL_SERVER_ERROR,
            "the scoring task ended without an answer".to_string(),
        )
    })
}

/// What a parsed request is answered with.
enum Answer {
    Score { inline: bool },
    OpenRlhf(openrlhf::Request),
}

/// A request body as a job (on the CPU pool).
fn parse_job(st: &AppState, route: &'static str, bytes: Bytes) -> Result<Job, Refusal> {
    let inner = &st.0;
    let bad = |m: String| (StatusCode::BAD_REQUEST, m);
    let body: Value =
        serde_json::from_slice(&bytes).map_err(|e| bad(format!("invalid JSON: {e}")))?;
    if route == "/get_reward" {
        return parse_openrlhf(body, inner.engine.spec(), &inner.config.openrlhf).map_err(bad);
    }
    if !inner.config.allow_inline_specs && body.get("spec").is_some_and(|s| !s.is_null()) {
        return Err((
            StatusCode::FORBIDDEN,
            "field `spec`: inline specs are disabled on this server (its operator can allow them with `plaudit serve --allow-inline-specs`); send samples only, to be scored with the server's spec".into(),
        ));
    }
    let req = plaudit_wire::score_request(body, &inner.registry).map_err(bad)?;
    let job = Job::Score {
        inputs: req.inputs,
        spec: req.spec,
    };
    if let Job::Score {
        spec: Some(spec), ..
    } = &job
    {
        boundary::check_inline(spec, &inner.registry, inner.inline_timeout_ceiling).map_err(
            |e| {
                (
                    StatusCode::FORBIDDEN,
                    format!("field `spec` is not allowed here:\n{e}"),
                )
            },
        )?;
    }
    Ok(job)
}

/// What the report page keeps of an input (texts cut to the page's limits).
fn kept_sample(input: &Input) -> plaudit_report::KeptSample {
    match input {
        Input::Sample(s) => plaudit_report::KeptSample::new(
            &s.id,
            s.task.as_deref(),
            s.group.as_deref(),
            &s.prompt,
            &s.response,
            &s.reference,
            s.tokens,
        ),
        Input::Invalid { id, group, .. } => {
            plaudit_report::KeptSample::invalid(id, group.as_deref())
        }
    }
}

/// Parse (CPU pool), score (CPU and blocking pools), then build the body (CPU pool).
async fn run(
    state: &AppState,
    route: &'static str,
    bytes: Bytes,
    stop: Stop,
) -> Result<(Vec<u8>, Summary), Refusal> {
    let st = state.clone();
    let keep = state.0.config.report_window > 0;
    let job = on_pool(
        &state.0.pool,
        move || -> Result<(Job, Vec<plaudit_report::KeptSample>), Refusal> {
            let job = parse_job(&st, route, bytes)?;
            let kept = match &job {
                _ if !keep => Vec::new(),
                Job::Score { inputs, .. } => inputs.iter().map(kept_sample).collect(),
                Job::OpenRlhf(req) => req.inputs.iter().map(kept_sample).collect(),
            };
            Ok((job, kept))
        },
    )
    .await??;
    let (job, kept) = job;
    let (engine, inputs, answer) = match job {
        Job::Score { inputs, spec: None } => (
            state.0.engine.clone(),
            inputs,
            Answer::Score { inline: false },
        ),
        // An inline spec keeps its state in memory for this request only: it never reads or
        // writes the server's state store.
        Job::Score {
            inputs,
            spec: Some(spec),
        } => (Engine::new(*spec), inputs, Answer::Score { inline: true }),
        Job::OpenRlhf(mut req) => {
            let inputs = std::mem::take(&mut req.inputs);
            (state.0.engine.clone(), inputs, Answer::OpenRlhf(req))
        }
    };
    let scoring = Scoring::start(&state.0.scoring);
    let results = score_split(state, &engine, inputs, &stop).await?;
    drop(scoring);
    let st = state.clone();
    on_pool(&state.0.pool, move || {
        let (results, tally) = saved(results);
        let cancelled = results
            .iter()
            .filter(|r| r.error.as_deref() == Some(CANCELLED))
            .count();
        if cancelled > 0 {
            metrics::counter!("plaudit_samples_cancelled_total").increment(cancelled as u64);
            tracing::info!(
                route,
                cancelled,
                "the client went away: samples not started were cancelled"
            );
        }
        let out = match answer {
            Answer::Score { inline } => {
                let mut body = b"{\"results\":".to_vec();
                serde_json::to_writer(&mut body, &results).expect("results serialize");
                body.push(b'}');
                (body, record(&results, &tally, inline))
            }
            Answer::OpenRlhf(req) => {
                let response =
                    openrlhf::response(st.0.engine.spec(), &req.tasks, &results, req.grouped);
                let body = serde_json::to_vec(&response).expect("responses serialize");
                (body, record(&results, &tally, false))
            }
        };
        remember(&st, results, kept);
        out
    })
    .await
}

/// Adds a request's results (the body already built) to the report window: the lock is held
/// only to move pointers in; what falls out is freed after it is released.
fn remember(state: &AppState, results: Vec<ScoreResult>, kept: Vec<plaudit_report::KeptSample>) {
    let cap = state.0.config.report_window;
    if cap == 0 || kept.len() != results.len() {
        return;
    }
    let skip = results.len().saturating_sub(cap);
    let fresh: Vec<Arc<Kept>> = results
        .into_iter()
        .zip(kept)
        .skip(skip)
        .map(Arc::new)
        .collect();
    let mut old = Vec::new();
    {
        let mut w = state.0.window.lock().unwrap_or_else(|e| e.into_inner());
        let over = (w.len() + fresh.len()).saturating_sub(cap);
        old.extend(w.drain(..over));
        w.extend(fresh);
    }
    drop(old);
}

/// `GET /`: the report page over the window, built on the CPU pool from a snapshot of it.
async fn report_page(State(state): State<AppState>) -> Response {
    let snapshot: Vec<Arc<Kept>> = state
        .0
        .window
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
        .cloned()
        .collect();
    let cap = state.0.config.report_window;
    let page = on_pool(&state.0.pool, move || {
        let report = plaudit_report::build_kept(
            snapshot.iter().map(|k| (&k.0, &k.1)),
            &plaudit_report::Options::default(),
        )?;
        let title = format!(
            "the last {} samples served (window {cap})",
            report.stats.samples
        );
        Ok::<_, std::io::Error>(live_page(plaudit_report::render_html(&report, &title)))
    })
    .await;
    match page {
        Ok(Ok(html)) => (
            StatusCode::OK,
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/html; charset=utf-8"),
                ),
                (
                    header::CONTENT_SECURITY_POLICY,
                    HeaderValue::from_static(
                        "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:",
                    ),
                ),
                (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            ],
            html,
        )
            .into_response(),
        Ok(Err(e)) => error(StatusCode::INTERNAL_SERVER_ERROR, format!("the report failed: {e}")),
        Err((code, msg)) => error(code, msg),
    }
}

/// The page reloads itself every 10 s, until the reader opens a rollout or changes a filter.
const LIVE: &str = "<p id=\"live\">Live: reloads every 10 s until you open a rollout or change a filter.</p>\
<script>(function(){var still=true;function stop(){still=false;var p=document.getElementById(\"live\");\
if(p)p.textContent=\"Live: reloading paused (reload the page to resume).\";}\
document.addEventListener(\"click\",function(e){if(e.target.closest&&e.target.closest(\"tr.rollout\"))stop();});\
document.addEventListener(\"change\",stop);document.addEventListener(\"input\",stop);\
setInterval(function(){if(still)location.reload();},10000);})();</script>";

fn live_page(mut html: String) -> String {
    match html.rfind("</body>") {
        Some(i) => html.insert_str(i, LIVE),
        None => html.push_str(LIVE),
    }
    html
}

/// Score a batch with the core pipeline ([`plaudit_core::Batch`]): the samples of blocking
/// routes on the blocking pool and the others on the CPU pool, at the same time; then the group
/// stage and the state commit. One result per input, in input order.
async fn score_split(
    state: &AppState,
    engine: &Engine,
    inputs: Vec<Input>,
    stop: &Stop,
) -> Result<Finished<ScoreResult>, Refusal> {
    let inner = &state.0;
    let options = BatchOptions {
        stop: stop.clone(),
        ..Default::default()
    };
    let batch = engine.batch::<ScoreResult>(options);
    let Split {
        cpu,
        blocking,
        io,
        join,
    } = batch.split(inputs);
    let scorer = batch.scorer();
    let rest = move |mut batch: Batch<ScoreResult>, cpu, blocking, io| {
        let (keys, results) = join.join(cpu, blocking, io);
        let given = batch.accept(keys, results);
        batch.finish_after(given)
    };
    if blocking.is_empty() && io.is_empty() {
        // Nothing waits outside the process: the whole batch in one task on the CPU pool.
        return on_pool(&inner.pool, move || {
            let results = scorer.score(&cpu);
            rest(batch, results, Vec::new(), Vec::new())
        })
        .await;
    }
    // Three parts at once: computing on the CPU pool, sandboxed runs on the blocking pool, and
    // the I/O stage (judges, reward models) awaited on this runtime without holding a thread.
    let (s1, s2) = (scorer.clone(), scorer.clone());
    let (c, b, i) = tokio::join!(
        on_pool(&inner.pool, move || s1.score(&cpu)),
        on_pool(&inner.blocking, move || s2.score(&blocking)),
        scorer.score_io(io),
    );
    let (c, b) = (c?, b?);
    on_pool(&inner.pool, move || rest(batch, c, b, i)).await
}
