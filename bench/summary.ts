// How reading a finished run.log scales with its size: readTail + classifyRun on 1 MB, 100 MB
// and 1 GB logs shaped like train.py's (header, one giant `\r` progress line, summary), and the
// peak memory of the whole bundled action training on such a log.
// Run with `npm run bench -- summary`. Child mode (used for the RSS column):
// `node --import tsx bench/summary.ts --child <log>`.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { mkdtemp, open, rm, statfs } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { readTail } from "../src/action/read-tail.js";
import { classifyRun } from "../src/core/summary.js";
import { actionDefaults, DIST, workflowDispatchEvent } from "../test/support/run-action.js";
import type { Benchmark } from "./index.js";

const SIZES = [
  { label: "1 MB", bytes: 1e6 },
  { label: "100 MB", bytes: 1e8 },
  { label: "1 GB", bytes: 1e9 },
];
const MIN_FREE_BYTES_FOR_1GB = 3e9;
const TIMED_RUNS = 9;
const WARMUP_RUNS = 2;
const CHUNK_BYTES = 4 * 1024 * 1024;
const ANOMALY_SECONDS = 360;
const EXIT_OK = { exitCode: 0, signal: null, timedOut: false };
const SELF = fileURLToPath(import.meta.url);

// ------------------------------------------------------------------ the log

const HEADER = `Vocab size: 8,192
Model config: {'sequence_len': 2048, 'vocab_size': 8192, 'n_layer': 8, 'n_head': 4, 'n_kv_head': 4, 'n_embd': 512, 'window_pattern': 'SSSL'}
Parameter counts:
  wte                     : 4,194,304
  value_embeds            : 16,777,216
  lm_head                 : 4,194,304
  transformer_matrices    : 25,165,824
  scalars                 : 16
  total                   : 50,331,664
Estimated FLOPs per token: 3.019899e+08
Time budget: 300s
Gradient accumulation steps: 2
`;
const FINAL_PIECE =
  "\rstep 00953 (100.0%) | loss: 3.123456 | lrm: 0.10 | dt: 312ms | tok/sec: 1,234,567 | mfu: 39.8% | epoch: 1 | remaining: 0s    ";
const SUMMARY = `
---
val_bpb:          0.997900
training_seconds: 300.1
total_seconds:    325.9
peak_vram_mb:     45060.2
mfu_percent:      39.80
total_tokens_M:   499.6
num_steps:        953
num_params_M:     50.3
depth:            8
`;

/** A mid-training progress piece; every field has a fixed width so all pieces are the same length. */
function progressPiece(i: number): string {
  const step = String(i % 100_000).padStart(5, "0");
  const percent = (10 + (i % 900) / 10).toFixed(1);
  const loss = (3 + (i % 1000) / 1000).toFixed(6);
  const remaining = 100 + (i % 200);
  return `\rstep ${step} (${percent}%) | loss: ${loss} | lrm: 0.50 | dt: 312ms | tok/sec: 1,234,567 | mfu: 39.8% | epoch: 1 | remaining: ${remaining}s    `;
}

/**
 * Writes a run.log of exactly `bytes` bytes as train.py leaves it after a
 * successful run, in 4 MiB writes so 1 GB takes seconds.
 */
export async function writeLog(path: string, bytes: number): Promise<void> {
  const fixed = HEADER.length + FINAL_PIECE.length + SUMMARY.length;
  if (bytes < fixed) throw new Error(`writeLog needs at least ${fixed} bytes for a complete log.`);
  const pieceBytes = progressPiece(0).length;
  const perChunk = Math.floor(CHUNK_BYTES / pieceBytes);
  const chunk = Buffer.from(Array.from({ length: perChunk }, (_, i) => progressPiece(i)).join(""));
  const progressBytes = bytes - fixed;
  const fullChunks = Math.floor(progressBytes / chunk.length);
  const restPieces = Math.floor((progressBytes - fullChunks * chunk.length) / pieceBytes);
  const padding = progressBytes - fullChunks * chunk.length - restPieces * pieceBytes;

  const file = await open(path, "w");
  try {
    await file.write(HEADER);
    for (let i = 0; i < fullChunks; i++) await file.write(chunk);
    await file.write(chunk.subarray(0, restPieces * pieceBytes));
    // train.py pads its piece with spaces too; these make the size exact
    await file.write(`${FINAL_PIECE}${" ".repeat(padding)}${SUMMARY}`);
  } finally {
    await file.close();
  }
}

