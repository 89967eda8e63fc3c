import type { Command } from "../core/commands.js";
import { noiseFloor, noiseFloorText } from "../core/noise.js";
import { replyMarker } from "../core/reply-marker.js";
import type { RunStatus } from "../core/run-state.js";
import { ledgerRows } from "../core/schedule.js";
import { type RepoClient, repoOf } from "../github/repo.js";
import {
  comment,
  type DashboardIssue,
  sealedDashboardBody,
  updateIssue,
} from "../github/run-issues.js";
import { type AppDeps, trustRootOf } from "./app-deps.js";
import { findRun } from "./find-run.js";
import { isTracked, trailOf } from "./run-view.js";

/** Replies once per command comment, however often its webhook arrives. */
export async function replyOnce(
  gh: RepoClient,
  issue: number,
  commentId: number,
  text: string,
): Promise<void> {
  const marker = replyMarker(commentId);
  const comments = await gh.octokit.paginate(gh.octokit.rest.issues.listComments, {
    ...repoOf(gh),
    issue_number: issue,
    per_page: 100,
  });
  if (comments.some((c) => c.body?.includes(marker))) return;
  await comment(gh, issue, `${text}\n\n${marker}`);
}

const NEXT_STATUS: Partial<Record<Command["kind"], RunStatus>> = {
  pause: "paused",
  resume: "running",
  stop: "stopped",
};

/** pause / resume / stop / status / rebuild, said on a run's dashboard issue. Returns the reply. */
export async function runCommand(
  gh: RepoClient,
  deps: AppDeps,
  dashboard: DashboardIssue,
  kind: "pause" | "resume" | "stop" | "status" | "rebuild",
): Promise<string> {
  const run = dashboard.run;
  const next = NEXT_STATUS[kind];
  if (next) {
    if (run.status === "stopped")
      return `Run \`${run.tag}\` is stopped; a stopped run cannot be ${kind}d. Start a new one with \`/autoresearch start <tag>\`.`;
    if (run.status === next) return `Run \`${run.tag}\` is already ${next}.`;
    await updateIssue(gh, dashboard.number, {
      body: sealedDashboardBody(gh, deps.sealer, dashboard.body, { ...run, status: next }),
    });
    return {
      paused: `⏸️ Paused \`${run.tag}\`: experiments in flight finish and are decided; nothing new is dispatched until \`/autoresearch resume\`.`,
      running: `▶️ Resumed \`${run.tag}\`.`,
      stopped: `⏹️ Stopped \`${run.tag}\`: trainings running finish and are decided; queued ones, and those still waiting for a runner, are closed.`,
    }[next];
  }
  // Read in full: `rebuild` (and `status`) never trust what this instance remembers.
  if (kind === "rebuild") {
    deps.caches?.runPulls.clear();
    // The gist may have been edited by hand: the pass after this command writes it whole.
    if (run.gist_id) deps.gist?.forget(run.gist_id);
  }
  const found = await findRun(gh, trustRootOf(gh, deps), run.tag);
  const tracked = found?.pulls.filter(isTracked) ?? [];
  const rows = ledgerRows(trailOf(tracked));
  if (kind === "rebuild") {
    return `🔁 Rebuilt \`results.tsv\` and the dashboard from ${tracked.length} PRs: ${rows.length} rows.`;
  }
  const kept = rows.filter((r) => r.status === "keep");
  const noise = noiseFloor(trailOf(tracked));
  const inFlight = tracked
    .filter((p) => p.state === "open" && p.experiment.phase === "training")
    .map((p) => `#${p.number}`);
  const queued = tracked
    .filter((p) => p.state === "open" && p.experiment.phase === "queued")
    .map((p) => `#${p.number}`);
  return [
    `**Run \`${run.tag}\`** is ${run.status}.`,
    `- best val_bpb: ${kept.at(-1)?.valBpb.toFixed(6) ?? "—"} (${kept.at(-1)?.description ?? "no keep yet"})`,
    `- decided: ${rows.length} (${kept.length} kept)`,
    `- in flight: ${inFlight.join(", ") || "none"}; queued: ${queued.join(", ") || "none"}`,
    ...(noise ? [`- noise floor: ${noiseFloorText(noise)}`] : []),
  ].join("\n");
}
