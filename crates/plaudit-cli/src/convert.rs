//! `plaudit convert`: rollouts where a trainer left them, as Plaudit samples JSONL, so a past run
//! can be re-scored with a spec (`plaudit score`) and looked at (`plaudit report --input`).
//!
//! verl: `trainer.rollout_data_dir` (and `validation_data_dir`) hold one `{step}.jsonl` per step,
//! written by `RayTrainer._write_generations` (verl 0.9.1, `verl/trainer/ppo/ray_trainer.py` and
//! `v1/trainer_base.py`): one object per rollout with `input` and `output` (the decoded prompt and
//! response), `gts` (`reward_model.ground_truth`, or null), `score` (the summed token-level score),
//! `step`, then every reward extra-info list of the batch's length (`acc`, `pred`, `request_id`;
//! the v1 trainer's `uid`, `{prompt uid}_{session}_{index}`). Python's `json.dumps` writes a NaN
//! or infinite float as a bare `NaN`/`Infinity`, which is not JSON: such values become `null`.
//!
//! TRL's `completions_*.parquet` are converted by the Python package (`python -m plaudit.convert
//! trl`): reading Parquet needs pyarrow, which TRL's environment has and this binary does not.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::Fatal;

/// `plaudit convert`'s options.
#[derive(clap::Args)]
pub struct ConvertArgs {
    /// The trainer that wrote the files.
    #[arg(long = "from", value_enum)]
    from: Trainer,
    /// The trainer's files, converted in the order given (verl writes one `{step}.jsonl` per step).
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Output samples JSONL (default: standard output).
    #[arg(long, short)]
    out: Option<PathBuf>,
    /// Set this `task` on every sample (routes it in the spec); default: none.
    #[arg(long)]
    task: Option<String>,
}

#[derive(clap::ValueEnum, Clone, Copy)]
enum Trainer {
    /// verl's rollout dumps (`trainer.rollout_data_dir`, `trainer.validation_data_dir`).
    Verl,
    /// TRL's `completions_*.parquet`: converted by `python -m plaudit.convert trl`.
    Trl,
}

pub fn run(args: &ConvertArgs) -> Result<(), Fatal> {
    if let Trainer::Trl = args.from {
        return Err(Fatal(
            "TRL's completions_*.parquet are converted by the Python package, which reads Parquet \
             with pyarrow: python -m plaudit.convert trl FILE... -o samples.jsonl"
                .into(),
        ));
    }
    let mut out: Box<dyn Write> = match &args.out {
        Some(p) => {
            Box::new(BufWriter::new(File::create(p).map_err(|e| {
                Fatal(format!("cannot write {}: {e}", p.display()))
            })?))
        }
        None => Box::new(BufWriter::new(std::io::stdout().lock())),
    };
    let mut n = 0usize;
    for path in &args.files {
        n += verl_file(path, args.task.as_deref(), &mut out)?;
    }
    out.flush()
        .map_err(|e| Fatal(format!("cannot write output: {e}")))?;
    eprintln!("plaudit: {n} samples from {} file(s)", args.files.len());
    Ok(())
}

/// Converts one verl dump; returns the number of samples written.
fn verl_file(path: &Path, task: Option<&str>, out: &mut dyn Write) -> Result<usize, Fatal> {
    let file =
        File::open(path).map_err(|e| Fatal(format!("cannot read {}: {e}", path.display())))?;
    let mut n = 0usize;
    for (i, line) in BufReader::new(file).lines().enumerate() {
        let line = line.map_err(|e| Fatal(format!("{}: line {}: {e}", path.display(), i + 1)))?;
        if line.trim().is_empty() {
            continue;
        }
        let where_ = || format!("{}: line {}", path.display(), i + 1);
        let row = parse_python_json(&line)
            .map_err(|e| Fatal(format!("{}: not a verl rollout dump line: {e}", where_())))?;
        let sample = verl_sample(row, n, task).map_err(|e| Fatal(format!("{}: {e}", where_())))?;
        let mut text = serde_json::to_string(&sample)?;
        text.push('\n');
        out.write_all(text.as_bytes())
            .map_err(|e| Fatal(format!("cannot write output: {e}")))?;
        n += 1;
    }
    Ok(n)
}

/// A line of JSON as Python's `json.dumps` writes it: bare `NaN`, `Infinity` and `-Infinity`
/// (outside strings) are read as `null`.
fn parse_python_json(line: &str) -> Result<Map<String, Value>, serde_json::Error> {
    match serde_json::from_str(line) {
        Ok(v) => Ok(v),
        Err(first) => {
            let fixed = python_floats_to_null(line);
            if fixed == line {
                return Err(first);
            }
            serde_json::from_str(&fixed)
        }
    }
}

