"""Stable group keys: the rollouts of one prompt (or one dataset row) form a group, named the same
in every process and batch. Used by the TRL and verl adapters."""

from __future__ import annotations

import hashlib
import json
from typing import Any, Mapping


def _json_default(obj: Any) -> Any:
    """A stable stand-in for a value JSON cannot hold: images and arrays by their bytes."""
    h = hashlib.blake2b(digest_size=16)
    tobytes = getattr(obj, "tobytes", None)
    if callable(tobytes):  # PIL images, numpy arrays
        meta = [type(obj).__name__, getattr(obj, "mode", None), list(getattr(obj, "size", ()) or ()),
                list(getattr(obj, "shape", ()) or ()), str(getattr(obj, "dtype", ""))]
        h.update(json.dumps(meta).encode())
        h.update(tobytes())
        return {"__bytes__": h.hexdigest()}
    if isinstance(obj, (bytes, bytearray, memoryview)):
        h.update(bytes(obj))
        return {"__bytes__": h.hexdigest()}
    if isinstance(obj, (set, frozenset)):
        return sorted(obj, key=repr)
    if isinstance(obj, Mapping):
        return dict(obj)
    if isinstance(obj, (list, tuple)):
        return list(obj)
    # Anything else by its type and text (a path, a URL object …).
    return {"__object__": f"{type(obj).__module__}.{type(obj).__qualname__}", "repr": str(obj)}


def prompt_key(prompt: Any) -> str:
    """A stable group key for a prompt (a string, a chat message list, content blocks with
    images): 16 hex digits of a BLAKE2b hash, the same in every process. Images count by their
    mode, size and pixels."""
    if isinstance(prompt, str):
        text = prompt
    else:
        text = json.dumps(prompt, sort_keys=True, ensure_ascii=False, default=_json_default)
    return hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()
