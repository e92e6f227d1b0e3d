"""The `plaudit` API: Reward construction, scoring, results, errors, introspection."""
import json
import math
import pickle
import subprocess

import pytest

import plaudit
from plaudit import Reward, SpecError


def test_math_equivalence_on_real_answers():
    r = Reward.default()
    cases = [
        ("so the answer is $\\boxed{\\frac{\\sqrt{2}}{2}}$", "\\frac{1}{\\sqrt{2}}", 1.0),
        ("The answer is 0.5", "\\frac12", 1.0),
        ("\\boxed{x^2+2x+1}", "(x+1)^2", 1.0),
        ("\\boxed{[1,2)}", "[1,2)", 1.0),
        ("\\boxed{72}", "72.0", 1.0),
        ("\\boxed{1-1/e}", "1+1/e", 0.0),  # a classic wrong verdict of other verifiers
        ("\\boxed{(1,2]}", "[1,2)", 0.0),
    ]
    samples = [{"id": i, "task": "math", "response": resp, "reference": ref} for i, (resp, ref, _) in enumerate(cases)]
    results = r.score(samples)
    assert [res["reward"] for res in results] == [want for _, _, want in cases]
    assert all(res["status"] == "ok" for res in results)
    assert [res["id"] for res in results] == list(range(len(cases)))
    assert results[0]["components"] == {"correct": 1.0}
    assert results[0]["details"]["correct"]["answer_normalized"]


def test_no_answer_is_a_status_not_a_zero():
    [res] = Reward.default().score([{"task": "math", "response": "I am not sure.", "reference": "3"}])
    assert res["status"] == "no_answer"
    assert res["reward"] == 0.0
    assert res["components"] == {}
    assert "no answer found" in res["error"]


def test_default_routes_qa_and_fallback():
    r = Reward.default()
    samples = [
        {"task": "qa", "response": "<answer>The Eiffel Tower!</answer>", "reference": "eiffel tower"},
        {"task": "other", "response": "Final answer: Paris", "reference": "Paris"},
        {"task": "other", "response": "Final answer: Lyon", "reference": "Paris"},
    ]
    assert r.rewards(samples) == [1.0, 1.0, 0.0]


def test_custom_spec_components_expression_and_group(r1_spec):
    r = Reward.from_dict(r1_spec)
    good = "<think>2+2 is 4</think>\n<answer>4</answer>"
    samples = [
        {"id": "a", "group": "g", "response": good, "reference": "4", "tokens": 50},
        {"id": "b", "group": "g", "response": good, "reference": "4", "tokens": 90},   # overlong: -0.5
        {"id": "c", "group": "g", "response": "4", "reference": "4", "tokens": 130},   # no format, -1
        {"id": "d", "group": "h", "response": "<think>x</think><answer>5</answer>", "reference": "4", "tokens": 10},
    ]
    res = r.score(samples)
    assert [x["components"] for x in res] == [
        {"correct": 1.0, "format": 1.0, "overlong": 0.0},
        {"correct": 1.0, "format": 1.0, "overlong": -0.5},
        {"correct": 1.0, "format": 0.0, "overlong": -1.0},
        {"correct": 0.0, "format": 1.0, "overlong": 0.0},
    ]
    rewards = [x["reward"] for x in res]
    assert rewards == pytest.approx([1.1, 0.6, 0.0, 0.1])
    # GRPO within group g (sample std, eps 1e-6); d is a group of one.
    mean = sum(rewards[:3]) / 3
    std = math.sqrt(sum((x - mean) ** 2 for x in rewards[:3]) / 2)
    assert [x["advantage"] for x in res[:3]] == pytest.approx([(x - mean) / (std + 1e-6) for x in rewards[:3]])
    assert res[3]["advantage"] == 0.0
    assert [x["zero_variance"] for x in res] == [False, False, False, True]
    assert r.rewards(samples) == pytest.approx([1.1, 0.6, 0.0, 0.1])
    assert r.components == ["correct", "format", "overlong"]


