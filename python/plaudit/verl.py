"""verl adapter: a Plaudit reward manager, and ``compute_score`` for verl's own managers.

:class:`PlauditRewardManager` scores a verl ``DataProto`` batch with a spec: groups from
``uid``, ``tokens`` from the response mask, end-of-turn/EOS strings stripped, routes from
``data_source``, the components in ``reward_extra_info`` (with ``acc``). It is constructed as
verl's managers are, both ways verl 0.9 has:

* the reward loop (verl 0.9's trainer; one rollout per call): ``reward.reward_manager.source=importlib
  reward.reward_manager.module.path=pkg://plaudit.verl reward.reward_manager.name=PlauditRewardManager``;
* the legacy registry (``verl.workers.reward_manager``, whole batches): :func:`register` adds it as
  ``plaudit``.

``compute_score`` / ``compute_score_batch`` plug into verl's own managers (``naive``, ``dapo``,
``prime``, ``batch``) through ``custom_reward_function`` (``path=pkg://plaudit.verl``, or a file
that imports them). They return ``{"score", "acc", <component>…, "plaudit_ok"}`` with the same keys
for every sample; verl's ``prime`` manager reads ``result[0]``, which is the score.

The spec is the built-in default unless ``spec=<path>`` is passed (verl passes
``reward_kwargs`` as keyword arguments) or ``PLAUDIT_SPEC`` names a file. verl's
``data_source`` chooses the task (the spec's route): see :data:`DATA_SOURCE_TASKS` and
:func:`task_for`; ``extra_info["task"]`` overrides it.
"""
from __future__ import annotations

import asyncio
import json
import numbers
import os
import threading
import weakref
from typing import Any, Callable, Iterable, Mapping, Sequence

# Absolute imports: verl may load this file by path (custom_reward_function.path), outside the
# package. From the modules, never from the package's top level: no import runs back up.
from plaudit import _plaudit
from plaudit._failures import FailureReport
from plaudit._groups import prompt_key
from plaudit._reward import Reward

#: verl data sources (as verl's preprocessing scripts and common datasets name them) → task.
DATA_SOURCE_TASKS: dict[str, str] = {
    # math
    "openai/gsm8k": "math",
    "gsm8k": "math",
    "lighteval/MATH": "math",
    "DigitalLearningGmbH/MATH-lighteval": "math",
    "HuggingFaceH4/MATH-500": "math",
    "math500": "math",
    "math": "math",
    "math_dapo": "math",
    "BytedTsinghua-SIA/DAPO-Math-17k": "math",
    "BytedTsinghua-SIA/AIME-2024": "math",
    "aime24": "math",
    "aime25": "math",
    "aime2024": "math",
    "aime2025": "math",
    "amc23": "math",
    "agentica-org/DeepScaleR-Preview-Dataset": "math",
    "deepscaler": "math",
    "AI-MO/NuminaMath-CoT": "math",
    "open-r1/OpenR1-Math-220k": "math",
    "olympiadbench": "math",
    "minerva_math": "math",
    # question answering (Search-R1 style)
    "nq": "qa",
    "triviaqa": "qa",
    "popqa": "qa",
    "hotpotqa": "qa",
    "2wikimultihopqa": "qa",
    "musique": "qa",
    "bamboogle": "qa",
    "hiyouga/geometry3k": "math",
    # multiple choice
    "Idavidrein/gpqa": "science",
    "gpqa": "science",
    "gpqa_diamond": "science",
    # code (the default spec has no code verifier yet: route it in your own spec)
    "codecontests": "code",
    "apps": "code",
    "codeforces": "code",
    "taco": "code",
    "livecodebench": "code",
    "humaneval": "code",
    "humanevalplus": "code",
    "mbpp": "code",
    "PRIME-RL/Eurus-2-RL-Data": "code",
}

_PREFIXES: tuple[tuple[str, str], ...] = (
    ("numina_", "math"),
    ("searchR1_", "qa"),
    ("simplelr_", "math"),
)


