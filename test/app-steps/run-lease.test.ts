import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type InMemoryGitHub, inMemoryGitHub } from "../../sandbox/in-memory.js";
import { appCaches } from "../../src/app/app-deps.js";
import { withRunLease } from "../../src/app/run-lease-guard.js";
import { leaseRef, renderLease } from "../../src/core/lease.js";
import { takeLease } from "../../src/github/run-lease.js";

let fake: InMemoryGitHub;
beforeAll(async () => {
  fake = await inMemoryGitHub();
});
afterEach(() => fake.assertNoViolations());
afterAll(() => fake?.close());

const T = Date.parse("2026-12-01T03:00:10Z");
/** The repository writes served from `since` (to `until`), in order. */
const writes = (since: number, until?: number) =>
  fake.requests
    .slice(since, until)
    .filter((r) => r.method !== "GET" && (r.route ?? "").startsWith("/repos/"))
    .map((r) => `${r.method} ${r.route}`);
const leaseSha = async (tag: string) => {
  try {
    const { data } = await fake.gh.octokit.rest.git.getRef({
      owner: "acme",
      repo: "research",
      ref: leaseRef(tag),
    });
    return data.object.sha;
  } catch {
    return null;
  }
};

describe("the run lease (in memory)", () => {
  it("reuses its lock commit for passes in the same lease slot: two requests a pass, not three", async () => {
    const { lockCommits } = appCaches();
    const options = { owner: "replica-a", now: () => new Date(T), lockCommits };
    const held: (string | null)[] = [];
    const since = fake.requests.length;
    await withRunLease(fake.gh, "reuse", options, async () => held.push(await leaseSha("reuse")));
    const second = fake.requests.length;
    await withRunLease(fake.gh, "reuse", options, async () => held.push(await leaseSha("reuse")));
    expect(writes(since, second)).toEqual([
      "POST /repos/{owner}/{repo}/git/commits",
      "POST /repos/{owner}/{repo}/git/refs",
      "DELETE /repos/{owner}/{repo}/git/refs/{ref}",
    ]);
    expect(writes(second)).toEqual([
      "POST /repos/{owner}/{repo}/git/refs",
      "DELETE /repos/{owner}/{repo}/git/refs/{ref}",
    ]);
    expect(held[0]).not.toBeNull();
    expect(held[1]).toBe(held[0]);
    expect(await leaseSha("reuse")).toBeNull();

    // A minute later the lease ends in the next slot: a new lock commit says so.
    const later = { ...options, now: () => new Date(T + 60_000) };
    const third = fake.requests.length;
    await withRunLease(fake.gh, "reuse", later, async () => held.push(await leaseSha("reuse")));
    expect(writes(third)[0]).toBe("POST /repos/{owner}/{repo}/git/commits");
    expect(held[2]).not.toBe(held[0]);
  });

  it("a reused lock commit never takes a lease another instance holds", async () => {
    const mine = appCaches().lockCommits;
    const now = new Date(T);
    const first = await takeLease(fake.gh, "contended", "replica-a", 120_000, now, mine);
    if (!("held" in first)) throw new Error("replica-a should hold it");
    // replica-a's pass ended without releasing (it died): replica-b's lease is live...
    await fake.gh.octokit.rest.git.deleteRef({
      owner: "acme",
      repo: "research",
      ref: leaseRef("contended"),
    });
    const other = await takeLease(fake.gh, "contended", "replica-b", 120_000, now);
    expect("held" in other).toBe(true);
    // ...so replica-a's remembered commit (same record, same slot) finds the ref taken.
    const again = await takeLease(fake.gh, "contended", "replica-a", 120_000, now, mine);
    expect(again).toMatchObject({ busy: { owner: "replica-b" } });
  });

  it("a remembered lock commit GitHub no longer has: a new one is made", async () => {
    const { lockCommits } = appCaches();
    const now = new Date(T);
    const expires = new Date(T - (T % 60_000) + 180_000).toISOString();
    lockCommits.set("acme/research#pruned", {
      message: renderLease({ owner: "replica-a", expires_at: expires }),
      sha: "0123456789abcdef0123456789abcdef01234567",
    });
    const since = fake.requests.length;
    const taken = await takeLease(fake.gh, "pruned", "replica-a", 120_000, now, lockCommits);
    expect("held" in taken).toBe(true);
    expect(writes(since)).toEqual([
      "POST /repos/{owner}/{repo}/git/refs",
      "POST /repos/{owner}/{repo}/git/commits",
      "POST /repos/{owner}/{repo}/git/refs",
    ]);
    // The new commit is remembered in place of the lost one.
    expect(lockCommits.get("acme/research#pruned")?.sha).toBe(await leaseSha("pruned"));
  });
});