// -------------------------------------------------------------- measuring

async function readAndClassify(logPath: string) {
  return classifyRun(await readTail(logPath), EXIT_OK, ANOMALY_SECONDS);
}

async function medianParseMs(logPath: string): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < WARMUP_RUNS + TIMED_RUNS; i++) {
    globalThis.gc?.();
    const start = performance.now();
    const outcome = await readAndClassify(logPath);
    const ms = performance.now() - start;
    if (outcome.status !== "ok")
      throw new Error(`${logPath} classified as ${outcome.reason}, expected ok.`);
    if (i >= WARMUP_RUNS) times.push(ms);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/** Prints the process's peak RSS to stderr as it exits; preloaded into any Node command. */
const RSS_REPORTER_SOURCE = `import { writeSync } from "node:fs";
process.on("exit", () => writeSync(2, "\\npeak-rss-kb=" + process.resourceUsage().maxRSS + "\\n"));`;
const RSS_REPORTER = `data:text/javascript,${encodeURIComponent(RSS_REPORTER_SOURCE)}`;

/**
 * A column of peak memory: a Node command run on the log. Add more (e.g. the
 * bundled action reading the same log) to compare them side by side.
 */
export interface RssProbe {
  label: string;
  /** Node arguments after `node --import <reporter>`. */
  nodeArgs(logPath: string): string[];
  /** Extra environment; may create scratch files next to the log, which cleanup removes. */
  env?(logPath: string): Record<string, string>;
  cleanup?(logPath: string): Promise<void>;
}

export const rssProbes: RssProbe[] = [
  {
    label: "peak RSS MB (tsx child)",
    nodeArgs: (logPath) => ["--import", "tsx", SELF, "--child", logPath],
  },
  {
    label: "peak RSS MB (bundled action)",
    nodeArgs: () => [DIST],
    env: actionRunEnv,
    cleanup: (logPath) => rm(actionScratch(logPath), { recursive: true, force: true }),
  },
];

// ------------------------------------------------------- the bundled action

const actionScratch = (logPath: string) => `${logPath}.action`;
const shellQuote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;
/** With no log to replay (the baseline row) the action trains on the summary alone. */
const SUMMARY_ONLY = `printf '%s\\n' ${SUMMARY.trim().split("\n").map(shellQuote).join(" ")}`;

/**
 * The environment a runner gives dist/index.js (as test/support/run-action.ts builds it), with a
 * `cat` of the log as the training command: the action streams it into its own run.log through
 * its real code path. No github-token, so nothing is sent to an API; the peak RSS therefore is
 * the bundle plus whatever handling the log costs it (the `cat` child is not counted).
 */
function actionRunEnv(logPath: string): Record<string, string> {
  if (!existsSync(DIST)) throw new Error(`${DIST} is missing: run \`npm run build\` first.`);
  const dir = actionScratch(logPath);
  const workspace = join(dir, "workspace");
  const files = {
    output: join(dir, "output"),
    summary: join(dir, "summary"),
    event: join(dir, "event.json"),
  };
  mkdirSync(workspace, { recursive: true });
  mkdirSync(join(dir, "home/.cache/autoresearch"), { recursive: true });
  writeFileSync(files.output, "");
  writeFileSync(files.summary, "");
  writeFileSync(files.event, JSON.stringify(workflowDispatchEvent(null)));
  const inputs = {
    ...actionDefaults(),
    command: existsSync(logPath) ? `cat ${shellQuote(logPath)}` : SUMMARY_ONLY,
    "working-directory": workspace,
    "github-token": "",
  };
  return {
    ...Object.fromEntries(
      Object.entries(inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value]),
    ),
    HOME: join(dir, "home"),
    RUNNER_TEMP: join(dir, "temp"),
    GITHUB_ACTIONS: "true",
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_EVENT_PATH: files.event,
    GITHUB_EVENT_NAME: "workflow_dispatch",
    GITHUB_REPOSITORY: "acme/research",
    GITHUB_REF: "refs/heads/autoresearch/bench--1-rss",
    // a bench run inside a pull_request job must not make the action train that PR's ref
    GITHUB_HEAD_REF: "",
    GITHUB_SHA: "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678",
    GITHUB_RUN_ID: "1",
    GITHUB_RUN_ATTEMPT: "1",
  };
}

