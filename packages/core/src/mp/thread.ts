import type { TargetReport, TargetStart } from "../entry/target-entry.ts";
import { BaseProcess, type ProcessOptions, type Runner } from "./base-process.ts";

const ENTRY = new URL("../entry/target-entry.ts", import.meta.url);

/**
 * A Bun Worker thread running one function, like threading.Thread.
 * @example
 * const t = new Thread({ target: ioTask, args: [0], module: import.meta.url }).start();
 * await t.join();
 */
export class Thread extends BaseProcess {
  #threadId: number | undefined;

  constructor(options: ProcessOptions) {
    super(options, "Thread");
  }

  /** The Worker's thread id once started. */
  get threadId(): number | undefined {
    return this.#threadId;
  }

  protected launch(start: TargetStart): Runner {
    const worker = new Worker(ENTRY);
    this.#threadId = (worker as unknown as { threadId?: number }).threadId;
    const runner: Runner = {
      pid: undefined,
      reported: undefined,
      exited: new Promise<number>((resolve) => {
        worker.addEventListener("close", (e: Event) => resolve((e as CloseEvent).code ?? 0));
      }),
      stop: () => worker.terminate(),
      unref: () => worker.unref(),
    };
    worker.addEventListener("message", (e: MessageEvent<TargetReport>) => {
      runner.reported = e.data;
    });
    worker.addEventListener("error", (e) => e.preventDefault());
    worker.postMessage(start);
    return runner;
  }
}
