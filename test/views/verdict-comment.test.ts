import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../src/core/config.js";
import { decide, decideRemeasure } from "../../src/core/decide.js";
import { digestLines } from "../../src/core/digest.js";
import type { TrainResult } from "../../src/core/result-marker.js";
import type { Verdict } from "../../src/core/state-block.js";
import {
  readVerdictMarker,
  renderVerdictComment,
  renderVerdictMarker,
} from "../../src/views/verdict-comment.js";
import { crashResult, NO_METRICS } from "../support/fixtures.js";
import { okResult } from "./view-fixtures.js";

function verdictFor(result: TrainResult): Verdict {
  const decision = decide({
    result,
    best: 0.9979,
    policy: DEFAULT_CONFIG.policy,
    diff: { added: 1, removed: 1 },
    seedOnly: false,
    baseIsStale: false,
  });
  if (decision.kind !== "verdict") throw new Error("expected a verdict");
  return decision.verdict;
}

describe("renderVerdictComment", () => {
  it("shows a keep with its digest and numbers", () => {
    const description = "increase MATRIX_LR 0.04 → 0.056";
    const body = renderVerdictComment({
      n: 2,
      description,
      verdict: verdictFor(okResult),
      result: okResult,
      digest: digestLines({ n: 2, description, best: 0.9979, valBpb: 0.9932, status: "keep" }),
      attempt: 1,
    });
    expect(body).toMatchInlineSnapshot(`
      "<!-- autoresearch:verdict {"n":2,"head_sha":"b2c3d4e5f60718293a4b5c6d7e8f901234567890","attempt":1} -->
      ### ✅ keep: experiment #2, increase MATRIX_LR 0.04 → 0.056

      val_bpb 0.993200 beats best 0.997900 by 0.004700 (needed more than 0.000000 with no net added lines)

      \`\`\`text
      Experiment #2: increase MATRIX_LR 0.04 → 0.056
      val_bpb: 0.997900 → 0.993200 (-0.004700)
      Status: keep
      \`\`\`

      | | |
      | --- | --- |
      | val_bpb | 0.993200 |
      | compared against | 0.997900 |
      | delta | -0.004700 |
      | peak memory | 44.2 GB |
      | training time | 300.1 s |
      | total time | 325.9 s |
      | MFU | 39.80% |
      | tokens | 499.6M |
      | steps | 953 |
      | parameters | 50.3M |
      | depth | 8 |
      | commit | b2c3d4e |
      "
    `);
  });

  it("shows a crash with its flags and what is known", () => {
    const result = crashResult(
      "missing-data",
      { message: "~/.cache/autoresearch is missing: run `uv run prepare.py` first", ...NO_METRICS },
      okResult,
    );
    const body = renderVerdictComment({
      n: 3,
      description: "deeper | wider",
      verdict: verdictFor(result),
      result,
      digest: digestLines({
        n: 3,
        description: "deeper | wider",
        best: 0.9979,
        valBpb: null,
        status: "crash",
        crashReason: "missing-data",
      }),
      attempt: 3,
    });
    expect(body).toMatchInlineSnapshot(`
      "<!-- autoresearch:verdict {"n":3,"head_sha":"b2c3d4e5f60718293a4b5c6d7e8f901234567890","attempt":3} -->
      ### 💥 crash: experiment #3, deeper | wider

      the runner could not train (missing-data): ~/.cache/autoresearch is missing: run \`uv run prepare.py\` first

      Flags: <code>infra</code>

      \`\`\`text
      Experiment #3: deeper | wider
      val_bpb: 0.997900 → crash (missing-data)
      Status: crash
      \`\`\`

      | | |
      | --- | --- |
      | val_bpb | crash (missing-data) |
      | compared against | 0.997900 |
      | commit | b2c3d4e |
      "
    `);
  });

  it("shows a keep against the noise floor, and a re-measurement of the run head", () => {
    const decision = decide({
      result: okResult,
      best: 0.9979,
      policy: DEFAULT_CONFIG.policy,
      diff: { added: 1, removed: 1 },
      seedOnly: false,
      baseIsStale: false,
      noise: 0.0006,
    });
    if (decision.kind !== "verdict") throw new Error("expected a verdict");
    const keep = renderVerdictComment({
      n: 2,
      description: "increase MATRIX_LR 0.04 → 0.056",
      verdict: decision.verdict,
      result: okResult,
      digest: "",
      attempt: 1,
    });
    expect(keep).toContain("the gain is 7.8× the noise floor (MAD 0.000600)");
    expect(keep).toContain("| noise floor (MAD) | 0.000600 |");
    expect(keep).toContain("| delta / noise floor | 7.8× |");

    const remeasure = renderVerdictComment({
      n: 7,
      description: "re-measure the run head (noise floor)",
      verdict: decideRemeasure({ result: okResult, recorded: 0.9926 }),
      result: okResult,
      digest: "",
      attempt: 1,
    });
    expect(remeasure).toContain("### 📏 remeasure: experiment #7, re-measure the run head");
    expect(remeasure).toContain("against its recorded 0.992600 (+0.000600)");
    expect(remeasure).not.toContain("noise floor (MAD) |");
  });

  it("carries a marker that user text cannot fake", () => {
    const fake = renderVerdictMarker({ n: 99, head_sha: "evil", attempt: 9 });
    const body = renderVerdictComment({
      n: 2,
      description: fake,
      verdict: verdictFor(okResult),
      result: okResult,
      digest: `Experiment #2: ${fake}`,
      attempt: 1,
    });
    expect(readVerdictMarker(body)).toEqual({ n: 2, head_sha: okResult.head_sha, attempt: 1 });
  });
});

describe("readVerdictMarker", () => {
  it.each([
    ["no body", null],
    ["no marker", "a comment"],
    ["broken JSON", "<!-- autoresearch:verdict {n:1} -->"],
    ["missing attempt", '<!-- autoresearch:verdict {"n":1,"head_sha":"x"} -->'],
  ])("reads %s as null", (_name, body) => {
    expect(readVerdictMarker(body)).toBeNull();
  });
});
