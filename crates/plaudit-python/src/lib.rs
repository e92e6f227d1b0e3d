//! `plaudit._plaudit`: the native half of the `plaudit` Python package.
//!
//! It compiles specs against the catalogue (`plaudit_rewards::registry()`), converts Python
//! samples to JSON values while holding the interpreter, then releases it (`Python::detach`) while
//! the engine scores on a rayon pool, and converts the results back. The pure-Python modules in
//! `python/plaudit/` (the public API and the trainer adapters) are built on the class
//! [`PyEngine`] (`plaudit._plaudit.Engine`) and the functions here.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use plaudit_core::engine::Input;
use plaudit_core::{BatchOptions, Emit, Engine, JsonLine, Registry, ScoreResult, Spec};
use plaudit_wire::openrlhf;
use pyo3::create_exception;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList};
use rayon::prelude::*;
use serde_json::Value;

mod convert;
mod shares;

use convert::{result_to_py, to_py, to_value};
use shares::SharedStore;

/// Scoring allocates many small short-lived strings on several threads at once (as in the CLI).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

create_exception!(
    plaudit,
    SpecError,
    PyValueError,
    "A spec that does not compile. The message is what `plaudit check` prints; `errors` lists \
     each problem with its place in the spec."
);

fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(plaudit_rewards::registry)
}

/// The CLI's message for an invalid spec ([`plaudit_wire::spec_errors`]), with the list attached.
fn spec_error(py: Python<'_>, label: &str, e: &plaudit_core::SpecError) -> PyErr {
    let err = SpecError::new_err(plaudit_wire::spec_errors(label, e));
    let _ = err.value(py).setattr("errors", e.errors.clone());
    err
}

/// Rayon pools by size, one set per process: a pool's threads do not survive `fork` (trainers
/// fork data-loader and worker processes), so a child process builds its own instead of waiting
/// forever on threads that are not there.
fn pool(threads: usize) -> Arc<rayon::ThreadPool> {
    type Pools = (u32, HashMap<usize, Arc<rayon::ThreadPool>>);
    static POOLS: Mutex<Option<Pools>> = Mutex::new(None);
    let pid = std::process::id();
    let mut guard = POOLS.lock().unwrap_or_else(|p| p.into_inner());
    if guard.as_ref().is_some_and(|(p, _)| *p != pid) {
        // Inherited from the parent: its worker threads do not exist here. Never drop it (that
        // would signal threads that are gone); leak it instead.
        std::mem::forget(guard.take());
    }
    let (_, pools) = guard.get_or_insert_with(|| (pid, HashMap::new()));
    pools
        .entry(threads)
        .or_insert_with(|| {
            Arc::new(
                rayon::ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .thread_name(|i| format!("plaudit-{i}"))
                    .build()
                    .expect("a rayon thread pool can be built"),
            )
        })
        .clone()
}

fn all_cores() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
}

/// A sample converted while holding the interpreter: its JSON value, or why it has none.
type Raw = Result<Value, Input>;

fn group_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Convert every item of `samples` (any iterable); an item that does not convert becomes an
/// `invalid_input` with a message that names the field.
fn raw_samples(samples: &Bound<'_, PyAny>) -> PyResult<Vec<Raw>> {
    if samples.cast::<PyDict>().is_ok() || samples.cast::<pyo3::types::PyString>().is_ok() {
        return Err(PyTypeError::new_err(
            "samples: expected a list of sample dicts, got a single dict or string",
        ));
    }
    let hint = samples.len().unwrap_or(0);
    let mut out = Vec::with_capacity(hint);
    for item in samples.try_iter()? {
        let item = item?;
        out.push(to_value(&item, 0).map_err(|e| {
            // Recover the id and group for the result when the sample has them.
            let (id, group) = match item.cast::<PyDict>() {
                Ok(d) => {
                    let get = |k: &str| {
                        d.get_item(k)
                            .ok()
                            .flatten()
                            .and_then(|v| to_value(&v, 1).ok())
                            .unwrap_or(Value::Null)
                    };
                    (get("id"), group_of(&get("group")))
                }
                Err(_) => (Value::Null, None),
            };
            Input::Invalid {
                id,
                group,
                message: e.describe(),
            }
        }));
    }
    Ok(out)
}

