import { TimeoutError } from "../errors.ts";
import type { Future } from "../future/future.ts";
import { MAX_TIMER_MS, validateTimeout } from "../future/future.ts";

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
  validateTimeout(timeout);
  const deadline = timeout === undefined ? undefined : performance.now() + timeout;
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

  function nextDone(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      wake = () => {
        wake = undefined;
        if (timer !== undefined) clearTimeout(timer);
        resolve();
      };
      if (deadline !== undefined) {
        const left = deadline - performance.now();
        const fail = () => {
          wake = undefined;
          reject(
            new TimeoutError(`${pending.size} (of ${total}) futures unfinished`, {
              timeoutMs: timeout as number,
            }),
          );
        };
        if (left <= 0) fail();
        else if (left <= MAX_TIMER_MS) timer = setTimeout(fail, left);
      }
    });
  }
}
