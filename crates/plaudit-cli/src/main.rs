//! `plaudit`: score JSONL rollouts with a reward spec; list, explain and check rewards and specs.

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::{CommandFactory, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use plaudit_core::engine::{LineReader, RawChunk};
use plaudit_core::{Batch, BatchOptions, Engine, Input, Registry, Spec, Tally};
use rayon::prelude::*;

mod convert;
mod output;
mod probe;
mod report;
mod summary;

use output::exit_on_broken_pipe;

/// Scoring allocates many small short-lived strings on several threads at once; mimalloc handles
/// that pattern much better than glibc's allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "plaudit",
    version,
    about = "Rewards and advantages for RL post-training, fast and fail-closed."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Score a JSONL file of samples (one JSON object per line); write one result per line, in order.
    Score(ScoreArgs),
    /// List every reward, one line each.
    List {
        /// Only this family (format, answer, length, text, similarity, math, …).
        #[arg(long)]
        family: Option<String>,
    },
    /// Print a reward's full documentation: what it computes, why, parameters, examples.
    Explain { name: String },
    /// Validate a spec and print it with every default filled in (the built-in spec when none given).
    Check { spec: Option<PathBuf> },
    /// Serve rewards over HTTP: POST /v1/score, POST /get_reward (OpenRLHF), GET / (the report
    /// page over recent requests), GET /healthz, GET /metrics.
    Serve {
        /// Reward spec (YAML or JSON). Without it, the built-in default spec.
        #[arg(long, short)]
        spec: Option<PathBuf>,
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8000")]
        addr: String,
        /// Scoring threads (default: all cores).
        #[arg(long, short, value_parser = at_least_one)]
        jobs: Option<usize>,
        /// Largest accepted request body, in bytes.
        #[arg(long, default_value_t = 64 << 20)]
        max_body_bytes: usize,
        /// Requests admitted at once (running or queued); more are answered 503 with Retry-After.
        #[arg(long, default_value_t = 256)]
        max_pending: usize,
        /// Deadline of one request, in milliseconds: samples not started by then get `timeout`.
        #[arg(long, default_value_t = 120_000)]
        request_timeout_ms: u64,
        /// SQLite file for the state of stateful rewards, kept across restarts (created if
        /// missing); without it, state lives in memory.
        #[arg(long)]
        state: Option<PathBuf>,
        /// `/get_reward`: end-of-turn/EOS strings removed from the end of each response,
        /// comma-separated (`none` for none). Default: the list in plaudit_wire::openrlhf.
        #[arg(long)]
        end_markers: Option<String>,
        /// `/get_reward`: a Hugging Face `tokenizer.json` (or a directory holding one) counting
        /// each response's tokens, so `unit: tokens` rewards run on OpenRLHF's text.
        #[arg(long)]
        tokenizer: Option<PathBuf>,
        /// Accept inline specs in POST /v1/score (host parameters such as `isolation` and
        /// `db_dir` stay the server's spec's; timeouts no longer than its own). Off: 403.
        #[arg(long)]
        allow_inline_specs: bool,
        /// The only directory SQL references may name database files in (`db`, `db_id`;
        /// symlinks and `..` resolved first). Without it the server opens no database files.
        #[arg(long)]
        db_dir: Option<PathBuf>,
        /// Connections open at once (lowered to fit under the descriptor limit).
        #[arg(long, default_value_t = 1024)]
        max_connections: usize,
        /// A connection that sends no complete request head within this many milliseconds of
        /// opening, or of its previous response (idle keep-alive), is closed.
        #[arg(long, default_value_t = 30_000)]
        header_timeout_ms: u64,
        /// A request body not fully received within this many milliseconds gets 408.
        #[arg(long, default_value_t = 60_000)]
        body_timeout_ms: u64,
        /// Threads that wait on sandboxed code runs, apart from the scoring threads (default:
        /// one per core; each runs one sandboxed program at a time).
        #[arg(long, value_parser = at_least_one)]
        blocking_jobs: Option<usize>,
        /// Results the report page at GET / covers: the most recent ones, kept in memory with
        /// their samples' texts cut to a few KB (0: no page data kept).
        #[arg(long, default_value_t = 10_000)]
        report_window: usize,
    },
    /// Send the known master-key replies (":", "Thought process:", …), the empty answer, a
    /// right and a wrong answer through every judge of a spec; report which ones it rewards.
    /// Exit code 0: none rewarded; 1: some judge fooled; 2: a probe could not run.
    JudgeProbe(probe::ProbeArgs),
    /// One self-contained HTML page over a results file: the trainers' figures, distributions,
    /// failures clustered, judge figures and a rollout browser (or the statistics with --json).
    Report(report::ReportArgs),
    /// Rollouts where a trainer left them (verl's rollout_data_dir JSONL) as Plaudit samples
    /// JSONL, to re-score with a spec; TRL's parquet: `python -m plaudit.convert trl`.
    Convert(convert::ConvertArgs),
    /// Print a shell completion script: `plaudit completions bash > /etc/bash_completion.d/plaudit`.
    Completions {
        /// bash, elvish, fish, powershell or zsh.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff): `plaudit man > plaudit.1 && man ./plaudit.1`.
    Man {
        /// Write plaudit.1 and one page per command (plaudit-score.1, …) into this directory
        /// instead.
        #[arg(long)]
        dir: Option<PathBuf>,
    },
}

/// `plaudit score`'s options.
#[derive(clap::Args)]
struct ScoreArgs {
    /// Input JSONL file, or `-` for standard input.
    #[arg(default_value = "-")]
    input: String,
    /// Reward spec (YAML or JSON). Without it, the built-in default spec (routes by `task`).
    #[arg(long, short)]
    spec: Option<PathBuf>,
    /// Output file (default: standard output).
    #[arg(long, short)]
    out: Option<PathBuf>,
    /// Worker threads (default: all cores).
    #[arg(long, short, value_parser = at_least_one)]
    jobs: Option<usize>,
    /// Lines longer than this many bytes are reported as invalid_input without being read.
    #[arg(long, default_value_t = 64 << 20)]
    max_line_bytes: usize,
    /// No progress bar and no summary line.
    #[arg(long, short)]
    quiet: bool,
    /// SQLite file for the state of stateful rewards (created if missing); without it, state
    /// lives for this run only. Updated once, after the whole input.
    #[arg(long)]
    state: Option<PathBuf>,
    /// A Hugging Face `tokenizer.json` (or a directory holding one): samples without
    /// `tokens` get the token count of their response, so `unit: tokens` rewards run.
    #[arg(long)]
    tokenizer: Option<PathBuf>,
    /// Write the run's summary as JSON: samples, statuses and the trainers' figures under their
    /// names (`reward`, `reward_std`, `frac_reward_zero_std`, `critic/score/mean`, …), as
    /// `plaudit report` computes them.
    #[arg(long)]
    summary_json: Option<PathBuf>,
}

/// A thread count: 1 or more (leaving the option out means all cores).
fn at_least_one(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(0) => Err("must be at least 1 (leave the option out to use all cores)".into()),
        Ok(n) => Ok(n),
        Err(e) => Err(e.to_string()),
    }
}

