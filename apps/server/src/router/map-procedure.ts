/**
 * The server side of a streamed map: the items pass the pool's ledger as one window (at most half
 * the pool's room), so a map larger than the room streams through it instead of being refused;
 * every item counts in the metrics, with its duration from the moment it was handed to the pool.
 */
import { CancelledError, serializeError } from "@conc/core";
import type { Limits } from "../config.ts";
import { toTRPCError } from "../errors.ts";
import type { Metrics } from "../metrics/metrics.ts";
import { executorOf, type PoolEntry } from "../store/pool-registry.ts";
import { nowMs } from "../store/task-record.ts";
import type { MapItem } from "../wire.ts";
import type { PoolCounters } from "./pool-counters.ts";

export interface MapDeps {
  limits: Limits;
  metrics: Metrics;
  counters: PoolCounters;
  /** Live maps, so a drain deadline can stop them. */
  maps: Set<AbortController>;
}

export interface MapInput {
  task: string;
  args: unknown[][];
  chunksize?: number | undefined;
}

/** Ledger slots a map of `n` items holds: at most half the pool's room, at least one chunk. */
export function mapWindow(n: number, capacity: number, chunksize: number): { hold: number; chunk: number } {
  const hold = Math.max(1, Math.min(n, capacity, Math.max(chunksize, Math.floor(capacity / 2))));
  const chunk = Math.min(chunksize, hold);
  return { hold, chunk };
}

/** Lazy argument columns over `args` (rows), recording when each row is pulled. */
function columns(
  args: unknown[][],
  width: number,
  pulledAt: number[],
  onPull: () => void,
): Iterable<unknown>[] {
  return Array.from({ length: Math.max(1, width) }, (_, col) => ({
    *[Symbol.iterator]() {
      for (let i = 0; i < args.length; i++) {
        if (col === 0) {
          pulledAt[i] = nowMs();
          onPull();
        }
        yield width === 0 ? undefined : (args[i] as unknown[])[col];
      }
    },
  }));
}

export async function* runMap(
  deps: MapDeps,
  entry: PoolEntry,
  input: MapInput,
  signal: AbortSignal | undefined,
): AsyncGenerator<MapItem> {
  const { args, task } = input;
  if (args.length === 0) return;
  const pool = entry.name;
  const labels = { pool, task };
  const { hold, chunk } = mapWindow(args.length, entry.admission.capacity, input.chunksize ?? 1);
  const stop = new AbortController();
  const onAbort = () => stop.abort(signal?.reason);
  signal?.addEventListener("abort", onAbort);
  deps.maps.add(stop);
  let held = false;
  let index = 0;
  let it: AsyncIterableIterator<unknown> | undefined;
  try {
    await entry.admission.acquire(hold, stop.signal);
    held = true;
    const pulledAt: number[] = [];
    const cols = columns(args, args[0]?.length ?? 0, pulledAt, () => deps.metrics.submitted.inc(labels));
    try {
      it = executorOf(entry).map(task, ...cols, {
        chunksize: chunk,
        buffersize: Math.max(1, Math.floor(hold / chunk)),
        timeout: deps.limits.taskTimeoutMs,
      });
    } catch (err) {
      throw toTRPCError(err);
    }
    const stopped = new Promise<never>((_, reject) => {
      stop.signal.addEventListener("abort", () => reject(stop.signal.reason), { once: true });
    });
    stopped.catch(() => {});
    while (true) {
      const r = await Promise.race([it.next(), stopped]);
      if (r.done) break;
      deps.metrics.duration.observe(labels, (nowMs() - (pulledAt[index] as number)) / 1000);
      deps.metrics.completed.inc(labels);
      deps.counters.done(pool);
      yield { index: index++, ok: true, value: r.value };
    }
  } catch (err) {
    if (signal?.aborted) return;
    const error = stop.signal.aborted ? stop.signal.reason : err;
    if (error instanceof CancelledError) {
      deps.metrics.cancelled.inc(labels);
      deps.counters.cancelled(pool);
    } else {
      deps.metrics.failed.inc(labels);
      deps.counters.failed(pool);
    }
    yield { index, ok: false, error: serializeError(error) };
  } finally {
    signal?.removeEventListener("abort", onAbort);
    deps.maps.delete(stop);
    await it?.return?.();
    if (held) entry.admission.release(hold);
  }
}
