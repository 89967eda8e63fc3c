/**
 * Zero-server mode (`mode: app`): what the app does for the one event that started its workflow
 * run. The workflow's triggers say which events come (see examples/workflows/autoresearch-app.yml).
 */

/** The workflow_dispatch input the training workflow's last step sends: its own run id. */
export const TRAINING_RUN_INPUT = "training-run";

export type WorkflowEventPlan =
  /** Handled exactly as the app handles this webhook (a command, a finished training). */
  | { kind: "webhook"; name: "issue_comment" | "workflow_run" | "repository_dispatch" }
  /**
   * One pass over every run of the repository that is not over. `waitForRun`: the training run
   * that asked for it is still finishing (its last step sent the dispatch): wait until it is
   * completed, so that the pass can judge it.
   */
  | { kind: "pass"; waitForRun: number | null }
  | { kind: "ignore"; reason: string };

export class WorkflowEventError extends Error {}

/** `GITHUB_EVENT_NAME` and the event payload (`GITHUB_EVENT_PATH`) → what to do. */
export function planWorkflowEvent(name: string, payload: unknown): WorkflowEventPlan {
  const event = (payload && typeof payload === "object" ? payload : {}) as {
    action?: unknown;
    inputs?: Record<string, unknown> | null;
  };
  switch (name) {
    case "issue_comment":
      return event.action === "created"
        ? { kind: "webhook", name }
        : { kind: "ignore", reason: `a comment ${String(event.action)} is not a command` };
    case "workflow_run":
      return event.action === "completed"
        ? { kind: "webhook", name }
        : { kind: "ignore", reason: `a workflow run ${String(event.action)} decides nothing` };
    case "repository_dispatch":
      return event.action === "autoresearch-heartbeat"
        ? { kind: "pass", waitForRun: null }
        : {
            kind: "ignore",
            reason: `repository_dispatch "${String(event.action)}" is not autoresearch-heartbeat`,
          };
    case "schedule":
      return { kind: "pass", waitForRun: null };
    case "workflow_dispatch": {
      const raw = String(event.inputs?.[TRAINING_RUN_INPUT] ?? "").trim();
      if (raw === "") return { kind: "pass", waitForRun: null };
      if (!/^[1-9]\d*$/.test(raw))
        throw new WorkflowEventError(
          `input '${TRAINING_RUN_INPUT}': "${raw}" is not a workflow run id: the training workflow's last step sends \${{ github.run_id }} (see examples/workflows/autoresearch-zero-server.yml)`,
        );
      return { kind: "pass", waitForRun: Number(raw) };
    }
    default:
      throw new WorkflowEventError(
        `mode: app does not handle the "${name}" event: trigger the app workflow on issue_comment, workflow_dispatch and schedule, as examples/workflows/autoresearch-app.yml does`,
      );
  }
}

/**
 * Seconds to wait before each look at a training run that is still finishing: quick at first
 * (it usually completes within seconds of its last step), then spaced, `totalSeconds` in all.
 */
export function runWaitSchedule(totalSeconds: number): number[] {
  const waits: number[] = [];
  let spent = 0;
  for (let i = 1; spent < totalSeconds; i++) {
    const wait = Math.min(i, 10, totalSeconds - spent);
    waits.push(wait);
    spent += wait;
  }
  return waits;
}
