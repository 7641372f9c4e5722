import { BrokenProcessPoolError } from "../errors.ts";
import { startProcessWorker } from "../transport/process.ts";
import { Executor, type ExecutorOptions } from "./executor.ts";
import type { AnyTaskModule } from "./executor-like.ts";
import { cpuCount } from "./options.ts";

/**
 * Runs tasks in `bun` child processes (Bun.spawn with IPC). Default `maxWorkers`: cpuCount().
 * @example
 * await using ex = new ProcessPoolExecutor({ module: import.meta.url });
 * const fut = ex.submit(cpuTask, 10_000_000);
 */
export class ProcessPoolExecutor<M = AnyTaskModule> extends Executor<M> {
  readonly kind = "processes" as const;

  constructor(options: ExecutorOptions = {}) {
    super(options, {
      transport: startProcessWorker,
      defaultWorkers: cpuCount(),
      concurrency: 1,
      makeBroken: (message, cause) => new BrokenProcessPoolError(message, { cause }),
    });
  }
}
