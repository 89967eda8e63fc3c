import { existsSync, readdirSync, readlinkSync } from "node:fs";
import { basename, delimiter, dirname, join } from "node:path";
import { execa } from "execa";
import { type BubblewrapPlan, bubblewrapArgs, gpuDevices } from "../core/bubblewrap-args.js";

export class IsolationError extends Error {
  override name = "IsolationError";
}

/**
 * The argv that runs `command` under bubblewrap, after checking on this runner that bwrap exists
 * and can make its namespaces (so a broken setup is an infra error, not a training crash).
 */
export async function bubblewrapCommand(
  plan: Omit<BubblewrapPlan, "devices" | "hide" | "mask">,
  env: NodeJS.ProcessEnv,
): Promise<string[]> {
  const bwrap = findOnPath("bwrap", env.PATH ?? "");
  if (bwrap === null) {
    throw new IsolationError(
      "isolation: bubblewrap needs bwrap on the runner, and it is not on PATH: install it once (`sudo apt-get install bubblewrap`), or set isolation: none",
    );
  }
  const probe = await execa(
    bwrap,
    [
      "--die-with-parent",
      "--unshare-pid",
      "--unshare-user-try",
      "--ro-bind",
      "/",
      "/",
      "--proc",
      "/proc",
      "--dev",
      "/dev",
      "true",
    ],
    { reject: false, timeout: 10_000, env: {}, extendEnv: false },
  );
  if (probe.exitCode !== 0) {
    throw new IsolationError(
      `isolation: bubblewrap: bwrap cannot create its namespaces on this runner (${String(probe.stderr).trim() || `exit ${probe.exitCode}`}): allow unprivileged user namespaces (e.g. Ubuntu 24.04: sysctl kernel.apparmor_restrict_unprivileged_userns=0, or an AppArmor profile for bwrap), or set isolation: none`,
    );
  }
  const root = runnerRoot();
  const hide = [env.RUNNER_TEMP, root && join(root, "_diag")].filter(existing);
  const mask = RUNNER_SECRETS.map((name) => root && join(root, name)).filter(existing);
  return [bwrap, ...bubblewrapArgs({ ...plan, devices: gpuDevices(listDev()), hide, mask })];
}

/** The runner's registration: with them anyone can pose as this runner and receive jobs' tokens. */
const RUNNER_SECRETS = [".credentials", ".credentials_rsaparams", ".runner"];

function existing(path: string | null | undefined): path is string {
  return typeof path === "string" && path !== "" && existsSync(path);
}

function findOnPath(name: string, path: string): string | null {
  for (const dir of path.split(delimiter)) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return null;
}

function listDev(): string[] {
  try {
    return readdirSync("/dev");
  } catch {
    return [];
  }
}

/**
 * The Actions runner's install directory (its registration and logs live there), when this action
 * was started by its Runner.Worker: `<root>/bin/Runner.Worker`.
 */
function runnerRoot(): string | null {
  try {
    const exe = readlinkSync(`/proc/${process.ppid}/exe`);
    return basename(exe).startsWith("Runner.Worker") ? dirname(dirname(exe)) : null;
  } catch {
    return null;
  }
}
