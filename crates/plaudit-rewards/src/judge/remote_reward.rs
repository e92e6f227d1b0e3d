//! Remote reward: the score of a reward model behind HTTP (OpenRLHF's `/get_reward`, another Plaudit, vLLM's pooling or classification endpoints), mapped linearly.
//!
//! ## What it computes
//! The sample's text `input` (a template; by default the prompt followed directly by the
//! response, `{{prompt}}{{response}}`) is POSTed to the judge `judge` of the spec's `judges:`
//! section, one request per sample, at `path` appended to the judge's `base_url` (its origin,
//! `http://host:port`, without `/v1`, unless the server wants it), and the raw score `x` read
//! from the reply gives the reward `r = scale · x + offset`. By `protocol`:
//! - `openrlhf` (path `/get_reward`): OpenRLHF's remote reward protocol, as its trainer sends it
//!   (`--reward.remote_url`) and as `plaudit serve` answers it: `{"query": [input], "prompts":
//!   [prompt], "labels": [reference]}` (plus one column per name in `fields`), reply
//!   `{"rewards": [x]}` (or `{"scores": [x]}` when it has no `rewards`). With another Plaudit
//!   behind it the default `input` is what it expects: it finds the prompt at the start of the
//!   query and scores the rest as the response, with the reference as `labels`.
//! - `vllm_pooling` (path `/pooling`): `{"model": MODEL, "input": input}` to a reward model
//!   served by `vllm serve … --runner pooling`; `x` is `data[0].data[0]` (or `data[0].data`
//!   when it is a number).
//! - `vllm_classify` (path `/classify`): `{"model": MODEL, "input": input}` to a sequence
//!   classifier; `x` is `data[0].probs[label_index]`, the probability of that class.
//!
//! `MODEL` is the judge's `model`. vLLM applies no chat template to a plain `input`: give the
//! reward model the text it was trained on by writing it in `input` (its chat markers around
//! `{{prompt}}` and `{{response}}`). A reply without the score where the protocol puts it (a
//! missing key, an empty list, `null`, a string) fails with `judge_error: no_score` and the
//! reply's first 400 characters; a reward that is not finite after the mapping is `non_finite`;
//! a body that is not JSON (Python's `json` writes `NaN` for a NaN score, which is not JSON) is
//! `malformed_reply`; a call that gives no reply fails with the client's reason (`rate_limited`,
//! `http_status`, `connection`, `timeout` …) — never a 0. Reward-model replies are not cached.
//! The details: `raw` (x), `protocol`, `judge`, and the call's `calls`, `attempts`, `usage`.
//!
//! ## Why
//! Many RL setups score rollouts with a trained reward model served on its own GPUs (a
//! Bradley–Terry head behind OpenRLHF's `serve_rm`, a classifier behind vLLM) or with a reward
//! server shared by several trainers. OpenRLHF's protocol is also what `plaudit serve` speaks,
//! so one Plaudit can call another: a small trainer-side spec that mixes local checks with the
//! verdicts of a central server that holds the sandboxes or the judges. Going through the
//! spec's `judges:` gives the remote model the same shared concurrency and rate limits,
//! retries bounded by the deadline, routing across `base_urls` and usage accounting as any
//! judge; a missing or non-finite score is a failure you see rather than a silent 0.
//!
//! ## Parameters
//! - `judge` (judge name; required): the entry of `judges:` for the reward-model server
//!   (`base_url` its origin, `model` the model's name for vLLM).
//! - `protocol` (`openrlhf` | `vllm_pooling` | `vllm_classify`; default `openrlhf`): the
//!   request and where the score is in the reply.
//! - `path` (string; default `""`: `/get_reward`, `/pooling` or `/classify` by protocol): the
//!   endpoint, appended to `base_url`.
//! - `input` (string; default `""`: `{{prompt}}{{response}}`): the text scored, a template with
//!   `{{prompt}}`, `{{response}}`, `{{reference}}`, `{{reference.KEY}}`, `{{meta.KEY}}`.
//! - `label_index` (integer ≥ 0; default `0`): the class whose probability is the score
//!   (`vllm_classify`).
//! - `scale` (number; default `1`) and `offset` (number; default `0`): `r = scale · x + offset`
//!   (a Bradley–Terry logit is unbounded: `scale: 0.1` keeps it near the other components).
//! - `fields` (list of strings; default `[]`): sample fields sent as extra OpenRLHF columns,
//!   among `task`, `group`, `id`, `tokens`, `meta` (`task` routes the sample on a Plaudit
//!   server with several routes).
//!
//! ## Example
//! The reward model is Plaudit's test peer: `score X` makes it score the input X.
//! ```json
//! {"judges": {"rm": {"base_url": "http://127.0.0.1:8000", "model": "rm"}}, "params": {"judge": "rm"}, "sample": {"prompt": "What is 48 + 24?", "response": " 72", "reference": "72"}, "judge_says": {"": "score 0.9"}, "value": 0.9}
//! {"judges": {"rm": {"base_url": "http://127.0.0.1:8000", "model": "rm"}}, "params": {"judge": "rm", "protocol": "vllm_pooling", "scale": 0.25, "offset": 0.5}, "sample": {"prompt": "Write a haiku.", "response": "Leaves fall"}, "judge_says": {"": "score -1.2"}, "value": 0.2}
//! {"judges": {"rm": {"base_url": "http://127.0.0.1:8000", "model": "rm"}}, "params": {"judge": "rm", "protocol": "vllm_classify"}, "sample": {"prompt": "Is this safe?", "response": "Yes."}, "judge_says": {"": "score 0.25"}, "value": 0.25}
//! {"judges": {"rm": {"base_url": "http://127.0.0.1:8000", "model": "rm"}}, "params": {"judge": "rm"}, "sample": {"prompt": "What is 48 + 24?", "response": " 72"}, "judge_says": {"": "malformed"}, "status": "error"}
//! ```
//! The last fails: the reply is not JSON (`judge_error: malformed_reply`).

