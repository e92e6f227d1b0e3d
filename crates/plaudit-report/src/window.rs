//! Reports over results held in memory (the server's rolling window of recent requests), built
//! by the same pass as [`crate::build`] and rendered by the same [`crate::render_html`].
//!
//! A caller keeps each result with a [`KeptSample`]: what the page shows of its input, the texts
//! already cut as the report cuts them (so a window of N results holds at most a few KB each),
//! and the response's length measured before the cut.

use std::io;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::{cut, cut_value, text, Options, Report, Sample};

/// The report's text limits (characters) for the rollout browser.
pub(crate) const PROMPT_CHARS: usize = 1500;
pub(crate) const RESPONSE_CHARS: usize = 3000;
pub(crate) const REFERENCE_CHARS: usize = 600;

/// The texts of a sample, already cut.
#[derive(Clone, Debug, Default)]
pub(crate) struct Shown {
    prompt: Option<String>,
    response: Option<String>,
    reference: Option<Value>,
}

impl Sample {
    pub(crate) fn prompt_text(&self) -> Option<String> {
        match &self.shown {
            Some(s) => s.prompt.clone(),
            None => self
                .value
                .get("prompt")
                .and_then(text)
                .map(|t| cut(t, PROMPT_CHARS)),
        }
    }

    pub(crate) fn response_text(&self) -> Option<String> {
        match &self.shown {
            Some(s) => s.response.clone(),
            None => self
                .value
                .get("response")
                .and_then(text)
                .map(|t| cut(t, RESPONSE_CHARS)),
        }
    }

    pub(crate) fn reference_value(&self) -> Option<Value> {
        match &self.shown {
            Some(s) => s.reference.clone(),
            None => self
                .value
                .get("reference")
                .cloned()
                .map(|v| cut_value(v, REFERENCE_CHARS)),
        }
    }
}

/// What the report needs of one input sample, kept in memory next to its result.
#[derive(Clone, Debug)]
pub struct KeptSample(Sample);

impl KeptSample {
    /// A sample's id, route (`task`), group, texts (cut here) and token count. `null` reference:
    /// none.
    pub fn new(
        id: &Value,
        task: Option<&str>,
        group: Option<&str>,
        prompt: &str,
        response: &str,
        reference: &Value,
        tokens: Option<u64>,
    ) -> KeptSample {
        let mut value = Map::new();
        value.insert("id".into(), id.clone());
        if let Some(t) = task {
            value.insert("task".into(), Value::from(t));
        }
        if let Some(g) = group {
            value.insert("group".into(), Value::from(g));
        }
        if let Some(t) = tokens {
            value.insert("tokens".into(), Value::from(t));
        }
        KeptSample(Sample {
            value: Value::Object(value),
            route: task.map(str::to_string),
            group: group.map(str::to_string),
            tokens,
            chars: response.chars().count() as u64,
            shown: Some(Shown {
                prompt: Some(cut_prefix(prompt, PROMPT_CHARS)),
                response: Some(cut_prefix(response, RESPONSE_CHARS)),
                reference: (!reference.is_null())
                    .then(|| cut_value(reference.clone(), REFERENCE_CHARS)),
            }),
        })
    }

    /// An input that could not be read as a sample: its id and group only.
    pub fn invalid(id: &Value, group: Option<&str>) -> KeptSample {
        let mut value = Map::new();
        value.insert("id".into(), id.clone());
        if let Some(g) = group {
            value.insert("group".into(), Value::from(g));
        }
        KeptSample(Sample {
            value: Value::Object(value),
            group: group.map(str::to_string),
            shown: Some(Shown::default()),
            ..Sample::default()
        })
    }
}

/// [`cut`] without copying the whole text first.
fn cut_prefix(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        None => s.to_string(),
        Some((i, _)) => format!("{}… [{} more characters]", &s[..i], s[i..].chars().count()),
    }
}

/// Where [`crate::build`]'s pass reads its input samples from.
pub(crate) trait Samples {
    /// The next sample, or why its line could not be read; `None` at the end.
    fn next_sample(&mut self) -> io::Result<Option<Result<Sample, String>>>;
}

/// Samples already in memory.
struct InMemory<T>(T);

impl<T: Iterator<Item = Sample>> Samples for InMemory<T> {
    fn next_sample(&mut self) -> io::Result<Option<Result<Sample, String>>> {
        Ok(self.0.next().map(Ok))
    }
}

/// The report over results kept in memory, each with its sample, in the order given (oldest
/// first: the rollouts' `line` is the position in `entries`, from 1). The same statistics,
/// sample and page as [`crate::build`] over the same results written to a file with their input.
pub fn build_kept<'a, T: Serialize + 'a>(
    entries: impl IntoIterator<Item = (&'a T, &'a KeptSample)>,
    opts: &Options,
) -> io::Result<Report> {
    let mut results = Vec::new();
    let mut samples = Vec::new();
    for (r, s) in entries {
        serde_json::to_writer(&mut results, r).map_err(io::Error::other)?;
        results.push(b'\n');
        samples.push(s.0.clone());
    }
    crate::build_with(&results[..], Some(InMemory(samples.into_iter())), opts)
}
