"""Plaudit on Ray: a pool of scorer actors that gives the results one in-process
:class:`plaudit.Reward` gives, for any number of actors.

    import ray, plaudit.ray
    ray.init()
    pool = plaudit.ray.RewardPool("spec.yaml", num_actors=8, num_cpus_per_actor=4)
    results = pool.score(samples)          # one result per sample, in input order
    rewards = pool.rewards(samples)

How a batch is scored:

* **Groups stay whole.** The batch is cut into shares of whole groups (a sample's ``group``;
  samples without one are their own group), about ``shares_per_actor`` per actor, and the
  shares go to the actors as they become free. Group rewards see whole groups.
* **One state.** The actors score against the state as it was before the batch and commit
  nothing: each result carries its stateful rewards' observations back. The pool's driver (this
  object, in the caller's process) puts the shares back in input order, commits the
  observations once, in input order, and runs the group stage (advantages) over the whole
  batch. Results and state are those of one ``Reward`` scoring the same batches, whatever the
  number of actors. The next batch sends each actor only the state entries written since the
  version it holds (all of them to a new or restarted actor).
* **Nothing lost.** An actor that dies mid-batch has its shares rescored on another (Ray
  restarts it, ``max_restarts``); a share is tried ``max_attempts`` times, then split in two
  and tried again, and a single group that still kills every actor it meets gets ``error``
  results naming why. A batch always returns one result per sample.
* **One judge budget.** With ``judge_limits=True`` (the default when the spec declares
  ``judges:``), the judges' ``max_concurrency``, ``rpm``, ``tpm`` and ``budget_tokens`` hold
  for the whole cluster: every actor's calls go through one named limiter actor
  (:class:`JudgeLimiter`) instead of each process having its own.

:func:`shared_pool` shares one pool between processes (verl's reward-loop workers): the pool
runs as a named Ray actor, and every handle (:class:`SharedPool`) scores through it.

For offline re-scoring of large rollout sets with Ray Data, see :class:`DataScorer` and
:func:`score_dataset`.

The Ray-facing pieces import ``ray`` when called; ``import plaudit.ray`` itself needs only
``plaudit``.
"""
from __future__ import annotations

import json
import math
import os
import sys
import threading
import time
from typing import Any, Iterable, Mapping, Sequence

from plaudit._reward import Reward, Result, Sample

__all__ = ["RewardPool", "SharedPool", "shared_pool", "ScorerActor", "JudgeLimiter", "DataScorer",
           "score_dataset", "group_key"]


def group_key(sample: Any) -> str | None:
    """The group a sample belongs to, as the engine reads it: a string ``group`` as is, a number
    as its text; anything else (no group, a sample that is not a dict) is a group of its own."""
    if not isinstance(sample, Mapping):
        return None
    g = sample.get("group")
    if isinstance(g, str):
        return g
    if isinstance(g, (int, float)) and not isinstance(g, bool):
        return str(g)
    return None


def _split(samples: Sequence[Any], shares: int) -> list[list[int]]:
    """Input indices cut into at most ``shares`` shares of whole groups, of about equal sizes, in
    order of first appearance; each share's indices ascending."""
    units: list[list[int]] = []
    where: dict[str, int] = {}
    for i, s in enumerate(samples):
        k = group_key(s)
        if k is None:
            units.append([i])
            continue
        u = where.get(k)
        if u is None:
            where[k] = len(units)
            units.append([i])
        else:
            units[u].append(i)
    if not units:
        return []
    target = max(1, math.ceil(len(samples) / max(1, shares)))
    out: list[list[int]] = []
    cur: list[int] = []
    for u in units:
        cur.extend(u)
        if len(cur) >= target:
            out.append(sorted(cur))
            cur = []
    if cur:
        out.append(sorted(cur))
    return out


