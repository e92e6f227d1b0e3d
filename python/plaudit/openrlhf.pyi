from typing import Any, Callable, Sequence

from . import Reward

def reward_func(
    queries: Sequence[str],
    prompts: Sequence[str] | None = None,
    labels: Sequence[Any] | None = None,
    **kwargs: Any,
) -> dict[str, Any]: ...
def make_reward_func(reward: Reward, *, tensors: bool | None = None) -> Callable[..., dict[str, Any]]: ...
