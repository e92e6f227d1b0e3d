"""The :class:`Reward` class (a compiled spec), :func:`list_rewards` and :func:`explain`, over the
native module. Re-exported by the ``plaudit`` package; the adapters (:mod:`plaudit.trl`,
:mod:`plaudit.verl`, :mod:`plaudit.openrlhf`) import from here, and :class:`Reward`'s adapter
methods import them only when called, so no import runs back up to the package.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping, Sequence, TypedDict, overload

from . import _plaudit

if TYPE_CHECKING:  # pragma: no cover
    from numpy import ndarray

    from .trl import TRLAsyncRewardFunc, TRLRewardFunc

#: A sample: ``{"id", "group", "task", "prompt", "response", "reference", "meta", "tokens", …}``.
Sample = Mapping[str, Any]


class Result(TypedDict, total=False):
    """One sample's result, as :meth:`Reward.score` returns it."""

    id: Any
    reward: float
    components: dict[str, float]
    advantage: float
    status: str  # ok | no_answer | invalid_input | timeout | error
    error: str
    details: dict[str, Any]
    zero_variance: bool


def list_rewards(family: str | None = None) -> list[dict[str, Any]]:
    """Every reward of the catalogue, as ``plaudit list`` prints them.

    Each item is ``{"name", "family", "summary", "params"}``; ``params`` lists
    ``{"name", "type", "default", "required", "doc"}`` as the spec enforces them. With
    ``family``, only that family (``answer``, ``format``, ``length``, ``math`` …).
    """
    items = _plaudit.list_rewards()
    if family is not None:
        items = [r for r in items if r["family"] == family]
    return items


def explain(name: str) -> str:
    """A reward's full documentation: what it computes, why, parameters, checked examples
    (the text of ``plaudit explain NAME``). Raises ``ValueError`` for an unknown name, with a
    suggestion."""
    return _plaudit.explain(name)


