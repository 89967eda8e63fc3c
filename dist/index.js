import { createRequire as __arCreateRequire } from 'node:module'; const require = __arCreateRequire(import.meta.url);
import {
  parseMode
} from "./chunks/chunk-CFLCWWBJ.js";
import "./chunks/chunk-DS6XRQEE.js";
import "./chunks/chunk-G4P45L52.js";
import {
  getInput,
  setFailed
} from "./chunks/chunk-LBXT2ELO.js";

// src/action/main.ts
var MODES = {
  check: async () => (await import("./chunks/run-check-TYYGBXHB.js")).runCheck(),
  train: async () => (await import("./chunks/run-train-6DZGPKIH.js")).runTrain(),
  report: async () => (await import("./chunks/run-report-7ZVV6ZYM.js")).runReport(),
  propose: async () => (await import("./chunks/run-propose-3RIRLG6L.js")).runPropose(),
  app: async () => (await import("./chunks/run-app-V2MMNS2C.js")).runApp()
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