/// A failure that ends the command with exit code 2.
struct Fatal(String);

impl<E: std::fmt::Display> From<E> for Fatal {
    fn from(e: E) -> Self {
        Fatal(e.to_string())
    }
}

/// An engine whose stateful rewards keep their state in the SQLite file `state`, or in memory.
fn engine_with_state(spec: Spec, state: Option<&PathBuf>) -> Result<Engine, Fatal> {
    Ok(match state {
        Some(p) => Engine::with_store(
            spec,
            std::sync::Arc::new(plaudit_store::SqliteStore::open(p).map_err(Fatal)?),
        ),
        None => Engine::new(spec),
    })
}

fn load_spec(path: Option<&PathBuf>, registry: &Registry) -> Result<Spec, Fatal> {
    match path {
        None => Ok(plaudit_rewards::default_spec(registry)),
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .map_err(|e| Fatal(format!("cannot read spec {}: {e}", p.display())))?;
            Spec::from_text(&text, registry)
                .map_err(|e| Fatal(plaudit_wire::spec_errors(&p.display().to_string(), &e)))
        }
    }
}

/// The summary line on standard error: `N samples in T s (R samples/s) · ok n · … · mean reward m
/// · reward_std s · frac_reward_zero_std f` (the last two as trainers log them, when defined).
fn summary_line(
    tally: &Tally,
    elapsed: Duration,
    trainers: &serde_json::Map<String, serde_json::Value>,
) -> String {
    let secs = elapsed.as_secs_f64().max(1e-9);
    let mut parts = vec![format!(
        "{} samples in {:.2} s ({:.0} samples/s)",
        tally.n,
        secs,
        tally.n as f64 / secs
    )];
    parts.extend(tally.nonzero().map(|(st, c)| format!("{st} {c}")));
    if let Some(m) = tally.mean_reward() {
        parts.push(format!("mean reward {m:.4}"));
    }
    parts.extend(summary::line_part(trainers));
    parts.join(" · ")
}

