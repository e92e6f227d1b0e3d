"""The interpreter lock is released while Rust scores: Python code keeps running in another
thread while a call scores. (How much two Python threads gain in wall time is a measurement, not
a test: `scripts/bench/bench_python.py` prints it, since a shared machine's load decides it.)"""
import threading
import time

from plaudit import Reward

# One sample whose scoring ends at its deadline (an edit distance of two 80,000-character texts
# needs far more than 1.5 s): the call's length is set by the deadline, not by the machine's speed.
SLOW = Reward.from_dict({"timeout_ms": 1500, "components": {"e": {"reward": "edit_similarity"}}},
                        jobs=1)
SAMPLE = {"response": "ab" * 40_000, "reference": "ba" * 40_000}


def test_interpreter_runs_while_rust_scores():
    """A Python thread keeps running throughout a scoring call made by another thread.

    No rate or number of milliseconds is compared. The call's span is cut into ten equal slices,
    and the spinner must have run in most of them. Had the call held the interpreter lock, the
    spinner could only run just before the call entered Rust and just after it returned: two
    slices at most, however loaded the machine is."""
    inside = threading.Event()
    done = threading.Event()
    seen = []

    def spin():
        last = 0.0
        while not done.is_set():
            if inside.is_set():
                now = time.monotonic()
                if now - last > 0.001:  # a timestamp per millisecond is plenty
                    seen.append(now)
                    last = now

    th = threading.Thread(target=spin)
    th.start()
    try:
        inside.set()
        t0 = time.monotonic()
        [result] = SLOW.score([SAMPLE])
        t1 = time.monotonic()
        inside.clear()
    finally:
        done.set()
        th.join()
    assert result["status"] == "timeout", result
    assert result["error"].startswith("component `e` (edit_similarity): deadline of 1500 ms exceeded"), result
    slices = {min(9, int(10 * (t - t0) / (t1 - t0))) for t in seen if t0 <= t <= t1}
    assert len(slices) >= 6, f"the spinner ran in {sorted(slices)} of 10 slices of the call"


def test_threads_sharing_a_reward_lose_no_state_update():
    # Each call is a batch whose commit reads then writes the state (shortest_correct_anchor
    # counts its updates per prompt); eight threads' commits must take turns, or counts are lost.
    spec = {"components": {"correct": "exact_match",
                           "anchor": {"reward": "shortest_correct_anchor", "params": {"key": "group"}}},
            "reward": "correct + anchor"}
    reward = Reward.from_dict(spec, jobs=1)
    batch = [{"id": i, "group": "q", "response": "<answer>4</answer>", "reference": "4", "tokens": 10 + i}
             for i in range(4)]

    def work():
        for _ in range(50):
            reward.score(batch)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    import json

    state = json.loads(reward._engine.state_entries())
    assert state == [["*/anchor", "q", {"anchor": 10.0, "updates": 400}]], state
