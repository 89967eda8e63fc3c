// examples/server/autoresearch-app.service: the systemd unit for the app's built server.
// (systemd-analyze verify is not available here: the keys that matter are checked one by one.)
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_DRAIN_SECONDS, drainSeconds } from "../../src/core/server-health.js";

const ROOT = resolve(import.meta.dirname, "../..");
const UNIT = "examples/server/autoresearch-app.service";
const read = (path: string) => readFileSync(join(ROOT, path), "utf8");

/** The [Service] settings, a key repeated as often as it is set. */
function serviceSettings(unit: string): [string, string][] {
  const service = unit.split(/^\[Service\]$/m)[1]?.split(/^\[/m)[0] ?? "";
  return service
    .split("\n")
    .filter((line) => line.trim() !== "" && !line.startsWith("#"))
    .map((line) => {
      const eq = line.indexOf("=");
      return [line.slice(0, eq), line.slice(eq + 1)];
    });
}

/** A systemd time span ("45s", "1min 30s", "2min", a bare number of seconds) in seconds. */
function seconds(span: string): number {
  const units: Record<string, number> = { "": 1, s: 1, sec: 1, m: 60, min: 60, h: 3600 };
  return span
    .trim()
    .split(/\s+/)
    .reduce((total, part) => {
      const match = /^(\d+(?:\.\d+)?)([a-z]*)$/.exec(part);
      const unit = match ? units[match[2]] : undefined;
      if (!match || unit === undefined) throw new Error(`not a time span: ${span}`);
      return total + Number(match[1]) * unit;
    }, 0);
}

const settings = serviceSettings(read(UNIT));
const all = (key: string) => settings.filter(([k]) => k === key).map(([, v]) => v);
const one = (key: string) => {
  const values = all(key);
  expect(values, key).toHaveLength(1);
  return values[0];
};
const env = Object.fromEntries(
  all("Environment").map((pair) => [
    pair.slice(0, pair.indexOf("=")),
    pair.slice(pair.indexOf("=") + 1),
  ]),
);

describe(UNIT, () => {
  it("runs the built server that `npm run build` makes, from the checkout it names", () => {
    const [node, script, ...rest] = one("ExecStart").split(/\s+/);
    expect(node).toMatch(/(^|\/)node$/);
    expect(rest).toEqual([]);
    const inCheckout = relative(one("WorkingDirectory"), script);
    expect(inCheckout).toBe("dist/server.js");
    // The file is committed, and the build makes it (check-dist keeps the two the same).
    expect(existsSync(join(ROOT, inCheckout))).toBe(true);
    const out = mkdtempSync(join(tmpdir(), "ar-build-"));
    try {
      execFileSync(process.execPath, ["scripts/build.mjs", "--outdir", out], { cwd: ROOT });
      expect(existsSync(join(out, "server.js"))).toBe(true);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 60_000);

  it("reads its secrets from an EnvironmentFile, in production mode", () => {
    expect(one("EnvironmentFile")).toMatch(/^\//);
    expect(env.NODE_ENV).toBe("production");
  });

  it("stops with SIGTERM and waits longer than the server drains", () => {
    expect(one("KillSignal")).toBe("SIGTERM");
    const drain = drainSeconds(env);
    expect(drain).toBe(
      env.AUTORESEARCH_DRAIN_SECONDS
        ? Number(env.AUTORESEARCH_DRAIN_SECONDS)
        : DEFAULT_DRAIN_SECONDS,
    );
    // Past the drain bound the server exits by itself: systemd's SIGKILL never cuts a pass.
    expect(seconds(one("TimeoutStopSec"))).toBeGreaterThan(drain);
  });

  it("restarts after a crash", () => {
    expect(one("Restart")).toBe("on-failure");
    expect(seconds(one("RestartSec"))).toBeGreaterThan(0);
  });

  it("runs unprivileged and sandboxed, but lets V8 compile", () => {
    expect(one("User")).not.toBe("root");
    expect(one("NoNewPrivileges")).toBe("yes");
    expect(one("ProtectSystem")).toBe("strict");
    expect(one("ProtectHome")).toBe("yes");
    expect(one("PrivateTmp")).toBe("yes");
    expect(one("CapabilityBoundingSet")).toBe("");
    expect(one("RestrictAddressFamilies").split(/\s+/).sort()).toEqual([
      "AF_INET",
      "AF_INET6",
      "AF_UNIX",
    ]);
    // A JIT needs writable-then-executable memory: MemoryDenyWriteExecute would crash node.
    expect(all("MemoryDenyWriteExecute")).toEqual([]);
    // ProtectSystem=strict leaves nothing writable: the server must not need a writable path.
    expect(all("ReadWritePaths")).toEqual([]);
  });
});

describe("README: the app as a service", () => {
  const readme = read("README.md");

  it("points at the unit file and the health endpoint", () => {
    expect(readme).toContain(UNIT);
    expect(readme).toContain("/healthz");
    expect(readme).toContain("AUTORESEARCH_DRAIN_SECONDS");
  });
});