use std::sync::Arc;

use plaudit_core::{
    Ctx, Failure, Kind, Outcome, ParamSpec, Params, Reward, RewardInfo, Sample, Score,
};
use plaudit_judge::Template;
use serde_json::{json, Value};

use crate::judges::{excerpt, io_reward, render, template_param, CallLog, JudgeRef, Vars};

pub const INFO: RewardInfo = RewardInfo {
    name: "remote_reward",
    family: "judge",
    source: include_str!("remote_reward.rs"),
    params: PARAMS,
    build,
};

const PARAMS: &[ParamSpec] = &[
    ParamSpec::required(
        "judge",
        Kind::Judge,
        "the reward-model server (from `judges:`)",
    ),
    ParamSpec::new(
        "protocol",
        Kind::Enum(&["openrlhf", "vllm_pooling", "vllm_classify"]),
        "\"openrlhf\"",
        "the request and where the score is in the reply",
    ),
    ParamSpec::new(
        "path",
        Kind::Str,
        "\"\"",
        "the endpoint; \"\": the protocol's",
    ),
    ParamSpec::new(
        "input",
        Kind::Str,
        "\"\"",
        "the text scored; \"\": {{prompt}}{{response}}",
    ),
    ParamSpec::new(
        "label_index",
        Kind::Int,
        "0",
        "the class scored (vllm_classify)",
    )
    .min(0.0),
    ParamSpec::new("scale", Kind::Float, "1", "r = scale * x + offset"),
    ParamSpec::new("offset", Kind::Float, "0", "r = scale * x + offset"),
    ParamSpec::new(
        "fields",
        Kind::StrList,
        "[]",
        "sample fields sent as OpenRLHF columns",
    ),
];

const FIELDS: &[&str] = &["task", "group", "id", "tokens", "meta"];

#[derive(Clone, Copy, PartialEq)]
enum Protocol {
    OpenRlhf,
    Pooling,
    Classify,
}

impl Protocol {
    fn name(self) -> &'static str {
        match self {
            Protocol::OpenRlhf => "openrlhf",
            Protocol::Pooling => "vllm_pooling",
            Protocol::Classify => "vllm_classify",
        }
    }
}

struct RemoteReward {
    judge: JudgeRef,
    protocol: Protocol,
    path: String,
    model: String,
    input: Template,
    label_index: usize,
    scale: f64,
    offset: f64,
    fields: Vec<String>,
}

