// readLedger with a hand-built fake of the few Octokit calls it makes (the sandbox test covers the gist path end to end).
import type { Octokit } from "@octokit/rest";
import { describe, expect, it } from "vitest";
import { CliError } from "../../src/cli/exit-codes.js";
import type { Session } from "../../src/cli/github-session.js";
import { readLedger } from "../../src/cli/ledger-source.js";
import { ledgerSection, type RunState } from "../../src/core/run-state.js";
import { renderStateBlock } from "../../src/core/state-block.js";
import type { DashboardIssue } from "../../src/github/run-issues.js";

const HEADER = "commit\tval_bpb\tmemory_gb\tstatus\tdescription";
const STORED = `${HEADER}\na1b2c3d\t0.997900\t44.0\tkeep\tbaseline\n`;

const RUN: RunState = {
  v: 1,
  tag: "nov26",
  status: "running",
  branch: "autoresearch/nov26",
  base_branch: "main",
  gist_id: null,
  ledger: "issue",
  next_n: 3,
  started_at: "2025-11-26T20:00:00.000Z",
  started_by: "octocat",
  proposer_failures: 0,
  notes: [],
};

/** One decided PR in the trail: what --rebuild and every fallback read. */
const TRAIL_PULL = {
  number: 2,
  title: "lower LR",
  body: `Lower LR.\n\n${renderStateBlock(
    {
      v: 1,
      tag: "nov26",
      n: 2,
      description: "lower LR",
      source: "sweep",
      base_sha: "b".repeat(40),
      head_sha: "f00dfeed".padEnd(40, "0"),
      phase: "decided",
      attempts: 1,
      infra_failures: 0,
      dispatched_at: null,
      result: null,
      verdict: { status: "crash", reason: "no val_bpb", delta: null, best: null, flags: [] },
      decided_at: "2025-11-26T21:00:00.000Z",
    },
    null,
  )}`,
  state: "closed",
  merged_at: null,
  head: {
    ref: "autoresearch/nov26--2-lower-lr",
    sha: "f00dfeed",
    repo: { full_name: "acme/research" },
  },
  base: { sha: "b".repeat(40) },
  labels: [],
  user: { login: "autoresearch-bot[bot]", type: "Bot" },
};

function session(gist: () => Promise<unknown>): Session {
  const octokit = {
    rest: { gists: { get: gist }, pulls: { list: () => undefined } },
    paginate: async () => [TRAIL_PULL],
  } as unknown as Octokit;
  return {
    gh: { octokit, owner: "acme", repo: "research" },
    htmlUrl: "https://github.com/acme/research",
    fullName: "acme/research",
    root: { repository: "acme/research", appLogin: null, sealer: null },
  };
}

const noGist = () => Promise.reject(new Error("the gist must not be read"));

function dashboard(body: string, run: Partial<RunState> = {}): DashboardIssue {
  return { number: 1, body, state: "open", run: { ...RUN, ...run } };
}

describe("readLedger", () => {
  it("reads results.tsv from the run's gist", async () => {
    const gist = async () => ({
      data: {
        html_url: "https://gist.github.com/g1",
        files: { "results.tsv": { content: STORED, truncated: false } },
      },
    });
    const ledger = await readLedger(
      session(gist),
      dashboard("", { ledger: "gist", gist_id: "g1" }),
      false,
    );
    expect(ledger).toEqual({
      rows: [
        {
          commit: "a1b2c3d",
          valBpb: 0.9979,
          memoryGb: 44,
          status: "keep",
          description: "baseline",
        },
      ],
      source: "https://gist.github.com/g1",
      warnings: [],
    });
  });

  it("rebuilds from the trail, saying why, when the gist cannot be read", async () => {
    const gist = () => Promise.reject(Object.assign(new Error("Forbidden"), { status: 403 }));
    const ledger = await readLedger(
      session(gist),
      dashboard("", { ledger: "gist", gist_id: "g1" }),
      false,
    );
    expect(ledger.rows.map((r) => [r.commit, r.status, r.description])).toEqual([
      ["f00dfee", "crash", "lower LR"],
    ]);
    expect(ledger.warnings).toEqual([
      "could not read gist g1 (HTTP 403): rebuilt from the PR trail instead",
    ]);
  });

  it("reads the dashboard's ledger section when the ledger lives in the issue", async () => {
    const ledger = await readLedger(session(noGist), dashboard(ledgerSection(STORED)), false);
    expect(ledger.rows.map((r) => r.description)).toEqual(["baseline"]);
    expect(ledger.source).toBe("the dashboard https://github.com/acme/research/issues/1");
    expect(ledger.warnings).toEqual([]);
  });

  it("warns when the dashboard left old rows out", async () => {
    const body = `The oldest 12 rows are left out to stay within GitHub's issue size limit.\n\n${ledgerSection(STORED)}`;
    const ledger = await readLedger(session(noGist), dashboard(body), false);
    expect(ledger.warnings).toEqual([
      "the dashboard https://github.com/acme/research/issues/1 leaves out the oldest 12 rows (GitHub's issue size limit): use --rebuild for all of them",
    ]);
  });

  it("rebuilds from the trail when the dashboard has no ledger yet", async () => {
    const ledger = await readLedger(session(noGist), dashboard("no ledger here"), false);
    expect(ledger.rows).toHaveLength(1);
    expect(ledger.warnings[0]).toContain("has no ledger section yet: rebuilt from the PR trail");
  });

  it("--rebuild reads only the trail", async () => {
    const ledger = await readLedger(
      session(noGist),
      dashboard(ledgerSection(STORED), { ledger: "gist", gist_id: "g1" }),
      true,
    );
    expect(ledger.rows.map((r) => r.description)).toEqual(["lower LR"]);
    expect(ledger.source).toBe("the PR trail of autoresearch/nov26 (1 PRs)");
    expect(ledger.warnings).toEqual([]);
  });

  it("a malformed stored ledger fails (exit 1) and points at --rebuild", async () => {
    const broken = `${HEADER}\na1b2c3d,0.99,44.0,keep,baseline\n`;
    const error = await readLedger(session(noGist), dashboard(ledgerSection(broken)), false).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(1);
    expect((error as CliError).message).toContain("line 2: expected 5 tab-separated columns");
    expect((error as CliError).message).toContain("run again with --rebuild");
  });
});
