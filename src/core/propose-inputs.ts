import * as z from "zod";
import { ActionInputsSchema, InputError } from "./action-inputs.js";
import { validateTag } from "./experiment-branch.js";

/**
 * What the action does. Training one experiment PR takes three steps of one job: `check`
 * (token: guards the PR), `train` (no token: runs the command), `report` (token: posts the
 * result). `propose` asks an agent for the next experiment. `app` runs the app's logic for the
 * event that started the workflow (zero-server mode).
 */
export const ActionMode = z.enum(["train", "check", "report", "propose", "app"]);
export type ActionMode = z.infer<typeof ActionMode>;

/** `mode` input → the mode, or an error naming the two that exist. */
export function parseMode(raw: string): ActionMode {
  const mode = raw.trim() === "" ? "train" : raw.trim();
  const parsed = ActionMode.safeParse(mode);
  if (parsed.success) return parsed.data;
  throw new InputError(
    `input 'mode': "${raw}" is not a mode: use check, train (default), report, propose or app`,
  );
}

/** The inputs propose mode reads; shared ones keep the rules train mode gives them. */
export const ProposeInputsSchema = z.object({
  /** Run tag: the run branch is `autoresearch/<tag>`. */
  tag: z
    .string()
    .trim()
    .superRefine((tag, ctx) => {
      const problem = validateTag(tag);
      if (problem !== null) ctx.addIssue({ code: "custom", message: problem });
    }),
  /** The experiment number the app reserved for this proposal. */
  experiment: z
    .string()
    .trim()
    .regex(/^\d+$/, "experiment must be the experiment number the app dispatched (0, 1, 2, …)")
    .transform(Number),
  /** Shell command that runs the coding agent in the working directory. */
  agentCommand: z
    .string()
    .trim()
    .min(1, "agent-command is required in propose mode: the shell command that runs your agent"),
  agentTimeoutMinutes: z
    .string()
    .trim()
    .refine((s) => s !== "" && Number.isFinite(Number(s)) && Number(s) > 0, {
      message: "agent-timeout-minutes must be a positive number",
    })
    .transform(Number),
  killGraceSeconds: ActionInputsSchema.shape.killGraceSeconds,
  allowedPaths: ActionInputsSchema.shape.allowedPaths,
  workingDirectory: ActionInputsSchema.shape.workingDirectory,
  githubToken: z
    .string()
    .trim()
    .min(
      1,
      "github-token is required in propose mode: it reads the run's PRs and creates the experiment branch",
    ),
});
export type ProposeInputs = z.infer<typeof ProposeInputsSchema>;

export const PROPOSE_INPUT_NAMES = {
  tag: "tag",
  experiment: "experiment",
  agentCommand: "agent-command",
  agentTimeoutMinutes: "agent-timeout-minutes",
  killGraceSeconds: "kill-grace-seconds",
  allowedPaths: "allowed-paths",
  workingDirectory: "working-directory",
  githubToken: "github-token",
} as const satisfies Record<keyof ProposeInputs, string>;

/** Inputs only propose mode has (action.yml declares them beside train mode's). */
export const PROPOSE_ONLY_INPUTS = [
  "mode",
  "tag",
  "experiment",
  "agent-command",
  "agent-timeout-minutes",
] as const;

export type RawProposeInputs = Record<keyof ProposeInputs, string>;

/**
 * Validates propose mode's inputs. `tag` and `experiment` fall back to the
 * workflow_dispatch inputs of the same names, so a workflow may leave them out.
 */
export function parseProposeInputs(raw: RawProposeInputs, event: unknown): ProposeInputs {
  const dispatched = dispatchInputs(event);
  const parsed = ProposeInputsSchema.safeParse({
    ...raw,
    tag: raw.tag.trim() || dispatched.tag,
    experiment: raw.experiment.trim() || dispatched.experiment,
  });
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const key = issue.path[0] as keyof ProposeInputs;
    return `input '${PROPOSE_INPUT_NAMES[key] ?? String(key)}': ${issue.message}`;
  });
  throw new InputError(
    `Invalid action inputs for propose mode (fix the workflow's \`with:\`): ${problems.join("; ")}`,
  );
}

/** `tag` and `experiment` of a workflow_dispatch event's inputs, as strings ("" when absent). */
export function dispatchInputs(event: unknown): { tag: string; experiment: string } {
  const inputs =
    typeof event === "object" && event !== null
      ? (event as { inputs?: Record<string, unknown> }).inputs
      : undefined;
  const text = (value: unknown) =>
    typeof value === "string" || typeof value === "number" ? String(value) : "";
  return { tag: text(inputs?.tag), experiment: text(inputs?.experiment) };
}