fn to_input(r: Raw) -> Input {
    match r {
        Ok(v) => Input::from_value(v),
        Err(i) => i,
    }
}

/// A compiled spec, ready to score (`plaudit.Reward` wraps it).
#[pyclass(frozen, module = "plaudit._plaudit", name = "Engine")]
struct PyEngine {
    engine: Engine,
    /// Threads per call: 1 scores on the calling thread, n > 1 on a process-wide pool of n.
    jobs: usize,
    /// The engine's state store (in memory), which `plaudit.ray` reads and writes.
    store: Arc<SharedStore>,
}

impl PyEngine {
    fn new(spec: Spec, jobs: Option<usize>) -> PyResult<Self> {
        let jobs = match jobs {
            None => all_cores(),
            Some(0) => return Err(PyValueError::new_err("jobs: must be at least 1")),
            Some(n) => n,
        };
        let store = Arc::new(SharedStore::default());
        Ok(PyEngine {
            engine: Engine::with_store(spec, store.clone()),
            jobs,
            store,
        })
    }

    /// Score inputs as one batch ([`plaudit_core::Batch`]) with this engine's parallelism;
    /// with `group`, run the group stage too. Stateful rewards update after each call (a batch).
    /// The package's engines keep state in memory, which cannot fail to save; should it, the
    /// results still go back.
    fn run<O: Emit>(&self, raw: Vec<Raw>, group: bool) -> Vec<O> {
        let options = BatchOptions {
            skip_group_stage: !group,
            ..Default::default()
        };
        let go = |inputs: Vec<Input>| {
            let mut batch = self.engine.batch::<O>(options);
            let given = batch.push(inputs);
            let done = batch.finish_after(given);
            if let Some(e) = done.state_error {
                eprintln!("plaudit: cannot save state: {e}");
            }
            done.results
        };
        if self.jobs == 1 {
            go(raw.into_iter().map(to_input).collect())
        } else {
            pool(self.jobs).install(|| go(raw.into_par_iter().map(to_input).collect()))
        }
    }

    /// Run `f` with this engine's parallelism (see `jobs`).
    fn install<T: Send>(&self, f: impl FnOnce() -> T + Send) -> T {
        if self.jobs == 1 {
            f()
        } else {
            pool(self.jobs).install(f)
        }
    }

    fn score_objects(
        &self,
        py: Python<'_>,
        samples: &Bound<'_, PyAny>,
        group: bool,
    ) -> PyResult<Vec<ScoreResult>> {
        let raw = raw_samples(samples)?;
        Ok(py.detach(|| self.run::<ScoreResult>(raw, group)))
    }
}

#[pymethods]
impl PyEngine {
    /// The built-in default spec (routes by `task`).
    #[staticmethod]
    #[pyo3(signature = (jobs=None))]
    fn default(jobs: Option<usize>) -> PyResult<Self> {
        PyEngine::new(plaudit_rewards::default_spec(registry()), jobs)
    }

    /// Compile a spec from YAML or JSON text. `label` names it in error messages (a path).
    #[staticmethod]
    #[pyo3(signature = (text, label, jobs=None))]
    fn from_text(py: Python<'_>, text: &str, label: &str, jobs: Option<usize>) -> PyResult<Self> {
        let spec = Spec::from_text(text, registry()).map_err(|e| spec_error(py, label, &e))?;
        PyEngine::new(spec, jobs)
    }

    /// Compile a spec from a Python mapping (the structure of the YAML form).
    #[staticmethod]
    #[pyo3(signature = (spec, label, jobs=None))]
    fn from_object(
        py: Python<'_>,
        spec: &Bound<'_, PyAny>,
        label: &str,
        jobs: Option<usize>,
    ) -> PyResult<Self> {
        let value = to_value(spec, 0).map_err(|e| {
            spec_error(
                py,
                label,
                &plaudit_core::SpecError::one(format!("spec: {}", e.describe())),
            )
        })?;
        let spec = Spec::from_value(&value, registry()).map_err(|e| spec_error(py, label, &e))?;
        PyEngine::new(spec, jobs)
    }

    /// Threads per call.
    #[getter]
    fn jobs(&self) -> usize {
        self.jobs
    }

