"""Shared helpers for the differential tests: run the `plaudit` binary on samples with a spec."""

import json
import os
import pathlib
import subprocess
import tempfile

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


def plaudit_bin() -> str:
    """The binary under test: $PLAUDIT_BIN, else the debug build that `cargo test` made."""
    path = os.environ.get("PLAUDIT_BIN") or str(ROOT / "target" / "debug" / "plaudit")
    if not os.path.exists(path):
        pytest.fail(f"plaudit binary not found at {path}; run `cargo build -p plaudit-cli` first")
    return path


def score(spec: str, samples: list[dict]) -> list[dict]:
    """Score `samples` with the YAML `spec` through the CLI; one result per sample, in order."""
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as f:
        f.write(spec)
        spec_path = f.name
    try:
        data = "".join(json.dumps(s) + "\n" for s in samples)
        out = subprocess.run(
            [plaudit_bin(), "score", "--quiet", "--spec", spec_path, "-"],
            input=data.encode(),
            capture_output=True,
            check=True,
            timeout=300,
        )
    finally:
        os.unlink(spec_path)
    results = [json.loads(line) for line in out.stdout.decode().splitlines()]
    assert len(results) == len(samples)
    return results
