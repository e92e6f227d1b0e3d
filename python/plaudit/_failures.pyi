import logging
from collections import Counter
from typing import Any, Iterable, Mapping

logger: logging.Logger

def reason_of(result: Mapping[str, Any]) -> str: ...

class FailureReport:
    front: str
    last_failed_fraction: float
    last_statuses: Counter[str]
    def __init__(self, front: str) -> None: ...
    def __call__(self, results: Iterable[Mapping[str, Any]]) -> float: ...