def test_rewards_numpy():
    np = pytest.importorskip("numpy")
    r = Reward.default()
    arr = r.rewards_numpy([{"task": "math", "response": "\\boxed{2}", "reference": "2"},
                           {"task": "math", "response": "\\boxed{3}", "reference": "2"}])
    assert isinstance(arr, np.ndarray) and arr.dtype == np.float64
    assert arr.tolist() == [1.0, 0.0]
    arr[0] = 5.0  # writable
    assert r.rewards_numpy([]).shape == (0,)


def test_samples_accept_chat_messages_numpy_and_tuples():
    np = pytest.importorskip("numpy")
    r = Reward.default()
    samples = (
        {"task": "math", "prompt": [{"role": "user", "content": "1+1?"}],
         "response": [{"role": "assistant", "content": "It is \\boxed{2}"}], "reference": "2"},
        {"task": np.str_("math"), "response": "\\boxed{7}", "reference": np.int64(7), "tokens": np.int64(5)},
        {"task": "qa", "response": "<answer>blue</answer>", "reference": np.array(["red", "blue"], dtype=object)},
    )
    assert r.rewards(iter(samples)) == [1.0, 1.0, 1.0]


def test_bad_samples_are_invalid_input_not_exceptions():
    r = Reward.default()
    samples = [
        {"id": 0, "task": "math", "response": "\\boxed{1}", "reference": "1"},
        {"id": 1, "task": "math", "reference": "1"},
        {"id": 2, "response": 5},
        "not a dict",
        {"id": 4, "group": "g", "response": "x", "meta": {"tags": [1, {2, 3}]}},
        {"id": 5, "response": "x", "tokens": -3},
        {"id": 6, "response": "x", "score": float("nan"), "meta": {"v": float("inf")}},
        {"id": 7, "response": "\ud800"},
        {"id": 8, "task": "math", "response": "\\boxed{1}", "reference": "1"},
    ]
    res = r.score(samples)
    assert len(res) == len(samples)
    assert [x["status"] for x in res] == ["ok"] + ["invalid_input"] * 7 + ["ok"]
    assert [x["reward"] for x in res] == [1.0] + [0.0] * 7 + [1.0]
    assert res[1]["error"] == "missing field `response`"
    assert res[2]["error"] == "field `response`: expected a string or a list of chat messages, got a number"
    assert res[3]["error"] == "expected a JSON object, got a string"
    assert res[4]["error"] == "field `meta.tags[1]`: cannot convert a value of Python type `set` to JSON"
    assert res[4]["id"] == 4
    assert res[5]["error"] == "field `tokens`: expected a non-negative integer, got -3"
    assert res[6]["error"].startswith("field `meta.v`: expected a finite number") or \
        res[6]["error"].startswith("field `score`: expected a finite number")
    assert "not valid Unicode" in res[7]["error"]
    assert [x["id"] for x in res] == [0, 1, 2, None, 4, 5, 6, 7, 8]


def test_self_referencing_sample_does_not_crash():
    r = Reward.default()
    loop = []
    loop.append(loop)
    [res] = r.score([{"id": 1, "response": "x", "meta": {"loop": loop}}])
    assert res["status"] == "invalid_input"
    assert "nested deeper than 128 levels" in res["error"]


def test_wrong_container_is_a_type_error():
    r = Reward.default()
    with pytest.raises(TypeError):
        r.score({"response": "x"})
    with pytest.raises(TypeError):
        r.rewards(5)
    assert r.score([]) == []


def test_spec_error_message_is_the_cli_message(tmp_path, plaudit_bin):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "components:\n"
        "  correct: {reward: exact_matc}\n"
        "  len: {reward: soft_overlong_penalty, params: {max_len: 10, buffer: 20, foo: 1}}\n"
        "reward: correct + len\n"
    )
    with pytest.raises(SpecError) as e:
        Reward.from_file(bad)
    msg = str(e.value)
    assert msg.splitlines()[0] == f"spec {bad} is invalid:"
    assert "  - components.correct: unknown reward `exact_matc` (did you mean `exact_match`?" in msg
    assert "  - components.len.params: unknown parameter `foo` (valid: max_len, buffer, penalty, unit)" in msg
    assert len(e.value.errors) == 2
    cli = subprocess.run([plaudit_bin, "check", str(bad)], capture_output=True, text=True)
    assert cli.returncode == 2
    assert cli.stderr.strip() == "plaudit: " + msg


