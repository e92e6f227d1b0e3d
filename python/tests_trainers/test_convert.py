"""Yesterday's run re-scored: files written by the trainers' own code (verl 0.9.1's rollout dump
writer, TRL 1.16's GRPOTrainer with ``log_completions``) converted to Plaudit samples
(``plaudit convert --from verl``, ``python -m plaudit.convert trl``) and scored with
``plaudit score``, exact values asserted.

verl's ``ray_trainer`` module imports its whole training stack (torchdata, peft, ray workers),
which this tier installs without; the dump methods are therefore taken from the installed
``ray_trainer.py`` / ``v1/trainer_base.py`` source by name (``ast``) and run unchanged, with the
module-level names they use (json, os, numpy, ThreadPoolExecutor, verl's marked_timer)."""
from __future__ import annotations

import ast
import json
import math
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def plaudit_bin():
    for c in (os.environ.get("PLAUDIT_BIN"), os.path.join(ROOT, "target", "debug", "plaudit"),
              os.path.join(ROOT, "target", "release", "plaudit")):
        if c and os.path.exists(c):
            return c
    pytest.skip("no plaudit binary (cargo build -p plaudit-cli)")


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    return p


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def score(samples_path, tmp_path):
    out = tmp_path / "results.jsonl"
    run([plaudit_bin(), "score", str(samples_path), "-o", str(out), "-q"])
    return read_jsonl(out)


# ------------------------------------------------------------------ verl


def verl_methods(relpath, class_name, names):
    """The named methods of a verl class, compiled from the installed source file unchanged."""
    import verl
    from verl.utils.debug import marked_timer

    path = os.path.join(os.path.dirname(verl.__file__), relpath)
    tree = ast.parse(open(path, encoding="utf-8").read(), path)
    cls = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == class_name)
    body = [n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name in names]
    assert sorted(n.name for n in body) == sorted(names)
    mod = ast.Module(body=[ast.ClassDef(name=class_name, bases=[], keywords=[], body=body, decorator_list=[])],
                     type_ignores=[])
    ns = {"json": json, "os": os, "np": np, "ThreadPoolExecutor": ThreadPoolExecutor, "marked_timer": marked_timer}
    exec(compile(ast.fix_missing_locations(mod), path, "exec"), ns)
    return ns[class_name]


DUMP = ["_write_generations", "_dump_generations", "_init_dump_executor", "_shutdown_dump_executor"]
GOOD = "<think>48 + 24 = 72</think><answer>72</answer><|im_end|>"
WRONG = "<think>hm</think><answer>71</answer><|im_end|>"
BOXED = "The answer is \\boxed{72}.<|im_end|>"
NONE = "I give up.<|im_end|>"


def verl_batch(rows):
    """A DataProto as verl's rollout leaves it before `_log_rollout_data`: left-padded prompts,
    right-padded responses, token-level scores on the last response token, the dataset's
    reward_model column and request ids. Each row: (question, response, reward_model, score)."""
    from verl import DataProto

    from _tok import chat_prompt, tokenizer

    tok = tokenizer()
    pad, P, R = tok.pad_token_id, 32, 32
    prompts, responses, scores = [], [], []
    for q, r, _, s in rows:
        p = tok.encode(chat_prompt(q), add_special_tokens=False)[-P:]
        a = tok.encode(r, add_special_tokens=False)[:R]
        prompts.append([pad] * (P - len(p)) + p)
        responses.append(a + [pad] * (R - len(a)))
        tls = [0.0] * R
        tls[len(a) - 1] = s
        scores.append(tls)
    obj = lambda xs: np.array(xs, dtype=object)  # noqa: E731
    return DataProto.from_dict(
        tensors={"prompts": torch.tensor(prompts), "responses": torch.tensor(responses),
                 "token_level_scores": torch.tensor(scores)},
        non_tensors={"reward_model": obj([r[2] for r in rows]),
                     "request_id": obj([f"req-{i}" for i in range(len(rows))])},
    )


