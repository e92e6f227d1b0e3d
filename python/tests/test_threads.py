"""The interpreter lock is released while Rust scores: Python code keeps running in another
thread while a call scores. (How much two Python threads gain in wall time is a measurement, not
a test: `scripts/bench_python.py` prints it, since a shared machine's load decides it.)"""
import threading
import time

import pytest

import mathgen
from plaudit import Reward


def corpus(n):
    return [{"id": p["id"], "task": "math", "response": p["response"], "reference": p["reference"]}
            for p in mathgen.pairs(n, 7, long=True)]


@pytest.fixture(scope="module")
def batch():
    """A math batch large enough that one single-threaded call takes ≥ 0.25 s."""
    reward = Reward.default(jobs=1)
    samples = corpus(2000)
    reward.rewards(samples)
    while True:
        t = time.perf_counter()
        want = reward.rewards(samples)
        if time.perf_counter() - t >= 0.25:
            return samples, want
        samples = samples * 2


def test_interpreter_runs_while_rust_scores(batch):
    """A Python thread spinning while another thread scores keeps most of its speed: if the call
    held the interpreter lock, the spinner would stop for the whole call. Independent of how many
    cores the machine gives us."""
    samples, want = batch
    reward = Reward.default(jobs=1)

    def spin_rate(during):
        stop = threading.Event()
        count = [0]

        def spin():
            n = 0
            while not stop.is_set():
                n += 1
            count[0] = n

        th = threading.Thread(target=spin)
        th.start()
        t = time.perf_counter()
        during()
        dt = time.perf_counter() - t
        stop.set()
        th.join()
        return count[0] / dt

    rates = []
    for _ in range(3):
        alone = spin_rate(lambda: time.sleep(0.3))
        scoring = spin_rate(lambda: reward.rewards(samples))
        rates.append(scoring / alone)
        if rates[-1] > 0.3:
            break
    print(f"\nspinner speed while another thread scores: {max(rates):.2f} of its speed alone")
    assert max(rates) > 0.3
