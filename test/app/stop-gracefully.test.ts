// The SIGTERM sequence with fakes (the real process: test/app/server-process.test.ts).
import { EventEmitter } from "node:events";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { AppHandle } from "../../src/app/index.js";
import { stopGracefully } from "../../src/app/stop-gracefully.js";

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

function harness(drainMs = 30_000) {
  const signals = new EventEmitter();
  const said: string[] = [];
  const exits: number[] = [];
  let finish = () => {};
  const idle = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const app = { stop: vi.fn(), idle: () => idle } as unknown as AppHandle;
  const server = { stop: vi.fn(async () => {}) };
  stopGracefully({
    server,
    app: () => app,
    drainMs,
    log: (level, message) => said.push(`${level}: ${message}`),
    exit: (code) => exits.push(code),
    signals,
  });
  const settle = async (ms = 100) => {
    await vi.advanceTimersByTimeAsync(ms);
  };
  return { signals, said, exits, app, server, finish, settle };
}

describe("stopGracefully", () => {
  it("closes the listener, stops the timers, and exits 0 once the work is done", async () => {
    const h = harness();
    h.signals.emit("SIGTERM");
    await h.settle();
    expect(h.server.stop).toHaveBeenCalledOnce();
    expect(h.app.stop).toHaveBeenCalledOnce();
    expect(h.exits).toEqual([]);
    h.finish();
    await h.settle();
    expect(h.exits).toEqual([0]);
    expect(h.said.at(-1)).toBe("info: stopping (exit 0): the work in flight is done");
  });

  it("exits 1 at once on a second SIGTERM", async () => {
    const h = harness();
    h.signals.emit("SIGTERM");
    await h.settle();
    h.signals.emit("SIGTERM");
    await h.settle();
    expect(h.exits).toEqual([1]);
    h.finish();
    await h.settle(60_000);
    expect(h.exits).toEqual([1]);
  });

  it("exits 1 when the drain bound passes first", async () => {
    const h = harness(5_000);
    h.signals.emit("SIGTERM");
    await h.settle(4_800);
    expect(h.exits).toEqual([]);
    await h.settle(400);
    expect(h.exits).toEqual([1]);
    expect(h.said.at(-1)).toMatch(/^warn: stopping \(exit 1\): the drain bound passed/);
  });
});
