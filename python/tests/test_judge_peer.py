"""The scriptable judge peer (scripts/anchors/judge_server.py) itself, against a real started server:
every directive, the exact JSON shapes, statuses, Retry-After, the record, the key and concurrency
options. Standard library only."""
import hashlib
import http.client
import json
import threading
import time
import urllib.error
import urllib.request

import pytest

from judge_peer import JudgePeer


@pytest.fixture(scope="module")
def peer():
    with JudgePeer() as p:
        yield p


@pytest.fixture(autouse=True)
def fresh(request):
    if "peer" in request.fixturenames:
        request.getfixturevalue("peer").reset()


def post(peer, path, body, headers=None, raw=None):
    """(status, headers, parsed JSON or raw text)"""
    data = raw if raw is not None else json.dumps(body).encode()
    req = urllib.request.Request(peer.url + path, data=data, method="POST",
                                 headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            status, hdrs, text = resp.status, resp.headers, resp.read().decode()
    except urllib.error.HTTPError as e:
        status, hdrs, text = e.code, e.headers, e.read().decode()
    try:
        return status, hdrs, json.loads(text)
    except ValueError:
        return status, hdrs, text


def chat(peer, text, **extra):
    body = {"model": "grader", "messages": [{"role": "system", "content": "You grade."},
                                            {"role": "user", "content": text}], **extra}
    return post(peer, "/v1/chat/completions", body)


def default_verdict(text):
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16) % 11


def test_models(peer):
    with urllib.request.urlopen(peer.url + "/v1/models") as resp:
        assert json.loads(resp.read()) == {"object": "list", "data": [
            {"id": "judge-peer", "object": "model", "created": 0, "owned_by": "judge_server"}]}


def test_verdict_exact_shape_and_usage(peer):
    text = "Grade this. [[judge: verdict 7]]"
    status, hdrs, out = chat(peer, text, temperature=0, seed=11)
    assert status == 200 and hdrs["Content-Type"] == "application/json"
    assert isinstance(out.pop("created"), int)
    body_hash = peer.requests()[0]["body_sha256"]
    content = "The response was assessed. VERDICT: 7"
    assert out == {
        "id": "chatcmpl-" + body_hash[:24], "object": "chat.completion", "model": "grader",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                     "finish_reason": "stop"}],
        # prompt: "You grade." (2 words) + the user text (5 words); completion: 6 words
        "usage": {"prompt_tokens": 7, "completion_tokens": 6, "total_tokens": 13},
    }


def test_default_verdict_is_a_hash_of_the_last_user_message(peer):
    for text in ["What is 2+2? Response: 4", "Another question entirely", ""]:
        _, _, out = chat(peer, text)
        assert out["choices"][0]["message"]["content"] == \
            f"The response was assessed. VERDICT: {default_verdict(text)}"
    _, _, again = chat(peer, "Another question entirely", seed=99, temperature=1.0)
    assert again["choices"][0]["message"]["content"].endswith(f"VERDICT: {default_verdict('Another question entirely')}")


def test_reply_verbatim_with_newlines_and_semicolons(peer):
    _, _, out = chat(peer, "[[judge: reply Thought process:\\nfine; VERDICT: 3]]")
    assert out["choices"][0]["message"]["content"] == "Thought process:\nfine; VERDICT: 3"
    assert out["usage"]["completion_tokens"] == 5


def test_content_parts_are_read_as_text(peer):
    body = {"model": "m", "messages": [{"role": "user", "content": [
        {"type": "text", "text": "part one "}, {"type": "text", "text": "[[judge: verdict 2]]"}]}]}
    _, _, out = post(peer, "/v1/chat/completions", body)
    assert out["choices"][0]["message"]["content"].endswith("VERDICT: 2")


def test_directive_only_in_last_user_message(peer):
    body = {"model": "m", "messages": [{"role": "user", "content": "[[judge: verdict 1]]"},
                                       {"role": "assistant", "content": "ok"},
                                       {"role": "user", "content": "plain"}]}
    _, _, out = post(peer, "/v1/chat/completions", body)
    assert out["choices"][0]["message"]["content"].endswith(f"VERDICT: {default_verdict('plain')}")