def task_for(data_source: Any) -> str | None:
    """The task for a verl data source: the table, then known prefixes (``numina_*`` → math,
    ``searchR1_*`` → qa), then any name containing ``math`` or ``gsm8k`` → math; otherwise the
    data source itself (so that a spec can route on verl's own names)."""
    if data_source is None:
        return None
    ds = str(data_source)
    task = DATA_SOURCE_TASKS.get(ds)
    if task is not None:
        return task
    for prefix, t in _PREFIXES:
        if ds.startswith(prefix):
            return t
    low = ds.lower()
    if "math" in low or "gsm8k" in low or "aime" in low:
        return "math"
    return ds



_REWARDS: dict[str | None, Reward] = {}
_LOCK = threading.Lock()
_REPORT = FailureReport("verl")


def _reward(spec: str | os.PathLike[str] | Reward | None) -> Reward:
    if isinstance(spec, Reward):
        return spec
    key = os.fspath(spec) if spec is not None else os.environ.get("PLAUDIT_SPEC") or None
    with _LOCK:
        r = _REWARDS.get(key)
        if r is None:
            r = Reward.default() if key is None else Reward.from_file(key)
            _REWARDS[key] = r
    return r


def _reference(ground_truth: Any) -> Any:
    # verl's QA datasets store {"target": [answers]}: the core reads lists of acceptable answers.
    if isinstance(ground_truth, Mapping) and "answer" not in ground_truth and "target" in ground_truth:
        return ground_truth["target"]
    return ground_truth


#: Keys verl itself adds to ``extra_info`` before calling a reward function (not the dataset's).
_VERL_KEYS = frozenset({"rollout_reward_scores", "num_turns", "tool_extra_fields", "reward_model_tokenizer"})


def _jsonable(o: Any) -> Any:
    return o.tolist() if hasattr(o, "tolist") else repr(o)


def _row_key(data_source: Any, ground_truth: Any, extra_info: Any) -> str:
    """A group key for a dataset row when verl gives no ``uid``: the hash of its data source,
    ground truth and ``extra_info`` (without the keys verl adds). ``extra_info["index"]`` alone
    restarts in every parquet file, so two files' rows with the same index stay apart."""
    extra = {k: v for k, v in extra_info.items() if k not in _VERL_KEYS} if isinstance(extra_info, Mapping) else None
    text = json.dumps([str(data_source), ground_truth, extra], sort_keys=True, default=_jsonable, ensure_ascii=False)
    return prompt_key(text)


def _sample(i: int, data_source: Any, solution_str: Any, ground_truth: Any, extra_info: Any,
            group: Any = None) -> dict[str, Any]:
    s: dict[str, Any] = {"id": i, "response": solution_str, "reference": _reference(ground_truth)}
    task = None
    if isinstance(extra_info, Mapping):
        task = extra_info.get("task")
        question = extra_info.get("question", extra_info.get("prompt"))
        if isinstance(question, str):
            s["prompt"] = question
        g = extra_info.get("group", extra_info.get("uid"))
        if group is None and (isinstance(g, str) or (isinstance(g, numbers.Integral) and not isinstance(g, bool))):
            group = g
    if isinstance(extra_info, Mapping):
        t = extra_info.get("tokens")
        if isinstance(t, numbers.Integral) and not isinstance(t, bool):
            s["tokens"] = int(t)
    if isinstance(group, numbers.Integral) and not isinstance(group, bool):
        group = int(group)  # numpy integers from parquet too
    if group is not None:
        s["group"] = group
    if task is None:
        task = task_for(data_source)
    if task is not None:
        s["task"] = task
    return s


class VerlScore(dict[str, float]):
    """A result dict for verl: ``{"score", "acc", <component>…, "plaudit_ok"}``. verl's ``prime``
    manager reads ``result[0]`` of anything that is not a number: that is the score here."""

    __slots__ = ()

    def __getitem__(self, key: Any) -> float:
        if key == 0 and not isinstance(key, bool):
            return dict.__getitem__(self, "score")
        return dict.__getitem__(self, key)


