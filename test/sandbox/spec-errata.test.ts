import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAjv } from "../../sandbox/ajv.js";
import type { SandboxHandle } from "../../sandbox/harness.js";
import { loadOpenApiContract } from "../../sandbox/openapi.js";
import {
  addErrataFormats,
  applySpecErrata,
  COMMIT_EMAIL_FORMAT,
  SPEC_ERRATA,
} from "../../sandbox/spec-errata.js";
import { start } from "./sandbox-fixtures.js";

const repo = { owner: "acme", repo: "research" };
const contract = loadOpenApiContract();

describe("the commit email format", () => {
  const ajv = addErrataFormats(createAjv());
  const valid = ajv.compile({ type: "string", format: COMMIT_EMAIL_FORMAT });

  it.each([
    [
      "an app bot's noreply address",
      "8000001+autoresearch-bot[bot]@users.noreply.github.com",
      true,
    ],
    ["GitHub Actions' bot address", "41898282+github-actions[bot]@users.noreply.github.com", true],
    ["a bot address without the id", "github-actions[bot]@users.noreply.github.com", true],
    ["a user's noreply address", "1+octocat@users.noreply.github.com", true],
    ["a plain address", "noreply@github.com", true],
    ["[bot] on another domain", "evil[bot]@example.com", false],
    ["a lookalike domain", "x[bot]@users.noreply.github.com.example.com", false],
    ["brackets elsewhere", "oct[o]cat@users.noreply.github.com", false],
    ["no address at all", "Sandbox", false],
  ])("%s: %s → %s", (_what, email, ok) => {
    expect(valid(email)).toBe(ok);
  });
});

describe("applySpecErrata", () => {
  const schemas = () => ({
    thing: {
      type: "object",
      properties: { description: { type: "string" } },
    } as Record<string, unknown>,
  });
  const erratum = {
    schema: "thing",
    pointer: "/properties/description",
    expect: (node: Record<string, unknown>) => node.nullable !== true,
    fix: (node: Record<string, unknown>) => ({ ...node, nullable: true }),
    evidence: "https://example.invalid/issue",
  };

  it("changes only the named node and leaves the parsed description untouched", () => {
    const input = schemas();
    const out = applySpecErrata(input, [erratum]);
    expect(out.thing).toEqual({
      type: "object",
      properties: { description: { type: "string", nullable: true } },
    });
    expect(input).toEqual(schemas());
  });

  it.each([
    ["the inaccuracy is fixed upstream", { ...erratum, expect: () => false }],
    ["the node is gone", { ...erratum, pointer: "/properties/summary" }],
    ["the schema is gone", { ...erratum, schema: "other" }],
  ])("throws naming the erratum to remove when %s", (_why, stale) => {
    expect(() => applySpecErrata(schemas(), [stale])).toThrow(
      /spec erratum .* no longer applies .*remove the erratum from sandbox\/spec-errata\.ts/,
    );
  });

  it("still applies to the bundled description", () => {
    expect(SPEC_ERRATA.length).toBeGreaterThan(0);
    expect(() => loadOpenApiContract()).not.toThrow();
  });
});

describe("what GitHub answers where its description is wrong", () => {
  let sb: SandboxHandle;
  beforeAll(async () => {
    sb = await start();
  });
  afterAll(async () => {
    await sb?.stop();
  });

  /** A PR whose head commit the app made (so its author is the bot) with a label added by name. */
  async function botPull(branch: string) {
    const bot = await sb.installationOctokit();
    const { data: main } = await bot.rest.git.getRef({ ...repo, ref: "heads/main" });
    const { data: parent } = await bot.rest.git.getCommit({ ...repo, commit_sha: main.object.sha });
    const { data: tree } = await bot.rest.git.createTree({
      ...repo,
      base_tree: parent.tree.sha,
      tree: [{ path: "train.py", mode: "100644", type: "blob", content: `# ${branch}\n` }],
    });
    const { data: commit } = await bot.rest.git.createCommit({
      ...repo,
      message: branch,
      tree: tree.sha,
      parents: [parent.sha],
    });
    await bot.rest.git.createRef({ ...repo, ref: `refs/heads/${branch}`, sha: commit.sha });
    const { data: pr } = await bot.rest.pulls.create({
      ...repo,
      title: branch,
      head: branch,
      base: "main",
    });
    await bot.rest.issues.addLabels({ ...repo, issue_number: pr.number, labels: ["experiment"] });
    return { bot, pr };
  }

  it("lists a label added by name with a null description on PRs, as GitHub does", async () => {
    const { bot, pr } = await botPull("errata/labels");
    const { data: pulls } = await bot.rest.pulls.list({ ...repo, state: "all" });
    const listed = pulls.find((p) => p.number === pr.number)!;
    expect(listed.labels.map((l) => [l.name, l.description])).toEqual([["experiment", null]]);
    const { data: one } = await bot.rest.pulls.get({ ...repo, pull_number: pr.number });
    expect(one.labels.map((l) => l.description)).toEqual([null]);
    sb.assertNoViolations();

    // Only null is accepted besides a string: the rest of the schema still holds.
    const withLabel = (label: Record<string, unknown>) => [{ ...listed, labels: [label] }];
    const { description: _dropped, ...noDescription } = listed.labels[0];
    expect(() =>
      contract.validateResponse(
        "pulls/list",
        200,
        withLabel({ ...listed.labels[0], description: 5 }),
      ),
    ).toThrow(/labels\/0\/description/);
    expect(() => contract.validateResponse("pulls/list", 200, withLabel(noDescription))).toThrow(
      /must have required property 'description'/,
    );
  });

  it("shows the bot's noreply address on a workflow run's head commit, as GitHub does", async () => {
    const { bot, pr } = await botPull("errata/runs");
    await bot.rest.actions.createWorkflowDispatch({
      ...repo,
      workflow_id: "train.yml",
      ref: "errata/runs",
      inputs: { "pull-request": String(pr.number) },
    });
    await sb.settle();
    const { data } = await bot.rest.actions.listWorkflowRuns({
      ...repo,
      workflow_id: "train.yml",
      branch: "errata/runs",
    });
    const run = data.workflow_runs[0];
    expect(run.head_commit?.author?.email).toMatch(
      /^\d+\+autoresearch-bot\[bot\]@users\.noreply\.github\.com$/,
    );
    expect(run.head_commit?.committer?.email).toBe(run.head_commit?.author?.email);
    sb.assertNoViolations();

    const withEmail = (email: string) => ({
      ...data,
      workflow_runs: [
        { ...run, head_commit: { ...run.head_commit, author: { name: "x", email } } },
      ],
    });
    expect(() =>
      contract.validateResponse(
        "actions/list-workflow-runs",
        200,
        withEmail("49699333+dependabot[bot]@users.noreply.github.com"),
      ),
    ).not.toThrow();
    expect(() =>
      contract.validateResponse(
        "actions/list-workflow-runs",
        200,
        withEmail("evil[bot]@example.com"),
      ),
    ).toThrow(/head_commit\/author\/email: must match format "github-commit-email"/);
  });
});
