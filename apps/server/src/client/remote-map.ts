/** RemoteExecutor.map: zip locally, stream each window of items through the server's map, in order. */
import { deserializeError, type ErrorClassResolver, type MapOptions, TimeoutError } from "@conc/core";
import { type TRPCClient, TRPCClientError } from "@trpc/client";
import type { AppRouter } from "../router/router.ts";
import { clientError } from "./client-error.ts";

export interface RemoteMapTarget {
  pool: string;
  task: string;
  /** Items per request. */
  window: number;
  resolve: ErrorClassResolver;
}

export function remoteMap(
  client: TRPCClient<AppRouter>,
  target: RemoteMapTarget,
  rest: (Iterable<unknown> | MapOptions)[],
): AsyncIterableIterator<unknown> {
  const last = rest[rest.length - 1];
  const hasOptions = last !== undefined && typeof last === "object" && !(Symbol.iterator in (last as object));
  const options = (hasOptions ? last : {}) as MapOptions;
  const iterables = (hasOptions ? rest.slice(0, -1) : rest) as Iterable<unknown>[];
  if (iterables.length === 0) throw new TypeError("map() needs at least one iterable of arguments.");
  const tuples = zip(iterables);
  const deadline = options.timeout === undefined ? undefined : performance.now() + options.timeout;
  const abort = new AbortController();
  async function* generate() {
    let timer: ReturnType<typeof setTimeout> | undefined;
    if (deadline !== undefined) {
      timer = setTimeout(
        () => abort.abort(new TimeoutError(`map() did not finish within ${options.timeout} ms.`)),
        Math.max(0, deadline - performance.now()),
      );
    }
    try {
      for (let start = 0; start < tuples.length; start += target.window) {
        const args = tuples.slice(start, start + target.window);
        try {
          const stream = await client.map.query(
            {
              pool: target.pool,
              task: target.task,
              args,
              ...(options.chunksize ? { chunksize: options.chunksize } : {}),
            },
            { signal: abort.signal },
          );
          for await (const item of stream) {
            if (!item.ok)
              throw deserializeError(item.error as Parameters<typeof deserializeError>[0], target.resolve);
            yield item.value;
          }
        } catch (err) {
          if (abort.signal.aborted && abort.signal.reason instanceof TimeoutError) throw abort.signal.reason;
          throw err instanceof TRPCClientError ? clientError(err) : err;
        }
      }
    } finally {
      clearTimeout(timer);
      abort.abort();
    }
  }
  return generate();
}

function zip(iterables: Iterable<unknown>[]): unknown[][] {
  const its = iterables.map((it) => {
    if (it === null || typeof it !== "object" || !(Symbol.iterator in it)) {
      throw new TypeError("map() arguments must be iterables.");
    }
    return it[Symbol.iterator]();
  });
  const out: unknown[][] = [];
  while (true) {
    const tuple: unknown[] = [];
    for (const it of its) {
      const r = it.next();
      if (r.done) return out;
      tuple.push(r.value);
    }
    out.push(tuple);
  }
}