class _Shape:
    """What a spec's results look like in verl: the fixed keys, each route's components and
    failure value, and the ``acc`` rule."""

    def __init__(self, reward: Reward):
        spec = reward.spec
        top_on_error = float(spec.get("on_error", 0.0))
        self.routes: dict[str | None, tuple[frozenset[str], float]] = {}
        if spec.get("components"):
            self.routes[None] = (frozenset(spec["components"]), top_on_error)
        for name, route in (spec.get("routes") or {}).items():
            self.routes[name] = (frozenset(route.get("components") or ()), float(route.get("on_error", top_on_error)))
        self.components = [c for c in reward.components if c not in ("score", "acc", "plaudit_ok")]

    def route(self, task: Any) -> tuple[frozenset[str], float]:
        if isinstance(task, str) and task in self.routes:
            return self.routes[task]
        return self.routes.get(None, (frozenset(), 0.0))

    def row(self, sample: Mapping[str, Any], result: Mapping[str, Any]) -> VerlScore:
        names, on_error = self.route(sample.get("task"))
        comps = result["components"]
        d = VerlScore(score=float(result["reward"]))
        for c in self.components:
            if c in comps:
                d[c] = float(comps[c])
            elif c in names:
                d[c] = on_error  # the component failed: its failure value
            else:
                d[c] = 0.0  # not a component of this sample's route
        # acc (DAPO's filter_groups.metric=acc): the spec's `acc` component, else `correct` when the
        # sample's route has it, else the reward.
        if "acc" in comps or "acc" in names:
            d["acc"] = float(comps.get("acc", on_error))
        elif "correct" in names:
            d["acc"] = d["correct"]
        else:
            d["acc"] = d["score"]
        d["plaudit_ok"] = 1.0 if result["status"] == "ok" else 0.0
        return d


_SHAPES: "weakref.WeakKeyDictionary[Reward, _Shape]" = weakref.WeakKeyDictionary()


def _shape(reward: Reward) -> _Shape:
    with _LOCK:
        s = _SHAPES.get(reward)
        if s is None:
            s = _SHAPES[reward] = _Shape(reward)
    return s


def _refuse_groups(reward: Reward, where: str) -> None:
    groups = reward._engine.group_components()
    if groups:
        raise ValueError(
            f"{'; '.join(groups)} scored per group, but {where} scores one rollout at a time, so "
            "every group would be a group of one: use PlauditRewardManager on whole batches "
            "(the legacy registry) or compute_score_batch, or a spec without group rewards"
        )


def _refuse_missing_tokens(reward: Reward, samples: list[dict[str, Any]], where: str) -> None:
    if any("tokens" not in s for s in samples):
        needs = reward._engine.token_components()
        if needs:
            raise ValueError(
                f"{'; '.join(needs)} count(s) length in tokens, and {where} gets text without token "
                "counts: use PlauditRewardManager (it counts the response mask), put `tokens` in "
                "extra_info, or set `unit: chars` or `unit: words`"
            )


def _score(reward: Reward, samples: list[dict[str, Any]]) -> list[VerlScore]:
    results = reward.score(samples)
    _REPORT(results)
    shape = _shape(reward)
    return [shape.row(s, r) for s, r in zip(samples, results)]


def compute_score(
    data_source: Any,
    solution_str: str,
    ground_truth: Any,
    extra_info: Mapping[str, Any] | None = None,
    *,
    spec: str | os.PathLike[str] | Reward | None = None,
    **kwargs: Any,
) -> dict[str, float]:
    """Score one response as verl's per-sample managers ask (``naive``, ``dapo``, the reward
    loop; ``prime`` calls it positionally): ``{"score", "acc", <component>…, "plaudit_ok"}``.
    Unknown keyword arguments (verl passes its ``reward_kwargs``) are ignored. Refused with a
    ``ValueError`` naming the components: a spec with group rewards (one sample is a group of
    one), and a spec that counts tokens unless ``extra_info["tokens"]`` gives them (verl passes
    text only)."""
    reward = _reward(spec)
    _refuse_groups(reward, "compute_score (verl's per-sample managers)")
    samples = [_sample(0, data_source, solution_str, ground_truth, extra_info)]
    _refuse_missing_tokens(reward, samples, "compute_score")
    return _score(reward, samples)[0]


