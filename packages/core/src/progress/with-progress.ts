/** tqdm for conc: wrap any (async) iterable to see count, rate and ETA while you consume it. */
import { ArgumentTypeError } from "../errors.ts";
import { ProgressBar, type ProgressBarOptions } from "./progress-bar.ts";

export type WithProgressOptions = ProgressBarOptions;

/**
 * Yields the same items as `iterable` while drawing progress on stderr (a bar on a TTY, a plain
 * line every few seconds otherwise); the bar is erased when the loop ends, breaks or throws.
 * @example
 * for await (const r of withProgress(ex.map(square, items), { total: items.length, label: "squares" })) use(r);
 */
export function withProgress<T>(iterable: AsyncIterable<T>, options?: WithProgressOptions): AsyncGenerator<T>;
export function withProgress<T>(iterable: Iterable<T>, options?: WithProgressOptions): Generator<T>;
export function withProgress<T>(
  iterable: Iterable<T> | AsyncIterable<T>,
  options: WithProgressOptions = {},
): Generator<T> | AsyncGenerator<T> {
  if (iterable === null || (typeof iterable !== "object" && typeof iterable !== "function"))
    throw new ArgumentTypeError("withProgress needs an iterable or async iterable.", "iterable");
  let total = options.total;
  if (total === undefined) {
    if (Array.isArray(iterable)) total = iterable.length;
    else if (iterable instanceof Set || iterable instanceof Map) total = iterable.size;
  }
  const opts = { ...options, total };
  if (Symbol.asyncIterator in iterable) return asyncWithProgress(iterable, opts);
  if (Symbol.iterator in iterable) return syncWithProgress(iterable, opts);
  throw new ArgumentTypeError("withProgress needs an iterable or async iterable.", "iterable");
}

function* syncWithProgress<T>(iterable: Iterable<T>, options: WithProgressOptions): Generator<T> {
  const bar = new ProgressBar(options);
  try {
    // Counted once the loop body is done with it, like tqdm.
    for (const item of iterable) {
      yield item;
      bar.tick();
    }
  } finally {
    bar.close();
  }
}

async function* asyncWithProgress<T>(
  iterable: AsyncIterable<T>,
  options: WithProgressOptions,
): AsyncGenerator<T> {
  const bar = new ProgressBar(options);
  try {
    for await (const item of iterable) {
      yield item;
      bar.tick();
    }
  } finally {
    bar.close();
  }
}