class _Scorer:
    """What a scorer actor does (the actor class is made from it when Ray is imported)."""

    def __init__(self, source: tuple[Any, ...], jobs: int | None, limiter: str | None = None,
                 namespace: str | None = None):
        self.reward = Reward._build(source, jobs)
        self.version = -1  # the state version this actor holds (-1: none yet)
        if limiter is not None:
            _install_limiter(limiter, namespace)

    def pid(self) -> int:
        return os.getpid()

    def score(self, version: int, base: int, payload: Any, samples: list[Any]) -> tuple[str, Any]:
        """Bring the state to ``version`` (``payload``: ``None`` when already there, a list of
        deltas from ``base``, or ``("full", entries)``), then score a share. ``("stale", v)``
        when this actor is not at ``base`` (restarted, or never sent a state)."""
        import ray

        engine = self.reward._engine
        # Entries travel through the object store (one copy per node, not per actor).
        fetch = lambda e: ray.get(e) if isinstance(e, ray.ObjectRef) else e  # noqa: E731
        if isinstance(payload, tuple) and payload and payload[0] == "full":
            engine.load_state(fetch(payload[1]))
            self.version = version
        elif self.version != base:
            return ("stale", self.version)
        else:
            for delta in payload or ():
                engine.load_state(fetch(delta))
            self.version = version
        return ("ok", engine.score_share(samples))


_actor_classes: dict[str, Any] = {}


def _actor_class(name: str, cls: type) -> Any:
    import ray

    if name not in _actor_classes:
        _actor_classes[name] = ray.remote(cls)
    return _actor_classes[name]


def ScorerActor(**options: Any) -> Any:  # noqa: N802 - a class factory, named as the class it makes
    """The scorer actor class with Ray options (``num_cpus``, ``max_restarts`` …):
    ``ScorerActor(num_cpus=1).remote(source, jobs)``. :class:`RewardPool` makes them."""
    return _actor_class("scorer", _Scorer).options(**options)


