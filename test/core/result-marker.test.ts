import { describe, expect, it } from "vitest";
import { readResultMarker, renderResultMarker } from "../../src/core/result-marker.js";
import { baselineResult, crashResult, NO_METRICS } from "../support/fixtures.js";

const OK = baselineResult();

const CRASH = crashResult(
  "oom",
  { message: "CUDA ran out of memory: reduce DEVICE_BATCH_SIZE or the model size.", ...NO_METRICS },
  OK,
);

const REJECTED = crashResult(
  "path-violation",
  {
    message: "this PR changes prepare.py: only train.py may change (input allowed-paths)",
    ...NO_METRICS,
    pr: null,
  },
  OK,
);

/** A sticky comment as the action posts it: prose around the hidden marker. */
const inComment = (marker: string) =>
  `<!-- autoresearch:runner -->\n### ✅ autoresearch · val_bpb\n\nsome text\n${marker}\n\nmore text -->`;

/** The marker text a forger could type into a comment, with one field changed. */
const forged = (patch: Record<string, unknown>) =>
  `<!-- autoresearch:result ${JSON.stringify({ ...OK, ...patch })} -->`;

describe("renderResultMarker → readResultMarker", () => {
  it.each([
    ["ok", OK],
    ["crash", CRASH],
    ["rejected", REJECTED],
    ["anomalous", { ...OK, anomalous: true, training_seconds: 412.5 }],
  ])("reads back an %s result unchanged", (_name, result) => {
    expect(readResultMarker(inComment(renderResultMarker(result)))).toEqual({
      found: true,
      ok: true,
      result,
    });
  });

  it("renders a single-line hidden HTML comment", () => {
    const marker = renderResultMarker(OK);
    expect(marker).toMatch(/^<!-- autoresearch:result \{.*\} -->$/);
    expect(marker).not.toContain("\n");
  });

  it.each([
    ["-->", "training printed --> and stopped"],
    ["--", "run with --fast -- then crashed"],
    ["} -->", 'closing text } --> {"v":2}'],
    ["<!--", "a log line <!-- with a comment opener"],
    ["a newline", "first line\nsecond line -->"],
  ])("keeps a message containing %s inside the comment", (_name, message) => {
    const result = { ...CRASH, message };
    const marker = renderResultMarker(result);
    const inside = marker.slice("<!--".length, -"-->".length);
    // HTML comments end at the first "--" sequence: none may appear inside
    expect(inside).not.toContain("--");
    expect(marker.endsWith(" -->")).toBe(true);
    expect(readResultMarker(inComment(marker))).toEqual({ found: true, ok: true, result });
  });
});

describe("readResultMarker on comments it did not write", () => {
  it.each([
    ["no marker", "### ✅ autoresearch · val_bpb 0.997900"],
    ["an empty body", ""],
    ["another bot's marker", "<!-- autoresearch:state {} -->"],
    ["the marker name in prose", "the autoresearch:result marker is hidden"],
  ])("finds nothing in %s", (_name, body) => {
    expect(readResultMarker(body)).toEqual({ found: false });
  });

  it.each([
    ["val_bpb as a string", { val_bpb: "0.9979" }, "val_bpb"],
    ["a negative memory_gb", { memory_gb: -1 }, "memory_gb"],
    ["an unknown status", { status: "great" }, "status"],
    ["an unknown crash reason", { crash_reason: "gremlins" }, "crash_reason"],
    ["a future version", { v: 2 }, "v"],
    ["no head_sha", { head_sha: undefined }, "head_sha"],
    ["a fractional PR number", { pr: 7.5 }, "pr"],
    ["anomalous as text", { anomalous: "no" }, "anomalous"],
    ["val_bpb over 100", { val_bpb: 100.5 }, "val_bpb"],
    ["val_bpb 100 on an ok result", { val_bpb: 100 }, "val_bpb"],
    ["val_bpb 0 on an ok result", { val_bpb: 0 }, "val_bpb"],
    ["a negative val_bpb", { val_bpb: -0.5 }, "val_bpb"],
    ["a negative peak_vram_mb", { peak_vram_mb: -5 }, "peak_vram_mb"],
    ["an absurd peak_vram_mb", { peak_vram_mb: 1e12 }, "peak_vram_mb"],
    ["an absurd memory_gb", { memory_gb: 1e9 }, "memory_gb"],
    ["training_seconds over 1e6", { training_seconds: 2e6 }, "training_seconds"],
    ["a negative num_steps", { num_steps: -1 }, "num_steps"],
    ["mfu_percent over 1000", { mfu_percent: 5000 }, "mfu_percent"],
  ])("reports %s as found but invalid, naming the field", (_name, patch, field) => {
    const read = readResultMarker(inComment(forged(patch)));
    expect(read).toMatchObject({ found: true, ok: false });
    if (!read.found || read.ok) throw new Error("expected an invalid marker");
    expect(read.error).toMatch(new RegExp(`^result marker is invalid: (.*; )?${field}: `));
  });

  it.each([
    ["val_bpb", "1e999", "[0, 100]"],
    ["peak_vram_mb", "-1e999", "[0, 10000000]"],
  ])("names the range when JSON overflows %s to Infinity (%s)", (field, number, range) => {
    const json = JSON.stringify({ ...OK, [field]: 1 }).replace(
      `"${field}":1`,
      `"${field}":${number}`,
    );
    const read = readResultMarker(`<!-- autoresearch:result ${json} -->`);
    if (!read.found || read.ok) throw new Error("expected an invalid marker");
    expect(read.error).toBe(`result marker is invalid: ${field}: must be a number in ${range}`);
  });

  it("reads a crash's val_bpb 0 as no result", () => {
    expect(readResultMarker(renderResultMarker(CRASH))).toMatchObject({ ok: true });
    expect(CRASH.val_bpb).toBe(0);
  });

  it("reports a marker that is not JSON", () => {
    const read = readResultMarker("<!-- autoresearch:result {status: ok} -->");
    expect(read).toMatchObject({ found: true, ok: false });
    if (!read.found || read.ok) throw new Error("expected an invalid marker");
    expect(read.error).toMatch(/^result marker is not JSON: /);
  });

  it("lists every invalid field, not just the first", () => {
    const read = readResultMarker(forged({ val_bpb: null, status: "great" }));
    if (!read.found || read.ok) throw new Error("expected an invalid marker");
    expect(read.error).toContain("status: ");
    expect(read.error).toContain("val_bpb: ");
  });
});
