import { copyFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jobPath } from "../../sandbox/runner.js";
import { classifyRun } from "../../src/core/summary.js";

// The shipped example, copied into a scratch directory per scenario so a test
// can edit train.py the way an experiment does without touching the repo.
const EXAMPLE_DIR = fileURLToPath(new URL("../../examples/tiny/", import.meta.url));
const EXAMPLE_FILES = ["prepare.py", "train.py", "corpus.txt"];
const BUDGET_SECONDS = "1";

const SUMMARY_RE = new RegExp(
  `${[
    "---",
    "val_bpb:          (?<val_bpb>\\d+\\.\\d{6})",
    "training_seconds: \\d+\\.\\d",
    "total_seconds:    \\d+\\.\\d",
    "peak_vram_mb:     \\d+\\.\\d",
    "mfu_percent:      \\d+\\.\\d{2}",
    "total_tokens_M:   \\d+\\.\\d",
    "num_steps:        (?<num_steps>\\d+)",
    "num_params_M:     \\d+\\.\\d",
    "depth:            \\d+",
  ].join("\\n")}\\n$`,
);
const PROGRESS_RE =
  /^step \d{5} \(\d+\.\d%\) \| loss: \d+\.\d{6} \| lrm: \d+\.\d{2} \| dt: \d+ms \| tok\/sec: [\d,]+ \| mfu: 0\.0% \| epoch: \d+ \| remaining: \d+s {4}$/;

let scratch: string;
let cache: string;

async function workdir(name: string): Promise<string> {
  const dir = join(scratch, name);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir);
  for (const file of EXAMPLE_FILES) await copyFile(join(EXAMPLE_DIR, file), join(dir, file));
  return dir;
}

/**
 * python3 as a runner's job starts it: the real one first on PATH, not a version manager's shim
 * (pyenv's spawns a dozen processes: ~1 s a start on a loaded 2-core machine).
 */
function python(dir: string, script: string, env: Record<string, string> = {}) {
  return execa("python3", [script], {
    cwd: dir,
    reject: false,
    stripFinalNewline: false,
    env: {
      PATH: jobPath(),
      AUTORESEARCH_CACHE: cache,
      AUTORESEARCH_TIME_BUDGET: BUDGET_SECONDS,
      PYTHONDONTWRITEBYTECODE: "1",
      ...env,
    },
  });
}

/** Multiplies the top-level `NAME = number` constant in train.py, as a sweep would. */
async function scaleConstant(dir: string, name: string, factor: number): Promise<void> {
  const path = join(dir, "train.py");
  const source = await readFile(path, "utf8");
  const line = new RegExp(`^${name} = ([\\d.]+)`, "m");
  const current = source.match(line);
  if (!current) throw new Error(`train.py has no top-level ${name} constant`);
  await writeFile(path, source.replace(line, `${name} = ${Number(current[1]) * factor}`));
}

function valBpb(stdout: string): number {
  const summary = stdout.match(SUMMARY_RE);
  if (!summary?.groups) throw new Error(`no summary block in:\n${stdout.slice(-500)}`);
  return Number(summary.groups.val_bpb);
}

