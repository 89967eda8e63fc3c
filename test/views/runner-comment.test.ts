import { describe, expect, it } from "vitest";
import {
  readResultMarker,
  renderResultMarker,
  type TrainResult,
} from "../../src/core/result-marker.js";
import {
  type FinalView,
  RUNNER_MARKER,
  renderFinalComment,
  renderStartedComment,
} from "../../src/views/runner-comment.js";
import { baselineResult, crashResult, NO_METRICS } from "../support/fixtures.js";

const SHA = "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678";
const RUN_URL = "https://github.com/acme/research/actions/runs/4242";

const OK = baselineResult({ head_sha: SHA });

const CRASH = crashResult(
  "traceback",
  {
    message:
      "train.py crashed (RuntimeError: shape mismatch): fix the error shown in the log tail.",
    ...NO_METRICS,
    run_attempt: 2,
  },
  OK,
);

const REJECTED = crashResult(
  "path-violation",
  {
    message: "this PR changes prepare.py: only train.py may change (input allowed-paths)",
    ...NO_METRICS,
  },
  OK,
);

/** A crash log whose own text holds code fences: they must not end the comment's fence. */
const BACKTICK_TAIL = [
  "Traceback (most recent call last):",
  '  File "train.py", line 12, in <module>',
  "    ```python",
  "    x = model(````y````)",
  "    ```",
  "RuntimeError: shape mismatch",
].join("\n");

const final = (result: TrainResult, patch: Partial<FinalView> = {}) =>
  renderFinalComment({
    result,
    logTail: null,
    logFile: "run.log",
    runUrl: RUN_URL,
    withMarkers: false,
    ...patch,
  });

describe("renderStartedComment", () => {
  it("says training started, its limit, and where live progress is", () => {
    const body = renderStartedComment({ sha: SHA, timeoutMinutes: 10, runUrl: RUN_URL });
    expect(body).toMatchInlineSnapshot(`
      "<!-- autoresearch:runner -->
      ### ⏳ autoresearch · training \`a1b2c3d\`

      Started; at most 10 min. The result replaces this comment; live progress is in the [workflow run](https://github.com/acme/research/actions/runs/4242)'s log.
      "
    `);
  });

  it("is found again by the runner marker, and carries no result", () => {
    const body = renderStartedComment({ sha: SHA, timeoutMinutes: 10, runUrl: null });
    expect(body.startsWith(RUNNER_MARKER)).toBe(true);
    expect(readResultMarker(body)).toEqual({ found: false });
  });
});

describe("renderFinalComment", () => {
  it("shows an ok run's val_bpb and metrics", () => {
    expect(final(OK)).toMatchInlineSnapshot(`
      "### ✅ autoresearch · val_bpb 0.997900 · \`a1b2c3d\`

      val_bpb 0.997900 after 300.1 s of training.

      | metric | value |
      | --- | --- |
      | status | ok |
      | val_bpb | 0.997900 |
      | memory_gb | 44.0 |
      | peak_vram_mb | 45060.2 |
      | training_seconds | 300.1 |
      | total_seconds | 325.9 |
      | mfu_percent | 39.8 |
      | total_tokens_M | 499.6 |
      | num_steps | 953 |
      | num_params_M | 50.3 |
      | depth | 8 |

      [workflow run](https://github.com/acme/research/actions/runs/4242) · attempt 1
      "
    `);
  });

  it("marks an anomalous run in the headline", () => {
    const body = final({ ...OK, anomalous: true, training_seconds: 412.5 });
    expect(body.split("\n")[0]).toBe(
      "### ✅ autoresearch · val_bpb 0.997900 (anomalous) · `a1b2c3d`",
    );
  });

  it("shows a crash with its log tail in a fence longer than the log's backticks", () => {
    const body = final(CRASH, { logTail: BACKTICK_TAIL });
    expect(body).toMatchInlineSnapshot(`
      "### 💥 autoresearch · crash (traceback) · \`a1b2c3d\`

      train.py crashed (RuntimeError: shape mismatch): fix the error shown in the log tail.

      | metric | value |
      | --- | --- |
      | status | crash |
      | val_bpb | 0.000000 |
      | memory_gb | 0.0 |

      <details><summary>Last 6 lines of run.log</summary>

      \`\`\`\`\`
      Traceback (most recent call last):
        File "train.py", line 12, in <module>
          \`\`\`python
          x = model(\`\`\`\`y\`\`\`\`)
          \`\`\`
      RuntimeError: shape mismatch
      \`\`\`\`\`

      </details>

      [workflow run](https://github.com/acme/research/actions/runs/4242) · attempt 2
      "
    `);
    expect(body).toContain(`\`\`\`\`\`\n${BACKTICK_TAIL}\n\`\`\`\`\``);
  });

  it("shows a rejected PR without a log", () => {
    expect(final(REJECTED)).toMatchInlineSnapshot(`
      "### 🚫 autoresearch · rejected (path-violation) · \`a1b2c3d\`

      this PR changes prepare.py: only train.py may change (input allowed-paths)

      | metric | value |
      | --- | --- |
      | status | rejected |
      | val_bpb | 0.000000 |
      | memory_gb | 0.0 |

      [workflow run](https://github.com/acme/research/actions/runs/4242) · attempt 1
      "
    `);
  });

  it.each([
    ["ok", OK, null],
    ["crash", CRASH, BACKTICK_TAIL],
    ["rejected", REJECTED, null],
    ["a message with -->", { ...CRASH, message: "stopped at --> here -- see log" }, "-->"],
  ])("carries exactly one result marker for %s that reads back equal", (_name, result, tail) => {
    const body = final(result, { logTail: tail, withMarkers: true });
    expect(body.split("<!-- autoresearch:result ")).toHaveLength(2);
    expect(body.split(RUNNER_MARKER)).toHaveLength(2);
    expect(readResultMarker(body)).toEqual({ found: true, ok: true, result });
  });

  // Training code is untrusted: whatever it prints must not become the result the app reads.
  const forgedMarker = renderResultMarker({ ...OK, val_bpb: 0.5, message: "forged" });

  it("keeps the real result when the message quotes a forged marker", () => {
    const result = { ...CRASH, message: `train.py printed ${forgedMarker}` };
    const body = final(result, { withMarkers: true });
    expect(readResultMarker(body)).toEqual({ found: true, ok: true, result });
  });

  // A crashing train.py that prints a marker must not be read as ok with its own val_bpb.
  it("keeps the real result when the log tail holds a forged marker", () => {
    const body = final(CRASH, { logTail: `${BACKTICK_TAIL}\n${forgedMarker}`, withMarkers: true });
    expect(readResultMarker(body)).toEqual({ found: true, ok: true, result: CRASH });
    expect(body.match(/<!-- autoresearch:result/g)).toHaveLength(1);
  });

  it("leaves the hidden markers out of the job summary", () => {
    const body = final(CRASH, { logTail: BACKTICK_TAIL, withMarkers: false });
    expect(body).not.toContain("<!--");
  });
});
