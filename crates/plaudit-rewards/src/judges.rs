//! The spec's `judges:` section as the catalogue reads it, and what every model-backed reward
//! (`llm_judge`, `rubric_judge`, `pairwise_judge`, `group_judge`, `remote_reward`) shares: the
//! judge it names, the call under the sample's deadline, the failure contract and the accounting
//! in the details.
//!
//! Each entry of `judges:` is a [`plaudit_judge::client::JudgeConfig`] (an OpenAI-compatible
//! endpoint, its limits, cache and sampling settings), checked when the spec is compiled so that
//! a mistake is a spec error naming the field (`judges.grader.max_concurrency: must be at least
//! 1`), never a failure at the first call. Model-backed rewards name their judge with a
//! [`plaudit_core::Kind::Judge`] parameter.
//!
//! The failure contract: a call that gives no reply ([`CallError`]) or a reply that gives no
//! verdict ([`VerdictError`]) is a failed component whose details carry `judge_error` (the typed
//! reason: `rate_limited`, `no_verdict`, `out_of_range` …), never a 0 and never a clamp; a call
//! still running at the sample's deadline is `timeout`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use plaudit_core::{Deadline, Failure, Kind, ParamSpec, Params, Sample};
use plaudit_judge::client::{
    CallError, JsonReply, Judge, JudgeConfig, Judges, Message, Reply, ReplySource,
};
use plaudit_judge::{SampleVars, Template, VerdictError};
use serde_json::{json, Value};

/// [`plaudit_core::registry::JudgeCheck`] for the catalogue: the entry parsed as a
/// [`JudgeConfig`] and validated, given back with every default filled in (the API key is never
/// in it: only the name of the variable that holds it).
pub fn check(name: &str, entry: &Value) -> Result<Value, Vec<String>> {
    let config: JudgeConfig =
        serde_json::from_value(entry.clone()).map_err(|e| vec![format!("judges.{name}: {e}")])?;
    config.validate(name).map_err(|e| vec![e.to_string()])?;
    Ok(serde_json::to_value(&config).expect("a judge configuration serializes"))
}

/// The judge a model-backed reward names. It is looked up in [`Judges::global`] at each call, not
/// kept: every component and request naming the same judge shares one set of limits, and a
/// forked worker (a trainer's data loader) builds its own connections instead of using its
/// parent's.
#[derive(Clone, Debug)]
pub(crate) struct JudgeRef {
    name: String,
    config: JudgeConfig,
}

impl JudgeRef {
    /// The judge named by the [`plaudit_core::Kind::Judge`] parameter `param`.
    pub(crate) fn from_params(p: &Params, param: &str) -> Result<JudgeRef, String> {
        let (name, entry) = p.judge(param);
        let config: JudgeConfig =
            serde_json::from_value(entry.clone()).map_err(|e| format!("judge `{name}`: {e}"))?;
        config.validate(name).map_err(|e| e.to_string())?;
        Ok(JudgeRef {
            name: name.to_string(),
            config,
        })
    }

    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    fn judge(&self) -> Result<Arc<Judge>, Failure> {
        Judges::global().get(&self.name, &self.config).map_err(|e| {
            Failure::error(format!("judge `{}`: {e}", self.name))
                .with_details(json!({"judge_error": "config", "judge": self.name}))
        })
    }

    /// One chat call under the sample's deadline: the reply, or the component's failure
    /// (`judge_error` and the call's accounting in its details).
    pub(crate) async fn ask(
        &self,
        messages: Vec<Message>,
        deadline: &Deadline,
        log: &mut CallLog,
    ) -> Result<Reply, Failure> {
        let judge = self.judge()?;
        let started = Instant::now();
        let result = judge.ask(messages, instant(deadline)).await;
        log.waited(started.elapsed());
        match result {
            Ok(reply) => {
                log.add(&reply);
                Ok(reply)
            }
            Err(e) => {
                log.failed(&e);
                Err(self.call_failure(e, log))
            }
        }
    }

