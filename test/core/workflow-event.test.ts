import { describe, expect, it } from "vitest";
import {
  planWorkflowEvent,
  runWaitSchedule,
  WorkflowEventError,
} from "../../src/core/workflow-event.js";

describe("planWorkflowEvent", () => {
  it.each([
    ["issue_comment", { action: "created" }, { kind: "webhook", name: "issue_comment" }],
    ["issue_comment", { action: "edited" }, { kind: "ignore" }],
    ["issue_comment", { action: "deleted" }, { kind: "ignore" }],
    ["workflow_run", { action: "completed" }, { kind: "webhook", name: "workflow_run" }],
    ["workflow_run", { action: "requested" }, { kind: "ignore" }],
    ["schedule", { schedule: "*/10 * * * *" }, { kind: "pass", waitForRun: null }],
    [
      "repository_dispatch",
      { action: "autoresearch-heartbeat" },
      { kind: "pass", waitForRun: null },
    ],
    ["repository_dispatch", { action: "deploy" }, { kind: "ignore" }],
    ["workflow_dispatch", { inputs: {} }, { kind: "pass", waitForRun: null }],
    ["workflow_dispatch", { inputs: null }, { kind: "pass", waitForRun: null }],
    ["workflow_dispatch", { inputs: { "training-run": "" } }, { kind: "pass", waitForRun: null }],
    [
      "workflow_dispatch",
      { inputs: { "training-run": " 8000012 " } },
      { kind: "pass", waitForRun: 8000012 },
    ],
  ])("%s %j → %j", (name, payload, expected) => {
    expect(planWorkflowEvent(name, payload)).toMatchObject(expected);
  });

  it("says why an ignored event is ignored", () => {
    expect(planWorkflowEvent("issue_comment", { action: "edited" })).toEqual({
      kind: "ignore",
      reason: "a comment edited is not a command",
    });
  });

  it.each(["12abc", "-3", "0", "1e5"])("refuses training-run %j with what to send", (value) => {
    expect(() =>
      planWorkflowEvent("workflow_dispatch", { inputs: { "training-run": value } }),
    ).toThrow(
      new WorkflowEventError(
        `input 'training-run': "${value}" is not a workflow run id: the training workflow's last step sends \${{ github.run_id }} (see examples/workflows/autoresearch-zero-server.yml)`,
      ),
    );
  });

  it.each(["push", "pull_request", "check_run"])(
    "refuses %s, naming the triggers to use",
    (name) => {
      expect(() => planWorkflowEvent(name, {})).toThrow(
        `mode: app does not handle the "${name}" event: trigger the app workflow on issue_comment, workflow_dispatch and schedule, as examples/workflows/autoresearch-app.yml does`,
      );
    },
  );
});

describe("runWaitSchedule", () => {
  it.each([
    [0, []],
    [1, [1]],
    [10, [1, 2, 3, 4]],
    [60, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 5]],
    [75, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 10, 10]],
  ])("%i s → %j", (total, waits) => {
    const schedule = runWaitSchedule(total);
    expect(schedule).toEqual(waits);
    expect(schedule.reduce((a, b) => a + b, 0)).toBe(total);
  });
});