class RewardPool:
    """A pool of scorer actors holding one compiled spec (see the module's documentation).

    ``spec``: what :class:`plaudit.Reward` takes (``None``: the built-in default, a path, a
    dict), or a ``Reward``. ``num_actors`` actors of ``num_cpus_per_actor`` CPUs each, each
    scoring on ``jobs_per_actor`` threads (default: ``num_cpus_per_actor``). The driver's own
    work (merging, the group stage, the commit) runs in the caller's process.

    ``pool.actors`` are the actor handles (for operations and tests); ``pool.reward`` is the
    driver's ``Reward``, whose state is the pool's.
    """

    def __init__(self, spec: Any = None, *, num_actors: int = 2, num_cpus_per_actor: float = 1,
                 jobs_per_actor: int | None = None, shares_per_actor: int = 2, max_attempts: int = 3,
                 max_restarts: int = 4, judge_limits: bool | None = None,
                 actor_options: Mapping[str, Any] | None = None):
        import ray

        if num_actors < 1:
            raise ValueError(f"num_actors: must be at least 1, got {num_actors}")
        if shares_per_actor < 1:
            raise ValueError(f"shares_per_actor: must be at least 1, got {shares_per_actor}")
        if max_attempts < 1:
            raise ValueError(f"max_attempts: must be at least 1, got {max_attempts}")
        if not ray.is_initialized():
            raise RuntimeError("RewardPool needs a Ray cluster: call ray.init() first")
        self.reward = spec if isinstance(spec, Reward) else Reward(spec, jobs=1)
        self.reward._engine.record_state(True)
        self._source = self.reward._source
        self.shares_per_actor = shares_per_actor
        self.max_attempts = max_attempts
        jobs = jobs_per_actor if jobs_per_actor is not None else max(1, int(num_cpus_per_actor))
        judges = self.reward.spec.get("judges") or {}
        if judge_limits is None:
            judge_limits = bool(judges)
        self.limiter = None
        limiter_name = None
        namespace = ray.get_runtime_context().namespace
        if judge_limits and judges:
            self.limiter, limiter_name = _limiter_for(judges)
        opts = {"num_cpus": num_cpus_per_actor, "max_restarts": max_restarts, "max_task_retries": 0}
        opts.update(actor_options or {})
        self.actors = [ScorerActor(**opts).remote(self._source, jobs, limiter_name, namespace)
                       for _ in range(num_actors)]
        self._alive = [True] * num_actors
        # State versions: the driver's is `_version`; `_deltas[v]` moves a store from v - 1 to v.
        self._version = 0
        self._deltas: dict[int, Any] = {}  # object refs of the entries' bytes
        self._full: tuple[int, Any] | None = None  # (version, object ref of every entry)
        self._held = [-1] * num_actors  # the version each actor was last known to hold
        self._lock = threading.Lock()
        #: Counters: batches, shares sent, shares per actor, shares rescored after an actor died,
        #: shares resent with the whole state (a restarted actor), samples no actor could score,
        #: samples scored, and the seconds the driver itself worked (cutting batches into shares,
        #: sending them, reading results, the merge, the commit and the group stage), which bounds
        #: what one pool can score whatever its number of actors.
        self.stats: dict[str, Any] = {"batches": 0, "shares": 0, "per_actor": [0] * num_actors,
                                      "rescored": 0, "stale": 0, "failed_samples": 0,
                                      "samples": 0, "driver_s": 0.0}

    # ------------------------------------------------------------------ scoring

    def score(self, samples: Iterable[Sample]) -> list[Result]:
        """Score a batch: one result per sample, in input order, group stage included, state
        committed once — the results of :meth:`plaudit.Reward.score`."""
        return self._run(list(samples), True)

    def rewards(self, samples: Iterable[Sample]) -> list[float]:
        """Only the rewards, in order (no group stage; the state is still committed)."""
        return [r["reward"] for r in self._run(list(samples), False)]

    __call__ = rewards

    def _payload(self, actor: int) -> tuple[int, Any]:
        held = self._held[actor]
        if held == self._version:
            return held, None
        if held >= 0 and all(v in self._deltas for v in range(held + 1, self._version + 1)):
            return held, [self._deltas[v] for v in range(held + 1, self._version + 1)]
        if self._full is None or self._full[0] != self._version:
            import ray

            self._full = (self._version, ray.put(self.reward._engine.state_entries()))
        return held, ("full", self._full[1])

    def score_many(self, batches: Sequence[Sequence[Sample]]) -> list[list[Result]]:
        """Several batches scored in one pass of the actors: each batch its own group stage,
        and its observations committed after those of the batches before it; all of them read
        the state as it was before the first (:class:`SharedPool` gathers concurrent callers'
        batches this way)."""
        lists = [list(b) for b in batches]
        bounds, start = [], 0
        for b in lists:
            bounds.append((start, start + len(b)))
            start += len(b)
        flat = [s for b in lists for s in b]
        results = self._run(flat, True, [(a, b) for a, b in bounds if b > a]) if flat else []
        out, i = [], 0
        for b in lists:
            out.append(results[i:i + len(b)])
            i += len(b)
        return out

    def _run(self, samples: list[Any], group: bool,
             bounds: list[tuple[int, int]] | None = None) -> list[Result]:
        import ray
        from ray.exceptions import RayActorError

        with self._lock:
            n = len(samples)
            if n == 0:
                return []
            t0 = time.perf_counter()
            live = [i for i, a in enumerate(self._alive) if a]
            segments = bounds or [(0, n)]
            want = self.shares_per_actor * max(1, len(live))
            queue: list[tuple[list[int], int]] = []
            for a, b in segments:
                k = max(1, math.ceil(want * (b - a) / n))
                queue.extend(([a + i for i in idx], 0) for idx in _split(samples[a:b], k))
            driver = time.perf_counter() - t0
            done: list[tuple[list[int], bytes]] = []
            running: dict[Any, tuple[int, list[int], int]] = {}
            busy = {i: 0 for i in range(len(self.actors))}
            while queue or running:
                live = [i for i, a in enumerate(self._alive) if a]
                if not live and not running:
                    # Every actor is gone for good: the driver scores what is left itself.
                    print("plaudit.ray: every scorer actor is dead; scoring the rest in the "
                          "driver's process", file=sys.stderr)
                    for idx, _ in queue:
                        done.append((idx, self.reward._engine.score_share([samples[i] for i in idx])))
                    queue = []
                    break
                # Hand out shares: at most two in flight per live actor, least busy first.
                t0 = time.perf_counter()
                while queue and live:
                    a = min(live, key=lambda i: busy[i])
                    if busy[a] >= 2:
                        break
                    idx, attempts = queue.pop(0)
                    base, payload = self._payload(a)
                    ref = self.actors[a].score.remote(self._version, base, payload,
                                                      [samples[i] for i in idx])
                    running[ref] = (a, idx, attempts)
                    busy[a] += 1
                    self._held[a] = self._version
                    self.stats["shares"] += 1
                driver += time.perf_counter() - t0
                ready, _ = ray.wait(list(running), num_returns=1)
                ref = ready[0]
                a, idx, attempts = running.pop(ref)
                busy[a] -= 1
                try:
                    t0 = time.perf_counter()
                    kind, value = ray.get(ref)
                    driver += time.perf_counter() - t0
                except RayActorError as e:
                    self._held[a] = -1
                    if _dead_for_good(self.actors[a], e):
                        self._alive[a] = False
                    self.stats["rescored"] += 1
                    self._retry(queue, samples, done, idx, attempts + 1, e)
                    continue
                if kind == "stale":
                    self._held[a] = value
                    self.stats["stale"] += 1
                    queue.insert(0, (idx, attempts))
                    continue
                self.stats["per_actor"][a] += 1
                done.append((idx, value))
            t0 = time.perf_counter()
            if len(segments) == 1:
                results = self.reward._engine.merge(done, n, group)
            else:  # each batch its own merge (its group stage), in order
                results = []
                for a, b in segments:
                    parts = [([i - a for i in idx], v) for idx, v in done if a <= idx[0] < b]
                    results.extend(self.reward._engine.merge(parts, b - a, group))
            delta = self.reward._engine.state_written()
            if delta != b"[]":
                self._version += 1
                import ray

                self._deltas[self._version] = ray.put(delta)
                oldest = min([v for v, al in zip(self._held, self._alive) if al and v >= 0],
                             default=self._version)
                for v in [v for v in self._deltas if v <= oldest]:
                    del self._deltas[v]
            self.stats["batches"] += 1
            self.stats["samples"] += n
            self.stats["driver_s"] += driver + time.perf_counter() - t0
            return results

    def _retry(self, queue: list[tuple[list[int], int]], samples: list[Any],
               done: list[tuple[list[int], bytes]], idx: list[int], attempts: int,
               error: BaseException) -> None:
        if attempts < self.max_attempts:
            queue.insert(0, (idx, attempts))
            return
        halves = _split([samples[i] for i in idx], 2)
        if len(halves) > 1:
            for h in reversed(halves):
                queue.insert(0, ([idx[j] for j in h], 0))
            return
        message = (f"plaudit.ray: the scorer actors died {attempts} times scoring this sample's "
                   f"group ({type(error).__name__}); it was not scored")
        self.stats["failed_samples"] += len(idx)
        print(message, file=sys.stderr)
        done.append((idx, self.reward._engine.fail_share([samples[i] for i in idx], message)))

    # ------------------------------------------------------------------ introspection

    @property
    def state_version(self) -> int:
        """How many batches have changed the state."""
        return self._version

    def state(self) -> list[list[Any]]:
        """The pool's state: every entry ``[namespace, key, value]`` (the driver's)."""
        return json.loads(self.reward._engine.state_entries())

    def shutdown(self) -> None:
        """Kill the actors (the pool cannot score after)."""
        import ray

        for a in self.actors:
            ray.kill(a, no_restart=True)
        self._alive = [False] * len(self.actors)


