"""OpenRLHF adapter: ``reward_func(queries, prompts, labels)``.

OpenRLHF loads a Python file given as ``--remote_rm_url /path/to/reward.py`` and calls its
``reward_func(queries, prompts, labels)`` with lists of strings (``queries`` are prompt +
response; the prompt is stripped off). A file containing::

    from plaudit.openrlhf import reward_func

scores with the built-in default spec (or the spec named by ``PLAUDIT_SPEC``); for another
spec, ``reward_func = plaudit.Reward.from_file("spec.yaml").openrlhf()``.

The request and response are built by the Rust core (``plaudit_wire::openrlhf``), exactly as the
HTTP server's ``POST /get_reward`` does: the response is the query after its prompt (whole or
left-truncated; prompt text is never scored) without trailing end-of-turn/EOS markers
(:data:`DEFAULT_END_MARKERS`, or ``end_markers=``); the result is ``{"rewards", "scores",
"extra_logs"}`` where ``extra_logs`` has the same keys for every call of a spec: every component
(its failure value when it failed, 0.0 when the sample's route lacks it) and ``plaudit_ok``
(1.0 for ``ok``). Extra keyword arguments are extra request columns (a list with one item per
query, e.g. ``task=[...]``, or one value for all). With torch installed (as in OpenRLHF) the
values are ``torch.float32`` tensors, otherwise lists.

OpenRLHF sends text without token counts: a spec that counts length in tokens needs
``tokenizer=`` (a path or name for ``transformers.AutoTokenizer``, or a tokenizer object), or it
is refused when the function is made. A spec with group rewards is announced with a warning:
OpenRLHF sends one rollout per call, a group of one. Failures are logged once per reason
(``logging.getLogger("plaudit")``).
"""

from __future__ import annotations

import logging
import os
import threading
from typing import Any, Callable, Sequence

# Absolute imports: OpenRLHF loads reward files by path. From the modules, never from the
# package's top level: no import runs back up.
from plaudit import _plaudit
from plaudit._failures import FailureReport
from plaudit._reward import Reward

logger = logging.getLogger("plaudit")

#: End-of-turn/EOS strings stripped from the end of responses by default.
DEFAULT_END_MARKERS: tuple[str, ...] = tuple(_plaudit.default_end_markers())

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


def _token_counter(tokenizer: Any) -> Callable[[str], int] | None:
    if tokenizer is None:
        return None
    if isinstance(tokenizer, (str, os.PathLike)):
        from transformers import AutoTokenizer

        tokenizer = AutoTokenizer.from_pretrained(os.fspath(tokenizer))
    if callable(getattr(tokenizer, "encode", None)):
        tok = tokenizer

        def count(text: str) -> int:
            return len(tok.encode(text, add_special_tokens=False))

        return count
    if callable(tokenizer):
        return tokenizer
    raise TypeError(f"tokenizer: expected a path, a tokenizer with `encode`, or a function, got {type(tokenizer).__name__}")


def make_reward_func(reward: Reward, *, tensors: bool | None = None, end_markers: Sequence[str] | None = None,
                     tokenizer: Any = None) -> Callable[..., dict[str, Any]]:
    """An OpenRLHF ``reward_func`` bound to ``reward``. ``tensors``: return torch tensors
    (default: when torch is installed). ``end_markers``: strings stripped from the end of each
    response (default :data:`DEFAULT_END_MARKERS`). ``tokenizer``: counts the response's tokens
    for specs with ``unit: tokens`` (a spec that needs them without one raises ``ValueError``
    naming the components)."""
    markers = list(DEFAULT_END_MARKERS if end_markers is None else end_markers)
    count = _token_counter(tokenizer)
    needs_tokens = reward._engine.token_components()
    if needs_tokens and count is None:
        raise ValueError(
            f"{'; '.join(needs_tokens)} count(s) length in tokens, and OpenRLHF sends text without token "
            "counts: pass tokenizer= (a tokenizer path or object), or set `unit: chars` or `unit: words`"
        )
    groups = reward._engine.group_components()
    if groups:
        logger.warning(
            "plaudit (openrlhf): %s scored per group, but OpenRLHF calls reward_func with one rollout "
            "per call: each rollout is a group of one unless a `group` list is passed",
            "; ".join(groups),
        )
    report = FailureReport("openrlhf")

    def reward_func(queries: Sequence[str], prompts: Sequence[str] | None = None,
                    labels: Sequence[Any] | None = None, **kwargs: Any) -> dict[str, Any]:
        request: dict[str, Any] = {"query": list(queries)}
        if prompts is not None:
            request["prompts"] = list(prompts)
        if labels is not None:
            request["labels"] = list(labels)
        for k, v in kwargs.items():
            request[k] = list(v) if isinstance(v, (tuple,)) else v
        if count is not None and "tokens" not in request:
            ps = request.get("prompts") or [""] * len(request["query"])
            tokens = []
            for q, p in zip(request["query"], ps):
                try:
                    tokens.append(count(_plaudit.openrlhf_response_text(q, p or "", markers)))
                except (ValueError, TypeError):
                    tokens.append(None)  # the core reports the query itself
            request["tokens"] = tokens
        use_tensors = _tensors_available() if tensors is None else tensors
        response = reward._engine.openrlhf(request, markers, True)
        report(response.pop("plaudit_results"))
        return _finish(response, use_tensors)

    reward_func.__doc__ = REWARD_FUNC_DOC
    reward_func.report = report  # type: ignore[attr-defined]
    return reward_func


REWARD_FUNC_DOC = """Score an OpenRLHF batch: ``queries`` (prompt + response), ``prompts``, ``labels``
(references) → ``{"rewards", "scores", "extra_logs"}``. Raises ``ValueError`` for a malformed
batch (lists of different lengths, a non-string query), naming the field."""


_DEFAULT_FUNC: Callable[..., dict[str, Any]] | None = None


def reward_func(queries: Sequence[str], prompts: Sequence[str] | None = None,
                labels: Sequence[Any] | None = None, **kwargs: Any) -> dict[str, Any]:
    global _DEFAULT_FUNC
    if _DEFAULT_FUNC is None:
        _DEFAULT_FUNC = make_reward_func(_default_reward())
    return _DEFAULT_FUNC(queries, prompts, labels, **kwargs)


reward_func.__doc__ = REWARD_FUNC_DOC