    /// One JSON call to a reward model's endpoint (`path` appended to the base URL, see
    /// [`Judge::post_json`]) under the sample's deadline: the reply, or the component's failure.
    pub(crate) async fn ask_json(
        &self,
        path: &str,
        body: Value,
        deadline: &Deadline,
        log: &mut CallLog,
    ) -> Result<JsonReply, Failure> {
        let judge = self.judge()?;
        let started = Instant::now();
        let result = judge
            .ask_json(path.to_string(), body, instant(deadline))
            .await;
        log.waited(started.elapsed());
        match result {
            Ok(reply) => {
                log.add_json(&reply);
                Ok(reply)
            }
            Err(e) => {
                log.failed(&e);
                Err(self.call_failure(e, log))
            }
        }
    }

    /// A call that gave no reply, as the component's failure.
    pub(crate) fn call_failure(&self, e: CallError, log: &CallLog) -> Failure {
        let what = format!("judge `{}`: {e}", self.name);
        let details = log.details(json!({"judge_error": e.kind()}));
        match e {
            CallError::Timeout { .. } => Failure::timeout(what),
            _ => Failure::error(what),
        }
        .with_details(details)
    }

    /// A reply that gave no usable verdict, as the component's failure (the reply's first 400
    /// characters in the details, so the failure can be read where it is reported).
    pub(crate) fn verdict_failure(&self, e: VerdictError, reply: &str, log: &CallLog) -> Failure {
        Failure::error(format!("judge `{}`: {e}", self.name)).with_details(log.details(json!({
            "judge_error": e.kind(),
            "reply": excerpt(reply, 400),
        })))
    }
}

/// The deadline as the client takes it (a day away when the sample has none).
pub(crate) fn instant(deadline: &Deadline) -> Instant {
    deadline
        .at()
        .unwrap_or_else(|| Instant::now() + Duration::from_secs(86_400))
}

/// The first `n` characters of `text`, with `…` when cut.
pub(crate) fn excerpt(text: &str, n: usize) -> String {
    match text.char_indices().nth(n) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}

/// What a sample's calls to its judge cost, for its details: calls, where the replies came from,
/// tokens. One per component per sample (a rubric's or a pairwise judge's several calls add up).
#[derive(Clone, Debug, Default)]
pub(crate) struct CallLog {
    calls: u32,
    cached: u32,
    attempts: u32,
    prompt_tokens: u64,
    completion_tokens: u64,
    /// `None` while the judge has no prices.
    cost_usd: Option<f64>,
    /// Time spent waiting for the calls (limits, retries and the replies), summed over them.
    latency: Duration,
}

impl CallLog {
    pub(crate) fn add(&mut self, reply: &Reply) {
        self.calls += 1;
        self.attempts += reply.attempts;
        if reply.source != ReplySource::Call {
            self.cached += 1;
        }
        self.count(reply.usage, reply.cost_usd);
    }

    fn add_json(&mut self, reply: &JsonReply) {
        self.calls += 1;
        self.attempts += reply.attempts;
        self.count(reply.usage, reply.cost_usd);
    }

    fn count(&mut self, usage: Option<plaudit_judge::client::Usage>, cost: Option<f64>) {
        if let Some(u) = usage {
            self.prompt_tokens += u.prompt_tokens;
            self.completion_tokens += u.completion_tokens;
        }
        if let Some(c) = cost {
            *self.cost_usd.get_or_insert(0.0) += c;
        }
    }

    fn waited(&mut self, d: Duration) {
        self.latency += d;
    }

    fn failed(&mut self, e: &CallError) {
        self.calls += 1;
        self.attempts += e.attempts();
    }

    /// Adds `other`'s calls to these: the calls of one sample that run concurrently (a rubric's
    /// criteria, a pairwise judge's two orders) each keep a log of their own.
    pub(crate) fn merge(&mut self, other: &CallLog) {
        self.calls += other.calls;
        self.cached += other.cached;
        self.attempts += other.attempts;
        self.prompt_tokens += other.prompt_tokens;
        self.completion_tokens += other.completion_tokens;
        if let Some(c) = other.cost_usd {
            *self.cost_usd.get_or_insert(0.0) += c;
        }
        self.latency += other.latency;
    }