class _PoolActor:
    """A :class:`RewardPool` run as a named actor (:func:`shared_pool`): its driver — the state,
    the merge, the group stage — lives in this actor, so every process that scores through it
    shares one state and one set of scorer actors.

    An asyncio actor: the batches callers send while the pool is busy wait together and are
    scored in one pass (:meth:`RewardPool.score_many`: each its own group stage, committed in
    arrival order), so many callers of one rollout each (verl's reward loop) cost one pass per
    gathering, not one round trip each."""

    def __init__(self, spec: Any, options: Mapping[str, Any]):
        self.pool = RewardPool(spec, **options)
        self.waiting: list[tuple[list[Any], Any]] = []
        self.draining = False

    async def score(self, samples: list[Any]) -> list[Result]:
        import asyncio

        fut = asyncio.get_running_loop().create_future()
        self.waiting.append((samples, fut))
        if not self.draining:
            self.draining = True
            asyncio.get_running_loop().create_task(self._drain())
        return await fut

    async def _drain(self) -> None:
        import asyncio

        loop = asyncio.get_running_loop()
        try:
            while self.waiting:
                taken, self.waiting = self.waiting, []
                try:
                    out = await loop.run_in_executor(
                        None, self.pool.score_many, [samples for samples, _ in taken])
                except BaseException as e:  # every caller hears of it
                    for _, fut in taken:
                        fut.set_exception(e)
                    continue
                self.pool.stats["gathered"] = self.pool.stats.get("gathered", 0) + 1
                for (_, fut), results in zip(taken, out):
                    fut.set_result(results)
        finally:
            self.draining = False

    async def rewards(self, samples: list[Any]) -> list[float]:
        return [r["reward"] for r in await self.score(samples)]

    def state(self) -> list[list[Any]]:
        return self.pool.state()

    def stats(self) -> dict[str, Any]:
        return dict(self.pool.stats, state_version=self.pool.state_version)

    def spec(self) -> dict[str, Any]:
        return self.pool.reward.spec


