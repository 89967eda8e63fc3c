// Vitest's file order for this suite: within a group, the slowest files start first, so the last
// minute of a run is not one long night holding one worker while the other has nothing left.
//
// With no results cache (a fresh clone, as in CI) vitest starts larger files first: byte size
// says little here (the demo's test is short and takes minutes). So: the duration vitest recorded
// on this machine when it has one, otherwise the hint below.
import { relative } from "node:path";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * Seconds each of the slowest files took in a full run on a 2-core machine (README, Tests).
 * Only an ordering hint: a stale number costs a little wall time, never a result.
 */
export const SLOWEST_SECONDS: Readonly<Record<string, number>> = {
  "test/e2e/nights.test.ts": 164,
  "test/e2e/two-instances.test.ts": 112,
  "test/action/action.e2e.test.ts": 89,
  "test/examples/demo.test.ts": 77,
  "test/app/noise-floor.test.ts": 60,
  "test/e2e/noise-night.test.ts": 59,
  "test/cli/cli.e2e.test.ts": 57,
  "test/e2e/confirm-night.test.ts": 44,
  "test/e2e/agent-night.test.ts": 42,
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
