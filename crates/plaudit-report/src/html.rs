//! The report as one self-contained HTML page: styles and script inline, charts as inline SVG
//! drawn by `plotters`, the sampled rollouts as a JSON block the page's script renders with
//! `textContent` only.
//!
//! Stable element ids (tests and browsers rely on them): `#headline`, `#charts` (one `<svg>` per
//! chart), `#failures`, `#judges` (only when some result carries judge details), `#rollouts` (the
//! table; its rows are `tr.rollout`), `#rollout-detail` (the opened rollout), `#rollout-data`
//! (the JSON block).

use std::fmt::Write;

use crate::stats::{Bins, Summary};
use crate::{KeyStats, Report, Rollout};
use plotters::prelude::*;

mod compare_page;
pub use compare_page::render_compare_html;

/// The JSON block's budget: rollouts past it are left out (failures kept first).
const ROLLOUT_BYTES: usize = 1_400_000;

const STYLE: &str = include_str!("page.css");
const SCRIPT: &str = include_str!("page.js");

/// Text for HTML content and attribute values.
fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

/// JSON that can sit inside `<script>`: `<`, `>` and `&` (only ever inside strings) escaped.
fn script_json(v: &impl serde::Serialize) -> String {
    let s = serde_json::to_string(v).expect("the report serializes");
    s.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

fn num(x: f64) -> String {
    if x.abs() < 1e-12 {
        // Rounding noise of a mean that is 0 (GRPO advantages sum to 0 in each group); the
        // statistics in `--json` keep the exact value.
        "0".into()
    } else if x == x.trunc() && x.abs() < 1e15 {
        format!("{x:.0}")
    } else if x.abs() >= 1e-3 && x.abs() < 1e6 {
        format!("{x:.4}")
    } else {
        format!("{x:.4e}")
    }
}

fn opt(x: Option<f64>) -> String {
    x.map(num).unwrap_or_else(|| "—".into())
}

fn summary_cells(s: Option<&Summary>) -> String {
    match s {
        Some(s) => format!(
            "<td>{}</td><td>{}</td><td>{}</td><td>{}</td>",
            num(s.mean),
            num(s.std),
            num(s.min),
            num(s.max)
        ),
        None => "<td>—</td><td>—</td><td>—</td><td>—</td>".into(),
    }
}

type Chart = Result<String, String>;

/// A count axis' label: whole numbers only.
/// A histogram's chart on `root`: its caption, the x range, counts up to `ymax`, the mesh and
/// labels every histogram (one report's or a comparison's) shares.
pub(crate) fn histogram_axes<'a, 'b>(
    root: &'a DrawingArea<SVGBackend<'b>, plotters::coord::Shift>,
    title: &str,
    x_desc: &str,
    x: std::ops::Range<f64>,
    ymax: f64,
) -> Result<
    ChartContext<
        'a,
        SVGBackend<'b>,
        Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
    >,
    String,
> {
    let mut chart = ChartBuilder::on(root)
        .caption(title, ("sans-serif", 15))
        .margin(8)
        .x_label_area_size(30)
        .y_label_area_size(50)
        .build_cartesian_2d(x, 0f64..ymax)
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(WHITE)
        .x_desc(x_desc)
        .x_labels(6)
        .y_labels(5)
        .y_label_formatter(&count_label)
        .draw()
        .map_err(|e| e.to_string())?;
    Ok(chart)
}

fn count_label(y: &f64) -> String {
    if y.fract() == 0.0 {
        format!("{y:.0}")
    } else {
        String::new()
    }
}

/// A histogram of `bins` as an SVG.
fn histogram(title: &str, x_desc: &str, bins: &Bins) -> Chart {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (440, 240)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let (x0, x1) = match (bins.edges.first(), bins.edges.last()) {
            (Some(a), Some(b)) => (*a, *b),
            _ => (0.0, 1.0),
        };
        let ymax = bins.counts.iter().copied().max().unwrap_or(1).max(1) as f64 * 1.05;
        let mut chart = histogram_axes(&root, title, x_desc, x0..x1, ymax)?;
        chart
            .draw_series(bins.counts.iter().enumerate().map(|(i, &c)| {
                Rectangle::new(
                    [(bins.edges[i], 0.0), (bins.edges[i + 1], c as f64)],
                    RGBColor(62, 110, 180).filled(),
                )
            }))
            .map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(svg)
}

/// Bars of labelled counts (statuses).
fn bars(title: &str, items: &[(String, u64)]) -> Chart {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (440, 240)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let ymax = items.iter().map(|i| i.1).max().unwrap_or(1).max(1) as f64 * 1.1;
        let n = items.len().max(1);
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 15))
            .margin(8)
            .x_label_area_size(30)
            .y_label_area_size(50)
            .build_cartesian_2d(0f64..n as f64, 0f64..ymax)
            .map_err(|e| e.to_string())?;
        let label = |x: &f64| {
            let i = x.floor() as usize;
            if (x - x.floor() - 0.5).abs() < 1e-9 {
                items.get(i).map(|i| i.0.clone()).unwrap_or_default()
            } else {
                String::new()
            }
        };
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(WHITE)
            .x_labels(n * 2 + 1)
            .x_label_formatter(&label)
            .y_labels(5)
            .y_label_formatter(&count_label)
            .draw()
            .map_err(|e| e.to_string())?;
        chart
            .draw_series(items.iter().enumerate().map(|(i, (name, c))| {
                let color = if name == "ok" {
                    RGBColor(70, 150, 90)
                } else {
                    RGBColor(200, 80, 60)
                };
                Rectangle::new(
                    [(i as f64 + 0.15, 0.0), (i as f64 + 0.85, *c as f64)],
                    color.filled(),
                )
            }))
            .map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(svg)
}

