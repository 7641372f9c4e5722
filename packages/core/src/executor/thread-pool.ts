import { BrokenThreadPoolError } from "../errors.ts";
import { startThreadWorker } from "../transport/thread.ts";
import { Executor, type ExecutorOptions } from "./executor.ts";
import type { AnyTaskModule } from "./executor-like.ts";
import { cpuCount, validateInt } from "./options.ts";

export interface ThreadPoolOptions extends ExecutorOptions {
  /** Tasks one thread runs at once; >1 lets async tasks interleave (default 1). */
  concurrency?: number | undefined;
}

/**
 * Runs tasks on Bun Worker threads. Default `maxWorkers`: min(32, cpuCount() + 4).
 * @example
 * await using ex = new ThreadPoolExecutor({ module: new URL("./tasks.ts", import.meta.url) });
 * console.log(await ex.run(add, 1, 2));
 */
export class ThreadPoolExecutor<M = AnyTaskModule> extends Executor<M> {
  readonly kind = "threads" as const;

  constructor(options: ThreadPoolOptions = {}) {
    validateInt(options.concurrency, "concurrency");
    super(options, {
      transport: startThreadWorker,
      defaultWorkers: Math.min(32, cpuCount() + 4),
      concurrency: options.concurrency ?? 1,
      makeBroken: (message, cause) => new BrokenThreadPoolError(message, { cause }),
    });
  }
}