/// Counts the bytes read, for the progress bar.
struct Counting<R> {
    inner: R,
    bar: Option<ProgressBar>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(b) = &self.bar {
            b.inc(n as u64);
        }
        Ok(n)
    }
}

/// Lines per chunk: small enough that a chunk's samples and results stay in the cache and the
/// reader, the scorers and the writer overlap finely, large enough to share out over the pool.
const CHUNK: usize = 2048;

/// What `plaudit score`'s writer thread is given, in input order.
enum ToWriter {
    /// What the summary needs of a chunk's inputs, before any of their results.
    Inputs(Vec<summary::Pending>),
    /// Results to write.
    Results(Vec<summary::Scored>),
}
/// A chunk also ends once its lines hold this many bytes (long chain-of-thought responses: about
/// a thousand lines), so the memory of one chunk is reused by the next.
const CHUNK_BYTES: usize = 4 << 20;

fn score(args: &ScoreArgs) -> Result<(), Fatal> {
    let ScoreArgs {
        input,
        spec,
        out,
        jobs,
        max_line_bytes,
        quiet,
        state,
        tokenizer,
        summary_json,
    } = args;
    let (spec, out, state, tokenizer) = (
        spec.as_ref(),
        out.as_ref(),
        state.as_ref(),
        tokenizer.as_ref(),
    );
    let (jobs, max_line_bytes, quiet) = (*jobs, *max_line_bytes, *quiet);
    let count_tokens = tokenizer
        .map(|p| plaudit_server::tokenizer::load(p))
        .transpose()
        .map_err(Fatal)?;
    let registry = plaudit_rewards::registry();
    let spec = load_spec(spec, &registry)?;
    let engine = engine_with_state(spec, state)?;

    let show_progress = !quiet && io::stderr().is_terminal();
    let (raw, len): (Box<dyn Read + Send>, Option<u64>) = if input == "-" {
        (Box::new(io::stdin()), None)
    } else {
        let f = File::open(input).map_err(|e| Fatal(format!("cannot read input {input}: {e}")))?;
        let len = f.metadata().ok().map(|m| m.len());
        (Box::new(f), len)
    };
    let bar = show_progress.then(|| {
        let b = match len {
            Some(l) => ProgressBar::new(l).with_style(
                ProgressStyle::with_template(
                    "{bar:40} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
                )
                .expect("valid template"),
            ),
            None => ProgressBar::new_spinner().with_style(
                ProgressStyle::with_template("{spinner} {bytes} read {bytes_per_sec}")
                    .expect("valid template"),
            ),
        };
        b.set_draw_target(ProgressDrawTarget::stderr());
        b
    });
    let reader: Box<dyn BufRead + Send> = Box::new(BufReader::with_capacity(
        1 << 20,
        Counting {
            inner: raw,
            bar: bar.clone(),
        },
    ));
    let to_stdout = out.is_none();
    let mut out: Box<dyn Write + Send> = match out {
        Some(p) => Box::new(BufWriter::with_capacity(
            1 << 20,
            File::create(p)
                .map_err(|e| Fatal(format!("cannot write output {}: {e}", p.display())))?,
        )),
        None => Box::new(BufWriter::with_capacity(1 << 20, io::stdout())),
    };

    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs.unwrap_or(0))
        .build()?;
    let start = Instant::now();
    // A reader that stops early (`plaudit score … | head`) ends the run quietly, unless the run
    // was to save state: then the state is not saved (or not all results were delivered), and
    // that must not pass for success.
    let quiet_on_closed_pipe = to_stdout && state.is_none();
    let write_error = |e: io::Error, state_note: &str| {
        let e = if quiet_on_closed_pipe {
            exit_on_broken_pipe(e)
        } else {
            e
        };
        Fatal(format!("cannot write output: {e}{state_note}"))
    };
    let unsaved = if state.is_some() {
        "; stopped before the end of the input: the state was not saved"
    } else {
        ""
    };
    // One batch for the whole input: results go out as each chunk is scored, or at the end when
    // the spec's group stage or group rewards need all of it. Stateful rewards update once,
    // after the whole input: every sample reads the state as it was before the run.
    //
    // Three stages overlap: a reader thread cuts the next chunk's lines while the pool parses
    // and scores the current one, and a writer thread writes the previous one's results (and
    // the summary figures). The writer hands the output back before the batch is finished, so
    // the state is committed only once every result streamed so far is written.
    let (chunks, chunk_rx) = std::sync::mpsc::sync_channel::<io::Result<RawChunk>>(2);
    let (spare, spare_rx) = std::sync::mpsc::channel::<Vec<u8>>();
    std::thread::spawn(move || {
        let mut lines = LineReader::new(reader, max_line_bytes);
        loop {
            let buf = spare_rx.try_recv().unwrap_or_default();
            let chunk = lines.next_raw_chunk(CHUNK, CHUNK_BYTES, buf);
            let last = matches!(&chunk, Ok(c) if c.is_empty()) || chunk.is_err();
            if chunks.send(chunk).is_err() || last {
                return;
            }
        }
    });
    let (to_writer, writer_rx) = std::sync::mpsc::sync_channel::<ToWriter>(4);
    let writer_thread = std::thread::spawn(move || {
        let mut figures = summary::Summary::default();
        let mut result = Ok(());
        for msg in writer_rx {
            match msg {
                ToWriter::Inputs(p) => figures.pending(p),
                ToWriter::Results(rs) => {
                    for r in &rs {
                        figures.result(r);
                    }
                    result = rs.iter().try_for_each(|r| out.write_all(&r.line.0));
                    if result.is_err() {
                        break;
                    }
                }
            }
        }
        (out, figures, result)
    });
    let scored = pool.install(|| -> Result<Option<Batch<summary::Scored>>, Fatal> {
        let mut batch = engine.batch::<summary::Scored>(BatchOptions::default());
        // Owned by the pool's closure: dropped when it returns, which ends the reader thread.
        for chunk in chunk_rx {
            let chunk = chunk.map_err(|e| Fatal(format!("cannot read input {input}: {e}")))?;
            if chunk.is_empty() {
                break;
            }
            let (results, pending) = match &count_tokens {
                // Parsed, scored and serialized in one pass per line.
                None => batch.push_lines(&chunk, summary::Summary::pending_one),
                Some(count) => {
                    let mut inputs = chunk.parse();
                    fill_tokens(&mut inputs, count);
                    let pending = inputs.iter().map(summary::Summary::pending_one).collect();
                    (batch.push(inputs), pending)
                }
            };
            let _ = spare.send(chunk.into_buffer());
            if to_writer.send(ToWriter::Inputs(pending)).is_err()
                || (!results.is_empty() && to_writer.send(ToWriter::Results(results)).is_err())
            {
                // The writer stopped on an error, reported below; the batch is not finished
                // (its state is not saved).
                return Ok(None);
            }
        }
        Ok(Some(batch))
    });
    // Every result streamed so far is written (or the writer stopped on an error) before the
    // batch is finished. The reader thread ends by itself: at the end of the input, on an
    // error, or when its next chunk finds nobody to take it.
    drop(to_writer);
    let (mut out, mut figures, written) = writer_thread
        .join()
        .expect("the writer thread does not panic");
    let batch = scored?;
    written.map_err(|e| write_error(e, unsaved))?;
    let batch = batch.expect("the batch stops early only when the writer failed");
    let done = pool.install(|| batch.finish());
    // The state is committed (or failed to be): say which if the rest cannot be written.
    let state_note = match (&done.state_error, state) {
        (Some(e), _) => format!("; cannot save state either: {e}"),
        (None, Some(_)) => "; the state was saved".to_string(),
        (None, None) => String::new(),
    };
    done.results
        .iter()
        .try_for_each(|r| {
            figures.result(r);
            out.write_all(&r.line.0)
        })
        .and_then(|()| out.flush())
        .map_err(|e| write_error(e, &state_note))?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let trainers = figures.trainers();
    if !quiet {
        eprintln!(
            "plaudit: {}",
            summary_line(&done.tally, start.elapsed(), &trainers)
        );
    }
    if let Some(p) = summary_json {
        let status: serde_json::Map<String, serde_json::Value> = done
            .tally
            .nonzero()
            .map(|(st, c)| (st.as_str().to_string(), c.into()))
            .collect();
        let body = serde_json::json!({
            "samples": done.tally.n,
            "status": status,
            "trainers": trainers,
        });
        std::fs::write(p, serde_json::to_string_pretty(&body)? + "\n")
            .map_err(|e| Fatal(format!("cannot write {}: {e}", p.display())))?;
    }
    // Every result is written; a state that could not be saved still fails the run.
    match done.state_error {
        None => Ok(()),
        Some(e) => Err(Fatal(format!("cannot save state: {e}"))),
    }
}

