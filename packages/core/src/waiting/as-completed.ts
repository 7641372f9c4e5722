import { TimeoutError } from "../errors.ts";
import type { Future } from "../future/future.ts";
import { Deadline, EXPIRED, raceDeadline } from "../util/deadline.ts";

// biome-ignore lint/suspicious/noExplicitAny: any Future, whatever its result type
type AnyFuture = Future<any>;

/**
 * Yields each future once, as it completes (already-done ones first). Throws
 * `TimeoutError("N (of M) futures unfinished")` when `timeout` ms pass from the call.
 *
 * @example
 * for await (const fut of asCompleted(futures)) console.log(await fut.result());
 */
export function asCompleted<F extends AnyFuture>(
  futures: Iterable<F>,
  options: { timeout?: number | undefined } = {},
): AsyncIterableIterator<F> {
  const { timeout } = options;
  const deadline = Deadline.after(timeout);
  const unique = new Set(futures);
  const total = unique.size;
  const ready: F[] = [];
  const pending = new Set<F>();
  for (const f of unique) {
    if (f.done()) ready.push(f);
    else pending.add(f);
  }
  let wake: (() => void) | undefined;
  for (const f of pending) {
    f.addDoneCallback(() => {
      if (!pending.delete(f)) return;
      ready.push(f);
      wake?.();
    });
  }
  return generate();

  async function* generate(): AsyncGenerator<F> {
    let index = 0;
    try {
      while (true) {
        while (index < ready.length) {
          yield ready[index++] as F;
        }
        if (pending.size === 0) return;
        await nextDone();
      }
    } finally {
      wake = undefined;
      pending.clear();
    }
  }

  async function nextDone(): Promise<void> {
    const woken = new Promise<void>((resolve) => {
      wake = () => {
        wake = undefined;
        resolve();
      };
    });
    if ((await raceDeadline(woken, deadline)) === EXPIRED) {
      wake = undefined;
      throw new TimeoutError(`${pending.size} (of ${total}) futures unfinished`, {
        timeoutMs: timeout as number,
      });
    }
  }
}
