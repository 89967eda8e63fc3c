import { describe, expect, it } from "vitest";
import { bubblewrapArgs, gpuDevices } from "../../src/core/bubblewrap-args.js";

const PLAN = {
  command: "uv run train.py",
  cwd: "/home/r/actions-runner/_work/research/research",
  home: "/home/r",
  devices: ["/dev/nvidia0", "/dev/nvidiactl"],
  hide: ["/home/r/actions-runner/_work/_temp"],
  mask: ["/home/r/actions-runner/.credentials"],
  network: false,
};

/** The argv as `--option args…` groups, for readable assertions. */
function pairs(args: string[]): string[] {
  return args.join(" ").split(/ (?=--)/);
}

describe("bubblewrapArgs", () => {
  it("builds the sandbox: namespaces, read-only root, fresh /proc, GPUs, private /tmp, writable checkout", () => {
    const args = bubblewrapArgs(PLAN);
    expect(pairs(args)).toEqual([
      "--die-with-parent",
      "--new-session",
      "--unshare-pid",
      "--unshare-user-try",
      "--unshare-ipc",
      "--unshare-uts",
      "--unshare-cgroup-try",
      "--unshare-net",
      "--ro-bind / /",
      "--proc /proc",
      "--dev /dev",
      "--dev-bind /dev/nvidia0 /dev/nvidia0",
      "--dev-bind /dev/nvidiactl /dev/nvidiactl",
      "--tmpfs /tmp",
      "--tmpfs /home/r/actions-runner/_work/_temp",
      "--ro-bind /dev/null /home/r/actions-runner/.credentials",
      "--ro-bind-try /home/r/.cache/autoresearch /home/r/.cache/autoresearch",
      `--bind ${PLAN.cwd} ${PLAN.cwd}`,
      `--chdir ${PLAN.cwd}`,
      "-- /bin/sh -c uv run train.py",
    ]);
    expect(args.slice(-3)).toEqual(["/bin/sh", "-c", "uv run train.py"]);
  });

  it("keeps the network only when asked", () => {
    expect(bubblewrapArgs({ ...PLAN, network: true })).not.toContain("--unshare-net");
  });

  it("never hides the checkout itself, a folder inside it, or /", () => {
    const args = bubblewrapArgs({ ...PLAN, hide: ["/", PLAN.cwd, `${PLAN.cwd}/sub`, "/srv/x"] });
    expect(pairs(args).filter((p) => p.startsWith("--tmpfs"))).toEqual([
      "--tmpfs /tmp",
      "--tmpfs /srv/x",
    ]);
  });
});

describe("gpuDevices", () => {
  it("passes NVIDIA nodes, DRI and AMD's kfd, nothing else", () => {
    expect(
      gpuDevices(["null", "nvidia0", "nvidiactl", "nvidia-uvm", "dri", "kfd", "sda", "tty"]),
    ).toEqual(["/dev/dri", "/dev/kfd", "/dev/nvidia-uvm", "/dev/nvidia0", "/dev/nvidiactl"]);
  });
});
