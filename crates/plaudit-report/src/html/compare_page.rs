//! The comparison page (`plaudit report --compare A B`): the single report's styles, chart
//! helpers and rollout browser script, in compare mode.
//!
//! Stable element ids: `#compare-headline`, `#confusion`, `#charts` (one `<svg>` per chart),
//! `#rollouts` (rows `tr.rollout`, flipped ones first, with class `flipped`), `#rollout-detail`,
//! `#rollout-data` (the JSON block, `data-mode="compare"`).

use std::fmt::Write;

use plotters::prelude::*;

use super::{esc, histogram, histogram_axes, num, opt, script_json, Chart, ROLLOUT_BYTES};
use super::{SCRIPT, STYLE};
use crate::compare::{ComparedRollout, Comparison, Confusion};
use crate::stats::{Bins, Summary};

const A_COLOR: RGBColor = RGBColor(62, 110, 180);
const B_COLOR: RGBColor = RGBColor(220, 120, 40);

/// A's and B's histograms overlaid on one axis, each half transparent.
fn overlaid(title: &str, x_desc: &str, a: &Bins, b: &Bins) -> Chart {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (440, 240)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let edges = a.edges.iter().chain(&b.edges);
        let x0 = edges.clone().copied().fold(f64::INFINITY, f64::min);
        let x1 = edges.copied().fold(f64::NEG_INFINITY, f64::max);
        let (x0, x1) = if x0 < x1 { (x0, x1) } else { (0.0, 1.0) };
        let ymax = a
            .counts
            .iter()
            .chain(&b.counts)
            .copied()
            .max()
            .unwrap_or(1)
            .max(1) as f64
            * 1.1;
        let mut chart = histogram_axes(&root, title, x_desc, x0..x1, ymax)?;
        for (name, bins, color) in [("A", a, A_COLOR), ("B", b, B_COLOR)] {
            chart
                .draw_series(bins.counts.iter().enumerate().map(|(i, &c)| {
                    Rectangle::new(
                        [(bins.edges[i], 0.0), (bins.edges[i + 1], c as f64)],
                        color.mix(0.5).filled(),
                    )
                }))
                .map_err(|e| e.to_string())?
                .label(name)
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 5), (x + 12, y + 5)], color.mix(0.5).filled())
                });
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK.mix(0.3))
            .draw()
            .map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(svg)
}

fn delta_cell(a: Option<f64>, b: Option<f64>) -> String {
    match (a, b) {
        (Some(a), Some(b)) => format!("{}{}", if b >= a { "+" } else { "" }, num(b - a)),
        _ => "—".into(),
    }
}

fn summary_row(o: &mut String, name: &str, a: Option<&Summary>, b: Option<&Summary>) {
    let f = |s: Option<&Summary>, g: fn(&Summary) -> f64| s.map(g);
    let _ = write!(o, "<tr><th>{}</th>", esc(name));
    for g in [
        (|s: &Summary| s.mean) as fn(&Summary) -> f64,
        |s| s.std,
        |s| s.min,
        |s| s.max,
    ] {
        let _ = write!(
            o,
            "<td>{}</td><td>{}</td><td>{}</td>",
            opt(f(a, g)),
            opt(f(b, g)),
            delta_cell(f(a, g), f(b, g))
        );
    }
    o.push_str("</tr>");
}

/// A count cell, marked when it counts changed rollouts.
fn flip_td(n: u64) -> String {
    if n > 0 {
        format!("<td class=\"flip\">{n}</td>")
    } else {
        format!("<td>{n}</td>")
    }
}

fn confusion_row(o: &mut String, name: &str, c: &Confusion) {
    let n = c.pass_pass + c.pass_fail + c.fail_pass + c.fail_fail;
    let _ = write!(
        o,
        "<tr><td>{}</td><td>{n}</td><td>{}</td>{}{}<td>{}</td><td>{}</td><td>{}</td></tr>",
        esc(name),
        c.pass_pass,
        flip_td(c.pass_fail),
        flip_td(c.fail_pass),
        c.fail_fail,
        c.flipped(),
        c.status_changed
    );
}

