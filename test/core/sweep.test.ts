import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  applySweepKey,
  formatFloat,
  mulberry32,
  mutationsOf,
  sweepCandidates,
} from "../../src/core/sweep.js";
import { proposeSweep, type SweepEntry } from "../../src/core/sweep-proposer.js";
import { readConstants } from "../../src/core/train-constants.js";

const fixture = readFileSync(new URL("../fixtures/train.py", import.meta.url), "utf8");

function mutations(line: string): string[] {
  const [constant] = readConstants(line);
  return mutationsOf(constant);
}

describe("sweep candidates on train.py", () => {
  const candidates = sweepCandidates(fixture);
  const of = (name: string) => candidates.filter((c) => c.name === name);
  const values = (name: string) => of(name).map((c) => c.newRaw);

  it.each([
    ["an LR on a log scale", "MATRIX_LR", ["0.02", "0.028", "0.056", "0.08"]],
    ["a small LR, compactly", "UNEMBEDDING_LR", ["0.002", "0.0028", "0.0056", "0.008"]],
    ["an LR that crosses 1", "EMBEDDING_LR", ["0.3", "0.42", "0.84", "1.2"]],
    [
      "an LR that lands on a whole number, still a float",
      "SCALAR_LR",
      ["0.25", "0.35", "0.7", "1.0"],
    ],
    ["a power written as 2**k", "TOTAL_BATCH_SIZE", ["2**18", "2**20"]],
    ["a power-of-two int", "HEAD_DIM", ["64", "256"]],
    ["a power-of-two int named like a ratio", "ASPECT_RATIO", ["32", "128"]],
    ["a layer count by ±1", "DEPTH", ["7", "9"]],
    ["a float in [0,1] by ±0.05/±0.1", "WEIGHT_DECAY", ["0.1", "0.15", "0.25", "0.3"]],
    ["a ratio at 0 only upwards", "WARMUP_RATIO", ["0.05", "0.1"]],
    ["a fraction named with LR as a ratio", "FINAL_LR_FRAC", ["0.05", "0.1"]],
    ["a ratio in the middle", "WARMDOWN_RATIO", ["0.4", "0.45", "0.55", "0.6"]],
    ["no seed: a new seed is noise, not an idea", "SEED", []],
    ["no string constant", "WINDOW_PATTERN", []],
    ["no tuple", "ADAM_BETAS", []],
  ])("proposes %s (%s)", (_label, name, expected) => {
    expect(values(name)).toEqual(expected);
  });

  it("describes each change in plain text and keys it NAME=<newRaw>", () => {
    const c = of("MATRIX_LR")[2];
    expect(c).toMatchObject({ key: "MATRIX_LR=0.056", description: "MATRIX_LR 0.04 → 0.056" });
    for (const candidate of sweepCandidates(fixture)) {
      expect(candidate.description).not.toMatch(/[\t\n]/);
      expect(candidate.key).toBe(`${candidate.name}=${candidate.newRaw}`);
    }
  });

  it("never writes float noise or more than 4 significant digits", () => {
    for (const { newRaw } of sweepCandidates(fixture)) {
      const digits = newRaw
        .replace(/^2\*\*\d+$/, "")
        .replace(/^0\.0*/, "")
        .replace(/\D/g, "");
      expect(digits.replace(/0+$/, "").length, newRaw).toBeLessThanOrEqual(4);
    }
  });
});

describe("mutationsOf", () => {
  it.each([
    ["LR = 3e-4", ["1.5e-4", "2.1e-4", "4.2e-4", "6e-4"]],
    ["LR = 1e-3", ["5e-4", "7e-4", "1.4e-3", "2e-3"]],
    ["SOFTCAP = 15.0", ["7.5", "10.5", "21.0", "30.0"]],
    ["ADAM_EPS = 1e-8", ["5e-9", "7e-9", "1.4e-8", "2e-8"]],
    ["X_RATIO = 1.0", ["0.9", "0.95"]],
    ["X_RATIO = 0.05", ["0.0", "0.1", "0.15"]],
    ["DROPOUT = 0.0", ["0.05", "0.1"]],
    ["STARTUP_STEPS = 1", ["2"]],
    ["N_LAYER = 1", ["2"]],
    ["WORKERS = 3", ["2", "4"]],
    ["MICRO_BATCH = 2", ["1", "4"]],
    ["TOTAL = 2**1", ["2**0", "2**2"]],
    ["TOTAL = 2 ** 19", ["2 ** 18", "2 ** 20"]],
    ["TOKENS = 1_048_576", ["524_288", "2_097_152"]],
    ["WARMUP_ITERS = 1_500", ["750", "3_000"]],
    ["SEED = 1337", []],
    ["DATA_SEED = 7", []],
    ["EVAL_TOKENS = 1_000", []],
  ])("%s → %j", (line, expected) => {
    expect(mutations(line)).toEqual(expected);
  });

  it.each(["LR = 0.001", "DEPTH = 1", "HEAD_DIM = 2", "STEPS = 1", "WD = 0.03", "TOTAL = 2**0"])(
    "never turns a positive value into 0 or less: %s",
    (line) => {
      const values = mutations(line).map((raw) => readConstants(`X = ${raw}`)[0].value);
      expect(values.length).toBeGreaterThan(0);
      for (const value of values) expect(value).toBeGreaterThan(0);
    },
  );
});