/// `tokens` for samples that have none, from the tokenizer; a text it cannot encode makes the
/// sample `invalid_input` naming the tokenizer's error.
fn fill_tokens(inputs: &mut [Input], count: &plaudit_wire::openrlhf::TokenCounter) {
    inputs.par_iter_mut().for_each(|input| {
        let Input::Sample(s) = input else { return };
        if s.tokens.is_some() {
            return;
        }
        match count(&s.response) {
            Ok(n) => s.tokens = Some(n),
            Err(e) => {
                let id = s.id.clone();
                let group = input.group();
                *input = Input::Invalid {
                    id,
                    group,
                    message: format!("--tokenizer: cannot encode the response: {e}"),
                }
            }
        }
    });
}

fn list(family: Option<&str>) -> Result<(), Fatal> {
    let registry = plaudit_rewards::registry();
    let all = registry.all();
    let shown: Vec<_> = all
        .iter()
        .filter(|r| family.is_none_or(|f| r.family == f))
        .collect();
    if shown.is_empty() {
        let mut fams: Vec<&str> = all.iter().map(|r| r.family).collect();
        fams.dedup();
        return Err(Fatal(format!(
            "no rewards in family `{}` (families: {})",
            family.unwrap_or(""),
            fams.join(", ")
        )));
    }
    let width = shown.iter().map(|r| r.name.len()).max().unwrap_or(0);
    output::to_stdout(|out| {
        for r in shown {
            writeln!(
                out,
                "{:<width$}  {:<10}  {}",
                r.name,
                r.family,
                r.doc().summary()
            )?;
        }
        Ok(())
    })?;
    Ok(())
}

