"""A scriptable OpenAI-compatible judge (and reward-model) server for tests: a real HTTP peer that
answers the way vLLM, SGLang or OpenAI do, or misbehaves on purpose, chosen per request. Python
standard library only, so any `python3` runs it (no venv needed).

    python3 scripts/anchors/judge_server.py --port 0 [--script FILE] [--max-concurrency N]
                                            [--require-key KEY] [--model NAME] [--verbose]

The first line on stdout is `listening on 127.0.0.1:PORT` (with `--port 0` the OS picks the port);
nothing else is printed there. A Rust test starts it with
`Command::new("python3").args(["scripts/anchors/judge_server.py", "--port", "0"])`, stdout piped,
reads that first line, parses the port after the last `:`, and kills the child when done.
Python tests use `python/tests/judge_peer.py` (`with JudgePeer() as peer: peer.base_url`).

Endpoints
  POST /v1/chat/completions  {"model", "messages", "temperature"?, "seed"?, "max_tokens"?, ...}
                             -> {"id", "object": "chat.completion", "created", "model",
                                 "choices": [{"index": 0, "message": {"role": "assistant",
                                 "content"}, "finish_reason": "stop" | "length"}],
                                 "usage": {"prompt_tokens", "completion_tokens", "total_tokens"}}
  POST /v1/completions       {"model", "prompt", ...} -> {"object": "text_completion",
                                 "choices": [{"index", "text", "logprobs": null, "finish_reason"}], ...}
  GET  /v1/models            {"object": "list", "data": [{"id": MODEL, "object": "model", ...}]}
  POST /pooling              vLLM's pooling API: {"model", "input": str | [str]} or {"model",
                             "messages"} -> {"id", "object": "list", "created", "model",
                             "data": [{"index", "object": "pooling", "data": [SCORE]}], "usage"}
  POST /classify, /v1/classify  vLLM's classification API, same requests -> {"id", "object": "list",
                             "created", "model", "data": [{"index", "label": "LABEL_0",
                             "probs": [SCORE], "num_classes": 1}], "usage"}
  POST /get_reward           OpenRLHF's remote reward: {"query": [...], "prompts"?, "labels"?}
                             -> {"rewards": [...], "scores": [...], "extra_logs": {}}
  GET  /_requests            every request recorded so far, in arrival order (see below)
  GET  /_stats               {"requests", "in_flight", "max_in_flight", "rejected"}
  POST /_reset               clears the record, the attempt counts and the stats
  POST /_script              replaces the `--script` mapping with the body's (same format; `{}`
                             clears it): how documentation examples script the judge's replies
  (pooling/classify usage: prompt_tokens = words of the inputs, completion_tokens 0; get_reward
  has no usage, as OpenRLHF's servers send none.)

Directives. Behaviour is picked per request from `[[judge: ...]]` blocks in the request's text
(chat: the last user message; completions: the prompt; pooling/classify: every input; get_reward:
every query), so one server serves many test cases at once. A block holds clauses separated by `;`
(several blocks add up). Without any inline block, `--script FILE` is consulted: a JSON object
mapping a substring to a clause string (`{"Question: 2+2": "verdict 4; sleep 50"}`); the first key,
in file order, found in the text applies. Clauses:
  verdict X             reply `The response was assessed. VERDICT: X` (X verbatim)
  reply TEXT            reply TEXT verbatim (rest of the block, `;` included; `\\n` is a newline)
  sleep MS              wait MS milliseconds before answering
  status CODE [retry-after S] [retry-after-ms MS]
                        answer CODE with an OpenAI-style error body {"error": {"message", "type",
                        "code"}} and, when given, the Retry-After / retry-after-ms headers
  malformed             answer 200 with a body that is not valid JSON
  truncated             reply the first half of the words of the reply, finish_reason "length"
  refuse                reply `I'm sorry, but I can't help with evaluating this.` (finish "stop")
  refuse-field          content null and message.refusal set (OpenAI's structured refusal)
  empty                 reply the empty string
  echo                  reply what the judge saw: every message as `ROLE: CONTENT`, joined by
                        newlines (completions: the prompt)
  drop                  close the connection without answering
  no-usage              leave the "usage" field out
  score X               the reward-model score of that input (pooling/classify/get_reward)
Any clause may end in `times N`: it then applies to the first N attempts of that exact request
(attempts are counted per SHA-256 of the request body) and later attempts behave as if it were
absent, e.g. `[[judge: status 429 retry-after 1 times 2]]` fails twice then answers.

Defaults. Without a reply-choosing clause the verdict is `int(sha256(TEXT)[:8], 16) % 11` (0..10),
TEXT being the last user message (or prompt), so a given text always gets the same verdict; a
reward-model score without `score` is `int(sha256(INPUT)[:8], 16) % 1001 / 1000` (0..1).
`max_tokens` is honoured: a reply longer than that many words is cut to it, finish_reason "length".
Usage counts tokens as whitespace-separated words: prompt_tokens over every message's content,
completion_tokens over the reply. `stream: true` is refused with 400.

Options. `--exit-with-stdin`: exit when stdin reaches its end, so a peer started by a test with a
piped stdin never outlives the test process. `--max-concurrency N`: model requests beyond N in flight are answered 429 at once (no
Retry-After), counted in /_stats "rejected"; /_stats "max_in_flight" is the peak of model
requests in flight, rejected ones included, so a test sees whether a client ever passed its limit.
`--require-key KEY`: model requests without `Authorization: Bearer KEY` get 401.

The record (GET /_requests -> {"requests": [...]}): per request {"seq", "method", "path",
"headers" (lower-case names, without secrets), "authorization": {"present", "scheme",
"sha256_prefix"} (the first 16 hex digits of SHA-256 of the credential after the scheme, so a
test compares it with sha256(KEY)), "body" (parsed JSON, or the raw text when not JSON),
"body_sha256", "attempt" (1 for the first time this exact body arrived), "status" (the status
answered; null while in flight or when dropped), "t_ms" (ms since the server started)}.
`x-api-key` and `api-key` headers are recorded the same way, never in clear. The server never
prints headers or bodies; `--verbose` logs request lines to stderr.
"""