def test_sleep_answers_after_the_wait(peer):
    start = time.monotonic()
    status, _, out = chat(peer, "[[judge: sleep 300; verdict 4]]")
    assert status == 200 and out["choices"][0]["message"]["content"].endswith("VERDICT: 4")
    assert time.monotonic() - start >= 0.3  # a lower bound: the server did wait


def test_429_with_retry_after_then_success(peer):
    text = "[[judge: status 429 retry-after 1 times 2]] [[judge: verdict 9]]"
    statuses = []
    for _ in range(3):
        status, hdrs, out = chat(peer, text)
        statuses.append(status)
        if status == 429:
            assert hdrs["Retry-After"] == "1"
            assert out == {"error": {"message": "scripted status 429", "type": "rate_limit_error",
                                     "code": 429}}
    assert statuses == [429, 429, 200]
    assert out["choices"][0]["message"]["content"].endswith("VERDICT: 9")
    # another body has its own count
    assert chat(peer, text + " other")[0] == 429
    recs = peer.requests()
    assert [(r["attempt"], r["status"]) for r in recs] == [(1, 429), (2, 429), (3, 200), (1, 429)]
    assert len({r["body_sha256"] for r in recs[:3]}) == 1


def test_retry_after_ms_header(peer):
    status, hdrs, _ = chat(peer, "[[judge: status 429 retry-after-ms 50 times 1]]")
    assert status == 429 and hdrs["retry-after-ms"] == "50" and hdrs["Retry-After"] is None


def test_500_times_one_and_always(peer):
    assert [chat(peer, "[[judge: status 500 times 1]]")[0] for _ in range(2)] == [500, 200]
    status, _, out = chat(peer, "[[judge: status 503]]")
    assert status == 503 and out["error"]["type"] == "server_error"
    assert [chat(peer, "[[judge: status 503]]")[0] for _ in range(2)] == [503, 503]


def test_malformed(peer):
    status, hdrs, out = chat(peer, "[[judge: malformed]]")
    assert status == 200 and hdrs["Content-Type"] == "application/json"
    assert isinstance(out, str)
    with pytest.raises(ValueError):
        json.loads(out)


def test_truncated(peer):
    _, _, out = chat(peer, "[[judge: verdict 8; truncated]]")
    # 6 words, the first 3 kept: no verdict left
    assert out["choices"][0] == {"index": 0, "message": {"role": "assistant",
                                 "content": "The response was"}, "finish_reason": "length"}
    assert out["usage"]["completion_tokens"] == 3


def test_max_tokens_cuts_the_reply(peer):
    _, _, out = chat(peer, "[[judge: verdict 8]]", max_tokens=2)
    assert out["choices"][0]["message"]["content"] == "The response"
    assert out["choices"][0]["finish_reason"] == "length"


def test_refusals(peer):
    _, _, out = chat(peer, "[[judge: refuse]]")
    assert out["choices"][0] == {"index": 0, "message": {"role": "assistant", "content":
                                 "I'm sorry, but I can't help with evaluating this."},
                                 "finish_reason": "stop"}
    _, _, out = chat(peer, "[[judge: refuse-field]]")
    assert out["choices"][0]["message"] == {"role": "assistant", "content": None, "refusal":
                                            "I'm sorry, but I can't help with evaluating this."}
    assert out["usage"]["completion_tokens"] == 0


def test_empty_and_no_usage(peer):
    _, _, out = chat(peer, "[[judge: empty; no-usage]]")
    assert out["choices"][0]["message"]["content"] == "" and "usage" not in out


def test_echo_shows_what_the_judge_saw(peer):
    _, _, out = chat(peer, "Question: 1+1\nResponse: 2 [[judge: echo]]")
    assert out["choices"][0]["message"]["content"] == \
        "system: You grade.\nuser: Question: 1+1\nResponse: 2 [[judge: echo]]"


