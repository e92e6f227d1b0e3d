#!/usr/bin/env python3
"""Judged samples: Plaudit's judge runtime against the judge loops users write by hand, in one run.

One test peer (scripts/anchors/judge_server.py, an OpenAI-compatible server) answers every chat
request after --sleep-ms (default 100 ms) with `VERDICT: 7`. --n samples (default 600) are judged
at a concurrency of --concurrency (default 64) by:

  * `plaudit score` (the release CLI) on a spec with a `judges:` section (`max_concurrency`) and
    an `llm_judge` component, process start included;
  * the Python package: `plaudit.Reward.from_dict(spec).rewards(samples)` in this process (the
    Reward built before the clock starts);
  * the loop users write: `asyncio` + `openai.AsyncOpenAI`, an `asyncio.Semaphore`, the verdict
    read with a regex;
  * verl's `rate_limited` reward manager pattern (verl/experimental/reward_loop/reward_manager/
    limited.py, `RateLimitedRewardManager`): one task per sample gathered on an event loop, the
    response decoded in the loop's default executor, a class-level `asyncio.Semaphore
    (max_concurrent)` around `asyncio.wait_for(compute_score(...), timeout)`; `compute_score` is
    the user's function: async (AsyncOpenAI), or sync (the OpenAI client), which the manager runs
    in the loop's default executor (min(32, cores + 4) threads) — both are measured.

The in-process runs are warmed up first with one sample each (imports, lazily built models),
as in a training loop's steady state; `plaudit score` includes its process start. Every anchor
renders the same template and must read the same verdict (0.7 for every sample).
Printed per run: wall time, samples/s, the ideal (n / concurrency x sleep), the ratio to it, and
the peer's /_stats max_in_flight (peak of requests in flight; Plaudit must reach the limit and
never pass it). Then Plaudit twice with `cache:` set: the first run fills the cache, the second
must send 0 requests. Last, the peer's own floor: the same n requests answered without sleep.

    bash scripts/venv.sh && .venv/bin/python scripts/bench/bench_judge.py [--no-build]
"""

import argparse
import asyncio
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PEER = os.path.join(ROOT, "scripts", "anchors", "judge_server.py")
TEMPLATE = ("Question: {{prompt}}\nReference: {{reference}}\nResponse: {{response}}\n"
            "Grade the response from 0 to 10 and end with VERDICT: <score>.")
VERDICT = re.compile(r"VERDICT:\s*([0-9]+(?:\.[0-9]+)?)")


