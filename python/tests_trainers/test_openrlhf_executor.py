"""Plaudit inside OpenRLHF 0.11.2's own reward path: `openrlhf.utils.agent.SingleTurnAgentExecutor`
(one rollout per call; the query is `hf_tokenizer.decode(prompt tokens + response tokens,
skip_special_tokens=False)`), against a real `plaudit serve` on loopback and with a
`reward_func` file. The tokenizer is trained in the test. The generation engine is the one test
double: vLLM needs a GPU, so an object with vLLM's `generate` shape returns a fixed response's
token ids (the executor's prompt truncation, decoding and reward requests all run for real)."""
from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import urllib.error
import urllib.request
from dataclasses import dataclass
from types import SimpleNamespace

import pytest

pytest.importorskip("openrlhf")
from openrlhf.utils.agent import SingleTurnAgentExecutor  # noqa: E402

from _tok import chat_prompt, tokenizer  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SPEC = {
    "components": {"correct": "math_equivalence", "format": "think_answer_format"},
    "reward": "correct + 0.1 * format",
}
GOOD = "<think>48 + 24 = 72</think><answer>72</answer><|im_end|>"


@dataclass
class SamplingParams:  # the attributes the executor reads of vLLM's SamplingParams
    max_tokens: int | None = 64
    logprobs: int | None = None


class Engine:
    """vLLM's `generate(prompt_token_ids, sampling_params, multi_modal_data)` shape: returns the
    given response's token ids, as vLLM would (ending with EOS when finished)."""

    def __init__(self, response: str):
        self.response = response
        self.seen_prompt_ids = None

    async def generate(self, prompt_token_ids, sampling_params, multi_modal_data=None):
        self.seen_prompt_ids = list(prompt_token_ids)
        ids = tokenizer().encode(self.response, add_special_tokens=False)[: sampling_params.max_tokens]
        out = SimpleNamespace(token_ids=ids, text=tokenizer().decode(ids), logprobs=None,
                              finish_reason="stop" if len(ids) < sampling_params.max_tokens else "length")
        return SimpleNamespace(outputs=[out])


def run(executor, prompt, label, response, max_length=512, max_tokens=64):
    engine = Engine(response)
    out = asyncio.run(executor.execute(prompt, label, SamplingParams(max_tokens=max_tokens), max_length,
                                       tokenizer(), engine))
    return out, engine


def plaudit_bin():
    for c in (os.environ.get("PLAUDIT_BIN"), os.path.join(ROOT, "target", "debug", "plaudit"),
              os.path.join(ROOT, "target", "release", "plaudit")):
        if c and os.access(c, os.X_OK):
            return c
    pytest.skip("the plaudit CLI is not built (cargo build -p plaudit-cli)")


class Server:
    """`plaudit serve` on a free loopback port; the port is read from its start-up line."""

    def __init__(self, tmp_path, spec, *args):
        path = tmp_path / f"spec{abs(hash(json.dumps(spec)))}.json"
        path.write_text(json.dumps(spec))
        self.proc = subprocess.Popen([plaudit_bin(), "serve", "--spec", str(path), "--addr", "127.0.0.1:0",
                                      "--jobs", "1", *args],
                                     stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
                                     env={**os.environ, "RUST_LOG": "warn"})
        self.startup = []
        for line in self.proc.stderr:
            self.startup.append(line)
            m = re.search(r"on http://(127\.0\.0\.1:\d+) ", line)
            if m:
                self.addr = m.group(1)
                break
        else:
            raise RuntimeError("plaudit serve exited: " + "".join(self.startup))
        self.url = f"http://{self.addr}/get_reward"

    def wait_for(self, text):
        """Read stderr until a line containing `text` (start-up warnings follow the serving line)."""
        for line in self.proc.stderr:
            self.startup.append(line)
            if text in line:
                return line
        raise AssertionError(f"plaudit serve exited without printing {text!r}: " + "".join(self.startup))

    def close(self):
        self.proc.terminate()
        self.proc.wait(timeout=30)


@pytest.fixture
def server(tmp_path):
    servers = []

    def start(spec, *args):
        s = Server(tmp_path, spec, *args)
        servers.append(s)
        return s

    yield start
    for s in servers:
        s.close()


def test_http_end_of_turn_marker_is_not_the_answer(server):
    srv = server(SPEC)
    ex = SingleTurnAgentExecutor(remote_rm_url=srv.url)
    out, _ = run(ex, chat_prompt("How many clips?"), "72", GOOD)
    # The query ends in <|im_end|> (decoded with special tokens); before, format was 0 for every
    # finished response.
    assert out["reward"] == [pytest.approx(1.1)]
    assert out["extra_logs"] == {"correct": [1.0], "format": [1.0], "plaudit_ok": [1.0]}


