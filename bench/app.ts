// The app's own overhead per experiment, with training made free: a night of ~10 experiments in
// the sandbox where the training command prints a summary at once (a fake train.py), so what is
// left is the app (webhook → reconcile pass → verdict → merge/close → next dispatch) and the
// sandbox runner's job setup. Prints latencies (median/p90) and API requests / webhooks per
// experiment. Run with `npm run bench -- app`.
import { checkNight } from "../sandbox/invariants.js";
import { startNight } from "../sandbox/night.js";
import type { Benchmark } from "./index.js";
import {
  fakeTraining,
  latencies,
  percentile,
  printTable,
  recordTimeline,
} from "./night-metrics.js";

const EXPERIMENTS = 10;
const TAG = "bench";

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
