/**
 * Inside the worker: running a chunk of map items, and turning what a task threw or returned into
 * what the result message carries.
 */
import { serializeError } from "../transport/error-codec.ts";
import { R_STATUS, R_VALUE, RESULT_FIELDS, ST_CHUNK_ERROR, ST_ERROR } from "../transport/protocol.ts";
import { explainCapture, type TaskFn } from "./resolve-function.ts";

/** Stops a chunk part-way inside the worker: the results so far, then the item's error. */
class ChunkStop {
  constructor(
    readonly results: unknown[],
    readonly error: unknown,
  ) {}
}

/** Runs a chunk (tuples are spread); switches to async only when an item returns a promise. */
export function runChunk(
  fn: TaskFn,
  items: unknown[],
  spread: boolean,
  from: number,
  results: unknown[],
): unknown {
  for (let i = from; i < items.length; i++) {
    let v: unknown;
    try {
      v = spread ? fn(...(items[i] as unknown[])) : fn(items[i]);
    } catch (err) {
      throw new ChunkStop(results, err);
    }
    if (v instanceof Promise) {
      return v.then(
        (resolved) => {
          results.push(resolved);
          return runChunk(fn, items, spread, i + 1, results);
        },
        (err) => {
          throw err instanceof ChunkStop ? err : new ChunkStop(results, err);
        },
      );
    }
    results.push(v);
  }
  return results;
}

/** The status and value a failed task reports. */
export function failure(err: unknown, bySource: boolean): [number, unknown] {
  if (err instanceof ChunkStop) {
    return [ST_CHUNK_ERROR, [err.results, serializeError(bySource ? explainCapture(err.error) : err.error)]];
  }
  return [ST_ERROR, serializeError(bySource ? explainCapture(err) : err)];
}

export function isCloneable(v: unknown): boolean {
  try {
    structuredClone(v);
    return true;
  } catch {
    return false;
  }
}

/** Replaces each result that cannot be cloned by an error saying so (the rest of the batch still goes). */
export function replaceUncloneable(results: unknown[], cause: unknown): unknown[] {
  const out = results.slice();
  for (let i = 0; i < out.length; i += RESULT_FIELDS) {
    try {
      structuredClone(out[i + R_VALUE]);
    } catch {
      const what = cause instanceof Error ? cause.message : String(cause);
      out[i + R_STATUS] = ST_ERROR;
      out[i + R_VALUE] = serializeError(
        new TypeError(`The task's result cannot be sent back from the worker (${what}). Return plain data.`),
      );
    }
  }
  return out;
}