/// Mean reward per length bin (bins doubling), as a line with points.
fn by_length(report: &Report) -> Option<Chart> {
    let l = report.stats.length.as_ref()?;
    if l.bins.is_empty() {
        return None;
    }
    let bins = &l.bins;
    let draw = || -> Chart {
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, (440, 240)).into_drawing_area();
            root.fill(&WHITE).map_err(|e| e.to_string())?;
            let lo = bins
                .iter()
                .map(|b| b.mean_reward)
                .fold(f64::INFINITY, f64::min);
            let hi = bins
                .iter()
                .map(|b| b.mean_reward)
                .fold(f64::NEG_INFINITY, f64::max);
            let pad = ((hi - lo) * 0.1).max(0.05);
            let n = bins.len() as f64;
            let mut chart = ChartBuilder::on(&root)
                .caption("mean reward by response length", ("sans-serif", 15))
                .margin(8)
                .x_label_area_size(30)
                .y_label_area_size(50)
                .build_cartesian_2d(-0.5f64..n - 0.5, (lo - pad)..(hi + pad))
                .map_err(|e| e.to_string())?;
            let label = |x: &f64| {
                let i = x.round();
                match bins.get(i as usize) {
                    Some(b) if (x - i).abs() < 1e-9 && i >= 0.0 => format!("<{}", b.to),
                    _ => String::new(),
                }
            };
            chart
                .configure_mesh()
                .x_desc(format!("response length ({})", l.unit))
                .x_labels(bins.len() * 2 + 1)
                .x_label_formatter(&label)
                .y_labels(5)
                .draw()
                .map_err(|e| e.to_string())?;
            let points: Vec<(f64, f64)> = bins
                .iter()
                .enumerate()
                .map(|(i, b)| (i as f64, b.mean_reward))
                .collect();
            let color = RGBColor(62, 110, 180);
            chart
                .draw_series(LineSeries::new(points.clone(), color.stroke_width(2)))
                .map_err(|e| e.to_string())?;
            chart
                .draw_series(points.iter().map(|&p| Circle::new(p, 3, color.filled())))
                .map_err(|e| e.to_string())?;
            root.present().map_err(|e| e.to_string())?;
        }
        Ok(svg)
    };
    Some(draw())
}

