/**
 * The procedures: list pools; submit by registered task name; status, result, cancel; map
 * (streamed, in order); watch (SSE subscription, tracked ids) for asCompleted and wait.
 * Queries read (any role); mutations start or stop work (admin only).
 */
import { TRPCError, tracked } from "@trpc/server";
import type { Limits } from "../config.ts";
import type { Metrics } from "../metrics/metrics.ts";
import type { PoolEntry, PoolRegistry } from "../store/pool-registry.ts";
import type { TaskEntry, TaskRecord, TaskStore } from "../store/task-store.ts";
import type { MapItem, ProgressEvent, StreamEvent, WatchEvent, WireCall } from "../wire.ts";
import { admitBatch, refuseWhileDraining } from "./admit.ts";
import { runMap } from "./map-procedure.ts";
import type { PoolCounters } from "./pool-counters.ts";
import { schemas } from "./schemas.ts";
import { createTRPC } from "./trpc.ts";

export interface RouterDeps {
  limits: Limits;
  registry: PoolRegistry;
  store: TaskStore;
  metrics: Metrics;
  counters: PoolCounters;
  maps: Set<AbortController>;
  draining: () => boolean;
}

export type { MapItem, StreamEvent };

/** How long submitStream may hold its admission event waiting for the first outcomes. */
export const ADMISSION_HOLD_MS = 1;

/** Resolves when `p` settles or after `ms`, whichever comes first (never rejects). */
function settledWithin(p: Promise<unknown>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    p.then(
      () => {},
      () => {},
    ),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

function progressEvent(recs: TaskRecord[]): ProgressEvent {
  return { type: "progress", updates: recs.map((r) => [r.id, r.progress]) };
}

export function createRouter(deps: RouterDeps) {
  const { limits, registry, store } = deps;
  const { t, procedure } = createTRPC(limits.maxStreamMs);
  const s = schemas(limits);

  /** Checks every task name first: a bad one refuses the whole batch before anything runs. */
  async function checkAll(pool: string, calls: { task: string }[]): Promise<PoolEntry> {
    const entry = registry.pool(pool);
    const names = await registry.names(entry);
    for (const c of calls) if (!names.has(c.task)) await registry.task(pool, c.task);
    return entry;
  }

  function found(id: string): TaskEntry {
    const rec = store.get(id);
    if (!rec) {
      throw new TRPCError({
        code: "NOT_FOUND",
        message: `No task '${id}': unknown, or its result expired (kept for limits.resultTtlMs, at most limits.maxRetained tasks).`,
      });
    }
    return rec;
  }

  async function admitted(pool: string, calls: WireCall[]) {
    refuseWhileDraining(deps);
    const entry = await checkAll(pool, calls);
    return admitBatch(deps, entry, calls);
  }

  return t.router({
    pools: procedure.query(async () =>
      Promise.all(
        registry.all().map(async (p) => {
          const { pool: _pool, ...now } = await p.stats.fresh();
          return {
            name: p.name,
            tasks: [...(await p.tasks.catch(() => new Set<string>()))].sort(),
            ...now,
            held: p.admission.used,
            capacity: p.admission.capacity,
          };
        }),
      ),
    ),

    submit: procedure.input(s.submit).mutation(async ({ input }) => {
      const { recs } = await admitted(input.pool, [input]);
      return { id: (recs[0] as TaskEntry).id };
    }),

    /** Per call an id, or null when refused for lack of room (resend after retryAfterMs). */
    submitMany: procedure.input(s.submitMany).mutation(async ({ input }) => {
      const { recs, retryAfterMs } = await admitted(input.pool, input.calls);
      return { ids: recs.map((r) => r?.id ?? null), retryAfterMs };
    }),

    /**
     * Submit and stream the outcomes back on the same response: first the admission, then each
     * task's view as it completes (completion order). RemoteExecutor's fast path.
     */
    submitStream: procedure.input(s.submitMany).mutation(async function* ({ input, signal }) {
      const { recs, retryAfterMs } = await admitted(input.pool, input.calls);
      const accepted = recs.filter((r): r is TaskEntry => r !== null);
      const batches = store.watchBatches(accepted, 0, signal);
      let next = batches.next();
      // Tiny tasks end within a moment: hold the admission that long, so it leaves together with
      // their outcomes (one wake-up for the client instead of two).
      if (accepted.length > 0) await settledWithin(next, ADMISSION_HOLD_MS);
      yield { type: "admitted", ids: recs.map((r) => r?.id ?? null), retryAfterMs } as StreamEvent;
      try {
        for (let r = await next; !r.done; r = await next) {
          const batch = r.value;
          if (batch.progress.length > 0) yield progressEvent(batch.progress);
          if (batch.done.length > 0)
            yield { type: "done", views: batch.done.map(([, v]) => v) } as StreamEvent;
          next = batches.next();
        }
      } finally {
        // Closed early (the caller went away): let the watch unsubscribe (it also ends on `signal`).
        void batches.return(undefined);
      }
    }),

    status: procedure.input(s.id).query(({ input }) => {
      const v = found(input.id).view();
      return v.progress === undefined
        ? { id: v.id, state: v.state, done: v.done }
        : { id: v.id, state: v.state, done: v.done, progress: v.progress };
    }),

    result: procedure
      .input(s.result)
      .query(async ({ input }) => store.wait(found(input.id), input.timeoutMs ?? 0)),

    cancel: procedure.input(s.cancel).mutation(({ input }) => ({
      cancelled: found(input.id).cancel("Cancelled by the client.", input.queuedOnly ?? false),
    })),

    map: procedure.input(s.map).mutation(async function* ({ input, signal }): AsyncGenerator<MapItem> {
      refuseWhileDraining(deps);
      const entry = await registry.task(input.pool, input.task);
      const width = input.args[0]?.length ?? 0;
      if (input.args.some((a) => a.length !== width)) {
        throw new TRPCError({
          code: "BAD_REQUEST",
          message: "Every item of args must have the same number of arguments.",
        });
      }
      yield* runMap(deps, entry, input, signal);
    }),

    watch: procedure.input(s.watch).subscription(async function* ({ input, signal }) {
      const recs = input.ids.map(found);
      let last = input.lastEventId ? Number(input.lastEventId) : 0;
      for await (const batch of store.watchBatches(recs, last, signal)) {
        // Progress carries the last completion id seen, so a resume replays no progress and skips no result.
        if (batch.progress.length > 0)
          yield tracked(String(last), progressEvent(batch.progress) as WatchEvent);
        for (const [seq, view] of batch.done) {
          last = seq;
          yield tracked(String(seq), view as WatchEvent);
        }
      }
    }),
  });
}

export type AppRouter = ReturnType<typeof createRouter>;