fn explain(name: &str) -> Result<(), Fatal> {
    let registry = plaudit_rewards::registry();
    match registry.get(name) {
        Some(info) => {
            output::to_stdout(|out| writeln!(out, "{}", info.explain()))?;
            Ok(())
        }
        None => {
            let hint = registry
                .suggest(name)
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            Err(Fatal(format!(
                "unknown reward `{name}`{hint}; `plaudit list` shows them all"
            )))
        }
    }
}

fn check(path: Option<&PathBuf>) -> Result<(), Fatal> {
    let registry = plaudit_rewards::registry();
    let spec = load_spec(path, &registry)?;
    let routes: Vec<&str> = spec.routes.keys().map(String::as_str).collect();
    let name = path
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| "built-in default spec".into());
    eprintln!(
        "{name}: OK ({} route(s){}{}; group advantage: {})",
        routes.len(),
        if routes.is_empty() {
            String::new()
        } else {
            format!(": {}", routes.join(", "))
        },
        if spec.fallback.is_some() {
            ", with fallback"
        } else {
            ", no fallback"
        },
        spec.group.advantage.name()
    );
    let resolved = serde_json::to_string_pretty(&spec.resolved)?;
    output::to_stdout(|out| writeln!(out, "{resolved}"))?;
    Ok(())
}

