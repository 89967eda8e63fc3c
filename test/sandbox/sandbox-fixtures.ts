/** Shared by the sandbox tests: fixture paths and small Probot apps written for the tests. */
import { join } from "node:path";
import type { ApplicationFunction } from "probot";
import {
  fastProbotOctokit,
  type SandboxHandle,
  type SandboxOptions,
  startSandbox,
} from "../../sandbox/harness.js";

export const SEED_DIR = join(import.meta.dirname, "fixtures", "seed-repo");
export const FAKE_ACTION_DIR = join(import.meta.dirname, "fixtures", "fake-action");

/** An app that does nothing: for tests that drive the API directly. */
export const idleApp: ApplicationFunction = () => {};

export function start(
  options: Partial<SandboxOptions> & { app?: ApplicationFunction } = {},
): Promise<SandboxHandle> {
  return startSandbox({
    seedDir: SEED_DIR,
    app: idleApp,
    probotOctokit: fastProbotOctokit(),
    ...options,
    runners: { actionDir: FAKE_ACTION_DIR, ...options.runners },
  });
}

/** The HTTP status of a failed Octokit call (or 0 when it did not fail). */
export async function statusOf(call: Promise<unknown>): Promise<number> {
  try {
    await call;
    return 0;
  } catch (error) {
    return (error as { status?: number }).status ?? -1;
  }
}

/** Commits `files` on a new branch from main through the git data API; returns the commit sha. */
export async function branchWith(
  sb: SandboxHandle,
  branch: string,
  files: Record<string, string>,
  message = `change ${branch}`,
): Promise<string> {
  return sb.human.push(branch, files, message);
}
