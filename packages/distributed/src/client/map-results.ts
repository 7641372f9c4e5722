/**
 * `map` over chunk futures: zips like Python, submits eagerly (or `buffersize` chunks ahead), yields in
 * order, re-raises an item's error at its position, honours a deadline counted from the call, and cancels
 * what is left when the consumer stops early. (Replaced by @conc/core's shared handler once exported.)
 */
import { type Future, type MapOptions, TimeoutError } from "@conc/core";
import { checkInt } from "../options.ts";

/** A chunk that failed part-way: results before the failing item, then its error. */
export class ChunkFailure {
  constructor(
    readonly results: unknown[],
    readonly error: unknown,
  ) {}
}

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

export function mapChunks<R>(
  submitChunk: (items: unknown[]) => Future<unknown>,
  items: Iterator<unknown>,
  options: MapOptions,
): AsyncIterableIterator<R> {
  const { timeout, chunksize = 1, buffersize } = options;
  if (timeout !== undefined && (typeof timeout !== "number" || Number.isNaN(timeout) || timeout < 0)) {
    throw new RangeError(`timeout must be a number of milliseconds >= 0, got ${String(timeout)}.`);
  }
  checkInt(chunksize, "chunksize");
  checkInt(buffersize, "buffersize");
  const deadline = timeout === undefined ? undefined : performance.now() + timeout;
  const pending: (Future<unknown> | undefined)[] = [];
  let head = 0;
  let exhausted = false;
  const submitNext = (): boolean => {
    if (exhausted) return false;
    const chunk: unknown[] = [];
    while (chunk.length < chunksize) {
      const r = items.next();
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
  if (buffersize === undefined) while (submitNext());
  else for (let i = 0; i < buffersize && submitNext(); i++);

  let buffer: unknown[] = [];
  let at = 0;
  let failure: { error: unknown } | undefined;
  let finished = false;
  const cancelRest = () => {
    finished = true;
    for (let i = head; i < pending.length; i++) pending[i]?.cancel();
    pending.length = 0;
    head = 0;
    exhausted = true;
    items.return?.();
  };
  const iterator: AsyncIterableIterator<R> = {
    async next(): Promise<IteratorResult<R>> {
      while (true) {
        if (at < buffer.length) return { done: false, value: buffer[at++] as R };
        if (failure) {
          const { error } = failure;
          failure = undefined;
          cancelRest();
          throw error;
        }
        if (finished || head >= pending.length) {
          finished = true;
          return { done: true, value: undefined };
        }
        const fut = pending[head] as Future<unknown>;
        let value: unknown;
        try {
          value = await fut.result(
            deadline === undefined ? undefined : Math.max(0, deadline - performance.now()),
          );
        } catch (err) {
          cancelRest();
          if (err instanceof TimeoutError && deadline !== undefined) {
            throw new TimeoutError(`map() did not finish within ${timeout} ms.`, {
              timeoutMs: timeout as number,
            });
          }
          throw err;
        }
        pending[head++] = undefined;
        if (buffersize !== undefined) submitNext();
        at = 0;
        if (value instanceof ChunkFailure) {
          buffer = value.results;
          failure = { error: value.error };
        } else buffer = value as unknown[];
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
