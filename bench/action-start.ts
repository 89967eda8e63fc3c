// What starting the bundled action costs: each step of a job (check, train, report) is a fresh
// `node dist/index.js`, so loading the bundle is paid three times per training. Runs one job
// (check → train → report) per round with inputs that make each step cheap (no token, no PR,
// a command that only prints a summary, propose with no agent-command), and prints per step the median wall time from
// spawn to exit and the CPU time of the action's own process, next to `node -e 0` for reference,
// then what dist/ holds. Run with `npm run bench -- action-start`; ACTION_START_ROUNDS=n rounds,
// ACTION_START_DIST=other/index.js measures another build.
import { spawn } from "node:child_process";
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { actionDefaults, DIST, workflowDispatchEvent } from "../test/support/run-action.js";
import type { Benchmark } from "./index.js";
import { printTable } from "./night-metrics.js";

const ROUNDS = Number(process.env.ACTION_START_ROUNDS ?? 15);
/** Another build to measure (say a copy of dist/ from before a change), for an A/B on one machine. */
const ACTION = resolve(process.env.ACTION_START_DIST ?? DIST);
const WARMUP_ROUNDS = 2;
/** Nothing listens there: a step that tried the API would fail at once, not wait. */
const REFUSING_API = "http://127.0.0.1:9";
/** The cheapest training that ends ok: just the summary block train.py prints. */
const TRAIN_COMMAND = "printf -- '---\\nval_bpb: 1.000000\\n'";
/** Loaded before the measured script: writes the process's own CPU time when it exits. */
const CPU_PROBE = `import { writeFileSync } from "node:fs";
process.on("exit", () => {
  const { user, system } = process.cpuUsage();
  writeFileSync(process.env.BENCH_CPU_FILE, String((user + system) / 1000));
});
`;

type Step = "node -e 0" | "check" | "train" | "report" | "propose";
const STEPS: Step[] = ["node -e 0", "check", "train", "report", "propose"];

interface Sample {
  wallMs: number;
  cpuMs: number;
}

export const actionStartBenchmark: Benchmark = {
  name: "action-start",
  async run() {
    const dir = mkdtempSync(join(tmpdir(), "bench-action-start-"));
    try {
      const probe = join(dir, "cpu-probe.mjs");
      writeFileSync(probe, CPU_PROBE);
      const samples = new Map<Step, Sample[]>(STEPS.map((s) => [s, []]));
      for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round++) {
        const job = oneJob(dir, probe, round);
        for (const step of STEPS) {
          const sample = await job(step);
          if (round >= WARMUP_ROUNDS) samples.get(step)?.push(sample);
        }
      }
      console.log(`${ROUNDS} rounds (after ${WARMUP_ROUNDS} warm-up), medians:\n`);
      printTable(
        ["step", "wall ms", "CPU ms (the process)"],
        STEPS.map((step) => {
          const s = samples.get(step) ?? [];
          return [
            step,
            median(s.map((x) => x.wallMs)).toFixed(0),
            median(s.map((x) => x.cpuMs)).toFixed(0),
          ];
        }),
      );
      console.log(`\n${relative(process.cwd(), dirname(ACTION))}/ (the action's files):\n`);
      printTable(["file", "KB"], distFiles());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

/** One job's steps sharing RUNNER_TEMP and the workspace, as a runner runs them. */
function oneJob(root: string, probe: string, round: number): (step: Step) => Promise<Sample> {
  const dir = join(root, `job-${round}`);
  const temp = join(dir, "temp");
  const workspace = join(dir, "workspace");
  const data = join(dir, "data");
  for (const d of [temp, workspace, data]) mkdirSync(d, { recursive: true });
  const event = join(dir, "event.json");
  writeFileSync(event, JSON.stringify(workflowDispatchEvent(null)));
  return async (step) => {
    const output = join(dir, `${step}.output`);
    const summary = join(dir, `${step}.summary`);
    const cpuFile = join(dir, `${step}.cpu`);
    writeFileSync(output, "");
    writeFileSync(summary, "");
    const inputs: Record<string, string> = {
      ...actionDefaults(),
      mode: step === "node -e 0" ? "check" : step,
      command: TRAIN_COMMAND,
      "required-paths": data,
      "github-token": "",
    };
    const env = {
      ...process.env,
      ...Object.fromEntries(
        Object.entries(inputs).map(([k, v]) => [`INPUT_${k.replace(/ /g, "_").toUpperCase()}`, v]),
      ),
      BENCH_CPU_FILE: cpuFile,
      RUNNER_TEMP: temp,
      GITHUB_ACTIONS: "true",
      GITHUB_OUTPUT: output,
      GITHUB_STEP_SUMMARY: summary,
      GITHUB_EVENT_PATH: event,
      GITHUB_EVENT_NAME: "workflow_dispatch",
      GITHUB_WORKSPACE: workspace,
      GITHUB_REPOSITORY: "acme/research",
      GITHUB_REF: "refs/heads/autoresearch/bench--1-start",
      GITHUB_SHA: "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678",
      GITHUB_RUN_ID: String(1000 + round),
      GITHUB_RUN_ATTEMPT: "1",
      GITHUB_SERVER_URL: "https://github.com",
      GITHUB_API_URL: REFUSING_API,
    };
    const script = step === "node -e 0" ? ["-e", "0"] : [ACTION];
    const started = performance.now();
    const { code, out } = await runNode(["--import", probe, ...script], workspace, env);
    const wallMs = performance.now() - started;
    const expected = step === "propose" ? 1 : 0;
    if (code !== expected) {
      throw new Error(
        `${step} exited ${code} (expected ${expected}): the bench's inputs no longer fit the action.\n${out}`,
      );
    }
    return { wallMs, cpuMs: Number(readFileSync(cpuFile, "utf8")) };
  };
}

function runNode(
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
    });
    child.stderr.on("data", (chunk) => {
      out += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, out }));
  });
}

/** Every file under dist/ the action can load (index.js and its chunks), largest first. */
function distFiles(): string[][] {
  const root = dirname(ACTION);
  const files = [ACTION, ...listFiles(join(root, "chunks"))];
  return files
    .map((f) => [relative(dirname(root), f), statSync(f).size] as const)
    .sort((a, b) => b[1] - a[1])
    .map(([name, size]) => [name, (size / 1024).toFixed(0)]);
}

function listFiles(dir: string): string[] {
  try {
    return readdirSync(dir).map((name) => join(dir, name));
  } catch {
    return [];
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