describe("formatFloat", () => {
  it.each([
    [0.04 * 1.4, "0.04", "0.056"],
    [0.04 * 0.7, "0.04", "0.028"],
    [0.1 + 0.2, "0.1", "0.3"],
    [1, "0.5", "1.0"],
    [1, "1", "1"],
    [123456.7, "1.0", "123500.0"],
    [0.00015, "3e-4", "1.5e-4"],
    [3000, "1e3", "3e3"],
  ])("%s written like %s → %s", (value, original, expected) => {
    expect(formatFloat(value, original)).toBe(expected);
  });
});

describe("proposeSweep, neighbourhood stage", () => {
  const none = { history: [], tried: new Set<string>() };

  it("changes exactly one line of train.py and says what it changed", () => {
    const proposal = proposeSweep({ source: fixture, ...none, seed: 7, n: 1 })!;
    expect(proposal.stage).toBe("neighbourhood");
    const before = fixture.split("\n");
    const after = proposal.source.split("\n");
    expect(after).toHaveLength(before.length);
    const changed = after.filter((line, i) => line !== before[i]);
    expect(changed).toHaveLength(1);
    const [name, newRaw] = proposal.key.split("=");
    expect(changed[0]).toMatch(new RegExp(`^${name} = ${newRaw.replaceAll("*", "\\*")}\\s+#`));
    expect(proposal.description).toMatch(
      new RegExp(`^${name} \\S+ → ${newRaw.replaceAll("*", "\\*")}$`),
    );
  });

  it("is deterministic for the same seed and experiment number", () => {
    const history = [
      { key: "MATRIX_LR=0.056", description: "MATRIX_LR 0.04 → 0.056", status: null, delta: null },
    ];
    const input = { source: fixture, history, tried: new Set<string>(), seed: 42, n: 3 };
    expect(proposeSweep(input)).toEqual(proposeSweep({ ...input }));
  });

  it("orders differently for different seeds and experiment numbers", () => {
    const firsts = new Set<string>();
    for (let seed = 0; seed < 8; seed++) {
      for (let n = 0; n < 4; n++) {
        firsts.add(proposeSweep({ source: fixture, ...none, seed, n })!.key);
      }
    }
    expect(firsts.size).toBeGreaterThan(8);
  });

  it("tries each of the 38 one-constant changes once before any other stage", () => {
    const history: SweepEntry[] = [];
    const total = sweepCandidates(fixture).length;
    expect(total).toBe(38);
    for (let n = 1; n <= total + 1; n++) {
      const p = proposeSweep({ source: fixture, history, tried: new Set(), seed: 1234, n })!;
      if (n <= total) expect(p.stage).toBe("neighbourhood");
      else expect(p.stage).not.toBe("neighbourhood");
      expect(history.map((e) => e.key)).not.toContain(p.key);
      history.push({ key: p.key, description: p.description, status: null, delta: null });
    }
    expect(new Set(history.slice(0, total).map((e) => e.key))).toEqual(
      new Set(sweepCandidates(fixture).map((c) => c.key)),
    );
  });

  it("proposes nothing for a train.py without a constant it may change", () => {
    const source = 'WINDOW_PATTERN = "SSSL"\nSEED = 1\nEVAL_TOKENS = 1_000\n';
    expect(proposeSweep({ source, ...none, seed: 1, n: 1 })).toBeNull();
  });

  it("proposes from the current best, not from the original values", () => {
    const best = proposeSweep({ source: fixture, ...none, seed: 5, n: 1 })!;
    const [name, newRaw] = best.key.split("=");
    const next = sweepCandidates(best.source).filter((c) => c.name === name);
    expect(next.every((c) => c.oldRaw === newRaw)).toBe(true);
  });
});

describe("mulberry32", () => {
  it("gives the same sequence for the same seed, in [0, 1)", () => {
    const a = mulberry32(99);
    const b = mulberry32(99);
    const xs = Array.from({ length: 100 }, () => a());
    expect(Array.from({ length: 100 }, () => b())).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(new Set(xs).size).toBe(100);
    expect(mulberry32(100)()).not.toBe(xs[0]);
  });
});

describe("applySweepKey", () => {
  const source = "DEPTH = 8\nMATRIX_LR = 0.04  # lr\nWARMUP_RATIO = 0.1\n";
  it.each([
    [
      "MATRIX_LR=0.056",
      {
        source: "DEPTH = 8\nMATRIX_LR = 0.056  # lr\nWARMUP_RATIO = 0.1\n",
        description: "MATRIX_LR 0.04 → 0.056",
      },
    ],
    [
      "DEPTH=9",
      {
        source: "DEPTH = 9\nMATRIX_LR = 0.04  # lr\nWARMUP_RATIO = 0.1\n",
        description: "DEPTH 8 → 9",
      },
    ],
    [
      "DEPTH=9;MATRIX_LR=0.056",
      {
        source: "DEPTH = 9\nMATRIX_LR = 0.056  # lr\nWARMUP_RATIO = 0.1\n",
        description: "DEPTH 8 → 9, MATRIX_LR 0.04 → 0.056",
      },
    ],
    [
      "WARMUP_RATIO=0.15;DEPTH=8",
      {
        source: "DEPTH = 8\nMATRIX_LR = 0.04  # lr\nWARMUP_RATIO = 0.15\n",
        description: "WARMUP_RATIO 0.1 → 0.15",
      },
    ],
    ["MATRIX_LR=0.04", null],
    ["MATRIX_LR=0.040", null],
    ["DEPTH=8;MATRIX_LR=0.04", null],
    ["DEPTH=9;MISSING=1", null],
    ["MISSING=1", null],
    ["DEPTH=9;", null],
    ["garbage", null],
  ])("%s → %j", (key, expected) => {
    expect(applySweepKey(source, key)).toEqual(expected);
  });
});
