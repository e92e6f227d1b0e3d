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
    results: PathBuf,
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

pub fn run(args: &ReportArgs) -> Result<(), Fatal> {
    let results = open(&args.results, "results")?;
    let input = args.input.as_ref().map(|p| open(p, "input")).transpose()?;
    let opts = plaudit_report::Options {
        by: args.by.clone(),
        sample: args.sample,
        seed: args.seed,
    };
    let report = plaudit_report::build(results, input, &opts)
        .map_err(|e| Fatal(format!("reading {}: {e}", args.results.display())))?;
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
        let title = args.results.display().to_string();
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