    /// The spec with every default filled in (what `plaudit check` prints).
    fn resolved<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.engine.spec().resolved)
    }

    /// Component names of every route (fallback first), without repeats, in spec order.
    fn component_names(&self) -> Vec<String> {
        self.engine.spec().component_names()
    }

    /// Score samples (an iterable of dicts): one result dict per sample, in order, group stage
    /// included. The interpreter is released while scoring.
    fn score<'py>(
        &self,
        py: Python<'py>,
        samples: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyList>> {
        let results = self.score_objects(py, samples, true)?;
        let out = PyList::empty(py);
        for r in &results {
            out.append(result_to_py(py, r)?)?;
        }
        Ok(out)
    }

    /// Only the rewards, in order (no group stage: it does not change rewards).
    fn rewards(&self, py: Python<'_>, samples: &Bound<'_, PyAny>) -> PyResult<Vec<f64>> {
        let results = self.score_objects(py, samples, false)?;
        Ok(results.iter().map(|r| r.reward).collect())
    }

    /// The rewards as native-endian float64 bytes (for `numpy.frombuffer`).
    fn rewards_bytes<'py>(
        &self,
        py: Python<'py>,
        samples: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let results = self.score_objects(py, samples, false)?;
        let mut buf = Vec::with_capacity(results.len() * 8);
        for r in &results {
            buf.extend_from_slice(&r.reward.to_ne_bytes());
        }
        Ok(PyBytes::new(py, &buf))
    }

    /// JSONL in, JSONL out (the CLI's `score` on bytes): one result line per input line.
    fn score_jsonl<'py>(&self, py: Python<'py>, data: &[u8]) -> Bound<'py, PyBytes> {
        let data = data.to_vec();
        let out = py.detach(move || {
            let body = data.strip_suffix(b"\n").unwrap_or(&data);
            let raw: Vec<Raw> = if body.is_empty() {
                Vec::new()
            } else {
                body.split(|&b| b == b'\n')
                    .enumerate()
                    .map(|(i, l)| Err(Input::from_line(l, i + 1)))
                    .collect()
            };
            let lines: Vec<JsonLine> = self.run(raw, true);
            let mut out = Vec::with_capacity(lines.iter().map(|l| l.0.len()).sum());
            for l in &lines {
                out.extend_from_slice(&l.0);
            }
            out
        });
        PyBytes::new(py, &out)
    }

    /// OpenRLHF's remote reward protocol: a request `{"query", "prompts"?, "labels"?, …}` to the
    /// response `{"rewards", "scores", "extra_logs"}` (plaudit_wire::openrlhf, as the HTTP server).
    /// `end_markers`: strings stripped from the end of responses (None: the default list). A
    /// malformed request, or one that needs token counts it does not carry, raises ValueError
    /// naming the field or the components. With `details`, the response also has
    /// `"plaudit_results": [{"status", "error"?}, …]` (for the adapters' failure log).
    #[pyo3(signature = (request, end_markers=None, details=false))]
    fn openrlhf<'py>(
        &self,
        py: Python<'py>,
        request: &Bound<'py, PyAny>,
        end_markers: Option<Vec<String>>,
        details: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let req = to_value(request, 0)
            .map_err(|e| PyValueError::new_err(format!("request: {}", e.describe())))?;
        let mut opts = openrlhf::Options::default();
        if let Some(m) = end_markers {
            opts.end_markers = m;
        }
        let response = py.detach(|| -> Result<Value, String> {
            let spec = self.engine.spec();
            let parsed = openrlhf::parse(&req, Some(spec), &opts)?;
            let tasks = parsed.tasks;
            let grouped = parsed.grouped;
            let results: Vec<ScoreResult> =
                self.run(parsed.inputs.into_iter().map(Err).collect(), true);
            let mut response = openrlhf::response(spec, &tasks, &results, grouped);
            if details {
                let statuses: Vec<Value> = results
                    .iter()
                    .map(|r| serde_json::json!({"status": r.status, "error": r.error}))
                    .collect();
                response["plaudit_results"] = Value::Array(statuses);
            }
            Ok(response)
        });
        match response {
            Ok(v) => to_py(py, &v),
            Err(msg) => Err(PyValueError::new_err(msg)),
        }
    }

    // -- scoring across processes (plaudit.ray; see shares.rs)

    /// Score a share of a batch (whole groups) without the group stage and without committing:
    /// the results with their group keys and observations, as bytes for `merge`.
    fn score_share<'py>(
        &self,
        py: Python<'py>,
        samples: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let raw = raw_samples(samples)?;
        let bytes = py.detach(|| {
            self.install(|| {
                let inputs: Vec<Input> = raw.into_par_iter().map(to_input).collect();
                let keys: Vec<Option<String>> = inputs.iter().map(Input::group).collect();
                let scorer = self
                    .engine
                    .batch::<ScoreResult>(BatchOptions {
                        skip_group_stage: true,
                        ..Default::default()
                    })
                    .scorer();
                shares::encode_share(keys, scorer.score(&inputs))
            })
        });
        Ok(PyBytes::new(py, &bytes))
    }

    /// Finish a batch from shares scored elsewhere: `parts` are `(input indices, share bytes)`
    /// covering `0..n`; the observations are committed once in input order and (with `group`)
    /// the group stage runs over the whole batch. One result dict per input, in input order.
    /// Without `commit`, the observations are dropped: the state stays as it was (`plaudit.ray`'s
    /// Ray Data scorer scores against a fixed state).
    #[pyo3(signature = (parts, n, group, commit=true))]
    fn merge<'py>(
        &self,
        py: Python<'py>,
        parts: Vec<(Vec<usize>, Vec<u8>)>,
        n: usize,
        group: bool,
        commit: bool,
    ) -> PyResult<Bound<'py, PyList>> {
        let done = py.detach(|| -> Result<Vec<ScoreResult>, String> {
            let (keys, mut results) = shares::decode_shares(parts, n)?;
            if !commit {
                for r in &mut results {
                    r.observations.clear();
                }
            }
            Ok(self.install(|| {
                let mut batch = self.engine.batch::<ScoreResult>(BatchOptions {
                    skip_group_stage: !group,
                    ..Default::default()
                });
                let given = batch.accept(keys, results);
                let done = batch.finish_after(given);
                if let Some(e) = done.state_error {
                    eprintln!("plaudit: cannot save state: {e}");
                }
                done.results
            }))
        });
        let results = done.map_err(PyValueError::new_err)?;
        let out = PyList::empty(py);
        for r in &results {
            out.append(result_to_py(py, r)?)?;
        }
        Ok(out)
    }

    /// A share no scorer could score (its actors kept dying): an `error` result for each input,
    /// worth its route's `on_error`, with `message`; as bytes for `merge`, like `score_share`.
    fn fail_share<'py>(
        &self,
        py: Python<'py>,
        samples: &Bound<'py, PyAny>,
        message: &str,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let raw = raw_samples(samples)?;
        let inputs: Vec<Input> = raw.into_iter().map(to_input).collect();
        let keys: Vec<Option<String>> = inputs.iter().map(Input::group).collect();
        let results = inputs
            .iter()
            .map(|i| {
                let (id, task) = match i {
                    Input::Sample(s) => (s.id.clone(), s.task.as_deref()),
                    Input::Invalid { id, .. } => (id.clone(), None),
                };
                let value = self.engine.failure_value(task);
                ScoreResult::failed(id, plaudit_core::Status::Error, value, message.to_string())
            })
            .collect();
        Ok(PyBytes::new(py, &shares::encode_share(keys, results)))
    }

    /// Record what commits write to the state, for `state_written` (a pool's driver).
    fn record_state(&self, on: bool) {
        self.store.record(on)
    }

    /// Every state entry `[namespace, key, value]`, as JSON bytes.
    fn state_entries<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        let bytes = serde_json::to_vec(&self.store.entries()).expect("entries serialize");
        PyBytes::new(py, &bytes)
    }

    /// The state entries written since the last call (while recording), as JSON bytes.
    fn state_written<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        let bytes = serde_json::to_vec(&self.store.take_written()).expect("entries serialize");
        PyBytes::new(py, &bytes)
    }

    /// Write state entries (`state_entries` / `state_written` bytes of another engine).
    fn load_state(&self, data: &[u8]) -> PyResult<()> {
        let entries: Vec<(String, String, Value)> = serde_json::from_slice(data)
            .map_err(|e| PyValueError::new_err(format!("state entries: {e}")))?;
        self.store.load(entries);
        Ok(())
    }

    /// Components scored per group (`route …: component `c` (reward)`), for the adapters' warnings.
    fn group_components(&self) -> Vec<String> {
        openrlhf::group_components(self.engine.spec())
    }

    /// Components that count length in tokens (`unit: tokens`).
    fn token_components(&self) -> Vec<String> {
        openrlhf::token_components(self.engine.spec())
    }
}