/** Runs the probe's command once and returns the peak RSS it reported, in MB. */
export async function peakRssMb(probe: RssProbe, logPath: string): Promise<number> {
  try {
    return await runProbe(probe, logPath);
  } finally {
    await probe.cleanup?.(logPath);
  }
}

function runProbe(probe: RssProbe, logPath: string): Promise<number> {
  const args = ["--import", RSS_REPORTER, ...probe.nodeArgs(logPath)];
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...probe.env?.(logPath) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  // the reporter prints on stderr; the action reports its failures (::error::) on stdout
  let stderr = "";
  let stdoutTail = "";
  child.stderr.setEncoding("utf8").on("data", (text: string) => {
    stderr += text;
  });
  child.stdout.setEncoding("utf8").on("data", (text: string) => {
    stdoutTail = (stdoutTail + text).slice(-2000);
  });
  return new Promise((resolvePeak, reject) => {
    child.on("error", reject);
    child.on("close", (code) => {
      const kb = /peak-rss-kb=(\d+)/.exec(stderr)?.[1];
      if (code !== 0 || !kb) {
        const said = `${stdoutTail}\n${stderr.slice(-2000)}`;
        reject(new Error(`${probe.label} failed (exit ${code}) on ${logPath}:\n${said}`));
      } else {
        resolvePeak(Number(kb) / 1024);
      }
    });
  });
}

// ------------------------------------------------------------------ report

interface Row {
  size: string;
  parseMs: number | null;
  rssMb: number[];
}

async function measure(size: string, logPath: string, parse: boolean): Promise<Row> {
  const parseMs = parse ? await medianParseMs(logPath) : null;
  const rssMb: number[] = [];
  for (const probe of rssProbes) rssMb.push(await peakRssMb(probe, logPath));
  return { size, parseMs, rssMb };
}

function printTable(rows: Row[]): void {
  const header = [
    "log size",
    `parse ms (median of ${TIMED_RUNS})`,
    ...rssProbes.map((p) => p.label),
  ];
  const cells = rows.map((row) => [
    row.size,
    row.parseMs === null ? "-" : row.parseMs.toFixed(2),
    ...row.rssMb.map((mb) => mb.toFixed(1)),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => `| ${c.map((cell, i) => cell.padStart(widths[i])).join(" | ")} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
  for (const row of cells) console.log(line(row));
}

async function run(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "bench-summary-"));
  try {
    const { bavail, bsize } = await statfs(dir);
    const free = bavail * bsize;
    // the baseline: node + tsx + the modules, reading a log that does not exist
    const rows = [await measure("no log (baseline)", join(dir, "missing.log"), false)];
    for (const { label, bytes } of SIZES) {
      if (bytes >= 1e9 && free < MIN_FREE_BYTES_FOR_1GB) {
        console.log(
          `skipping ${label}: only ${(free / 1e9).toFixed(1)} GB free in ${dir}, 3 GB needed`,
        );
        continue;
      }
      const logPath = join(dir, `run-${bytes}.log`);
      const start = performance.now();
      await writeLog(logPath, bytes);
      console.log(`wrote ${label} log in ${((performance.now() - start) / 1000).toFixed(1)} s`);
      rows.push(await measure(label, logPath, true));
      await rm(logPath);
    }
    console.log();
    printTable(rows);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export const summaryBenchmark: Benchmark = { name: "summary", run };

/** Exits non-zero unless a real log reads as ok, so the RSS column never measures a failed read. */
async function child(logPath: string): Promise<void> {
  const outcome = await readAndClassify(logPath);
  if (outcome.status !== "ok" && existsSync(logPath)) {
    throw new Error(`${logPath} classified as ${outcome.reason}, expected ok.`);
  }
}

if (process.argv[2] === "--child" && resolve(process.argv[1] ?? "") === SELF) {
  await child(process.argv[3]);
}