class SharedPool:
    """A handle on a pool shared by name (see :func:`shared_pool`): ``score``, ``rewards`` and
    ``state`` go to the named pool actor; ``spec`` and ``components`` are read from a local
    compile of the same spec. Picklable: it is found again by name wherever it goes."""

    def __init__(self, name: str, namespace: str | None, spec: Any, actor: Any = None):
        self.name, self.namespace = name, namespace
        self.reward = spec if isinstance(spec, Reward) else Reward(spec, jobs=1)
        # Holding the handle keeps the pool alive (Ray ends an actor nobody holds).
        self._actor = actor

    def __reduce__(self) -> tuple[Any, ...]:
        return (SharedPool, (self.name, self.namespace, self.reward))

    @property
    def actor(self) -> Any:
        import ray

        if self._actor is None:
            self._actor = ray.get_actor(self.name, namespace=self.namespace)
        return self._actor

    def score(self, samples: Iterable[Sample]) -> list[Result]:
        import ray

        return ray.get(self.actor.score.remote(list(samples)))

    def rewards(self, samples: Iterable[Sample]) -> list[float]:
        import ray

        return ray.get(self.actor.rewards.remote(list(samples)))

    __call__ = rewards

    def state(self) -> list[list[Any]]:
        import ray

        return ray.get(self.actor.state.remote())

    def stats(self) -> dict[str, Any]:
        import ray

        return ray.get(self.actor.stats.remote())

    @property
    def spec(self) -> dict[str, Any]:
        return self.reward.spec

    @property
    def components(self) -> list[str]:
        return self.reward.components


def shared_pool(name: str, spec: Any = None, *, detached: bool = False, **options: Any) -> SharedPool:
    """The pool named ``name`` in this Ray namespace, started with ``spec`` and ``options``
    (:class:`RewardPool`'s keywords) by the first caller; later callers get the same pool
    (their ``spec`` must compile to the same spec: a different one is refused, naming the
    pool). verl's reward-loop workers each call this with the same name
    (:class:`plaudit.verl.PlauditRewardManager`'s ``pool``).

    The pool lives while a handle on it does (Ray ends an actor nobody holds) and while the
    process that started it does; ``detached=True`` makes it outlive them (end it with
    ``ray.kill(handle.actor)``)."""
    import ray

    if not ray.is_initialized():
        raise RuntimeError("shared_pool needs a Ray cluster: call ray.init() first")
    namespace = ray.get_runtime_context().namespace
    local = spec if isinstance(spec, Reward) else Reward(spec, jobs=1)
    source = local._source
    cls = _actor_class("pool", _PoolActor)
    actor = cls.options(name=name, get_if_exists=True, num_cpus=0, max_restarts=0, max_concurrency=1000,
                        lifetime="detached" if detached else None).remote(
        Reward._build(source, 1), dict(options))
    if ray.get(actor.spec.remote()) != local.spec:
        raise ValueError(f"the pool {name!r} runs another spec; give this one another name")
    return SharedPool(name, namespace, local, actor)


