import * as core from "@actions/core";
import { type ActionMode, parseMode } from "../core/propose-inputs.js";

/**
 * Each mode's code loads only when that mode runs (the build splits them into chunks): every step
 * is a fresh process, so `train` never parses the GitHub client or the comment templates.
 */
const MODES: Record<ActionMode, () => Promise<void>> = {
  check: async () => (await import("./run-check.js")).runCheck(),
  train: async () => (await import("./run-train.js")).runTrain(),
  report: async () => (await import("./run-report.js")).runReport(),
  propose: async () => (await import("./propose/run-propose.js")).runPropose(),
  app: async () => (await import("./run-app.js")).runApp(),
};

/**
 * The action. One experiment PR is three steps of one job: `check` (with the token) guards the
 * PR, `train` (no token) runs the command, `report` (with the token) posts the result.
 * `propose` asks an agent for the next experiment. `app` runs the app for this workflow's event.
 */
export async function run(): Promise<void> {
  let mode: ActionMode;
  try {
    mode = parseMode(core.getInput("mode"));
  } catch (error) {
    return core.setFailed(error instanceof Error ? error.message : String(error));
  }
  return MODES[mode]();
}
