"""Shared fixtures for the `plaudit` package's tests (run by scripts/test.sh after installing it)."""
import os
import shutil

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture(scope="session")
def root():
    return ROOT


@pytest.fixture(scope="session")
def plaudit_bin():
    """The CLI, to check that the package gives the same results (built by `cargo test`)."""
    candidates = [os.environ.get("PLAUDIT_BIN"), os.path.join(ROOT, "target", "debug", "plaudit"),
                  os.path.join(ROOT, "target", "release", "plaudit"), shutil.which("plaudit")]
    for c in candidates:
        if c and os.path.isfile(c) and os.access(c, os.X_OK):
            return c
    pytest.skip("the plaudit CLI is not built (cargo build -p plaudit-cli)")


R1_SPEC = {
    "components": {
        "correct": {"reward": "exact_match"},
        "format": {"reward": "think_answer_format"},
        "overlong": {"reward": "soft_overlong_penalty", "params": {"max_len": 100, "buffer": 20}},
    },
    "reward": "correct + 0.1 * format + overlong",
    "group": {"advantage": "grpo", "mark_zero_variance": True},
}


@pytest.fixture
def r1_spec():
    import copy

    return copy.deepcopy(R1_SPEC)