def test_http_numeric_label_and_fixed_extra_logs_keys(server):
    srv = server(SPEC)
    ex = SingleTurnAgentExecutor(remote_rm_url=srv.url)
    out, _ = run(ex, chat_prompt("How many clips?"), 72.0, GOOD)  # a float label, as from pandas
    assert out["reward"] == [pytest.approx(1.1)]
    failed, _ = run(ex, chat_prompt("How many clips?"), 72.0, "I give up.<|im_end|>")
    # A failed component reports its failure value (on_error 0.0); the keys never change, so
    # OpenRLHF's experience merge finds every key in every rollout.
    assert failed["reward"] == [0.0]
    assert failed["extra_logs"] == {"correct": [0.0], "format": [0.0], "plaudit_ok": [0.0]}
    assert set(failed["extra_logs"]) == set(out["extra_logs"])


def test_http_left_truncated_prompt_is_never_scored(server):
    srv = server(SPEC)
    ex = SingleTurnAgentExecutor(remote_rm_url=srv.url)
    preamble = "Read carefully. " * 12
    prompt = chat_prompt(preamble + "Example: 2+2 = \\boxed{4}. Now: what is 1+3?")
    n_prompt = len(tokenizer().encode(prompt, add_special_tokens=False))
    max_length, max_tokens = 64, 16
    assert n_prompt > max_length - max_tokens  # the executor keeps only the prompt's last tokens
    out, engine = run(ex, prompt, "4", "I do not know.<|im_end|>", max_length=max_length, max_tokens=max_tokens)
    assert len(engine.seen_prompt_ids) == max_length - max_tokens
    kept = tokenizer().decode(engine.seen_prompt_ids)
    assert "\\boxed{4}" in kept and not prompt.startswith(kept)
    # The example's \boxed{4} is prompt text: scoring the whole query would give 1.0.
    assert out["reward"] == [0.0]
    assert out["extra_logs"]["plaudit_ok"] == [0.0]
    good, _ = run(ex, prompt, "4", "<think>1+3</think><answer>4</answer><|im_end|>", max_length=max_length,
                  max_tokens=max_tokens)
    assert good["reward"] == [pytest.approx(1.1)]


def test_http_different_routes_log_their_own_components(server):
    spec = {"routes": {"math": {"components": {"correct": "math_equivalence"}},
                       "qa": {"components": {"f1": "token_f1"}}}}
    srv = server(spec)
    body = json.dumps({"query": ["Q1 \\boxed{3}", "Q2 <answer>red brick house</answer>"], "prompts": ["Q1", "Q2"],
                       "labels": ["3", "red house"], "task": ["math", "qa"]}).encode()
    resp = json.loads(urllib.request.urlopen(urllib.request.Request(srv.url, body, {"Content-Type": "application/json"})).read())
    # The QA sample's `correct` is 0.0 (not in its route), not its F1 (which it used to be).
    assert resp["extra_logs"]["correct"] == [1.0, 0.0]
    assert resp["extra_logs"]["f1"][0] == 0.0 and resp["extra_logs"]["f1"][1] == pytest.approx(0.8)


def test_http_group_spec_says_so_at_start_up(server):
    spec = {"components": {"correct": "math_equivalence",
                           "mean": {"reward": "group_stats", "params": {"of": "correct", "output": "mean"}}},
            "reward": "mean"}
    srv = server(spec)
    line = srv.wait_for("warning: /get_reward")
    assert "warning: /get_reward: (top level): component `mean` (group_stats) scored per group, but OpenRLHF sends one rollout per request" in line


def test_http_token_spec_without_tokenizer_is_refused_naming_the_component(server):
    spec = {"components": {"correct": "math_equivalence",
                           "overlong": {"reward": "soft_overlong_penalty", "params": {"max_len": 30, "buffer": 10}}},
            "reward": "correct + overlong"}
    srv = server(spec)
    line = srv.wait_for("warning: /get_reward")
    assert "/get_reward answers 400 to requests without a `tokens` list: (top level): component `overlong` (soft_overlong_penalty) count(s) length in tokens" in line
    body = json.dumps({"query": ["Q \\boxed{3}"], "prompts": ["Q"], "labels": ["3"]}).encode()
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(urllib.request.Request(srv.url, body, {"Content-Type": "application/json"}))
    assert e.value.code == 400
    assert "component `overlong` (soft_overlong_penalty) count(s) length in tokens" in e.value.read().decode()
    # The executor gets no reward (it logs the failure) rather than a silent invalid_input 0.
    ex = SingleTurnAgentExecutor(remote_rm_url=srv.url)
    out, _ = run(ex, chat_prompt("How many clips?"), "72", GOOD)
    assert out["reward"] is None


def reward_file(tmp_path, body):
    f = tmp_path / "reward.py"
    f.write_text(body)
    return str(f)


