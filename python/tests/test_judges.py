"""Judges from Python, against the real test peer (scripts/anchors/judge_server.py): the package
leaves the interpreter free while judge calls are in flight, a forked child keeps judging with the
same judge spec, and verdicts and failures reach the Python user as values and typed details."""
import json
import multiprocessing
import threading
import urllib.request

import pytest

import plaudit
from judge_peer import JudgePeer


@pytest.fixture(scope="module")
def peer():
    with JudgePeer() as p:
        yield p


def script(peer, mapping):
    """Replaces the peer's script: prompt substring -> directive clauses."""
    req = urllib.request.Request(peer.url + "/_script", method="POST", data=json.dumps(mapping).encode())
    with urllib.request.urlopen(req, timeout=10) as resp:
        resp.read()
    peer.reset()


def judged(peer, **params):
    return {"judges": {"grader": {"base_url": peer.base_url, "model": "judge-peer", "max_concurrency": 8}},
            "components": {"quality": {"reward": "llm_judge",
                                       "params": {"judge": "grader", "range": [0, 10], **params}}}}


def sample(key):
    return {"id": key, "prompt": f"case-{key}: what is 6 * 7?", "response": "42", "reference": "42"}


def test_interpreter_free_while_judge_calls_are_in_flight(peer):
    # The judge sleeps 500 ms per call. While `rewards` waits on it, another Python thread asks
    # the peer how many calls are in flight: it can only run (and see one) if the call released
    # the interpreter lock. Three separate answers are asked for: one request sent just before
    # the call could straddle it even if the lock were held; the next ones could not.
    script(peer, {"case-": "sleep 500; verdict 6"})
    reward = plaudit.Reward.from_dict(judged(peer))
    done = threading.Event()
    seen = []

    def watch():
        while not done.is_set():
            st = peer.stats()
            if st["in_flight"] >= 1:
                seen.append(st)
                if len(seen) == 3:
                    return

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        values = reward.rewards([sample("a"), sample("b")])
    finally:
        done.set()
        watcher.join()
    assert values == [0.6, 0.6]
    assert len(seen) == 3, f"another Python thread saw judge calls in flight only {len(seen)} times"
    assert all(1 <= st["in_flight"] <= 2 for st in seen)
    assert peer.stats()["requests"] == 2


def _child(spec, inherited, conn):
    try:
        fresh = plaudit.Reward.from_dict(spec)
        conn.send(("ok", inherited.rewards([sample("x"), sample("y")]),
                   fresh.score([sample("y"), sample("z")])))
    except BaseException as e:  # noqa: BLE001 (reported to the parent)
        conn.send(("raised", repr(e), None))
    finally:
        conn.close()


def test_judges_work_in_a_forked_child(peer):
    # The parent uses the judge first (its I/O runtime and connections exist), then forks: the
    # child scores with the Reward it inherited and with one built from the same spec.
    script(peer, {"case-p": "verdict 5", "case-x": "verdict 3", "case-y": "verdict 9", "case-z": "verdict 10"})
    spec = judged(peer)
    reward = plaudit.Reward.from_dict(spec)
    assert reward.rewards([sample("p")]) == [0.5]

    ctx = multiprocessing.get_context("fork")
    parent_end, child_end = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child, args=(spec, reward, child_end))
    child.start()
    child_end.close()
    got = parent_end.recv() if parent_end.poll(60) else None
    child.join(30)
    if child.is_alive():
        child.kill()
        child.join()
        pytest.fail("the forked child hung while scoring with a judge (killed after 60 s + 30 s)")
    assert got is not None, f"the forked child sent nothing (exit code {child.exitcode})"
    status, values, results = got
    assert status == "ok", values
    assert values == [0.3, 0.9]
    assert [r["reward"] for r in results] == [0.9, 1.0]
    assert [r["details"]["quality"]["verdict"] for r in results] == ["9", "10"]
    assert child.exitcode == 0
    # The parent's call and the child's four, each seen once by the peer.
    prompts = sorted(r["body"]["messages"][-1]["content"].split("case-")[1][0] for r in peer.requests())
    assert prompts == ["p", "x", "y", "y", "z"]
    # The parent still judges after the fork.
    assert reward.rewards([sample("z")]) == [1.0]


def test_values_and_typed_failures_as_python_sees_them(peer):
    script(peer, {"case-ok": "verdict 7", "case-bad": "malformed", "case-high": "verdict 12",
                  "case-none": "reply Looks fine to me.", "case-no": "refuse"})
    reward = plaudit.Reward.from_dict(judged(peer))
    res = reward.score([sample(k) for k in ("ok", "bad", "high", "none", "no")])
    assert [r["id"] for r in res] == ["ok", "bad", "high", "none", "no"]

    ok = res[0]
    assert ok["status"] == "ok" and ok["reward"] == 0.7 and ok["components"] == {"quality": 0.7}
    d = ok["details"]["quality"]
    assert (d["judge"], d["verdict"], d["method"]) == ("grader", "7", "verdict_line")
    assert (d["calls"], d["attempts"], d["cached"]) == (1, 1, 0)
    assert d["usage"]["completion_tokens"] == 6  # "The response was assessed. VERDICT: 7"

    # Failures are failed components with a typed reason, never a silent 0 score or a clamp.
    kinds = {r["id"]: r["details"]["quality"]["judge_error"] for r in res[1:]}
    assert kinds == {"bad": "malformed_reply", "high": "out_of_range", "none": "no_verdict", "no": "refusal"}
    for r in res[1:]:
        assert r["status"] == "error"
        assert r["components"] == {}
        assert "quality" in r["error"]
    assert res[2]["details"]["quality"]["reply"] == "The response was assessed. VERDICT: 12"
    assert "outside the declared range [0, 10]" in res[2]["error"]
    assert res[3]["details"]["quality"]["reply"] == "Looks fine to me."
    # A malformed reply is not retried: one attempt each.
    assert [r["details"]["quality"]["attempts"] for r in res] == [1, 1, 1, 1, 1]
    assert peer.stats()["requests"] == 5
    # `rewards` gives the same values the result dicts hold.
    assert reward.rewards([sample("ok"), sample("high")]) == [0.7, 0.0]
