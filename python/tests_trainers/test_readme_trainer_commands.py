"""The user guide's (docs/GUIDE.md) verl and OpenRLHF command lines, checked against the trainers' own code: the verl
overrides compose in verl 0.9.1's Hydra config and load Plaudit's manager or compute_score; every
OpenRLHF flag is one that OpenRLHF 0.11.2's train_ppo_ray defines."""
from __future__ import annotations

import json
import os
import re

import pytest

from _tok import tokenizer

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def readme_section(title):
    """The guide's `### title` section, up to the next heading of level 2 or 3."""
    text = open(os.path.join(ROOT, "docs", "GUIDE.md"), encoding="utf-8").read()
    start = text.index(f"\n### {title}\n")
    end = re.search(r"\n#{2,3} ", text[start + 5:]).start() + start + 5
    return text[start:end]


def bash_blocks(section):
    return re.findall(r"```bash\n(.*?)```", section, re.S)


def overrides(block):
    words = block.replace("\\\n", " ").split()
    return [w for w in words if re.match(r"^\+?reward\.", w)]


def test_readme_verl_overrides_load_plaudit(tmp_path, monkeypatch):
    pytest.importorskip("verl")
    from hydra import compose, initialize_config_dir
    import verl
    from verl.trainer.ppo.reward import load_reward_manager

    import plaudit.verl as pv

    spec = tmp_path / "spec.yaml"
    spec.write_text(json.dumps({"components": {"correct": "math_equivalence"}}))
    monkeypatch.setenv("PWD", str(tmp_path))
    blocks = [overrides(b) for b in bash_blocks(readme_section("verl"))]
    blocks = [[os.path.expandvars(o) for o in b] for b in blocks if b]
    assert len(blocks) == 2, blocks
    d = os.path.join(os.path.dirname(verl.__file__), "trainer", "config")
    loaded = []
    for b in blocks:
        with initialize_config_dir(config_dir=d, version_base=None):
            cfg = compose(config_name="ppo_trainer", overrides=b)
        loaded.append(load_reward_manager(cfg, tokenizer()))
    assert isinstance(loaded[0], pv.PlauditRewardManager)
    assert loaded[0].reward.components == ["correct"]
    assert loaded[1].compute_score.args[0] is pv.compute_score  # verl's naive manager, our function
    assert loaded[1].compute_score.args[1] == {"spec": str(spec)}


def test_readme_openrlhf_flags_exist():
    pytest.importorskip("openrlhf")
    import openrlhf.cli

    src = open(os.path.join(os.path.dirname(openrlhf.cli.__file__), "train_ppo_ray.py"), encoding="utf-8").read()
    defined = set(re.findall(r'add_argument\(\s*"(--[\w.]+)"', src))
    section = readme_section("OpenRLHF")
    flags = set()
    for b in bash_blocks(section):
        flags |= set(re.findall(r"(?<![\w-])(--[a-z][\w.]*)", b))
    flags |= set(re.findall(r"`(--reward\.remote_url)", section))
    assert flags >= {"--actor.model_name_or_path", "--reward.remote_url", "--data.prompt_dataset"}
    assert flags <= defined, flags - defined
