// mode: app's entry before any request: what it refuses, and what it leaves alone.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SandboxHandle, startSandbox } from "../../sandbox/harness.js";
import { TINY_DIR } from "../../sandbox/night.js";
import { runAppForWorkflowEvent } from "../../src/app/workflow-entry.js";

const dir = mkdtempSync(join(tmpdir(), "workflow-entry-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function eventFile(payload: unknown): string {
  const file = join(dir, `event-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(payload));
  return file;
}

const log = { info: () => {}, warn: () => {} };
/** No request can leave: any attempt fails at once. */
const env = (name: string, payload: unknown, extra: Record<string, string> = {}) => ({
  GITHUB_EVENT_NAME: name,
  GITHUB_EVENT_PATH: eventFile(payload),
  GITHUB_REPOSITORY: "acme/research",
  GITHUB_API_URL: "http://127.0.0.1:9",
  STATE_SECRET: "s3cret",
  ...extra,
});

describe("runAppForWorkflowEvent", () => {
  it("asks for the token when the step gives none", async () => {
    await expect(
      runAppForWorkflowEvent("", env("schedule", { schedule: "*/10 * * * *" }), log),
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the workflow expression it asks for
    ).rejects.toThrow("mode: app needs `github-token: ${{ github.token }}`");
  });

  it("says it runs inside an Actions job when the job's variables are missing", async () => {
    await expect(runAppForWorkflowEvent("ghs_x", {}, log)).rejects.toThrow(
      "mode: app runs inside a GitHub Actions job (GITHUB_EVENT_NAME, GITHUB_EVENT_PATH and GITHUB_REPOSITORY are not all set)",
    );
  });

  it("names the event file it cannot read", async () => {
    const e = { ...env("schedule", {}), GITHUB_EVENT_PATH: join(dir, "missing.json") };
    await expect(runAppForWorkflowEvent("ghs_x", e, log)).rejects.toThrow(
      `mode: app cannot read the event at GITHUB_EVENT_PATH (${join(dir, "missing.json")})`,
    );
  });

  it("refuses an event it does not handle, naming the triggers to use", async () => {
    await expect(runAppForWorkflowEvent("ghs_x", env("push", {}), log)).rejects.toThrow(
      'mode: app does not handle the "push" event',
    );
  });

  it("does nothing, and asks nothing of GitHub, for an edited comment", async () => {
    const result = await runAppForWorkflowEvent(
      "ghs_x",
      env("issue_comment", { action: "edited" }),
      log,
    );
    expect(result).toEqual({
      summary: "nothing to do: a comment edited is not a command",
      failures: [],
    });
  });

  it("asks for the state secret before reading anything", async () => {
    await expect(
      runAppForWorkflowEvent(
        "ghs_x",
        env("schedule", { schedule: "*/10 * * * *" }, { STATE_SECRET: "", WEBHOOK_SECRET: "" }),
        log,
      ),
    ).rejects.toThrow("autoresearch-bot needs STATE_SECRET (or WEBHOOK_SECRET)");
  });
});

describe("runAppForWorkflowEvent against the sandbox", () => {
  let sb: SandboxHandle;
  beforeAll(async () => {
    sb = await startSandbox({ seedDir: TINY_DIR, app: null, fork: false });
  }, 60_000);
  afterAll(async () => {
    await sb?.stop();
  });
  const sandboxEnv = () =>
    env(
      "schedule",
      { schedule: "*/10 * * * *" },
      {
        GITHUB_API_URL: sb.url,
        AUTORESEARCH_CLIENT_TIMING: "fast",
      },
    );

  it("passes over a repository with no run and reports nothing failed", async () => {
    const result = await runAppForWorkflowEvent(sb.tokens.octocat, sandboxEnv(), log);
    expect(result).toEqual({ summary: "passed over every run of acme/research", failures: [] });
  });

  it("reports a pass that could not even list the runs, so that the job fails", async () => {
    sb.faults.failNextRequests(20, { status: 502, who: "user" });
    const result = await runAppForWorkflowEvent(sb.tokens.octocat, sandboxEnv(), log);
    expect(result.failures).toEqual(["1 event(s) could not be handled"]);
  });
});
