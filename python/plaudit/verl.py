"""verl adapter: ``compute_score`` for verl's reward managers.

verl calls a custom reward function by keyword, one sample at a time (``naive`` and ``dapo``
reward managers)::

    compute_score(data_source=..., solution_str=..., ground_truth=..., extra_info=...)

or the whole batch at once (``batch`` reward manager)::

    compute_score(data_sources=..., solution_strs=..., ground_truths=..., extra_infos=...)

Point ``custom_reward_function.path`` at a file that imports them (or at this module) and
``custom_reward_function.name`` at ``compute_score`` or ``compute_score_batch``. Both return
``{"score": float, <component>: float, …}`` with the same keys for every sample (verl logs the
extra keys); a component a sample's route lacks, or that failed, takes the sample's reward.

The spec is the built-in default unless ``spec=<path>`` is passed (verl passes
``custom_reward_function.reward_kwargs`` as keyword arguments) or ``PLAUDIT_SPEC`` names a file.
verl's ``data_source`` chooses the task (the spec's route): see :data:`DATA_SOURCE_TASKS` and
:func:`task_for`; ``extra_info["task"]`` overrides it.
"""

from __future__ import annotations

import numbers
import os
import threading
from typing import Any, Callable, Iterable, Mapping, Sequence

from . import Reward, prompt_key

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


def _sample(i: int, data_source: Any, solution_str: Any, ground_truth: Any, extra_info: Any) -> dict[str, Any]:
    s: dict[str, Any] = {"id": i, "response": solution_str, "reference": _reference(ground_truth)}
    task = None
    if isinstance(extra_info, Mapping):
        task = extra_info.get("task")
        question = extra_info.get("question", extra_info.get("prompt"))
        if isinstance(question, str):
            s["prompt"] = question
        # The rollouts of one prompt: verl's uid, else the dataset row's index, else the prompt.
        for k in ("group", "uid", "index"):
            g = extra_info.get(k)
            if isinstance(g, str):
                s["group"] = g
                break
            if isinstance(g, numbers.Integral) and not isinstance(g, bool):
                s["group"] = int(g)  # numpy integers from parquet too
                break
        else:
            if isinstance(question, str):
                s["group"] = prompt_key(question)
    if task is None:
        task = task_for(data_source)
    if task is not None:
        s["task"] = task
    return s


def _as_dicts(reward: Reward, results: list[dict[str, Any]]) -> list[dict[str, float]]:
    names = [c for c in reward.components if c != "score"]
    out = []
    for r in results:
        d = {"score": r["reward"]}
        comps = r["components"]
        for c in names:
            d[c] = comps.get(c, r["reward"])
        out.append(d)
    return out


def compute_score(
    data_source: Any,
    solution_str: str,
    ground_truth: Any,
    extra_info: Mapping[str, Any] | None = None,
    *,
    spec: str | os.PathLike[str] | Reward | None = None,
    **kwargs: Any,
) -> dict[str, float]:
    """Score one response as verl's ``naive`` reward manager asks:
    ``{"score": reward, <component>: value, …}``. Unknown keyword arguments (verl passes its
    ``reward_kwargs``, e.g. a sandbox URL) are ignored."""
    reward = _reward(spec)
    results = reward.score([_sample(0, data_source, solution_str, ground_truth, extra_info)])
    return _as_dicts(reward, results)[0]


def compute_score_batch(
    data_sources: Iterable[Any],
    solution_strs: Sequence[str],
    ground_truths: Iterable[Any],
    extra_infos: Iterable[Any] | None = None,
    *,
    spec: str | os.PathLike[str] | Reward | None = None,
    **kwargs: Any,
) -> list[dict[str, float]]:
    """Score a batch as verl's ``batch`` reward manager asks (numpy object arrays or lists):
    one ``{"score", <component>…}`` dict per response, in order, scored in parallel."""
    reward = _reward(spec)
    n = len(solution_strs)
    sources = list(data_sources) if data_sources is not None else [None] * n
    truths = list(ground_truths) if ground_truths is not None else [None] * n
    extras = list(extra_infos) if extra_infos is not None else [None] * n
    for name, col in (("data_sources", sources), ("ground_truths", truths), ("extra_infos", extras)):
        if len(col) != n:
            raise ValueError(f"{name} has {len(col)} items but solution_strs has {n}")
    samples = [_sample(i, sources[i], solution_strs[i], truths[i], extras[i]) for i in range(n)]
    return _as_dicts(reward, reward.score(samples))


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