/// The response part of an OpenRLHF query (plaudit_wire::openrlhf::response_text): after the
/// prompt (whole, or left-truncated), without trailing end markers. ValueError when the prompt
/// cannot be found.
#[pyfunction]
#[pyo3(signature = (query, prompt, end_markers=None))]
fn openrlhf_response_text(
    query: &str,
    prompt: &str,
    end_markers: Option<Vec<String>>,
) -> PyResult<String> {
    let markers = end_markers.unwrap_or_else(|| openrlhf::Options::default().end_markers);
    openrlhf::response_text(query, prompt, &markers)
        .map(str::to_string)
        .map_err(PyValueError::new_err)
}

/// The default end-of-turn/EOS strings (plaudit_wire::openrlhf::DEFAULT_END_MARKERS).
#[pyfunction]
fn default_end_markers() -> Vec<&'static str> {
    openrlhf::DEFAULT_END_MARKERS.to_vec()
}

/// Every reward of the catalogue: `{"name", "family", "summary", "params"}` dicts, by family
/// then name (as `plaudit list`).
#[pyfunction]
fn list_rewards<'py>(py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
    let out = PyList::empty(py);
    for info in registry().all() {
        let d = PyDict::new(py);
        d.set_item("name", info.name)?;
        d.set_item("family", info.family)?;
        d.set_item("summary", info.doc().summary())?;
        let params = PyList::empty(py);
        for p in info.params {
            let pd = PyDict::new(py);
            pd.set_item("name", p.name)?;
            pd.set_item("type", p.kind.describe())?;
            let default = match p.default {
                Some(text) => match serde_json::from_str::<Value>(text) {
                    Ok(v) => to_py(py, &v)?,
                    Err(_) => text.into_pyobject(py)?.into_any(),
                },
                None => py.None().into_bound(py),
            };
            pd.set_item("default", default)?;
            pd.set_item("required", p.default.is_none())?;
            pd.set_item("doc", p.doc)?;
            params.append(pd)?;
        }
        d.set_item("params", params)?;
        out.append(d)?;
    }
    Ok(out)
}