    /// `fields` with the accounting added: `calls`, `attempts` (HTTP requests sent), `cached`
    /// (replies from the cache or shared with an identical call), `usage` (tokens the judge
    /// reported), `cost_usd` when the judge has prices, and `latency_ms` (the time spent waiting
    /// for the calls, summed over them: queueing under the judge's limits, retries and replies).
    pub(crate) fn details(&self, mut fields: Value) -> Value {
        let m = fields.as_object_mut().expect("details are an object");
        m.insert("calls".into(), json!(self.calls));
        m.insert("attempts".into(), json!(self.attempts));
        m.insert("cached".into(), json!(self.cached));
        m.insert(
            "usage".into(),
            json!({"prompt_tokens": self.prompt_tokens, "completion_tokens": self.completion_tokens}),
        );
        if let Some(c) = self.cost_usd {
            m.insert("cost_usd".into(), json!(c));
        }
        let ms = (self.latency.as_secs_f64() * 1e6).round() / 1e3;
        m.insert("latency_ms".into(), json!(ms));
        fields
    }
}

/// A sample's template variables (`{{prompt}}`, `{{response}}`, `{{reference}}`, `{{meta.KEY}}`),
/// the response [`fenced`].
pub(crate) struct Vars {
    meta: Value,
    response: String,
}

impl Vars {
    pub(crate) fn new(sample: &Sample) -> Vars {
        Vars {
            meta: Value::Object(sample.meta.clone()),
            response: fenced(&sample.response).into_owned(),
        }
    }

    pub(crate) fn of<'a>(
        &'a self,
        sample: &'a Sample,
        criterion: Option<&'a str>,
    ) -> SampleVars<'a> {
        SampleVars {
            prompt: &sample.prompt,
            response: &self.response,
            reference: &sample.reference,
            meta: &self.meta,
            criterion,
        }
    }
}

/// The closing tags of the default templates' fences around untrusted text (`</response>`,
/// `</response_a>`, `</response_b>`, `</candidate>`), any case.
fn fence_close() -> &'static regex::Regex {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| {
        regex::Regex::new(r"(?i)</(\s*(?:response|candidate))").expect("fixed pattern")
    })
}

/// A response as the judge sees it: its text, except that a closing tag of the default
/// templates' fences becomes `<\/response>` (`<\/candidate>` …). A policy cannot end the fence
/// around its response early and write instructions or a verdict that look like the template's
/// own; the judge still reads what was written.
pub(crate) fn fenced(text: &str) -> std::borrow::Cow<'_, str> {
    fence_close().replace_all(text, r"<\/$1")
}

/// `template` rendered for `sample`, or the component's `invalid_input` failure naming the
/// placeholder the sample cannot fill (`{{meta.topic}}` of a sample without `meta.topic`).
pub(crate) fn render(template: &Template, vars: SampleVars) -> Result<String, Failure> {
    vars.render(template)
        .map_err(|e| Failure::invalid_input(format!("template: {e}")))
}

/// A template parameter, parsed (an error names the placeholder and where).
pub(crate) fn template_param(p: &Params, name: &str, default: &str) -> Result<Template, String> {
    template_param_with(p, name, default, plaudit_judge::DEFAULT_NAMES)
}

/// [`template_param`] for a template that knows exactly the placeholders `known`.
pub(crate) fn template_param_with(
    p: &Params,
    name: &str,
    default: &str,
    known: &[&str],
) -> Result<Template, String> {
    let text = match p.str(name) {
        "" => default,
        t => t,
    };
    Template::parse_with(text, known).map_err(|e| format!("`{name}`: {e}"))
}

/// The `range` parameter: `None` when it is empty, else its two numbers (the verdict parser
/// checks their order).
pub(crate) fn range_param(p: &Params) -> Result<Option<(f64, f64)>, String> {
    match p.f64s("range")[..] {
        [] => Ok(None),
        [lo, hi] => Ok(Some((lo, hi))),
        ref r => Err(format!(
            "`range` must be two numbers [lo, hi], got {} numbers",
            r.len()
        )),
    }
}

/// A number as a template or a detail writes it: a whole number without `.0`.
pub(crate) fn number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        x.to_string()
    }
}

/// The messages of one call: the optional system prompt, then the rendered user message.
pub(crate) fn messages(system: &str, user: String) -> Vec<Message> {
    let mut m = Vec::with_capacity(2);
    if !system.is_empty() {
        m.push(Message::system(system));
    }
    m.push(Message::user(user));
    m
}

/// Runs an I/O reward's future to its end on this thread (the synchronous [`plaudit_core::Reward::score`]
/// of a model-backed reward, for callers outside the engine's I/O stage: tests, `score_input`).
/// The calls themselves run on the judges' own I/O runtime, so no executor is needed here.
pub(crate) fn wait<T>(f: impl std::future::Future<Output = T>) -> T {
    futures_executor::block_on(f)
}

