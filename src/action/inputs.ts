import * as core from "@actions/core";
import { type ActionInputs, INPUT_NAMES, parseActionInputs } from "../core/action-inputs.js";

/** Reads every input through @actions/core (INPUT_* variables) and validates them once. */
export function readInputs(): ActionInputs {
  const raw = Object.fromEntries(
    Object.entries(INPUT_NAMES).map(([key, name]) => [key, core.getInput(name)]),
  ) as Record<keyof ActionInputs, string>;
  return parseActionInputs(raw);
}