/// `plaudit completions SHELL`: the completion script of every command and option.
fn completions(shell: clap_complete::Shell) -> Result<(), Fatal> {
    // Generated into memory first: clap_complete panics on a failed write.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "plaudit", &mut script);
    output::to_stdout(|out| out.write_all(&script))?;
    Ok(())
}

/// `plaudit man`: the manual page on standard output, or with `--dir` the pages of the program
/// and of each command as files.
fn man(dir: Option<&Path>) -> Result<(), Fatal> {
    match dir {
        None => output::to_stdout(|out| clap_mangen::Man::new(Cli::command()).render(out))?,
        Some(d) => {
            std::fs::create_dir_all(d)
                .and_then(|()| clap_mangen::generate_to(Cli::command(), d))
                .map_err(|e| Fatal(format!("cannot write manual pages to {}: {e}", d.display())))?;
            eprintln!("plaudit: manual pages written to {}", d.display());
        }
    }
    Ok(())
}

fn serve(
    spec_path: Option<&PathBuf>,
    addr: &str,
    config: plaudit_server::Config,
    state: Option<&PathBuf>,
    db_dir: Option<&Path>,
) -> Result<(), Fatal> {
    let registry = plaudit_rewards::registry();
    let spec = load_spec(spec_path, &registry)?;
    confine_databases(&spec, db_dir, state)?;
    let engine = engine_with_state(spec, state)?;
    tracing_subscriber::fmt()
        .with_writer(io::stderr)
        .with_ansi(io::stderr().is_terminal())
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Fatal(format!("cannot start the async runtime: {e}")))?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| Fatal(format!("cannot listen on {addr}: {e}")))?;
        let local = listener.local_addr()?;
        let state = plaudit_server::AppState::new(engine, registry, config)?;
        let source = spec_path.map(|p| p.display().to_string()).unwrap_or_else(|| "built-in default spec".into());
        // Before the line that says the server is up: a signal after it is always a clean
        // shutdown, never the default action (the process killed with its requests in flight).
        let shutdown = shutdown_signal()?;
        eprintln!("plaudit: serving {source} on http://{local} (POST /v1/score, POST /get_reward, GET / (report page), GET /healthz, GET /metrics)");
        for line in plaudit_server::openrlhf_warnings(&state) {
            eprintln!("plaudit: warning: {line}");
        }
        plaudit_server::serve(listener, state, shutdown).await?;
        eprintln!("plaudit: shut down cleanly");
        Ok(())
    })
}

/// Confine the SQL rewards' database files to `db_dir` (none without it): clients name the
/// files in their references. The spec's own `db_dir`s must lie inside it, and the state file
/// must not (a client could read it through its queries).
fn confine_databases(
    spec: &Spec,
    db_dir: Option<&Path>,
    state: Option<&PathBuf>,
) -> Result<(), Fatal> {
    plaudit_sql::restrict_database_files(db_dir).map_err(|e| Fatal(format!("--db-dir: {e}")))?;
    let root = match plaudit_sql::file_access() {
        plaudit_sql::FileAccess::Within(root) => Some(root),
        _ => None,
    };
    let mut dirs = Vec::new();
    for route in spec.routes.values().chain(spec.fallback.iter()) {
        for c in &route.components {
            if let Some(serde_json::Value::String(d)) = c.params.to_json().get("db_dir") {
                if !d.is_empty() {
                    dirs.push((format!("{}/{}", route.name, c.name), d.clone()));
                }
            }
        }
    }
    for (at, d) in dirs {
        let inside = root
            .as_ref()
            .is_some_and(|r| Path::new(&d).canonicalize().is_ok_and(|c| c.starts_with(r)));
        if !inside {
            return Err(Fatal(match &root {
                Some(r) => format!("component {at}: its db_dir {d} is not inside --db-dir {}", r.display()),
                None => format!("component {at} reads databases from {d}: start the server with --db-dir (a directory that holds it)"),
            }));
        }
    }
    if let (Some(root), Some(state)) = (&root, state) {
        let abs = std::path::absolute(state).unwrap_or_else(|_| state.clone());
        let real = abs
            .parent()
            .and_then(|p| p.canonicalize().ok())
            .map(|p| p.join(abs.file_name().unwrap_or_default()))
            .unwrap_or(abs);
        if real.starts_with(root) {
            return Err(Fatal(format!(
                "--state {} is inside --db-dir {}: clients could read it through SQL; keep it elsewhere",
                state.display(),
                root.display()
            )));
        }
    }
    Ok(())
}

