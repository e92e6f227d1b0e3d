//! The limits every caller of a judge shares: token buckets for rpm and tpm, backoff, jitter and
//! `Retry-After`.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

/// A token bucket refilled continuously at `per_minute / 60` a second, holding at most
/// `per_minute`. A reservation takes its tokens at once, even into debt, and says when they are
/// covered; callers wait until then, so reservations are served in the order they were made.
#[derive(Debug)]
pub(crate) struct Bucket {
    per_second: f64,
    capacity: f64,
    state: Mutex<(f64, Instant)>,
}

impl Bucket {
    pub(crate) fn per_minute(n: f64) -> Bucket {
        Bucket {
            per_second: n / 60.0,
            capacity: n,
            state: Mutex::new((n, Instant::now())),
        }
    }

    fn refill(&self, state: &mut (f64, Instant), now: Instant) {
        if now > state.1 {
            let elapsed = now.duration_since(state.1).as_secs_f64();
            state.0 = (state.0 + elapsed * self.per_second).min(self.capacity);
            state.1 = now;
        }
    }

    /// Reserves `n` tokens: the moment they are covered, or `None` (nothing reserved) when that
    /// is after `deadline`.
    pub(crate) fn reserve(&self, n: f64, now: Instant, deadline: Instant) -> Option<Instant> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        self.refill(&mut state, now);
        let after = state.0 - n;
        let at = if after >= 0.0 {
            now
        } else {
            now + Duration::from_secs_f64((-after / self.per_second).min(1e9))
        };
        if at > deadline {
            return None;
        }
        state.0 = after;
        Some(at)
    }

    /// Charges `delta` more tokens (a refund when negative), e.g. the reply's usage minus the
    /// estimate that was reserved.
    pub(crate) fn adjust(&self, delta: f64) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.0 = (state.0 - delta).min(self.capacity);
    }
}

/// A number in [0, 1), different at every call (not for cryptography: backoff jitter).
pub(crate) fn jitter_unit() -> f64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

/// The wait before retry number `retry` (1 for the first retry): `base · 2^(retry-1)` capped at
/// 30 s, with "equal jitter" (half fixed, half random), so callers that failed together do not
/// come back together. A `Retry-After` longer than that replaces it, plus up to 10% (at most 1 s)
/// of jitter.
pub(crate) fn backoff(base: Duration, retry: u32, retry_after: Option<Duration>) -> Duration {
    let cap = Duration::from_secs(30);
    let exp = base
        .saturating_mul(1u32 << retry.saturating_sub(1).min(20))
        .min(cap);
    let jittered = exp / 2 + exp.mul_f64(0.5 * jitter_unit());
    match retry_after {
        Some(after) if after > jittered => {
            let spread = (after / 10).min(Duration::from_secs(1));
            after + spread.mul_f64(jitter_unit())
        }
        _ => jittered,
    }
}

/// The wait a server asks for: `retry-after-ms` (OpenAI's, milliseconds), else `Retry-After` as
/// seconds or as an HTTP date (RFC 9110). Unreadable or negative values are ignored.
pub(crate) fn retry_after(
    retry_after_ms: Option<&str>,
    retry_after: Option<&str>,
    now: SystemTime,
) -> Option<Duration> {
    if let Some(ms) = retry_after_ms.and_then(|v| v.trim().parse::<f64>().ok()) {
        if ms.is_finite() && ms >= 0.0 {
            return Some(Duration::from_secs_f64((ms / 1000.0).min(86_400.0)));
        }
    }
    let value = retry_after?.trim();
    if let Ok(secs) = value.parse::<f64>() {
        return (secs.is_finite() && secs >= 0.0)
            .then(|| Duration::from_secs_f64(secs.min(86_400.0)));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_dates_and_milliseconds() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(
            retry_after(None, Some("2"), now),
            Some(Duration::from_secs(2))
        );
        assert_eq!(
            retry_after(None, Some(" 0.5 "), now),
            Some(Duration::from_millis(500))
        );
        assert_eq!(
            retry_after(Some("250"), Some("9"), now),
            Some(Duration::from_millis(250))
        );
        let date = httpdate::fmt_http_date(now + Duration::from_secs(7));
        assert_eq!(
            retry_after(None, Some(&date), now),
            Some(Duration::from_secs(7))
        );
        let past = httpdate::fmt_http_date(now - Duration::from_secs(7));
        assert_eq!(retry_after(None, Some(&past), now), Some(Duration::ZERO));
        assert_eq!(retry_after(None, Some("soon"), now), None);
        assert_eq!(retry_after(None, Some("-3"), now), None);
        assert_eq!(retry_after(None, None, now), None);
    }

    #[test]
    fn backoff_doubles_is_capped_and_honours_retry_after() {
        let base = Duration::from_millis(100);
        for _ in 0..50 {
            let first = backoff(base, 1, None);
            assert!(first >= Duration::from_millis(50) && first <= Duration::from_millis(100));
            let third = backoff(base, 3, None);
            assert!(third >= Duration::from_millis(200) && third <= Duration::from_millis(400));
            let late = backoff(base, 40, None);
            assert!(late >= Duration::from_secs(15) && late <= Duration::from_secs(30));
            let told = backoff(base, 1, Some(Duration::from_secs(2)));
            assert!(told >= Duration::from_secs(2) && told <= Duration::from_millis(2200));
        }
    }

    #[test]
    fn bucket_reserves_in_debt_and_refuses_past_the_deadline() {
        let bucket = Bucket::per_minute(60.0); // one a second
        let now = Instant::now();
        let far = now + Duration::from_secs(3600);
        for _ in 0..60 {
            assert_eq!(bucket.reserve(1.0, now, far), Some(now));
        }
        // The 61st is covered one second later, the 62nd two seconds later.
        assert_eq!(
            bucket.reserve(1.0, now, far),
            Some(now + Duration::from_secs(1))
        );
        assert_eq!(
            bucket.reserve(1.0, now, far),
            Some(now + Duration::from_secs(2))
        );
        // Not before this deadline: nothing is reserved.
        assert_eq!(bucket.reserve(1.0, now, now + Duration::from_secs(2)), None);
        assert_eq!(
            bucket.reserve(1.0, now, far),
            Some(now + Duration::from_secs(3))
        );
        // A refund brings the next slot forward.
        bucket.adjust(-3.0);
        assert_eq!(
            bucket.reserve(1.0, now, far),
            Some(now + Duration::from_secs(1))
        );
    }

    #[test]
    fn jitter_is_in_the_unit_interval_and_varies() {
        let values: Vec<f64> = (0..100).map(|_| jitter_unit()).collect();
        assert!(values.iter().all(|v| (0.0..1.0).contains(v)));
        let first = values[0];
        assert!(values.iter().any(|v| *v != first));
    }
}
