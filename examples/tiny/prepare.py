"""
Fixed data preparation and evaluation for the tiny autoresearch example.

Experiments never edit this file: it owns the data, the vocabulary, the time
budget and the metric, so that every experiment is measured the same way.

    python3 prepare.py    # writes the prepared data into the cache

Environment:
    AUTORESEARCH_CACHE        cache directory (default ~/.cache/autoresearch)
    AUTORESEARCH_TIME_BUDGET  training budget in seconds (default 300)
"""

import json
import math
import os
import sys
from pathlib import Path

# ---------------------------------------------------------------------------
# Constants (fixed: do not modify)

HERE = Path(__file__).resolve().parent
CORPUS_PATH = HERE / "corpus.txt"
VAL_FRACTION = 0.1  # the last 10% of the corpus is held out for evaluation
MAX_CONTEXT = 16  # longest history (in bytes) a model may look at
UNK = 0  # token id for any byte the training split never shows
BYTE_VALUES = 256

# The budget is compute, not wall-clock time: a model may spend
# TIME_BUDGET * REFERENCE_FLOPS_PER_SECOND estimated FLOPs. This keeps val_bpb
# reproducible on any machine (the end-to-end tests compare exact numbers)
# while a bigger model still buys fewer steps, as on a real GPU. The constant
# is calibrated so that training takes roughly TIME_BUDGET on a laptop core.
REFERENCE_FLOPS_PER_SECOND = 40_000_000


def _time_budget():
    raw = os.environ.get("AUTORESEARCH_TIME_BUDGET", "").strip()
    if not raw:
        return 300.0
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not (value > 0 and math.isfinite(value)):
        sys.exit(f"AUTORESEARCH_TIME_BUDGET must be a positive number of seconds, got {raw!r}")
    return value


TIME_BUDGET = _time_budget()


def cache_dir():
    """Where prepared data lives: $AUTORESEARCH_CACHE/tiny or ~/.cache/autoresearch/tiny."""
    base = os.environ.get("AUTORESEARCH_CACHE") or os.path.join("~", ".cache", "autoresearch")
    return Path(base).expanduser() / "tiny"


# ---------------------------------------------------------------------------
# Vocabulary: one token per byte value seen in the training split, plus UNK.


class Vocab:
    def __init__(self, byte_values):
        self.byte_values = sorted(byte_values)
        self.size = len(self.byte_values) + 1
        self._ids = {b: i + 1 for i, b in enumerate(self.byte_values)}

    def encode(self, data):
        ids = self._ids
        return [ids.get(b, UNK) for b in data]

    def unk_bits(self):
        """Extra bits to name which unseen byte an UNK stands for (uniform over them)."""
        unseen = BYTE_VALUES - len(self.byte_values)
        return math.log2(unseen) if unseen > 0 else 0.0


def split_corpus(data):
    n_val = int(len(data) * VAL_FRACTION)
    return data[: len(data) - n_val], data[len(data) - n_val :]


def prepare():
    data = CORPUS_PATH.read_bytes()
    train, val = split_corpus(data)
    out = cache_dir()
    out.mkdir(parents=True, exist_ok=True)
    (out / "train.bin").write_bytes(train)
    (out / "val.bin").write_bytes(val)
    meta = {"byte_values": sorted(set(train)), "corpus_bytes": len(data)}
    (out / "vocab.json").write_text(json.dumps(meta) + "\n")
    vocab = Vocab(meta["byte_values"])
    print(f"Corpus: {len(data):,} bytes ({len(train):,} train, {len(val):,} val)")
    print(f"Vocab size: {vocab.size}")
    print(f"Wrote {out}")


# ---------------------------------------------------------------------------
# Loading (used by train.py)


def _require(path):
    if not path.exists():
        sys.exit(f"Prepared data not found at {path.parent}: run `python3 prepare.py` first")
    return path


def load_vocab():
    meta = json.loads(_require(cache_dir() / "vocab.json").read_text())
    return Vocab(meta["byte_values"])


def load_split(name):
    """Token ids of the 'train' or 'val' split."""
    vocab = load_vocab()
    return vocab.encode(_require(cache_dir() / f"{name}.bin").read_bytes())


# ---------------------------------------------------------------------------
# Evaluation (the metric; fixed)


def evaluate_bpb(model_fn):
    """
    Bits per byte of the held-out split. model_fn(context) receives the ids of
    up to MAX_CONTEXT preceding tokens (fewer at the start) and must return a
    probability for every token id; it must be positive and sum to 1, or the
    number would not be an honest code length.
    """
    vocab = load_vocab()
    val_bytes = _require(cache_dir() / "val.bin").read_bytes()
    ids = vocab.encode(val_bytes)
    unk_bits = vocab.unk_bits()
    total_bits = 0.0
    for i, target in enumerate(ids):
        probs = model_fn(ids[max(0, i - MAX_CONTEXT) : i])
        if len(probs) != vocab.size:
            raise ValueError(f"model_fn returned {len(probs)} probabilities, expected {vocab.size}")
        if abs(math.fsum(probs) - 1.0) > 1e-6:
            raise ValueError(f"model_fn probabilities sum to {math.fsum(probs)!r} at byte {i}, not 1")
        p = probs[target]
        if not p > 0:
            raise ValueError(f"model_fn gave the true byte probability {p!r} at byte {i}")
        total_bits -= math.log2(p)
        if target == UNK:
            total_bits += unk_bits
    return total_bits / len(val_bytes) + _simulated_noise()


def _simulated_noise():
    """
    Real GPU training is not bit-reproducible: the same code measures a little
    differently each run. This model is, so TINY_NOISE (a standard deviation in
    bits per byte, off when unset) adds that run-to-run noise to the measurement.
    It is drawn from the workflow run's id and attempt, so a rerun differs from
    the first run while a seeded sandbox night stays reproducible.
    """
    sigma = float(os.environ.get("TINY_NOISE") or 0)
    if sigma <= 0:
        return 0.0
    import random

    run = f"{os.environ.get('GITHUB_RUN_ID', '')}.{os.environ.get('GITHUB_RUN_ATTEMPT', '')}"
    return random.Random(run if run != "." else None).gauss(0.0, sigma)


if __name__ == "__main__":
    prepare()
