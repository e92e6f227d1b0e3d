import os
from typing import Any, Callable, Iterable, Mapping, Sequence

from . import Reward
from ._failures import FailureReport

DATA_SOURCE_TASKS: dict[str, str]

def task_for(data_source: Any) -> str | None: ...

class VerlScore(dict[str, float]):
    def __getitem__(self, key: Any) -> float: ...

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

class PlauditRewardManager:
    tokenizer: Any
    num_examine: int
    reward_fn_key: str
    reward: Reward
    report: FailureReport
    end_markers: list[str]
    def __init__(
        self,
        tokenizer: Any = None,
        num_examine: int = 0,
        compute_score: Any = None,
        reward_fn_key: str = "data_source",
        *,
        spec: str | os.PathLike[str] | Reward | None = None,
        config: Any = None,
        reward_router_address: Any = None,
        reward_model_tokenizer: Any = None,
        **kwargs: Any,
    ) -> None: ...
    def __call__(self, data: Any, return_dict: bool = False) -> Any: ...
    async def run_single(self, data: Any) -> dict[str, Any]: ...
    @classmethod
    def assemble_rm_scores(cls, data: Any, scores: list[float]) -> Any: ...

def register(name: str = "plaudit") -> None: ...
