import { readFileSync } from "node:fs";

/** What the Actions runner tells the action about this job, read once from its environment. */
export interface RunContext {
  repository: string;
  owner: string;
  repo: string;
  ref: string;
  sha: string;
  runId: string;
  runAttempt: number;
  runUrl: string | null;
  apiUrl: string;
  eventPr: number | null;
}

export function readRunContext(env: NodeJS.ProcessEnv): RunContext {
  const repository = env.GITHUB_REPOSITORY ?? "";
  const [owner = "", repo = ""] = repository.split("/");
  const event = readEvent(env.GITHUB_EVENT_PATH);
  const serverUrl = env.GITHUB_SERVER_URL ?? "https://github.com";
  const runId = env.GITHUB_RUN_ID ?? "0";
  return {
    repository,
    owner,
    repo,
    ref: env.GITHUB_HEAD_REF ? `refs/heads/${env.GITHUB_HEAD_REF}` : (env.GITHUB_REF ?? ""),
    sha: env.GITHUB_SHA ?? "",
    runId,
    runAttempt: Number(env.GITHUB_RUN_ATTEMPT ?? "1") || 1,
    runUrl: repository ? `${serverUrl}/${repository}/actions/runs/${runId}` : null,
    apiUrl: env.GITHUB_API_URL ?? "https://api.github.com",
    eventPr: prFromEvent(event),
  };
}

/** The PR a job is about: a pull_request event's, or a workflow_dispatch input `pr`. */
export function prFromEvent(event: unknown): number | null {
  if (typeof event !== "object" || event === null) return null;
  const e = event as { pull_request?: { number?: unknown }; inputs?: { pr?: unknown } };
  const candidate = e.pull_request?.number ?? e.inputs?.pr;
  const n = Number(candidate);
  return Number.isInteger(n) && n > 0 ? n : null;
}

function readEvent(path: string | undefined): unknown {
  if (!path) return null;
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch {
    return null;
  }
}
