"""A minimal OpenRLHF remote reward server with FastAPI + math-verify, written for
scripts/bench/bench_server.py the way OpenRLHF's users build one: strip the prompt from each query,
then `verify(parse(label), parse(response))`, 1.0 or 0.0.

    .venv/bin/python -m uvicorn ref_server:app --app-dir scripts/anchors --workers 2 --port 8001
"""

import logging

from fastapi import FastAPI, Request
from math_verify import parse, verify

logging.getLogger("math_verify").setLevel(logging.CRITICAL)
app = FastAPI()


@app.get("/healthz")
async def healthz():
    return {"status": "ok"}


@app.post("/get_reward")
async def get_reward(request: Request):
    data = await request.json()
    rewards = []
    for query, prompt, label in zip(data["query"], data["prompts"], data["labels"]):
        response = query[len(prompt):] if query.startswith(prompt) else query
        try:
            r = float(verify(parse("$" + label + "$"), parse(response)))
        except Exception:
            r = 0.0
        rewards.append(r)
    return {"rewards": rewards, "scores": rewards, "extra_logs": {}}
