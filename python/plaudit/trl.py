"""TRL reward functions backed by a :class:`plaudit.Reward` (made by :meth:`Reward.trl`,
:meth:`Reward.trl_components` and :meth:`Reward.trl_async`).

TRL 1.16's ``GRPOTrainer._calculate_rewards`` calls every reward function as
``f(prompts=…, completions=…, completion_ids=…, **reward_kwargs)`` where ``reward_kwargs`` holds
every dataset column (one item per completion) plus ``trainer_state``, ``log_extra`` and
``log_metric``; a ``None`` reward is masked (NaN), and the functions' outputs are combined with
``reward_weights``. What this module does with such a call:

- **prompts** (strings, chat message lists, content blocks with text and images) become the
  sample's ``prompt`` text (text blocks joined, images left out) and its ``group``: a hash of the
  prompt in which images count by their pixels, so the rollouts of one prompt form one group
  (a ``group`` column overrides it). Nothing is passed through ``json.dumps`` as it is.
- **completions**: a string is the response; for a message list, by default the text of the
  final assistant message (``response="final"``); ``"assistant"`` joins every assistant message;
  ``"tool_calls"`` gives the assistant messages' tool calls as ``{"tool_calls": […]}`` (for
  ``tool_call_match``; the final text when there is no call). Tool messages are never scored.
- **reference**: the first column present of :data:`REFERENCE_COLUMNS` (or the one(s) named by
  ``reference=``); see :func:`reference_of`.
- **results**: ``invalid_input`` and ``error`` (the data's or the system's fault) give ``None``;
  ``no_answer`` and ``timeout`` (the model's output) give the spec's expression with each failed
  component at ``on_error``, the same values the component functions return, so
  ``trl()`` = Σ weight × ``trl_components()`` for a linear expression whose coefficients are the
  ``reward_weights``.
- **failures are visible**: one ``logging`` warning (logger ``plaudit``) per distinct reason with
  its first message, ``plaudit/failed`` (the failed fraction of the batch) through ``log_metric``,
  and the columns ``plaudit_status`` and ``plaudit_error`` of TRL's completions table through
  ``log_extra``.
"""

from __future__ import annotations

import asyncio
import json
import math
import threading
import weakref
from typing import Any, Callable, Mapping, Sequence

from ._failures import FailureReport
from ._groups import _json_default, prompt_key
from ._reward import Reward

__all__ = [
    "REFERENCE_COLUMNS", "RESPONSE_MODES", "MASKED_STATUSES", "MAX_BARE_ANSWER_CHARS", "SampleError",
    "TRLRewardFunc", "TRLAsyncRewardFunc", "prompt_key", "prompt_text", "response_text", "reference_of",
]

#: Dataset columns read as the reference, in this order: the first present in the batch is used.
#: ``answer`` comes before ``solution`` because ``solution`` is often a worked solution.
REFERENCE_COLUMNS: tuple[str, ...] = ("reference", "ground_truth", "answer", "solution", "label", "target")

#: How a chat completion becomes the response (see the module documentation).
RESPONSE_MODES: tuple[str, ...] = ("final", "assistant", "tool_calls")

#: Statuses caused by the data or the system: the sample gets ``None`` (TRL masks it).
MASKED_STATUSES = frozenset({"invalid_input", "error"})

#: A reference string longer than this, with no marked answer, is a worked solution, not an answer.
MAX_BARE_ANSWER_CHARS = 100


class SampleError(ValueError):
    """A sample TRL handed over that cannot be turned into a Plaudit sample."""


# ---------------------------------------------------------------------------- text of messages


def _content_text(content: Any, where: str) -> str:
    """A message's text: a string, or the text blocks of a content-block list (images and other
    media carry no text)."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, (list, tuple)):
        parts = []
        for j, block in enumerate(content):
            if isinstance(block, str):
                parts.append(block)
            elif isinstance(block, Mapping):
                text = block.get("text")
                if block.get("type", "text") == "text" and text is not None:
                    if not isinstance(text, str):
                        raise SampleError(f"{where}[{j}].text: expected a string, got {type(text).__name__}")
                    parts.append(text)
            else:
                raise SampleError(f"{where}[{j}]: expected a content block (a dict), got {type(block).__name__}")
        return "\n".join(p for p in parts if p)
    raise SampleError(f"{where}: expected a string or a list of content blocks, got {type(content).__name__}")


def _messages(value: Any, what: str) -> list[Mapping[str, Any]]:
    msgs = list(value)
    for j, m in enumerate(msgs):
        if not isinstance(m, Mapping):
            raise SampleError(f"{what}[{j}]: expected a chat message (a dict), got {type(m).__name__}")
    return msgs


def prompt_text(prompt: Any) -> str:
    """The text of a prompt: a string, or a message list's contents joined with newlines."""
    if isinstance(prompt, str):
        return prompt
    msgs = _messages(prompt, "prompt")
    return "\n".join(_content_text(m.get("content"), f"prompt[{j}].content") for j, m in enumerate(msgs))