class Peer:
    def __init__(self, script_path):
        self.proc = subprocess.Popen([sys.executable, PEER, "--port", "0", "--script", script_path],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = self.proc.stdout.readline()
        if not line.startswith("listening on "):
            sys.exit(f"judge_server did not start: {line!r}")
        self.url = "http://127.0.0.1:" + line.strip().rsplit(":", 1)[1]

    def control(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else (b"" if method == "POST" else None)
        req = urllib.request.Request(self.url + path, method=method, data=data)
        with urllib.request.urlopen(req, timeout=30) as resp:
            return json.loads(resp.read())

    def stop(self):
        self.proc.terminate()
        self.proc.wait(10)


def render(s):
    # The same one-pass substitution the spec's template gets (the samples hold no braces).
    return (TEMPLATE.replace("{{prompt}}", s["prompt"]).replace("{{reference}}", s["reference"])
            .replace("{{response}}", s["response"]))


def spec(base_url, concurrency, cache=None):
    judge = {"base_url": base_url, "model": "judge-peer", "max_concurrency": concurrency}
    if cache:
        judge["cache"] = cache
    return {"timeout_ms": 600000, "judges": {"grader": judge},
            "components": {"quality": {"reward": "llm_judge",
                                       "params": {"judge": "grader", "range": [0, 10], "template": TEMPLATE}}}}


def verdict(text):
    found = VERDICT.findall(text or "")
    return float(found[-1]) / 10.0 if found else 0.0


# -- the anchors --------------------------------------------------------------------------------

def asyncio_openai(base_url, samples, concurrency):
    from openai import AsyncOpenAI

    async def main():
        client = AsyncOpenAI(base_url=base_url, api_key="unused", max_retries=3, timeout=600)
        sem = asyncio.Semaphore(concurrency)

        async def one(s):
            async with sem:
                r = await client.chat.completions.create(
                    model="judge-peer", temperature=0, messages=[{"role": "user", "content": render(s)}])
            return verdict(r.choices[0].message.content)

        try:
            return await asyncio.gather(*(one(s) for s in samples))
        finally:
            await client.close()

    return asyncio.run(main())


class RateLimitedPattern:
    """verl's RateLimitedRewardManager (reward_loop/reward_manager/limited.py), reduced to what runs
    per sample: class-level semaphore, rpm/tpm limiters unset (None), the decode hop through the
    default executor, `asyncio.wait_for(compute_score(...), timeout)`, a sync compute_score run in
    the default executor, exceptions and timeouts scored 0, `run_until_complete(gather(...))`."""

    _semaphore = None
    _rpm_limiter = None
    _tpm_limiter = None

    def __init__(self, compute_score, max_concurrent, timeout=300.0):
        type(self)._semaphore = asyncio.Semaphore(max_concurrent)
        self.compute_score = compute_score
        self.is_async = asyncio.iscoroutinefunction(compute_score)
        self.timeout = timeout
        self.loop = asyncio.new_event_loop()

    async def _compute_reward(self, data_source, solution_str, ground_truth, extra_info):
        if self.is_async:
            return await self.compute_score(data_source=data_source, solution_str=solution_str,
                                            ground_truth=ground_truth, extra_info=extra_info)
        return await self.loop.run_in_executor(None, lambda: self.compute_score(
            data_source=data_source, solution_str=solution_str, ground_truth=ground_truth,
            extra_info=extra_info))

    async def run_single(self, item):
        response_str = await self.loop.run_in_executor(None, lambda: item["response"])  # tokenizer.decode
        if self._rpm_limiter is not None:  # noqa: SIM102 (kept as verl has it)
            await self._rpm_limiter.acquire(1.0)
        async with self._semaphore:
            try:
                result = await asyncio.wait_for(self._compute_reward(
                    data_source="judge", solution_str=response_str, ground_truth=item["reference"],
                    extra_info={"prompt": item["prompt"]}), timeout=self.timeout)
                score = result["score"] if isinstance(result, dict) else result
            except asyncio.TimeoutError:
                score = 0.0
            except Exception:  # noqa: BLE001 (verl logs and scores 0)
                score = 0.0
        return {"reward_score": score}

    def __call__(self, data):
        async def process_batch():
            return await asyncio.gather(*(self.run_single(item) for item in data))

        return [r["reward_score"] for r in self.loop.run_until_complete(process_batch())]


def verl_rate_limited(base_url, samples, concurrency, sync):
    import openai

    def prompt_of(solution_str, ground_truth, extra_info):
        return render({"prompt": extra_info["prompt"], "reference": ground_truth, "response": solution_str})

    if sync:
        client = openai.OpenAI(base_url=base_url, api_key="unused", max_retries=3, timeout=600)

        def compute_score(data_source, solution_str, ground_truth, extra_info):
            r = client.chat.completions.create(model="judge-peer", temperature=0, messages=[
                {"role": "user", "content": prompt_of(solution_str, ground_truth, extra_info)}])
            return verdict(r.choices[0].message.content)
    else:
        client = openai.AsyncOpenAI(base_url=base_url, api_key="unused", max_retries=3, timeout=600)

        async def compute_score(data_source, solution_str, ground_truth, extra_info):
            r = await client.chat.completions.create(model="judge-peer", temperature=0, messages=[
                {"role": "user", "content": prompt_of(solution_str, ground_truth, extra_info)}])
            return verdict(r.choices[0].message.content)

    manager = RateLimitedPattern(compute_score, concurrency)
    out = manager(samples)
    if sync:
        client.close()
    else:
        manager.loop.run_until_complete(client.close())
    manager.loop.close()
    return out


# -- the runs -----------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=600)
    ap.add_argument("--concurrency", type=int, default=64)
    ap.add_argument("--sleep-ms", type=float, default=100)
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--skip-sync", action="store_true", help="skip verl's pattern with a sync compute_score")
    a = ap.parse_args()

    if not a.no_build:
        subprocess.run(["cargo", "build", "--release", "-q", "-p", "plaudit-cli"], cwd=ROOT, check=True)
    exe = os.path.join(ROOT, "target", "release", "plaudit")
    import openai  # noqa: F401 (imported before the clocks start: ~0.5 s)
    import plaudit

    tmp = tempfile.mkdtemp(prefix="bench_judge_")
    script = os.path.join(tmp, "script.json")
    with open(script, "w") as f:
        json.dump({"": f"sleep {a.sleep_ms:g}; verdict 7"}, f)
    samples = [{"id": i, "prompt": f"Question {i}: what is {i} + 1?", "response": f"The answer is {i + 1}.",
                "reference": str(i + 1)} for i in range(a.n)]
    inp = os.path.join(tmp, "in.jsonl")
    with open(inp, "w") as f:
        f.writelines(json.dumps(s) + "\n" for s in samples)
    ideal = a.n / a.concurrency * a.sleep_ms / 1000
    peer = Peer(script)
    base_url = peer.url + "/v1"
    print(f"{a.n} judged samples, judge answers after {a.sleep_ms:g} ms, concurrency {a.concurrency}; "
          f"ideal {a.n} / {a.concurrency} x {a.sleep_ms / 1000:g} s = {ideal:.3f} s; {os.cpu_count()} cores; "
          f"plaudit {plaudit.__version__}")
    print(f"{'run':<46} {'wall s':>7} {'samples/s':>10} {'x ideal':>8} {'max in flight':>14} {'requests':>9}")

    def measure(name, fn):
        peer.control("POST", "/_reset")
        t = time.perf_counter()
        rewards = fn()
        wall = time.perf_counter() - t
        st = peer.control("GET", "/_stats")
        wrong = sum(1 for r in rewards if abs(r - 0.7) > 1e-9)
        print(f"{name:<46} {wall:>7.3f} {a.n / wall:>10.0f} {wall / ideal:>8.2f} {st['max_in_flight']:>14} "
              f"{st['requests']:>9}" + (f"   {wrong} WRONG REWARDS" if wrong else ""), flush=True)
        return wall, st

    def cli(spec_obj, tag):
        path = os.path.join(tmp, f"spec_{tag}.json")
        with open(path, "w") as f:
            json.dump(spec_obj, f)
        out = os.path.join(tmp, f"out_{tag}.jsonl")

        def run():
            subprocess.run([exe, "score", "--quiet", "--spec", path, "--out", out, inp], check=True)
            with open(out) as f:
                return [json.loads(line)["reward"] for line in f]
        return run

    try:
        # Warm-up (one sample each, before any clock: lazy imports, pydantic models, connections),
        # so the in-process runs are measured in the steady state of a training loop.
        reward = plaudit.Reward.from_dict(spec(base_url, a.concurrency))
        reward.rewards(samples[:1])
        asyncio_openai(base_url, samples[:1], a.concurrency)
        verl_rate_limited(base_url, samples[:1], a.concurrency, sync=False)
        results = {}
        results["cli"] = measure("plaudit score (CLI, process start included)", cli(spec(base_url, a.concurrency), "plain"))
        results["py"] = measure("plaudit.Reward.rewards (Python package)", lambda: reward.rewards(samples))
        results["aio"] = measure("asyncio + AsyncOpenAI + Semaphore", lambda: asyncio_openai(base_url, samples, a.concurrency))
        results["verl"] = measure("verl rate_limited pattern, async compute_score",
                                  lambda: verl_rate_limited(base_url, samples, a.concurrency, sync=False))
        if not a.skip_sync:
            measure("verl rate_limited pattern, sync compute_score",
                    lambda: verl_rate_limited(base_url, samples, a.concurrency, sync=True))
        cache = os.path.join(tmp, "judge-cache.sqlite")
        measure("plaudit score, cache: (first run, fills it)", cli(spec(base_url, a.concurrency, cache), "cache"))
        _, st = measure("plaudit score, cache: (second run)", cli(spec(base_url, a.concurrency, cache), "cache"))
        peer.control("POST", "/_script", {"": "verdict 7"})
        measure("peer floor: plaudit score, judge without sleep", cli(spec(base_url, a.concurrency), "plain"))
    finally:
        peer.stop()

    cli_wall, cli_st = results["cli"]
    ok = cli_wall <= 1.5 * ideal and cli_st["max_in_flight"] == a.concurrency
    print(f"plaudit score: {cli_wall / ideal:.2f}x ideal, max in flight {cli_st['max_in_flight']} "
          f"(limit {a.concurrency}); cached replay sent {st['requests']} requests"
          + ("" if ok else "   NOT within 1.5x of ideal at the limit"))
    for k, label in (("aio", "asyncio + AsyncOpenAI"), ("verl", "verl rate_limited (async)")):
        print(f"ratio, {label} wall / plaudit score wall: {results[k][0] / cli_wall:.2f}; "
              f"/ Reward.rewards wall: {results[k][0] / results['py'][0]:.2f}")


if __name__ == "__main__":
    main()
