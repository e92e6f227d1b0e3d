//! The judges' part of `GET /metrics`: every judge of the process ([`Judges::global`]), as
//! Prometheus text rendered from its [`UsageSnapshot`] when the page is asked for.
//!
//! Series, each labelled `judge="NAME",model="MODEL"` (judges of the same name and model with
//! other settings are added together; peaks take the larger):
//! `plaudit_judge_requests_total`, `plaudit_judge_attempts_total`, `plaudit_judge_retries_total`,
//! `plaudit_judge_cache_hits_total`, `plaudit_judge_coalesced_total`,
//! `plaudit_judge_prompt_tokens_total`, `plaudit_judge_completion_tokens_total`,
//! `plaudit_judge_cost_usd_total` (judges with prices only), `plaudit_judge_cache_errors_total`,
//! `plaudit_judge_errors_total` (with `kind`, the [`CallError`] kind; kinds seen only), and the
//! gauges `plaudit_judge_in_flight` and `plaudit_judge_peak_in_flight`. Judge names come only
//! from the server's own spec (an inline spec cannot define judges), so the labels are bounded.
//!
//! [`CallError`]: plaudit_judge::client::CallError

use std::collections::BTreeMap;
use std::fmt::Write;

use plaudit_judge::client::{Judges, UsageSnapshot};

/// One judge's numbers, summed over the judges that share its labels.
#[derive(Default)]
struct Totals {
    requests: u64,
    attempts: u64,
    retries: u64,
    cache_hits: u64,
    coalesced: u64,
    prompt_tokens: u64,
    completion_tokens: u64,
    cost_usd: Option<f64>,
    cache_errors: u64,
    in_flight: u64,
    peak_in_flight: u64,
    errors: BTreeMap<String, u64>,
}

/// The judges' series for the process's judges.
pub fn render() -> String {
    render_snapshots(&Judges::global().usage())
}

/// The judges' series for these snapshots (empty when there are none).
pub fn render_snapshots(snapshots: &[UsageSnapshot]) -> String {
    let mut by_labels: BTreeMap<(String, String), Totals> = BTreeMap::new();
    for s in snapshots {
        let t = by_labels
            .entry((s.judge.clone(), s.model.clone()))
            .or_default();
        t.requests += s.requests;
        t.attempts += s.attempts;
        t.retries += s.retries;
        t.cache_hits += s.cache_hits;
        t.coalesced += s.coalesced;
        t.prompt_tokens += s.prompt_tokens;
        t.completion_tokens += s.completion_tokens;
        if let Some(c) = s.cost_usd {
            t.cost_usd = Some(t.cost_usd.unwrap_or(0.0) + c);
        }
        t.cache_errors += s.cache_errors;
        t.in_flight += s.in_flight;
        t.peak_in_flight = t.peak_in_flight.max(s.peak_in_flight);
        for (kind, n) in &s.errors {
            *t.errors.entry(kind.clone()).or_insert(0) += n;
        }
    }
    let mut out = String::new();
    if by_labels.is_empty() {
        return out;
    }
    type Get = fn(&Totals) -> Option<f64>;
    let series: [(&str, &str, &str, Get); 11] = [
        (
            "plaudit_judge_requests_total",
            "counter",
            "Judge calls (chat and post_json).",
            |t| Some(t.requests as f64),
        ),
        (
            "plaudit_judge_attempts_total",
            "counter",
            "HTTP requests sent to judges, retries included.",
            |t| Some(t.attempts as f64),
        ),
        (
            "plaudit_judge_retries_total",
            "counter",
            "HTTP requests to judges that were retries.",
            |t| Some(t.retries as f64),
        ),
        (
            "plaudit_judge_cache_hits_total",
            "counter",
            "Judge calls answered from the reply cache.",
            |t| Some(t.cache_hits as f64),
        ),
        (
            "plaudit_judge_coalesced_total",
            "counter",
            "Judge calls answered by an identical call in flight.",
            |t| Some(t.coalesced as f64),
        ),
        (
            "plaudit_judge_prompt_tokens_total",
            "counter",
            "Prompt tokens used by judge calls (estimated when a reply has no usage).",
            |t| Some(t.prompt_tokens as f64),
        ),
        (
            "plaudit_judge_completion_tokens_total",
            "counter",
            "Completion tokens used by judge calls (estimated when a reply has no usage).",
            |t| Some(t.completion_tokens as f64),
        ),
        (
            "plaudit_judge_cost_usd_total",
            "counter",
            "USD spent on judge calls at the judges' prices.",
            |t| t.cost_usd,
        ),
        (
            "plaudit_judge_cache_errors_total",
            "counter",
            "Judge reply cache reads or writes that failed.",
            |t| Some(t.cache_errors as f64),
        ),
        (
            "plaudit_judge_in_flight",
            "gauge",
            "HTTP requests to judges in flight.",
            |t| Some(t.in_flight as f64),
        ),
        (
            "plaudit_judge_peak_in_flight",
            "gauge",
            "The most HTTP requests to a judge ever in flight at once.",
            |t| Some(t.peak_in_flight as f64),
        ),
    ];
    for (name, kind, help, get) in series {
        let rows: Vec<_> = by_labels
            .iter()
            .filter_map(|(labels, t)| get(t).map(|v| (labels, v)))
            .collect();
        if rows.is_empty() {
            continue;
        }
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
        for ((judge, model), v) in rows {
            let _ = writeln!(
                out,
                "{name}{{judge=\"{}\",model=\"{}\"}} {v}",
                escape(judge),
                escape(model)
            );
        }
    }
    let name = "plaudit_judge_errors_total";
    if by_labels.values().all(|t| t.errors.is_empty()) {
        return out;
    }
    let _ = writeln!(
        out,
        "# HELP {name} Failed judge calls by kind.\n# TYPE {name} counter"
    );
    for ((judge, model), t) in &by_labels {
        for (kind, n) in &t.errors {
            let _ = writeln!(
                out,
                "{name}{{judge=\"{}\",model=\"{}\",kind=\"{}\"}} {n}",
                escape(judge),
                escape(model),
                escape(kind)
            );
        }
    }
    out
}

/// A label value as Prometheus' text format writes it.
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_escaped_and_no_judges_render_nothing() {
        assert_eq!(render_snapshots(&[]), "");
        assert_eq!(escape("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }
}
