import { afterAll, expect, it } from "vitest";
import { type Night, startNight } from "../../sandbox/night.js";
import { readStateBlock } from "../../src/core/state-block.js";

let night: Night | undefined;
afterAll(async () => night?.stop());

it("runs a few experiments end to end", async () => {
  night = await startNight();
  const { sandbox } = night;
  try {
    const issue = await sandbox.human.openIssue("Let's research");
    await night.say(issue, "/autoresearch start nov26");
    await night.waitForDecided(3, 40_000);
    await night.stopRun();
    sandbox.assertNoViolations();
    expect(night.decided()).toBeGreaterThanOrEqual(3);
  } finally {
    for (const p of sandbox.state.pulls()) {
      const s = readStateBlock(p.body ?? "");
      console.log(
        p.number,
        p.state,
        p.pull_request?.merged_at ? "merged" : "",
        p.title,
        s?.phase,
        s?.verdict?.status,
        s?.verdict?.reason,
        s?.result?.message,
      );
    }
    const dash = night.dashboardNumber();
    if (dash) console.log(sandbox.state.issue(dash).body);
    for (const r of sandbox.state.runs())
      console.log(r.id, r.conclusion, String(r.log ?? "").slice(-1500));
  }
}, 120_000);
