/** The example tasks plus one that reports progress and then waits: for the browser tests and the screenshot. */
import { reportProgress } from "@conc/core";

export * from "../../example/tasks.ts";

/** Reports `{ done, total }` and then sleeps `ms`, so the page can show a running task's progress. */
export async function halfway(total: number, ms: number): Promise<number> {
  reportProgress({ done: Math.floor(total / 2), total });
  await Bun.sleep(ms);
  return total;
}

/** Fails with an error that has a cause (the detail view shows the chain). */
export function failWithCause(message: string): never {
  throw new Error(message, { cause: new RangeError(`inner reason of ${message}`) });
}
