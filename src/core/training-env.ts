/**
 * The environment the training command sees: the runner's, minus every GitHub
 * credential. Training code is untrusted (an agent wrote it), so it must never
 * be able to read a token.
 */
const SECRET_NAMES = new Set([
  "GITHUB_TOKEN",
  "GH_TOKEN",
  "ACTIONS_RUNTIME_TOKEN",
  "GIST_TOKEN",
  // The step's command files: writing them would inject env vars, PATH entries or outputs into later steps.
  "GITHUB_ENV",
  "GITHUB_PATH",
  "GITHUB_OUTPUT",
  "GITHUB_STATE",
  "GITHUB_STEP_SUMMARY",
]);
const SECRET_PREFIXES = [
  "INPUT_",
  "ACTIONS_ID_TOKEN_REQUEST_",
  "ACTIONS_RUNTIME_",
  "ACTIONS_CACHE_",
];

/** Whether the training command must not see this variable. */
export function isCredentialVar(name: string): boolean {
  const upper = name.toUpperCase();
  return SECRET_NAMES.has(upper) || SECRET_PREFIXES.some((p) => upper.startsWith(p));
}

export function trainingEnv(
  env: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  const clean: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && !isCredentialVar(name)) clean[name] = value;
  }
  return clean;
}
