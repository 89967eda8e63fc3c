import { describe, expect, it } from "vitest";
import {
  buildDashboard,
  type ExperimentSummary,
  ISSUE_BODY_LIMIT,
} from "../../src/core/dashboard.js";
import { ledgerRow, parseResults, serializeResults } from "../../src/core/results-tsv.js";
import { readLedgerSection, readRunBlock, renderRunBlock } from "../../src/core/run-state.js";
import { renderDashboard } from "../../src/views/dashboard.js";
import { runState } from "./view-fixtures.js";

const sha = (n: number) => n.toString(16).padStart(7, "0").repeat(2);

describe("renderDashboard", () => {
  it("renders a small run", () => {
    const experiments: ExperimentSummary[] = [
      {
        n: 0,
        pr: 11,
        description: "baseline",
        status: "keep",
        valBpb: 0.9979,
        delta: null,
        sha: sha(0),
        dispatchedAt: null,
      },
      {
        n: 1,
        pr: 12,
        description: "MATRIX_LR 0.04 → 0.056",
        status: "keep",
        valBpb: 0.9932,
        delta: -0.0047,
        sha: sha(1),
        dispatchedAt: null,
      },
      {
        n: 2,
        pr: 13,
        description: "GeLU | not ReLU²",
        status: "discard",
        valBpb: 1.005,
        delta: 0.0118,
        sha: sha(2),
        dispatchedAt: null,
      },
      {
        n: 3,
        pr: 14,
        description: "double width",
        status: "training",
        valBpb: null,
        delta: null,
        sha: sha(3),
        dispatchedAt: "2025-11-26T11:51:00Z",
      },
      {
        n: 4,
        pr: 15,
        description: "DEPTH 8 → 10",
        status: "queued",
        valBpb: null,
        delta: null,
        sha: sha(4),
        dispatchedAt: null,
      },
    ];
    const tsv = serializeResults(
      experiments.slice(0, 3).map((e) =>
        ledgerRow({
          sha: e.sha,
          status: e.status as "keep",
          valBpb: e.valBpb,
          peakVramMb: 45260,
          description: e.description,
        }),
      ),
    );
    const body = renderDashboard(
      buildDashboard({
        run: runState,
        experiments,
        now: "2025-11-26T12:00:00Z",
        chartUrl: "https://example.com/progress.svg",
        ledgerUrl: null,
        ledgerTsv: tsv,
        alerts: ["#14 has waited 45 minutes for a runner: is a runner with the gpu label online?"],
        sweepStage: "combine",
      }),
    );
    expect(body).toMatchInlineSnapshot(`
      "<!-- autoresearch:run {"v":1,"tag":"nov26","status":"running","branch":"autoresearch/nov26","base_branch":"main","gist_id":null,"ledger":"issue","next_n":5,"started_at":"2025-11-26T10:00:00Z","started_by":"alice","proposer_failures":0,"notes":["started by alice from main"]} -->
      # autoresearch run <code>nov26</code>

      **Status:** running: experiments are proposed and trained until someone stops the run. Run branch <code>autoresearch/nov26</code>.

      **Best so far:** val_bpb **0.993200**, MATRIX_LR 0.04 → 0.056 (#12, <code>0000001</code>)

      **Experiments:** 3 decided, 2 kept, 1 discarded, 0 crashed (keep rate 67%)

      **Sweep:** combine stage (pairs, then triples of near-misses).

      > [!WARNING]
      > - #14 has waited 45 minutes for a runner: is a runner with the gpu label online?

      ![progress](https://example.com/progress.svg)

      ## In flight

      | # | PR | description | phase | dispatched |
      | --- | --- | --- | --- | --- |
      | 3 | #14 | double width | training | 11:51 UTC |

      Queued, waiting for a free GPU: #15

      ## Last experiments

      | # | PR | description | val_bpb | Δ | status |
      | --- | --- | --- | --- | --- | --- |
      | 2 | #13 | GeLU \\| not ReLU² | 1.005000 | +0.011800 | discard |
      | 1 | #12 | MATRIX_LR 0.04 → 0.056 | 0.993200 | -0.004700 | keep |
      | 0 | #11 | baseline | 0.997900 | — | keep |

      ## Recent events

      - started by alice from main

      ## Ledger

      GIST_TOKEN is not set: the ledger lives below in this issue.

      <!-- autoresearch:ledger -->
      \`\`\`tsv
      commit	val_bpb	memory_gb	status	description
      0000000	0.997900	44.2	keep	baseline
      0000001	0.993200	44.2	keep	MATRIX_LR 0.04 → 0.056
      0000002	1.005000	44.2	discard	GeLU | not ReLU²
      \`\`\`
      <!-- /autoresearch:ledger -->

      <sub>Commands (comment here): \`/autoresearch pause\`, \`/autoresearch resume\`, \`/autoresearch stop\`, \`/autoresearch status\`, \`/autoresearch rebuild\`.</sub>
      "
    `);
    expect(readRunBlock(body)).toEqual(runState);
    expect(readLedgerSection(body)).toBe(tsv);
  });

  it("renders a fresh paused run with its ledger in a gist", () => {
    const body = renderDashboard(
      buildDashboard({
        run: { ...runState, status: "paused", ledger: "gist", gist_id: "g1", notes: [] },
        experiments: [],
        now: "2025-11-26T12:00:00Z",
        chartUrl: null,
        ledgerUrl: "https://gist.github.com/alice/g1",
        ledgerTsv: null,
        alerts: [],
      }),
    );
    expect(body.slice(body.indexOf("# autoresearch run"))).toMatchInlineSnapshot(`
      "# autoresearch run <code>nov26</code>

      **Status:** paused: nothing new is dispatched; comment \`/autoresearch resume\` to continue. Run branch <code>autoresearch/nov26</code>.

      **Best so far:** nothing measured yet

      **Experiments:** 0 decided, 0 kept, 0 discarded, 0 crashed (keep rate —)

      ## In flight

      Nothing is training right now.

      ## Last experiments

      No experiment has been decided yet.

      ## Ledger

      [\`results.tsv\`](https://gist.github.com/alice/g1), one row per decided experiment.

      <sub>Commands (comment here): \`/autoresearch pause\`, \`/autoresearch resume\`, \`/autoresearch stop\`, \`/autoresearch status\`, \`/autoresearch rebuild\`.</sub>
      "
    `);
  });

  it("stays under GitHub's issue size limit with 5,000 experiments", () => {
    const statuses = ["discard", "discard", "keep", "discard", "crash"] as const;
    const experiments: ExperimentSummary[] = Array.from({ length: 5000 }, (_, n) => ({
      n,
      pr: n + 1,
      description: `experiment ${n}: ${"tweak ".repeat(n % 30)}`,
      status: statuses[n % statuses.length],
      valBpb: statuses[n % statuses.length] === "crash" ? null : 1 - n / 1e6,
      delta: null,
      sha: sha(n),
      dispatchedAt: null,
    }));
    const rows = experiments.map((e) =>
      ledgerRow({
        sha: e.sha,
        status: e.status as "keep" | "discard" | "crash",
        valBpb: e.valBpb,
        peakVramMb: 45000,
        description: e.description,
      }),
    );
    const tsv = serializeResults(rows);
    expect(tsv.length).toBeGreaterThan(ISSUE_BODY_LIMIT * 3);

    const body = renderDashboard(
      buildDashboard({
        run: runState,
        experiments,
        now: "2025-11-26T12:00:00Z",
        chartUrl: null,
        ledgerUrl: null,
        ledgerTsv: tsv,
        alerts: [],
      }),
    );

    expect(body.length).toBeLessThanOrEqual(ISSUE_BODY_LIMIT);
    expect(body.length).toBeGreaterThan(ISSUE_BODY_LIMIT - 2000);
    expect(readRunBlock(body)).toEqual(runState);
    const shown = parseResults(readLedgerSection(body) ?? "");
    expect(shown.at(-1)).toEqual(rows.at(-1));
    expect(shown.length).toBeLessThan(rows.length);
    expect(body).toContain(`The oldest ${rows.length - shown.length} rows are left out`);
    expect(body).toContain("| 4999 | #5000 |");
  });

  it("keeps descriptions from faking the run block or ending the ledger", () => {
    const fake = renderRunBlock({ ...runState, tag: "evil", status: "stopped" }, null);
    const description = `${fake} <!-- /autoresearch:ledger --> \`\`\``;
    const tsv = serializeResults([
      ledgerRow({ sha: sha(0), status: "keep", valBpb: 1, peakVramMb: 1024, description }),
    ]);
    const body = renderDashboard(
      buildDashboard({
        run: runState,
        experiments: [
          {
            n: 0,
            pr: 1,
            description,
            status: "keep",
            valBpb: 1,
            delta: null,
            sha: sha(0),
            dispatchedAt: null,
          },
        ],
        now: "2025-11-26T12:00:00Z",
        chartUrl: null,
        ledgerUrl: null,
        ledgerTsv: tsv,
        alerts: [fake],
      }),
    );
    expect(readRunBlock(body)).toEqual(runState);
    expect(readLedgerSection(body)).toBe(tsv);
  });
});
