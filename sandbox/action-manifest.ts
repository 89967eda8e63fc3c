/** Reads the action's action.yml (inputs with defaults, entry point) like the Actions runner does. */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

export interface ActionInput {
  default?: string;
  required: boolean;
}

export interface ActionManifest {
  inputs: Record<string, ActionInput>;
  /** `runs.main`, relative to the action directory. */
  main: string;
  using: string;
  /** false when action.yml was missing and the documented inputs were assumed. */
  fromFile: boolean;
}

/**
 * The inputs our action documents (DESIGN/brief), used only until action.yml exists so the
 * sandbox can run before the action is written. A real action.yml always wins.
 */
const DOCUMENTED_INPUTS: Record<string, ActionInput> = {
  command: { default: "uv run train.py", required: false },
  "working-directory": { default: ".", required: false },
  "timeout-minutes": { default: "10", required: false },
  "anomaly-seconds": { default: "360", required: false },
  "allowed-paths": { default: "train.py", required: false },
  "required-paths": { default: "~/.cache/autoresearch", required: false },
  "log-file": { default: "run.log", required: false },
  "pull-request": { required: false },
  "progress-interval": { default: "60", required: false },
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, evaluated by the runner
  "github-token": { default: "${{ github.token }}", required: false },
  mode: { default: "train", required: false },
};

export function readActionManifest(actionDir: string): ActionManifest {
  const file = ["action.yml", "action.yaml"]
    .map((n) => join(actionDir, n))
    .find((p) => existsSync(p));
  if (!file)
    return { inputs: DOCUMENTED_INPUTS, main: "dist/index.js", using: "node20", fromFile: false };
  // biome-ignore lint/suspicious/noExplicitAny: raw YAML, read field by field
  const doc: any = parse(readFileSync(file, "utf8"));
  const inputs: Record<string, ActionInput> = {};
  for (const [name, spec] of Object.entries(
    (doc?.inputs ?? {}) as Record<string, Record<string, unknown> | null>,
  )) {
    inputs[name] = {
      required: spec?.required === true,
      ...(spec?.default !== undefined ? { default: String(spec.default) } : {}),
    };
  }
  const runs = doc?.runs ?? {};
  if (typeof runs.main !== "string")
    throw new Error(`${file}: runs.main is missing (a JavaScript action needs an entry point)`);
  return { inputs, main: runs.main, using: String(runs.using ?? "node20"), fromFile: true };
}
