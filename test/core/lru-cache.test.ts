import { describe, expect, it } from "vitest";
import { LruCache, type LruLimits } from "../../src/core/lru-cache.js";

type Op = ["set", string, number] | ["get", string];

/** Runs `ops` on a fresh cache: what each `set` dropped, and the keys left, oldest first. */
function play(limits: LruLimits, ops: Op[]) {
  const cache = new LruCache<string>(limits);
  const dropped: string[] = [];
  for (const op of ops) {
    if (op[0] === "set") dropped.push(...cache.set(op[1], `value of ${op[1]}`, op[2]));
    else cache.get(op[1]);
  }
  return { dropped, keys: cache.keys(), size: cache.size };
}

describe("LruCache", () => {
  it.each<[string, LruLimits, Op[], string[], string[], number]>([
    [
      "under both limits keeps everything, oldest first",
      { maxEntries: 3, maxSize: 100 },
      [
        ["set", "a", 10],
        ["set", "b", 10],
      ],
      [],
      ["a", "b"],
      20,
    ],
    [
      "one entry too many drops the oldest",
      { maxEntries: 2, maxSize: 100 },
      [
        ["set", "a", 1],
        ["set", "b", 1],
        ["set", "c", 1],
      ],
      ["a"],
      ["b", "c"],
      2,
    ],
    [
      "a read makes an entry the newest, so the other one goes",
      { maxEntries: 2, maxSize: 100 },
      [
        ["set", "a", 1],
        ["set", "b", 1],
        ["get", "a"],
        ["set", "c", 1],
      ],
      ["b"],
      ["a", "c"],
      2,
    ],
    [
      "too many bytes drops as many old entries as it takes",
      { maxEntries: 10, maxSize: 100 },
      [
        ["set", "a", 40],
        ["set", "b", 40],
        ["set", "c", 20],
        ["set", "d", 90],
      ],
      ["a", "b", "c"],
      ["d"],
      90,
    ],
    [
      "replacing a key updates its size and makes it the newest",
      { maxEntries: 2, maxSize: 100 },
      [
        ["set", "a", 60],
        ["set", "b", 30],
        ["set", "a", 10],
        ["set", "c", 70],
      ],
      ["b"],
      ["a", "c"],
      80,
    ],
    [
      "an entry larger than the whole cache is not kept, and its old value goes",
      { maxEntries: 5, maxSize: 50 },
      [
        ["set", "a", 10],
        ["set", "b", 10],
        ["set", "b", 51],
      ],
      [],
      ["a"],
      10,
    ],
    [
      "a read of a missing key changes nothing",
      { maxEntries: 2, maxSize: 100 },
      [
        ["set", "a", 1],
        ["get", "zzz"],
        ["set", "b", 1],
        ["set", "c", 1],
      ],
      ["a"],
      ["b", "c"],
      2,
    ],
  ])("%s", (_name, limits, ops, dropped, keys, size) => {
    expect(play(limits, ops)).toEqual({ dropped, keys, size });
  });

  it("returns the kept value and undefined for what it dropped", () => {
    const cache = new LruCache<number>({ maxEntries: 1, maxSize: 10 });
    cache.set("a", 1, 1);
    expect(cache.get("a")).toBe(1);
    cache.set("b", 2, 1);
    expect(cache.get("a")).toBeUndefined();
    expect(cache.get("b")).toBe(2);
  });

  it.each([
    [{ maxEntries: 0, maxSize: 10 }],
    [{ maxEntries: 10, maxSize: 0 }],
    [{ maxEntries: Number.NaN, maxSize: 10 }],
  ])("refuses limits below 1: %o", (limits) => {
    expect(() => new LruCache(limits)).toThrow(/at least 1/);
  });
});
