import { createRequire as __arCreateRequire } from 'node:module'; const require = __arCreateRequire(import.meta.url);

// src/action/run-context.ts
import { readFileSync } from "node:fs";
function readRunContext(env) {
  const repository = env.GITHUB_REPOSITORY ?? "";
  const [owner = "", repo = ""] = repository.split("/");
  const event = readEvent(env.GITHUB_EVENT_PATH);
  const serverUrl = env.GITHUB_SERVER_URL ?? "https://github.com";
  const runId = env.GITHUB_RUN_ID ?? "0";
  return {
    repository,
    owner,
    repo,
    ref: env.GITHUB_HEAD_REF ? `refs/heads/${env.GITHUB_HEAD_REF}` : env.GITHUB_REF ?? "",
    sha: env.GITHUB_SHA ?? "",
    runId,
    runAttempt: Number(env.GITHUB_RUN_ATTEMPT ?? "1") || 1,
    runUrl: repository ? `${serverUrl}/${repository}/actions/runs/${runId}` : null,
    apiUrl: env.GITHUB_API_URL ?? "https://api.github.com",
    eventPr: prFromEvent(event)
  };
}
function prFromEvent(event) {
  if (typeof event !== "object" || event === null) return null;
  const e = event;
  const candidate = e.pull_request?.number ?? e.inputs?.pr;
  const n = Number(candidate);
  return Number.isInteger(n) && n > 0 ? n : null;
}
function readEvent(path) {
  if (!path) return null;
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch {
    return null;
  }
}

export {
  readRunContext
};
