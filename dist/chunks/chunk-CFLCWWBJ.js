import { createRequire as __arCreateRequire } from 'node:module'; const require = __arCreateRequire(import.meta.url);
import {
  ActionInputsSchema,
  InputError
} from "./chunk-DS6XRQEE.js";
import {
  validateTag
} from "./chunk-G4P45L52.js";
import {
  _enum,
  object,
  string
} from "./chunk-LBXT2ELO.js";

// src/core/propose-inputs.ts
var ActionMode = _enum(["train", "check", "report", "propose", "app"]);
function parseMode(raw) {
  const mode = raw.trim() === "" ? "train" : raw.trim();
  const parsed = ActionMode.safeParse(mode);
  if (parsed.success) return parsed.data;
  throw new InputError(
    `input 'mode': "${raw}" is not a mode: use check, train (default), report, propose or app`
  );
}
var ProposeInputsSchema = object({
  /** Run tag: the run branch is `autoresearch/<tag>`. */
  tag: string().trim().superRefine((tag, ctx) => {
    const problem = validateTag(tag);
    if (problem !== null) ctx.addIssue({ code: "custom", message: problem });
  }),
  /** The experiment number the app reserved for this proposal. */
  experiment: string().trim().regex(/^\d+$/, "experiment must be the experiment number the app dispatched (0, 1, 2, \u2026)").transform(Number),
  /** Shell command that runs the coding agent in the working directory. */
  agentCommand: string().trim().min(1, "agent-command is required in propose mode: the shell command that runs your agent"),
  agentTimeoutMinutes: string().trim().refine((s) => s !== "" && Number.isFinite(Number(s)) && Number(s) > 0, {
    message: "agent-timeout-minutes must be a positive number"
  }).transform(Number),
  killGraceSeconds: ActionInputsSchema.shape.killGraceSeconds,
  allowedPaths: ActionInputsSchema.shape.allowedPaths,
  workingDirectory: ActionInputsSchema.shape.workingDirectory,
  githubToken: string().trim().min(
    1,
    "github-token is required in propose mode: it reads the run's PRs and creates the experiment branch"
  )
});
var PROPOSE_INPUT_NAMES = {
  tag: "tag",
  experiment: "experiment",
  agentCommand: "agent-command",
  agentTimeoutMinutes: "agent-timeout-minutes",
  killGraceSeconds: "kill-grace-seconds",
  allowedPaths: "allowed-paths",
  workingDirectory: "working-directory",
  githubToken: "github-token"
};
function parseProposeInputs(raw, event) {
  const dispatched = dispatchInputs(event);
  const parsed = ProposeInputsSchema.safeParse({
    ...raw,
    tag: raw.tag.trim() || dispatched.tag,
    experiment: raw.experiment.trim() || dispatched.experiment
  });
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const key = issue.path[0];
    return `input '${PROPOSE_INPUT_NAMES[key] ?? String(key)}': ${issue.message}`;
  });
  throw new InputError(
    `Invalid action inputs for propose mode (fix the workflow's \`with:\`): ${problems.join("; ")}`
  );
}
function dispatchInputs(event) {
  const inputs = typeof event === "object" && event !== null ? event.inputs : void 0;
  const text = (value) => typeof value === "string" || typeof value === "number" ? String(value) : "";
  return { tag: text(inputs?.tag), experiment: text(inputs?.experiment) };
}

export {
  parseMode,
  PROPOSE_INPUT_NAMES,
  parseProposeInputs
};
