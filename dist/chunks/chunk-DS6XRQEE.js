import { createRequire as __arCreateRequire } from 'node:module'; const require = __arCreateRequire(import.meta.url);
import {
  _enum,
  object,
  string
} from "./chunk-LBXT2ELO.js";

// src/core/action-inputs.ts
var positive = (name) => string().trim().refine((s) => s !== "" && Number.isFinite(Number(s)) && Number(s) > 0, {
  message: `${name} must be a positive number`
}).transform(Number);
var pathList = string().transform(
  (s) => s.split(/[,\n]/).map((p) => p.trim()).filter(Boolean)
);
var ActionInputsSchema = object({
  command: string().trim().min(1, "command must not be empty"),
  workingDirectory: string().trim().min(1),
  timeoutMinutes: positive("timeout-minutes"),
  killGraceSeconds: positive("kill-grace-seconds"),
  anomalySeconds: positive("anomaly-seconds"),
  allowedPaths: pathList.refine((l) => l.length > 0, "allowed-paths must name at least one path"),
  requiredPaths: pathList,
  logFile: string().trim().min(1),
  pullRequest: string().trim().refine((s) => s === "" || /^[1-9]\d*$/.test(s), "pull-request must be a PR number").transform((s) => s === "" ? null : Number(s)),
  progressInterval: positive("progress-interval"),
  githubToken: string().trim(),
  /** How the training command is contained: `none` (a process group) or `bubblewrap` (namespaces). */
  isolation: string().trim().transform((s) => s || "none").pipe(
    _enum(["none", "bubblewrap"], {
      message: "isolation must be none or bubblewrap"
    })
  ),
  isolationNetwork: string().trim().transform((s) => s.toLowerCase()).refine((s) => ["", "true", "false"].includes(s), "isolation-network must be true or false").transform((s) => s === "true"),
  /** Extra values to hide in run.log and the PR comment, one a line. */
  redact: string().transform(
    (s) => s.split("\n").map((v) => v.trim()).filter(Boolean)
  )
});
var INPUT_NAMES = {
  command: "command",
  workingDirectory: "working-directory",
  timeoutMinutes: "timeout-minutes",
  killGraceSeconds: "kill-grace-seconds",
  anomalySeconds: "anomaly-seconds",
  allowedPaths: "allowed-paths",
  requiredPaths: "required-paths",
  logFile: "log-file",
  pullRequest: "pull-request",
  progressInterval: "progress-interval",
  githubToken: "github-token",
  isolation: "isolation",
  isolationNetwork: "isolation-network",
  redact: "redact"
};
var InputError = class extends Error {
  name = "InputError";
};
function parseActionInputs(raw) {
  const parsed = ActionInputsSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const key = issue.path[0];
    return `input '${INPUT_NAMES[key] ?? String(key)}': ${issue.message}`;
  });
  throw new InputError(
    `Invalid action inputs (fix the workflow's \`with:\`): ${problems.join("; ")}`
  );
}
function expandHome(path, home) {
  return path === "~" || path.startsWith("~/") ? home + path.slice(1) : path;
}

export {
  ActionInputsSchema,
  INPUT_NAMES,
  InputError,
  parseActionInputs,
  expandHome
};
