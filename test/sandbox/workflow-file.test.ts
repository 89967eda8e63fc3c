import { describe, expect, it } from "vitest";
import { parseFileCommands } from "../../sandbox/runner.js";
import {
  type ExpressionContext,
  evaluateTemplate,
  parseWorkflow,
  resolveDispatchInputs,
} from "../../sandbox/workflow-file.js";

const WORKFLOW = `
name: train
run-name: "train #\${{ inputs.pr }}"
on:
  workflow_dispatch:
    inputs:
      pr: { required: true, type: string }
      mode: { type: choice, options: [train, propose], default: train }
      dry: { type: boolean, default: false }
      count: { type: number }
permissions:
  pull-requests: write
jobs:
  train:
    runs-on: [self-hosted, gpu]
    steps:
      - uses: actions/checkout@v5
`;

describe("parseWorkflow", () => {
  it("reads the dispatch inputs, permissions and jobs", () => {
    const wf = parseWorkflow(WORKFLOW, "train.yml");
    expect(wf.name).toBe("train");
    expect(wf.dispatchInputs?.pr).toEqual({ type: "string", required: true });
    expect(wf.dispatchInputs?.mode).toMatchObject({
      type: "choice",
      options: ["train", "propose"],
      default: "train",
    });
    expect(wf.permissions).toEqual({ pull_requests: "write" });
    expect(wf.jobs[0]).toMatchObject({
      id: "train",
      runsOn: ["self-hosted", "gpu"],
      timeoutMinutes: 360,
    });
  });

  it.each([
    ["on: push\njobs: {}", null],
    ["on: [push, workflow_dispatch]\njobs: {}", {}],
    ["on: workflow_dispatch\njobs: {}", {}],
  ])("knows whether %j can be dispatched", (text, inputs) => {
    expect(parseWorkflow(text, "x.yml").dispatchInputs).toEqual(inputs);
  });

  it.each([
    ["on: push\njobs: {}", {}],
    ["on: issue_comment\njobs: {}", { issue_comment: { types: null } }],
    [
      "on: [issue_comment, repository_dispatch]\njobs: {}",
      { issue_comment: { types: null }, repository_dispatch: { types: null } },
    ],
    [
      "on:\n  issue_comment:\n    types: [created]\n  schedule:\n    - cron: '*/10 * * * *'\njobs: {}",
      { issue_comment: { types: ["created"] }, schedule: ["*/10 * * * *"] },
    ],
    [
      "on:\n  repository_dispatch:\n    types: autoresearch-heartbeat\njobs: {}",
      { repository_dispatch: { types: ["autoresearch-heartbeat"] } },
    ],
  ])("reads the event triggers of %j", (text, triggers) => {
    expect(parseWorkflow(text, "x.yml").triggers).toEqual(triggers);
  });

  it("keeps a job's if: for when the run is created", () => {
    const wf = parseWorkflow(
      "on: issue_comment\njobs:\n  a:\n    if: startsWith(github.event.comment.body, '/x')\n    runs-on: ubuntu-latest\n    steps: []",
      "x.yml",
    );
    expect(wf.jobs[0].if).toBe("startsWith(github.event.comment.body, '/x')");
  });
});

describe("resolveDispatchInputs", () => {
  const declared = parseWorkflow(WORKFLOW, "train.yml").dispatchInputs!;

  it("applies defaults and stringifies", () => {
    expect(resolveDispatchInputs(declared, { pr: "3", dry: true, count: 2 })).toEqual({
      pr: "3",
      mode: "train",
      dry: "true",
      count: "2",
    });
  });

  it.each([
    [{ pr: "1", extra: "x" }, 'Unexpected inputs provided: ["extra"]'],
    [{}, "Required input 'pr' not provided"],
    [{ pr: 3 }, "Invalid value for input 'pr'"],
    [
      { pr: "1", mode: "sweep" },
      "Provided value 'sweep' for input 'mode' not in the list of allowed values",
    ],
    [{ pr: "1", dry: "yes" }, "Invalid value for input 'dry'"],
  ])("refuses %j like GitHub (422)", (given, message) => {
    expect(() => resolveDispatchInputs(declared, given)).toThrow(message);
  });
});

/** Writes a GitHub Actions expression (`${{ … }}`) without a JS template placeholder. */
const gh = (expr: string) => `\${{ ${expr} }}`;

describe("evaluateTemplate", () => {
  const ctx: ExpressionContext = {
    inputs: { "pull-request": "7", mode: "" },
    github: {
      token: "ghs_abc",
      event: { inputs: { "pull-request": "7" } },
      repository: "acme/research",
    },
    secrets: { GITHUB_TOKEN: "ghs_abc" },
    env: { LEVEL: "3" },
    steps: { research: { outputs: { result: "ok" } } },
    runner: { temp: "/tmp/r" },
    job: { status: "success" },
  };

  it.each([
    [`${gh("inputs.pull-request")}`, "7"],
    [`${gh("github.event.inputs.pull-request")}`, "7"],
    [`${gh("github.token")}`, "ghs_abc"],
    [`${gh("secrets.GITHUB_TOKEN")}`, "ghs_abc"],
    [`PR ${gh("inputs.pull-request")} in ${gh("github.repository")}`, "PR 7 in acme/research"],
    [`${gh("inputs.mode || 'train'")}`, "train"],
    [`${gh("steps.research.outputs.result")}`, "ok"],
    [`${gh("env.LEVEL == '3'")}`, "true"],
    [`${gh("success()")}`, "true"],
    [`${gh("inputs.missing")}`, ""],
    // GitHub's string functions ignore case.
    [`${gh("startsWith(github.repository, 'ACME/')")}`, "true"],
    [`${gh("startsWith(github.repository, 'research')")}`, "false"],
    [`${gh("endsWith(github.repository, '/Research')")}`, "true"],
    [`${gh("contains(github.token, 'abc')")}`, "true"],
    [`${gh("contains(inputs.missing, 'abc')")}`, "false"],
    [`${gh("!startsWith(env.LEVEL, '3') || 'no'")}`, "no"],
    [`${gh("github.event_name == 'issue_comment' && github.event.comment.id || 'pass'")}`, "pass"],
  ])("%s → %j", (template, expected) => {
    expect(evaluateTemplate(template, ctx)).toBe(expected);
  });

  it("reports expressions it cannot evaluate", () => {
    const seen: string[] = [];
    expect(evaluateTemplate(`${gh("fromJSON('[1]')[0]")}`, ctx, (e) => seen.push(e))).toBe("");
    expect(seen).toEqual(["fromJSON('[1]')[0]"]);
  });
});

describe("parseFileCommands (GITHUB_OUTPUT / GITHUB_ENV)", () => {
  it("reads name=value lines and heredoc blocks", () => {
    expect(parseFileCommands("a=1\nb=x=y\nmulti<<EOF\nline 1\nline 2\nEOF\n")).toEqual({
      a: "1",
      b: "x=y",
      multi: "line 1\nline 2",
    });
  });
});