def response_text(completion: Any, mode: str = "final") -> str:
    """The response a completion is scored on (see the module documentation)."""
    if isinstance(completion, str):
        return completion
    if not isinstance(completion, (list, tuple)):
        raise SampleError(f"completion: expected a string or a list of chat messages, got {type(completion).__name__}")
    msgs = _messages(completion, "completion")
    assistant = [(j, m) for j, m in enumerate(msgs) if m.get("role", "assistant") == "assistant"]
    if mode == "tool_calls":
        calls = [c for _, m in assistant for c in (m.get("tool_calls") or ())]
        if calls:
            return json.dumps({"tool_calls": calls}, ensure_ascii=False, default=_json_default)
        mode = "final"
    if not assistant:
        roles = ", ".join(str(m.get("role")) for m in msgs) or "none"
        raise SampleError(f"completion: no assistant message (roles: {roles})")
    if mode == "assistant":
        return "\n".join(_content_text(m.get("content"), f"completion[{j}].content") for j, m in assistant)
    j, last = assistant[-1]
    return _content_text(last.get("content"), f"completion[{j}].content")


# ---------------------------------------------------------------------------- references


def _has_marked_answer(text: str) -> bool:
    return "\\boxed" in text or "\\fbox" in text or "####" in text


def reference_of(column: str, value: Any) -> Any:
    """The reference of one sample from column ``column``: numbers, lists and dicts as they are;
    a string as it is (the verifiers find GSM8K's ``#### 72`` and a worked solution's last
    ``\\boxed{}``). A string of the ``solution`` column longer than a bare answer
    (:data:`MAX_BARE_ANSWER_CHARS`) without a marked answer is a worked solution with nothing to
    compare: an error naming the column, as is an empty value."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise SampleError(f"reference column `{column}` is empty for this sample")
    if isinstance(value, float) and not math.isfinite(value):
        raise SampleError(f"reference column `{column}` is {value} for this sample")
    if column == "solution" and isinstance(value, str):
        if len(value.strip()) > MAX_BARE_ANSWER_CHARS and not _has_marked_answer(value):
            raise SampleError(
                "reference column `solution` holds a worked solution without a marked answer "
                "(\\boxed{…} or ####): name the answer column with trl(reference=...)"
            )
    return value


def _reference_column(kwargs: Mapping[str, Any], names: Sequence[str], explicit: bool) -> str | None:
    for n in names:
        if kwargs.get(n) is not None:
            return n
    if explicit:
        cols = sorted(k for k in kwargs if k not in ("trainer_state", "log_extra", "log_metric", "environments"))
        raise ValueError(
            f"reference column {', '.join(f'`{n}`' for n in names)} is not in the batch "
            f"(the dataset's columns: {', '.join(cols) or 'none'})"
        )
    return None


# ---------------------------------------------------------------------------- the functions


class _Cache:
    """What a Reward's TRL functions share: the last batch scored (TRL calls each reward function
    with the same batch in turn, so per-component functions score it once), the failure report
    (one warning per reason across all of them) and the spec's expressions."""

    __slots__ = ("lock", "key", "value", "report", "expressions")

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.key: Any = None
        self.value: Any = None
        self.report: FailureReport | None = None
        self.expressions: _Expressions | None = None


_CACHES: weakref.WeakKeyDictionary[Reward, _Cache] = weakref.WeakKeyDictionary()
_CACHES_LOCK = threading.Lock()


def _cache(reward: Reward) -> _Cache:
    """The cache shared by ``reward``'s TRL functions (one per :class:`Reward` object; a
    pickled-and-restored function gets a new one with its new Reward)."""
    with _CACHES_LOCK:
        c = _CACHES.get(reward)
        if c is None:
            c = _CACHES[reward] = _Cache()
    return c


class _Batch:
    """One scored batch: per sample its status, error, total (TRL's view) and component values."""

    __slots__ = ("results", "totals", "components", "failed_fraction")

    def __init__(self, results: list[dict[str, Any]], totals: list[float | None],
                 components: list[dict[str, float] | None], failed_fraction: float):
        self.results = results
        self.totals = totals
        self.components = components
        self.failed_fraction = failed_fraction


def _rm_component(name: str) -> dict[str, Any]:
    return {"reward": "rm_ensemble", "params": {"keys": [name], "aggregate": "min"}}


