/**
 * Zero-server mode: the app's logic for the one event that started an Actions workflow run,
 * authenticated with that run's GITHUB_TOKEN. The very app `npm start` serves (createApp), loaded
 * into a Probot that holds the token instead of an app key (Probot's `githubToken`, as
 * @probot/adapter-github-actions does), then handed this one event; schedule and the training
 * workflow's dispatch are the heartbeat's pass over the repository's runs.
 */
import { readFileSync } from "node:fs";
import type { Octokit } from "@octokit/rest";
import { Probot } from "probot";
import { planWorkflowEvent, runWaitSchedule, WorkflowEventError } from "../core/workflow-event.js";
import { appOctokit } from "../github/app-client.js";
import { FAST_TIMING, PRODUCTION_TIMING } from "../github/client.js";
import type { RepoClient } from "../github/repo.js";
import { explainError } from "./explain-error.js";
import { type AppHandle, createApp } from "./index.js";

/** Who GitHub says wrote what a GITHUB_TOKEN wrote: the app's state is that account's. */
export const GITHUB_TOKEN_LOGIN = "github-actions[bot]";

/** How long a pass waits for the training run that asked for it to complete. */
const RUN_WAIT_SECONDS = 300;

export interface WorkflowAppLog {
  info(message: string): void;
  warn(message: string): void;
}

export interface WorkflowAppResult {
  /** What was done, one line. */
  summary: string;
  /** What failed for good (the job fails when any): empty when all went well. */
  failures: string[];
}

/** Runs the app for the event of this workflow run. Throws with what to fix when it cannot start. */
export async function runAppForWorkflowEvent(
  token: string,
  env: NodeJS.ProcessEnv,
  log: WorkflowAppLog,
): Promise<WorkflowAppResult> {
  if (!token)
    throw new WorkflowEventError(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the workflow expression to write
      "mode: app needs `github-token: ${{ github.token }}`: the app reads and writes the repository with it",
    );
  const name = env.GITHUB_EVENT_NAME ?? "";
  const path = env.GITHUB_EVENT_PATH ?? "";
  const [owner = "", repo = ""] = (env.GITHUB_REPOSITORY ?? "").split("/");
  if (!name || !path || !owner || !repo)
    throw new WorkflowEventError(
      "mode: app runs inside a GitHub Actions job (GITHUB_EVENT_NAME, GITHUB_EVENT_PATH and GITHUB_REPOSITORY are not all set)",
    );
  let payload: unknown;
  try {
    payload = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new WorkflowEventError(
      `mode: app cannot read the event at GITHUB_EVENT_PATH (${path}): ${explainError(error)}`,
    );
  }
  const plan = planWorkflowEvent(name, payload);
  if (plan.kind === "ignore") return { summary: `nothing to do: ${plan.reason}`, failures: [] };

  // The sandbox's jobs ask for GitHub's waits in milliseconds (AUTORESEARCH_CLIENT_TIMING=fast).
  const timing = env.AUTORESEARCH_CLIENT_TIMING === "fast" ? FAST_TIMING : PRODUCTION_TIMING;
  const probot = new Probot({
    githubToken: token,
    baseUrl: env.GITHUB_API_URL ?? "https://api.github.com",
    Octokit: appOctokit({ timing }),
    logLevel: "info",
  });
  let handle: AppHandle | undefined;
  await probot.load(
    createApp({
      // No timer: the workflow's schedule is the heartbeat.
      env: { ...env, HEARTBEAT_SECONDS: "0" },
      login: GITHUB_TOKEN_LOGIN,
      clientTiming: timing,
      onReady: (h) => {
        handle = h;
      },
    }),
  );
  if (!handle) throw new Error("the app did not start");
  try {
    if (plan.kind === "webhook") {
      await probot.receive({
        id: env.GITHUB_RUN_ID ?? "0",
        name: plan.name,
        payload: payload as never,
      });
    } else {
      const gh: RepoClient = { octokit: (await probot.auth()) as unknown as Octokit, owner, repo };
      if (plan.waitForRun !== null) await waitForRun(gh, plan.waitForRun, log, timing.msPerSecond);
      await handle.passRepository(gh);
    }
    await handle.settled();
    const failures = handle.failures();
    const did =
      plan.kind === "webhook"
        ? `handled ${name}`
        : `passed over every run of ${owner}/${repo}${plan.waitForRun ? ` after training run ${plan.waitForRun}` : ""}`;
    return { summary: did, failures };
  } finally {
    handle.stop();
  }
}

/** Waits (bounded) until the training run that dispatched this one has completed. */
async function waitForRun(
  gh: RepoClient,
  runId: number,
  log: WorkflowAppLog,
  msPerSecond: number,
): Promise<void> {
  const completed = async () => {
    const { data } = await gh.octokit.rest.actions.getWorkflowRun({
      owner: gh.owner,
      repo: gh.repo,
      run_id: runId,
    });
    return data.status === "completed";
  };
  for (const seconds of runWaitSchedule(RUN_WAIT_SECONDS)) {
    if (await completed()) return;
    await new Promise((resolve) => setTimeout(resolve, seconds * msPerSecond));
  }
  if (await completed()) return;
  log.warn(
    `training run ${runId} had not completed after ${RUN_WAIT_SECONDS} s: passing over the runs anyway (the next heartbeat judges it)`,
  );
}