/// The `judge` parameter of a reward that asks a chat judge.
pub(crate) const JUDGE_PARAM: ParamSpec =
    ParamSpec::required("judge", Kind::Judge, "the judge to ask (from `judges:`)");
/// The `template` parameter of a reward with one built-in user message.
pub(crate) const TEMPLATE_PARAM: ParamSpec = ParamSpec::new(
    "template",
    Kind::Str,
    "\"\"",
    "the user message; \"\": the built-in one",
);
/// The `system` parameter of a reward that asks a chat judge.
pub(crate) const SYSTEM_PARAM: ParamSpec = ParamSpec::new(
    "system",
    Kind::Str,
    "\"\"",
    "system message, sent when not empty",
);

/// The `keyword` parameter of a reward that reads a verdict line.
pub(crate) const KEYWORD_PARAM: ParamSpec = ParamSpec::new(
    "keyword",
    Kind::Str,
    "\"VERDICT\"",
    "keyword of the verdict line",
);

/// `impl Reward` for a per-sample model-backed reward whose `async fn $method(&self, s, cx) ->
/// Outcome` scores a sample: `io()` true, `score_io` that future, `score` the same [`wait`]ed.
macro_rules! io_reward {
    ($ty:ty, $method:ident) => {
        impl plaudit_core::Reward for $ty {
            fn score(
                &self,
                s: &plaudit_core::Sample,
                cx: &plaudit_core::Ctx,
            ) -> plaudit_core::Outcome {
                $crate::judges::wait(self.$method(s, cx))
            }
            fn io(&self) -> bool {
                true
            }
            fn score_io<'a>(
                &'a self,
                s: &'a plaudit_core::Sample,
                cx: &'a plaudit_core::Ctx<'a>,
            ) -> plaudit_core::BoxFuture<'a, plaudit_core::Outcome> {
                Box::pin(self.$method(s, cx))
            }
        }
    };
}
pub(crate) use io_reward;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn closing_tags_of_the_fences_are_defused_in_any_case() {
        assert_eq!(
            fenced("a </RESPONSE > b </Candidate> c </response_b> d </answer> e"),
            "a <\\/RESPONSE > b <\\/Candidate> c <\\/response_b> d </answer> e"
        );
        assert!(matches!(fenced("no tags"), std::borrow::Cow::Borrowed(_)));
    }

    // The first n characters, with `…` only when cut (characters, not bytes).
    #[test]
    fn excerpts_cut_at_characters() {
        assert_eq!(excerpt("héllo", 2), "hé…");
        assert_eq!(excerpt("hé", 2), "hé");
        assert_eq!(excerpt("abc", 0), "…");
        assert_eq!(excerpt("", 0), "");
    }

    // Whole numbers without `.0` (negative zero as 0), others as Rust writes them, and whole
    // numbers past 1e15 not through an integer (which saturates past 2^63).
    #[test]
    fn numbers_as_templates_write_them() {
        assert_eq!(number(3.0), "3");
        assert_eq!(number(-2.0), "-2");
        assert_eq!(number(-0.0), "0");
        assert_eq!(number(2.5), "2.5");
        assert_eq!(number(-0.25), "-0.25");
        assert_eq!(number(1e19), "10000000000000000000");
    }

    // The system message only when given, before the user's.
    #[test]
    fn messages_of_a_call() {
        assert_eq!(messages("", "u".into()), vec![Message::user("u")]);
        assert_eq!(
            messages("s", "u".into()),
            vec![Message::system("s"), Message::user("u")]
        );
    }

    // No deadline: a day away.
    #[test]
    fn no_deadline_is_a_day_away() {
        let before = Instant::now();
        let at = instant(&Deadline::none());
        assert!(at >= before + Duration::from_secs(86_400));
        assert!(at <= Instant::now() + Duration::from_secs(86_400));
    }

    fn reply(source: ReplySource, attempts: u32, cost: Option<f64>) -> Reply {
        Reply {
            text: String::new(),
            refusal: None,
            finish_reason: None,
            usage: Some(plaudit_judge::client::Usage {
                prompt_tokens: 10,
                completion_tokens: 3,
            }),
            attempts,
            source,
            cost_usd: cost,
        }
    }

    // The accounting: calls, attempts, replies not from a request of their own, tokens, cost
    // only once priced, waits summed, a concurrent log merged in; latency in ms to the µs.
    #[test]
    fn the_call_log_adds_up() {
        let mut a = CallLog::default();
        a.add(&reply(ReplySource::Call, 2, None));
        a.add(&reply(ReplySource::Cache, 0, None));
        a.waited(Duration::from_nanos(1_234_567));
        assert_eq!(
            a.details(json!({"k": 1})),
            json!({"k": 1, "calls": 2, "attempts": 2, "cached": 1,
                   "usage": {"prompt_tokens": 20, "completion_tokens": 6}, "latency_ms": 1.235})
        );
        let mut b = CallLog::default();
        b.add(&reply(ReplySource::Coalesced, 0, Some(0.5)));
        b.add_json(&JsonReply {
            body: json!({}),
            usage: None,
            attempts: 3,
            cost_usd: Some(0.25),
        });
        b.failed(&CallError::Timeout { attempts: 4 });
        b.waited(Duration::from_millis(2));
        a.merge(&b);
        assert_eq!(
            a.details(json!({})),
            json!({"calls": 5, "attempts": 9, "cached": 2,
                   "usage": {"prompt_tokens": 30, "completion_tokens": 9},
                   "cost_usd": 0.75, "latency_ms": 3.235})
        );
        let mut c = CallLog::default();
        c.merge(&a);
        assert_eq!(c.details(json!({})), a.details(json!({})));
    }

    fn judge_ref() -> JudgeRef {
        JudgeRef {
            name: "grader".into(),
            config: serde_json::from_value(json!({"base_url": "http://h/v1", "model": "m"}))
                .unwrap(),
        }
    }

    // A call with no reply: `timeout` for the deadline, `error` otherwise, the kind and the
    // accounting in the details.
    #[test]
    fn call_failures_keep_their_kind() {
        let mut log = CallLog::default();
        log.failed(&CallError::Timeout { attempts: 1 });
        let f = judge_ref().call_failure(CallError::Timeout { attempts: 1 }, &log);
        assert_eq!(f.status, plaudit_core::Status::Timeout);
        assert!(f.message.starts_with("judge `grader`: "), "{}", f.message);
        let d = f.details.unwrap();
        assert_eq!(d["judge_error"], json!("timeout"));
        assert_eq!(d["calls"], json!(1));
        let e = CallError::Connection {
            message: "refused".into(),
            attempts: 2,
        };
        let f = judge_ref().call_failure(e, &CallLog::default());
        assert_eq!(f.status, plaudit_core::Status::Error);
        assert_eq!(f.details.unwrap()["judge_error"], json!("connection"));
    }

    // A reply with no verdict: an error naming the judge, the kind and the reply's start.
    #[test]
    fn verdict_failures_carry_the_reply() {
        let reply = "x".repeat(401);
        let f = judge_ref().verdict_failure(VerdictError::EmptyReply, &reply, &CallLog::default());
        assert_eq!(f.status, plaudit_core::Status::Error);
        assert!(f.message.starts_with("judge `grader`: "), "{}", f.message);
        let d = f.details.unwrap();
        assert_eq!(d["judge_error"], json!(VerdictError::EmptyReply.kind()));
        assert_eq!(d["reply"], json!(format!("{}…", "x".repeat(400))));
        assert_eq!(d["calls"], json!(0));
    }

    #[test]
    fn an_entry_is_checked_and_resolved() {
        let ok = check(
            "grader",
            &json!({"base_url": "http://127.0.0.1:8000/v1", "model": "m", "api_key_env": "JUDGE_KEY"}),
        )
        .unwrap();
        assert_eq!(ok["model"], json!("m"));
        assert_eq!(ok["api_key_env"], json!("JUDGE_KEY"));
        assert!(
            ok.get("max_concurrency").is_some(),
            "defaults filled in: {ok}"
        );
        assert_eq!(
            check(
                "grader",
                &json!({"base_url": "http://h/v1", "model": "m", "max_concurrency": 0})
            ),
            Err(vec![
                "judges.grader.max_concurrency: must be at least 1".to_string()
            ])
        );
        let unknown = check(
            "g",
            &json!({"base_url": "http://h/v1", "model": "m", "tempo": 1}),
        );
        assert!(
            unknown.as_ref().unwrap_err()[0].starts_with("judges.g: unknown field `tempo`"),
            "{unknown:?}"
        );
    }
}
