// The app's own overhead per experiment, with training made free: a night of ~10 experiments in
// the sandbox where the training command prints a summary at once (a fake train.py), so what is
// left is the app (webhook → reconcile pass → verdict → merge/close → next dispatch) and the
// sandbox runner's job setup. Prints latencies (median/p90) and API requests / webhooks per
// experiment. Run with `npm run bench -- app`.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkNight } from "../sandbox/invariants.js";
import { type Night, startNight } from "../sandbox/night.js";
import { VERDICT_CHECK } from "../src/github/check-runs.js";
import type { Benchmark } from "./index.js";

const EXPERIMENTS = 10;
const TAG = "bench";

// ------------------------------------------------------------- fake training

/**
 * A stand-in for `python3 train.py`: optionally sleeps, then prints train.py's summary block
 * with a val_bpb derived from train.py's content (so some experiments keep, most discard, and
 * the same code always scores the same). With a marks file it appends `start end` (epoch
 * seconds) per training, which is how the duty-cycle bench measures busy-training time.
 */
const FAKE_TRAIN_PY = `import hashlib, sys, time
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
        f.write(f"{t0} {t1}\\n")
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

const sum = (values: number[]) => values.reduce((total, v) => total + v, 0);
const ms = (value: number | null) => (value === null ? "-" : value.toFixed(0));

function latencyRow(label: string, values: (number | null)[]): string[] {
  const present = values.filter((v): v is number => v !== null);
  return [
    label,
    String(present.length),
    ms(percentile(present, 50)),
    ms(percentile(present, 90)),
    ms(present.length ? Math.max(...present) : null),
  ];
}

// ---------------------------------------------------------------------- run

async function run(): Promise<void> {
  const fake = fakeTraining(0);
  const night = await startNight({
    runners: 1,
    sandbox: { runners: { commandWrapper: () => fake.command } },
  });
  const marks = recordTimeline(night);
  const { sandbox } = night;
  try {
    const started = performance.now();
    const issue = await sandbox.human.openIssue("Benchmark the app");
    await night.say(issue, `/autoresearch start ${TAG}`);
    await night.waitForDecided(EXPERIMENTS, 300_000);
    const wallS = (performance.now() - started) / 1000;
    const decidedAtStop = night.decided();
    const stopAt = performance.now();
    await night.stopRun(300_000);
    const stopS = (performance.now() - stopAt) / 1000;
    const report = await checkNight(sandbox, TAG);
    if (report.problems.length > 0)
      console.warn(
        `invariants broken (numbers below are suspect):\n- ${report.problems.join("\n- ")}`,
      );

    const decided = night.decided();
    const all = latencies(marks);
    // The last completions happened after the stop: nothing is dispatched after them.
    const steady = all.filter((l) => l.toNextDispatchMs !== null);
    console.log(
      `${decidedAtStop} experiments decided in ${wallS.toFixed(1)} s with zero-length training (${(wallS / decidedAtStop).toFixed(2)} s per experiment, job setup included); \`/autoresearch stop\` then took ${stopS.toFixed(1)} s to settle, deciding ${decided - decidedAtStop} more\n`,
    );
    printTable(
      ["app-side latency after workflow_run.completed", "n", "median ms", "p90 ms", "max ms"],
      [
        latencyRow(
          "→ verdict check run created",
          all.map((l) => l.toVerdictMs),
        ),
        latencyRow(
          "→ PR merged or closed",
          all.map((l) => l.toAppliedMs),
        ),
        latencyRow(
          "→ next training dispatched",
          steady.map((l) => l.toNextDispatchMs),
        ),
      ],
    );

    const appRequests = sandbox.state.requests.filter((r) => r.actorKind === "installation");
    const actionRequests = sandbox.state.requests.filter((r) => r.actorKind === "actions");
    const deliveries = sandbox.state.deliveries;
    // Gists take a user token (GIST_TOKEN): the app's ledger writes show up as octocat's.
    const gistRequests = sandbox.state.requests.filter((r) => r.path.startsWith("/gists"));
    // Every reconcile pass starts by listing the dashboards; commands list them too.
    const passes = appRequests.filter((r) => r.operationId === "issues/list-for-repo");
    console.log();
    printTable(
      ["per decided experiment (whole night, start and stop included)", "total", "per experiment"],
      [
        ["app API requests (installation token)", appRequests.length],
        // GitHub does not count a 304 against the primary rate limit (conditional requests).
        [
          "  of which 304 Not Modified (not counted)",
          appRequests.filter((r) => r.status === 304).length,
        ],
        ["app gist requests (GIST_TOKEN)", gistRequests.length],
        ["reconcile passes (≈ dashboard listings)", passes.length],
        ["action API requests (GITHUB_TOKEN)", actionRequests.length],
        [
          "  of which 304 Not Modified (not counted)",
          actionRequests.filter((r) => r.status === 304).length,
        ],
        ["webhooks delivered to the app", deliveries.length],
      ].map(([label, count]) => [
        String(label),
        String(count),
        (Number(count) / decided).toFixed(1),
      ]),
    );
    const answered = deliveries.map((d) => d.durationMs);
    console.log();
    printTable(
      ["the app's webhook response time", "n", "median ms", "p90 ms", "max ms"],
      [latencyRow("POST to the app → its answer", answered)],
    );

    const byOperation = new Map<string, number>();
    for (const r of appRequests) {
      const key = `${r.method} ${r.operationId ?? r.path}`;
      byOperation.set(key, (byOperation.get(key) ?? 0) + 1);
    }
    console.log("\nthe app's most frequent requests:");
    printTable(
      ["operation", "total", "per experiment"],
      [...byOperation]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 12)
        .map(([op, count]) => [op, String(count), (count / decided).toFixed(1)]),
    );
    const byEvent = new Map<string, number[]>();
    for (const d of deliveries) {
      const key = d.action ? `${d.event}.${d.action}` : d.event;
      byEvent.set(key, [...(byEvent.get(key) ?? []), d.durationMs]);
    }
    // The sandbox delivers one webhook at a time (GitHub does not wait for answers): here the
    // time the app spends answering one event delays every later one, commands included.
    console.log("\nwebhooks by event, and how long the app took to answer them:");
    printTable(
      ["event", "total", "per experiment", "median answer ms", "sum of answers s"],
      [...byEvent]
        .sort((a, b) => sum(b[1]) - sum(a[1]))
        .map(([event, times]) => [
          event,
          String(times.length),
          (times.length / decided).toFixed(1),
          ms(percentile(times, 50)),
          (sum(times) / 1000).toFixed(1),
        ]),
    );
  } finally {
    await night.stop();
    fake.cleanup();
  }
}

export const appBenchmark: Benchmark = { name: "app", run };
