/**
 * The `bwrap` command line for `isolation: bubblewrap`: training sees a read-only copy of the
 * machine, its own /proc (so no other process's environment), a minimal /dev with the GPUs, a
 * private /tmp, and can write only to the working directory.
 */
export interface BubblewrapPlan {
  command: string;
  cwd: string;
  home: string;
  /** GPU device nodes found on the runner (`/dev/nvidia0`, `/dev/nvidiactl`, `/dev/dri`, …). */
  devices: readonly string[];
  /** Directories training must not even read (RUNNER_TEMP, the runner's logs): covered by an empty tmpfs. */
  hide: readonly string[];
  /** Files training must not read (the runner's credentials): /dev/null is bound over each. */
  mask: readonly string[];
  network: boolean;
}

export function bubblewrapArgs(plan: BubblewrapPlan): string[] {
  const cache = `${plan.home.replace(/\/+$/, "")}/.cache/autoresearch`;
  const hide = plan.hide.filter((dir) => !isInside(dir, plan.cwd) && dir !== "/");
  return [
    "--die-with-parent",
    "--new-session",
    "--unshare-pid",
    "--unshare-user-try",
    "--unshare-ipc",
    "--unshare-uts",
    "--unshare-cgroup-try",
    ...(plan.network ? [] : ["--unshare-net"]),
    ...["--ro-bind", "/", "/"],
    ...["--proc", "/proc"],
    ...["--dev", "/dev"],
    ...plan.devices.flatMap((device) => ["--dev-bind", device, device]),
    ...["--tmpfs", "/tmp"],
    ...hide.flatMap((dir) => ["--tmpfs", dir]),
    ...plan.mask.flatMap((file) => ["--ro-bind", "/dev/null", file]),
    // After the tmpfs covers, so a hidden parent cannot take these away again.
    ...["--ro-bind-try", cache, cache],
    ...["--bind", plan.cwd, plan.cwd],
    ...["--chdir", plan.cwd],
    "--",
    "/bin/sh",
    "-c",
    plan.command,
  ];
}

/** `path` is `dir` or below it. */
function isInside(path: string, dir: string): boolean {
  return path === dir || path.startsWith(`${dir.replace(/\/+$/, "")}/`);
}

/** The device nodes of /dev worth passing through, from a listing of /dev. */
export function gpuDevices(devEntries: readonly string[]): string[] {
  return devEntries
    .filter((name) => name.startsWith("nvidia") || name === "dri" || name === "kfd")
    .sort()
    .map((name) => `/dev/${name}`);
}