def test_drop_closes_without_answer_then_answers(peer):
    body = json.dumps({"model": "m", "messages": [{"role": "user",
                                                   "content": "[[judge: drop times 1; verdict 5]]"}]})
    conn = http.client.HTTPConnection("127.0.0.1", peer.port, timeout=10)
    conn.request("POST", "/v1/chat/completions", body, {"Content-Type": "application/json"})
    with pytest.raises(http.client.RemoteDisconnected):
        conn.getresponse()
    conn.close()
    status, _, out = post(peer, "/v1/chat/completions", None, raw=body.encode())
    assert status == 200 and out["choices"][0]["message"]["content"].endswith("VERDICT: 5")
    assert [(r["attempt"], r["status"]) for r in peer.requests()] == [(1, None), (2, 200)]


def test_unknown_directive_bad_bodies_and_stream(peer):
    status, _, out = chat(peer, "[[judge: frobnicate]]")
    assert status == 400 and "frobnicate" in out["error"]["message"]
    assert post(peer, "/v1/chat/completions", None, raw=b"not json")[0] == 400
    assert post(peer, "/v1/chat/completions", {"model": "m", "messages": []})[0] == 400
    assert chat(peer, "x", stream=True)[0] == 400
    assert post(peer, "/v1/nothing", {})[0] == 404


def test_completions(peer):
    status, _, out = post(peer, "/v1/completions", {"model": "base", "prompt": "Grade: [[judge: verdict 6]]"})
    assert status == 200
    out.pop("created")
    assert out == {"id": "cmpl-" + peer.requests()[0]["body_sha256"][:24], "object": "text_completion",
                   "model": "base", "choices": [{"index": 0, "text": "The response was assessed. VERDICT: 6",
                                                 "logprobs": None, "finish_reason": "stop"}],
                   "usage": {"prompt_tokens": 4, "completion_tokens": 6, "total_tokens": 10}}


def test_pooling(peer):
    texts = ["good answer [[judge: score 0.25]]", "plain text"]
    status, _, out = post(peer, "/pooling", {"model": "rm", "input": texts})
    assert status == 200
    out.pop("created")
    default = (int(hashlib.sha256(b"plain text").hexdigest()[:8], 16) % 1001) / 1000
    assert out == {"id": "pool-" + peer.requests()[0]["body_sha256"][:24], "object": "list", "model": "rm",
                   "data": [{"index": 0, "object": "pooling", "data": [0.25]},
                            {"index": 1, "object": "pooling", "data": [default]}],
                   "usage": {"prompt_tokens": 7, "total_tokens": 7, "completion_tokens": 0,
                             "prompt_tokens_details": None}}
    _, _, one = post(peer, "/pooling", {"model": "rm", "messages": [
        {"role": "user", "content": "q"}, {"role": "assistant", "content": "a [[judge: score -1.5]]"}]})
    assert one["data"] == [{"index": 0, "object": "pooling", "data": [-1.5]}]


def test_classify(peer):
    for path in ["/classify", "/v1/classify"]:
        status, _, out = post(peer, path, {"model": "rm", "input": "x [[judge: score 0.9]]"})
        assert status == 200
        out.pop("created")
        assert out["object"] == "list" and out["id"].startswith("classify-")
        assert out["data"] == [{"index": 0, "label": "LABEL_0", "probs": [0.9], "num_classes": 1}]
        assert out["usage"]["prompt_tokens"] == 4


def test_get_reward(peer):
    body = {"query": ["q1 a1 [[judge: score 1]]", "q2 a2 [[judge: score 0]]"], "prompts": ["q1", "q2"],
            "labels": ["a1", "x"]}
    status, _, out = post(peer, "/get_reward", body)
    assert (status, out) == (200, {"rewards": [1.0, 0.0], "scores": [1.0, 0.0], "extra_logs": {}})
    # a request-level directive in any query applies to the whole request
    body["query"][1] += " [[judge: status 500 times 1]]"
    assert [post(peer, "/get_reward", body)[0] for _ in range(2)] == [500, 200]


