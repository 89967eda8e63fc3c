// Whole nights in miniature: the real app, the real bundled action and examples/tiny in the
// sandbox GitHub, each ending with the end-of-night invariants (every PR merged or closed, the
// run branch = the chain of keeps, one ledger row per verdict) and no contract violation.
//
// The nights run one after another, not concurrently: every sandbox's installation has the same
// id, and @octokit/auth-app shares in-flight installation auth calls process-wide by that id, so
// two apps in one process can be handed each other's tokens (401s).
import { rmSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { checkNight, readLedger } from "../../sandbox/invariants.js";
import { type Night, type NightOptions, startNight, tinyWithConfig } from "../../sandbox/night.js";
import { parseResults } from "../../src/core/results-tsv.js";
import { readRunBlock } from "../../src/core/run-state.js";
import { readStateBlock } from "../../src/core/state-block.js";

const TAG = "nov26";
const RUN_BRANCH = `autoresearch/${TAG}`;
/** Seconds of virtual compute per training: real val_bpb differences, little wall time. */
const BUDGET = 0.5;
const WAIT_MS = 180_000;
const NIGHT_MS = 300_000;

// ------------------------------------------------------------------ helpers

/** Starts a night, sets its faults (`prepare`), and starts the run once the app is listening. */
async function openNight(options: NightOptions, prepare?: (night: Night) => void): Promise<Night> {
  const night = await startNight({ budgetSeconds: BUDGET, ...options });
  try {
    prepare?.(night);
    const issue = await night.sandbox.human.openIssue("Research the tiny model overnight");
    await night.say(issue, `/autoresearch start ${TAG}`);
    return night;
  } catch (error) {
    await night.stop();
    throw error;
  }
}

const stateOf = (night: Night, pr: number) =>
  readStateBlock(night.sandbox.state.pull(pr).body ?? "");

const experimentPulls = (night: Night) =>
  night.sandbox.state.pulls().filter((p) => p.pull_request?.base.ref === RUN_BRANCH);

/** `/autoresearch stop`, then everything a user would check in the morning. */
async function endNight(night: Night): Promise<void> {
  await night.stopRun(WAIT_MS);
  const report = await checkNight(night.sandbox, TAG);
  expect(report.problems, night.trail(TAG)).toEqual([]);
  night.sandbox.assertNoViolations();
}

function dashboardStatus(night: Night): string | undefined {
  const dashboard = night.dashboardNumber();
  return dashboard === null
    ? undefined
    : readRunBlock(night.sandbox.state.issue(dashboard).body)?.status;
}

/** Most workflow runs ever in progress at once, from the sandbox's own announcements. */
function trackConcurrency(night: Night): () => number {
  const running = new Set<number>();
  let most = 0;
  night.sandbox.world.onEvent((event, payload) => {
    if (event !== "workflow_run") return;
    const id = (payload.workflow_run as { id: number }).id;
    if (payload.action === "in_progress") running.add(id);
    if (payload.action === "completed") running.delete(id);
    most = Math.max(most, running.size);
  });
  return () => most;
}

/** The serverless heartbeat: a `repository_dispatch` of type autoresearch-heartbeat. */
async function dispatchHeartbeat(night: Night): Promise<void> {
  const { owner, name } = night.sandbox.repo;
  await night.sandbox
    .octokit()
    .repos.createDispatchEvent({ owner, repo: name, event_type: "autoresearch-heartbeat" });
}

/**
 * Runs `wait` with the heartbeat beating every `everyMs` (production: every 10 minutes). The app
 * answers a webhook before doing its work, so work that fails (a 5xx burst) or dies with the
 * process (a restart) is not redelivered: the next event or the heartbeat resumes it.
 */
async function withHeartbeat(night: Night, everyMs: number, wait: () => Promise<void>) {
  const beat = setInterval(() => {
    dispatchHeartbeat(night).catch(() => undefined);
  }, everyMs);
  try {
    await wait();
  } finally {
    clearInterval(beat);
  }
}

interface Announcement {
  event: string;
  action: unknown;
  /** The PR or workflow run it is about, for the failure message. */
  note?: string;
}

/** Every event the sandbox announces, in order (before webhook delivery reorders anything). */
function recordAnnouncements(night: Night): Announcement[] {
  const seen: Announcement[] = [];
  night.sandbox.world.onEvent((event, payload) => {
    const p = payload as {
      pull_request?: { number: number; head: { ref: string } };
      workflow_run?: { id: number; head_branch: string };
    };
    const note = p.pull_request
      ? `#${p.pull_request.number} ${p.pull_request.head.ref}`
      : p.workflow_run
        ? `run ${p.workflow_run.id} ${p.workflow_run.head_branch}`
        : undefined;
    seen.push({ event, action: payload.action, note });
  });
  return seen;
}

// ------------------------------------------------------------------ nights

describe("nights", () => {
  it(
    "a plain night where a human pushes a prepare.py change, re-runs an experiment and pauses",
    async () => {
      const night = await openNight({ seed: 1 });
      const { sandbox } = night;
      try {
        // Early in the night a PR editing prepare.py arrives: closed with the path named, never trained.
        const evilBranch = `${RUN_BRANCH}--evil`;
        await sandbox.human.push(
          evilBranch,
          { "prepare.py": "TIME_BUDGET = 1e9  # more budget for my idea\n" },
          "autoresearch: a bigger budget",
          "octocat",
        );
        const evil = () =>
          sandbox.state.pulls().find((p) => p.pull_request?.head.ref === evilBranch);
        await night.waitFor(
          "the prepare.py PR to be closed",
          TAG,
          () => evil()?.state === "closed",
        );
        expect(stateOf(night, evil()!.number)?.phase).toBe("rejected");
        const said = sandbox.state.comments(evil()!.number).map((c) => c.body);
        expect(
          said.filter((b) => b.includes("Not trained") && b.includes("`prepare.py`")),
        ).toHaveLength(1);

        // The rerun label trains a discarded experiment again and is consumed.
        const discarded = () =>
          experimentPulls(night)
            .filter((p) => {
              const state = stateOf(night, p.number);
              return state?.source === "sweep" && state.verdict?.status === "discard";
            })
            .at(-1);
        await night.waitFor("a discarded experiment", TAG, () => discarded() !== undefined);
        const rerun = discarded()!.number;
        const attempts = stateOf(night, rerun)!.attempts;
        const runsOf = (pr: number) =>
          sandbox.state.runs().filter((r) => r.inputs.pr === String(pr));
        const runsBefore = runsOf(rerun).length;
        await sandbox.human.addLabel(rerun, "autoresearch:rerun");
        await night.waitFor("the re-run to be decided", TAG, () => {
          const state = stateOf(night, rerun);
          return state?.phase === "decided" && state.attempts > attempts;
        });
        expect(runsOf(rerun)).toHaveLength(runsBefore + 1);
        expect(sandbox.state.pull(rerun).labels).not.toContain("autoresearch:rerun");

        // Paused: what is in flight finishes, then nothing new is proposed or dispatched.
        const dashboard = night.dashboardNumber()!;
        await night.say(dashboard, "/autoresearch pause");
        await night.waitFor("the run to be paused", TAG, () => dashboardStatus(night) === "paused");
        await sandbox.settle({ timeoutMs: WAIT_MS });
        const pulls = sandbox.state.pulls().length;
        const runs = sandbox.state.runs().length;
        await dispatchHeartbeat(night);
        await sandbox.settle({ timeoutMs: WAIT_MS });
        expect(sandbox.state.pulls()).toHaveLength(pulls);
        expect(sandbox.state.runs()).toHaveLength(runs);
        expect(sandbox.state.runs().filter((r) => r.status !== "completed")).toEqual([]);

        await night.say(dashboard, "/autoresearch resume");
        await night.waitForDecided(night.decided() + 1, WAIT_MS);
        expect(sandbox.state.runs().length).toBeGreaterThan(runs);

        await endNight(night);
        // The baseline, the discarded experiment and its re-run, and one after the resume.
        expect(night.decided()).toBeGreaterThanOrEqual(3);
        // Every training succeeded; the stop may cancel one dispatched ahead that no runner took.
        expect(
          sandbox.state
            .runs()
            .filter((r) => r.conclusion !== "success")
            .filter((r) => !(r.conclusion === "cancelled" && r.runner === null)),
        ).toEqual([]);
        expect(sandbox.state.runs().filter((r) => r.head_branch === evilBranch)).toEqual([]);
        const final = stateOf(night, rerun)!;
        const rows = parseResults(readLedger(sandbox, TAG));
        expect(rows.filter((r) => r.description === final.description)).toEqual([
          expect.objectContaining({ commit: final.result?.head_sha.slice(0, 7) }),
        ]);
      } finally {
        await night.stop();
      }
    },
    NIGHT_MS,
  );

  // DESIGN.md step 7: the GPU never waits on the proposer (that is what queueDepth is for), so a
  // pass dispatches the experiment already queued before it makes the next proposal.
  it(
    "dispatches the queued experiment before proposing the next one",
    async () => {
      let seen: Announcement[] = [];
      // The order inside one pass, with nothing dispatched ahead (policy.preDispatch off): with it
      // on, the next training is already queued when one ends.
      const seedDir = tinyWithConfig({ policy: { preDispatch: false } });
      const night = await openNight({ seed: 5, sandbox: { seedDir } }, (started) => {
        seen = recordAnnouncements(started);
      });
      // Between a training's end and the next dispatch: what was announced (a PR opened?).
      const gapsSeen = () => {
        const gaps: string[][] = [];
        let gap: string[] | null = null;
        for (const { event, action } of seen) {
          if (event === "workflow_run" && action === "completed") gap = [];
          else if (event === "workflow_run" && action === "requested" && gap) {
            gaps.push(gap);
            gap = null;
          } else if (event === "pull_request" && action === "opened") gap?.push("PR opened");
        }
        return gaps;
      };
      try {
        // Until two trainings have ended and each was followed by the next dispatch.
        await night.waitFor(
          "two dispatches after a training ended",
          TAG,
          () => gapsSeen().length >= 2,
          WAIT_MS,
        );
        await endNight(night);
        // Between a training's end and the next dispatch, no new proposal PR may be opened.
        const gaps = gapsSeen();
        expect(gaps.length).toBeGreaterThanOrEqual(2);
        expect(
          gaps.filter((g) => g.length > 0),
          seen.map((a) => `${a.event}.${a.action ?? ""}${a.note ? ` ${a.note}` : ""}`).join("\n"),
        ).toEqual([]);
      } finally {
        await night.stop();
        rmSync(seedDir, { recursive: true, force: true });
      }
    },
    NIGHT_MS,
  );

  it(
    "a night with redelivered webhooks, API 5xx bursts and an app restart",
    async () => {
      // Without GIST_TOKEN the ledger lives on the dashboard: this night covers that mode too.
      const env = { GIST_TOKEN: "", NOTIFY_WEBHOOK_URL: "" };
      const night = await openNight({ seed: 2, env }, ({ sandbox }) => {
        sandbox.faults.duplicateNextDeliveries(40, { sameId: true });
        sandbox.faults.failNextRequests(6, { who: "app" });
      });
      const { sandbox } = night;
      try {
        await withHeartbeat(night, 2000, async () => {
          // Right after the baseline's keep: the restart and the bursts fall on its merge and
          // on the first experiment's dispatch and verdict.
          await night.waitForDecided(1, WAIT_MS);
          sandbox.faults.failNextRequests(6, { who: "app" });
          await sandbox.restartApp();
          sandbox.faults.failNextRequests(6, { who: "app" });
          await night.waitForDecided(3, WAIT_MS);
        });
        await endNight(night);

        // The faults really happened, or this night proves nothing.
        expect(sandbox.state.deliveries.filter((d) => d.redelivery).length).toBeGreaterThan(0);
        const failed = sandbox.state.requests.filter(
          (r) => r.status === 502 && r.actorKind !== "user" && r.actorKind !== "actions",
        );
        expect(failed).toHaveLength(18);
        expect(
          readRunBlock(sandbox.state.issue(night.dashboardNumber()!).body)?.gist_id,
        ).toBeFalsy();
      } finally {
        await night.stop();
      }
    },
    NIGHT_MS,
  );

  it(
    "a night with duplicated webhooks (new ids) and runners dying mid-job",
    async () => {
      const night = await openNight({ seed: 3 }, ({ sandbox }) => {
        sandbox.faults.duplicateNextDeliveries(40, { sameId: false });
      });
      const { sandbox } = night;
      try {
        await night.waitForDecided(1, WAIT_MS);
        // Killed 0.1–0.3 s into the job: before any training can finish.
        sandbox.faults.killRunnerDuringNextJobs(2, { minMs: 100, maxMs: 300 });
        const failed = () => sandbox.state.runs().filter((r) => r.conclusion === "failure");
        // Until both jobs have lost their runner and the experiments they were for are decided.
        await night.waitFor(
          "both experiments whose runner died to be decided",
          TAG,
          () =>
            failed().length >= 2 &&
            failed().every((run) => stateOf(night, Number(run.inputs.pr))?.phase === "decided"),
          WAIT_MS,
        );
        await endNight(night);

        const lost = failed();
        expect(lost).toHaveLength(2);
        // A lost runner is infrastructure, not a verdict: the experiment was trained again.
        for (const run of lost) {
          const state = stateOf(night, Number(run.inputs.pr));
          expect(state?.attempts).toBeGreaterThan(1);
          expect(state?.result?.status).toBe("ok");
        }
      } finally {
        await night.stop();
      }
    },
    NIGHT_MS,
  );

  it(
    "a night on two runners with concurrency 2 and late, out-of-order webhooks",
    async () => {
      const seedDir = tinyWithConfig({ concurrency: 2 });
      let mostRunning = () => 0;
      // Two at once needs trainings longer than the app's turnaround (on a GPU: 300 s against ~2 s):
      // each waits 3 s of wall time first, as a GPU's would, without this machine's CPU.
      const night = await openNight(
        { runners: 2, seed: 4, trainingPauseSeconds: 3, sandbox: { seedDir } },
        (started) => {
          mostRunning = trackConcurrency(started);
        },
      );
      const { sandbox } = night;
      try {
        await night.waitForDecided(1, WAIT_MS);
        sandbox.faults.delayNextDeliveries(20);
        // Baseline, then three more: past the 20 late deliveries (an experiment has more) and two
        // trainings at once on the two runners (the assertions below).
        await night.waitForDecided(4, WAIT_MS);
        // The late deliveries really happened, or this night proves nothing.
        expect(sandbox.faults.delivery.delayed).toBe(0);
        await endNight(night);

        expect(mostRunning()).toBe(2);
        // Both runners trained (a training dispatched ahead and cancelled by the stop has none).
        const runners = sandbox.state.runs().flatMap((r) => (r.runner ? [r.runner] : []));
        expect(new Set(runners).size).toBe(2);
      } finally {
        await night.stop();
        rmSync(seedDir, { recursive: true, force: true });
      }
    },
    NIGHT_MS,
  );
});