def compute_score_batch(
    data_sources: Iterable[Any],
    solution_strs: Sequence[str],
    ground_truths: Iterable[Any],
    extra_infos: Iterable[Any] | None = None,
    *,
    spec: str | os.PathLike[str] | Reward | None = None,
    **kwargs: Any,
) -> list[dict[str, float]]:
    """Score a batch as verl's ``batch`` manager asks (numpy object arrays or lists): one
    ``{"score", "acc", <component>…}`` dict per response, in order, scored in parallel. Groups:
    ``extra_info``'s ``group`` or ``uid``, else one group per dataset row (see :func:`_row_key`)."""
    reward = _reward(spec)
    n = len(solution_strs)
    sources = list(data_sources) if data_sources is not None else [None] * n
    truths = list(ground_truths) if ground_truths is not None else [None] * n
    extras = list(extra_infos) if extra_infos is not None else [None] * n
    for name, col in (("data_sources", sources), ("ground_truths", truths), ("extra_infos", extras)):
        if len(col) != n:
            raise ValueError(f"{name} has {len(col)} items but solution_strs has {n}")
    samples = []
    for i in range(n):
        s = _sample(i, sources[i], solution_strs[i], truths[i], extras[i])
        if "group" not in s:
            s["group"] = _row_key(sources[i], truths[i], extras[i])
        samples.append(s)
    _refuse_missing_tokens(reward, samples, "compute_score_batch")
    return list(_score(reward, samples))


def make_compute_score(reward: Reward, batch: bool = False) -> Callable[..., Any]:
    """``compute_score`` (or ``compute_score_batch``) bound to ``reward``."""
    if batch:
        def compute_score_batch_bound(data_sources, solution_strs, ground_truths, extra_infos=None, **kwargs):
            return compute_score_batch(data_sources, solution_strs, ground_truths, extra_infos, spec=reward)

        compute_score_batch_bound.__doc__ = compute_score_batch.__doc__
        return compute_score_batch_bound

    def compute_score_bound(data_source, solution_str, ground_truth, extra_info=None, **kwargs):
        return compute_score(data_source, solution_str, ground_truth, extra_info, spec=reward)

    compute_score_bound.__doc__ = compute_score.__doc__
    return compute_score_bound


# --------------------------------------------------------------------------- reward manager


def _cfg_get(cfg: Any, *path: str) -> Any:
    for p in path:
        if cfg is None:
            return None
        try:
            cfg = cfg.get(p) if hasattr(cfg, "get") else getattr(cfg, p, None)
        except Exception:  # omegaconf raises on missing keys in struct mode
            return None
    return cfg


