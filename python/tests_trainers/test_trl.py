"""Plaudit in TRL 1.16's own GRPOTrainer: a tiny random Qwen2 model and a tokenizer trained here
(no downloads), trained for two steps on CPU with ``reward.trl()``, and every TRL finding of
issue 12 through the trainer's real ``_calculate_rewards`` (and, for the weights, the line of
``_generate_and_score_completions`` that combines its output)."""
import asyncio
import logging
import math

import pytest
import torch
from datasets import Dataset
from tokenizers import Tokenizer, models, pre_tokenizers, trainers
from transformers import PreTrainedTokenizerFast, Qwen2Config, Qwen2ForCausalLM
from trl import GRPOConfig, GRPOTrainer

import plaudit

CHAT_TEMPLATE = (
    "{% for m in messages %}<|im_start|> {{ m['role'] }} "
    "{% if m['content'] is string %}{{ m['content'] }}{% else %}"
    "{% for b in m['content'] %}{% if b['type'] == 'text' %}{{ b['text'] }} {% endif %}{% endfor %}{% endif %}"
    " <|im_end|> {% endfor %}{% if add_generation_prompt %}<|im_start|> assistant {% endif %}"
)

# Every word the tests' prompts and completions use; the tokenizer is word-level over them.
CORPUS = [
    "What is 6 * 12 ? Half of one ? Answer briefly .",
    "<think> 6*12=72 </think> \\boxed{72} \\boxed{71} \\boxed{0.5} \\boxed{1/2} \\boxed{2} I don't know .",
    "no idea the answer is 72 <think> still thinking",
    "user assistant system tool",
]
SPECIALS = ["[UNK]", "<|endoftext|>", "<|im_start|>", "<|im_end|>"]


