import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { proposeOutputs } from "../../src/core/propose-outputs.js";
import { HANDOFF_OUTPUTS } from "../../src/core/step-handoff.js";
import { buildTrainResult, resultOutputs } from "../../src/core/train-result.js";

const manifest = parse(readFileSync(new URL("../../action.yml", import.meta.url), "utf8")) as {
  outputs: Record<string, { description: string }>;
};

describe("proposeOutputs", () => {
  it("sets the outputs action.yml declares: train mode's and propose mode's, nothing else", () => {
    const train = resultOutputs(
      buildTrainResult(
        { status: "infra", reason: "missing-data", message: "m", summary: null, anomalous: false },
        {
          pr: null,
          headSha: "x",
          runId: "1",
          runAttempt: 1,
          startedAt: "2025-11-26T00:00:00Z",
          finishedAt: "2025-11-26T00:00:01Z",
        },
      ),
    );
    const propose = proposeOutputs({ status: "invalid", reason: "r", branch: "", description: "" });
    const names = new Set([
      ...Object.keys(train),
      ...Object.keys(propose),
      ...Object.values(HANDOFF_OUTPUTS),
    ]);
    expect([...names].sort()).toEqual(Object.keys(manifest.outputs).sort());
  });

  it("documents every propose status on the shared status output", () => {
    for (const status of ["proposed", "invalid", "agent-failed"]) {
      expect(manifest.outputs.status.description).toContain(status);
    }
  });
});
