import * as core from "@actions/core";
import { type ActionMode, parseMode } from "../core/propose-inputs.js";
import { runPropose } from "./propose/run-propose.js";
import { runApp } from "./run-app.js";
import { runCheck } from "./run-check.js";
import { runReport } from "./run-report.js";
import { runTrain } from "./run-train.js";

const MODES: Record<ActionMode, () => Promise<void>> = {
  check: runCheck,
  train: runTrain,
  report: runReport,
  propose: runPropose,
  app: runApp,
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
