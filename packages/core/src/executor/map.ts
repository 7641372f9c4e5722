/**
 * `executor.map`: zips iterables like Python, submits eagerly (or `buffersize` ahead), yields in
 * order, re-raises a task's error at its position, honours a deadline counted from the call and
 * cancels what is left when the consumer stops early.
 */
import { TimeoutError } from "../errors.ts";
import type { Future } from "../future/future.ts";
import { validateTimeout } from "../future/future.ts";
import { ChunkFailure } from "../transport/chunk-failure.ts";
import { validateInt } from "./options.ts";

export interface MapOptions {
  /** Deadline in ms for the whole map, counted from the call. */
  timeout?: number | undefined;
  /** Items per message to a worker (default 1). */
  chunksize?: number | undefined;
  /** Submit at most this many chunks ahead of the consumer (default: all at once). */
  buffersize?: number | undefined;
}

/** Splits map's variadic tail into iterables and options. */
export function splitMapArgs(rest: unknown[]): { iterables: Iterable<unknown>[]; options: MapOptions } {
  const last = rest[rest.length - 1];
  let options: MapOptions = {};
  let iterables = rest;
  if (last !== null && typeof last === "object" && !(Symbol.iterator in last)) {
    options = last as MapOptions;
    iterables = rest.slice(0, -1);
  }
  if (iterables.length === 0) throw new TypeError("map() needs at least one iterable of arguments.");
  for (const [i, it] of iterables.entries()) {
    if (it === null || typeof it !== "object" || !(Symbol.iterator in it)) {
      throw new TypeError(
        `map() argument ${i + 1} must be an iterable (array, Set, generator...), got ${typeof it}.`,
      );
    }
  }
  return { iterables: iterables as Iterable<unknown>[], options };
}

/** Yields argument tuples `[a[i], b[i], ...]` until the shortest iterable ends. */
export function* zipArgs(iterables: Iterable<unknown>[]): Generator<unknown[]> {
  const its = iterables.map((it) => it[Symbol.iterator]());
  try {
    while (true) {
      const tuple: unknown[] = [];
      for (const it of its) {
        const r = it.next();
        if (r.done) return;
        tuple.push(r.value);
      }
      yield tuple;
    }
  } finally {
    for (const it of its) it.return?.();
  }
}

/** Submits one chunk of items; the future resolves to the array of results (or a ChunkFailure). */
export type SubmitChunk = (items: unknown[]) => Future<unknown>;

export function mapChunks<R>(
  submitChunk: SubmitChunk,
  tuples: Iterator<unknown>,
  options: MapOptions,
): AsyncIterableIterator<R> {
  const { timeout, chunksize = 1, buffersize } = options;
  validateTimeout(timeout);
  validateInt(chunksize, "chunksize");
  validateInt(buffersize, "buffersize");
  const deadline = timeout === undefined ? undefined : performance.now() + timeout;
  const pending: Future<unknown>[] = [];
  let head = 0;
  let exhausted = false;

  const submitNext = (): boolean => {
    if (exhausted) return false;
    const chunk: unknown[] = [];
    while (chunk.length < chunksize) {
      const r = tuples.next();
      if (r.done) {
        exhausted = true;
        break;
      }
      chunk.push(r.value);
    }
    if (chunk.length === 0) return false;
    pending.push(submitChunk(chunk));
    return true;
  };
  // Like Python, submit at the call (not at the first next()).
  if (buffersize === undefined) while (submitNext());
  else for (let i = 0; i < buffersize && submitNext(); i++);

  let buffer: unknown[] = [];
  let bufIndex = 0;
  let failure: unknown;
  let failed = false;
  let finished = false;

  const cancelRest = () => {
    finished = true;
    for (let i = head; i < pending.length; i++) pending[i]?.cancel();
    pending.length = 0;
    head = 0;
    exhausted = true;
    tuples.return?.();
  };

  const iterator: AsyncIterableIterator<R> = {
    async next(): Promise<IteratorResult<R>> {
      while (true) {
        if (bufIndex < buffer.length) return { done: false, value: buffer[bufIndex++] as R };
        if (failed) {
          failed = false;
          cancelRest();
          throw failure;
        }
        if (finished || head >= pending.length) {
          finished = true;
          return { done: true, value: undefined };
        }
        const fut = pending[head] as Future<unknown>;
        let value: unknown;
        try {
          const left = deadline === undefined ? undefined : Math.max(0, deadline - performance.now());
          value = await fut.result(left);
        } catch (err) {
          cancelRest();
          if (err instanceof TimeoutError) {
            throw new TimeoutError(`map() did not finish within ${timeout} ms.`, {
              timeoutMs: timeout as number,
            });
          }
          throw err;
        }
        pending[head++] = undefined as unknown as Future<unknown>;
        if (buffersize !== undefined) submitNext();
        bufIndex = 0;
        if (value instanceof ChunkFailure) {
          buffer = value.results;
          failure = value.error;
          failed = true;
        } else {
          buffer = value as unknown[];
        }
      }
    },
    async return(): Promise<IteratorResult<R>> {
      cancelRest();
      buffer = [];
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