fn key_table(out: &mut String, title: &str, rows: &std::collections::BTreeMap<String, KeyStats>) {
    if rows.is_empty() {
        return;
    }
    let _ = write!(
        out,
        "<h3>{}</h3><table class=\"keys\"><tr><th>value</th><th>n</th><th>ok</th><th>mean</th><th>std</th><th>min</th><th>max</th><th>mean advantage</th></tr>",
        esc(title)
    );
    for (k, s) in rows {
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td>{}<td>{}</td></tr>",
            esc(k),
            s.n,
            s.status.get("ok").copied().unwrap_or(0),
            summary_cells(s.reward.as_ref()),
            opt(s.advantage_mean)
        );
    }
    out.push_str("</table>");
}

/// Chooses the rollouts to embed: every one when they fit the budget; otherwise failures first,
/// then the others, in line order, until the budget is spent.
fn embedded(rollouts: &[Rollout]) -> Vec<&Rollout> {
    let mut order: Vec<&Rollout> = rollouts.iter().collect();
    order.sort_by_key(|r| (r.status == "ok", r.line));
    let mut used = 0;
    let mut keep = Vec::new();
    for r in order {
        let n = serde_json::to_string(r).map(|s| s.len()).unwrap_or(0) + 1;
        if used + n > ROLLOUT_BYTES {
            continue;
        }
        used += n;
        keep.push(r);
    }
    keep.sort_by_key(|r| r.line);
    keep
}

