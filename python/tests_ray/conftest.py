"""The Ray tier: plaudit.ray on a real local Ray cluster (``ray.init(num_cpus=2)``), run by
scripts/test.sh in .venv-trainers (which has the pinned ``ray``). One cluster for the session."""
import os
import sys

import pytest

os.environ.setdefault("RAY_ACCEL_ENV_VAR_OVERRIDE_ON_ZERO", "0")
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests"))  # judge_peer.py


@pytest.fixture(scope="session")
def cluster():
    import ray

    ray.init(num_cpus=2, include_dashboard=False, logging_level="ERROR",
             runtime_env={"env_vars": {"RAY_DEDUP_LOGS": "0"}})
    yield ray
    ray.shutdown()