def _dead_for_good(actor: Any, e: BaseException) -> bool:
    """Whether an actor that failed a task will not come back (killed with ``no_restart``, its
    restarts spent): Ray says ``ActorDiedError`` for those (``ActorUnavailableError`` while it
    restarts); a call to it then fails at once, which the probe confirms."""
    import ray
    from ray.exceptions import ActorDiedError, GetTimeoutError, RayActorError

    if not isinstance(e, ActorDiedError):
        return False
    try:
        ray.get(actor.pid.remote(), timeout=60)
    except GetTimeoutError:
        return False
    except RayActorError:
        return True
    return False


# ---------------------------------------------------------------------- Ray Data

#: Columns :class:`DataScorer` adds (plus ``component_<name>`` for each of the spec's components).
RESULT_COLUMNS = ("reward", "status", "error", "advantage")


def _plain(v: Any) -> Any:
    """A Ray Data cell as JSON-like Python: numpy scalars and arrays to numbers and lists."""
    item = getattr(v, "item", None)
    if callable(item) and getattr(v, "shape", None) == ():
        return item()
    tolist = getattr(v, "tolist", None)
    if callable(tolist):
        return [_plain(x) for x in tolist()]
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    return v


class DataScorer:
    """A callable class for Ray Data: ``ds.map_batches(DataScorer, fn_constructor_kwargs={"spec":
    ...}, batch_format="pandas", concurrency=N)``, or (groups kept whole) :func:`score_dataset`.

    Each row is a sample (its columns ``id``, ``group``, ``task``, ``prompt``, ``response``,
    ``reference``, ``meta``, ``tokens`` … as :meth:`plaudit.Reward.score` reads them; empty
    cells are left out). The batch comes back with ``reward``, ``status``, ``error``,
    ``advantage`` (the group stage over the batch's groups; NaN without one) and
    ``component_<name>`` (NaN where the sample's route has no such component or it failed).

    ``state``: entries ``[namespace, key, value]`` (:meth:`RewardPool.state`) that stateful
    rewards read, e.g. a training run's state at some step; the scorer never changes it, so
    every batch is scored against the same state whatever the partitioning.
    """

    def __init__(self, spec: Any = None, *, state: Sequence[Sequence[Any]] | None = None,
                 jobs: int = 1, details: bool = False):
        self.reward = spec if isinstance(spec, Reward) else Reward(spec, jobs=jobs)
        if state:
            self.reward._engine.load_state(json.dumps([list(e) for e in state]).encode())
        self.components = self.reward.components
        self.details = details

    def __call__(self, batch: Any) -> Any:
        import pandas as pd

        frame = batch if isinstance(batch, pd.DataFrame) else pd.DataFrame(batch)
        samples = []
        for row in frame.to_dict("records"):
            sample = {}
            for k, v in row.items():
                if k in RESULT_COLUMNS or k.startswith("component_") or k == "details":
                    continue
                v = _plain(v)
                if v is None or (isinstance(v, float) and math.isnan(v)):
                    continue
                sample[k] = v
            samples.append(sample)
        n = len(samples)
        engine = self.reward._engine
        results = engine.merge([(list(range(n)), engine.score_share(samples))], n, True, False) if n else []
        out = frame.copy()
        out["reward"] = [r["reward"] for r in results]
        out["status"] = [r["status"] for r in results]
        out["error"] = [r.get("error") for r in results]
        out["advantage"] = [r.get("advantage", float("nan")) for r in results]
        for c in self.components:
            out[f"component_{c}"] = [r["components"].get(c, float("nan")) for r in results]
        if self.details:
            out["details"] = [json.dumps(r.get("details")) for r in results]
        return out


