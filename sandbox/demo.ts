// `npm run demo`: the whole loop on the built-in tiny example, in the sandbox GitHub.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { readRunBlock } from "../src/core/run-state.js";
import { readStateBlock } from "../src/core/state-block.js";
import { mulberry32 } from "../src/core/sweep.js";

const HELP = `npm run demo -- [options]

Runs the real autoresearch-bot app and the real bundled action against a sandbox GitHub on
loopback, on examples/tiny (a CPU-only model), and checks the night's invariants at the end.

  --experiments N    experiments to decide before stopping the run (default 8)
  --runners N        sandbox GPU runners (default 1)
  --seed N           seeds the sweep proposer and every fault (default 1)
  --budget S         training budget per experiment in seconds of (virtual) compute (default 1)
  --out DIR          where results.tsv, progress.svg, pulls.json, dashboard.md go (default demo-out)
  --crash-rate R     fraction of trainings that crash (default 0)
  --duplicates N     deliver the next N webhooks twice (default 0)
  --runner-deaths N  the next N jobs lose their runner mid-run (default 0)
  --api-errors N     the app's next N API requests answer 502 (default 0)
  --restart          restart the app halfway through the night
  --mode M           server (default: the app as a Probot server receiving webhooks) or actions
                     (zero-server: no app server, the app runs as the workflow
                     examples/workflows/autoresearch-app.yml with GITHUB_TOKEN; --duplicates and
                     --restart need a server)
  --noise SIGMA      simulated run-to-run noise of val_bpb (examples/tiny's TINY_NOISE; default 0)
  --baseline-every N re-measure the run head every N experiments: the noise floor (default 0: off)
  --help             this text

Exit codes: 0 every invariant holds · 1 an invariant broke or the demo failed · 2 a bad flag.`;

const values = parseFlags();

if (values.help) {
  console.log(HELP);
  process.exit(0);
}

const number = (name: keyof typeof values, min: number, max: number): number => {
  const value = Number(values[name]);
  if (!Number.isFinite(value) || value < min || value > max) {
    console.error(
      `--${name} must be a number from ${min} to ${max} (got ${values[name]}); see --help`,
    );
    process.exit(2);
  }
  return value;
};
const experiments = number("experiments", 1, 500);
const runners = number("runners", 1, 16);
const seed = number("seed", 0, 2 ** 31);
const crashRate = number("crash-rate", 0, 1);
const out = resolve(String(values.out));
const tag = "demo";

const noise = number("noise", 0, 1);
const mode = String(values.mode);
if (mode !== "server" && mode !== "actions") {
  console.error(`--mode must be server or actions (got ${mode}); see --help`);
  process.exit(2);
}
if (mode === "actions" && (values.restart || Number(values.duplicates) > 0)) {
  console.error(
    "--restart and --duplicates act on the app server's webhooks: zero-server mode (--mode actions) has none; see --help",
  );
  process.exit(2);
}
const baselineEvery = number("baseline-every", 0, 1000);
const budgetSeconds = number("budget", 0.1, 60);
const duplicates = number("duplicates", 0, 10_000);
const runnerDeaths = number("runner-deaths", 0, 1000);
const apiErrors = number("api-errors", 0, 1000);

// Loaded once the flags are good: a bad flag is refused at once, before the sandbox loads.
const { checkNight } = await import("./invariants.js");
const { startNight, tinyWithConfig, tokenRequestsPerExperiment } = await import("./night.js");