/// The page. `title` names the results file.
pub fn render_html(report: &Report, title: &str) -> String {
    let s = &report.stats;
    let mut o = String::with_capacity(1 << 20);
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Plaudit report: {}</title><style>{STYLE}</style></head><body>\
         <h1>Plaudit report <small>{}</small></h1>",
        esc(title),
        esc(title)
    );

    // Headline.
    o.push_str("<section id=\"headline\"><h2>Headline</h2>");
    let _ = write!(o, "<p class=\"big\"><b>{}</b> samples", s.samples);
    for (st, n) in &s.status {
        let _ = write!(
            o,
            " · <span class=\"status-{}\">{} {}</span>",
            esc(st),
            esc(st),
            n
        );
    }
    o.push_str("</p>");
    let bad = s.bad_lines.results.count + s.bad_lines.input.count;
    if bad > 0 {
        let _ = write!(
            o,
            "<div class=\"warn\" id=\"bad-lines\"><b>{} bad line(s)</b> (results {}, input {}), not counted above:<ul>",
            bad, s.bad_lines.results.count, s.bad_lines.input.count
        );
        for (file, b) in [
            ("results", &s.bad_lines.results),
            ("input", &s.bad_lines.input),
        ] {
            for l in &b.lines {
                let _ = write!(
                    o,
                    "<li>{file} line {}: {}</li>",
                    l["line"],
                    esc(l["error"].as_str().unwrap_or(""))
                );
            }
        }
        o.push_str("</ul></div>");
    }
    if let Some(j) = &s.input {
        if j.id_mismatches + j.results_without_input + j.input_without_result > 0 {
            let _ = write!(
                o,
                "<div class=\"warn\">The input joins the results by line order: {} line(s) with different ids (first: line {}), {} result(s) past the input's end, {} input line(s) past the results' end.</div>",
                j.id_mismatches,
                j.first_id_mismatch_line.map(|l| l.to_string()).unwrap_or_else(|| "—".into()),
                j.results_without_input,
                j.input_without_result
            );
        }
    }
    o.push_str("<table class=\"summary\"><tr><th></th><th>mean</th><th>std</th><th>min</th><th>max</th></tr>");
    let _ = write!(
        o,
        "<tr><th>reward</th>{}</tr>",
        summary_cells(s.reward.as_ref())
    );
    let _ = write!(
        o,
        "<tr><th>advantage</th>{}</tr>",
        summary_cells(s.advantage.as_ref())
    );
    for (name, c) in &s.components {
        let _ = write!(
            o,
            "<tr><th>{}</th>{}</tr>",
            esc(name),
            summary_cells(Some(c))
        );
    }
    o.push_str("</table><h3>As the trainers log them</h3><table class=\"trainers\">");
    for (k, v) in &s.trainers {
        let _ = write!(
            o,
            "<tr><td><code>{}</code></td><td>{}</td></tr>",
            esc(k),
            opt(v.as_f64())
        );
    }
    o.push_str("</table>");
    let g = &s.groups;
    let _ = write!(
        o,
        "<p>Groups ({}): {} · with a std {} · zero-variance {} · zero-variance fraction {} · mean group std {}</p>",
        esc(&g.source),
        g.count,
        g.with_std,
        g.zero_std,
        opt(g.zero_variance_fraction),
        opt(g.mean_std)
    );
    key_table(&mut o, "By route (task)", &s.by_route);
    if let Some(b) = &s.by_key {
        key_table(&mut o, &format!("By {}", b.key), &b.values);
    }
    o.push_str("</section>");

    // Charts.
    let mut charts: Vec<Chart> = Vec::new();
    let statuses: Vec<(String, u64)> = s.status.iter().map(|(k, v)| (k.clone(), *v)).collect();
    charts.push(bars("results by status", &statuses));
    charts.push(histogram("reward", "reward", &s.histograms.reward));
    for (name, b) in &s.histograms.components {
        charts.push(histogram(&format!("component {name}"), name, b));
    }
    if !s.histograms.advantage.counts.is_empty() {
        charts.push(histogram("advantage", "advantage", &s.histograms.advantage));
    }
    if !s.histograms.group_std.counts.is_empty() {
        charts.push(histogram(
            "per-group reward std",
            "group std (unbiased)",
            &s.histograms.group_std,
        ));
    }
    if let Some(c) = by_length(report) {
        charts.push(c);
    }
    o.push_str("<section id=\"charts\"><h2>Distributions</h2>");
    for c in charts {
        match c {
            Ok(svg) => {
                let _ = write!(o, "<div class=\"chart\">{svg}</div>");
            }
            Err(e) => {
                let _ = write!(o, "<div class=\"warn\">chart failed: {}</div>", esc(&e));
            }
        }
    }
    o.push_str("</section>");

    // Failures.
    let f = &s.failures;
    o.push_str("<section id=\"failures\"><h2>Failures</h2>");
    if f.by_status.is_empty() && f.clusters.is_empty() {
        o.push_str("<p>None: every result is <code>ok</code>.</p>");
    } else {
        o.push_str("<table><tr><th>status</th><th>results</th></tr>");
        for (st, n) in &f.by_status {
            let _ = write!(o, "<tr><td>{}</td><td>{n}</td></tr>", esc(st));
        }
        o.push_str("</table><h3>Errors, clustered</h3><table class=\"clusters\"><tr><th>results</th><th>pattern</th><th>statuses</th><th>example</th><th>examples (line: id)</th></tr>");
        for c in &f.clusters {
            let st: Vec<String> = c.status.iter().map(|(k, v)| format!("{k} {v}")).collect();
            let ex: Vec<String> = c
                .examples
                .iter()
                .map(|e| format!("{}: {}", e["line"], e["id"]))
                .collect();
            let _ = write!(
                o,
                "<tr><td>{}</td><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
                c.count,
                esc(&c.pattern),
                esc(&st.join(", ")),
                esc(&c.example),
                esc(&ex.join(" · "))
            );
        }
        o.push_str("</table>");
        if f.other_messages > 0 {
            let _ = write!(
                o,
                "<p>{} more message(s) beyond the first {} clusters.</p>",
                f.other_messages,
                crate::MAX_CLUSTERS
            );
        }
    }
    o.push_str("</section>");

    // Judges.
    if !s.judges.is_empty() {
        o.push_str("<section id=\"judges\"><h2>Judges</h2><table><tr><th>component</th><th>results</th><th>calls</th><th>attempts</th><th>cached</th><th>prompt tokens</th><th>completion tokens</th><th>cost (USD)</th><th>latency per call (ms)</th><th>judge_error</th></tr>");
        for (name, j) in &s.judges {
            let errs: Vec<String> = j.errors.iter().map(|(k, v)| format!("{k} {v}")).collect();
            let _ = write!(
                o,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{:.4}</td><td>{}</td><td>{}</td></tr>",
                esc(name),
                j.samples,
                j.calls,
                j.attempts,
                j.cached,
                j.prompt_tokens,
                j.completion_tokens,
                j.cost_usd,
                if j.timed_calls > 0 {
                    format!("{:.1}", j.latency_ms / j.timed_calls as f64)
                } else {
                    "—".into()
                },
                esc(&errs.join(", "))
            );
        }
        o.push_str("</table></section>");
    }

    // The rollout browser.
    let kept = embedded(&report.rollouts);
    let _ = write!(
        o,
        "<section id=\"browser\"><h2>Rollouts</h2><p class=\"note\">A sample of {} rollouts (a seeded reservoir, with examples of every failure kind); the statistics above cover all {} results.</p>\
         <div class=\"filters\"><label>status <select id=\"filter-status\"><option value=\"\">all</option></select></label>\
         <label>route <select id=\"filter-route\"><option value=\"\">all</option></select></label>\
         <label>component <select id=\"filter-component\"><option value=\"\">—</option></select></label>\
         <label>≥ <input id=\"filter-min\" type=\"number\" step=\"any\"></label>\
         <label>sort <select id=\"sort\"><option value=\"line\">line</option><option value=\"reward-desc\">reward ↓</option><option value=\"reward-asc\">reward ↑</option></select></label>\
         <span id=\"rollout-count\"></span></div>\
         <div class=\"browser\"><div class=\"table-wrap\"><table id=\"rollouts\"><thead><tr><th>line</th><th>id</th><th>status</th><th>route</th><th>reward</th><th>advantage</th><th>error</th></tr></thead><tbody></tbody></table></div>\
         <div id=\"rollout-detail\"><p class=\"note\">Click a rollout to open it.</p></div></div></section>",
        kept.len(),
        s.samples
    );
    let _ = write!(
        o,
        "<script type=\"application/json\" id=\"rollout-data\">{}</script><script>{SCRIPT}</script></body></html>",
        script_json(&kept)
    );
    o.push('\n');
    o
}

/// Whether the page refers to anything outside itself (tests use it).
pub fn external_refs(html: &str) -> Vec<String> {
    let lower = html.to_ascii_lowercase();
    let mut found = Vec::new();
    for attr in ["src=", "href=", "url("] {
        let mut from = 0;
        while let Some(i) = lower[from..].find(attr) {
            let at = from + i + attr.len();
            let rest = lower[at..].trim_start_matches(['"', '\'', ' ']);
            if rest.starts_with("http:") || rest.starts_with("https:") || rest.starts_with("//") {
                found.push(
                    lower
                        .get(from + i..(at + 40).min(lower.len()))
                        .unwrap_or(attr)
                        .to_string(),
                );
            }
            from = at;
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::num;

    #[test]
    fn numbers_read_as_figures() {
        assert_eq!(num(1.2688e-17), "0");
        assert_eq!(num(-3e-13), "0");
        assert_eq!(num(7e-5), "7.0000e-5");
        assert_eq!(num(0.49321), "0.4932");
        assert_eq!(num(35.0), "35");
    }
}
