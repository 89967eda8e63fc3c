// Where the real python3 lives, found once per test run rather than once per test file.
import { execFileSync } from "node:child_process";
import { dirname } from "node:path";

/** Set by vitest.config.ts for every test worker; a process started any other way finds it itself. */
const ENV_KEY = "SANDBOX_PYTHON3_DIR";

/**
 * The directory of the python3 that `python3` on PATH really runs ("" when there is none). A
 * version manager's shim (pyenv's is a bash script that spawns a dozen more) is asked once: it
 * costs ~0.4 s per start on a small machine.
 */
export function realPython3Dir(): string {
  const known = process.env[ENV_KEY];
  if (known !== undefined) return known;
  let dir = "";
  try {
    const python = execFileSync("python3", ["-c", "import sys; print(sys.executable)"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
    if (python) dir = dirname(python);
  } catch {
    // No python3: jobs that need it fail with the usual "command not found".
  }
  process.env[ENV_KEY] = dir;
  return dir;
}
