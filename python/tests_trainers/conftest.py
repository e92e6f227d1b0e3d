"""The trainer tier: Plaudit inside the trainers' own code (TRL, verl, OpenRLHF), run by
scripts/test.sh in .venv-trainers (scripts/trainer_venv.sh). Nothing is downloaded: models and
tokenizers are built in the tests."""
import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TRL_EXPERIMENTAL_SILENCE", "1")
os.environ.setdefault("WANDB_DISABLED", "true")
