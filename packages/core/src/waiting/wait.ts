import { ArgumentTypeError } from "../errors.ts";
import type { Future } from "../future/future.ts";
import { startTimer, type Timer, validateTimeout } from "../util/deadline.ts";

/** Return when any future finishes or is cancelled. */
export const FIRST_COMPLETED = "FIRST_COMPLETED";
/** Return when any future fails, or when all are done. */
export const FIRST_EXCEPTION = "FIRST_EXCEPTION";
/** Return when all futures are done. */
export const ALL_COMPLETED = "ALL_COMPLETED";
export type ReturnWhen = typeof FIRST_COMPLETED | typeof FIRST_EXCEPTION | typeof ALL_COMPLETED;

// biome-ignore lint/suspicious/noExplicitAny: any Future, whatever its result type
type AnyFuture = Future<any>;

export interface WaitResult<F extends AnyFuture> {
  done: Set<F>;
  notDone: Set<F>;
}

/**
 * Waits for futures like Python's `concurrent.futures.wait`. Never throws on timeout: what is
 * unfinished stays in `notDone`.
 *
 * @example
 * const { done, notDone } = await wait(futures, { timeout: 1000, returnWhen: FIRST_COMPLETED });
 */
export function wait<F extends AnyFuture>(
  futures: Iterable<F>,
  options: { timeout?: number | undefined; returnWhen?: ReturnWhen } = {},
): Promise<WaitResult<F>> {
  const { timeout, returnWhen = ALL_COMPLETED } = options;
  validateTimeout(timeout);
  if (returnWhen !== FIRST_COMPLETED && returnWhen !== FIRST_EXCEPTION && returnWhen !== ALL_COMPLETED) {
    throw new ArgumentTypeError(
      `returnWhen must be FIRST_COMPLETED, FIRST_EXCEPTION or ALL_COMPLETED, got ${String(returnWhen)}.`,
      "returnWhen",
    );
  }
  const all = new Set(futures);
  const done = new Set<F>();
  const notDone = new Set<F>();
  for (const f of all) (f.done() ? done : notDone).add(f);

  const satisfied = (): boolean => {
    if (notDone.size === 0) return true;
    if (returnWhen === FIRST_COMPLETED) return done.size > 0;
    if (returnWhen === FIRST_EXCEPTION) {
      for (const f of done) if (!f.cancelled() && f.failedNow()) return true;
    }
    return false;
  };
  // A timeout <= 0 checks once and returns (like Python's wait(timeout=0)).
  if (satisfied() || (timeout !== undefined && timeout <= 0)) return Promise.resolve({ done, notDone });

  return new Promise((resolve) => {
    let finished = false;
    let timer: Timer | undefined;
    const finish = () => {
      if (finished) return;
      finished = true;
      timer?.cancel();
      resolve({ done: new Set(done), notDone: new Set(notDone) });
    };
    for (const f of notDone) {
      f.addDoneCallback(() => {
        if (finished) return;
        notDone.delete(f);
        done.add(f);
        if (satisfied()) finish();
      });
    }
    if (timeout !== undefined) timer = startTimer(timeout, finish);
  });
}
