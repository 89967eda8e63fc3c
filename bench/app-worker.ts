// The app on its own V8 heap: a worker thread that runs the real app (createApp) in a Probot
// instance and handles the webhooks the sandbox delivers to a thin forwarder in the main thread
// (see startWorkerApp in scale.ts). The bench can then measure the app's retained heap after
// a GC apart from the sandbox's, which lives in the main thread's heap.
import { getHeapStatistics } from "node:v8";
import { parentPort, workerData } from "node:worker_threads";
import { Probot } from "probot";
import { fastProbotOctokit } from "../sandbox/harness.js";
import { type AppHandle, createApp } from "../src/app/index.js";

export interface WorkerAppConfig {
  appId: number;
  privateKey: string;
  baseUrl: string;
  env: Record<string, string>;
}

/** Main thread → worker. */
export type ToWorker =
  | { kind: "config"; config: WorkerAppConfig }
  | { kind: "webhook"; seq: number; id: string; name: string; payload: unknown }
  | { kind: "heap"; seq: number }
  | { kind: "stop" };

/** Worker → main thread. */
export type FromWorker =
  | { kind: "ready" }
  | { kind: "done"; seq: number; error: string | null }
  | { kind: "heap"; seq: number; usedBytes: number };

const port = parentPort;
if (!port) throw new Error("bench/app-worker.ts runs as a worker thread (see bench/scale.ts)");
/** [0]: 1 while the app still works on something after answering its webhooks. */
const busyFlag = new Int32Array(workerData.busy as SharedArrayBuffer);
const handles: AppHandle[] = [];
let probot: Probot | null = null;
const busyTimer = setInterval(() => {
  Atomics.store(busyFlag, 0, handles.some((h) => h.busy()) ? 1 : 0);
}, 5);

const send = (message: FromWorker) => port.postMessage(message);

port.on("message", async (message: ToWorker) => {
  if (message.kind === "config") {
    const { config } = message;
    Object.assign(process.env, config.env);
    const ProbotWithDefaults = Probot.defaults({
      appId: config.appId,
      privateKey: config.privateKey,
      baseUrl: config.baseUrl,
      logLevel: "warn",
      Octokit: fastProbotOctokit(),
    });
    probot = new ProbotWithDefaults();
    await probot.load(createApp({ env: config.env, onReady: (h) => handles.push(h) }));
    send({ kind: "ready" });
    return;
  }
  if (message.kind === "webhook") {
    if (!probot) throw new Error("a webhook reached the app worker before its config");
    try {
      await probot.receive({
        id: message.id,
        name: message.name,
        payload: message.payload,
      } as Parameters<Probot["receive"]>[0]);
      send({ kind: "done", seq: message.seq, error: null });
    } catch (error) {
      send({ kind: "done", seq: message.seq, error: String((error as Error).stack ?? error) });
    }
    return;
  }
  if (message.kind === "heap") {
    // Twice: a first collection can leave garbage that finalizers free for the second.
    const gc = (globalThis as { gc?: () => void }).gc;
    if (!gc) throw new Error("run the bench with node --expose-gc (npm run bench does)");
    gc();
    gc();
    send({ kind: "heap", seq: message.seq, usedBytes: getHeapStatistics().used_heap_size });
    return;
  }
  for (const h of handles) h.stop();
  clearInterval(busyTimer);
  port.close();
});
