import { describe, expect, it } from "vitest";
import { isCredentialVar, trainingEnv } from "../../src/core/training-env.js";

const SECRET = "ghs_s3cr3t_token_value";

/** Credentials a self-hosted runner hands a JavaScript action's process. */
const CREDENTIALS: Record<string, string> = {
  GITHUB_TOKEN: SECRET,
  GH_TOKEN: SECRET,
  "INPUT_GITHUB-TOKEN": SECRET,
  ACTIONS_RUNTIME_TOKEN: SECRET,
  ACTIONS_RUNTIME_URL: "https://pipelines.actions.githubusercontent.com/abc/",
  ACTIONS_ID_TOKEN_REQUEST_URL: `https://token.actions.githubusercontent.com/?sig=${SECRET}`,
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: SECRET,
  ACTIONS_CACHE_URL: `https://artifactcache.actions.githubusercontent.com/${SECRET}/`,
  GIST_TOKEN: SECRET,
  github_token: SECRET,
  // Step command files: writable, they would let training inject env or PATH into later steps.
  GITHUB_ENV: "/home/runner/work/_temp/_runner_file_commands/set_env_1",
  GITHUB_PATH: "/home/runner/work/_temp/_runner_file_commands/add_path_1",
  GITHUB_OUTPUT: "/home/runner/work/_temp/_runner_file_commands/set_output_1",
  GITHUB_STATE: "/home/runner/work/_temp/_runner_file_commands/save_state_1",
  GITHUB_STEP_SUMMARY: "/home/runner/work/_temp/_runner_file_commands/step_summary_1",
};

/** What training legitimately needs from the runner. */
const KEPT: Record<string, string> = {
  PATH: "/home/runner/.local/bin:/usr/bin:/bin",
  HOME: "/home/runner",
  CUDA_VISIBLE_DEVICES: "0",
  GITHUB_SHA: "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678",
  GITHUB_REF: "refs/heads/autoresearch/nov26--3-lr",
  GITHUB_WORKSPACE: "/home/runner/work/research/research",
  RUNNER_TEMP: "/home/runner/work/_temp",
  PYTHONUNBUFFERED: "1",
  LANG: "C.UTF-8",
};

describe("trainingEnv", () => {
  it.each(Object.keys(CREDENTIALS))("removes %s", (name) => {
    expect(isCredentialVar(name)).toBe(true);
    expect(trainingEnv({ ...KEPT, [name]: CREDENTIALS[name] })).toEqual(KEPT);
  });

  it.each(Object.keys(KEPT))("keeps %s with its value", (name) => {
    expect(isCredentialVar(name)).toBe(false);
    expect(trainingEnv({ ...CREDENTIALS, [name]: KEPT[name] })).toEqual({ [name]: KEPT[name] });
  });

  it("leaves no token value anywhere in a runner's whole environment", () => {
    const env = trainingEnv({ ...CREDENTIALS, ...KEPT, INPUT_COMMAND: "uv run train.py" });
    expect(JSON.stringify(env)).not.toContain(SECRET);
    expect(Object.keys(env).sort()).toEqual(Object.keys(KEPT).sort());
  });

  it("drops unset variables and leaves the runner's environment untouched", () => {
    const runner: Record<string, string | undefined> = {
      ...KEPT,
      GITHUB_TOKEN: SECRET,
      UNSET: undefined,
    };
    const snapshot = { ...runner };
    expect(trainingEnv(runner)).toEqual(KEPT);
    expect(runner).toEqual(snapshot);
  });
});