class Reward:
    """A compiled reward spec, ready to score.

    Build one with :meth:`default`, :meth:`from_file`, :meth:`from_dict` or :meth:`from_text`;
    an invalid spec raises :class:`SpecError` with the message ``plaudit check`` prints.

    ``jobs`` is the number of threads one call scores on: by default all cores (one pool per
    process, shared by all calls); ``jobs=1`` scores on the calling thread, which is the right
    choice when the caller already runs several Python threads or processes. A ``Reward`` is
    safe to share between threads and can be pickled (it is rebuilt from its spec).
    """

    __slots__ = ("_engine", "_source", "__weakref__")
    __module__ = "plaudit"  # its public home: repr, pickles and docs name plaudit.Reward

    def __init__(self, spec: str | os.PathLike[str] | Mapping[str, Any] | None = None, *, jobs: int | None = None):
        """``spec``: ``None`` (the built-in default spec), a path to a YAML/JSON spec, or a dict."""
        if spec is None:
            source: tuple[Any, ...] = ("default",)
        elif isinstance(spec, Mapping):
            source = ("object", dict(spec), "<dict>")
        elif isinstance(spec, (str, os.PathLike)):
            path = os.fspath(spec)
            with open(path, encoding="utf-8") as f:
                source = ("text", f.read(), path)
        else:
            raise TypeError(f"spec: expected None, a path or a dict, got {type(spec).__name__}")
        self._init(source, jobs)

    def _init(self, source: tuple[Any, ...], jobs: int | None) -> None:
        kind = source[0]
        if kind == "default":
            engine = _plaudit.Engine.default(jobs)
        elif kind == "text":
            engine = _plaudit.Engine.from_text(source[1], source[2], jobs)
        else:
            engine = _plaudit.Engine.from_object(source[1], source[2], jobs)
        self._engine = engine
        self._source = source

    @classmethod
    def _build(cls, source: tuple[Any, ...], jobs: int | None) -> "Reward":
        self = cls.__new__(cls)
        self._init(source, jobs)
        return self

    @classmethod
    def default(cls, *, jobs: int | None = None) -> "Reward":
        """The built-in default spec: ``math`` → ``math_equivalence``, ``qa`` → SQuAD-normalised
        exact match, ``gui``/``tool``/``sql``/``code`` → their verifiers, no task (or another) →
        ``answer_match`` (math equivalence when the reference is mathematical, else exact match on
        the extracted final answer); GRPO advantages."""
        return cls._build(("default",), jobs)

    @classmethod
    def from_file(cls, path: str | os.PathLike[str], *, jobs: int | None = None) -> "Reward":
        """Compile a YAML or JSON spec file. Error messages name the file as the CLI does."""
        return cls(os.fspath(path), jobs=jobs)

    @classmethod
    def from_dict(cls, spec: Mapping[str, Any], *, jobs: int | None = None) -> "Reward":
        """Compile a spec given as a dict (the structure of the YAML form)."""
        if not isinstance(spec, Mapping):
            raise TypeError(f"spec: expected a dict, got {type(spec).__name__}")
        return cls._build(("object", dict(spec), "<dict>"), jobs)

    @classmethod
    def from_text(cls, text: str, *, jobs: int | None = None, name: str = "<text>") -> "Reward":
        """Compile a spec from YAML or JSON text; ``name`` labels it in error messages."""
        return cls._build(("text", text, name), jobs)

    def __reduce__(self) -> tuple[Any, ...]:
        return (Reward._build, (self._source, self._engine.jobs))

    def __repr__(self) -> str:
        name = self.spec.get("name")
        label = name if name else (self._source[2] if len(self._source) > 2 else "default")
        return f"Reward({label!r}, components={self.components!r}, jobs={self.jobs})"

    # ---------------------------------------------------------------- scoring

    def score(self, samples: Iterable[Sample]) -> list[Result]:
        """Score samples: one result dict per sample, in order, with the group stage
        (``advantage``, ``zero_variance``) as the spec asks. The same results as ``plaudit score``."""
        return self._engine.score(samples)

    def rewards(self, samples: Iterable[Sample]) -> list[float]:
        """Only the rewards, in order (failed samples give the spec's ``on_error`` value)."""
        return self._engine.rewards(samples)

    def rewards_numpy(self, samples: Iterable[Sample]) -> ndarray:
        """The rewards as a ``numpy.ndarray`` of float64 (needs numpy)."""
        try:
            import numpy as np
        except ImportError as e:  # pragma: no cover - depends on the environment
            raise ImportError("Reward.rewards_numpy needs numpy: pip install numpy") from e
        return np.frombuffer(self._engine.rewards_bytes(samples), dtype=np.float64).copy()

    @overload
    def score_jsonl(self, data: str) -> str: ...
    @overload
    def score_jsonl(self, data: bytes) -> bytes: ...

    def score_jsonl(self, data: str | bytes) -> str | bytes:
        """JSONL in, JSONL out, like ``plaudit score``: one result line per input line (a bad
        line is an ``invalid_input`` result that names the line). Returns ``str`` for ``str``."""
        if isinstance(data, str):
            return self._engine.score_jsonl(data.encode("utf-8")).decode("utf-8")
        return self._engine.score_jsonl(bytes(data))

    def __call__(self, samples: Iterable[Sample]) -> list[float]:
        """Same as :meth:`rewards`."""
        return self._engine.rewards(samples)

    # ---------------------------------------------------------------- introspection

    @property
    def spec(self) -> dict[str, Any]:
        """The spec with every default filled in (what ``plaudit check`` prints)."""
        return self._engine.resolved()

    @property
    def components(self) -> list[str]:
        """The component names of every route, without repeats, in spec order."""
        return self._engine.component_names()

    @property
    def jobs(self) -> int:
        """Threads per call."""
        return self._engine.jobs

    @staticmethod
    def explain(name: str) -> str:
        """A reward's full documentation (``plaudit explain NAME``)."""
        return _plaudit.explain(name)

    # ---------------------------------------------------------------- adapters

    @overload
    def trl(self, component: str | None = None, *, name: str | None = None,
            reference: str | Sequence[str] | None = None, response: str = "final") -> TRLRewardFunc: ...
    @overload
    def trl(self, component: Sequence[str], *, name: str | None = None,
            reference: str | Sequence[str] | None = None, response: str = "final") -> list[TRLRewardFunc]: ...

    def trl(self, component: str | Sequence[str] | None = None, *, name: str | None = None,
            reference: str | Sequence[str] | None = None,
            response: str = "final") -> TRLRewardFunc | list[TRLRewardFunc]:
        """A TRL reward function: ``f(prompts, completions, **kwargs) -> list[float | None]``.

        Pass it in ``GRPOTrainer(reward_funcs=[...])``. Prompts may be strings, chat message lists
        or content blocks (images included); the rollouts of one prompt form a group (a hash of
        the prompt, or a ``group`` column). A chat completion is scored on its final assistant
        message (``response="final"``; ``"assistant"``: every assistant message;
        ``"tool_calls"``: the assistant's tool calls, for tool-use rewards); tool messages never
        are. The reference is the first column present of ``reference``, ``ground_truth``,
        ``answer``, ``solution``, ``label``, ``target`` (or the column(s) named by ``reference``,
        an error when absent), the route is ``task``, and ``tokens`` the length of TRL's
        ``completion_ids``.

        A sample whose data is unusable (``invalid_input``, ``error``) gives ``None``, which TRL
        masks; a model output with no answer or a timeout gives the spec's expression with each
        failed component at ``on_error``. Without ``component`` the function returns the spec's
        reward; ``component="correct"`` that component's value (``None`` where the sample's route
        has no such component). A list of component names gives one function per component, so
        TRL logs each; they share one scoring pass per batch. The function's ``__name__`` is
        ``plaudit`` (or ``plaudit_<component>``), or ``name``. See :mod:`plaudit.trl`.
        """
        from .trl import TRLRewardFunc

        return self._trl(component, name, reference, response, TRLRewardFunc)

    @overload
    def trl_async(self, component: str | None = None, *, name: str | None = None,
                  reference: str | Sequence[str] | None = None, response: str = "final") -> TRLAsyncRewardFunc: ...
    @overload
    def trl_async(self, component: Sequence[str], *, name: str | None = None,
                  reference: str | Sequence[str] | None = None,
                  response: str = "final") -> list[TRLAsyncRewardFunc]: ...

    def trl_async(self, component: str | Sequence[str] | None = None, *, name: str | None = None,
                  reference: str | Sequence[str] | None = None,
                  response: str = "final") -> TRLAsyncRewardFunc | list[TRLAsyncRewardFunc]:
        """:meth:`trl` as an ``async`` function, for TRL's async GRPO
        (``trl.experimental.async_grpo``), which sums reward functions without
        ``reward_weights``: give it the spec's reward, ``trl_async()``."""
        from .trl import TRLAsyncRewardFunc

        return self._trl(component, name, reference, response, TRLAsyncRewardFunc)

    def _trl(self, component: str | Sequence[str] | None, name: str | None,
             reference: str | Sequence[str] | None, response: str, cls: type[Any]) -> Any:
        if component is not None and not isinstance(component, str):
            return [self._trl(c, None, reference, response, cls) for c in list(component)]
        if component is not None and component not in self.components:
            raise ValueError(
                f"unknown component `{component}` (the spec's components: {', '.join(self.components)})"
            )
        if name is None:
            name = "plaudit" if component is None else f"plaudit_{component}"
        explicit = reference is not None
        if isinstance(reference, str):
            refs: tuple[str, ...] = (reference,)
        else:
            from .trl import REFERENCE_COLUMNS

            refs = tuple(reference or REFERENCE_COLUMNS)
        return cls(self, component, name, refs, explicit_reference=explicit, response=response)

    def trl_components(self, *, reference: str | Sequence[str] | None = None,
                       response: str = "final") -> list[TRLRewardFunc]:
        """One TRL reward function per component of the spec (see :meth:`trl`)."""
        return self.trl(self.components, reference=reference, response=response)

    def verl(self, batch: bool = False) -> Callable[..., Any]:
        """A verl ``compute_score`` bound to this spec (see :mod:`plaudit.verl`): with
        ``batch=True`` the batched form for verl's ``batch`` reward manager."""
        from . import verl

        return verl.make_compute_score(self, batch=batch)

    def openrlhf(self, *, tensors: bool | None = None, end_markers: Sequence[str] | None = None,
                 tokenizer: Any = None) -> Callable[..., dict[str, Any]]:
        """An OpenRLHF ``reward_func(queries, prompts, labels)`` bound to this spec (see
        :func:`plaudit.openrlhf.make_reward_func`: ``end_markers``, ``tokenizer``)."""
        from . import openrlhf

        return openrlhf.make_reward_func(self, tensors=tensors, end_markers=end_markers, tokenizer=tokenizer)

    def openrlhf_request(self, request: Mapping[str, Any]) -> dict[str, Any]:
        """OpenRLHF's remote reward protocol on a dict: ``{"query": [...], "prompts": [...],
        "labels": [...], <other columns>}`` → ``{"rewards", "scores", "extra_logs"}``, exactly as
        ``POST /get_reward`` answers. A malformed request raises ``ValueError`` naming the field."""
        return self._engine.openrlhf(request)

