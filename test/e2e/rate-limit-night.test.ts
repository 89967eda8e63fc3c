// A short night under GitHub's rate limits: the app meets primary and secondary limits (waited
// out by its Probot client, with GitHub's waits shortened), the bundled action meets a secondary
// limit and a primary limit on its GITHUB_TOKEN (waited out in real seconds), and the night
// still ends with every invariant intact. Repeated reads come back as 304s, counted apart.
import { describe, expect, it } from "vitest";
import { checkNight } from "../../sandbox/invariants.js";
import { startNight } from "../../sandbox/night.js";

const TAG = "limits";
const WAIT_MS = 180_000;

describe("a night under rate limits", () => {
  it("finishes with its invariants intact, every limit waited out, 304s counted apart", async () => {
    const night = await startNight({ budgetSeconds: 0.5, seed: 5 });
    const { sandbox } = night;
    try {
      // From the first webhook on: the app's secondary limit (a write burst, as GitHub says).
      sandbox.faults.limitRate("secondary", { who: "app", requests: 2, waitSeconds: 30 });
      const issue = await sandbox.human.openIssue("Research the tiny model under rate limits");
      await night.say(issue, `/autoresearch start ${TAG}`);
      await night.waitForDecided(1, WAIT_MS);

      sandbox.faults.limitRate("primary", { who: "app", requests: 2, waitSeconds: 42 });
      sandbox.faults.limitRate("secondary", { who: "action", requests: 2, waitSeconds: 1 });
      await night.waitForDecided(2, WAIT_MS);

      sandbox.faults.limitRate("primary", {
        who: "action",
        requests: 2,
        status: 429,
        waitSeconds: 1,
      });
      sandbox.faults.limitRate("primary", { who: "app", requests: 2, status: 429 });
      await night.waitForDecided(3, WAIT_MS);

      await night.stopRun(WAIT_MS);
      const report = await checkNight(sandbox, TAG);
      expect(report.problems, night.trail(TAG)).toEqual([]);
      sandbox.assertNoViolations();
      expect(night.decided()).toBeGreaterThanOrEqual(3);

      // The limits really were met, by both sides, or this night proves nothing.
      const refused = sandbox.state.requests.filter((r) => r.rateLimit);
      // The app's JWT (installation tokens) and its installation tokens are both "app".
      const byApp = refused.filter((r) => r.actorKind === "installation" || r.actorKind === "app");
      const byAction = refused.filter((r) => r.actorKind === "actions");
      expect(byApp.filter((r) => r.rateLimit === "secondary")).toHaveLength(2);
      expect(byApp.filter((r) => r.rateLimit === "primary")).toHaveLength(4);
      expect(byAction.filter((r) => r.rateLimit === "secondary")).toHaveLength(2);
      expect(byAction.filter((r) => r.rateLimit === "primary")).toHaveLength(2);
      // Every training run still reported its result: the action waited, it did not give up.
      // Every training succeeded; the stop may cancel one dispatched ahead that no runner took.
      expect(
        sandbox.state
          .runs()
          .filter((r) => r.conclusion !== "success")
          .filter((r) => !(r.conclusion === "cancelled" && r.runner === null)),
      ).toEqual([]);
      // Conditional requests: the app's repeated reads came back 304, apart from the 200s.
      const notModified = sandbox.state.requests.filter(
        (r) => r.status === 304 && r.actorKind === "installation",
      );
      expect(notModified.length).toBeGreaterThan(0);
    } finally {
      await night.stop();
    }
  }, 300_000);
});
