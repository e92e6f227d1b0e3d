"""OpenRLHF adapter: ``reward_func(queries, prompts, labels)``.

OpenRLHF loads a Python file given as ``--remote_rm_url /path/to/reward.py`` and calls its
``reward_func(queries, prompts, labels)`` with lists of strings (``queries`` are prompt +
response; the prompt is stripped off). A file containing::

    from plaudit.openrlhf import reward_func

scores with the built-in default spec (or the spec named by ``PLAUDIT_SPEC``); for another
spec, ``reward_func = plaudit.Reward.from_file("spec.yaml").openrlhf()``.

The request and response are built by the Rust core (``plaudit_core::openrlhf``), exactly as the
HTTP server's ``POST /get_reward`` does: ``{"rewards", "scores", "extra_logs"}``, with one
``extra_logs`` entry per component. Extra keyword arguments are extra request columns (a list
with one item per query, e.g. ``task=[...]``, or one value for all). OpenRLHF turns every
``extra_logs`` value into a tensor, so the core logs numbers only: each component's values and
``plaudit_ok`` (1.0 for a sample scored ``ok``, else 0.0). With torch installed (as in OpenRLHF) the values are
``torch.float32`` tensors, otherwise lists.
"""

from __future__ import annotations

import os
import threading
from typing import Any, Callable, Sequence

from . import Reward

_DEFAULT: Reward | None = None
_LOCK = threading.Lock()


def _default_reward() -> Reward:
    global _DEFAULT
    with _LOCK:
        if _DEFAULT is None:
            path = os.environ.get("PLAUDIT_SPEC")
            _DEFAULT = Reward.from_file(path) if path else Reward.default()
        return _DEFAULT


def _tensors_available() -> bool:
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


def _finish(response: dict[str, Any], tensors: bool) -> dict[str, Any]:
    logs = response["extra_logs"]
    if tensors:
        import torch

        response["rewards"] = torch.tensor(response["rewards"], dtype=torch.float32)
        response["scores"] = torch.tensor(response["scores"], dtype=torch.float32)
        for k, v in list(logs.items()):
            logs[k] = torch.tensor(v, dtype=torch.float32)
    return response


def make_reward_func(reward: Reward, *, tensors: bool | None = None) -> Callable[..., dict[str, Any]]:
    """An OpenRLHF ``reward_func`` bound to ``reward``. ``tensors``: return torch tensors
    (default: when torch is installed)."""

    def reward_func(queries: Sequence[str], prompts: Sequence[str] | None = None,
                    labels: Sequence[Any] | None = None, **kwargs: Any) -> dict[str, Any]:
        request: dict[str, Any] = {"query": list(queries)}
        if prompts is not None:
            request["prompts"] = list(prompts)
        if labels is not None:
            request["labels"] = list(labels)
        for k, v in kwargs.items():
            request[k] = list(v) if isinstance(v, (tuple,)) else v
        use_tensors = _tensors_available() if tensors is None else tensors
        return _finish(reward.openrlhf_request(request), use_tensors)

    reward_func.__doc__ = REWARD_FUNC_DOC
    return reward_func


REWARD_FUNC_DOC = """Score an OpenRLHF batch: ``queries`` (prompt + response), ``prompts``, ``labels``
(references) → ``{"rewards", "scores", "extra_logs"}``. Raises ``ValueError`` for a malformed
batch (lists of different lengths, a non-string query), naming the field."""


def reward_func(queries: Sequence[str], prompts: Sequence[str] | None = None,
                labels: Sequence[Any] | None = None, **kwargs: Any) -> dict[str, Any]:
    return make_reward_func(_default_reward())(queries, prompts, labels, **kwargs)


reward_func.__doc__ = REWARD_FUNC_DOC
