"""Plaudit: rewards and advantages for RL post-training of LLMs, computed by a Rust engine.

>>> import plaudit
>>> reward = plaudit.Reward.default()
>>> reward.rewards([{"task": "math", "response": "so \\\\boxed{\\\\frac{1}{2}}", "reference": "0.5"}])
[1.0]

A sample is a dict ``{"id", "group", "task", "prompt", "response", "reference", "meta", "tokens",
…}`` (see docs/GUIDE.md); a result is a dict ``{"id", "reward", "components", "status",
"error"?, "details"?, "advantage"?}``. Every sample gets exactly one result, in input order: a bad
sample gives a result with status ``invalid_input`` and a message naming the field, never an
exception. The interpreter lock is released while Rust scores.

Adapters: :meth:`Reward.trl` and :mod:`plaudit.trl` (TRL reward functions), :mod:`plaudit.verl` (``compute_score``
and its batched form) and :mod:`plaudit.openrlhf` (``reward_func``).
"""

from __future__ import annotations

from . import _plaudit
from ._plaudit import SpecError
from ._reward import Reward, explain, list_rewards
from ._groups import prompt_key
from .trl import REFERENCE_COLUMNS, TRLAsyncRewardFunc, TRLRewardFunc

__version__: str = _plaudit.__version__
__all__ = ["Reward", "SpecError", "list_rewards", "explain", "prompt_key", "__version__"]