def test_verl_rollout_dump_converts_and_rescores(tmp_path):
    pytest.importorskip("verl")
    from _tok import tokenizer

    Trainer = verl_methods("trainer/ppo/ray_trainer.py", "RayPPOTrainer", DUMP + ["_log_rollout_data"])
    gsm, half = "How many clips?", "Half of one?"
    rows = [(gsm, GOOD, {"ground_truth": "72", "style": "rule"}, 1.0),
            (gsm, WRONG, {"ground_truth": "72", "style": "rule"}, 0.0),
            (half, BOXED, {"ground_truth": 72, "style": "rule"}, 0.5),
            (half, NONE, {"style": "rule"}, -1.0)]  # no ground truth: gts null
    t = Trainer()
    t.tokenizer, t.global_steps = tokenizer(), 7
    t._init_dump_executor()
    extra = {"acc": np.array([True, False, True, False]), "pred": ["72", "71", "72", None],
             "too_short": [1]}  # not one per rollout: verl leaves it out
    t._log_rollout_data(verl_batch(rows), extra, {}, str(tmp_path / "rollouts"))
    t._shutdown_dump_executor()
    dump = tmp_path / "rollouts" / "7.jsonl"
    raw = read_jsonl(dump)
    assert list(raw[0]) == ["input", "output", "gts", "score", "step", "acc", "pred", "request_id"]

    samples_path = tmp_path / "samples.jsonl"
    run([plaudit_bin(), "convert", "--from", "verl", str(dump), "-o", str(samples_path)])
    samples = read_jsonl(samples_path)
    assert [s["id"] for s in samples] == ["7-0", "7-1", "7-2", "7-3"]
    assert [s["response"] for s in samples] == [r["output"] for r in raw]
    assert samples[0]["response"] == "<think>48 + 24 = 72</think><answer>72</answer>"  # EOS skipped by verl
    assert samples[0]["prompt"] == raw[0]["input"] and "How many clips?" in samples[0]["prompt"]
    assert [s.get("reference") for s in samples] == ["72", "72", 72, None]
    assert samples[0]["group"] == samples[1]["group"] != samples[2]["group"] == samples[3]["group"]
    assert samples[0]["meta"] == {"score": 1.0, "step": 7, "acc": True, "pred": "72", "request_id": "req-0"}
    assert [s["meta"]["score"] for s in samples] == [1.0, 0.0, 0.5, -1.0]  # the trainer's own reward

    results = score(samples_path, tmp_path)
    # The default spec: answer_match on a math reference; the last rollout has no reference.
    assert [(r["id"], r["status"], r["reward"]) for r in results] == [
        ("7-0", "ok", 1.0), ("7-1", "ok", 0.0), ("7-2", "ok", 1.0), ("7-3", "invalid_input", 0.0)]


def test_verl_v1_uids_group_by_prompt(tmp_path):
    """The v1 trainer dumps `uid` keys `{prompt uid}_{session}_{index}`: the group is the
    prompt uid."""
    pytest.importorskip("verl")
    Trainer = verl_methods("trainer/ppo/v1/trainer_base.py", "PPOTrainer", DUMP)
    uids = ["a1b2_0_0", "a1b2_1_0", "c3d4_0_0", "c3d4_1_0"]
    Trainer._write_generations(["q1", "q1", "q2", "q2"], ["\\boxed{3}", "\\boxed{4}", "\\boxed{5}", "x"],
                               [3, 3, "5", "5"], [np.float32(1.0), 0.0, float("nan"), 0.0], {"uid": uids},
                               str(tmp_path), 12)
    samples_path = tmp_path / "samples.jsonl"
    run([plaudit_bin(), "convert", "--from", "verl", str(tmp_path / "12.jsonl"), "-o", str(samples_path)])
    samples = read_jsonl(samples_path)
    assert [s["group"] for s in samples] == ["a1b2", "a1b2", "c3d4", "c3d4"]
    assert [s["meta"]["uid"] for s in samples] == uids
    assert samples[2]["meta"]["score"] is None  # Python wrote NaN, which is not JSON
    results = score(samples_path, tmp_path)
    # "x" is read as the final answer: wrong, not missing.
    assert [(r["status"], r["reward"]) for r in results] == [("ok", 1.0), ("ok", 0.0), ("ok", 1.0), ("ok", 0.0)]
    # Groups came from the uids: each pair of rollouts has opposite GRPO advantages.
    adv = [r["advantage"] for r in results]
    assert adv[0] > 0 and adv[0] == -adv[1] and adv[2] == -adv[3] == adv[0]


# ------------------------------------------------------------------ TRL


def trl_run(tmp_path, dataset, reward_funcs, rollout_func=None):
    """GRPOTrainer.train() for one step with log_completions: the parquet file TRL wrote."""
    from test_trl import make_trainer
    from test_trl import tokenizer as tokenizer_fixture

    tok = tokenizer_fixture.__wrapped__()
    if rollout_func is not None:
        rollout_func = rollout_func(tok)
    trainer = make_trainer(tok, tmp_path, reward_funcs, dataset=dataset, rollout_func=rollout_func,
                           log_completions=True, max_steps=1)
    trainer.train()
    path = tmp_path / "completions" / "completions_00001.parquet"
    assert path.exists(), os.listdir(tmp_path / "completions")
    return path


