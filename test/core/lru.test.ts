import { describe, expect, it } from "vitest";
import { Lru } from "../../src/core/lru.js";

describe("Lru", () => {
  it.each([
    { max: 1, puts: ["a", "b"], gets: [], kept: ["b"] },
    { max: 2, puts: ["a", "b", "c"], gets: [], kept: ["b", "c"] },
    // Reading "a" makes "b" the least recently used.
    { max: 2, puts: ["a", "b"], gets: ["a"], last: "c", kept: ["a", "c"] },
    { max: 3, puts: ["a", "b", "a"], gets: [], kept: ["a", "b"] },
  ])("keeps at most $max entries, dropping the least recently used ($puts, read $gets)", (row) => {
    const lru = new Lru<string, number>({ maxEntries: row.max });
    for (const key of row.puts) lru.set(key, 1);
    for (const key of row.gets) lru.get(key);
    if (row.last) lru.set(row.last, 1);
    expect(["a", "b", "c"].filter((k) => lru.has(k))).toEqual(row.kept);
    expect(lru.size).toBe(row.kept.length);
  });

  it("bounds the total weight, and never keeps a value heavier than the cap", () => {
    const lru = new Lru<string, string>({ maxEntries: 100, maxWeight: 10, weigh: (v) => v.length });
    lru.set("a", "12345").set("b", "1234");
    expect(lru.weight).toBe(9);
    lru.set("c", "123");
    expect(lru.has("a")).toBe(false);
    expect(lru.weight).toBe(7);
    lru.set("huge", "x".repeat(11));
    expect(lru.has("huge")).toBe(false);
    expect(lru.weight).toBe(7);
    lru.set("b", "1");
    expect(lru.weight).toBe(4);
    lru.delete("c");
    expect(lru.weight).toBe(1);
  });

  it("stays bounded over a long run of distinct keys", () => {
    const lru = new Lru<number, number>({ maxEntries: 64 });
    for (let i = 0; i < 100_000; i++) lru.set(i, i);
    expect(lru.size).toBe(64);
    expect(lru.get(99_999)).toBe(99_999);
    expect(lru.get(0)).toBeUndefined();
  });

  it("tells of each entry dropped to make room, not of deletes or replacements", () => {
    const evicted: string[] = [];
    const lru = new Lru<string, number>({ maxEntries: 2, onEvict: (k) => evicted.push(k) });
    lru.set("a", 1).set("b", 2).set("b", 3);
    lru.delete("a");
    lru.set("c", 1).set("d", 1);
    expect(evicted).toEqual(["b"]);
  });

  it("refuses a cache that can hold nothing", () => {
    expect(() => new Lru({ maxEntries: 0 })).toThrow(/maxEntries/);
  });
});
