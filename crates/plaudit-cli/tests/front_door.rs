//! What a newcomer meets first: output piped into `head`, `plaudit check` on a spec with several
//! mistakes, thread counts, shell completions and the manual page.

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn plaudit(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_plaudit"))
        .args(args)
        .current_dir(root())
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

/// Runs `plaudit args` with its standard output a pipe whose reading end is already closed, as
/// `plaudit list | head -0` (every write fails with EPIPE, whatever the timing).
fn into_closed_pipe(args: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_plaudit"))
        .args(args)
        .current_dir(root())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    child.wait_with_output().unwrap()
}

fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("plaudit-front-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn output_into_a_closed_pipe_ends_quietly_with_exit_0() {
    for args in [
        &["list"][..],
        &["list", "--family", "math"],
        &["explain", "soft_overlong_penalty"],
        &["check", "examples/spec.yaml"],
        &["completions", "bash"],
        &["man"],
    ] {
        let out = into_closed_pipe(args);
        assert_eq!(
            out.status.code(),
            Some(0),
            "plaudit {args:?}: {}",
            stderr(&out)
        );
        let err = stderr(&out);
        let expected = if args[0] == "check" {
            "examples/spec.yaml: OK (2 route(s): qa, science, with fallback; group advantage: grpo)\n"
        } else {
            ""
        };
        assert_eq!(err, expected, "plaudit {args:?}");
    }
}

#[test]
fn check_prints_every_error_and_suggests_names() {
    let dir = temp_dir("check");
    let spec = dir.join("typos.yaml");
    std::fs::write(
        &spec,
        "components:\n  correct: exact_macth\n  fmt: think_answer_format\nreward: corect + 0.1 * fmt\n",
    )
    .unwrap();
    let out = plaudit(&["check", spec.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    // The unknown reward does not hide the expression's error; a likely name is suggested
    // for both, and the catalogue is not listed after a suggestion.
    assert_eq!(
        stderr(&out),
        format!(
            "plaudit: spec {} is invalid:\n  \
             - components.correct: unknown reward `exact_macth` (did you mean `exact_match`?)\n  \
             - reward: unknown component `corect` (did you mean `correct`? components: correct, fmt) at column 1\n        \
             corect + 0.1 * fmt\n        \
             ^\n",
            spec.display()
        )
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn zero_threads_are_refused() {
    for args in [
        &["score", "--jobs", "0", "examples/quickstart.jsonl"][..],
        &["score", "-j", "0", "examples/quickstart.jsonl"],
        &["serve", "--jobs", "0"],
    ] {
        let out = plaudit(args);
        assert_eq!(out.status.code(), Some(2), "plaudit {args:?}");
        assert!(out.stdout.is_empty());
        assert_eq!(
            stderr(&out),
            "error: invalid value '0' for '--jobs <JOBS>': must be at least 1 (leave the option out to use all cores)\n\nFor more information, try '--help'.\n",
            "plaudit {args:?}"
        );
    }
    let out = plaudit(&["serve", "--blocking-jobs", "0"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: invalid value '0' for '--blocking-jobs <BLOCKING_JOBS>': must be at least 1 (leave the option out to use all cores)\n\nFor more information, try '--help'.\n"
    );
    let out = plaudit(&[
        "score",
        "--jobs",
        "1",
        "--quiet",
        "examples/quickstart.jsonl",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

/// Every subcommand of `plaudit`.
const COMMANDS: [&str; 10] = [
    "score",
    "list",
    "explain",
    "check",
    "serve",
    "judge-probe",
    "report",
    "convert",
    "completions",
    "man",
];

#[test]
fn shell_completions_cover_every_command() {
    let out = plaudit(&["completions", "bash"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let bash = stdout(&out);
    assert!(bash.contains("_plaudit()"), "{bash}");
    for cmd in COMMANDS {
        assert!(
            // `judge-probe` is `judge__subcmd__probe` in clap_complete's names.
            bash.contains(&format!(
                "cmd=\"plaudit__subcmd__{}\"",
                cmd.replace('-', "__subcmd__")
            )),
            "bash completion lacks {cmd}"
        );
    }
    assert!(bash.contains("--max-line-bytes"));
    let out = plaudit(&["completions", "zsh"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).starts_with("#compdef plaudit\n"));
    let out = plaudit(&["completions", "fish"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("complete -c plaudit"));
    let out = plaudit(&["completions", "tcsh"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with("error: invalid value 'tcsh' for '<SHELL>'"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn the_manual_page_names_every_command() {
    let out = plaudit(&["man"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let page = stdout(&out);
    assert!(page.contains(".TH plaudit 1"), "{page}");
    for cmd in COMMANDS {
        assert!(
            page.contains(&format!("plaudit\\-{}(1)", cmd.replace('-', "\\-"))),
            "manual page lacks {cmd}:\n{page}"
        );
    }
    let dir = temp_dir("man");
    let out = plaudit(&["man", "--dir", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        format!("plaudit: manual pages written to {}\n", dir.display())
    );
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            "plaudit-check.1",
            "plaudit-completions.1",
            "plaudit-convert.1",
            "plaudit-explain.1",
            "plaudit-judge-probe.1",
            "plaudit-list.1",
            "plaudit-man.1",
            "plaudit-report.1",
            "plaudit-score.1",
            "plaudit-serve.1",
            "plaudit.1"
        ]
    );
    let score = std::fs::read_to_string(dir.join("plaudit-score.1")).unwrap();
    assert!(score.contains("max\\-line\\-bytes"), "{score}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn score_into_a_closed_pipe_ends_quietly_unless_it_was_to_save_state() {
    let dir = temp_dir("score-pipe");
    // Without `--state`: nothing was to be kept, so a reader gone away ends the run quietly.
    let out = into_closed_pipe(&["score", "examples/quickstart.jsonl"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "");

    // With `--state` and results held for the group stage: the state is saved (after the whole
    // input), then writing fails; the run fails and says the state was saved.
    let state = dir.join("held.db");
    let out = into_closed_pipe(&[
        "score",
        "examples/quickstart.jsonl",
        "-q",
        "--state",
        state.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "plaudit: cannot write output: Broken pipe (os error 32); the state was saved\n"
    );

    // With `--state` and streamed results: the first megabyte of results fails to go out while
    // the input is still being read, so the state is not saved, and the run says so.
    let spec = dir.join("stream.yaml");
    std::fs::write(&spec, "components: {c: exact_match}\n").unwrap();
    let input = dir.join("many.jsonl");
    let long_id = "x".repeat(200);
    let lines: String = (0..9000)
        .map(|i| {
            format!("{{\"id\": \"{long_id}{i}\", \"response\": \"4\", \"reference\": \"4\"}}\n")
        })
        .collect();
    std::fs::write(&input, lines).unwrap();
    let state = dir.join("streamed.db");
    let out = into_closed_pipe(&[
        "score",
        input.to_str().unwrap(),
        "-q",
        "--spec",
        spec.to_str().unwrap(),
        "--state",
        state.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "plaudit: cannot write output: Broken pipe (os error 32); stopped before the end of the input: the state was not saved\n"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
