//! The HTTP transport: one pooled HTTP/1.1 client per judge (hyper + hyper-util), HTTPS through
//! rustls with ring and Mozilla's roots compiled in, plain HTTP for local servers.

use std::fmt;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::header::{HeaderValue, AUTHORIZATION, CONTENT_TYPE, USER_AGENT};
use hyper::{Method, Request, Uri};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

use super::limits::retry_after;

/// The largest reply body read; a larger one is a malformed reply.
pub(crate) const MAX_REPLY_BYTES: usize = 16 << 20;

/// The API key, read from the environment when the judge is built. Its `Debug` shows no part of
/// it; it is only ever written into the `Authorization` header.
#[derive(Clone)]
pub(crate) struct ApiKey(pub(crate) String);

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

/// What one HTTP attempt gave.
#[derive(Debug)]
pub(crate) enum Outcome {
    /// 2xx with its body.
    Ok(Bytes),
    /// Another status, the body's error message and the wait the server asked for.
    Status {
        code: u16,
        message: String,
        retry_after: Option<Duration>,
    },
    /// No reply: refused, reset, closed, or the body broke off.
    Connection(String),
    /// A body past [`MAX_REPLY_BYTES`].
    TooLarge,
}

pub(crate) struct Transport {
    client: Client<HttpsConnector<HttpConnector>, Full<Bytes>>,
}

impl Transport {
    pub(crate) fn new(max_idle: usize) -> Result<Transport, String> {
        // ring rather than aws-lc-rs (which needs cmake and a C toolchain to build); rustls marks
        // ring's provider deprecated only because it has no post-quantum key exchange.
        #[allow(deprecated)]
        let provider = rustls::crypto::ring::default_provider();
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_nodelay(true);
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_provider_and_webpki_roots(provider)
            .map_err(|e| format!("cannot set up TLS: {e}"))?
            .https_or_http()
            .enable_http1()
            .wrap_connector(http);
        let client = Client::builder(TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(60))
            .pool_max_idle_per_host(max_idle)
            .build(https);
        Ok(Transport { client })
    }

    /// POSTs a JSON body. The caller bounds it with its deadline.
    pub(crate) async fn post(&self, uri: &Uri, key: Option<&ApiKey>, body: Bytes) -> Outcome {
        let mut request = Request::builder()
            .method(Method::POST)
            .uri(uri.clone())
            .header(CONTENT_TYPE, "application/json")
            .header(USER_AGENT, concat!("plaudit/", env!("CARGO_PKG_VERSION")));
        if let Some(key) = key {
            match HeaderValue::from_str(&format!("Bearer {}", key.0)) {
                Ok(mut value) => {
                    value.set_sensitive(true);
                    request = request.header(AUTHORIZATION, value);
                }
                Err(_) => {
                    return Outcome::Connection(
                        "the API key holds characters a header cannot carry".into(),
                    )
                }
            }
        }
        let request = match request.body(Full::new(body)) {
            Ok(request) => request,
            Err(e) => return Outcome::Connection(format!("cannot build the request: {e}")),
        };
        let response = match self.client.request(request).await {
            Ok(response) => response,
            Err(e) => return Outcome::Connection(error_chain(&e)),
        };
        let (parts, body) = response.into_parts();
        let header = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok());
        let wait = retry_after(
            header("retry-after-ms"),
            header("retry-after"),
            SystemTime::now(),
        );
        let bytes = match Limited::new(body, MAX_REPLY_BYTES).collect().await {
            Ok(collected) => collected.to_bytes(),
            Err(e) if e.is::<http_body_util::LengthLimitError>() => return Outcome::TooLarge,
            Err(e) => return Outcome::Connection(format!("the reply broke off: {e}")),
        };
        if parts.status.is_success() {
            Outcome::Ok(bytes)
        } else {
            Outcome::Status {
                code: parts.status.as_u16(),
                message: error_message(&bytes),
                retry_after: wait,
            }
        }
    }
}

/// An error and its causes, `outer: inner: innermost`.
fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = cause.source();
    }
    out
}

/// An error body's `error.message` (OpenAI, vLLM) or `message`, else its first 200 characters.
fn error_message(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let parsed: Option<serde_json::Value> = serde_json::from_str(&text).ok();
    let message = parsed.as_ref().and_then(|v| {
        v.pointer("/error/message")
            .or_else(|| v.get("message"))
            .or_else(|| v.get("detail"))
            .and_then(|m| m.as_str())
            .map(str::to_string)
    });
    let message = message.unwrap_or_else(|| text.trim().to_string());
    match message.char_indices().nth(200) {
        Some((cut, _)) => format!("{}…", &message[..cut]),
        None => message,
    }
}
