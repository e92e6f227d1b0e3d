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

/// The series in the order they are written: name (after `plaudit_judge_`), type and help,
/// each value taken from [`values`] at the same place.
const SERIES: [&str; 11] = [
    "requests_total counter Judge calls (chat and post_json).",
    "attempts_total counter HTTP requests sent to judges, retries included.",
    "retries_total counter HTTP requests to judges that were retries.",
    "cache_hits_total counter Judge calls answered from the reply cache.",
    "coalesced_total counter Judge calls answered by an identical call in flight.",
    "prompt_tokens_total counter Prompt tokens used by judge calls (estimated when a reply has no usage).",
    "completion_tokens_total counter Completion tokens used by judge calls (estimated when a reply has no usage).",
    "cost_usd_total counter USD spent on judge calls at the judges' prices.",
    "cache_errors_total counter Judge reply cache reads or writes that failed.",
    "in_flight gauge HTTP requests to judges in flight.",
    "peak_in_flight gauge The most HTTP requests to a judge ever in flight at once.",
];

/// One judge's numbers in [`SERIES`]' order (`None`: not written, the cost of a judge without
/// prices).
fn values(s: &UsageSnapshot) -> [Option<f64>; 11] {
    let n = |v: u64| Some(v as f64);
    [
        n(s.requests),
        n(s.attempts),
        n(s.retries),
        n(s.cache_hits),
        n(s.coalesced),
        n(s.prompt_tokens),
        n(s.completion_tokens),
        s.cost_usd,
        n(s.cache_errors),
        n(s.in_flight),
        n(s.peak_in_flight),
    ]
}

/// One judge's numbers, over the judges that share its labels: summed, peaks the larger.
#[derive(Default)]
struct Totals {
    values: [Option<f64>; 11],
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
        for ((total, v), series) in t.values.iter_mut().zip(values(s)).zip(SERIES) {
            let Some(v) = v else { continue };
            let old = total.unwrap_or(0.0);
            *total = Some(if series.starts_with("peak_") {
                old.max(v)
            } else {
                old + v
            });
        }
        for (kind, n) in &s.errors {
            *t.errors.entry(kind.clone()).or_insert(0) += n;
        }
    }
    let mut out = String::new();
    for (i, series) in SERIES.iter().enumerate() {
        let mut parts = series.splitn(3, ' ');
        let (name, kind, help) = (
            parts.next().unwrap(),
            parts.next().unwrap(),
            parts.next().unwrap(),
        );
        let rows: Vec<_> = by_labels
            .iter()
            .filter_map(|(labels, t)| t.values[i].map(|v| (labels, v)))
            .collect();
        if rows.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "# HELP plaudit_judge_{name} {help}\n# TYPE plaudit_judge_{name} {kind}"
        );
        for ((judge, model), v) in rows {
            let _ = writeln!(
                out,
                "plaudit_judge_{name}{{judge=\"{}\",model=\"{}\"}} {v}",
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
