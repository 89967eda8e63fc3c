// The real `autoresearch` binary, as a child process, against the sandbox GitHub running the real app.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../sandbox/harness.js";
import { type Night, startNight, TINY_DIR } from "../../sandbox/night.js";
import { parseResults } from "../../src/core/results-tsv.js";
import { readRunBlock } from "../../src/core/run-state.js";
import { readStateBlock } from "../../src/core/state-block.js";

const BIN = join(PROJECT_ROOT, "bin/autoresearch.js");
const TAG = "nov26";
const PROPOSED = `autoresearch/${TAG}--shorter-warmup`;

let night: Night;
let work: string;
let proposedPr = 0;

beforeAll(async () => {
  night = await startNight();
  work = mkdtempSync(join(tmpdir(), "autoresearch-cli-"));
}, 60_000);

afterAll(async () => {
  await night?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

interface Run {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** `autoresearch …` with octocat's token; `env` entries set to undefined are left out. */
async function cli(args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  const base: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GITHUB_TOKEN: night.sandbox.tokens.octocat,
    GITHUB_API_URL: night.sandbox.url,
    ...env,
  };
  const result = await execa(process.execPath, [BIN, ...args], {
    cwd: work,
    env: Object.fromEntries(Object.entries(base).filter(([, v]) => v !== undefined)) as Record<
      string,
      string
    >,
    extendEnv: false,
    reject: false,
    timeout: 90_000,
  });
  return {
    exitCode: result.exitCode ?? -1,
    stdout: String(result.stdout),
    stderr: String(result.stderr),
  };
}

const repo = () => night.sandbox.repo.fullName;
const run = (command: string, ...more: string[]) =>
  cli([command, "--repo", repo(), "--tag", TAG, ...more]);

function dashboardOf(tag: string) {
  return night.sandbox.state.issues().find((i) => readRunBlock(i.body)?.tag === tag);
}

/**
 * Proposes the run head's own train.py; again if a keep moved the head meanwhile. An attempt
 * overtaken by a keep is a real change and is pushed, so each attempt has its own name: `branch`
 * is the one of the attempt returned.
 */
async function proposeTheRunHead(): Promise<Run & { branch: string }> {
  const file = join(work, "same.py");
  for (let attempt = 1; ; attempt++) {
    const head = await night.sandbox.git.sha(`autoresearch/${TAG}`);
    writeFileSync(file, (await night.sandbox.git.readFile(head!, "train.py")) ?? "");
    const message = `no change ${attempt}`;
    const r = await run("propose", "--file", file, "--path", "train.py", "--message", message);
    if (head === (await night.sandbox.git.sha(`autoresearch/${TAG}`)) || attempt === 3)
      return { ...r, branch: `refs/heads/autoresearch/${TAG}--no-change-${attempt}` };
  }
}

const stateOf = (pr: number) => readStateBlock(night.sandbox.state.pull(pr).body);

async function until(what: string, check: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("autoresearch CLI against the sandbox", () => {
  it("--help for the CLI and for a command, exit 0 without a token", async () => {
    const [main, command] = await Promise.all([
      cli(["--help"], { GITHUB_TOKEN: undefined }),
      cli(["propose", "--help"], { GITHUB_TOKEN: undefined }),
    ]);
    expect([main.exitCode, command.exitCode]).toEqual([0, 0]);
    expect(main.stdout).toContain("Usage: autoresearch <command> --repo <owner/name> --tag <tag>");
    expect(main.stdout).toContain("3  not found");
    expect(command.stdout).toContain(
      "Usage: autoresearch propose --repo <owner/name> --tag <tag> --file <path> --message <text>",
    );
  });

  it("start: the app starts the run and the CLI prints its answer and the dashboard", async () => {
    const r = await run("start", "--wait", "60");
    expect(r.stderr).toContain(`Asked the app to start "${TAG}"`);
    expect(r.exitCode).toBe(0);
    const dashboard = dashboardOf(TAG);
    expect(dashboard).toBeDefined();
    expect(r.stdout).toContain(`Started run \`${TAG}\``);
    expect(r.stdout).toContain(`Dashboard: `);
    expect(r.stdout).toContain(`/issues/${dashboard!.number}`);
    const request = night.sandbox.state
      .issues()
      .find((i) => i.title === `autoresearch: start ${TAG}`);
    expect(request?.state).toBe("closed");
    expect(readRunBlock(dashboard!.body)?.started_by).toBe("octocat");
  });

  it("propose: pushes the file as autoresearch/<tag>--<slug>; the app opens a PR and queues it", async () => {
    const original = readFileSync(join(TINY_DIR, "train.py"), "utf8");
    const edited = original.replace(/^WARMUP_RATIO = 0\.1\b/m, "WARMUP_RATIO = 0.05");
    expect(edited).not.toBe(original);
    writeFileSync(join(work, "train.py"), edited);
    // A relative --file, as a user types it: the repository path is its name.
    const r = await run(
      "propose",
      "--file",
      "train.py",
      "--message",
      "shorter warmup",
      "--wait",
      "60",
    );
    expect(r.stderr).not.toContain("autoresearch:");
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain(`as ${PROPOSED} (commit `);
    proposedPr = Number(/PR #(\d+)/.exec(r.stdout)?.[1]);
    expect(night.sandbox.state.pull(proposedPr).pull_request?.head.ref).toBe(PROPOSED);
    expect(await night.sandbox.git.readFile(PROPOSED, "train.py")).toBe(edited);
    await until(`#${proposedPr} to be adopted`, () => stateOf(proposedPr) !== null);
    expect(stateOf(proposedPr)).toMatchObject({ source: "push", description: "shorter warmup" });
  }, 120_000);

  it("propose: refuses a taken name (1), an unchanged file (2) and a path outside allowedPaths (2)", async () => {
    const taken = join(work, "taken.py");
    writeFileSync(taken, "WARMUP_RATIO = 0.02\n");
    writeFileSync(join(work, "prepare.py"), "print('changed')\n");
    const [nameTaken, outside] = await Promise.all([
      run("propose", "--file", taken, "--path", "train.py", "--message", "shorter warmup"),
      run("propose", "--file", "prepare.py", "--message", "touch prepare"),
    ]);
    expect(nameTaken.exitCode).toBe(1);
    expect(nameTaken.stderr).toContain(`the branch ${PROPOSED} already exists`);
    expect(outside.exitCode).toBe(2);
    expect(outside.stderr).toContain(
      "--path prepare.py is not one of the paths experiments may change",
    );
    const unchanged = await proposeTheRunHead();
    expect(unchanged.exitCode).toBe(2);
    expect(unchanged.stderr).toContain(`train.py on autoresearch/${TAG} is already exactly`);
    const refs = (await night.sandbox.state.refs("refs/heads/")).map((r) => r.ref);
    expect(refs).not.toContain(unchanged.branch);
    expect(refs.filter((ref) => /touch-prepare/.test(ref))).toEqual([]);
  });

  it("errors say what to do: no token (2), bad --repo (2), unknown repository (3), unknown run (3), existing tag (1)", async () => {
    const issuesBefore = night.sandbox.state.issues().filter((i) => !i.pull_request).length;
    const [noToken, badRepo, noRepo, noRun, exists] = await Promise.all([
      cli(["status", "--repo", repo(), "--tag", TAG], { GITHUB_TOKEN: undefined }),
      cli(["status", "--repo", "acme", "--tag", TAG]),
      cli(["status", "--repo", "acme/nothing-here", "--tag", TAG]),
      cli(["status", "--repo", repo(), "--tag", "dec01"]),
      run("start"),
    ]);
    expect(noToken.exitCode).toBe(2);
    expect(noToken.stderr).toContain("GITHUB_TOKEN is not set: export a token");
    expect(badRepo.exitCode).toBe(2);
    expect(badRepo.stderr).toContain('--repo "acme" is not owner/name');
    expect(noRepo.exitCode).toBe(3);
    expect(noRepo.stderr).toContain("repository acme/nothing-here not found");
    expect(noRun.exitCode).toBe(3);
    expect(noRun.stderr).toContain(`no run "dec01" in ${repo()} (runs there: ${TAG} (running))`);
    expect(exists.exitCode).toBe(1);
    expect(exists.stderr).toContain(`a run "${TAG}" already exists`);
    // Refused before anything was written: no second request issue.
    expect(night.sandbox.state.issues().filter((i) => !i.pull_request).length).toBe(issuesBefore);
  });

  it("status: best, in flight, queued and last verdicts from the PR trail", async () => {
    await night.waitForDecided(1, 60_000);
    const [text, json] = await Promise.all([run("status"), run("status", "--format", "json")]);
    expect(text.exitCode).toBe(0);
    expect(text.stdout).toContain(`Run ${TAG} in ${repo()}: running`);
    expect(text.stdout).toMatch(/best +val_bpb \d\.\d{6}: .+ \(#\d+, [0-9a-f]{7}\)/);
    expect(text.stdout).toContain("Last verdicts, newest first:");
    const report = JSON.parse(json.stdout);
    expect(report.dashboard.number).toBe(dashboardOf(TAG)!.number);
    expect(report.counts.decided).toBeGreaterThanOrEqual(1);
    const newest = report.last_verdicts[0];
    expect(stateOf(newest.pr)?.verdict?.status).toBe(newest.status);
  }, 120_000);

  it("pause and resume: the app's answers, and the run's recorded status", async () => {
    const paused = await run("pause");
    expect(paused.exitCode).toBe(0);
    expect(paused.stdout).toContain(`Paused \`${TAG}\``);
    expect(readRunBlock(dashboardOf(TAG)!.body)?.status).toBe("paused");
    const resumed = await run("resume");
    expect(resumed.exitCode).toBe(0);
    expect(resumed.stdout).toContain(`Resumed \`${TAG}\``);
    expect(readRunBlock(dashboardOf(TAG)!.body)?.status).toBe("running");
  });

  // policy.preDispatch puts more trainings ahead of the proposed PR: on a loaded machine it waits.
  it("results: the gist's results.tsv, the same rows rebuilt from the PRs, and JSON", {
    timeout: 240_000,
  }, async () => {
    await until(
      `#${proposedPr} to be decided`,
      () => stateOf(proposedPr)?.phase === "decided",
      220_000,
    );
    await night.app().idle();
    const [stored, rebuilt, json] = await Promise.all([
      run("results"),
      run("results", "--rebuild"),
      run("results", "--format", "json"),
    ]);
    expect([stored.exitCode, rebuilt.exitCode, json.exitCode]).toEqual([0, 0, 0]);
    expect(stored.stderr).toMatch(/rows from \S+\/gist\//);
    const rows = parseResults(stored.stdout);
    expect(rows.length).toBeGreaterThanOrEqual(2);
    expect(rows[0].description).toBe("baseline");
    expect(rows.map((r) => r.description)).toContain("shorter warmup");
    // The gist may be one pass behind the trail, never ahead of it.
    expect(parseResults(rebuilt.stdout).slice(0, rows.length)).toEqual(rows);
    expect(rebuilt.stderr).toContain(`rows from the PR trail of autoresearch/${TAG}`);
    const parsed = JSON.parse(json.stdout) as { commit: string; status: string }[];
    expect(parsed[0]).toMatchObject({ commit: rows[0].commit, status: rows[0].status });
  });

  it("chart: writes progress.svg", async () => {
    const out = join(work, "progress.svg");
    const r = await run("chart", "--out", out);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain(`Wrote ${out}:`);
    const svg = readFileSync(out, "utf8");
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg).toMatch(/Autoresearch Progress: \d+ Experiments, \d+ Kept Improvements/);
  });

  it("stop: the app stops the run; pausing it afterwards is refused by the app (exit 1)", async () => {
    const stopped = await run("stop");
    expect(stopped.exitCode).toBe(0);
    expect(stopped.stdout).toContain(`Stopped \`${TAG}\``);
    const paused = await run("pause");
    expect(paused.exitCode).toBe(1);
    expect(paused.stderr).toContain("a stopped run cannot be paused");
    night.sandbox.assertNoViolations();
  });

  it("start: without the app running, says after --wait that it may not be installed or running (exit 1)", async () => {
    await night.sandbox.stopApp();
    const r = await cli(["start", "--repo", repo(), "--tag", "dec01", "--wait", "2"]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("no answer from the autoresearch app within 2s on ");
    expect(r.stderr).toContain(`the app may not be installed on ${repo()}`);
    expect(dashboardOf("dec01")).toBeUndefined();
  });
});