def score_dataset(ds: Any, spec: Any = None, *, group_column: str = "group", concurrency: int = 2,
                  num_cpus: float = 1, state: Sequence[Sequence[Any]] | None = None,
                  details: bool = False, num_partitions: int | None = None) -> Any:
    """Score a Ray Dataset of rollouts with whole groups: rows grouped by ``group_column``
    (every row must have one) and each group scored together by :class:`DataScorer` actors
    (``concurrency`` of them): group rewards see whole groups and the group stage's
    advantages are those of the group. Returns the scored dataset (lazy, as Ray Data is).
    ``num_partitions``: the shuffle's partitions (Ray Data's default when ``None``; a few per
    CPU of the cluster is plenty). The shuffle that brings a group's rows together runs tasks
    of its own: leave it CPUs (``concurrency × num_cpus`` below the cluster's), or it waits.

    Advantages that whiten over the whole batch (``reinforce_pp``) have no per-group meaning
    and are refused."""
    reward = spec if isinstance(spec, Reward) else Reward(spec, jobs=1)
    group = reward.spec.get("group") or {}
    if group.get("advantage") == "reinforce_pp":
        raise ValueError("score_dataset scores group by group, and reinforce_pp whitens advantages "
                         "over the whole batch: use grpo, dr_grpo or rloo here, or score the whole "
                         "set with RewardPool")
    if group_column not in ds.columns():
        raise ValueError(f"score_dataset: the dataset has no column {group_column!r} to keep "
                         f"groups together (its columns: {', '.join(ds.columns())})")
    return ds.groupby(group_column, num_partitions=num_partitions).map_groups(
        DataScorer, batch_format="pandas", concurrency=concurrency, num_cpus=num_cpus,
        fn_constructor_args=(reward,), fn_constructor_kwargs={"state": state, "details": details})


# ---------------------------------------------------------------------- judges' limits

class _Bucket:
    """A token bucket of ``per_minute`` refilled continuously; a reservation may go into debt
    and says how long to wait (the judge client's own buckets work the same way)."""

    def __init__(self, per_minute: float):
        import time

        self.rate = per_minute / 60.0
        self.capacity = float(per_minute)
        self.level = float(per_minute)
        self.at = time.monotonic()

    def reserve(self, n: float) -> float:
        import time

        now = time.monotonic()
        self.level = min(self.capacity, self.level + (now - self.at) * self.rate)
        self.at = now
        self.level -= n
        return 0.0 if self.level >= 0 else -self.level / self.rate

    def adjust(self, delta: float) -> None:
        self.level = min(self.capacity, self.level - delta)


