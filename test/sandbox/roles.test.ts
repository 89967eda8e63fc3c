/**
 * People's repository roles as GitHub applies them to issues, pull requests, comments and labels
 * (docs: "Repository roles for an organization"; see the "Roles" section of sandbox/README.md).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { SandboxHandle } from "../../sandbox/harness.js";
import { branchWith, start, statusOf } from "./sandbox-fixtures.js";

let sb: SandboxHandle;
const repo = { owner: "acme", repo: "research" };

beforeAll(async () => {
  sb = await start({
    users: [
      { login: "tess", role: "triage" },
      { login: "walt", role: "write" },
      { login: "mae", role: "maintain" },
    ],
  });
});
afterEach(() => sb.assertNoViolations());
afterAll(async () => {
  await sb?.stop();
});

const status = (call: Promise<unknown>) => statusOf(call);

/** The webhooks sent since `from` for issue/PR `n`. */
function eventsFor(from: number, n: number) {
  return sb.state.deliveries.slice(from).filter((d) => {
    const p = d.payload as { issue?: { number: number }; number?: number };
    return (p.issue?.number ?? p.number) === n;
  });
}

describe("editing the opening post (title and body)", () => {
  it("lets the author and write+ edit; read and triage may not edit others'", async () => {
    const n = await sb.human.openIssue("Octocat's plan", "the plan");
    expect(await status(sb.human.editBody(n, "mallory was here", "mallory"))).toBe(403);
    expect(await status(sb.human.editBody(n, "tess was here", "tess"))).toBe(403);
    expect(
      await status(
        sb.octokit("tess").issues.update({ ...repo, issue_number: n, title: "renamed by triage" }),
      ),
    ).toBe(403);
    expect(sb.state.issue(n)).toMatchObject({ title: "Octocat's plan", body: "the plan" });

    await sb.settle();
    const from = sb.state.deliveries.length;
    await sb.human.editBody(n, "walt's edit", "walt");
    await sb.human.editBody(n, "mae's edit", "mae");
    await sb.settle();
    const edited = eventsFor(from, n).filter((d) => d.event === "issues");
    expect(edited.map((d) => [d.action, (d.payload.sender as { login: string }).login])).toEqual([
      ["edited", "walt"],
      ["edited", "mae"],
    ]);
    expect(edited[0].payload.changes).toEqual({ body: { from: "the plan" } });

    const own = await sb.human.openIssue("Mallory's idea", "v1", "mallory");
    await sb.human.editBody(own, "v2", "mallory");
    expect(sb.state.issue(own).body).toBe("v2");
  });

  it("applies the same rules to pull requests through pulls/update, with pull_request.edited", async () => {
    await branchWith(sb, "exp/roles-pr", { "notes.md": "x\n" });
    const { data: pr } = await sb.octokit().pulls.create({
      ...repo,
      head: "exp/roles-pr",
      base: "main",
      title: "A PR",
      body: "state: trusted",
    });
    expect(await status(sb.human.editBody(pr.number, "state: forged", "mallory"))).toBe(403);
    expect(await status(sb.human.editBody(pr.number, "state: forged", "tess"))).toBe(403);
    expect(
      await status(
        sb.octokit("tess").issues.update({ ...repo, issue_number: pr.number, body: "forged" }),
      ),
    ).toBe(403);
    expect(sb.state.pull(pr.number).body).toBe("state: trusted");

    await sb.settle();
    const from = sb.state.deliveries.length;
    await sb.human.editBody(pr.number, "state: edited by walt", "walt");
    await sb.settle();
    const [edited] = eventsFor(from, pr.number);
    expect(edited).toMatchObject({ event: "pull_request", action: "edited" });
    expect(edited.payload.changes).toEqual({ body: { from: "state: trusted" } });

    // Triage closes and reopens others' pull requests; read may not.
    expect(
      await status(
        sb.octokit("mallory").pulls.update({ ...repo, pull_number: pr.number, state: "closed" }),
      ),
    ).toBe(403);
    await sb.octokit("tess").pulls.update({ ...repo, pull_number: pr.number, state: "closed" });
    await sb.octokit("tess").pulls.update({ ...repo, pull_number: pr.number, state: "open" });
    expect(sb.state.pull(pr.number).state).toBe("open");
  });
});

