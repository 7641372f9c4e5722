// ProcessPoolExecutor 和 ThreadPoolExecutor: map (单参数形式).
import { ProcessPoolExecutor, ThreadPoolExecutor } from "@conc/core";
import { type Demo, elapsed, tasksModule, tuple } from "../demo.ts";
import { cpuTaskArgs, ioTaskArgs, type Params } from "../tasks.ts";

async function toList<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

export const executorMap: Demo = {
  name: "executor-map",
  title: "executor.map(fn, params, timeout=10) on threads and processes",
  async run() {
    const params: Params[] = [
      [1, "content1"],
      [2, "content2"],
      [3, "content3"],
    ];
    console.log("== 单参数形式:");
    console.log("=== ThreadPoolExecutor Demo ===");
    let start = performance.now();
    {
      await using executor = new ThreadPoolExecutor({ maxWorkers: 3, module: tasksModule });
      const results = await toList(executor.map(ioTaskArgs, params, { timeout: 10_000 }));
      console.log(
        `Total time taken for IO tasks: ${elapsed(start)} seconds, results=[${results.map(tuple).join(", ")}]`,
      );
    }
    console.log("\n=== ProcessPoolExecutor Demo ===");
    start = performance.now();
    {
      await using executor = new ProcessPoolExecutor({ maxWorkers: 3, module: tasksModule });
      const results = await toList(executor.map(cpuTaskArgs, params, { timeout: 10_000 }));
      console.log(
        `Total time taken for CPU tasks: ${elapsed(start)} seconds, results=[${results.map(tuple).join(", ")}]`,
      );
    }
  },
};
