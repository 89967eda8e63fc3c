// `npm run demo`, the README's first command, as a newcomer runs it: a child process that must
// exit 0 and leave the morning's artefacts behind.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { parseResults } from "../../src/core/results-tsv.js";

const run = promisify(execFile);
const out = mkdtempSync(join(tmpdir(), "demo-test-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

async function demo(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run("npm", ["run", "--silent", "demo", "--", ...args], {
      timeout: 240_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

describe("npm run demo", { timeout: 250_000 }, () => {
  it("runs a short noisy night with the noise floor and writes its artefacts", async () => {
    const { code, stdout, stderr } = await demo([
      "--experiments",
      "4",
      "--noise",
      "0.003",
      "--baseline-every",
      "2",
      "--budget",
      "0.5",
      "--out",
      out,
    ]);
    expect(code, `${stdout}\n${stderr}`).toBe(0);
    expect(stdout).toContain("all invariants hold");
    expect(stdout).toMatch(
      /^Experiment #1: baseline {2}\| {2}val_bpb: — → \d\.\d{6} {2}\| {2}Status: keep$/m,
    );
    expect(stdout).toMatch(/^Noise floor: val_bpb of unchanged code moves by \d\.\d{6} /m);
    for (const file of ["results.tsv", "progress.svg", "pulls.json", "dashboard.md"]) {
      expect(existsSync(join(out, file)), file).toBe(true);
    }
    const rows = parseResults(readFileSync(join(out, "results.tsv"), "utf8"));
    expect(rows.length).toBeGreaterThanOrEqual(4);
    expect(rows.every((r) => r.description !== "re-measure the run head (noise floor)")).toBe(true);
    expect(readFileSync(join(out, "progress.svg"), "utf8")).toContain("<svg");
  });

  it("runs a night in zero-server mode: no app server, the app as a workflow", async () => {
    const zeroOut = join(out, "zero");
    const { code, stdout, stderr } = await demo([
      "--mode",
      "actions",
      "--experiments",
      "2",
      "--budget",
      "0.5",
      "--out",
      zeroOut,
    ]);
    expect(code, `${stdout}\n${stderr}`).toBe(0);
    expect(stdout).toContain("zero-server mode (the app runs as a workflow)");
    expect(stdout).toContain("all invariants hold");
    expect(stdout).toMatch(
      /^Experiment #1: baseline {2}\| {2}val_bpb: — → \d\.\d{6} {2}\| {2}Status: keep$/m,
    );
    const rows = parseResults(readFileSync(join(zeroOut, "results.tsv"), "utf8"));
    expect(rows.length).toBeGreaterThanOrEqual(2);
  });

  it.each([
    [
      ["--baseline-every=-1"],
      "--baseline-every must be a number from 0 to 1000 (got -1); see --help",
    ],
    [["--experiment", "3"], "Unknown option '--experiment'"],
    [["--noise"], "Option '--noise <value>' argument missing"],
    [["--mode", "lambda"], "--mode must be server or actions (got lambda); see --help"],
    [
      ["--mode", "actions", "--restart"],
      "--restart and --duplicates act on the app server's webhooks: zero-server mode (--mode actions) has none; see --help",
    ],
  ])("refuses %j with exit 2, saying what is wrong", async (args, message) => {
    const { code, stdout, stderr } = await demo(args);
    expect(code, stdout).toBe(2);
    expect(stderr).toContain(message);
    expect(stderr).toContain("see --help");
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
