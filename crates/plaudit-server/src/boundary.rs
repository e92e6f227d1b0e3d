//! What a client may ask of the server through an inline spec (`POST /v1/score` with `spec`).
//!
//! Inline specs are refused unless the server was started with them allowed
//! ([`crate::Config::allow_inline_specs`]). When allowed, an inline spec may choose any reward of
//! the catalogue, its parameters, the expression, routes, `on_error` and the group stage, with
//! three exceptions that keep the host the operator's:
//! - host parameters ([`plaudit_core::ParamSpec::host`]: the code rewards' `isolation`, the SQL
//!   rewards' `db_dir`, …) must keep their defaults: full isolation, and database files only from
//!   the server's `--db-dir`;
//! - no route's `timeout_ms` may exceed the longest of the server's own spec;
//! - its stateful rewards keep their state in memory for that request only: an inline spec never
//!   reads or writes the server's state store.

use std::time::Duration;

use plaudit_core::{Registry, Spec};
use serde_json::Value;

/// The longest per-sample deadline an inline spec may set: the longest route timeout of the
/// server's own spec.
pub(crate) fn timeout_ceiling(server: &Spec) -> Duration {
    server
        .routes
        .values()
        .chain(server.fallback.iter())
        .map(|r| r.timeout)
        .max()
        .unwrap_or_default()
}

/// Check a compiled inline spec against the rules above; the error names the place
/// (`routes.code.components.correct.params.isolation`) and the rule.
pub(crate) fn check_inline(
    spec: &Spec,
    registry: &Registry,
    ceiling: Duration,
) -> Result<(), String> {
    let routes = spec
        .fallback
        .iter()
        .map(|r| (String::new(), r))
        .chain(spec.routes.iter().map(|(n, r)| (format!("routes.{n}."), r)));
    let mut problems = Vec::new();
    // Judges reach the host: the URLs the server calls (its network), the environment variable
    // whose value it sends as a key, the cache file it writes. Only the operator's spec names them.
    if spec.resolved.get("judges").is_some() {
        problems.push(
            "judges: a host section (the endpoints the server calls, the environment variables it sends as keys, the cache files it writes); an inline spec cannot define judges, only the server's own spec may".to_string(),
        );
    }
    for (at, route) in routes {
        if route.timeout > ceiling {
            problems.push(format!(
                "{at}timeout_ms: {} ms is over this server's ceiling of {} ms (its own spec's longest)",
                route.timeout.as_millis(),
                ceiling.as_millis()
            ));
        }
        for c in &route.components {
            let Some(info) = registry.get(c.reward_name) else {
                continue;
            };
            for p in info.params.iter().filter(|p| p.host) {
                let default: Value = p
                    .default
                    .and_then(|d| serde_json::from_str(d).ok())
                    .unwrap_or(Value::Null);
                let given = c.params.json(p.name);
                if !same(given, &default) {
                    problems.push(format!(
                        "{at}components.{}.params.{}: a host parameter; an inline spec must leave it at its default ({}), only the server's own spec may set it",
                        c.name, p.name, default
                    ));
                }
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}

/// JSON equality that does not depend on how a number was written (`1` and `1.0`).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}
