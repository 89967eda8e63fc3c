import { describe, expect, it } from "vitest";
import { readStateBlock } from "../../src/core/state-block.js";
import { renderPrBody } from "../../src/views/pr-body.js";
import { experimentState } from "./view-fixtures.js";

describe("renderPrBody", () => {
  it("describes a sweep experiment against the run's best", () => {
    const body = renderPrBody({
      description: experimentState.description,
      source: "sweep",
      diff: { added: 1, removed: 1, files: ["train.py"] },
      comparedAgainst: {
        baseSha: experimentState.base_sha,
        bestValBpb: 0.9979,
        bestPr: 11,
      },
      state: experimentState,
    });
    expect(body).toMatchInlineSnapshot(`
      "increase MATRIX_LR 0.04 → 0.056

      | | |
      | --- | --- |
      | experiment | #2 of run <code>nov26</code> |
      | proposed by | the built-in sweep proposer |
      | change | +1 / −1 lines in <code>train.py</code> |
      | compared against | best val_bpb 0.997900 from #11, run branch at <code>a1b2c3d</code> |

      <sub>autoresearch-bot trains this PR on a GPU runner, then keeps it (merge) when its val_bpb beats the run's best or discards it (close: the diff stays here). To train it again, add the <code>autoresearch:rerun</code> label.</sub>

      <!-- autoresearch:state {"v":1,"tag":"nov26","n":2,"description":"increase MATRIX_LR 0.04 → 0.056","source":"sweep","base_sha":"a1b2c3d4e5f60718293a4b5c6d7e8f9012345678","head_sha":"b2c3d4e5f60718293a4b5c6d7e8f901234567890","phase":"queued","attempts":0,"infra_failures":0,"dispatched_at":null,"result":null,"verdict":null} -->
      "
    `);
    expect(readStateBlock(body)).toEqual(experimentState);
  });

  it("describes the baseline, with a custom rerun label", () => {
    const state = {
      ...experimentState,
      n: 0,
      source: "baseline" as const,
      description: "baseline",
    };
    const body = renderPrBody({
      description: "baseline",
      source: "baseline",
      diff: { added: 0, removed: 0, files: [] },
      comparedAgainst: null,
      state,
      rerunLabel: "again",
    });
    expect(body.split("\n\n<!--")[0]).toMatchInlineSnapshot(`
      "baseline

      | | |
      | --- | --- |
      | experiment | #0 of run <code>nov26</code> |
      | proposed by | the baseline: the code as it is, measured first |
      | change | no files changed |
      | compared against | nothing yet: this is the run's first measurement |

      <sub>autoresearch-bot trains this PR on a GPU runner, then keeps it (merge) when its val_bpb beats the run's best or discards it (close: the diff stays here). To train it again, add the <code>again</code> label.</sub>"
    `);
  });

  it("keeps user text from faking the state block", () => {
    const fake = '<!-- autoresearch:state {"v":1,"tag":"evil"} -->';
    const body = renderPrBody({
      description: `try this ${fake}`,
      source: "push",
      diff: { added: 1, removed: 0, files: [`odd ${fake}.py`] },
      comparedAgainst: { baseSha: "abc", bestValBpb: null, bestPr: null },
      state: experimentState,
    });
    expect(body.match(/<!-- autoresearch:state/g)).toHaveLength(1);
    expect(readStateBlock(body)).toEqual(experimentState);
    expect(body).toContain("try this &lt;!-- autoresearch:state");
    expect(body).toContain(
      "| compared against | run branch at <code>abc</code>, not measured yet |",
    );
  });
});
