// Helpers shared by the night benchmarks (app, duty-cycle, pipelining, scale): the fake
// trainer, the timeline of webhook events, percentiles and tables.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Night } from "../sandbox/night.js";
import { VERDICT_CHECK } from "../src/github/check-runs.js";

// ------------------------------------------------------------- fake training

/**
 * A stand-in for `python3 train.py`: optionally sleeps, then prints train.py's summary block
 * with a val_bpb derived from train.py's content (so some experiments keep, most discard, and
 * the same code always scores the same). With a marks file it appends `start end runner` (epoch
 * seconds, then the runner's name) per training, which is how the duty-cycle bench measures busy-training time.
 */
const FAKE_TRAIN_PY = `import hashlib, os, sys, time
sleep_s, marks = float(sys.argv[1]), sys.argv[2]
t0 = time.time()
if sleep_s > 0:
    time.sleep(sleep_s)
digest = hashlib.sha1(open("train.py", "rb").read()).hexdigest()
val_bpb = 1.9 + int(digest[:8], 16) % 100000 / 1e6
t1 = time.time()
print("---")
print(f"val_bpb:          {val_bpb:.6f}")
print(f"training_seconds: {t1 - t0:.1f}")
print(f"total_seconds:    {t1 - t0:.1f}")
print("peak_vram_mb:     100.0")
print("mfu_percent:      0.00")
print("total_tokens_M:   0.1")
print("num_steps:        1")
print("num_params_M:     0.1")
print("depth:            3")
if marks != "-":
    with open(marks, "a") as f:
        f.write(f"{t0} {t1} {os.environ.get('RUNNER_NAME', '-')}\\n")
`;

export interface FakeTraining {
  /** For the sandbox runner option `commandWrapper`: ignores the real command. */
  command: string;
  dir: string;
  cleanup(): void;
}

/** Writes the fake trainer into a temp dir; `marksFile` collects each training's start/end. */
export function fakeTraining(sleepSeconds: number, marksFile?: string): FakeTraining {
  const dir = mkdtempSync(join(tmpdir(), "bench-fake-train-"));
  const script = join(dir, "fake_train.py");
  writeFileSync(script, FAKE_TRAIN_PY);
  return {
    command: `python3 ${script} ${sleepSeconds} ${marksFile ?? "-"}`,
    dir,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

// ------------------------------------------------------------------ timeline

/** One event GitHub announced, stamped with a monotonic clock as the sandbox emitted it. */
export interface Mark {
  at: number;
  event: string;
  action: string | undefined;
  /** The experiment PR the event is about, when it names one. */
  pr: number | null;
  runId: number | null;
  checkName: string | null;
  merged: boolean;
}

type Payload = Record<string, unknown> & { action?: string };

/**
 * Listens to the sandbox's world events. Records carry whole-second timestamps; these marks
 * are taken with performance.now() when the event happens, before webhook delivery.
 */
export function recordTimeline(night: Night): Mark[] {
  const { sandbox } = night;
  const marks: Mark[] = [];
  sandbox.world.onEvent((event, payload: Payload) => {
    const at = performance.now();
    const run = payload.workflow_run as { id: number } | undefined;
    const check = payload.check_run as
      | { name: string; pull_requests?: { number: number }[] }
      | undefined;
    const pull = payload.pull_request as { number: number; merged?: boolean } | undefined;
    const runPr = run ? Number(sandbox.state.run(run.id).inputs.pr) : Number.NaN;
    const pr = pull?.number ?? check?.pull_requests?.[0]?.number ?? runPr;
    marks.push({
      at,
      event,
      action: payload.action,
      pr: Number.isFinite(pr) ? pr : null,
      runId: run?.id ?? null,
      checkName: check?.name ?? null,
      merged: pull?.merged === true,
    });
  });
  return marks;
}

export interface ExperimentLatency {
  pr: number;
  /** workflow_run.completed → the verdict check run exists. */
  toVerdictMs: number | null;
  /** workflow_run.completed → the PR merged or closed. */
  toAppliedMs: number | null;
  /** workflow_run.completed → the next training dispatched (workflow_run.requested). */
  toNextDispatchMs: number | null;
}

/** For every completed training: how long until the verdict, its application and the next dispatch. */
export function latencies(marks: Mark[]): ExperimentLatency[] {
  const completed = marks.filter((m) => m.event === "workflow_run" && m.action === "completed");
  return completed.map((done) => {
    const after = (test: (m: Mark) => boolean) => {
      const found = marks.find((m) => m.at >= done.at && test(m));
      return found ? found.at - done.at : null;
    };
    return {
      pr: done.pr ?? -1,
      toVerdictMs: after(
        (m) => m.event === "check_run" && m.action === "created" && m.checkName === VERDICT_CHECK,
      ),
      toAppliedMs: after(
        (m) => m.event === "pull_request" && m.action === "closed" && m.pr === done.pr,
      ),
      toNextDispatchMs: after((m) => m.event === "workflow_run" && m.action === "requested"),
    };
  });
}

// ------------------------------------------------------------------- numbers

export function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(" | ")} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
  for (const row of rows) console.log(line(row));
}