fn build(p: &Params) -> Result<Arc<dyn Reward>, String> {
    let judge = JudgeRef::from_params(p, "judge")?;
    let model = p.judge("judge").1["model"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let protocol = match p.str("protocol") {
        "vllm_pooling" => Protocol::Pooling,
        "vllm_classify" => Protocol::Classify,
        _ => Protocol::OpenRlhf,
    };
    let path = match (p.str("path"), protocol) {
        ("", Protocol::OpenRlhf) => "/get_reward".to_string(),
        ("", Protocol::Pooling) => "/pooling".to_string(),
        ("", Protocol::Classify) => "/classify".to_string(),
        (path, _) if path.starts_with('/') => path.to_string(),
        (path, _) => return Err(format!("`path` must start with `/`, got {path:?}")),
    };
    let fields = p.strs("fields");
    if let Some(f) = fields.iter().find(|f| !FIELDS.contains(&f.as_str())) {
        return Err(format!(
            "`fields`: unknown field `{f}` (known: {})",
            FIELDS.join(", ")
        ));
    }
    if !fields.is_empty() && protocol != Protocol::OpenRlhf {
        return Err("`fields` are OpenRLHF columns: only with `protocol: openrlhf`".into());
    }
    let (scale, offset) = (p.f64("scale"), p.f64("offset"));
    if !(scale.is_finite() && offset.is_finite()) {
        return Err("`scale` and `offset` must be finite".into());
    }
    Ok(Arc::new(RemoteReward {
        judge,
        protocol,
        path,
        model,
        input: template_param(p, "input", "{{prompt}}{{response}}")?,
        label_index: p.usize("label_index")?,
        scale,
        offset,
        fields,
    }))
}

impl RemoteReward {
    fn body(&self, s: &Sample, input: String) -> Value {
        match self.protocol {
            Protocol::OpenRlhf => {
                let mut body =
                    json!({"query": [input], "prompts": [s.prompt], "labels": [s.reference]});
                for f in &self.fields {
                    let v = match f.as_str() {
                        "task" => json!(s.task),
                        "group" => json!(s.group),
                        "id" => s.id.clone(),
                        "tokens" => json!(s.tokens),
                        _ => Value::Object(s.meta.clone()),
                    };
                    body[f.as_str()] = json!([v]);
                }
                body
            }
            Protocol::Pooling | Protocol::Classify => json!({"model": self.model, "input": input}),
        }
    }

    /// The raw score where the protocol puts it.
    fn raw(&self, reply: &Value) -> Option<f64> {
        match self.protocol {
            Protocol::OpenRlhf => {
                let list = match reply.get("rewards") {
                    Some(Value::Null) | None => reply.get("scores")?,
                    Some(r) => r,
                };
                match list.as_array()?.as_slice() {
                    [x] => x.as_f64(),
                    _ => None,
                }
            }
            Protocol::Pooling => {
                let data = reply.get("data")?.get(0)?.get("data")?;
                data.as_f64().or_else(|| data.get(0)?.as_f64())
            }
            Protocol::Classify => reply
                .get("data")?
                .get(0)?
                .get("probs")?
                .get(self.label_index)?
                .as_f64(),
        }
    }

    async fn call(&self, s: &Sample, cx: &Ctx<'_>) -> Outcome {
        let input = {
            let vars = Vars::new(s);
            render(&self.input, vars.of(s, None))?
        };
        let mut log = CallLog::default();
        let reply = self
            .judge
            .ask_json(&self.path, self.body(s, input), cx.deadline, &mut log)
            .await?;
        let shown = || excerpt(&reply.body.to_string(), 400);
        let Some(x) = self.raw(&reply.body) else {
            return Err(Failure::error(format!(
                "judge `{}`: no score in the {} reply",
                self.judge.name(),
                self.protocol.name()
            ))
            .with_details(log.details(json!({"judge_error": "no_score", "reply": shown()}))));
        };
        let r = self.scale * x + self.offset;
        if !r.is_finite() {
            return Err(Failure::error(format!(
                "judge `{}`: the reward {r} (raw score {x}) is not finite",
                self.judge.name()
            ))
            .with_details(log.details(json!({"judge_error": "non_finite", "raw": x}))));
        }
        Ok(Score::with_details(
            r,
            log.details(json!({
                "judge": self.judge.name(),
                "protocol": self.protocol.name(),
                "raw": x,
            })),
        ))
    }
}

io_reward!(RemoteReward, call);
