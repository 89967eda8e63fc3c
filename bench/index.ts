// `npm run bench` runs every benchmark below but the long ones (scale); `npm run bench -- summary` only those whose name matches.
import { actionStartBenchmark } from "./action-start.js";
import { appBenchmark } from "./app.js";
import { dutyCycleBenchmark } from "./duty-cycle.js";
import { pipeliningBenchmark } from "./pipelining.js";
import { scaleBenchmark } from "./scale.js";
import { summaryBenchmark } from "./summary.js";

/** One benchmark: prints its own table of numbers, asserts nothing about time. */
export interface Benchmark {
  name: string;
  run(): Promise<void>;
  /** Long benchmarks run only when named (`npm run bench -- scale`), not with all the others. */
  onlyWhenNamed?: boolean;
}

const BENCHMARKS: Benchmark[] = [
  summaryBenchmark,
  appBenchmark,
  dutyCycleBenchmark,
  actionStartBenchmark,
  pipeliningBenchmark,
  scaleBenchmark,
];

async function main(filters: string[]): Promise<void> {
  const selected = BENCHMARKS.filter((bench) =>
    filters.length === 0 ? !bench.onlyWhenNamed : filters.some((f) => bench.name.includes(f)),
  );
  if (selected.length === 0) {
    const names = BENCHMARKS.map((bench) => bench.name).join(", ");
    throw new Error(`No benchmark matches ${filters.join(" ")}: pick one of ${names}.`);
  }
  for (const bench of selected) {
    console.log(`\n## ${bench.name}\n`);
    await bench.run();
  }
}

await main(process.argv.slice(2));
