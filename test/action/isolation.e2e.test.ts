/**
 * `isolation: bubblewrap`, really run: the bundled action starts the training command under
 * bwrap on this machine. CI installs bubblewrap (.ci/run); elsewhere these tests are skipped.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { execaSync } from "execa";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type CommentsApi, startCommentsApi } from "../support/comments-api.js";
import { runJob } from "../support/run-action.js";

const PROBE = resolve(import.meta.dirname, "../fixtures/train/probe_reach.sh");
const FAKE = resolve(import.meta.dirname, "../fixtures/train/fake_train.py");
const hasBwrap = execaSync("sh", ["-c", "command -v bwrap"], { reject: false }).exitCode === 0;
const needs = hasBwrap ? "" : " (skipped: bwrap is not installed here: apt-get install bubblewrap)";

let api: CommentsApi | undefined;
/** Outside /tmp (which bubblewrap replaces anyway) and outside the checkout: training must not write here. */
let outside: string;
beforeEach(() => {
  outside = mkdtempSync(join(homedir(), ".autoresearch-isolation-"));
});
afterEach(async () => {
  rmSync(outside, { recursive: true, force: true });
  await api?.close();
  api = undefined;
});

async function job(inputs: Record<string, string> | ((apiUrl: URL) => Record<string, string>)) {
  api = await startCommentsApi({
    owner: "acme",
    repo: "research",
    pr: { number: 7, headRef: "autoresearch/nov26--3-lr", headSha: "a1b2c3d", files: ["train.py"] },
  });
  const given = typeof inputs === "function" ? inputs(new URL(api.url)) : inputs;
  return runJob({ inputs: given, apiUrl: api.url, pr: 7, env: { OUTSIDE_DIR: outside } });
}

function reach(workspace: string): Record<string, string> {
  const text = readFileSync(join(workspace, "reach.txt"), "utf8");
  return Object.fromEntries(
    text
      .trim()
      .split("\n")
      .map((l) => l.split(": ")),
  );
}

describe("isolation", () => {
  it("none: training runs as the runner user and can see the action's process and write anywhere it may", async () => {
    const run = await job({ command: `sh ${PROBE}` });
    expect(run.exitCode).toBe(0);
    const seen = reach(run.workspace);
    expect(Number(seen["environs-with-inputs"])).toBeGreaterThan(0);
    expect(seen).toMatchObject({
      outside: "written",
      checkout: "written",
      "check-file": "visible",
    });
  });

  it.skipIf(!hasBwrap)(
    `bubblewrap: no other process, nothing writable but the checkout, the data cache read-only${needs}`,
    async () => {
      const run = await job({ command: `sh ${PROBE}`, isolation: "bubblewrap" });
      expect(run.exitCode).toBe(0);
      expect(run.outputs).toMatchObject({ status: "ok", val_bpb: "0.997900" });
      const seen = reach(run.workspace);
      expect(seen).toEqual({
        "environs-with-inputs": "0",
        processes: expect.any(String),
        outside: "denied",
        cache: "denied",
        checkout: "written",
        "check-file": "hidden",
      });
      // Its own pid namespace: bwrap, the probe's shell and the probe's own commands.
      expect(Number(seen.processes)).toBeLessThan(10);
      expect(existsSync(join(outside, "planted"))).toBe(false);
      expect(existsSync(join(run.home, ".cache/autoresearch/planted"))).toBe(false);
      expect(existsSync(join(run.workspace, "inside-the-checkout"))).toBe(true);
    },
  );

  it.skipIf(!hasBwrap)(
    `bubblewrap: the timeout still kills everything inside${needs}`,
    async () => {
      const marker = String(900_000 + Math.floor(Math.random() * 99_999));
      const run = await job({
        command: `sleep ${marker} & sleep ${marker}`,
        isolation: "bubblewrap",
        "timeout-minutes": "0.05",
        "kill-grace-seconds": "1",
      });
      expect(run.outputs).toMatchObject({ status: "crash", "crash-reason": "timeout" });
      expect(sleepers(marker)).toEqual([]);
    },
  );

  it.skipIf(!hasBwrap).each([
    ["false", "unreachable"],
    ["true", "reached"],
  ])(
    `bubblewrap with isolation-network %s: the API on this machine is %s${needs}`,
    async (network, expected) => {
      const run = await job((url) => ({
        command: `python3 -c "import socket; socket.create_connection(('127.0.0.1', ${url.port}), 2)" && echo reached > net.txt || echo unreachable > net.txt; python3 ${FAKE} ok`,
        isolation: "bubblewrap",
        "isolation-network": network,
      }));
      expect(run.exitCode).toBe(0);
      expect(readFileSync(join(run.workspace, "net.txt"), "utf8").trim()).toBe(expected);
    },
  );
});

/** Host pids still running `sleep <marker>`. */
function sleepers(marker: string): string[] {
  return readdirSync("/proc")
    .filter((pid) => /^\d+$/.test(pid))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, "utf8") === `sleep\0${marker}\0`;
      } catch {
        return false;
      }
    });
}
