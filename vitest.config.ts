import { readFileSync } from "node:fs";
import { defineConfig } from "vitest/config";
import { realPython3Dir } from "./sandbox/python.js";
import { SlowestFirst } from "./test/support/slowest-first.js";

// Found once here, inherited by every test worker (each would otherwise ask the shim itself).
realPython3Dir();

/**
 * Three projects, run in this order by `npm test`:
 * - unit: pure functions, views, parsers, and app steps against the in-memory GitHub: no
 *   sandbox server, no runner, no training. `npm run test:unit` gives feedback in seconds.
 * - sandbox: the real app or action against the sandbox GitHub (HTTP, webhooks, real trainings
 *   of examples/tiny on runners that are processes on this machine), one behaviour per file.
 * - e2e: whole nights, the demo and the action end to end: the slowest files.
 * Within each, the slowest files start first (test/support/slowest-first.ts). sandbox and e2e in
 * one group of workers was measured slower (757 s against 678 s): it ran the heaviest nights
 * side by side. Sandbox files share a worker's loaded modules (isolate: false): whole runs took
 * 644 and 612 s with it, 684 s without (a fresh clone). e2e files sharing them measured 31 s slower
 * (why was not looked into): each keeps its own worker.
 */
const UNIT = [
  "test/core/**/*.test.ts",
  "test/views/**/*.test.ts",
  "test/app-steps/**/*.test.ts",
  "test/github/gist-store.test.ts",
  "test/github/repo-memory.test.ts",
  "test/github/run-pulls.test.ts",
  "test/cli/{app-reply,explain-failure,ledger-format,ledger-source,parse-cli,status-report}.test.ts",
  "test/action/read-tail.test.ts",
  "test/app/{agent-proposer,explain-error,health-route,notifier,notify-startup,run-scheduler,stop-gracefully}.test.ts",
  "test/sandbox/{chat,openapi,webhook-schemas,workflow-file}.test.ts",
  "test/examples/{many-gpus,workflows}.test.ts",
];
const E2E = ["test/e2e/**/*.test.ts", "test/**/*.e2e.test.ts", "test/examples/{demo,tiny}.test.ts"];

export default defineConfig({
  plugins: [
    {
      name: "hbs-as-text",
      transform(_code, id) {
        if (!id.endsWith(".hbs")) return null;
        return { code: `export default ${JSON.stringify(readFileSync(id, "utf8"))};`, map: null };
      },
    },
  ],
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    sequence: { sequencer: SlowestFirst },
    projects: [
      {
        extends: true,
        // Pure and in-process: files share a worker's loaded modules (isolate: false), two at once.
        test: {
          name: "unit",
          include: UNIT,
          isolate: false,
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: "sandbox",
          include: ["test/**/*.test.ts"],
          exclude: [...UNIT, ...E2E],
          // Each file waits on trainings (other processes) much of its time: two share the cores.
          maxWorkers: 2,
          isolate: false,
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: {
          name: "e2e",
          include: E2E,
          maxWorkers: 2,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
