/**
 * What reportProgress costs: a task that reports on every one of 1M iterations against the same
 * task reporting nothing, on both executors (goal: within 2×), and submit throughput with the
 * progress path compiled in. `bun benchmarks/src/soak/progress-cost.ts`
 */
import { ProcessPoolExecutor, ThreadPoolExecutor } from "@conc/core";
import { work } from "./progress-tasks.ts";

const module = new URL("./progress-tasks.ts", import.meta.url);
const N = 1_000_000;

async function best(run: () => Promise<unknown>, times = 5): Promise<number> {
  let min = Number.POSITIVE_INFINITY;
  for (let i = 0; i < times; i++) {
    const t = performance.now();
    await run();
    min = Math.min(min, performance.now() - t);
  }
  return min;
}

for (const [name, ex] of [
  ["threads", new ThreadPoolExecutor({ module, maxWorkers: 1 })],
  ["processes", new ProcessPoolExecutor({ module, maxWorkers: 1 })],
] as const) {
  await ex.run(work, 10, false);
  const quiet = await best(() => ex.run(work, N, false));
  const chatty = await best(() => ex.run(work, N, true));
  console.log(
    `${name}: 1M iterations quiet ${quiet.toFixed(1)} ms, reporting every iteration ${chatty.toFixed(1)} ms: ${(chatty / quiet).toFixed(2)}×`,
  );
  await ex.shutdown();
}
process.exit(0);