/// A reward's full documentation (what `plaudit explain NAME` prints).
#[pyfunction]
fn explain(name: &str) -> PyResult<String> {
    match registry().get(name) {
        Some(info) => Ok(info.explain()),
        None => {
            let hint = registry()
                .suggest(name)
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            Err(PyValueError::new_err(format!(
                "unknown reward `{name}`{hint}; `plaudit.list_rewards()` shows them all"
            )))
        }
    }
}

/// The built-in default spec's YAML text.
#[pyfunction]
fn default_spec_text() -> &'static str {
    plaudit_rewards::DEFAULT_SPEC
}

/// Install a shared judge limiter for this process (`plaudit.ray`; `None` removes it): every
/// judge call's attempts are admitted by `limiter.acquire(judge, tokens, timeout_s)` →
/// `("ok", lease, None)` | `("budget", used, budget)` | `("timeout", None, None)`, then
/// `limiter.release(judge, lease)`, and `limiter.settle(judge, used, estimate)` once the
/// tokens are known. The calls come from the judges' threads, holding the interpreter.
#[pyfunction]
#[pyo3(signature = (limiter))]
fn set_judge_limiter(limiter: Option<Py<PyAny>>) {
    plaudit_judge::client::set_shared_limit(
        limiter
            .map(|l| Arc::new(shares::PyLimiter(l)) as Arc<dyn plaudit_judge::client::SharedLimit>),
    );
}

#[pymodule]
fn _plaudit(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyEngine>()?;
    m.add("SpecError", m.py().get_type::<SpecError>())?;
    m.add_function(wrap_pyfunction!(list_rewards, m)?)?;
    m.add_function(wrap_pyfunction!(explain, m)?)?;
    m.add_function(wrap_pyfunction!(default_spec_text, m)?)?;
    m.add_function(wrap_pyfunction!(openrlhf_response_text, m)?)?;
    m.add_function(wrap_pyfunction!(default_end_markers, m)?)?;
    m.add_function(wrap_pyfunction!(set_judge_limiter, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