describe("closing and reopening", () => {
  it("lets read close their own issue and reopen it only if they closed it; triage closes any", async () => {
    const others = await sb.human.openIssue("Octocat's issue");
    const close = (n: number, as: string, state: "open" | "closed" = "closed") =>
      status(sb.octokit(as).issues.update({ ...repo, issue_number: n, state }));
    expect(await close(others, "mallory")).toBe(403);
    expect(await close(others, "tess")).toBe(0);
    expect(await close(others, "tess", "open")).toBe(0);

    const mine = await sb.human.openIssue("Mallory's issue", undefined, "mallory");
    expect(await close(mine, "mallory")).toBe(0);
    expect(await close(mine, "mallory", "open")).toBe(0);
    expect(await close(mine, "octocat")).toBe(0);
    // Closed by someone else: "Reopen issues they closed themselves" does not cover it.
    expect(await close(mine, "mallory", "open")).toBe(403);
    expect(sb.state.issue(mine).state).toBe("closed");
  });
});

describe("labels", () => {
  it("needs triage: read gets 403 on the label endpoints and label changes are dropped elsewhere", async () => {
    const n = await sb.human.openIssue("Label me", undefined, "mallory");
    expect(await status(sb.human.addLabel(n, "bug", "mallory"))).toBe(403);
    expect(
      await status(
        sb.octokit("mallory").issues.setLabels({ ...repo, issue_number: n, labels: ["bug"] }),
      ),
    ).toBe(403);
    // issues/update: "Without push access to the repository, label changes are silently dropped".
    const { data } = await sb
      .octokit("mallory")
      .issues.update({ ...repo, issue_number: n, labels: ["bug"], body: "edited" });
    expect(data.labels).toEqual([]);
    expect(data.body).toBe("edited");
    // issues/create: "Labels are silently dropped otherwise."
    const { data: created } = await sb
      .octokit("mallory")
      .issues.create({ ...repo, title: "With labels", labels: ["bug"] });
    expect(created.labels).toEqual([]);

    await sb.human.addLabel(n, "bug", "tess");
    expect(await status(sb.human.removeLabel(n, "bug", "mallory"))).toBe(403);
    await sb.human.removeLabel(n, "bug", "tess");
    const { data: byTriage } = await sb
      .octokit("tess")
      .issues.create({ ...repo, title: "Triaged", labels: ["bug"] });
    expect(byTriage.labels.map((l) => (typeof l === "string" ? l : l.name))).toEqual(["bug"]);
    // Creating a label is write.
    expect(
      await status(sb.octokit("tess").issues.createLabel({ ...repo, name: "triage-made" })),
    ).toBe(403);
  });
});

describe("comments", () => {
  it("lets everyone edit and delete their own; only write+ touches others' (not triage)", async () => {
    const n = await sb.human.openIssue("Comments");
    const octocats = await sb.human.comment(n, "/autoresearch start nov26");
    expect(await status(sb.human.editComment(octocats, "/autoresearch stop", "mallory"))).toBe(403);
    expect(await status(sb.human.editComment(octocats, "/autoresearch stop", "tess"))).toBe(403);
    expect(sb.state.comments(n)[0].body).toBe("/autoresearch start nov26");

    await sb.settle();
    const from = sb.state.deliveries.length;
    await sb.human.editComment(octocats, "/autoresearch start nov27", "walt");
    await sb.settle();
    const [edited] = eventsFor(from, n);
    expect(edited).toMatchObject({ event: "issue_comment", action: "edited" });
    expect(edited.payload.changes).toEqual({ body: { from: "/autoresearch start nov26" } });

    const mallorys = await sb.human.comment(n, "hi", "mallory");
    await sb.human.editComment(mallorys, "hi again", "mallory");
    const del = (id: number, as: string) =>
      status(sb.octokit(as).issues.deleteComment({ ...repo, comment_id: id }));
    expect(await del(octocats, "tess")).toBe(403);
    expect(await del(mallorys, "mallory")).toBe(0);
    expect(await del(octocats, "walt")).toBe(0);
    expect(sb.state.comments(n)).toEqual([]);
  });
});
