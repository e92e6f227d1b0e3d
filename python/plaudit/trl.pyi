from typing import Any, Mapping, Sequence

from . import REFERENCE_COLUMNS as REFERENCE_COLUMNS
from . import TRLAsyncRewardFunc as TRLAsyncRewardFunc
from . import TRLRewardFunc as TRLRewardFunc
from . import prompt_key as prompt_key

RESPONSE_MODES: tuple[str, ...]
MASKED_STATUSES: frozenset[str]
MAX_BARE_ANSWER_CHARS: int

class SampleError(ValueError): ...

def prompt_text(prompt: Any) -> str: ...
def response_text(completion: Any, mode: str = "final") -> str: ...
def reference_of(column: str, value: Any) -> Any: ...
