/**
 * map's arguments: the variadic tail split into iterables and options, and a lazy source of
 * argument tuples zipped from sync or async iterables (shortest wins, like Python's zip).
 */
import { ArgumentTypeError } from "../errors.ts";
import { validateTimeout } from "../util/deadline.ts";
import type { MapIterable } from "./executor-like.ts";
import { validateInt } from "./options.ts";

export interface MapOptions {
  /** Deadline in ms for the whole map, counted from the call (≤ 0: already expired). */
  timeout?: number | undefined;
  /** Items per submission (per message to a worker; per batch for remote/distributed). Default 1. */
  chunksize?: number | undefined;
  /** Submit at most this many chunks ahead of the consumer (default: all at once, like Python). */
  buffersize?: number | undefined;
}

/** Splits map's variadic tail `(...iterables, options?)`; validates both at the call. */
export function splitMapArgs(
  rest: readonly unknown[],
  what = "map()",
): { iterables: MapIterable[]; options: MapOptions } {
  const last = rest[rest.length - 1];
  let options: MapOptions = {};
  let iterables = rest;
  if (last !== null && typeof last === "object" && !isIterable(last)) {
    options = last as MapOptions;
    iterables = rest.slice(0, -1);
  }
  if (iterables.length === 0)
    throw new ArgumentTypeError(`${what} needs at least one iterable of arguments.`, "iterables");
  for (const [i, it] of iterables.entries()) {
    if (!isIterable(it)) {
      throw new ArgumentTypeError(
        `${what} argument ${i + 1} must be an iterable or async iterable (array, Set, generator...), got ${it === null ? "null" : typeof it}.`,
        "iterables",
      );
    }
  }
  validateMapOptions(options);
  return { iterables: iterables as MapIterable[], options };
}

/** Throws at the call for a bad timeout, chunksize or buffersize. */
export function validateMapOptions(options: MapOptions): void {
  validateTimeout(options.timeout);
  validateInt(options.chunksize, "chunksize");
  validateInt(options.buffersize, "buffersize");
}

function isIterable(x: unknown): x is MapIterable {
  return x !== null && typeof x === "object" && (Symbol.iterator in x || Symbol.asyncIterator in x);
}

/** A lazy source of map items. */
export interface ItemSource {
  /**
   * Up to `n` items (fewer, maybe none, once the input ends); a Promise when an input is async.
   * Throws (or rejects with) what an input threw; the source is then done.
   */
  pull(n: number): unknown[] | Promise<unknown[]>;
  /** True once an input ended or failed. */
  readonly done: boolean;
  /** Stops early: closes the inputs (their `finally` blocks run). */
  close(): void;
}

/**
 * Items zipped from `iterables`: argument tuples, or with `bare` and a single iterable the bare
 * values (bulk maps then cost no tuple per item).
 */
export function zipSource(iterables: readonly MapIterable[], bare = false): ItemSource {
  const only = iterables[0];
  if (bare && iterables.length === 1 && Array.isArray(only)) return arraySource(only);
  const async = iterables.some((it) => !(Symbol.iterator in it));
  const its = iterables.map((it) =>
    Symbol.iterator in it ? it[Symbol.iterator]() : (it as AsyncIterable<unknown>)[Symbol.asyncIterator](),
  );
  const single = bare && its.length === 1;
  let done = false;
  const close = () => {
    if (done) return;
    done = true;
    for (const it of its) {
      try {
        const r = it.return?.();
        if (r instanceof Promise) r.catch(() => {});
      } catch {
        // An input that fails while closing has nothing left to give.
      }
    }
  };
  const fail = (err: unknown): never => {
    close();
    throw err;
  };
  const pullSync = (n: number): unknown[] => {
    const out: unknown[] = [];
    try {
      while (!done && out.length < n) {
        if (single) {
          const r = (its[0] as Iterator<unknown>).next();
          if (r.done) close();
          else out.push(r.value);
          continue;
        }
        const tuple: unknown[] = [];
        for (const it of its) {
          const r = (it as Iterator<unknown>).next();
          if (r.done) break;
          tuple.push(r.value);
        }
        if (tuple.length < its.length) close();
        else out.push(tuple);
      }
    } catch (err) {
      fail(err);
    }
    return out;
  };
  const pullAsync = async (n: number): Promise<unknown[]> => {
    const out: unknown[] = [];
    try {
      while (!done && out.length < n) {
        const tuple: unknown[] = [];
        for (const it of its) {
          const r = await it.next();
          if (r.done) break;
          tuple.push(r.value);
        }
        if (tuple.length < its.length) close();
        else out.push(single ? tuple[0] : tuple);
      }
    } catch (err) {
      fail(err);
    }
    return out;
  };
  return {
    pull: async ? pullAsync : pullSync,
    get done() {
      return done;
    },
    close,
  };
}

function arraySource(items: readonly unknown[]): ItemSource {
  let next = 0;
  return {
    pull(n) {
      const out = items.slice(next, next + n);
      next += out.length;
      return out;
    },
    get done() {
      return next >= items.length;
    },
    close() {
      next = items.length;
    },
  };
}
