//! `plaudit report`: statistics, charts, failures and a rollout browser over a results file, in
//! one self-contained HTML page (or the statistics as JSON).

use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::PathBuf;

use crate::Fatal;

/// `plaudit report`'s options.
#[derive(clap::Args)]
pub struct ReportArgs {
    /// Results JSONL, as `plaudit score` writes it.
    #[arg(required_unless_present = "compare")]
    results: Option<PathBuf>,
    /// Compare two results files over the same rollouts (two specs, or two Plaudit versions),
    /// joined by line order: how the distribution moved, verdicts per route, flipped rollouts.
    #[arg(long, num_args = 2, value_names = ["A", "B"], conflicts_with_all = ["results", "by"])]
    compare: Vec<PathBuf>,
    /// With --compare: a rollout passes when its reward is above this.
    #[arg(long, default_value_t = 0.5, requires = "compare")]
    threshold: f64,
    /// The samples JSONL that was scored: joined to the results by line order (prompts,
    /// responses, routes, groups, lengths).
    #[arg(long, short)]
    input: Option<PathBuf>,
    /// Where to write the page (or, with --json, the statistics; default standard output).
    #[arg(long, short)]
    out: Option<PathBuf>,
    /// A breakdown key: a dotted path into the input sample (`meta.data_source`) or the result
    /// (`details.correct.method`).
    #[arg(long)]
    by: Option<String>,
    /// Rollouts sampled for the page's browser (failures of every kind are kept besides).
    #[arg(long, default_value_t = 500)]
    sample: usize,
    /// The sample's seed.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Write the statistics as JSON instead of the page.
    #[arg(long)]
    json: bool,
}

fn open(p: &PathBuf, what: &str) -> Result<BufReader<File>, Fatal> {
    File::open(p)
        .map(|f| BufReader::with_capacity(1 << 20, f))
        .map_err(|e| Fatal(format!("cannot read {what} {}: {e}", p.display())))
}

/// Writes `body` to `--out`, else (a page) to `default`, else (JSON) to standard output.
fn write_out(args: &ReportArgs, body: &str, default: &str, what: &str) -> Result<(), Fatal> {
    let path = match (&args.out, args.json) {
        (Some(p), _) => p.clone(),
        (None, true) => {
            std::io::stdout().write_all(body.as_bytes())?;
            return Ok(());
        }
        (None, false) => PathBuf::from(default),
    };
    let mut w = BufWriter::new(
        File::create(&path).map_err(|e| Fatal(format!("cannot write {}: {e}", path.display())))?,
    );
    w.write_all(body.as_bytes())?;
    w.flush()?;
    if !args.json {
        eprintln!(
            "plaudit: {what} written to {} ({} KB)",
            path.display(),
            body.len() / 1024
        );
    }
    Ok(())
}

