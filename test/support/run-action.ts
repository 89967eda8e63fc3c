import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import examples from "@octokit/webhooks-examples/api.github.com/index.json" with { type: "json" };
import { execa } from "execa";
import { parse } from "yaml";

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
}

/** Runs the bundled action exactly as a runner would: INPUT_* variables, GITHUB_* files, a real event. */
export async function runAction(options: {
  inputs: Record<string, string>;
  apiUrl: string;
  pr: number | null;
  ref?: string;
  env?: Record<string, string>;
  withData?: boolean;
}): Promise<ActionRun> {
  const dir = mkdtempSync(join(tmpdir(), "action-run-"));
  const home = join(dir, "home");
  const workspace = join(dir, "workspace");
  mkdirSync(workspace, { recursive: true });
  if (options.withData !== false) mkdirSync(join(home, ".cache/autoresearch"), { recursive: true });
  const files = {
    output: join(dir, "output"),
    summary: join(dir, "summary"),
    event: join(dir, "event.json"),
  };
  writeFileSync(files.output, "");
  writeFileSync(files.summary, "");
  writeFileSync(files.event, JSON.stringify(workflowDispatchEvent(options.pr)));
  const inputs = { ...actionDefaults(), "github-token": "ghs_runner_token", ...options.inputs };
  const inputEnv = Object.fromEntries(
    Object.entries(inputs).map(([name, value]) => [
      `INPUT_${name.replace(/ /g, "_").toUpperCase()}`,
      value,
    ]),
  );
  const result = await execa("node", [DIST], {
    cwd: workspace,
    reject: false,
    all: true,
    env: {
      ...inputEnv,
      HOME: home,
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
      GITHUB_TOKEN: "ghs_runner_token",
      ...options.env,
    },
    extendEnv: true,
  });
  return {
    exitCode: result.exitCode ?? -1,
    stdout: result.all ?? "",
    outputs: parseOutputFile(readFileSync(files.output, "utf8")),
    summary: readFileSync(files.summary, "utf8"),
    home,
    workspace,
  };
}

/** GITHUB_OUTPUT's heredoc format: `name<<DELIM\nvalue\nDELIM`. */
function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const re = /^(.+?)<<(.+)\n([\s\S]*?)\n\2$/gm;
  for (const m of text.matchAll(re)) outputs[m[1]] = m[3];
  return outputs;
}