def test_record_order_settings_and_secrets(peer):
    key = "sk-test-secret-123"
    post(peer, "/v1/chat/completions", {"model": "g", "messages": [{"role": "user", "content": "one"}],
                                        "temperature": 0, "seed": 7},
         headers={"Authorization": f"Bearer {key}", "X-Api-Key": key})
    chat(peer, "two", temperature=0.5, seed=8)
    recs = peer.requests()
    assert [r["seq"] for r in recs] == [0, 1]
    assert [(r["method"], r["path"]) for r in recs] == [("POST", "/v1/chat/completions")] * 2
    assert [(r["body"]["seed"], r["body"]["temperature"]) for r in recs] == [(7, 0), (8, 0.5)]
    assert recs[0]["body"]["messages"] == [{"role": "user", "content": "one"}]
    assert recs[0]["authorization"] == {"present": True, "scheme": "Bearer",
                                        "sha256_prefix": hashlib.sha256(key.encode()).hexdigest()[:16]}
    assert recs[1]["authorization"] == {"present": False, "scheme": None, "sha256_prefix": None}
    assert recs[0]["headers"]["x-api-key"] == {"redacted": True,
                                               "sha256_prefix": hashlib.sha256(key.encode()).hexdigest()[:16]}
    assert "authorization" not in recs[0]["headers"]
    assert key not in json.dumps(recs)
    assert recs[0]["t_ms"] <= recs[1]["t_ms"]
    assert peer.stats() == {"requests": 2, "in_flight": 0, "max_in_flight": 1, "rejected": 0}
    peer.reset()
    assert peer.requests() == []


def test_the_key_never_reaches_the_server_output():
    key = "sk-never-printed-456"
    with JudgePeer("--require-key", key, "--verbose") as p:
        status, _, out = chat(p, "[[judge: verdict 1]]")
        assert status == 401 and out["error"]["type"] == "authentication_error"
        assert post(p, "/v1/chat/completions", {"model": "m", "messages": [{"role": "user", "content": "x"}]},
                    headers={"Authorization": "Bearer wrong"})[0] == 401
        status, _, out = post(p, "/v1/chat/completions",
                              {"model": "m", "messages": [{"role": "user", "content": "[[judge: verdict 1]]"}]},
                              headers={"Authorization": f"Bearer {key}"})
        assert status == 200
        assert [r["status"] for r in p.requests()] == [401, 401, 200]
    out, err = p.output
    assert out == "" and "POST /v1/chat/completions" in err  # --verbose logs request lines only
    assert key not in out and key not in err


def test_script_file(tmp_path):
    script = tmp_path / "script.json"
    script.write_text(json.dumps({"Question: capital": "verdict 10", "slowpoke": "sleep 10; reply late",
                                  "Question": "verdict 0"}))
    with JudgePeer("--script", script) as p:
        assert chat(p, "Question: capital of France")[2]["choices"][0]["message"]["content"].endswith("VERDICT: 10")
        assert chat(p, "Question: other")[2]["choices"][0]["message"]["content"].endswith("VERDICT: 0")
        assert chat(p, "a slowpoke")[2]["choices"][0]["message"]["content"] == "late"
        # an inline directive wins over the script
        assert chat(p, "Question: capital [[judge: verdict 3]]")[2]["choices"][0]["message"]["content"] \
            .endswith("VERDICT: 3")


def test_max_concurrency():
    with JudgePeer("--max-concurrency", "2") as p:
        results = []
        threads = [threading.Thread(target=lambda i=i: results.append(chat(p, f"[[judge: sleep 1500]] {i}")[0]))
                   for i in range(2)]
        for t in threads:
            t.start()
        for _ in range(3000):  # both are in the server before the third is sent
            if p.stats()["in_flight"] == 2:
                break
            time.sleep(0.01)
        assert p.stats()["in_flight"] == 2
        status, _, out = chat(p, "third")
        assert status == 429 and "more than 2" in out["error"]["message"]
        for t in threads:
            t.join()
        assert results == [200, 200]
        assert p.stats() == {"requests": 3, "in_flight": 0, "max_in_flight": 3, "rejected": 1}
        assert chat(p, "fourth")[0] == 200
