import { describe, expect, it } from "vitest";
import { leaseDecision, leaseEnd, readLease, renderLease } from "../../src/core/lease.js";

const NOW = new Date("2026-12-01T03:00:00Z");
const at = (seconds: number) => new Date(NOW.getTime() + seconds * 1000).toISOString();

describe("leaseDecision", () => {
  it.each([
    ["no lease", null, "take"],
    ["my own lease (renewal)", { owner: "me", expires_at: at(60) }, "take"],
    ["another instance's live lease", { owner: "b", expires_at: at(60) }, "busy"],
    [
      "another instance's lease that ran out (a crashed holder)",
      { owner: "b", expires_at: at(-1) },
      "take",
    ],
    ["a lease ending right now", { owner: "b", expires_at: at(0) }, "take"],
  ])("%s → %s", (_name, record, kind) => {
    expect(leaseDecision(record, "me", NOW).kind).toBe(kind);
  });

  it("says how long to wait for a live lease", () => {
    expect(leaseDecision({ owner: "b", expires_at: at(42) }, "me", NOW)).toEqual({
      kind: "busy",
      owner: "b",
      until: at(42),
      waitMs: 42_000,
    });
  });
});

describe("renderLease → readLease", () => {
  it("reads back what it wrote", () => {
    const record = { owner: "host#12#abc", expires_at: at(120) };
    expect(readLease(renderLease(record))).toEqual(record);
  });

  it.each([
    ["another commit message", "Merge branch main"],
    ["a lease header without JSON", "autoresearch lease\n\nnope"],
    ["a lease without an owner", 'autoresearch lease\n\n{"expires_at":"2026-12-01T00:00:00Z"}'],
    ["a lease with a bad date", 'autoresearch lease\n\n{"owner":"a","expires_at":"soon"}'],
  ])("is null for %s (a broken lease may be taken)", (_name, message) => {
    expect(readLease(message)).toBeNull();
  });
});

describe("leaseEnd", () => {
  const T = Date.parse("2026-12-01T03:00:00Z");
  it.each([
    ["on a slot boundary", 0, 120_000, 120_000],
    ["just after one: rounded up to the next minute", 1, 120_000, 180_000],
    ["59 s later: the same end, so the same lock commit", 59_000, 120_000, 180_000],
    ["60 s later: the next slot", 60_001, 120_000, 240_000],
    ["a short TTL: slots of half of it", 1, 4_000, 6_000],
  ])("%s", (_name, afterMs, ttlMs, endsAfterT) => {
    const end = leaseEnd(T + afterMs, ttlMs);
    expect(end - T).toBe(endsAfterT);
    // Never shorter than the TTL, at most one slot longer.
    expect(end - (T + afterMs)).toBeGreaterThanOrEqual(ttlMs);
    expect(end - (T + afterMs)).toBeLessThanOrEqual(ttlMs + Math.min(60_000, ttlMs / 2));
  });
});