fn python_floats_to_null(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let (mut in_string, mut escaped) = (false, false);
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
        } else if let Some(t) = ["NaN", "Infinity", "-Infinity"]
            .into_iter()
            .find(|t| rest.starts_with(t))
        {
            out.push_str("null");
            rest = &rest[t.len()..];
            continue;
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// The group of a verl rollout: the prompt part of the v1 trainer's `uid`
/// (`{uid}_{session}_{index}`), a `uid` as it is, else a hash of the prompt text.
fn verl_group(row: &Map<String, Value>, prompt: &str) -> String {
    match row.get("uid") {
        Some(Value::String(uid)) => {
            let mut parts = uid.rsplitn(3, '_');
            let (a, b, head) = (parts.next(), parts.next(), parts.next());
            let digits = |s: Option<&str>| {
                s.is_some_and(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
            };
            match head {
                Some(h) if !h.is_empty() && digits(a) && digits(b) => h.to_string(),
                _ => uid.clone(),
            }
        }
        Some(Value::Number(n)) => n.to_string(),
        _ => prompt_hash(prompt),
    }
}

/// 16 hex digits of the SHA-256 of the prompt text.
fn prompt_hash(prompt: &str) -> String {
    Sha256::digest(prompt.as_bytes())[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn verl_sample(
    mut row: Map<String, Value>,
    index: usize,
    task: Option<&str>,
) -> Result<Map<String, Value>, String> {
    let mut take_text = |key: &str| match row.shift_remove(key) {
        Some(Value::String(s)) => Ok(s),
        Some(other) => Err(format!(
            "field `{key}`: expected a string, got {}",
            plaudit_core::sample::type_name(&other)
        )),
        None => Err(format!("not a verl rollout dump line: no `{key}` field")),
    };
    let prompt = take_text("input")?;
    let response = take_text("output")?;
    let reference = row.shift_remove("gts").unwrap_or(Value::Null);
    let step = match row.get("step") {
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::String(s)) => s.clone(),
        _ => "?".into(),
    };
    let mut s = Map::new();
    s.insert("id".into(), Value::String(format!("{step}-{index}")));
    s.insert("group".into(), Value::String(verl_group(&row, &prompt)));
    if let Some(t) = task {
        s.insert("task".into(), Value::String(t.into()));
    }
    s.insert("prompt".into(), Value::String(prompt));
    s.insert("response".into(), Value::String(response));
    if !reference.is_null() {
        s.insert("reference".into(), reference);
    }
    s.insert("meta".into(), Value::Object(row));
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn python_non_finite_floats_become_null_outside_strings() {
        let line = r#"{"score": NaN, "a": -Infinity, "b": [Infinity, 1], "s": "NaN \"Infinity\""}"#;
        let v = parse_python_json(line).unwrap();
        assert_eq!(
            Value::Object(v),
            json!({"score": null, "a": null, "b": [null, 1], "s": "NaN \"Infinity\""})
        );
        assert!(parse_python_json("{\"a\": nan}").is_err());
    }

    #[test]
    fn groups_from_v1_uid_plain_uid_or_prompt_hash() {
        let g = |row: Value| verl_group(row.as_object().unwrap(), "p");
        assert_eq!(g(json!({"uid": "a_b_0_3"})), "a_b");
        assert_eq!(g(json!({"uid": "9f2c-1"})), "9f2c-1");
        assert_eq!(g(json!({"uid": "x_1"})), "x_1");
        assert_eq!(g(json!({"uid": 7})), "7");
        // SHA-256("p") begins 148de9c5a7a44d19.
        assert_eq!(g(json!({})), "148de9c5a7a44d19");
    }

    #[test]
    fn a_dump_line_becomes_a_sample() {
        let row =
            json!({"input": "Q", "output": "A", "gts": 72, "score": 1.0, "step": 3, "acc": true});
        let s = verl_sample(row.as_object().unwrap().clone(), 5, Some("math")).unwrap();
        assert_eq!(
            serde_json::to_string(&s).unwrap(),
            format!(
                r#"{{"id":"3-5","group":"{}","task":"math","prompt":"Q","response":"A","reference":72,"meta":{{"score":1.0,"step":3,"acc":true}}}}"#,
                prompt_hash("Q")
            )
        );
        let no_gts = json!({"input": "Q", "output": "A", "gts": null, "step": 1});
        let s = verl_sample(no_gts.as_object().unwrap().clone(), 0, None).unwrap();
        assert!(!s.contains_key("reference"));
        let bad = json!({"input": "Q", "step": 1});
        assert_eq!(
            verl_sample(bad.as_object().unwrap().clone(), 0, None).unwrap_err(),
            "not a verl rollout dump line: no `output` field"
        );
    }
}
