"""A byte-level BPE tokenizer trained in the test process (no downloads), wrapped as the
transformers tokenizer the trainers use. `<|im_end|>` is its EOS (a special token),
`<|endoftext|>` its pad; `<|im_start|>` is special too, as in a ChatML template."""
from __future__ import annotations

import functools

CORPUS = [
    "<think>48 + 24 = 72</think><answer>72</answer>",
    "The answer is \\boxed{72}. So \\boxed{\\frac{1}{2}} or 0.5",
    "user\nHow many clips did Natalia sell? Example: 2+2 = \\boxed{4}.\nassistant\n",
    "I give up. Paris is the capital of France. 0123456789 abcdefghijklmnopqrstuvwxyz",
] * 20

SPECIAL = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]


@functools.lru_cache(maxsize=None)
def tokenizer():
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=400, special_tokens=SPECIAL,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator(CORPUS, trainer)
    return PreTrainedTokenizerFast(tokenizer_object=tok, eos_token="<|im_end|>", pad_token="<|endoftext|>",
                                   bos_token=None, additional_special_tokens=["<|im_start|>"])


def chat_prompt(question: str) -> str:
    """A ChatML prompt, as OpenRLHF's --apply_chat_template builds it."""
    return f"<|im_start|>user\n{question}<|im_end|>\n<|im_start|>assistant\n"