class _Expressions:
    """The spec's expressions, evaluated by the engine on given component values: each
    component is replaced by ``rm_ensemble`` reading ``scores[<name>]``."""

    def __init__(self, spec: Mapping[str, Any]):
        derived: dict[str, Any] = {"on_error": spec["on_error"], "group": {"advantage": "none"}}
        self.routes: dict[str | None, tuple[list[str], float]] = {}
        top = list((spec.get("components") or {}).keys())
        if top:
            derived["components"] = {c: _rm_component(c) for c in top}
            derived["reward"] = spec["reward"]
            self.routes[None] = (top, spec["on_error"])
        routes = {}
        for name, route in (spec.get("routes") or {}).items():
            names = list(route["components"].keys())
            routes[name] = {"components": {c: _rm_component(c) for c in names}, "reward": route["reward"],
                            "on_error": route["on_error"]}
            self.routes[name] = (names, route["on_error"])
        if routes:
            derived["routes"] = routes
        self.engine = Reward.from_dict(derived, jobs=1)

    def route(self, task: Any) -> tuple[list[str], float] | None:
        if isinstance(task, str) and task in self.routes:
            return self.routes[task]
        return self.routes.get(None)


class TRLRewardFunc:
    """A TRL reward function backed by a :class:`Reward` (see :mod:`plaudit.trl`)."""

    reward: Reward
    component: str | None
    refs: tuple[str, ...]
    explicit_reference: bool
    response: str  # final | assistant | tool_calls
    __name__: str

    def __init__(self, reward: Reward, component: str | None, name: str, refs: tuple[str, ...],
                 explicit_reference: bool = False, response: str = "final"):
        if response not in RESPONSE_MODES:
            raise ValueError(f"response: expected one of {', '.join(RESPONSE_MODES)}, got {response!r}")
        self.reward = reward
        self.component = component
        self.refs = refs
        self.explicit_reference = explicit_reference
        self.response = response
        self.__name__ = name
        self.__qualname__ = name

    def __repr__(self) -> str:
        return f"<plaudit TRL reward function {self.__name__}>"

    # -- state shared by all functions of one Reward

    def _shared(self, attr: str, make: Callable[[], Any]) -> Any:
        cache = _cache(self.reward)
        with cache.lock:
            v = getattr(cache, attr)
            if v is None:
                v = make()
                setattr(cache, attr, v)
            return v

    def _samples(self, prompts: Any, completions: Sequence[Any], completion_ids: Any,
                 kwargs: Mapping[str, Any]) -> tuple[list[dict[str, Any]], dict[int, str]]:
        n = len(completions)

        def per_sample(col: Any, what: str) -> list[Any] | None:
            if col is None or isinstance(col, (str, bytes)):
                return None if col is None else [col] * n
            col = list(col)
            if len(col) != n:
                raise ValueError(f"column `{what}` has {len(col)} items but there are {n} completions")
            return col

        ref_col = _reference_column(kwargs, self.refs, self.explicit_reference)
        prompts = per_sample(prompts, "prompts")
        references = per_sample(kwargs.get(ref_col), ref_col) if ref_col else None
        tasks = per_sample(kwargs.get("task"), "task")
        ids = per_sample(completion_ids, "completion_ids")
        groups = per_sample(kwargs.get("group"), "group")
        samples: list[dict[str, Any]] = []
        errors: dict[int, str] = {}
        for i in range(n):
            try:
                s: dict[str, Any] = {"id": i, "response": response_text(completions[i], self.response)}
                if groups is not None:
                    s["group"] = groups[i]
                elif prompts is not None:
                    # GRPO's group is the rollouts of one prompt: the prompt names it, stably
                    # across batches and processes (group rewards and per-prompt state key on it).
                    s["group"] = prompt_key(prompts[i])
                if prompts is not None:
                    s["prompt"] = prompt_text(prompts[i])
                if references is not None:
                    s["reference"] = reference_of(ref_col, references[i])
                if tasks is not None and tasks[i] is not None:
                    s["task"] = tasks[i]
                if ids is not None:
                    s["tokens"] = len(ids[i])
            except SampleError as e:
                errors[i] = str(e)
                s = {"id": i, "response": ""}
                if tasks is not None and tasks[i] is not None:
                    s["task"] = tasks[i]
            samples.append(s)
        if ref_col is None and samples:
            # No reference column: rewards that need one say so, naming what was looked for.
            self._no_reference_hint = (
                f" (no reference column in the batch: looked for {', '.join(self.refs)}; "
                f"name yours with trl(reference=...))"
            )
        else:
            self._no_reference_hint = ""
        return samples, errors

    def _score(self, samples: list[dict[str, Any]], errors: dict[int, str]) -> _Batch:
        reward = self.reward
        results = reward.score(samples)
        hint = getattr(self, "_no_reference_hint", "")
        for i, msg in errors.items():
            results[i] = {"id": i, "reward": results[i]["reward"], "components": {},
                          "status": "invalid_input", "error": msg}
        if hint:
            for r in results:
                if r["status"] == "invalid_input" and "reference" in (r.get("error") or ""):
                    r["error"] = r["error"] + hint
        n = len(results)
        totals: list[float | None] = [None] * n
        comps: list[dict[str, float] | None] = [None] * n
        exprs = None
        redo = []
        for i, r in enumerate(results):
            st = r["status"]
            if st == "ok":
                totals[i] = r["reward"]
                comps[i] = dict(r["components"])
            elif st in MASKED_STATUSES:
                continue
            else:  # no_answer / timeout: the model's output
                if exprs is None:
                    exprs = self._shared("expressions", lambda: _Expressions(reward.spec))
                route = exprs.route(samples[i].get("task"))
                if route is None:
                    continue
                names, on_error = route
                values = {c: r["components"].get(c, on_error) for c in names}
                comps[i] = values
                redo.append((i, samples[i].get("task"), values))
        if redo:
            again = exprs.engine.score(
                [dict({"response": "", "scores": v}, **({"task": t} if t is not None else {})) for _, t, v in redo])
            for (i, _, _), r in zip(redo, again):
                if r["status"] == "ok":
                    totals[i] = r["reward"]
                else:
                    # The expression itself fails (a division by zero): the sample's error.
                    results[i] = dict(results[i], status="error", error=r.get("error"))
                    comps[i] = None
        report = self._shared("report", lambda: FailureReport("TRL"))
        frac = report(results)
        return _Batch(results, totals, comps, frac)

    def _batch(self, prompts: Any, completions: Sequence[Any], completion_ids: Any,
               kwargs: Mapping[str, Any]) -> tuple[_Batch, bool]:
        samples, errors = self._samples(prompts, completions, completion_ids, kwargs)
        key = (samples, errors)
        cache = _cache(self.reward)
        with cache.lock:
            if cache.key is not None and cache.key == key:
                return cache.value, False
        batch = self._score(samples, errors)
        with cache.lock:
            cache.key, cache.value = key, batch
        return batch, True

    def _values(self, batch: _Batch) -> list[float | None]:
        c = self.component
        if c is None:
            return list(batch.totals)
        out: list[float | None] = []
        for vals in batch.components:
            if vals is None:
                out.append(None)
            else:
                # Not in this sample's route: None (TRL leaves it out).
                out.append(vals.get(c))
        return out

    def _log(self, batch: _Batch, kwargs: Mapping[str, Any]) -> None:
        log_metric = kwargs.get("log_metric")
        if callable(log_metric):
            log_metric("plaudit/failed", batch.failed_fraction)
        log_extra = kwargs.get("log_extra")
        if callable(log_extra):
            log_extra("plaudit_status", [r["status"] for r in batch.results])
            log_extra("plaudit_error", [r.get("error") or "" for r in batch.results])

    def __call__(self, prompts: Sequence[Any] | None = None, completions: Sequence[Any] | None = None,
                 completion_ids: Sequence[Sequence[int]] | None = None, **kwargs: Any) -> list[float | None]:
        if completions is None:
            raise TypeError(f"{self.__name__}: missing argument `completions`")
        batch, fresh = self._batch(prompts, completions, completion_ids, kwargs)
        if fresh:
            self._log(batch, kwargs)
        return self._values(batch)

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.pop("_no_reference_hint", None)
        return state


class TRLAsyncRewardFunc(TRLRewardFunc):
    """The same reward function as an ``async`` callable, for TRL's async paths (GRPOTrainer runs
    async reward functions concurrently; ``trl.experimental.async_grpo`` calls them once per
    group and sums them without ``reward_weights``, so give it the spec's reward, ``trl_async()``,
    rather than component functions). Scoring runs in a worker thread: the engine releases the
    interpreter lock, so the event loop keeps running."""

    async def __call__(  # type: ignore[override]
        self, prompts: Sequence[Any] | None = None, completions: Sequence[Any] | None = None,
        completion_ids: Sequence[Sequence[int]] | None = None, **kwargs: Any,
    ) -> list[float | None]:
        return await asyncio.to_thread(
            TRLRewardFunc.__call__, self, prompts=prompts, completions=completions,
            completion_ids=completion_ids, **kwargs)