def log_answer(prompts, completions, answer, log_extra=None, **kwargs):
    """A reward function that only logs the reference into TRL's completions table (NaN reward)."""
    log_extra("answer", list(answer))
    return [None] * len(completions)


def convert_trl(path, tmp_path, *extra):
    out = tmp_path / "samples.jsonl"
    run([sys.executable, "-m", "plaudit.convert", "trl", str(path), "-o", str(out), *extra])
    return out


def test_trl_completions_parquet_converts_and_rescores(tmp_path):
    """Known completions (TRL's rollout_func hook): the rewards re-scored from TRL's own parquet
    are the documented ones and equal the reward TRL logged for each row."""
    pytest.importorskip("trl")
    import plaudit
    from datasets import Dataset
    from test_trl import REFERENCES, ROLLOUTS

    prompt = "Half of one ?"
    dataset = Dataset.from_dict({"prompt": [prompt], "answer": [REFERENCES[prompt]]})

    def rollout_func(tok):
        def f(prompts, trainer):
            out = {"prompt_ids": [], "completion_ids": [], "logprobs": []}
            for k, p in enumerate(prompts):
                ids = tok(ROLLOUTS[p][k % 4][0], add_special_tokens=False)["input_ids"] + [tok.eos_token_id]
                out["prompt_ids"].append(tok(p, add_special_tokens=False)["input_ids"])
                out["completion_ids"].append(ids)
                out["logprobs"].append([0.0] * len(ids))
            return out
        return f

    path = trl_run(tmp_path, dataset, [plaudit.Reward.default().trl(), log_answer], rollout_func)
    samples = read_jsonl(convert_trl(path, tmp_path))
    assert [s["id"] for s in samples] == ["1-0", "1-1", "1-2", "1-3"]
    assert [s["prompt"] for s in samples] == [prompt] * 4
    assert [s["response"] for s in samples] == [c for c, _ in ROLLOUTS[prompt]]
    assert {s["reference"] for s in samples} == {"\\frac{1}{2}"}
    assert len({s["group"] for s in samples}) == 1 and samples[0]["group"] == plaudit.prompt_key(prompt)
    meta = samples[0]["meta"]
    # TRL writes step, prompt, completion, the reward columns, the log_extra columns (sorted), advantage.
    assert list(meta) == ["step", "plaudit", "log_answer", "plaudit_error", "plaudit_status", "advantage"]
    assert meta["log_answer"] is None  # NaN in the parquet
    results = score(tmp_path / "samples.jsonl", tmp_path)
    assert [r["reward"] for r in results] == [r for _, r in ROLLOUTS[prompt]] == [1.0, 1.0, 0.0, 0.0]
    assert [r["reward"] for r in results] == [s["meta"]["plaudit"] for s in samples]
    # TRL's advantage and Plaudit's GRPO advantage agree in sign within the group.
    assert [math.copysign(1, r["advantage"]) for r in results] == [
        math.copysign(1, s["meta"]["advantage"]) for s in samples]


def test_trl_chat_completions_keep_their_shape(tmp_path):
    """TRL's own generation on chat prompts: message lists round-trip through Parquet, and the
    re-scored rewards and statuses are the ones TRL logged."""
    pytest.importorskip("trl")
    import plaudit
    from datasets import Dataset

    chat = [{"role": "user", "content": "What is 6 * 12 ?"}]
    dataset = Dataset.from_dict({"prompt": [chat] * 2, "answer": ["6 * 12 = 72\n#### 72"] * 2})
    path = trl_run(tmp_path, dataset, [plaudit.Reward.default().trl(), log_answer])
    samples = read_jsonl(convert_trl(path, tmp_path, "--reference", "answer"))
    assert len(samples) == 4
    assert all(s["prompt"] == chat for s in samples)
    assert all(s["response"][0]["role"] == "assistant" and isinstance(s["response"][0]["content"], str)
               for s in samples)
    results = score(tmp_path / "samples.jsonl", tmp_path)
    assert [r["status"] for r in results] == [s["meta"]["plaudit_status"] for s in samples]
    want = [None if r["status"] in ("invalid_input", "error") else r["reward"] for r in results]
    assert want == [s["meta"]["plaudit"] for s in samples]
