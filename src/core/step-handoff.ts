import * as z from "zod";
import { TrainResultSchema } from "./result-marker.js";

/**
 * The files one job's steps hand each other in RUNNER_TEMP. Training runs in a step without a
 * token, so the steps that hold one (`check` before, `report` after) talk to it through files:
 * check.json (the guard's verdict, before anything runs) and result.json (what training did).
 */
export const HANDOFF_DIR = "autoresearch";
export const CHECK_FILE = "check.json";
export const RESULT_FILE = "result.json";

/** The outputs naming the files: `check-file` of the check step, `result-file` of the train step. */
export const HANDOFF_OUTPUTS = { check: "check-file", result: "result-file" } as const;

export function handoffPaths(runnerTemp: string): { dir: string; check: string; result: string } {
  const dir = `${runnerTemp.replace(/\/+$/, "")}/${HANDOFF_DIR}`;
  return { dir, check: `${dir}/${CHECK_FILE}`, result: `${dir}/${RESULT_FILE}` };
}

const JobIdentity = {
  /** The job the file belongs to: a file of another run or attempt is never trusted. */
  run_id: z.string(),
  run_attempt: z.number().int().nonnegative(),
};

/** check.json: what `mode: check` decided about the PR, with the token, before training. */
export const CheckFileSchema = z.object({
  v: z.literal(1),
  ...JobIdentity,
  /** null: no PR is known, only the ref was checked. */
  pr: z.number().int().positive().nullable(),
  head_sha: z.string(),
  verdict: z.discriminatedUnion("ok", [
    z.object({ ok: z.literal(true) }),
    z.object({
      ok: z.literal(false),
      reason: z.enum(["bad-ref", "path-violation"]),
      message: z.string(),
    }),
  ]),
});
export type CheckFile = z.infer<typeof CheckFileSchema>;

/**
 * result.json: written by `mode: train` as soon as it knows the session id (stage `training`),
 * then again with the result (stage `done`). A file left at `training` means the train step died.
 */
export const ResultFileSchema = z.object({
  v: z.literal(1),
  ...JobIdentity,
  stage: z.enum(["training", "done"]),
  /** AUTORESEARCH_SESSION of every process training started (see session-sweep.ts). */
  session: z.string(),
  started_at: z.string(),
  result: TrainResultSchema.nullable(),
  /** The redacted end of run.log for the comment; null when it has nothing to show. */
  log_tail: z.string().nullable(),
  log_file: z.string(),
});
export type ResultFile = z.infer<typeof ResultFileSchema>;

export type HandoffRead<T> =
  | { found: false }
  | { found: true; ok: true; value: T }
  | { found: true; ok: false; error: string };

/** Validates a handoff file's text; `null` text means the file does not exist. */
export function readHandoff<T>(
  schema: z.ZodType<T>,
  text: string | null,
  job: { runId: string; runAttempt: number },
): HandoffRead<T> {
  if (text === null) return { found: false };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    return { found: true, ok: false, error: `not JSON (${String(cause)})` };
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (i) => `${i.path.join(".") || "(root)"}: ${i.message}`,
    );
    return { found: true, ok: false, error: problems.join("; ") };
  }
  const value = parsed.data as T & { run_id: string; run_attempt: number };
  if (value.run_id !== job.runId || value.run_attempt !== job.runAttempt) {
    return {
      found: true,
      ok: false,
      error: `it belongs to run ${value.run_id} attempt ${value.run_attempt}, not this job (run ${job.runId} attempt ${job.runAttempt})`,
    };
  }
  return { found: true, ok: true, value };
}
