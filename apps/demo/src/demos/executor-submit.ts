// 多参数形式: executor.submit(fn, *args) + as_completed.
import { asCompleted, type Executor, ProcessPoolExecutor, ThreadPoolExecutor } from "@conc/core";
import { type Demo, elapsed, tasksModule, tuple } from "../demo.ts";
import { ioTaskMultiArgs, type Params } from "../tasks.ts";

async function submitAll(executor: Executor, label: string): Promise<void> {
  const start = performance.now();
  const params: Params[] = [
    [1, "content1"],
    [2, "content2"],
    [3, "content3"],
  ];
  const futures = params.map((param) => executor.submit(ioTaskMultiArgs, ...param));
  for await (const future of asCompleted(futures, { timeout: 10_000 })) {
    console.log(`future result: ${tuple(await future.result())}`);
  }
  console.log(`Total time taken for ${label} tasks: ${elapsed(start)} seconds`);
}

export const executorSubmit: Demo = {
  name: "executor-submit",
  title: "executor.submit(fn, ...args) + asCompleted(futures, { timeout })",
  async run() {
    console.log("== 多参数形式:");
    console.log("=== ThreadPoolExecutor Demo ===");
    {
      await using executor = new ThreadPoolExecutor({ maxWorkers: 3, module: tasksModule });
      await submitAll(executor, "IO");
    }
    console.log("\n=== ProcessPoolExecutor Demo ===");
    {
      await using executor = new ProcessPoolExecutor({ maxWorkers: 3, module: tasksModule });
      await submitAll(executor, "CPU");
    }
  },
};
