import { readFileSync } from "node:fs";
import * as core from "@actions/core";
import {
  PROPOSE_INPUT_NAMES,
  type ProposeInputs,
  parseProposeInputs,
  type RawProposeInputs,
} from "../../core/propose-inputs.js";

/** Propose mode's inputs, with `tag`/`experiment` falling back to the dispatch event's inputs. */
export function readProposeInputs(env: NodeJS.ProcessEnv): ProposeInputs {
  const raw = Object.fromEntries(
    Object.entries(PROPOSE_INPUT_NAMES).map(([key, name]) => [key, core.getInput(name)]),
  ) as RawProposeInputs;
  return parseProposeInputs(raw, readEvent(env.GITHUB_EVENT_PATH));
}

function readEvent(path: string | undefined): unknown {
  if (!path) return null;
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch {
    return null;
  }
}