/// The rollouts that fit the JSON block's budget, in their order (changed ones first).
fn embedded(rollouts: &[ComparedRollout]) -> Vec<&ComparedRollout> {
    let mut used = 0;
    rollouts
        .iter()
        .filter(|r| {
            let n = serde_json::to_string(r).map(|s| s.len()).unwrap_or(0) + 1;
            used += n;
            used <= ROLLOUT_BYTES
        })
        .collect()
}

/// The page comparing `title_a` (A) with `title_b` (B).
pub fn render_compare_html(c: &Comparison, title_a: &str, title_b: &str) -> String {
    let s = &c.stats;
    let mut o = String::with_capacity(1 << 20);
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Plaudit comparison: {a} vs {b}</title><style>{STYLE}</style></head><body>\
         <h1>Plaudit comparison <small>A: {a} · B: {b}</small></h1>",
        a = esc(title_a),
        b = esc(title_b)
    );

    // Headline.
    let pct = |n: u64| {
        if s.samples > 0 {
            format!(" ({:.1}%)", 100.0 * n as f64 / s.samples as f64)
        } else {
            String::new()
        }
    };
    let _ = write!(
        o,
        "<section id=\"compare-headline\"><h2>Headline</h2>\
         <p class=\"big\"><b>{}</b> rollouts · <b>{}</b> flipped{} (pass→fail {}, fail→pass {}) · status changed {}{} · mean |Δreward| {} · mean Δreward {}</p>\
         <p class=\"note\">A rollout passes when its reward is above {}. Lines are joined by order; Δ is B − A.</p>",
        s.samples,
        s.flipped,
        pct(s.flipped),
        s.confusion.pass_fail,
        s.confusion.fail_pass,
        s.status_changed,
        pct(s.status_changed),
        opt(s.mean_abs_delta),
        opt(s.mean_delta),
        num(s.threshold)
    );
    let j = &s.join;
    if j.id_mismatches
        + j.input_id_mismatches
        + j.a_without_b
        + j.b_without_a
        + j.results_without_input
        > 0
    {
        let _ = write!(
            o,
            "<div class=\"warn\">Joined by line order: {} line(s) where A's and B's ids differ (first: line {}), {} where the input's id differs (first: line {}); {} line(s) of A past B's end, {} of B past A's end, {} past the input's end.</div>",
            j.id_mismatches,
            j.first_id_mismatch_line.map(|l| l.to_string()).unwrap_or_else(|| "—".into()),
            j.input_id_mismatches,
            j.first_input_id_mismatch_line.map(|l| l.to_string()).unwrap_or_else(|| "—".into()),
            j.a_without_b,
            j.b_without_a,
            j.results_without_input
        );
    }
    let b = &s.bad_lines;
    if b.a.count + b.b.count + b.input.count > 0 {
        let _ = write!(
            o,
            "<div class=\"warn\" id=\"bad-lines\"><b>{} bad line(s)</b> (A {}, B {}, input {}), not counted:<ul>",
            b.a.count + b.b.count + b.input.count,
            b.a.count,
            b.b.count,
            b.input.count
        );
        for (file, f) in [("A", &b.a), ("B", &b.b), ("input", &b.input)] {
            for l in &f.lines {
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
    o.push_str("<table class=\"summary\"><tr><th></th><th colspan=\"3\">mean</th><th colspan=\"3\">std</th><th colspan=\"3\">min</th><th colspan=\"3\">max</th></tr><tr><th></th>");
    for _ in 0..4 {
        o.push_str("<th>A</th><th>B</th><th>Δ</th>");
    }
    o.push_str("</tr>");
    summary_row(&mut o, "reward", s.a.reward.as_ref(), s.b.reward.as_ref());
    for (name, c) in &s.components {
        summary_row(&mut o, name, Some(&c.a), Some(&c.b));
    }
    o.push_str("</table><table class=\"sides\"><tr><th></th><th>A</th><th>B</th><th>Δ</th></tr>");
    let count_row = |o: &mut String, name: &str, a: u64, b: u64| {
        let _ = write!(
            o,
            "<tr><th>{}</th><td>{a}</td><td>{b}</td><td>{:+}</td></tr>",
            esc(name),
            b as i64 - a as i64
        );
    };
    count_row(
        &mut o,
        &format!("pass (reward > {})", num(s.threshold)),
        s.a.pass,
        s.b.pass,
    );
    let mut statuses: Vec<&String> = s.a.status.keys().chain(s.b.status.keys()).collect();
    statuses.sort();
    statuses.dedup();
    for st in statuses {
        let n = |m: &std::collections::BTreeMap<String, u64>| m.get(st).copied().unwrap_or(0);
        count_row(&mut o, st, n(&s.a.status), n(&s.b.status));
    }
    o.push_str("</table></section>");

    // Confusion.
    let cf = &s.confusion;
    let _ = write!(
        o,
        "<section id=\"confusion\"><h2>Verdicts</h2>\
         <table class=\"confusion-matrix\"><tr><th>A ↓ · B →</th><th>pass</th><th>fail</th></tr>\
         <tr><th>pass</th><td>{}</td>{}</tr>\
         <tr><th>fail</th>{}<td>{}</td></tr></table>\
         <h3>By route</h3><table class=\"confusion\"><tr><th>route</th><th>n</th><th>pass→pass</th><th>pass→fail</th><th>fail→pass</th><th>fail→fail</th><th>flipped</th><th>status changed</th></tr>",
        cf.pass_pass,
        flip_td(cf.pass_fail),
        flip_td(cf.fail_pass),
        cf.fail_fail
    );
    for (route, c) in &s.by_route {
        confusion_row(&mut o, route, c);
    }
    confusion_row(&mut o, "(all)", cf);
    o.push_str("</table><h3>Status, A → B</h3><table class=\"transitions\"><tr><th>A → B</th><th>rollouts</th></tr>");
    for (t, n) in &s.status_transitions {
        let changed = t.split_once('→').is_some_and(|(a, b)| a != b);
        let _ = write!(
            o,
            "<tr{}><td>{}</td><td>{n}</td></tr>",
            if changed { " class=\"flip\"" } else { "" },
            esc(t)
        );
    }
    o.push_str("</table></section>");

    // Charts.
    let mut charts: Vec<Chart> = vec![overlaid(
        "reward: A and B",
        "reward",
        &s.a.reward_histogram,
        &s.b.reward_histogram,
    )];
    if !s.delta_histogram.counts.is_empty() {
        charts.push(histogram(
            "Δreward (B − A)",
            "B reward − A reward",
            &s.delta_histogram,
        ));
    }
    for (name, c) in &s.components {
        charts.push(overlaid(
            &format!("component {name}: A and B"),
            name,
            &c.a_histogram,
            &c.b_histogram,
        ));
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

    // The rollout browser, in compare mode.
    let kept = embedded(&c.rollouts);
    let _ = write!(
        o,
        "<section id=\"browser\"><h2>Rollouts</h2><p class=\"note\">{} rollouts: every flipped or status-changed one (up to the sample size), then a seeded sample of the unchanged; the statistics above cover all {} rollouts.</p>\
         <div class=\"filters\"><label>verdict <select id=\"filter-status\"><option value=\"\">all</option></select></label>\
         <label>route <select id=\"filter-route\"><option value=\"\">all</option></select></label>\
         <label>B component <select id=\"filter-component\"><option value=\"\">—</option></select></label>\
         <label>≥ <input id=\"filter-min\" type=\"number\" step=\"any\"></label>\
         <label>sort <select id=\"sort\"><option value=\"line\">flipped first</option><option value=\"delta-desc\">|Δreward| ↓</option><option value=\"reward-desc\">B reward ↓</option><option value=\"reward-asc\">B reward ↑</option></select></label>\
         <span id=\"rollout-count\"></span></div>\
         <div class=\"browser\"><div class=\"table-wrap\"><table id=\"rollouts\"><thead><tr><th>line</th><th>id</th><th>route</th><th>verdict</th><th>A status</th><th>B status</th><th>A reward</th><th>B reward</th><th>Δ</th><th>error</th></tr></thead><tbody></tbody></table></div>\
         <div id=\"rollout-detail\"><p class=\"note\">Click a rollout to open it.</p></div></div></section>",
        kept.len(),
        s.samples
    );
    let _ = write!(
        o,
        "<script type=\"application/json\" id=\"rollout-data\" data-mode=\"compare\">{}</script><script>{SCRIPT}</script></body></html>",
        script_json(&kept)
    );
    o.push('\n');
    o
}
