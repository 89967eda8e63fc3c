import { createRequire as __arCreateRequire } from 'node:module'; const require = __arCreateRequire(import.meta.url);
import {
  INPUT_NAMES,
  parseActionInputs
} from "./chunk-DS6XRQEE.js";
import {
  TrainResultSchema
} from "./chunk-OZOE3J7Y.js";
import {
  _enum,
  discriminatedUnion,
  getInput,
  literal,
  number,
  object,
  string
} from "./chunk-LBXT2ELO.js";

// src/core/step-handoff.ts
var HANDOFF_DIR = "autoresearch";
var CHECK_FILE = "check.json";
var RESULT_FILE = "result.json";
var HANDOFF_OUTPUTS = { check: "check-file", result: "result-file" };
function handoffPaths(runnerTemp) {
  const dir = `${runnerTemp.replace(/\/+$/, "")}/${HANDOFF_DIR}`;
  return { dir, check: `${dir}/${CHECK_FILE}`, result: `${dir}/${RESULT_FILE}` };
}
var JobIdentity = {
  /** The job the file belongs to: a file of another run or attempt is never trusted. */
  run_id: string(),
  run_attempt: number().int().nonnegative()
};
var CheckFileSchema = object({
  v: literal(1),
  ...JobIdentity,
  /** null: no PR is known, only the ref was checked. */
  pr: number().int().positive().nullable(),
  head_sha: string(),
  verdict: discriminatedUnion("ok", [
    object({ ok: literal(true) }),
    object({
      ok: literal(false),
      reason: _enum(["bad-ref", "path-violation"]),
      message: string()
    })
  ])
});
var ResultFileSchema = object({
  v: literal(1),
  ...JobIdentity,
  stage: _enum(["training", "done"]),
  /** AUTORESEARCH_SESSION of every process training started (see session-sweep.ts). */
  session: string(),
  started_at: string(),
  result: TrainResultSchema.nullable(),
  /** The redacted end of run.log for the comment; null when it has nothing to show. */
  log_tail: string().nullable(),
  log_file: string()
});
function readHandoff(schema, text, job) {
  if (text === null) return { found: false };
  let raw;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    return { found: true, ok: false, error: `not JSON (${String(cause)})` };
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (i) => `${i.path.join(".") || "(root)"}: ${i.message}`
    );
    return { found: true, ok: false, error: problems.join("; ") };
  }
  const value = parsed.data;
  if (value.run_id !== job.runId || value.run_attempt !== job.runAttempt) {
    return {
      found: true,
      ok: false,
      error: `it belongs to run ${value.run_id} attempt ${value.run_attempt}, not this job (run ${job.runId} attempt ${job.runAttempt})`
    };
  }
  return { found: true, ok: true, value };
}

// src/action/handoff-files.ts
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
function jobHandoffPaths(env) {
  const temp = env.RUNNER_TEMP;
  if (!temp) {
    throw new Error(
      "RUNNER_TEMP is not set: the check, train and report modes hand files to each other there, so run them as steps of one Actions job"
    );
  }
  return handoffPaths(temp);
}
async function writeHandoffFile(path, value) {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await rm(temporary, { force: true, recursive: true });
  await writeFile(temporary, `${JSON.stringify(value, null, 2)}
`, { mode: 384 });
  await rename(temporary, path);
}
async function readHandoffFile(schema, path, job) {
  let text;
  try {
    text = await readFile(path, "utf8");
  } catch (cause) {
    if (cause.code !== "ENOENT") throw cause;
    text = null;
  }
  return readHandoff(schema, text, job);
}

// src/action/inputs.ts
function readInputs() {
  const raw = Object.fromEntries(
    Object.entries(INPUT_NAMES).map(([key, name]) => [key, getInput(name)])
  );
  return parseActionInputs(raw);
}

export {
  HANDOFF_OUTPUTS,
  CheckFileSchema,
  ResultFileSchema,
  jobHandoffPaths,
  writeHandoffFile,
  readHandoffFile,
  readInputs
};