class PlauditRewardManager:
    """A verl reward manager that scores with a Plaudit spec.

    Legacy form (``verl.workers.reward_manager``; whole batches, so group rewards work)::

        PlauditRewardManager(tokenizer, num_examine, compute_score=None, reward_fn_key="data_source", spec=...)
        manager(data, return_dict=True)   # {"reward_tensor", "reward_extra_info"}

    Reward-loop form (verl 0.9's trainer, ``reward.reward_manager.source=importlib``)::

        PlauditRewardManager(config=config, tokenizer=tokenizer, compute_score=fn, ...)
        await manager.run_single(data)    # {"reward_score", "reward_extra_info"}

    The spec: ``spec=`` (a path, or a :class:`plaudit.Reward`), else ``reward.reward_kwargs.spec``
    or ``reward.custom_reward_function.reward_kwargs.spec`` of verl's config, else
    ``PLAUDIT_SPEC``, else the built-in default. ``compute_score`` is not used: the spec scores.

    Each response: decoded from the tokens the response mask keeps (``skip_special_tokens``), then
    without the tokenizer's EOS string and Plaudit's end-of-turn markers; ``tokens`` = the number
    of response-mask tokens; ``group`` = ``uid``; ``task`` from ``data_source`` (``reward_fn_key``)
    via :func:`task_for` (``extra_info["task"]`` overrides it); ``reference`` =
    ``reward_model.ground_truth``. The reward is put on the last response token, the components,
    ``score``, ``acc`` and ``plaudit_ok`` go to ``reward_extra_info`` (same keys for every sample),
    and ``acc`` also to ``data.batch["acc"]`` as verl's ``batch`` and ``prime`` managers do.
    The reward loop gives one rollout per call, so there a spec with group rewards is refused.

    ``pool=NAME`` (or ``reward.reward_kwargs.pool``; with ``pool_actors``, default 2, and
    ``pool_cpus_per_actor``, default 1): score through the Ray pool of that name
    (:func:`plaudit.ray.shared_pool`, started by the first worker), so that every reward-loop
    worker of a multi-node job shares one state (stateful rewards) and one judge budget.
    """

    def __init__(self, tokenizer: Any = None, num_examine: int = 0, compute_score: Any = None,
                 reward_fn_key: str = "data_source", *, spec: Any = None, config: Any = None,
                 reward_router_address: Any = None, reward_model_tokenizer: Any = None, **kwargs: Any):
        self.tokenizer = tokenizer
        self.num_examine = num_examine
        self.reward_fn_key = reward_fn_key
        self.config = config
        if spec is None and config is not None:
            spec = _cfg_get(config, "reward", "reward_kwargs", "spec") or \
                _cfg_get(config, "reward", "custom_reward_function", "reward_kwargs", "spec")
        self.reward = _reward(spec)
        self.shape = _shape(self.reward)
        # A pool shared by name (plaudit.ray): every worker that names it scores through one
        # set of scorer actors and one state.
        pool = kwargs.get("pool")
        if pool is None and config is not None:
            pool = _cfg_get(config, "reward", "reward_kwargs", "pool")
        self.scorer: Any = self.reward
        if pool:
            from plaudit.ray import shared_pool

            def opt(key: str, default: Any) -> Any:
                v = kwargs.get(key)
                if v is None and config is not None:
                    v = _cfg_get(config, "reward", "reward_kwargs", key)
                return default if v is None else v

            self.scorer = shared_pool(str(pool), self.reward,
                                      num_actors=int(opt("pool_actors", 2)),
                                      num_cpus_per_actor=float(opt("pool_cpus_per_actor", 1)))
        self.report = FailureReport("verl PlauditRewardManager")
        eos = getattr(tokenizer, "eos_token", None)
        self.end_markers = list(_plaudit.default_end_markers())
        if isinstance(eos, str) and eos and eos not in self.end_markers:
            self.end_markers.append(eos)
        if config is not None:
            _refuse_groups(self.reward, "verl's reward loop")
        self._printed: dict[Any, int] = {}

    # -- shared

    def _samples(self, data: Any) -> tuple[list[dict[str, Any]], list[int]]:
        batch = data.batch
        prompt_len = batch["prompts"].shape[-1]
        response_ids = batch["responses"]
        # Response mask: the attention mask over the response positions (as verl's managers).
        mask = batch["attention_mask"][:, -response_ids.shape[-1]:]
        lengths = [int(x) for x in mask.sum(dim=-1).tolist()]
        nt = data.non_tensor_batch
        n = len(lengths)
        sources = nt.get(self.reward_fn_key, [None] * n)
        rms = nt.get("reward_model", [None] * n)
        extras = nt.get("extra_info", [None] * n)
        uids = nt.get("uid")
        samples = []
        for i in range(n):
            ids = response_ids[i][: lengths[i]]
            text = self.tokenizer.decode(ids, skip_special_tokens=True)
            text = _plaudit.openrlhf_response_text(text, "", self.end_markers)
            rm = rms[i] if isinstance(rms[i], Mapping) else {}
            s = _sample(i, sources[i], text, rm.get("ground_truth"), extras[i],
                        group=None if uids is None else uids[i])
            if "prompt" not in s:
                pmask = batch["attention_mask"][i][:prompt_len]
                pids = batch["prompts"][i][pmask.bool()]
                s["prompt"] = self.tokenizer.decode(pids, skip_special_tokens=True)
            s["tokens"] = lengths[i]
            samples.append(s)
        return samples, lengths

    def _score(self, samples: list[dict[str, Any]]) -> list[VerlScore]:
        results = self.scorer.score(samples)
        self.report(results)
        return [self.shape.row(s, r) for s, r in zip(samples, results)]

    # -- legacy registry: the whole batch

    def __call__(self, data: Any, return_dict: bool = False) -> Any:
        import torch

        if "rm_scores" in data.batch.keys():
            if return_dict:
                keys = data.meta_info.get("reward_extra_keys", [])
                return {"reward_tensor": data.batch["rm_scores"],
                        "reward_extra_info": {k: data.non_tensor_batch[k] for k in keys}}
            return data.batch["rm_scores"]
        samples, lengths = self._samples(data)
        rows = self._score(samples)
        reward_tensor = torch.zeros_like(data.batch["responses"], dtype=torch.float32)
        extra: dict[str, list[float]] = {k: [] for k in rows[0]} if rows else {}
        for i, row in enumerate(rows):
            reward_tensor[i, max(lengths[i], 1) - 1] = row["score"]
            for k, v in row.items():
                extra[k].append(v)
            src = samples[i].get("task")
            if self._printed.get(src, 0) < self.num_examine:
                self._printed[src] = self._printed.get(src, 0) + 1
                print("[response]", samples[i]["response"])
                print("[ground_truth]", samples[i].get("reference"))
                print("[plaudit]", dict(row))
        data.batch["acc"] = torch.tensor([r["acc"] for r in rows], dtype=torch.float32,
                                         device=data.batch["responses"].device)
        if return_dict:
            return {"reward_tensor": reward_tensor, "reward_extra_info": extra}
        return reward_tensor

    # -- reward loop: one rollout per call

    async def run_single(self, data: Any) -> dict[str, Any]:
        data = data[-1:]  # multi-sequence outputs: the last sequence, as verl's own managers
        samples, _ = self._samples(data)
        loop = asyncio.get_running_loop()
        row = (await loop.run_in_executor(None, self._score, samples))[0]
        return {"reward_score": row["score"], "reward_extra_info": dict(row)}

    @classmethod
    def assemble_rm_scores(cls, data: Any, scores: list[float]) -> Any:
        """The reward-loop manager's ``rm_scores``: each score on its last response token."""
        import torch

        prompt_length = data.batch["prompts"].size(1)
        valid = data.batch["attention_mask"][:, prompt_length:].sum(dim=1)
        rm = torch.zeros_like(data.batch["responses"], dtype=torch.float32)
        rm[torch.arange(rm.size(0), device=rm.device), (valid - 1).clamp(min=0)] = rm.new_tensor(scores)
        return rm


def register(name: str = "plaudit") -> None:
    """Register :class:`PlauditRewardManager` as ``name`` in verl's reward-manager registries
    that this verl has (legacy ``verl.workers.reward_manager``; the reward loop's
    ``verl.experimental.reward_loop.reward_manager``), so ``reward_manager=plaudit`` finds it in
    this process."""
    done = False
    for mod in ("verl.workers.reward_manager", "verl.experimental.reward_loop.reward_manager"):
        try:
            m = __import__(mod, fromlist=["register"])
        except ImportError:
            continue
        m.register(name)(PlauditRewardManager)
        done = True
    if not done:
        raise ImportError("verl is not installed: no reward-manager registry to register with")
