import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { z } from "zod";
import { type HandoffRead, handoffPaths, readHandoff } from "../core/step-handoff.js";

/** Where this job's steps leave their files; RUNNER_TEMP is emptied by the runner for every job. */
export function jobHandoffPaths(env: NodeJS.ProcessEnv): ReturnType<typeof handoffPaths> {
  const temp = env.RUNNER_TEMP;
  if (!temp) {
    throw new Error(
      "RUNNER_TEMP is not set: the check, train and report modes hand files to each other there, so run them as steps of one Actions job",
    );
  }
  return handoffPaths(temp);
}

/** Writes then renames, so a reader never sees half a file and a planted symlink is replaced, not followed. */
export async function writeHandoffFile(path: string, value: unknown): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await rm(temporary, { force: true, recursive: true });
  await writeFile(temporary, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  await rename(temporary, path);
}

export async function readHandoffFile<T>(
  schema: z.ZodType<T>,
  path: string,
  job: { runId: string; runAttempt: number },
): Promise<HandoffRead<T>> {
  let text: string | null;
  try {
    text = await readFile(path, "utf8");
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code !== "ENOENT") throw cause;
    text = null;
  }
  return readHandoff(schema, text, job);
}