const rolls = mulberry32(seed + 7);
const seedDir = baselineEvery > 0 ? tinyWithConfig({ policy: { baselineEvery } }) : null;
const started = Date.now();
console.log(
  `autoresearch-bot demo: ${experiments} experiments, ${runners} runner(s), seed ${seed}${mode === "actions" ? ", zero-server mode (the app runs as a workflow)" : ""}\n`,
);
const night = await startNight({
  mode,
  runners,
  seed,
  budgetSeconds,
  runnerEnv: noise > 0 ? { TINY_NOISE: String(noise) } : {},
  sandbox: {
    ...(seedDir ? { seedDir } : {}),
    runners: {
      // An injected crash looks to the action exactly like train.py dying with a CUDA error.
      commandWrapper: (command) =>
        rolls() < crashRate
          ? `python3 -c "import sys; print('Traceback (most recent call last):'); print('RuntimeError: CUDA error: an illegal memory access was encountered (--crash-rate)'); sys.exit(1)"`
          : command,
    },
  },
});
const { sandbox } = night;
let exitCode = 1;
try {
  sandbox.faults.duplicateNextDeliveries(duplicates);
  sandbox.faults.killRunnerDuringNextJobs(runnerDeaths, {
    minMs: 200,
    maxMs: 600,
  });
  // In zero-server mode the app's requests are made with GITHUB_TOKEN.
  sandbox.faults.failNextRequests(apiErrors, {
    who: mode === "actions" ? "action" : "app",
  });

  const issue = await sandbox.human.openIssue("Research the tiny model overnight");
  await night.say(issue, `/autoresearch start ${tag}`);
  let printed = 0;
  let restarted = !values.restart;
  const printDigests = () => {
    for (const n of sandbox.notifications.slice(printed)) {
      const text = String((n.body as { text?: string }).text ?? "");
      console.log(
        `${text
          .replace(/^\[[^\]]*\] /, "")
          .split("\n")
          .join("  |  ")}`,
      );
    }
    printed = sandbox.notifications.length;
  };
  while (night.decided() < experiments) {
    printDigests();
    if (!restarted && night.decided() >= experiments / 2) {
      console.log("-- restarting the app (fresh memory) --");
      await sandbox.restartApp();
      restarted = true;
    }
    if (Date.now() - started > 15 * 60_000) throw new Error("the demo took over 15 minutes");
    await new Promise((r) => setTimeout(r, 100));
  }
  await night.stopRun(300_000);
  printDigests();

  // The artefacts a user would look at in the morning.
  const report = await checkNight(sandbox, tag);
  mkdirSync(out, { recursive: true });
  const dashboard = sandbox.state.issues().find((i) => readRunBlock(i.body)?.tag === tag);
  const run = readRunBlock(dashboard?.body);
  const gist = run?.gist_id ? sandbox.state.gists().find((g) => g.id === run.gist_id) : undefined;
  writeFileSync(join(out, "results.tsv"), report.tsv);
  writeFileSync(join(out, "progress.svg"), gist?.files["progress.svg"] ?? "");
  writeFileSync(join(out, "dashboard.md"), dashboard?.body ?? "");
  const pulls = sandbox.state.pulls().map((p) => {
    const state = readStateBlock(p.body);
    return {
      number: p.number,
      title: p.title,
      state: p.state,
      merged: p.pull_request?.merged ?? false,
      head_sha: p.pull_request?.head.sha,
      labels: p.labels,
      phase: state?.phase ?? null,
      verdict: state?.verdict ?? null,
      val_bpb: state?.result?.status === "ok" ? state.result.val_bpb : null,
    };
  });
  writeFileSync(join(out, "pulls.json"), `${JSON.stringify(pulls, null, 2)}\n`);
  // The sandbox checks every request and webhook against GitHub's descriptions: any mismatch fails the demo.
  const violations = [
    ...new Set(sandbox.violations.map((v) => `[${v.kind}] ${v.where}: ${v.message.slice(0, 300)}`)),
  ];
  report.problems.push(...violations.map((v) => `contract violation ${v}`));

  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`\nresults.tsv (${report.experiments.length} PRs, ${seconds} s):\n${report.tsv}`);
  console.log(`wrote ${out}/{results.tsv,progress.svg,pulls.json,dashboard.md}`);
  if (mode === "actions") {
    const cost = tokenRequestsPerExperiment(sandbox, night.decided());
    console.log(
      `GITHUB_TOKEN requests per decided experiment (start and stop included): ${cost.app.toFixed(1)} by the app workflow, ${cost.training.toFixed(1)} by the training workflow`,
    );
  }
  const noiseLine = dashboard?.body?.split("\n").find((l) => l.startsWith("**Noise floor:**"));
  if (noiseLine) console.log(noiseLine.replaceAll("**", ""));
  if (report.problems.length > 0) {
    console.error(
      `\n${report.problems.length} invariant(s) broken:\n- ${report.problems.join("\n- ")}`,
    );
  } else {
    console.log(
      "all invariants hold: every PR merged or closed, run branch = chain of keeps, one ledger row per verdict",
    );
    exitCode = 0;
  }
} catch (error) {
  console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
} finally {
  await night.stop();
  if (seedDir) rmSync(seedDir, { recursive: true, force: true });
}
process.exit(exitCode);

/** The flags, or exit 2 with what was wrong (an unknown flag, a missing value) and where to look. */
function parseFlags() {
  try {
    return parseArgs({
      options: {
        experiments: { type: "string", default: "8" },
        runners: { type: "string", default: "1" },
        seed: { type: "string", default: "1" },
        budget: { type: "string", default: "1" },
        out: { type: "string", default: "demo-out" },
        "crash-rate": { type: "string", default: "0" },
        duplicates: { type: "string", default: "0" },
        "runner-deaths": { type: "string", default: "0" },
        "api-errors": { type: "string", default: "0" },
        restart: { type: "boolean", default: false },
        mode: { type: "string", default: "server" },
        noise: { type: "string", default: "0" },
        "baseline-every": { type: "string", default: "0" },
        help: { type: "boolean", default: false },
      },
    }).values;
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\nsee --help`);
    process.exit(2);
  }
}
