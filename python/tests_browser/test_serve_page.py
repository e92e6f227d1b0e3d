"""`plaudit serve`'s report page (`GET /`) in the browser: the quickstart samples and a rollout whose
response is a script, posted to a live server, then the page rendered from it. No console error and no
request off the server's origin, charts and rollout rows present, the hostile text shown as text."""
import json
import os
import re
import subprocess
import urllib.request

import pytest

from harness import ROOT

PWNED = "<script>window.__pwned=1</script>"


@pytest.fixture(scope="module")
def server():
    exe = os.environ.get("PLAUDIT_BIN") or os.path.join(ROOT, "target", "debug", "plaudit")
    if not (os.path.isfile(exe) and os.access(exe, os.X_OK)):
        pytest.fail(f"{exe} is missing: cargo build -p plaudit-cli (scripts/test.sh builds it first)")
    proc = subprocess.Popen([exe, "serve", "--addr", "127.0.0.1:0", "--jobs", "1"],
                            stderr=subprocess.PIPE, text=True)
    try:
        origin = None
        for line in proc.stderr:  # "plaudit: serving … on http://127.0.0.1:PORT (…)"
            m = re.search(r"serving .* on (http://[0-9.:]+) ", line)
            if m:
                origin = m.group(1)
                break
        assert origin, "the server did not say where it listens"
        yield origin
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def post(origin, samples):
    req = urllib.request.Request(origin + "/v1/score", data=json.dumps({"samples": samples}).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as r:
        assert r.status == 200
        return json.load(r)["results"]


def test_serve_page_shows_recent_requests(render, server):
    with open(os.path.join(ROOT, "examples", "quickstart.jsonl")) as f:
        samples = [json.loads(line) for line in f.read().splitlines() if line.strip()]
    post(server, samples[:20])
    post(server, samples[20:] + [{"id": "xss-1", "task": "math", "prompt": "What is 1 + 0?",
                                  "response": PWNED, "reference": "1"}])
    r = render(server + "/", allow=[server])
    p = r.page
    n = len(samples) + 1
    assert f"{n} samples" in p.locator("#headline").inner_text()
    assert p.locator("#charts svg").count() > 0
    assert p.locator("#rollouts tr.rollout").count() == n
    row = p.locator("#rollouts tr.rollout", has_text="xss-1")
    assert row.count() == 1
    row.click()
    r.text_shown_as_text("#rollout-detail", PWNED)
    assert p.evaluate("typeof window.__pwned") == "undefined"
    assert "paused" in p.locator("#live").inner_text()  # opening a rollout stops the reloads
