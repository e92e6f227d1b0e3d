import os
from typing import Any, Callable, Iterable, Mapping, Sequence

from . import Reward

DATA_SOURCE_TASKS: dict[str, str]

def task_for(data_source: Any) -> str | None: ...
def compute_score(
    data_source: Any,
    solution_str: str,
    ground_truth: Any,
    extra_info: Mapping[str, Any] | None = None,
    *,
    spec: str | os.PathLike[str] | Reward | None = None,
    **kwargs: Any,
) -> dict[str, float]: ...
def compute_score_batch(
    data_sources: Iterable[Any],
    solution_strs: Sequence[str],
    ground_truths: Iterable[Any],
    extra_infos: Iterable[Any] | None = None,
    *,
    spec: str | os.PathLike[str] | Reward | None = None,
    **kwargs: Any,
) -> list[dict[str, float]]: ...
def make_compute_score(reward: Reward, batch: bool = False) -> Callable[..., Any]: ...
