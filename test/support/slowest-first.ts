// Vitest's file order for this suite: within a group, the slowest files start first, so the last
// minute of a run is not one long night holding one worker while the other has nothing left.
//
// With no results cache (a fresh clone, as in CI) vitest starts larger files first: byte size
// says little here (the demo's test is short and takes minutes). So: the duration vitest recorded
// on this machine when it has one, otherwise the hint below.
import { relative } from "node:path";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * Seconds each of the slowest files took in a full run on a 2-core machine (README, Tests: a
 * fresh clone's `bash .ci/run`, ordered by these hints).
 * Only an ordering hint: a stale number costs a little wall time, never a result.
 */
export const SLOWEST_SECONDS: Readonly<Record<string, number>> = {
  "test/e2e/nights.test.ts": 119,
  "test/action/action.e2e.test.ts": 60,
  "test/examples/demo.test.ts": 59,
  "test/e2e/two-instances.test.ts": 59,
  "test/cli/cli.e2e.test.ts": 56,
  "test/app/noise-floor.test.ts": 42,
  "test/e2e/confirm-night.test.ts": 38,
  "test/e2e/agent-night.test.ts": 34,
  "test/e2e/noise-night.test.ts": 31,
  "test/action/propose.e2e.test.ts": 31,
  "test/app/server-process.test.ts": 29,
  "test/e2e/actions-mode-night.test.ts": 28,
  "test/app/resilience.test.ts": 26,
  "test/e2e/rate-limit-night.test.ts": 24,
  "test/app/notify.test.ts": 20,
  "test/e2e/red-team.test.ts": 19,
  "test/app/api-requests.test.ts": 19,
  "test/app-steps/apply-verdict.test.ts": 19,
  "test/app/verdicts.test.ts": 18,
  "test/core/sweep-proposer.test.ts": 17,
};

export class SlowestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const root = this.ctx.config.root;
    const seconds = (spec: TestSpecification): number => {
      const path = relative(root, spec.moduleId).split("\\").join("/");
      const recorded = this.ctx.cache.getFileTestResults(`${spec.project.name}:${path}`);
      if (recorded) return recorded.duration / 1000;
      return SLOWEST_SECONDS[path] ?? 0;
    };
    const weight = new Map(files.map((spec) => [spec, seconds(spec)]));
    return [...files].sort(
      (a, b) =>
        a.project.config.sequence.groupOrder - b.project.config.sequence.groupOrder ||
        weight.get(b)! - weight.get(a)!,
    );
  }
}
