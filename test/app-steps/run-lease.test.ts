import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type InMemoryGitHub, inMemoryGitHub } from "../../sandbox/in-memory.js";
import { LeaseBusyError, type LockCommits, withRunLease } from "../../src/app/run-lease-guard.js";
import { type LockCommit, leaseRef, readLease } from "../../src/core/lease.js";
import { Lru } from "../../src/core/lru.js";

let fake: InMemoryGitHub;
beforeAll(async () => {
  fake = await inMemoryGitHub();
});
afterEach(() => fake.assertNoViolations());
afterAll(() => fake?.close());

const TTL_MS = 120_000;
const T0 = Date.parse("2026-12-01T03:00:00Z");
const at = (seconds: number) => () => new Date(T0 + seconds * 1000);

/** The writes a lease took (and gave back) around a pass that wrote nothing itself. */
async function pass(tag: string, owner: string, now: () => Date, lockCommits: LockCommits) {
  const since = fake.requests.length;
  let record: ReturnType<typeof readLease> = null;
  await withRunLease(
    fake.gh,
    tag,
    { owner, now, ttlMs: TTL_MS, waitMs: 0, lockCommits },
    async () => {
      // What another instance would read while this pass runs.
      const sha = await fake.world.git.getRef(`refs/${leaseRef(tag)}`);
      record = sha ? readLease((await fake.world.git.readCommit(sha)).message) : null;
    },
  );
  const writes = fake.requests
    .slice(since)
    .filter((r) => r.actorKind === "installation" && r.method !== "GET")
    .map((r) => `${r.method} ${r.route}`);
  return { writes, record: record as ReturnType<typeof readLease> };
}

describe("the run lease (in memory)", () => {
  it("takes the lease again with the instance's last lock commit while it names it for half a lease", async () => {
    const tag = "lease-reuse";
    const lockCommits: LockCommits = new Lru<string, LockCommit>({ maxEntries: 8 });
    const first = await pass(tag, "a", at(0), lockCommits);
    expect(first.writes).toEqual([
      "POST /repos/{owner}/{repo}/git/commits",
      "POST /repos/{owner}/{repo}/git/refs",
      "DELETE /repos/{owner}/{repo}/git/refs/{ref}",
    ]);
    expect(first.record).toEqual({ owner: "a", expires_at: new Date(T0 + TTL_MS).toISOString() });

    // 27 s later: the same commit still says "a until T0 + 120 s", 93 s ahead: one request.
    const second = await pass(tag, "a", at(27), lockCommits);
    expect(second.writes).toEqual([
      "POST /repos/{owner}/{repo}/git/refs",
      "DELETE /repos/{owner}/{repo}/git/refs/{ref}",
    ]);
    expect(second.record).toEqual(first.record);

    // 61 s in, less than half a lease is left on it: a new lock commit.
    const third = await pass(tag, "a", at(61), lockCommits);
    expect(third.writes[0]).toBe("POST /repos/{owner}/{repo}/git/commits");
    expect(third.record).toEqual({
      owner: "a",
      expires_at: new Date(T0 + 61_000 + TTL_MS).toISOString(),
    });
  });

  it("another instance still finds the run busy while a reused lock commit holds it", async () => {
    const tag = "lease-reuse-busy";
    const lockCommits: LockCommits = new Lru<string, LockCommit>({ maxEntries: 8 });
    await pass(tag, "a", at(0), lockCommits);
    await withRunLease(
      fake.gh,
      tag,
      { owner: "a", now: at(10), ttlMs: TTL_MS, waitMs: 0, lockCommits },
      async () => {
        await expect(
          withRunLease(
            fake.gh,
            tag,
            { owner: "b", now: at(10), ttlMs: TTL_MS, waitMs: 0 },
            async () => "b ran",
          ),
        ).rejects.toThrow(LeaseBusyError);
      },
    );
    // Released: b takes it at once.
    await expect(
      withRunLease(
        fake.gh,
        tag,
        { owner: "b", now: at(11), ttlMs: TTL_MS, waitMs: 0 },
        async () => "b ran",
      ),
    ).resolves.toBe("b ran");
  });
});
