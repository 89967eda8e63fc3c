import { createRequire as __arCreateRequire } from 'node:module'; const require = __arCreateRequire(import.meta.url);
import {
  parseMode
} from "./chunks/chunk-Q5ISAJUC.js";
import "./chunks/chunk-AISIHUE3.js";
import {
  getInput,
  setFailed
} from "./chunks/chunk-I35A2DY5.js";

// src/action/main.ts
var MODES = {
  check: async () => (await import("./chunks/run-check-DNOEZI6A.js")).runCheck(),
  train: async () => (await import("./chunks/run-train-IR76RIKH.js")).runTrain(),
  report: async () => (await import("./chunks/run-report-YNB7H4SP.js")).runReport(),
  propose: async () => (await import("./chunks/run-propose-7ZZ374QL.js")).runPropose()
};
async function run() {
  let mode;
  try {
    mode = parseMode(getInput("mode"));
  } catch (error) {
    return setFailed(error instanceof Error ? error.message : String(error));
  }
  return MODES[mode]();
}

// src/action/index.ts
await run();