class _Limiter:
    """The judges' limits for a whole cluster (the :class:`JudgeLimiter` actor's body): per
    judge, at most ``max_concurrency`` requests in flight across every process, ``rpm``
    requests and ``tpm`` tokens a minute, and ``budget_tokens`` in all. A lease not given back
    (its process died) is taken back once its call's deadline is long past."""

    def __init__(self, judges: Mapping[str, Mapping[str, Any]]):
        import asyncio

        self.judges: dict[str, dict[str, Any]] = {}
        for name, cfg in judges.items():
            self.judges[name] = {
                "max": int(cfg.get("max_concurrency") or 16),
                "rpm": _Bucket(cfg["rpm"]) if cfg.get("rpm") else None,
                "tpm": _Bucket(cfg["tpm"]) if cfg.get("tpm") else None,
                "budget": cfg.get("budget_tokens"),
                "used": 0, "leases": {}, "peak": 0, "granted": 0, "refused": 0,
                "cond": asyncio.Condition(),
            }
        self.next = 0

    def _reclaim(self, j: dict[str, Any]) -> None:
        import time

        now = time.monotonic()
        for lease, until in list(j["leases"].items()):
            if until < now:
                del j["leases"][lease]

    async def acquire(self, judge: str, tokens: int, timeout: float) -> tuple[str, Any, Any]:
        import asyncio
        import time

        j = self.judges.get(judge)
        if j is None:  # a judge the pool's spec does not declare: not limited here
            self.next += 1
            return ("ok", self.next, None)
        if j["budget"] is not None and j["used"] >= j["budget"]:
            j["refused"] += 1
            return ("budget", j["used"], j["budget"])
        end = time.monotonic() + timeout
        async with j["cond"]:
            while True:
                self._reclaim(j)
                if len(j["leases"]) < j["max"]:
                    break
                left = end - time.monotonic()
                if left <= 0:
                    return ("timeout", None, None)
                try:
                    await asyncio.wait_for(j["cond"].wait(), timeout=min(left, 1.0))
                except asyncio.TimeoutError:
                    pass
            wait = 0.0
            if j["rpm"] is not None:
                wait = max(wait, j["rpm"].reserve(1))
            if j["tpm"] is not None:
                wait = max(wait, j["tpm"].reserve(tokens))
            if time.monotonic() + wait > end:
                if j["rpm"] is not None:
                    j["rpm"].adjust(-1)
                if j["tpm"] is not None:
                    j["tpm"].adjust(-tokens)
                return ("timeout", None, None)
            # The budget counts the estimate now, corrected by `settle`: a call admitted
            # before an earlier one settled cannot overrun it by more than the estimates' error.
            j["used"] += tokens
            self.next += 1
            lease = self.next
            # Taken back if never released: well after the call's deadline.
            j["leases"][lease] = end + 60.0
            j["peak"] = max(j["peak"], len(j["leases"]))
            j["granted"] += 1
        if wait > 0:
            await asyncio.sleep(wait)
        return ("ok", lease, None)

    async def release(self, judge: str, lease: int) -> None:
        j = self.judges.get(judge)
        if j is None:
            return
        async with j["cond"]:
            j["leases"].pop(lease, None)
            j["cond"].notify_all()

    async def settle(self, judge: str, used: int, estimate: int) -> None:
        j = self.judges.get(judge)
        if j is None:
            return
        j["used"] += used - estimate
        if j["tpm"] is not None:
            j["tpm"].adjust(used - estimate)

    async def usage(self) -> dict[str, dict[str, Any]]:
        """Per judge: ``in_flight``, ``peak`` in flight, ``granted``, ``refused`` (budget),
        ``used`` tokens, and the limits."""
        return {name: {"in_flight": len(j["leases"]), "peak": j["peak"], "granted": j["granted"],
                       "refused": j["refused"], "used": j["used"], "max_concurrency": j["max"],
                       "budget_tokens": j["budget"]}
                for name, j in self.judges.items()}


class JudgeLimiter:
    """The cluster-wide judge limiter: one named Ray actor per set of judges
    (``plaudit-judges-<hash of their configuration>``), shared by every pool that declares the
    same judges. :meth:`for_judges` finds or starts it; :meth:`usage` reads it."""

    @staticmethod
    def name_for(judges: Mapping[str, Any]) -> str:
        import hashlib

        text = json.dumps(judges, sort_keys=True, default=str)
        return "plaudit-judges-" + hashlib.sha256(text.encode()).hexdigest()[:16]

    @staticmethod
    def for_judges(judges: Mapping[str, Any]) -> tuple[Any, str]:
        """The limiter actor for these judges (started if none runs), and its name."""
        name = JudgeLimiter.name_for(judges)
        cls = _actor_class("limiter", _Limiter)
        actor = cls.options(name=name, get_if_exists=True, num_cpus=0,
                            max_concurrency=1000).remote(dict(judges))
        return actor, name

    @staticmethod
    def usage(actor: Any) -> dict[str, dict[str, Any]]:
        import ray

        return ray.get(actor.usage.remote())


class _LimiterClient:
    """What a scorer actor's judges call (through ``_plaudit.set_judge_limiter``): the limiter
    actor's methods, answered synchronously on the judges' blocking threads."""

    def __init__(self, actor: Any):
        self.actor = actor

    def acquire(self, judge: str, tokens: int, timeout: float) -> tuple[str, Any, Any]:
        import ray

        return tuple(ray.get(self.actor.acquire.remote(judge, tokens, timeout)))

    def release(self, judge: str, lease: int) -> None:
        self.actor.release.remote(judge, lease)

    def settle(self, judge: str, used: int, estimate: int) -> None:
        self.actor.settle.remote(judge, used, estimate)


def _limiter_for(judges: Mapping[str, Any]) -> tuple[Any, str | None]:
    return JudgeLimiter.for_judges(judges)


def _install_limiter(name: str, namespace: str | None) -> None:
    import ray

    from plaudit import _plaudit

    _plaudit.set_judge_limiter(_LimiterClient(ray.get_actor(name, namespace=namespace)))
