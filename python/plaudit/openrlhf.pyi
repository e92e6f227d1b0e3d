from typing import Any, Callable, Sequence

from . import Reward

DEFAULT_END_MARKERS: tuple[str, ...]

def reward_func(
    queries: Sequence[str],
    prompts: Sequence[str] | None = None,
    labels: Sequence[Any] | None = None,
    **kwargs: Any,
) -> dict[str, Any]: ...
def make_reward_func(
    reward: Reward,
    *,
    tensors: bool | None = None,
    end_markers: Sequence[str] | None = None,
    tokenizer: Any = None,
) -> Callable[..., dict[str, Any]]: ...