import argparse
import hashlib
import json
import os
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DIRECTIVE = re.compile(r"\[\[judge:(.*?)\]\]", re.S)
SECRET_HEADERS = ("authorization", "x-api-key", "api-key")
REFUSAL = "I'm sorry, but I can't help with evaluating this."
CONTROL_PATHS = ("/_requests", "/_stats", "/_reset", "/_script")


def words(text):
    return len(text.split()) if text else 0


def hash_int(text):
    return int(hashlib.sha256(text.encode("utf-8")).hexdigest()[:8], 16)


def content_text(content):
    """A message's content as text: a string, or the text parts of a content-part list."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(p.get("text", "") for p in content if isinstance(p, dict))
    return str(content)


class Plan:
    """What one request asked for, after `times N` was applied to this attempt."""

    def __init__(self):
        self.reply = None  # text, or None for the default verdict
        self.sleep_ms = 0
        self.status = None
        self.retry_after = None
        self.retry_after_ms = None
        self.malformed = False
        self.truncated = False
        self.refuse_field = False
        self.echo = False
        self.drop = False
        self.no_usage = False
        self.score = None


def split_clauses(block):
    """`;`-separated clauses, except that `reply` takes the rest of the block."""
    out = []
    rest = block.strip()
    while rest:
        if re.match(r"reply(\s|$)", rest):
            out.append(rest)
            break
        head, _, rest = rest.partition(";")
        if head.strip():
            out.append(head.strip())
        rest = rest.strip()
    return out


def apply_clause(plan, clause, attempt):
    m = re.match(r"(.*?)\s+times\s+(\d+)\s*$", clause, re.S)
    if m and not clause.startswith("reply"):
        clause, limit = m.group(1), int(m.group(2))
        if attempt > limit:
            return
    word, _, arg = clause.strip().partition(" ")
    arg = arg.strip()
    if word == "verdict":
        plan.reply = f"The response was assessed. VERDICT: {arg}"
    elif word == "reply":
        plan.reply = arg.replace("\\n", "\n")
    elif word == "sleep":
        plan.sleep_ms = float(arg)
    elif word == "status":
        toks = arg.split()
        plan.status = int(toks[0])
        i = 1
        while i + 1 < len(toks):
            if toks[i] == "retry-after":
                plan.retry_after = toks[i + 1]
            elif toks[i] == "retry-after-ms":
                plan.retry_after_ms = toks[i + 1]
            else:
                raise ValueError(f"unknown status option {toks[i]!r}")
            i += 2
    elif word == "malformed":
        plan.malformed = True
    elif word == "truncated":
        plan.truncated = True
    elif word == "refuse":
        plan.reply = REFUSAL
    elif word == "refuse-field":
        plan.refuse_field = True
    elif word == "empty":
        plan.reply = ""
    elif word == "echo":
        plan.echo = True
    elif word == "drop":
        plan.drop = True
    elif word == "no-usage":
        plan.no_usage = True
    elif word == "score":
        plan.score = float(arg)
    else:
        raise ValueError(f"unknown judge directive {clause!r}")


class State:
    def __init__(self, script, max_concurrency, require_key, model):
        self.script = script  # list of (substring, clauses)
        self.max_concurrency = max_concurrency
        self.require_key = require_key
        self.model = model
        self.lock = threading.Lock()
        self.started = time.monotonic()
        self.reset()

    def reset(self):
        self.records = []
        self.attempts = {}
        self.in_flight = 0
        self.max_in_flight = 0
        self.rejected = 0

    def clauses_for(self, text):
        blocks = DIRECTIVE.findall(text)
        if blocks:
            return [c for b in blocks for c in split_clauses(b)]
        for needle, clauses in self.script:
            if needle in text:
                return split_clauses(clauses)
        return []

    def plan(self, texts, attempt):
        plan = Plan()
        for text in texts:
            for clause in self.clauses_for(text):
                apply_clause(plan, clause, attempt)
        return plan


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # TCP_NODELAY: the headers and the body go out in two writes; with Nagle on, a keep-alive
    # connection holds the body until the client's delayed ACK (~40 ms on Linux) on every answer.
    disable_nagle_algorithm = True
    server_version = "judge_server/1"
    state = None  # set by main
    verbose = False

    def log_message(self, fmt, *args):
        if self.verbose:
            sys.stderr.write("judge_server: " + (fmt % args) + "\n")

    # -- plumbing ------------------------------------------------------------------------------

    def release(self):
        # A model request stops counting as in flight before its answer is written: a client
        # that sends its next request as soon as it reads this answer must never be seen as
        # one over its limit.
        if getattr(self, "counted", False):
            self.counted = False
            with self.state.lock:
                self.state.in_flight -= 1

    def send_json(self, status, obj, headers=None, raw=None):
        body = raw if raw is not None else json.dumps(obj).encode("utf-8")
        self.release()
        if self.record is not None:
            self.record["status"] = status  # before the answer: a client reading it sees it
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def error(self, status, message, headers=None):
        kind = {401: "authentication_error", 429: "rate_limit_error", 400: "invalid_request_error",
                404: "not_found_error"}.get(status, "server_error" if status >= 500 else "error")
        self.send_json(status, {"error": {"message": message, "type": kind, "code": status}}, headers)

    def read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def make_record(self, raw):
        st = self.state
        headers, auth = {}, {"present": False, "scheme": None, "sha256_prefix": None}
        for name, value in self.headers.items():
            lname = name.lower()
            if lname in SECRET_HEADERS:
                scheme, _, cred = value.partition(" ") if lname == "authorization" else ("", "", value)
                if lname == "authorization" and not cred:
                    scheme, cred = "", value
                entry = {"present": True, "scheme": scheme or None,
                         "sha256_prefix": hashlib.sha256(cred.encode("utf-8")).hexdigest()[:16]}
                if lname == "authorization":
                    auth = entry
                else:
                    headers[lname] = {"redacted": True, "sha256_prefix": entry["sha256_prefix"]}
            else:
                headers[lname] = value
        text = raw.decode("utf-8", "replace")
        try:
            body = json.loads(text) if text else None
        except ValueError:
            body = text
        digest = hashlib.sha256(raw).hexdigest()
        with st.lock:
            attempt = st.attempts.get(digest, 0) + 1
            st.attempts[digest] = attempt
            rec = {"seq": len(st.records), "method": self.command, "path": self.path,
                   "headers": headers, "authorization": auth, "body": body, "body_sha256": digest,
                   "attempt": attempt, "status": None,
                   "t_ms": round((time.monotonic() - st.started) * 1000, 3)}
            st.records.append(rec)
        return rec, body

    # -- verbs ---------------------------------------------------------------------------------

    def do_GET(self):
        self.record = None
        st = self.state
        path = self.path.split("?")[0]
        if path == "/_requests":
            with st.lock:
                snapshot = json.loads(json.dumps(st.records))
            return self.send_json(200, {"requests": snapshot})
        if path == "/_stats":
            with st.lock:
                stats = {"requests": len(st.records), "in_flight": st.in_flight,
                         "max_in_flight": st.max_in_flight, "rejected": st.rejected}
            return self.send_json(200, stats)
        self.record, _ = self.make_record(b"")
        if not self.authorized():
            return
        if path == "/v1/models":
            return self.send_json(200, {"object": "list", "data": [
                {"id": st.model, "object": "model", "created": 0, "owned_by": "judge_server"}]})
        if path in ("/health", "/healthz"):
            return self.send_json(200, {"status": "ok"})
        self.error(404, f"no route for GET {path}")

    def do_POST(self):
        self.record = None
        st = self.state
        path = self.path.split("?")[0]
        raw = self.read_body()
        if path == "/_reset":
            with st.lock:
                st.reset()
            return self.send_json(200, {"reset": True})
        if path == "/_script":
            try:
                script = json.loads(raw.decode("utf-8"))
            except ValueError:
                script = None
            if not isinstance(script, dict) or not all(isinstance(v, str) for v in script.values()):
                return self.error(400, "/_script: a JSON object mapping a substring to a directive string")
            with st.lock:
                st.script = list(script.items())
            return self.send_json(200, {"script": len(script)})
        self.record, body = self.make_record(raw)
        routes = {"/v1/chat/completions": self.chat, "/v1/completions": self.completions,
                  "/pooling": self.pooling, "/classify": self.classify,
                  "/v1/classify": self.classify, "/get_reward": self.get_reward}
        route = routes.get(path)
        if route is None:
            return self.error(404, f"no route for POST {path}")
        with st.lock:
            st.in_flight += 1
            st.max_in_flight = max(st.max_in_flight, st.in_flight)
            over = st.max_concurrency is not None and st.in_flight > st.max_concurrency
            if over:
                st.rejected += 1
        self.counted = True
        try:
            if over:
                return self.error(429, f"more than {st.max_concurrency} requests in flight")
            if not self.authorized():
                return
            if not isinstance(body, dict):
                return self.error(400, "the body is not a JSON object")
            route(body)
        finally:
            self.release()

    def authorized(self):
        key = self.state.require_key
        if key is None or self.headers.get("Authorization") == f"Bearer {key}":
            return True
        self.error(401, "missing or wrong API key")
        return False

    # -- behaviour -----------------------------------------------------------------------------

    def perform(self, texts):
        """Applies the request-level clauses; returns the plan, or None when already answered."""
        try:
            plan = self.state.plan(texts, self.record["attempt"])
        except ValueError as e:
            self.error(400, str(e))
            return None
        if plan.sleep_ms:
            time.sleep(plan.sleep_ms / 1000.0)
        if plan.drop:
            self.close_connection = True
            return None
        if plan.status is not None and plan.status != 200:
            headers = {}
            if plan.retry_after is not None:
                headers["Retry-After"] = plan.retry_after
            if plan.retry_after_ms is not None:
                headers["retry-after-ms"] = plan.retry_after_ms
            self.error(plan.status, f"scripted status {plan.status}", headers)
            return None
        if plan.malformed:
            self.send_json(200, None, raw=b'{"id": "malformed", "choices": [{"message": {"content": ')
            return None
        return plan

    def reply_text(self, plan, last_text, echo_text, max_tokens):
        if plan.refuse_field:
            return None, "stop"
        if plan.echo:
            text = echo_text
        elif plan.reply is not None:
            text = plan.reply
        else:
            text = f"The response was assessed. VERDICT: {hash_int(last_text) % 11}"
        finish = "stop"
        toks = text.split()
        if plan.truncated:
            text, finish = " ".join(toks[: len(toks) // 2]), "length"
        elif isinstance(max_tokens, int) and len(toks) > max_tokens:
            text, finish = " ".join(toks[:max_tokens]), "length"
        return text, finish

    def envelope(self, kind, body, choice, plan, prompt_tokens, completion_tokens):
        out = {"id": f"{kind}-{self.record['body_sha256'][:24]}",
               "object": "chat.completion" if kind == "chatcmpl" else "text_completion",
               "created": int(time.time()), "model": body.get("model") or self.state.model,
               "choices": [choice]}
        if not plan.no_usage:
            out["usage"] = {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                            "total_tokens": prompt_tokens + completion_tokens}
        return out

    def chat(self, body):
        messages = body.get("messages")
        if not isinstance(messages, list) or not messages or \
                not all(isinstance(m, dict) for m in messages):
            return self.error(400, "messages must be a non-empty list of objects")
        if body.get("stream"):
            return self.error(400, "streaming is not supported by judge_server")
        users = [content_text(m.get("content")) for m in messages if m.get("role") == "user"]
        last = users[-1] if users else ""
        plan = self.perform([last])
        if plan is None:
            return
        echo = "\n".join(f"{m.get('role')}: {content_text(m.get('content'))}" for m in messages)
        text, finish = self.reply_text(plan, last, echo, body.get("max_tokens"))
        message = {"role": "assistant", "content": text}
        if plan.refuse_field:
            message["refusal"] = REFUSAL
        choice = {"index": 0, "message": message, "finish_reason": finish}
        prompt_tokens = sum(words(content_text(m.get("content"))) for m in messages)
        self.send_json(200, self.envelope("chatcmpl", body, choice, plan, prompt_tokens, words(text)))

    def completions(self, body):
        prompt = body.get("prompt")
        if isinstance(prompt, list):
            prompt = "".join(p for p in prompt if isinstance(p, str))
        if not isinstance(prompt, str):
            return self.error(400, "prompt must be a string")
        if body.get("stream"):
            return self.error(400, "streaming is not supported by judge_server")
        plan = self.perform([prompt])
        if plan is None:
            return
        text, finish = self.reply_text(plan, prompt, prompt, body.get("max_tokens"))
        choice = {"index": 0, "text": text or "", "logprobs": None, "finish_reason": finish}
        self.send_json(200, self.envelope("cmpl", body, choice, plan, words(prompt), words(text)))

    # -- reward models -------------------------------------------------------------------------

    def inputs(self, body):
        if "messages" in body:
            msgs = body["messages"]
            if not isinstance(msgs, list) or not all(isinstance(m, dict) for m in msgs):
                return None
            return ["\n".join(f"{m.get('role')}: {content_text(m.get('content'))}" for m in msgs)]
        inp = body.get("input")
        if isinstance(inp, str):
            return [inp]
        if isinstance(inp, list) and all(isinstance(x, str) for x in inp):
            return inp
        return None

    def score(self, text):
        plan = self.state.plan([text], self.record["attempt"])
        if plan.score is not None:
            return plan.score
        return (hash_int(text) % 1001) / 1000.0

    def scored(self, texts):
        """The scores of texts after the request-level clauses, or None when already answered."""
        if self.perform(texts) is None:
            return None
        try:
            return [self.score(t) for t in texts]
        except ValueError as e:
            self.error(400, str(e))
            return None

    def pool_envelope(self, kind, body, data, texts):
        n = sum(words(t) for t in texts)
        return {"id": f"{kind}-{self.record['body_sha256'][:24]}", "object": "list",
                "created": int(time.time()), "model": body.get("model") or self.state.model,
                "data": data, "usage": {"prompt_tokens": n, "total_tokens": n,
                                        "completion_tokens": 0, "prompt_tokens_details": None}}

    def pooling(self, body):
        texts = self.inputs(body)
        if texts is None:
            return self.error(400, "input must be a string or a list of strings, or messages")
        scores = self.scored(texts)
        if scores is None:
            return
        data = [{"index": i, "object": "pooling", "data": [s]} for i, s in enumerate(scores)]
        self.send_json(200, self.pool_envelope("pool", body, data, texts))

    def classify(self, body):
        texts = self.inputs(body)
        if texts is None:
            return self.error(400, "input must be a string or a list of strings, or messages")
        scores = self.scored(texts)
        if scores is None:
            return
        data = [{"index": i, "label": "LABEL_0", "probs": [s], "num_classes": 1}
                for i, s in enumerate(scores)]
        self.send_json(200, self.pool_envelope("classify", body, data, texts))

    def get_reward(self, body):
        queries = body.get("query")
        if not isinstance(queries, list) or not all(isinstance(q, str) for q in queries):
            return self.error(400, "query must be a list of strings")
        scores = self.scored(queries)
        if scores is None:
            return
        self.send_json(200, {"rewards": scores, "scores": scores, "extra_logs": {}})


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024  # a benchmark opens hundreds of connections at once


def exit_at_stdin_end():
    # A test process that ends without stopping its peer (a panic, a peer kept in a static)
    # closes the pipe: the peer ends too instead of outliving it.
    while sys.stdin.buffer.read(65536):
        pass
    os._exit(0)


def load_script(path):
    if path is None:
        return []
    with open(path, encoding="utf-8") as f:
        script = json.load(f)
    if not isinstance(script, dict) or not all(isinstance(v, str) for v in script.values()):
        raise SystemExit("--script: a JSON object mapping a substring to a directive string")
    return list(script.items())


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--script", help="JSON object: substring -> directive clauses")
    ap.add_argument("--max-concurrency", type=int)
    ap.add_argument("--require-key")
    ap.add_argument("--model", default="judge-peer")
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--exit-with-stdin", action="store_true",
                    help="exit when stdin reaches its end (the parent that holds the pipe is gone)")
    args = ap.parse_args(argv)
    if args.exit_with_stdin:
        threading.Thread(target=exit_at_stdin_end, daemon=True).start()
    Handler.state = State(load_script(args.script), args.max_concurrency, args.require_key, args.model)
    Handler.verbose = args.verbose
    server = Server((args.host, args.port), Handler)
    host, port = server.server_address[:2]
    print(f"listening on {host}:{port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
