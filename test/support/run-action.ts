import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import examples from "@octokit/webhooks-examples/api.github.com/index.json" with { type: "json" };
import { execa } from "execa";
import { parse } from "yaml";
import { jobPath } from "../../sandbox/runner.js";

const ROOT = resolve(import.meta.dirname, "../..");
export const DIST = join(ROOT, "dist/index.js");

/** action.yml defaults, as the runner applies them before starting the action. */
export function actionDefaults(): Record<string, string> {
  const manifest = parse(readFileSync(join(ROOT, "action.yml"), "utf8")) as {
    inputs: Record<string, { default?: string }>;
  };
  return Object.fromEntries(
    Object.entries(manifest.inputs).map(([name, spec]) => [name, spec.default ?? ""]),
  );
}

/** A real workflow_dispatch payload from @octokit/webhooks-examples, patched with our input. */
export function workflowDispatchEvent(pr: number | null): unknown {
  const group = (examples as { name: string; examples: Record<string, unknown>[] }[]).find(
    (e) => e.name === "workflow_dispatch",
  )!;
  const event = structuredClone(group.examples[0]);
  event.inputs = pr === null ? {} : { pr: String(pr) };
  return event;
}

export interface ActionRun {
  exitCode: number;
  stdout: string;
  outputs: Record<string, string>;
  summary: string;
  home: string;
  workspace: string;
  temp: string;
}

export interface JobRun extends ActionRun {
  /** Each step's own run, in order (a step the job skipped is absent). */
  steps: Partial<Record<"check" | "train" | "report", ActionRun>>;
}

type JobOptions = {
  inputs: Record<string, string>;
  apiUrl: string;
  pr: number | null;
  ref?: string;
  env?: Record<string, string>;
  withData?: boolean;
};

const TOKEN = "ghs_runner_token";

/**
 * Runs one experiment job as examples/workflows/autoresearch.yml does: `mode: check` and
 * `mode: report` with the token, `mode: train` without, sharing RUNNER_TEMP and the workspace;
 * train runs only if check passed, report always. `inputs` go to every step.
 */
export async function runJob(options: JobOptions): Promise<JobRun> {
  const dirs = jobDirs(options.withData !== false);
  const steps: JobRun["steps"] = {};
  steps.check = await runStep(dirs, options, { mode: "check", "github-token": TOKEN });
  if (steps.check.exitCode === 0) {
    steps.train = await runStep(dirs, options, { mode: "train", "github-token": "" });
  }
  steps.report = await runStep(dirs, options, { mode: "report", "github-token": TOKEN });
  const all = [steps.check, steps.train, steps.report].filter((s): s is ActionRun => !!s);
  return {
    ...dirs,
    exitCode: all.find((s) => s.exitCode !== 0)?.exitCode ?? 0,
    stdout: all.map((s) => s.stdout).join("\n"),
    outputs: Object.assign({}, ...all.map((s) => s.outputs)),
    summary: all.map((s) => s.summary).join(""),
    steps,
  };
}

/** Runs the bundled action once, in one mode, with the token unless `inputs` say otherwise. */
export async function runAction(options: JobOptions): Promise<ActionRun> {
  return runStep(jobDirs(options.withData !== false), options, { "github-token": TOKEN });
}

function jobDirs(withData: boolean) {
  const dir = mkdtempSync(join(tmpdir(), "action-run-"));
  const home = join(dir, "home");
  const workspace = join(dir, "workspace");
  const temp = join(dir, "temp");
  mkdirSync(workspace, { recursive: true });
  mkdirSync(temp, { recursive: true });
  if (withData) mkdirSync(join(home, ".cache/autoresearch"), { recursive: true });
  return { dir, home, workspace, temp };
}

/** One step exactly as a runner starts it: INPUT_* variables, GITHUB_* files, a real event. */
async function runStep(
  dirs: ReturnType<typeof jobDirs>,
  options: JobOptions,
  stepInputs: Record<string, string>,
): Promise<ActionRun> {
  const step = mkdtempSync(join(dirs.dir, "step-"));
  const files = {
    output: join(step, "output"),
    summary: join(step, "summary"),
    event: join(step, "event.json"),
  };
  writeFileSync(files.output, "");
  writeFileSync(files.summary, "");
  writeFileSync(files.event, JSON.stringify(workflowDispatchEvent(options.pr)));
  const inputs = { ...actionDefaults(), ...stepInputs, ...options.inputs };
  const inputEnv = Object.fromEntries(
    Object.entries(inputs).map(([name, value]) => [
      `INPUT_${name.replace(/ /g, "_").toUpperCase()}`,
      value,
    ]),
  );
  const result = await execa("node", [DIST], {
    cwd: dirs.workspace,
    reject: false,
    all: true,
    env: {
      ...inputEnv,
      PATH: jobPath(),
      HOME: dirs.home,
      RUNNER_TEMP: dirs.temp,
      GITHUB_ACTIONS: "true",
      GITHUB_OUTPUT: files.output,
      GITHUB_STEP_SUMMARY: files.summary,
      GITHUB_EVENT_PATH: files.event,
      GITHUB_EVENT_NAME: "workflow_dispatch",
      GITHUB_REPOSITORY: "acme/research",
      GITHUB_REF: options.ref ?? "refs/heads/autoresearch/nov26--3-lr",
      GITHUB_SHA: "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678",
      GITHUB_RUN_ID: "4242",
      GITHUB_RUN_ATTEMPT: "1",
      GITHUB_SERVER_URL: "https://github.com",
      GITHUB_API_URL: options.apiUrl,
      ...options.env,
    },
    extendEnv: true,
  });
  return {
    exitCode: result.exitCode ?? -1,
    stdout: result.all ?? "",
    outputs: parseOutputFile(readFileSync(files.output, "utf8")),
    summary: readFileSync(files.summary, "utf8"),
    home: dirs.home,
    workspace: dirs.workspace,
    temp: dirs.temp,
  };
}

/** GITHUB_OUTPUT's heredoc format: `name<<DELIM\nvalue\nDELIM`. */
function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const re = /^(.+?)<<(.+)\n([\s\S]*?)\n\2$/gm;
  for (const m of text.matchAll(re)) outputs[m[1]] = m[3];
  return outputs;
}
