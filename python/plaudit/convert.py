"""TRL's logged completions as Plaudit samples JSONL, to re-score a past run with a spec::

    python -m plaudit.convert trl out/completions/completions_00010.parquet -o samples.jsonl
    plaudit score samples.jsonl --spec reward.yaml -o results.jsonl
    plaudit report results.jsonl --input samples.jsonl

With ``log_completions=True``, TRL 1.16's ``GRPOTrainer.log`` (``trl/trainer/grpo_trainer.py``)
writes ``{output_dir}/completions/completions_{global_step:05d}.parquet`` at every logging step:
the columns ``step``, ``prompt``, ``completion`` (strings, or chat message lists with images
stripped), one column per reward function (named as in its ``rewards/<name>/mean`` metric; NaN
where the function returned ``None``), the columns reward functions logged with ``log_extra``,
and ``advantage``; the rows are the last generation batch, each prompt's completions together.

Each row becomes a sample: ``prompt`` and ``response`` (the completion) as they are (message
lists keep their shape: keys Parquet filled with null for a message or content block that lacked
them are dropped), ``reference`` from ``--reference COLUMN`` or else the first column present of
:data:`plaudit.trl.REFERENCE_COLUMNS` (a reward function can log it with ``log_extra``), ``group``
the :func:`plaudit.prompt_key` of the prompt, ``id`` ``"{step}-{row}"``, and ``meta`` every other
column (the trainer's rewards and advantage, for comparison; NaN as ``null``).

verl's rollout dumps are converted by the command line: ``plaudit convert --from verl``.
Reading Parquet needs ``pyarrow`` (installed with TRL's ``datasets``).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from typing import Any, Iterator

from ._groups import prompt_key
from .trl import REFERENCE_COLUMNS

__all__ = ["trl_samples", "main"]


def _drop_nulls(value: Any) -> Any:
    """Message lists as written: Parquet gives a struct every key of every message, null where a
    message lacked it."""
    if isinstance(value, dict):
        return {k: _drop_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_nulls(v) for v in value]
    return value


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value


def _read_parquet(path: str) -> list[dict[str, Any]]:
    try:
        import pyarrow.parquet as pq
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise SystemExit(f"plaudit.convert: reading {path} needs pyarrow (pip install pyarrow): {e}")
    return pq.read_table(path).to_pylist()


def trl_samples(path: str, reference: str | None = None, task: str | None = None) -> Iterator[dict[str, Any]]:
    """The samples of one TRL ``completions_*.parquet`` file, in row order."""
    rows = _read_parquet(path)
    if not rows:
        return
    columns = list(rows[0])
    for need in ("prompt", "completion"):
        if need not in columns:
            raise ValueError(f"{path}: not a TRL completions file: no `{need}` column (columns: {columns})")
    if reference is not None and reference not in columns:
        raise ValueError(f"{path}: no column `{reference}` (columns: {columns})")
    ref_col = reference or next((c for c in REFERENCE_COLUMNS if c in columns), None)
    for i, row in enumerate(rows):
        prompt = _drop_nulls(row["prompt"])
        sample: dict[str, Any] = {"id": f"{row.get('step', '?')}-{i}", "group": prompt_key(prompt)}
        if task is not None:
            sample["task"] = task
        sample["prompt"] = prompt
        sample["response"] = _drop_nulls(row["completion"])
        if ref_col is not None and row[ref_col] is not None:
            sample["reference"] = _finite(row[ref_col])
        sample["meta"] = {k: _finite(v) for k, v in row.items() if k not in ("prompt", "completion", ref_col)}
        yield sample


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m plaudit.convert", description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("trainer", choices=["trl"], help="trl: completions_*.parquet (verl: plaudit convert --from verl)")
    ap.add_argument("files", nargs="+", help="the trainer's files, converted in the order given")
    ap.add_argument("-o", "--out", help="output samples JSONL (default: standard output)")
    ap.add_argument("--reference", help="the column holding the reference (default: the first of "
                    + ", ".join(REFERENCE_COLUMNS) + " present)")
    ap.add_argument("--task", help="set this task on every sample (routes it in the spec)")
    args = ap.parse_args(argv)
    out = open(args.out, "w", encoding="utf-8") if args.out else sys.stdout
    n = 0
    try:
        for path in args.files:
            try:
                for sample in trl_samples(path, args.reference, args.task):
                    out.write(json.dumps(sample, ensure_ascii=False, allow_nan=False, default=str) + "\n")
                    n += 1
            except (OSError, ValueError) as e:
                print(f"plaudit.convert: {e}", file=sys.stderr)
                return 2
    finally:
        if out is not sys.stdout:
            out.close()
    print(f"plaudit.convert: {n} samples from {len(args.files)} file(s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