describe("examples/tiny", () => {
  let baseline: Awaited<ReturnType<typeof python>>;

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), "autoresearch-tiny-"));
    cache = join(scratch, "cache");
    const prepared = await python(await workdir("prepare"), "prepare.py");
    expect(prepared.exitCode, prepared.stderr).toBe(0);
    baseline = await python(await workdir("baseline"), "train.py");
  });

  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it("prepare.py splits the corpus 90/10 into the AUTORESEARCH_CACHE directory", async () => {
    const corpus = await stat(join(EXAMPLE_DIR, "corpus.txt"));
    const train = await stat(join(cache, "tiny", "train.bin"));
    const val = await stat(join(cache, "tiny", "val.bin"));
    expect(train.size + val.size).toBe(corpus.size);
    expect(val.size).toBe(Math.floor(corpus.size * 0.1));
    expect(corpus.size).toBeGreaterThan(40_000);
  });

  it("train.py ends with the exact summary block of the original", () => {
    expect(baseline.exitCode, baseline.stderr).toBe(0);
    expect(baseline.stdout).toMatch(SUMMARY_RE);
    expect(baseline.stdout).toContain(`Time budget: ${BUDGET_SECONDS}s`);
  });

  it("train.py rewrites one progress line in place with \\r", () => {
    const training = baseline.stdout.split("\n").find((line) => line.startsWith("\r"));
    const pieces = training?.split("\r").slice(1) ?? [];
    expect(pieces.length).toBeGreaterThan(10);
    for (const piece of pieces) expect(piece).toMatch(PROGRESS_RE);
    expect(pieces.at(-1)).toContain("(100.0%)");
  });

  it("the action's log reader takes the run as ok and the divergence as a NaN crash", async () => {
    const exit = { exitCode: baseline.exitCode ?? null, signal: null, timedOut: false };
    const ok = classifyRun(baseline.stdout, exit, 360);
    expect(ok).toMatchObject({ status: "ok", summary: { val_bpb: valBpb(baseline.stdout) } });

    const dir = await workdir("diverging-classified");
    await scaleConstant(dir, "LEARNING_RATE", 100);
    const diverged = await python(dir, "train.py");
    const failExit = { exitCode: diverged.exitCode ?? null, signal: null, timedOut: false };
    expect(classifyRun(diverged.stdout, failExit, 360)).toMatchObject({
      status: "crash",
      reason: "nan",
    });
  });

  it("the model beats a uniform guess over the vocabulary", () => {
    const vocabSize = Number(baseline.stdout.match(/^Vocab size: (\d+)$/m)?.[1]);
    expect(valBpb(baseline.stdout)).toBeLessThan(Math.log2(vocabSize) - 1);
  });

  it("the same SEED gives the same val_bpb and step count; another SEED does not", async () => {
    const again = await python(await workdir("again"), "train.py");
    expect(again.stdout.match(SUMMARY_RE)?.groups).toEqual(
      baseline.stdout.match(SUMMARY_RE)?.groups,
    );

    const dir = await workdir("reseeded");
    await scaleConstant(dir, "SEED", 2);
    const reseeded = await python(dir, "train.py");
    expect(valBpb(reseeded.stdout)).not.toBe(valBpb(baseline.stdout));
  });

  it("doubling the default LEARNING_RATE lowers val_bpb, so a sweep has somewhere to go", async () => {
    const dir = await workdir("faster");
    await scaleConstant(dir, "LEARNING_RATE", 2);
    const faster = await python(dir, "train.py");
    expect(valBpb(faster.stdout)).toBeLessThan(valBpb(baseline.stdout) - 0.005);
  });

  it("a LEARNING_RATE 100x too high prints FAIL and exits 1", async () => {
    const dir = await workdir("diverging");
    await scaleConstant(dir, "LEARNING_RATE", 100);
    const diverged = await python(dir, "train.py");
    expect(diverged.exitCode).toBe(1);
    expect(diverged.stdout).toMatch(/FAIL\n$/);
    expect(diverged.stdout).not.toContain("val_bpb:");
  });

  it("refuses to train without prepared data and says how to get it", async () => {
    const result = await python(await workdir("unprepared"), "train.py", {
      AUTORESEARCH_CACHE: join(scratch, "empty-cache"),
    });
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain("run `python3 prepare.py` first");
    expect(result.stdout).not.toContain("val_bpb:");
  });

  it("rejects a time budget that is not a positive number", async () => {
    const result = await python(await workdir("bad-budget"), "train.py", {
      AUTORESEARCH_TIME_BUDGET: "soon",
    });
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain("AUTORESEARCH_TIME_BUDGET must be a positive number");
  });
});
