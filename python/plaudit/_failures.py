"""Failures made visible: one ``logging`` warning per distinct reason (with the first error
message seen for it), and the failed fraction of every batch.

Used by the trainer adapters; the logger is ``logging.getLogger("plaudit")``.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import Counter
from typing import Any, Iterable, Mapping

logger = logging.getLogger("plaudit")

_NUMBERS = re.compile(r"\d+(\.\d+)?")
_QUOTED = re.compile(r"`[^`]*`|\"[^\"]*\"|'[^']*'")


def reason_of(result: Mapping[str, Any]) -> str:
    """The reason of a failed result: its status and its message with numbers and quoted values
    blanked out, so ``line 3: …`` and ``line 4: …`` are one reason."""
    msg = str(result.get("error") or "")
    msg = _NUMBERS.sub("N", _QUOTED.sub("…", msg))
    return f"{result.get('status')}: {msg[:120]}"


class FailureReport:
    """Counts a batch's failures, warns once per new reason, and remembers the last batch."""

    def __init__(self, front: str):
        self.front = front
        self._seen: set[str] = set()
        self._lock = threading.Lock()
        #: Failed fraction of the last batch (0.0 before any).
        self.last_failed_fraction = 0.0
        #: Statuses of the last batch.
        self.last_statuses: Counter[str] = Counter()

    def __call__(self, results: Iterable[Mapping[str, Any]]) -> float:
        results = list(results)
        statuses = Counter(r.get("status", "ok") for r in results)
        failed = sum(v for k, v in statuses.items() if k != "ok")
        frac = failed / len(results) if results else 0.0
        new = []
        with self._lock:
            self.last_failed_fraction = frac
            self.last_statuses = statuses
            for r in results:
                if r.get("status", "ok") == "ok":
                    continue
                key = reason_of(r)
                if key not in self._seen:
                    self._seen.add(key)
                    new.append(r)
        for r in new:
            logger.warning(
                "plaudit (%s): samples fail with status %s; first message: %s",
                self.front, r.get("status"), r.get("error"),
            )
        if failed:
            counts = ", ".join(f"{k} {v}" for k, v in sorted(statuses.items()) if k != "ok")
            logger.info("plaudit (%s): %d/%d samples failed in this batch (%.3f): %s",
                        self.front, failed, len(results), frac, counts)
        return frac