def test_reward_func_file_through_the_executor(tmp_path):
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(SPEC))
    path = reward_file(tmp_path, f"import plaudit\nreward_func = plaudit.Reward.from_file({str(spec)!r}).openrlhf()\n")
    ex = SingleTurnAgentExecutor(remote_rm_url=path)
    out, _ = run(ex, chat_prompt("How many clips?"), 72.0, GOOD)
    assert [round(float(x), 5) for x in out["reward"]] == [1.1]
    assert {k: v.tolist() for k, v in out["extra_logs"].items()} == {"correct": [1.0], "format": [1.0], "plaudit_ok": [1.0]}


def test_reward_func_file_with_tokenizer_counts_tokens(tmp_path):
    spec = {"components": {"correct": "math_equivalence",
                           "overlong": {"reward": "soft_overlong_penalty", "params": {"max_len": 20, "buffer": 10}}},
            "reward": "correct + overlong"}
    (tmp_path / "spec.json").write_text(json.dumps(spec))
    tok_dir = tmp_path / "tok"
    tokenizer().save_pretrained(str(tok_dir))
    # Without a tokenizer the file fails to load, naming the component (not invalid_input per sample).
    bad = reward_file(tmp_path, f"import plaudit\nreward_func = plaudit.openrlhf.make_reward_func("
                                f"plaudit.Reward.from_file({str(tmp_path / 'spec.json')!r}))\n")
    with pytest.raises(ValueError, match=r"component `overlong` \(soft_overlong_penalty\) count\(s\) length in tokens"):
        SingleTurnAgentExecutor(remote_rm_url=bad)
    good = reward_file(tmp_path, f"import plaudit, plaudit.openrlhf\nreward_func = plaudit.openrlhf.make_reward_func("
                                 f"plaudit.Reward.from_file({str(tmp_path / 'spec.json')!r}), tokenizer={str(tok_dir)!r})\n")
    ex = SingleTurnAgentExecutor(remote_rm_url=good)
    long = "<think>" + "9 " * 12 + "</think><answer>72</answer><|im_end|>"
    out, engine = run(ex, chat_prompt("How many clips?"), "72", long)
    n = len(tokenizer().encode(long.replace("<|im_end|>", ""), add_special_tokens=False))
    assert n > 10
    expected = max(-1.0, min(0.0, -(n - 10) / 10))
    assert float(out["extra_logs"]["overlong"][0]) == pytest.approx(expected)
    assert float(out["reward"][0]) == pytest.approx(1.0 + expected)


TOKEN_SPEC = {"components": {"correct": "math_equivalence",
                             "overlong": {"reward": "soft_overlong_penalty", "params": {"max_len": 20, "buffer": 10}}},
              "reward": "correct + overlong"}
LONG = "<think>" + "9 " * 12 + "</think><answer>72</answer><|im_end|>"


def expected_overlong(text):
    n = len(tokenizer().encode(text, add_special_tokens=False))
    assert n > 10
    return max(-1.0, min(0.0, -(n - 10) / 10))


def test_http_tokenizer_counts_tokens(server, tmp_path):
    tok_dir = tmp_path / "tok"
    tokenizer().save_pretrained(str(tok_dir))
    srv = server(TOKEN_SPEC, "--tokenizer", str(tok_dir / "tokenizer.json"))
    ex = SingleTurnAgentExecutor(remote_rm_url=srv.url)
    out, _ = run(ex, chat_prompt("How many clips?"), "72", LONG)
    # The response's tokens without the stripped end marker, counted by the Rust tokenizer.
    exp = expected_overlong(LONG.replace("<|im_end|>", ""))
    assert out["extra_logs"]["overlong"] == [pytest.approx(exp)]
    assert out["reward"] == [pytest.approx(1.0 + exp)]


def test_cli_score_with_tokenizer(tmp_path):
    tok_dir = tmp_path / "tok"
    tokenizer().save_pretrained(str(tok_dir))
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(TOKEN_SPEC))
    text = LONG.replace("<|im_end|>", "")
    lines = [json.dumps({"id": 1, "response": text, "reference": "72"}),
             json.dumps({"id": 2, "response": text, "reference": "72", "tokens": 15})]
    cmd = [plaudit_bin(), "score", "--quiet", "--spec", str(spec), "-"]
    without = subprocess.run(cmd, input="\n".join(lines), capture_output=True, text=True, check=True)
    assert json.loads(without.stdout.splitlines()[0])["status"] == "invalid_input"
    res = subprocess.run(cmd[:-1] + ["--tokenizer", str(tok_dir), "-"], input="\n".join(lines),
                         capture_output=True, text=True, check=True)
    first, second = (json.loads(line) for line in res.stdout.splitlines())
    assert first["status"] == "ok"
    assert first["components"]["overlong"] == pytest.approx(expected_overlong(text))
    assert second["components"]["overlong"] == pytest.approx(-0.5)  # a sample's own `tokens` wins
    bad = subprocess.run(cmd[:-1] + ["--tokenizer", str(tmp_path / "missing.json"), "-"], input="",
                         capture_output=True, text=True)
    assert bad.returncode == 2 and "cannot load tokenizer" in bad.stderr
