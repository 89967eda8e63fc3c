import { describe, expect, it } from "vitest";
import { RunScheduler } from "../../src/app/run-scheduler.js";

interface Deferred<T = void> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets every queued promise callback run; ordering is asserted by events, never by time. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A task that logs its start and end and finishes only when the test says so. */
function gatedTask(events: string[], name: string) {
  const gate = deferred<string>();
  const task = async () => {
    events.push(`${name}:start`);
    const value = await gate.promise;
    events.push(`${name}:end`);
    return value;
  };
  return { task, gate };
}

describe("RunScheduler.run", () => {
  it("runs tasks for one key strictly one at a time, in the order they were queued", async () => {
    const scheduler = new RunScheduler();
    const events: string[] = [];
    const [a, b, c] = ["a", "b", "c"].map((name) => gatedTask(events, name));
    const results = [a, b, c].map(({ task }) => scheduler.run("acme/nano#nov26", task));

    await settle();
    expect(events).toEqual(["a:start"]);

    // Finish out of order: c's gate opening first must not let c jump the queue.
    c.gate.resolve("C");
    await settle();
    expect(events).toEqual(["a:start"]);

    a.gate.resolve("A");
    await settle();
    expect(events).toEqual(["a:start", "a:end", "b:start"]);

    b.gate.resolve("B");
    await expect(Promise.all(results)).resolves.toEqual(["A", "B", "C"]);
    expect(events).toEqual(["a:start", "a:end", "b:start", "b:end", "c:start", "c:end"]);
  });

  it("runs tasks for different keys concurrently", async () => {
    const scheduler = new RunScheduler();
    const events: string[] = [];
    const one = gatedTask(events, "nov26");
    const two = gatedTask(events, "dec01");
    const first = scheduler.run("acme/nano#nov26", one.task);
    const second = scheduler.run("acme/nano#dec01", two.task);

    await settle();
    expect(events).toEqual(["nov26:start", "dec01:start"]);

    two.gate.resolve("2");
    await expect(second).resolves.toBe("2");
    expect(events).toEqual(["nov26:start", "dec01:start", "dec01:end"]);

    one.gate.resolve("1");
    await expect(first).resolves.toBe("1");
  });

  it.each<[string, () => Promise<string>]>([
    [
      "a rejected promise",
      async () => {
        throw new Error("merge conflict");
      },
    ],
    [
      "a synchronous throw",
      () => {
        throw new Error("merge conflict");
      },
    ],
  ])("a task failing with %s does not block the next one", async (_name, failing) => {
    const scheduler = new RunScheduler();
    const events: string[] = [];
    const failed = scheduler.run("acme/nano#nov26", failing);
    const next = scheduler.run("acme/nano#nov26", async () => {
      events.push("next");
      return "ran";
    });

    await expect(failed).rejects.toThrow("merge conflict");
    await expect(next).resolves.toBe("ran");
    expect(events).toEqual(["next"]);
  });

  it("forgets a key once its work is done (no entry left per finished key)", async () => {
    const scheduler = new RunScheduler();
    await scheduler.run("acme/nano#nov26", async () => "done");
    await scheduler.idle();
    const tails = Reflect.get(scheduler, "tails") as Map<string, unknown>;
    expect(tails.size).toBe(0);
  });
});

describe("RunScheduler.reconcile", () => {
  const KEY = "acme/nano#nov26";

  it("coalesces requests made while one is waiting into one pass", async () => {
    const scheduler = new RunScheduler();
    const blocker = deferred();
    void scheduler.run(KEY, () => blocker.promise);
    let passes = 0;
    const pass = async () => {
      passes++;
    };

    const requests = Array.from({ length: 10 }, () => scheduler.reconcile(KEY, pass));
    await settle();
    expect(passes).toBe(0);
    for (const request of requests) expect(request).toBe(requests[0]);

    blocker.resolve();
    await Promise.all(requests);
    expect(passes).toBe(1);
  });

  it("coalesces requests made back to back on an idle key", async () => {
    const scheduler = new RunScheduler();
    let passes = 0;
    await Promise.all([1, 2, 3].map(() => scheduler.reconcile(KEY, async () => void passes++)));
    expect(passes).toBe(1);
  });

  it("queues exactly one more pass for requests made while a pass is running", async () => {
    const scheduler = new RunScheduler();
    const firstRunning = deferred();
    let passes = 0;
    const pass = async () => {
      passes++;
      if (passes === 1) await firstRunning.promise;
    };

    const first = scheduler.reconcile(KEY, pass);
    await settle();
    expect(passes).toBe(1);

    // The running pass may have read GitHub before these events: they need a fresh pass.
    const later = [scheduler.reconcile(KEY, pass), scheduler.reconcile(KEY, pass)];
    expect(later[0]).not.toBe(first);
    expect(later[1]).toBe(later[0]);
    await settle();
    expect(passes).toBe(1);

    firstRunning.resolve();
    await Promise.all([first, ...later]);
    expect(passes).toBe(2);
  });

  it("hands a failing pass's error to every coalesced caller, and the next request runs again", async () => {
    const scheduler = new RunScheduler();
    let passes = 0;
    const failing = async () => {
      passes++;
      throw new Error("GitHub 502");
    };
    const requests = [scheduler.reconcile(KEY, failing), scheduler.reconcile(KEY, failing)];
    for (const request of requests) await expect(request).rejects.toThrow("GitHub 502");
    expect(passes).toBe(1);

    await scheduler.reconcile(KEY, async () => void passes++);
    expect(passes).toBe(2);
  });
});

describe("RunScheduler.idle", () => {
  it("resolves at once when nothing was ever queued", async () => {
    await expect(new RunScheduler().idle()).resolves.toBeUndefined();
  });

  it("resolves only when all work, on every key, is done", async () => {
    const scheduler = new RunScheduler();
    const events: string[] = [];
    const a1 = gatedTask(events, "a1");
    const a2 = gatedTask(events, "a2");
    const b1 = gatedTask(events, "b1");
    void scheduler.run("a", a1.task);
    void scheduler.run("a", a2.task);
    void scheduler.run("b", b1.task);

    let idle = false;
    void scheduler.idle().then(() => {
      idle = true;
    });

    a1.gate.resolve("");
    await settle();
    expect(idle).toBe(false);

    b1.gate.resolve("");
    await settle();
    expect(idle).toBe(false);

    a2.gate.resolve("");
    await settle();
    expect(idle).toBe(true);
    expect(events).toContain("a2:end");
  });

  it("waits for a failing task too, and reports idle after it", async () => {
    const scheduler = new RunScheduler();
    const gate = deferred();
    const failed = scheduler.run("a", () => gate.promise);
    failed.catch(() => undefined);

    let idle = false;
    void scheduler.idle().then(() => {
      idle = true;
    });
    await settle();
    expect(idle).toBe(false);

    gate.reject(new Error("boom"));
    await settle();
    expect(idle).toBe(true);
  });

  it("waits for work queued by a running task", async () => {
    const scheduler = new RunScheduler();
    const inner = deferred();
    let innerDone = false;
    void scheduler.run("a", async () => {
      void scheduler.run("b", async () => {
        await inner.promise;
        innerDone = true;
      });
    });

    let idle = false;
    void scheduler.idle().then(() => {
      idle = true;
    });
    await settle();
    expect(idle).toBe(false);

    inner.resolve();
    await settle();
    expect(innerDone).toBe(true);
    expect(idle).toBe(true);
  });
});
