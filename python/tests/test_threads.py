"""The interpreter lock is released while Rust scores: two Python threads scoring at once take
clearly less wall time than the same two calls one after the other (2 cores)."""
import os
import threading
import time

import pytest

import mathgen
from plaudit import Reward


def corpus(n):
    return [{"id": p["id"], "task": "math", "response": p["response"], "reference": p["reference"]}
            for p in mathgen.pairs(n, 7, long=True)]


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="needs 2 cores")
def test_two_threads_score_in_parallel():
    reward = Reward.default(jobs=1)  # each call on its own thread, no pool: parallelism comes from Python threads
    samples = corpus(2000)
    reward.rewards(samples)
    # Grow the batch until one call takes ≥ 0.25 s, so that thread start-up is noise.
    while True:
        t = time.perf_counter()
        want = reward.rewards(samples)
        if time.perf_counter() - t >= 0.25:
            break
        samples = samples * 2

    def sequential():
        t = time.perf_counter()
        a = reward.rewards(samples)
        b = reward.rewards(samples)
        assert a == want and b == want
        return time.perf_counter() - t

    def parallel():
        out = [None, None]
        barrier = threading.Barrier(2)

        def work(i):
            barrier.wait()
            out[i] = reward.rewards(samples)

        threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
        t = time.perf_counter()
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        dt = time.perf_counter() - t
        assert out == [want, want]
        return dt

    # The fastest of several runs of each, interleaved: other processes on the machine only ever
    # slow a run down, so the minima are the best estimates of the real times.
    seq, par = [], []
    for _ in range(6):
        seq.append(sequential())
        par.append(parallel())
        if min(par) / min(seq) < 0.75:
            break
    ratio = min(par) / min(seq)
    print(f"\n2 threads / sequential wall time on {len(samples)} samples per call: {ratio:.2f}")
    assert ratio < 0.85
