"""
Tiny autoresearch training script: a byte-level softmax regression over hashed
n-gram context features, trained with minibatch SGD on one CPU core.
This is the only file an experiment may change.

Usage: python3 train.py
"""

import math
import random
import resource
import sys
import time

from prepare import (
    MAX_CONTEXT,
    REFERENCE_FLOPS_PER_SECOND,
    TIME_BUDGET,
    evaluate_bpb,
    load_split,
    load_vocab,
)

# ---------------------------------------------------------------------------
# Hyperparameters (edit these directly)

LEARNING_RATE = 8.0  # peak SGD learning rate
BATCH_SIZE = 32  # examples per optimizer step
CONTEXT = 3  # features for the last 1..CONTEXT bytes (the n-gram order minus one)
HASH_BUCKETS = 4096  # rows of the feature table, shared by all orders through hashing
WARMUP_RATIO = 0.1  # fraction of steps for linear LR warmup
WARMDOWN_RATIO = 0.3  # fraction of steps for linear LR warmdown at the end
FINAL_LR_FRAC = 0.1  # LR at the end of warmdown, as a fraction of the peak
WEIGHT_DECAY = 0.001  # decoupled decay of the rows a step touches
SEED = 1337

# ---------------------------------------------------------------------------
# Model


def _mix(h):
    # A fixed integer hash, so buckets do not depend on Python's hash() or version.
    h ^= h >> 15
    h = (h * 0x2C1B3C6D) & 0xFFFFFFFF
    h ^= h >> 12
    return h


class HashedNgramModel:
    """logits(next byte) = bias + sum over k of table[hash(last k bytes)]."""

    def __init__(self, vocab_size):
        assert 0 <= CONTEXT <= MAX_CONTEXT, f"CONTEXT must be in 0..{MAX_CONTEXT} (0: bias only)"
        self.vocab_size = vocab_size
        self.bias = [0.0] * vocab_size
        self.table = [[0.0] * vocab_size for _ in range(HASH_BUCKETS)]

    def num_params(self):
        return (HASH_BUCKETS + 1) * self.vocab_size

    def rows(self, context):
        rows = [self.bias]
        h = 0x811C9DC5
        for k in range(1, min(CONTEXT, len(context)) + 1):
            h = _mix(h ^ (context[-k] + 1) ^ (k << 20))
            rows.append(self.table[h % HASH_BUCKETS])
        return rows

    def probs(self, rows):
        logits = [sum(col) for col in zip(*rows)]
        top = max(logits)
        exps = [math.exp(z - top) for z in logits]
        total = sum(exps)
        return [e / total for e in exps]

    def predict(self, context):
        return self.probs(self.rows(context))


def flops_per_token(vocab_size):
    # forward: one add per row element plus the softmax; backward: one
    # multiply-add per row element. Used to turn the time budget into steps.
    return 6 * (CONTEXT + 2) * vocab_size


def lr_multiplier(progress):
    if progress < WARMUP_RATIO:
        return (progress + 1e-9) / WARMUP_RATIO
    if progress < 1.0 - WARMDOWN_RATIO:
        return 1.0
    cooldown = (1.0 - progress) / WARMDOWN_RATIO
    return cooldown + (1.0 - cooldown) * FINAL_LR_FRAC


# ---------------------------------------------------------------------------
# Training


class Batches:
    """Shuffled passes over the training positions, served as lists of (context, target)."""

    def __init__(self, tokens, rng):
        self.tokens = tokens
        self.rng = rng
        self.order = []
        self.cursor = 0
        self.epoch = 0

    def next(self, size):
        batch = []
        for _ in range(size):
            if self.cursor >= len(self.order):
                self.order = list(range(1, len(self.tokens)))
                self.rng.shuffle(self.order)
                self.cursor = 0
                self.epoch += 1
            i = self.order[self.cursor]
            self.cursor += 1
            batch.append((self.tokens[max(0, i - CONTEXT) : i], self.tokens[i]))
        return batch


