// Workflows started by repository events, with GITHUB_TOKEN's rules ("Triggering a workflow from
// a workflow", docs.github.com/en/actions/how-tos/write-workflows/choose-when-workflows-run/trigger-a-workflow):
// events caused by a GITHUB_TOKEN start no workflow, except workflow_dispatch and
// repository_dispatch; the token holds only the workflow's `permissions:`; GitHub Actions may not
// open pull requests until the repository allows it.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SandboxHandle, startSandbox } from "../../sandbox/harness.js";

const CURL = 'curl -s -o /dev/null -w "%{http_code}" -H "Authorization: Bearer $TOKEN"';
const REPO_API = "$GITHUB_API_URL/repos/$GITHUB_REPOSITORY";

const ON_COMMENT = `
name: on-comment
on:
  issue_comment:
    types: [created]
permissions:
  issues: write
  pull-requests: write
  actions: write
jobs:
  answer:
    if: startsWith(github.event.comment.body, '/go')
    runs-on: ubuntu-latest
    steps:
      - env:
          TOKEN: \${{ github.token }}
          ISSUE: \${{ github.event.issue.number }}
        run: |
          echo "comment=$(${CURL} -X POST ${REPO_API}/issues/$ISSUE/comments -d '{"body":"/go again"}')"
          echo "pull=$(${CURL} -X POST ${REPO_API}/pulls -d '{"title":"t","head":"topic","base":"main"}')"
          echo "dispatch=$(${CURL} -X POST ${REPO_API}/actions/workflows/on-dispatch.yml/dispatches -d '{"ref":"main"}')"
          echo "contents=$(${CURL} -X POST ${REPO_API}/git/refs -d '{"ref":"refs/heads/x","sha":"'$GITHUB_SHA'"}')"
`;
const ON_DISPATCH = `
name: on-dispatch
on: workflow_dispatch
jobs:
  echo:
    runs-on: ubuntu-latest
    steps:
      - run: echo "dispatched by $GITHUB_ACTOR"
`;
const ON_SCHEDULE = `
name: on-schedule
on:
  schedule:
    - cron: "*/10 * * * *"
jobs:
  tick:
    runs-on: ubuntu-latest
    steps:
      - run: echo "event=$GITHUB_EVENT_NAME"
`;

describe("sandbox Actions: event-triggered workflows and GITHUB_TOKEN", () => {
  let sb: SandboxHandle;
  let seed: string;
  let issue: number;

  const runsOf = (path: string) =>
    sb.state.runs().filter((r) => r.workflow.path === `.github/workflows/${path}`);

  beforeAll(async () => {
    seed = mkdtempSync(join(tmpdir(), "actions-events-"));
    mkdirSync(join(seed, ".github/workflows"), { recursive: true });
    writeFileSync(join(seed, "README.md"), "seed\n");
    writeFileSync(join(seed, ".github/workflows/on-comment.yml"), ON_COMMENT);
    writeFileSync(join(seed, ".github/workflows/on-dispatch.yml"), ON_DISPATCH);
    writeFileSync(join(seed, ".github/workflows/on-schedule.yml"), ON_SCHEDULE);
    sb = await startSandbox({ seedDir: seed, app: null, fork: false });
    issue = await sb.human.openIssue("Actions");
    await sb.human.comment(issue, "/go");
    await sb.settle({ timeoutMs: 60_000 });
  }, 90_000);

  afterAll(async () => {
    await sb?.stop();
    rmSync(seed, { recursive: true, force: true });
  });

  it("starts a run for a person's comment, with the comment as the event", () => {
    const [run] = runsOf("on-comment.yml");
    expect(run).toMatchObject({ event: "issue_comment", conclusion: "success" });
    expect(run.actor.login).toBe("octocat");
    expect((run.event_payload.comment as { body: string }).body).toBe("/go");
  });

  it("starts no run for the comment its GITHUB_TOKEN wrote, but does for its dispatch", () => {
    const [run] = runsOf("on-comment.yml");
    expect(run.log).toContain("comment=201");
    const answer = sb.state.comments(issue).find((c) => c.body === "/go again");
    expect(answer?.user.login).toBe("github-actions[bot]");
    expect(runsOf("on-comment.yml")).toHaveLength(1);
    expect(run.log).toContain("dispatch=204");
    const [dispatched] = runsOf("on-dispatch.yml");
    expect(dispatched).toMatchObject({ event: "workflow_dispatch", conclusion: "success" });
    expect(dispatched.actor.login).toBe("github-actions[bot]");
  });

  it("holds the token to the workflow's permissions: no contents write", () => {
    expect(runsOf("on-comment.yml")[0].log).toContain("contents=403");
  });

  it("refuses GitHub Actions a pull request until the repository allows it", async () => {
    expect(runsOf("on-comment.yml")[0].log).toContain("pull=403");
    await sb.octokit("octocat").request("PUT /repos/{owner}/{repo}/actions/permissions/workflow", {
      owner: sb.repo.owner,
      repo: sb.repo.name,
      can_approve_pull_request_reviews: true,
    });
    await sb.human.comment(issue, "/go");
    await sb.settle({ timeoutMs: 60_000 });
    const second = runsOf("on-comment.yml")[1];
    // Allowed now: refused only for the missing head branch (422), no longer for being Actions.
    expect(second.log).toContain("pull=422");
  });

  it("skips the job whose if: is false, and the run with it", async () => {
    await sb.human.comment(issue, "just a remark");
    await sb.settle({ timeoutMs: 60_000 });
    const last = runsOf("on-comment.yml").at(-1);
    expect(last).toMatchObject({ conclusion: "skipped", log: "" });
  });

  it("fires schedules on demand, as the scheduled event", async () => {
    const ids = await sb.fireSchedule();
    await sb.settle({ timeoutMs: 60_000 });
    expect(ids).toHaveLength(1);
    const run = sb.state.run(ids[0]);
    expect(run).toMatchObject({ event: "schedule", conclusion: "success" });
    expect(run.log).toContain("event=schedule");
    expect(run.event_payload.schedule).toBe("*/10 * * * *");
  });

  it("breaks no contract", () => {
    sb.assertNoViolations();
  });
});