def test_spec_error_from_dict_and_text():
    with pytest.raises(SpecError) as e:
        Reward.from_dict({"components": {"c": {"reward": "exact_match", "params": {"normalize": "zzz"}}},
                          "group": {"advantage": "ppo"}})
    assert str(e.value) == (
        "spec <dict> is invalid:\n"
        "  - group.advantage: unknown estimator `ppo` (valid: grpo, dr_grpo, rloo, reinforce_pp, reward, none)\n"
        "  - components.c.params: parameter `normalize`: `zzz` is not one of: basic, squad, none"
    )
    assert isinstance(e.value, ValueError)
    with pytest.raises(SpecError) as e:
        Reward.from_text("components: {a: exact_match, b: exact_match}\nreward: a +* b\n", name="inline")
    first, *rest = str(e.value).splitlines()
    assert first == "spec inline is invalid:"
    assert rest[0].startswith("  - reward: ")
    with pytest.raises(SpecError, match=r"spec <dict> is invalid:\n  - spec: field `components.a.params.x`: cannot convert"):
        Reward.from_dict({"components": {"a": {"reward": "exact_match", "params": {"x": object()}}}})
    with pytest.raises(FileNotFoundError):
        Reward.from_file("/nonexistent/spec.yaml")


def test_from_file_yaml_and_json(tmp_path, root, r1_spec):
    y = Reward.from_file(f"{root}/examples/spec.yaml")
    assert y.components == ["correct", "format", "overlong", "f1"]
    assert y.spec["group"]["mark_zero_variance"] is True
    j = tmp_path / "spec.json"
    j.write_text(json.dumps(r1_spec))
    assert Reward.from_file(j).spec == Reward.from_dict(r1_spec).spec
    assert Reward(str(j)).components == ["correct", "format", "overlong"]


def test_same_results_as_the_cli(root, plaudit_bin):
    path = f"{root}/examples/quickstart.jsonl"
    for spec_args in ([], ["--spec", f"{root}/examples/spec.yaml"]):
        cli = subprocess.run([plaudit_bin, "score", "--quiet", *spec_args, path],
                             capture_output=True, text=True, check=True)
        want = [json.loads(line) for line in cli.stdout.splitlines()]
        r = Reward.from_file(spec_args[1]) if spec_args else Reward.default()
        with open(path, encoding="utf-8") as f:
            text = f.read()
        got = [json.loads(line) for line in r.score_jsonl(text).splitlines()]
        assert got == want
        assert r.score_jsonl(text.encode()) == r.score_jsonl(text).encode()
        # The object API on the lines that parse gives the same results as the CLI on them
        # (same group stage when all lines are valid JSON objects).
        parsed, idx = [], []
        for i, line in enumerate(text.splitlines()):
            try:
                v = json.loads(line)
            except ValueError:
                continue
            if isinstance(v, dict):
                parsed.append(v)
                idx.append(i)
        got = r.score(parsed)
        for g, i in zip(got, idx):
            w = dict(want[i])
            g = dict(g)
            w.pop("advantage", None), g.pop("advantage", None)
            w.pop("zero_variance", None), g.pop("zero_variance", None)
            if w["status"] == "invalid_input":
                w.pop("error"), g.pop("error")  # the CLI's message names the line
            assert g == w


def test_jobs_do_not_change_results(r1_spec):
    samples = [{"id": i, "group": i % 3, "response": f"<think>t</think><answer>{i % 4}</answer>",
                "reference": "1", "tokens": i * 7} for i in range(200)]
    a = Reward.from_dict(r1_spec, jobs=1).score(samples)
    b = Reward.from_dict(r1_spec, jobs=2).score(samples)
    c = Reward.from_dict(r1_spec).score(samples)
    assert a == b == c
    with pytest.raises(ValueError, match="jobs: must be at least 1"):
        Reward.default(jobs=0)


