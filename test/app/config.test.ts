// An invalid .github/autoresearch.yml pushed mid-run: a failing check, one "action required" issue
// listing each problem by key path, nothing trained; fixing the file closes the issue.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CONFIG_FILE,
  type Scenario,
  setConstants,
  startPastBaseline,
  startScenario,
  stopChecked,
  tinyConfigYaml,
} from "../support/app-scenarios.js";

const TAG = "cfg";
const RUN_BRANCH = `autoresearch/${TAG}`;
const WAITING = `${RUN_BRANCH}--lr12`;

let s: Scenario;
beforeAll(async () => {
  s = await startScenario({ config: { proposer: "none" } });
  await startPastBaseline(s, TAG);
}, 150_000);
afterAll(() => stopChecked(s));

const configIssues = () =>
  s.sandbox.state.issues().filter((i) => i.labels.includes("autoresearch:config"));

/** The serverless heartbeat: makes the app look at every run again. */
async function heartbeat(): Promise<void> {
  await s.sandbox.octokit().repos.createDispatchEvent({
    owner: s.sandbox.repo.owner,
    repo: s.sandbox.repo.name,
    event_type: "autoresearch-heartbeat",
  });
  await s.sandbox.settle({ timeoutMs: 90_000 });
}

describe("invalid config", { timeout: 150_000 }, () => {
  it("reports a broken config with a failing check and one issue, and trains nothing", async () => {
    const { sandbox } = s;
    const runs = sandbox.state.runs().length;
    const broken = await sandbox.human.push(
      "main",
      {
        [CONFIG_FILE]: tinyConfigYaml({ proposer: "none", concurrency: "two", timeoutMinute: 5 }),
      },
      "Use both GPUs",
    );
    // A new idea arrives: the app must not train it with a config it cannot read.
    await s.pushExperiment(
      TAG,
      "lr12",
      { "train.py": setConstants({ LEARNING_RATE: "12.0" }) },
      "LEARNING_RATE 8.0 → 12.0",
    );
    await sandbox.settle({ timeoutMs: 90_000 });
    await heartbeat();

    const checks = sandbox.state
      .checkRuns(broken)
      .filter((c) => c.name === "autoresearch / config");
    // Once, however many passes saw the same broken file.
    expect(checks.map((c) => [c.status, c.conclusion])).toEqual([["completed", "failure"]]);

    const [issue, ...more] = configIssues();
    expect(more).toEqual([]);
    expect(issue.state).toBe("open");
    expect(issue.body).toContain(
      "- **<code>concurrency</code>**: Invalid input: expected number, received string",
    );
    expect(issue.body).toContain(
      "- **<code>timeoutMinute</code>**: unknown key: did you mean timeoutMinutes?",
    );
    const dashboard = s.dashboard(TAG)!.number;
    expect(
      s.appComments(dashboard).filter((c) => c.body.includes("The config is invalid")),
    ).toEqual([
      expect.objectContaining({
        body: `⚠️ The config is invalid, so this run waits: see #${issue.number}.`,
      }),
    ]);
    expect(sandbox.state.runs()).toHaveLength(runs);
    expect(s.runsFor(WAITING)).toEqual([]);
  });

  it("closes the issue once the file is fixed, and the waiting experiment trains", async () => {
    const { sandbox } = s;
    await sandbox.human.push(
      "main",
      { [CONFIG_FILE]: tinyConfigYaml({ proposer: "none" }) },
      "Fix the config",
    );
    await heartbeat();

    const [issue, ...more] = configIssues();
    expect(more).toEqual([]);
    expect(issue.state).toBe("closed");
    expect(s.appComments(issue.number).map((c) => c.body)).toEqual([
      "✅ `.github/autoresearch.yml` is valid again: the runs carry on.",
    ]);
    expect(s.appComments(s.dashboard(TAG)!.number).map((c) => c.body)).toContain(
      "✅ The config is valid again: the run carries on.",
    );
    const decided = await s.waitForDecision(TAG, WAITING, 120_000);
    expect(s.runsFor(WAITING)).toHaveLength(1);
    expect(decided.state.verdict).not.toBeNull();
  });

  it("turns an alias bomb into a problem on the file, without crashing the pass", async () => {
    const { sandbox } = s;
    // Each level lists the one before nine times: 9^10 strings once expanded.
    const nine = (item: string) => Array(9).fill(item).join(", ");
    const levels = [`l0: &l0 [${nine('"lol"')}]`];
    for (let i = 1; i <= 9; i++) levels.push(`l${i}: &l${i} [${nine(`*l${i - 1}`)}]`);
    const runs = sandbox.state.runs().length;
    await sandbox.human.push(
      "main",
      { [CONFIG_FILE]: `${tinyConfigYaml({ proposer: "none" })}${levels.join("\n")}\n` },
      "Laugh",
    );
    await heartbeat();
    // settle() watches the API, not the app: parsing may outlast its quiet period on a busy machine.
    await s.app().idle();
    await sandbox.settle();

    const open = configIssues().filter((i) => i.state === "open");
    expect(open).toHaveLength(1);
    expect(open[0].body).toContain(
      "- **the file**: the file expands YAML aliases more than 100 times (an alias bomb?)",
    );
    expect(sandbox.state.runs()).toHaveLength(runs);
  });
});