/// `plaudit report --compare A B`.
fn run_compare(args: &ReportArgs) -> Result<(), Fatal> {
    let (pa, pb) = (&args.compare[0], &args.compare[1]);
    let a = open(pa, "results")?;
    let b = open(pb, "results")?;
    let input = args.input.as_ref().map(|p| open(p, "input")).transpose()?;
    if !args.threshold.is_finite() {
        return Err(Fatal(format!(
            "--threshold {} is not a number",
            args.threshold
        )));
    }
    let opts = plaudit_report::CompareOptions {
        threshold: args.threshold,
        sample: args.sample,
        seed: args.seed,
    };
    let c = plaudit_report::compare(a, b, input, &opts).map_err(|e| {
        Fatal(format!(
            "reading {} and {}: {e}",
            pa.display(),
            pb.display()
        ))
    })?;
    let s = &c.stats;
    for (what, f) in [
        ("A", &s.bad_lines.a),
        ("B", &s.bad_lines.b),
        ("input", &s.bad_lines.input),
    ] {
        if f.count > 0 {
            let lines: Vec<String> = f.lines.iter().map(|l| l["line"].to_string()).collect();
            eprintln!(
                "plaudit: {} bad {what} line(s), not counted: line {}{}",
                f.count,
                lines.join(", "),
                if f.count as usize > lines.len() {
                    ", …"
                } else {
                    ""
                }
            );
        }
    }
    let j = &s.join;
    if j.id_mismatches > 0 {
        eprintln!(
            "plaudit: {} line(s) where A's id differs from B's (first: line {}); joined by line order",
            j.id_mismatches,
            j.first_id_mismatch_line.unwrap_or(0)
        );
    }
    if j.input_id_mismatches > 0 {
        eprintln!(
            "plaudit: {} line(s) where the input's id differs from the results' (first: line {}); joined by line order",
            j.input_id_mismatches,
            j.first_input_id_mismatch_line.unwrap_or(0)
        );
    }
    if j.a_without_b + j.b_without_a > 0 {
        eprintln!(
            "plaudit: A and B differ in length: {} line(s) of A past B's end, {} of B past A's end (not compared)",
            j.a_without_b, j.b_without_a
        );
    }
    let body = if args.json {
        let mut t = serde_json::to_string_pretty(&c.stats)?;
        t.push('\n');
        t
    } else {
        plaudit_report::render_compare_html(
            &c,
            &pa.display().to_string(),
            &pb.display().to_string(),
        )
    };
    let what = format!(
        "comparison of {} rollouts ({} flipped)",
        s.samples, s.flipped
    );
    write_out(args, &body, "compare.html", &what)
}

pub fn run(args: &ReportArgs) -> Result<(), Fatal> {
    if !args.compare.is_empty() {
        return run_compare(args);
    }
    let results_path = args.results.as_ref().expect("clap requires results");
    let results = open(results_path, "results")?;
    let input = args.input.as_ref().map(|p| open(p, "input")).transpose()?;
    let opts = plaudit_report::Options {
        by: args.by.clone(),
        sample: args.sample,
        seed: args.seed,
    };
    let report = plaudit_report::build(results, input, &opts)
        .map_err(|e| Fatal(format!("reading {}: {e}", results_path.display())))?;
    let s = &report.stats;
    for (what, b) in [
        ("results", &s.bad_lines.results),
        ("input", &s.bad_lines.input),
    ] {
        if b.count > 0 {
            let lines: Vec<String> = b.lines.iter().map(|l| l["line"].to_string()).collect();
            eprintln!(
                "plaudit: {} bad {what} line(s), not counted: line {}{}",
                b.count,
                lines.join(", "),
                if b.count as usize > lines.len() {
                    ", …"
                } else {
                    ""
                }
            );
        }
    }
    if let Some(j) = &s.input {
        if j.id_mismatches > 0 {
            eprintln!(
                "plaudit: {} line(s) where the input's id differs from the result's (first: line {}); joined by line order",
                j.id_mismatches,
                j.first_id_mismatch_line.unwrap_or(0)
            );
        }
    }
    let body = if args.json {
        let mut s = serde_json::to_string_pretty(&report.stats)?;
        s.push('\n');
        s
    } else {
        let title = results_path.display().to_string();
        plaudit_report::render_html(&report, &title)
    };
    match (&args.out, args.json) {
        (Some(p), _) => {
            let mut w = BufWriter::new(
                File::create(p).map_err(|e| Fatal(format!("cannot write {}: {e}", p.display())))?,
            );
            w.write_all(body.as_bytes())?;
            w.flush()?;
            if !args.json {
                eprintln!(
                    "plaudit: report on {} results written to {} ({} KB)",
                    s.samples,
                    p.display(),
                    body.len() / 1024
                );
            }
        }
        (None, true) => std::io::stdout().write_all(body.as_bytes())?,
        (None, false) => {
            let p = PathBuf::from("report.html");
            std::fs::write(&p, &body)
                .map_err(|e| Fatal(format!("cannot write {}: {e}", p.display())))?;
            eprintln!(
                "plaudit: report on {} results written to {} ({} KB)",
                s.samples,
                p.display(),
                body.len() / 1024
            );
        }
    }
    Ok(())
}