/// Installs the SIGTERM and SIGINT handlers now, and returns what resolves on either. (An `async
/// fn` would install them only when the server first polls it, after it has started accepting:
/// a SIGTERM in between killed the process outright.)
fn shutdown_signal() -> Result<impl std::future::Future<Output = ()> + Send + 'static, Fatal> {
    use tokio::signal::unix::{signal, SignalKind};
    let handler = |kind: SignalKind, name: &str| {
        signal(kind).map_err(|e| Fatal(format!("cannot install a {name} handler: {e}")))
    };
    let mut term = handler(SignalKind::terminate(), "SIGTERM")?;
    let mut int = handler(SignalKind::interrupt(), "SIGINT")?;
    Ok(async move {
        tokio::select! {
            _ = term.recv() => {}
            _ = int.recv() => {}
        }
        eprintln!("plaudit: signal received, finishing the requests in flight");
    })
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let r = match &cli.command {
        Command::Score(args) => score(args),
        Command::List { family } => list(family.as_deref()),
        Command::Explain { name } => explain(name),
        Command::Check { spec } => check(spec.as_ref()),
        Command::JudgeProbe(args) => match probe::run(args) {
            Ok(code) => return ExitCode::from(code),
            Err(e) => Err(e),
        },
        Command::Report(args) => report::run(args),
        Command::Convert(args) => convert::run(args),
        Command::Completions { shell } => completions(*shell),
        Command::Man { dir } => man(dir.as_deref()),
        Command::Serve {
            spec,
            addr,
            jobs,
            max_body_bytes,
            max_pending,
            request_timeout_ms,
            state,
            end_markers,
            tokenizer,
            allow_inline_specs,
            db_dir,
            max_connections,
            header_timeout_ms,
            body_timeout_ms,
            blocking_jobs,
            report_window,
        } => {
            let mut openrlhf = plaudit_wire::openrlhf::Options::default();
            if let Some(p) = tokenizer {
                match plaudit_server::tokenizer::load(p) {
                    Ok(count) => openrlhf.count_tokens = Some(count),
                    Err(e) => {
                        eprintln!("plaudit: {e}");
                        return ExitCode::from(2);
                    }
                }
            }
            if let Some(m) = end_markers {
                openrlhf.end_markers = match m.as_str() {
                    "none" | "" => Vec::new(),
                    m => m.split(',').map(str::to_string).collect(),
                };
            }
            let config = plaudit_server::Config {
                jobs: jobs.unwrap_or(0),
                max_body_bytes: *max_body_bytes,
                max_pending: *max_pending,
                request_timeout: Duration::from_millis(*request_timeout_ms),
                openrlhf,
                blocking_jobs: blocking_jobs.unwrap_or(0),
                max_connections: *max_connections,
                header_timeout: Duration::from_millis(*header_timeout_ms),
                body_timeout: Duration::from_millis(*body_timeout_ms),
                allow_inline_specs: *allow_inline_specs,
                report_window: *report_window,
            };
            serve(
                spec.as_ref(),
                addr,
                config,
                state.as_ref(),
                db_dir.as_deref(),
            )
        }
    };
    match r {
        Ok(()) => ExitCode::SUCCESS,
        Err(Fatal(msg)) => {
            eprintln!("plaudit: {msg}");
            ExitCode::from(2)
        }
    }
}