@pytest.fixture(scope="module")
def tokenizer():
    tok = Tokenizer(models.WordLevel(unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    tok.train_from_iterator(CORPUS, trainers.WordLevelTrainer(special_tokens=SPECIALS))
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="[UNK]", pad_token="<|endoftext|>",
                                   eos_token="<|im_end|>")
    fast.chat_template = CHAT_TEMPLATE
    return fast


def tiny_model(tokenizer):
    torch.manual_seed(0)
    config = Qwen2Config(vocab_size=len(tokenizer), hidden_size=16, intermediate_size=32, num_hidden_layers=2,
                         num_attention_heads=2, num_key_value_heads=1, max_position_embeddings=128,
                         pad_token_id=tokenizer.pad_token_id, eos_token_id=tokenizer.eos_token_id,
                         bos_token_id=None, tie_word_embeddings=True)
    return Qwen2ForCausalLM(config)


def grpo_args(tmp_path, **kw):
    base = dict(output_dir=str(tmp_path), per_device_train_batch_size=4, num_generations=4,
                max_completion_length=8, max_steps=2, learning_rate=1e-3, logging_steps=1, report_to=[],
                use_cpu=True, save_strategy="no", seed=0, bf16=False, fp16=False, dataloader_num_workers=0,
                temperature=1.0)
    base.update(kw)
    return GRPOConfig(**base)


def make_trainer(tokenizer, tmp_path, reward_funcs, dataset=None, rollout_func=None, **kw):
    if dataset is None:
        dataset = Dataset.from_dict({"prompt": ["What is 6 * 12 ?"], "answer": ["6 * 12 = 72\n#### 72"]})
    return GRPOTrainer(model=tiny_model(tokenizer), reward_funcs=reward_funcs, args=grpo_args(tmp_path, **kw),
                       train_dataset=dataset, processing_class=tokenizer, rollout_func=rollout_func)


def calculate(trainer, rows, completions, completion_ids=None):
    """GRPOTrainer._calculate_rewards on dataset rows (one per completion) and completions, then
    the rewards as _generate_and_score_completions combines them (weights, nansum) and which
    rows it treats as unscorable."""
    prompts = [r["prompt"] for r in rows]
    if completion_ids is None:
        completion_ids = [[0] * 4 for _ in completions]
    per_func = trainer._calculate_rewards(rows, prompts, completions, completion_ids)
    # grpo_trainer.py: `rewards = (rewards_per_func * self.reward_weights...).nansum(dim=1)` and
    # `unscorable_mask = torch.isnan(rewards_per_func).all(dim=1)`.
    combined = (per_func * trainer.reward_weights.unsqueeze(0)).nansum(dim=1)
    unscorable = torch.isnan(per_func).all(dim=1)
    return per_func, combined, unscorable


def nan_list(t):
    # TRL holds rewards as float32: compare to 6 decimals.
    return [None if math.isnan(x) else round(x, 6) for x in t.tolist()]


# ------------------------------------------------------------------ two training steps


def record_steps(trainer):
    """The trainer's completion logs of every step (its deques keep only the last batch)."""
    from transformers import TrainerCallback

    steps = []

    class Record(TrainerCallback):
        def on_step_end(self, args, state, control, **kwargs):
            logs = trainer._logs
            steps.append({"prompt": list(logs["prompt"]), "completion": list(logs["completion"]),
                          "rewards": {k: list(v) for k, v in logs["rewards"].items()},
                          "extra": {k: list(v) for k, v in logs["extra"].items()}})

    trainer.add_callback(Record())
    return steps


ROLLOUTS = {
    # prompt -> (completion text, its reward under the default spec with the row's reference)
    "What is 6 * 12 ?": [("<think> 6*12=72 </think> \\boxed{72}", 1.0), ("\\boxed{71}", 0.0),
                         ("the answer is 72", 1.0), ("<think> still thinking", 0.0)],
    "Half of one ?": [("\\boxed{0.5}", 1.0), ("\\boxed{1/2}", 1.0), ("\\boxed{2}", 0.0), ("I don't know .", 0.0)],
}
REFERENCES = {"What is 6 * 12 ?": "6 * 12 = 72\n#### 72", "Half of one ?": "\\frac{1}{2}"}


def test_grpo_trains_two_steps_with_plaudit_rewards(tokenizer, tmp_path):
    """GRPOTrainer.train() for two steps; completions come from a rollout_func (TRL's hook for
    custom generation) so that their rewards are known: the default spec without a `task`,
    a GSM8K `#### 72` reference and a LaTeX one. TRL logs exactly the documented values."""
    dataset = Dataset.from_dict({"prompt": list(ROLLOUTS), "answer": [REFERENCES[p] for p in ROLLOUTS]})

    def rollout_func(prompts, trainer):
        out = {"prompt_ids": [], "completion_ids": [], "logprobs": []}
        seen = {}
        for p in prompts:
            k = seen.get(p, 0)
            seen[p] = k + 1
            text, _ = ROLLOUTS[p][k % 4]
            ids = tokenizer(text, add_special_tokens=False)["input_ids"]
            if not text.startswith("<think> still"):  # the cut-off rollout has no end of turn
                ids = ids + [tokenizer.eos_token_id]
            out["prompt_ids"].append(tokenizer(p, add_special_tokens=False)["input_ids"])
            out["completion_ids"].append(ids)
            out["logprobs"].append([0.0] * len(ids))
        return out

    reward = plaudit.Reward.default()
    trainer = make_trainer(tokenizer, tmp_path, [reward.trl()], dataset=dataset, rollout_func=rollout_func)
    steps = record_steps(trainer)
    before = [p.detach().clone() for p in trainer.model.parameters()]
    trainer.train()
    assert trainer.state.global_step == 2
    got, statuses = {}, []
    for logs in steps:
        for prompt, completion, r in zip(logs["prompt"], logs["completion"], logs["rewards"]["plaudit"]):
            got.setdefault(prompt, {})[completion] = r
        statuses += logs["extra"]["plaudit_status"]
    want = {p: dict(rs) for p, rs in ROLLOUTS.items()}
    assert got == want
    # The cut-off rollout and "I don't know ." have no answer: status no_answer, on_error (0.0).
    assert sorted(statuses) == sorted(["ok"] * 6 + ["no_answer"] * 2)
    # One of four failed in each batch; TRL's logged means are the documented rewards' means.
    history = [e for e in trainer.state.log_history if "plaudit/failed" in e]
    assert [e["plaudit/failed"] for e in history] == [0.25, 0.25]
    assert [e["rewards/plaudit/mean"] for e in history] == [0.5, 0.5]
    # The policy was updated (advantages were not all zero).
    assert any(not torch.equal(a, b) for a, b in zip(before, trainer.model.parameters()))


def test_grpo_generates_and_trains_with_plaudit(tokenizer, tmp_path):
    """TRL's own generation by the random model, two steps: the rewards TRL logged are Plaudit's
    for the completions TRL logged (chat prompts, default spec, GSM8K reference)."""
    dataset = Dataset.from_dict({
        "prompt": [[{"role": "user", "content": "What is 6 * 12 ?"}]] * 2,
        "answer": ["6 * 12 = 72\n#### 72"] * 2,
    })
    reward = plaudit.Reward.default()
    trainer = make_trainer(tokenizer, tmp_path, [reward.trl()], dataset=dataset)
    steps = record_steps(trainer)
    trainer.train()
    assert trainer.state.global_step == 2
    completions = [c for logs in steps for c in logs["completion"]]
    assert len(completions) == 8
    texts = [c[-1]["content"] for c in completions]
    results = plaudit.Reward.default().score([{"response": t, "reference": "6 * 12 = 72\n#### 72"} for t in texts])
    want = [None if r["status"] in ("invalid_input", "error") else r["reward"] for r in results]
    got = [None if math.isnan(x) else x for logs in steps for x in logs["rewards"]["plaudit"]]
    assert got == want
    assert [s for logs in steps for s in logs["extra"]["plaudit_status"]] == [r["status"] for r in results]


# ------------------------------------------------------------------ the findings, one by one


@pytest.fixture
def trainer_for(tokenizer, tmp_path):
    def build(reward_funcs, **kw):
        return make_trainer(tokenizer, tmp_path, reward_funcs, **kw)
    return build


def test_vision_language_prompts_group_and_score(trainer_for):
    """Prompts with PIL images inside content blocks: grouped by prompt (images by their pixels),
    scored; json.dumps never sees the image."""
    from PIL import Image

    red, blue = Image.new("RGB", (4, 4), (255, 0, 0)), Image.new("RGB", (4, 4), (0, 0, 255))

    def prompt(img):
        return [{"role": "user", "content": [{"type": "image", "image": img},
                                             {"type": "text", "text": "What is 6 * 12 ?"}]}]

    # A group reward: correctness z-scored within the group, which needs the right groups.
    reward = plaudit.Reward.from_dict({
        "components": {"correct": "math_equivalence", "z": {"reward": "group_normalize", "params": {"of": "correct"}}},
        "reward": "z",
    })
    trainer = trainer_for([reward.trl()])
    rows = [{"prompt": prompt(img), "answer": "72"} for img in (red, red, blue, blue)]
    completions = [[{"role": "assistant", "content": t}] for t in ("\\boxed{72}", "\\boxed{71}", "\\boxed{72}", "\\boxed{72}")]
    per_func, _, _ = calculate(trainer, rows, completions)
    s = 0.5 ** 0.5  # sample std of (1, 0)
    assert nan_list(per_func[:, 0]) == [round(0.5 / (s + 1e-6), 6), round(-0.5 / (s + 1e-6), 6), 0.0, 0.0]
    assert plaudit.prompt_key(prompt(red)) == plaudit.prompt_key(prompt(Image.new("RGB", (4, 4), (255, 0, 0))))
    assert plaudit.prompt_key(prompt(red)) != plaudit.prompt_key(prompt(blue))


def test_text_content_block_prompts_score(trainer_for):
    reward = plaudit.Reward.default()
    trainer = trainer_for([reward.trl()])
    p = [{"role": "system", "content": [{"type": "text", "text": "Answer briefly ."}]},
         {"role": "user", "content": [{"type": "text", "text": "What is 6 * 12 ?"}]}]
    rows = [{"prompt": p, "answer": "#### 72"}] * 2
    completions = [[{"role": "assistant", "content": [{"type": "text", "text": "\\boxed{72}"}]}],
                   [{"role": "assistant", "content": "\\boxed{71}"}]]
    per_func, _, _ = calculate(trainer, rows, completions)
    assert nan_list(per_func[:, 0]) == [1.0, 0.0]


TOOL_CALL = {"type": "function", "function": {"name": "calc", "arguments": {"expr": "1/2"}}}


def tool_completion(tool_content, final):
    return [{"role": "assistant", "content": "", "tool_calls": [TOOL_CALL]},
            {"role": "tool", "name": "calc", "content": tool_content},
            {"role": "assistant", "content": final}]


def test_tool_output_is_never_the_answer(trainer_for):
    """The reward hack: a tool result `\\boxed{0.5}` followed by "I don't know." must not score."""
    reward = plaudit.Reward.default()
    trainer = trainer_for([reward.trl()])
    rows = [{"prompt": [{"role": "user", "content": "Half of one ?"}], "answer": "\\frac{1}{2}"}] * 3
    completions = [tool_completion("\\boxed{0.5}", "I don't know."),
                   tool_completion("0.5", "\\boxed{0.5}"),
                   # A list-valued tool content (content blocks) is fine too.
                   tool_completion([{"type": "text", "text": "\\boxed{0.5}"}], "\\boxed{2}")]
    per_func, _, _ = calculate(trainer, rows, completions)
    assert nan_list(per_func[:, 0]) == [0.0, 1.0, 0.0]


def test_format_reward_sees_the_final_message_after_a_tool_call(trainer_for):
    reward = plaudit.Reward.from_dict({"components": {"format": "think_answer_format"}})
    trainer = trainer_for([reward.trl()])
    rows = [{"prompt": "Half of one ?", "answer": "0.5"}] * 2
    completions = [tool_completion("0.5", "<think>\nit is 0.5\n</think>\n<answer>\n0.5\n</answer>"),
                   tool_completion("0.5", "0.5")]
    per_func, _, _ = calculate(trainer, rows, completions)
    assert nan_list(per_func[:, 0]) == [1.0, 0.0]


def test_tool_use_rewards_get_the_calls(trainer_for):
    reward = plaudit.Reward.from_dict({"components": {"calls": "tool_call_match"}})
    trainer = trainer_for([reward.trl(response="tool_calls")])
    ref = {"calls": [{"name": "calc", "arguments": {"expr": "1/2"}}]}
    rows = [{"prompt": "Half of one ?", "reference": ref}] * 2
    completions = [tool_completion("0.5", "0.5"), [{"role": "assistant", "content": "It is 0.5"}]]
    per_func, _, _ = calculate(trainer, rows, completions)
    assert nan_list(per_func[:, 0]) == [1.0, 0.0]


def test_no_reference_is_masked_not_zero(trainer_for, caplog):
    """A sample with no reference is invalid_input: None, which TRL masks (NaN, unscorable),
    instead of a 0 that enters the group baseline; it is warned about once, naming the column."""
    reward = plaudit.Reward.default()
    trainer = trainer_for([reward.trl()])
    rows = [{"prompt": "What is 6 * 12 ?", "answer": a} for a in ("#### 72", "", "#### 72", None)]
    completions = ["\\boxed{72}", "\\boxed{72}", "\\boxed{71}", "\\boxed{72}"]
    with caplog.at_level(logging.WARNING, logger="plaudit"):
        per_func, combined, unscorable = calculate(trainer, rows, completions)
        calculate(trainer, rows[1:2], completions[1:2])
    assert nan_list(per_func[:, 0]) == [1.0, None, 0.0, None]
    assert unscorable.tolist() == [False, True, False, True]
    warnings = [r.getMessage() for r in caplog.records if r.name == "plaudit" and r.levelno == logging.WARNING]
    assert warnings == ["plaudit (TRL): samples fail with status invalid_input; first message: "
                        "reference column `answer` is empty for this sample"]
    assert trainer._pending_metrics["plaudit/failed"] == [0.5, 1.0]
    assert trainer._pending_extra_logs["plaudit_status"] == ["ok", "invalid_input", "ok", "invalid_input",
                                                             "invalid_input"]


def test_solution_without_a_marked_answer_is_an_error_naming_it(trainer_for):
    reward = plaudit.Reward.default()
    trainer = trainer_for([reward.trl()])
    worked = ("Natalia sold forty-eight clips in April and half as many in May, so she sold twenty-four in May "
              "and seventy-two clips altogether in April and May.")
    rows = [{"prompt": "What is 6 * 12 ?", "solution": s} for s in (worked, worked + " \\boxed{72}", "72")]
    per_func, _, _ = calculate(trainer, rows, ["\\boxed{72}"] * 3)
    assert nan_list(per_func[:, 0]) == [None, 1.0, 1.0]
    assert trainer._pending_extra_logs["plaudit_error"][0].startswith(
        "reference column `solution` holds a worked solution without a marked answer")
    # `answer` is preferred over `solution` (MATH-500 has both: a worked solution and the answer).
    rows = [{"prompt": "What is 6 * 12 ?", "solution": worked, "answer": "72"}]
    per_func, _, _ = calculate(trainer, rows, ["\\boxed{72}"])
    assert nan_list(per_func[:, 0]) == [1.0]


def test_a_named_reference_column_that_is_missing_is_an_error(trainer_for):
    reward = plaudit.Reward.default()
    trainer = trainer_for([reward.trl(reference="gold")])
    with pytest.raises(ValueError, match=r"reference column `gold` is not in the batch \(the dataset's columns: answer"):
        calculate(trainer, [{"prompt": "q", "answer": "1"}], ["1"])


R1 = {
    "components": {
        "correct": "math_equivalence",
        "format": "think_answer_format",
        "overlong": {"reward": "soft_overlong_penalty", "params": {"max_len": 8, "buffer": 4}},
    },
    "reward": "correct + 0.1 * format + overlong",
}


def test_trl_equals_weighted_components_on_every_sample(trainer_for):
    """The truncated response (no answer, over the length limit): trl() and the weighted sum of
    trl_components() agree (-1.0 both: the overlong penalty applies to the truncated rollouts)."""
    reward = plaudit.Reward.from_dict(R1)
    rows = [{"prompt": "What is 6 * 12 ?", "answer": "72"}] * 4
    completions = ["<think>\n6*12\n</think>\n<answer>\n\\boxed{72}\n</answer>", "\\boxed{71}",
                   "<think>\nstill thinking", "I don't know ."]
    ids = [[0] * 3, [0] * 2, [0] * 12, [0] * 6]
    whole = trainer_for([reward.trl()])
    parts = trainer_for(reward.trl_components(), reward_weights=[1.0, 0.1, 1.0])
    _, total, _ = calculate(whole, rows, completions, ids)
    per_func, weighted, _ = calculate(parts, rows, completions, ids)
    assert nan_list(total) == [1.1, 0.0, -1.0, -0.5]
    assert nan_list(weighted) == nan_list(total)
    assert nan_list(per_func[2]) == [0.0, 0.0, -1.0]


def test_data_failures_are_none_model_failures_keep_on_error(trainer_for):
    reward = plaudit.Reward.from_dict({"components": {"correct": "math_equivalence"}, "on_error": -0.5})
    trainer = trainer_for([reward.trl()])
    rows = [{"prompt": "q", "answer": a} for a in ("72", "72", {"tests": []})]
    per_func, _, unscorable = calculate(trainer, rows, ["\\boxed{72}", "<think>\nhm", "\\boxed{72}"])
    # ok, no_answer (the model's fault: on_error), invalid_input (a reference of the wrong shape: masked)
    assert nan_list(per_func[:, 0]) == [1.0, -0.5, None]
    assert unscorable.tolist() == [False, False, True]


def test_async_reward_function_in_grpo(trainer_for):
    """reward.trl_async() is awaited by GRPOTrainer (its async path runs it on the trainer's loop)."""
    reward = plaudit.Reward.default()
    f = reward.trl_async()
    assert asyncio.iscoroutinefunction(f.__call__)
    trainer = trainer_for([f])
    rows = [{"prompt": "What is 6 * 12 ?", "answer": "#### 72"}] * 2
    per_func, _, _ = calculate(trainer, rows, ["\\boxed{72}", "\\boxed{7}"])
    assert nan_list(per_func[:, 0]) == [1.0, 0.0]


def test_async_grpo_sums_the_spec_reward(caplog):
    """trl.experimental.async_grpo scores each group in _AsyncRolloutLoop._score_group: it calls
    every reward function once with the group's columns and sums them WITHOUT reward_weights.
    trl_async() gives the spec's reward there (1.1 and -1.0); the unweighted sum of the component
    functions would be 2.0 for the first rollout. Read from the loop's own metrics log line."""
    from accelerate import PartialState
    from trl.experimental.async_grpo.async_rollout_worker import RolloutGroup, _AsyncRolloutLoop

    PartialState()
    reward = plaudit.Reward.from_dict(R1)

    def score(funcs):
        loop = _AsyncRolloutLoop.__new__(_AsyncRolloutLoop)
        loop.reward_funcs = funcs
        loop.reward_func_names = [f.__name__ for f in funcs]
        loop._env_reward_types = []
        loop._provides_rollout_reward = False
        group = RolloutGroup(
            prompts=["What is 6 * 12 ?"] * 2, reward_kwargs={"answer": ["72", "72"]},
            completions=["<think>\n6*12\n</think>\n<answer>\n\\boxed{72}\n</answer>", "<think>\nstill thinking"],
            completions_ids=[[0] * 3, [0] * 12], completions_sequences=[[], []], tool_call_counts=[0, 0],
            tool_failure_counts=[0, 0], model_version=0, group_id=0, env_rewards=[], rollout_rewards=[])
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="trl.experimental.async_grpo.async_rollout_worker"):
            asyncio.run(loop._score_group(group))
        # accelerate's logger prefixes the process: "[RANK 0] Rollout metrics: …"
        return [r.getMessage().split("] ", 1)[-1] for r in caplog.records if "Rollout metrics" in r.getMessage()]

    # rewards 1.1 and -1.0: mean 0.05, population std 1.05
    assert score([reward.trl_async()]) == ["Rollout metrics: reward_mean=0.0500, reward_std=1.0500"]
    # the component functions, summed without weights: 2.0 and -1.0
    assert score(reward.trl_components()) == ["Rollout metrics: reward_mean=0.5000, reward_std=1.5000"]