def train_step(model, batch, lr):
    """One minibatch SGD step; returns the batch's mean cross-entropy in nats."""
    updates = []
    loss = 0.0
    for context, target in batch:
        rows = model.rows(context)
        grad = model.probs(rows)
        p = grad[target]
        loss -= math.log(p) if p > 0 else -math.inf
        grad[target] -= 1.0
        updates.append((rows, grad))
    if WEIGHT_DECAY:
        decay = 1.0 - lr * WEIGHT_DECAY
        # Lazy decay: only rows this step touched (the table is mostly idle).
        touched = {id(row): row for rows, _ in updates for row in rows}
        for row in touched.values():
            row[:] = [w * decay for w in row]
    scale = lr / len(batch)
    for rows, grad in updates:
        for row in rows:
            row[:] = [w - scale * g for w, g in zip(row, grad)]
    return loss / len(batch)


def peak_memory_mb():
    # A CPU has no VRAM: report the process's peak resident set size instead.
    # ru_maxrss is in kilobytes on Linux and in bytes on macOS.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def main():
    t_start = time.time()
    rng = random.Random(SEED)
    vocab = load_vocab()
    tokens = load_split("train")
    model = HashedNgramModel(vocab.size)
    fpt = flops_per_token(vocab.size)
    num_steps = max(1, int(TIME_BUDGET * REFERENCE_FLOPS_PER_SECOND // (fpt * BATCH_SIZE)))
    print_every = max(1, num_steps // 1000)

    print(f"Vocab size: {vocab.size}")
    print(f"Model config: context={CONTEXT}, hash_buckets={HASH_BUCKETS}")
    print(f"Parameters: {model.num_params():,}")
    print(f"Estimated FLOPs per token: {fpt:,}")
    print(f"Time budget: {TIME_BUDGET:g}s")
    print(f"Steps: {num_steps:,} of {BATCH_SIZE} tokens ({len(tokens):,} training tokens)")

    batches = Batches(tokens, rng)
    smooth_loss = 0.0
    ema_beta = 0.9
    t_train = time.time()
    t_window = t_train
    for step in range(num_steps):
        progress = step / num_steps
        lrm = lr_multiplier(progress)
        loss = train_step(model, batches.next(BATCH_SIZE), LEARNING_RATE * lrm)
        if math.isnan(loss) or loss > 100:
            print("FAIL")
            sys.exit(1)

        smooth_loss = ema_beta * smooth_loss + (1 - ema_beta) * loss
        if (step + 1) % print_every == 0 or step + 1 == num_steps:
            now = time.time()
            dt = (now - t_window) / print_every
            t_window = now
            debiased = smooth_loss / (1 - ema_beta ** (step + 1))
            pct_done = 100 * (step + 1) / num_steps
            tok_per_sec = int(BATCH_SIZE / dt) if dt > 0 else 0
            remaining = (now - t_train) / (step + 1) * (num_steps - step - 1)
            print(
                f"\rstep {step:05d} ({pct_done:.1f}%) | loss: {debiased:.6f} | "
                f"lrm: {lrm:.2f} | dt: {dt * 1000:.0f}ms | tok/sec: {tok_per_sec:,} | "
                f"mfu: 0.0% | epoch: {batches.epoch} | remaining: {remaining:.0f}s    ",
                end="",
                flush=True,
            )

    print()
    training_seconds = time.time() - t_train
    val_bpb = evaluate_bpb(model.predict)
    total_seconds = time.time() - t_start

    print("---")
    print(f"val_bpb:          {val_bpb:.6f}")
    print(f"training_seconds: {training_seconds:.1f}")
    print(f"total_seconds:    {total_seconds:.1f}")
    print(f"peak_vram_mb:     {peak_memory_mb():.1f}")
    print(f"mfu_percent:      {0.0:.2f}")
    print(f"total_tokens_M:   {num_steps * BATCH_SIZE / 1e6:.1f}")
    print(f"num_steps:        {num_steps}")
    print(f"num_params_M:     {model.num_params() / 1e6:.1f}")
    print(f"depth:            {CONTEXT}")


if __name__ == "__main__":
    main()