def test_pickle_round_trip(r1_spec, root):
    for r in (Reward.default(), Reward.from_dict(r1_spec, jobs=1), Reward.from_file(f"{root}/examples/spec.yaml")):
        r2 = pickle.loads(pickle.dumps(r))
        assert r2.spec == r.spec and r2.jobs == r.jobs
        s = [{"response": "<think>a</think><answer>1</answer>", "reference": "1", "tokens": 3}]
        assert r2.score(s) == r.score(s)


def test_list_and_explain():
    rewards = plaudit.list_rewards()
    names = [r["name"] for r in rewards]
    for n in ("exact_match", "think_answer_format", "soft_overlong_penalty", "math_equivalence", "token_f1"):
        assert n in names
    sop = next(r for r in rewards if r["name"] == "soft_overlong_penalty")
    assert sop["family"] == "length"
    assert sop["summary"].startswith("Soft overlong punishment (DAPO)")
    params = {p["name"]: p for p in sop["params"]}
    assert params["max_len"]["default"] == 4096 and params["buffer"]["default"] == 512
    assert params["unit"]["default"] == "tokens" and params["unit"]["required"] is False
    assert {r["family"] for r in plaudit.list_rewards("math")} == {"math"}
    text = plaudit.explain("soft_overlong_penalty")
    assert text.startswith("soft_overlong_penalty (length family)")
    assert "## Parameters (as enforced)" in text
    assert Reward.explain("exact_match") == plaudit.explain("exact_match")
    with pytest.raises(ValueError, match=r"unknown reward `exact_matc` \(did you mean `exact_match`\?\)"):
        plaudit.explain("exact_matc")


def test_repr_and_version():
    r = Reward.default()
    assert repr(r) == f"Reward('plaudit-default', components=['correct'], jobs={r.jobs})"
    assert plaudit.__version__.count(".") == 2
    assert r.spec["name"] == "plaudit-default"
    assert r([{"response": "Final answer: 3", "reference": "3"}]) == [1.0]


def test_stateful_rewards_learn_across_calls():
    # adaptive_target_length keeps a per-prompt target: each call is a batch that reads the
    # targets from before it and updates them afterwards.
    r = Reward.from_dict({
        "components": {"correct": "exact_match",
                       "eff": {"reward": "adaptive_target_length", "params": {"key": "group"}}},
        "reward": "correct + eff",
    })
    def s(tokens):
        return {"group": "g", "response": "answer: 4", "reference": "4", "tokens": tokens}
    first = r.score([s(100), s(200)])
    assert [x["components"]["eff"] for x in first] == [1.0, 1.0]  # no target yet
    second = r.score([s(75)])
    assert second[0]["components"]["eff"] == 0.5  # target 150 learned from the first call
    assert second[0]["details"]["eff"]["target"] == 150.0


def test_integers_beyond_64_bits_stay_exact():
    # 2**64 + 1 rounds to 18446744073709551616.0 as a float: the right answer must still score 1,
    # and a wrong 39-digit answer equal to the float-rounded reference must score 0.
    big = 2**64 + 1
    huge = 123456789012345678901234567890123456789
    r = Reward.default()
    results = r.score([
        {"task": "math", "response": "\\boxed{18446744073709551617}", "reference": big},
        {"task": "math", "response": "\\boxed{18446744073709551616}", "reference": big},
        {"task": "math", "response": "\\boxed{123456789012345680000000000000000000000}", "reference": huge},
        {"task": "math", "response": f"\\boxed{{{huge}}}", "reference": huge},
        {"id": big, "task": "math", "response": "\\boxed{1}", "reference": 1},
    ])
    assert [res["reward"] for res in results] == [1.0, 0.0, 0.0, 1.0, 1.0]
    assert results[0]["details"]["correct"]["reference_normalized"] == "18446744073709551617"
    # An id beyond 64 bits comes back as the same Python int.
    assert results[4]["id"] == big and type(results[4]["id"]) is int