def test_an_unrecognised_reference_column_is_visible(trainer_for, caplog):
    """A dataset whose answer column has another name: no silent 0 but None (masked), a warning
    naming the columns looked for, and the error in the completions table."""
    reward = plaudit.Reward.default()
    trainer = trainer_for([reward.trl()])
    rows = [{"prompt": "What is 6 * 12 ?", "gold_answer": "72"}] * 2
    with caplog.at_level(logging.WARNING, logger="plaudit"):
        per_func, _, unscorable = calculate(trainer, rows, ["\\boxed{72}", "\\boxed{71}"])
    assert nan_list(per_func[:, 0]) == [None, None]
    assert unscorable.tolist() == [True, True]
    hint = ("(no reference column in the batch: looked for reference, ground_truth, answer, solution, label, "
            "target; name yours with trl(reference=...))")
    errors = trainer._pending_extra_logs["plaudit_error"]
    assert len(errors) == 2 and all(e.endswith(hint) for e in errors)
    warnings = [r.getMessage() for r in caplog.records if r.name == "plaudit" and r.levelno == logging.WARNING]
    assert len(warnings) == 1 and warnings[0].endswith(hint)
    # Naming the column fixes it.
    trainer = trainer_for([reward.trl(reference="gold_answer")])
    per_func, _, _ = calculate(trainer, rows, ["\\boxed{72}", "\\boxed{71}"])
    assert nan_list(per_func[:, 0]) == [1.0, 0.0]
