/**
 * The procedures: list pools; submit by registered task name; status, result, cancel; map
 * (streamed, in order); watch (SSE subscription, tracked ids) for asCompleted and wait.
 */
import { serializeError } from "@conc/core";
import { TRPCError, tracked } from "@trpc/server";
import type { Limits } from "../config.ts";
import { toTRPCError } from "../errors.ts";
import type { Metrics } from "../metrics/metrics.ts";
import type { PoolEntry, PoolRegistry } from "../store/pool-registry.ts";
import type { TaskStore, TaskView } from "../store/task-store.ts";
import { schemas } from "./schemas.ts";
import { createTRPC } from "./trpc.ts";

export interface RouterDeps {
  limits: Limits;
  registry: PoolRegistry;
  store: TaskStore;
  metrics: Metrics;
  draining: () => boolean;
}

/** One item of a streamed map. */
export type MapItem =
  | { index: number; ok: true; value: unknown }
  | { index: number; ok: false; error: ReturnType<typeof serializeError> };

/** Events of submitStream: the ids once, then one view per finished task. */
export type StreamEvent = { ids: string[]; views?: undefined } | { views: TaskView[]; ids?: undefined };

export function createRouter(deps: RouterDeps) {
  const { limits, registry, store, metrics } = deps;
  const t = createTRPC(limits.maxStreamMs);
  const s = schemas(limits);

  function admit(pool: string, n: number): void {
    if (deps.draining()) {
      throw new TRPCError({
        code: "SERVICE_UNAVAILABLE",
        message: "The server is shutting down: no new work.",
      });
    }
    if (store.outstanding(pool) + n > limits.maxQueued) {
      throw new TRPCError({
        code: "TOO_MANY_REQUESTS",
        message: `Pool '${pool}' has ${store.outstanding(pool)} unfinished tasks (limit ${limits.maxQueued}): retry later.`,
      });
    }
  }

  function submitOne(entry: PoolEntry, task: string, args: unknown[], timeoutMs: number | undefined): string {
    const pool = entry.name;
    const abort = new AbortController();
    try {
      const future = entry.executor.schedule(task, {
        args,
        timeout: timeoutMs ?? limits.taskTimeoutMs,
        signal: abort.signal,
      });
      metrics.submitted.inc({ pool, task });
      return store.add(pool, task, future, abort);
    } catch (err) {
      throw toTRPCError(err);
    }
  }

  /** Checks every task name first: a bad one refuses the whole batch before anything runs. */
  async function checkAll(pool: string, calls: { task: string }[]): Promise<PoolEntry> {
    const entry = registry.pool(pool);
    const names = await entry.tasks;
    for (const c of calls) if (!names.has(c.task)) await registry.task(pool, c.task);
    return entry;
  }

  function found(view: TaskView | undefined, id: string): TaskView {
    if (!view)
      throw new TRPCError({
        code: "NOT_FOUND",
        message: `No task '${id}' (unknown, or its result expired).`,
      });
    return view;
  }

  return t.router({
    pools: t.procedure.query(async () =>
      Promise.all(
        registry.all().map(async (p) => ({
          name: p.name,
          kind: p.kind,
          tasks: [...(await p.tasks.catch(() => new Set<string>()))].sort(),
          maxWorkers: p.executor.maxWorkers,
          workers: p.executor.workerCount,
          queued: p.executor.queued,
        })),
      ),
    ),

    submit: t.procedure.input(s.submit).mutation(async ({ input }) => {
      admit(input.pool, 1);
      const entry = await registry.task(input.pool, input.task);
      return { id: submitOne(entry, input.task, input.args, input.timeoutMs) };
    }),

    submitMany: t.procedure.input(s.submitMany).mutation(async ({ input }) => {
      admit(input.pool, input.calls.length);
      const entry = await checkAll(input.pool, input.calls);
      return { ids: input.calls.map((c) => submitOne(entry, c.task, c.args, c.timeoutMs)) };
    }),

    /**
     * Submit and stream the outcomes back on the same response: first the ids, then each
     * task's view as it completes (completion order). RemoteExecutor's fast path.
     */
    submitStream: t.procedure.input(s.submitMany).mutation(async function* ({ input, signal }) {
      admit(input.pool, input.calls.length);
      const entry = await checkAll(input.pool, input.calls);
      const ids = input.calls.map((c) => submitOne(entry, c.task, c.args, c.timeoutMs));
      yield { ids } as StreamEvent;
      for await (const batch of store.watchBatches(ids, 0, signal))
        yield { views: batch.map(([, v]) => v) } as StreamEvent;
    }),

    status: t.procedure.input(s.id).query(({ input }) => {
      const v = found(store.view(input.id), input.id);
      return { id: v.id, state: v.state, done: v.done };
    }),

    result: t.procedure
      .input(s.result)
      .query(async ({ input }) => found(await store.wait(input.id, input.timeoutMs ?? 0), input.id)),

    cancel: t.procedure.input(s.id).mutation(({ input }) => {
      const cancelled = store.cancel(input.id);
      if (cancelled === undefined) found(undefined, input.id);
      return { cancelled: cancelled === true };
    }),

    map: t.procedure.input(s.map).query(async function* ({ input, signal }): AsyncGenerator<MapItem> {
      const entry = await registry.task(input.pool, input.task);
      admit(input.pool, input.args.length);
      const width = input.args[0]?.length ?? 0;
      if (input.args.some((a) => a.length !== width)) {
        throw new TRPCError({
          code: "BAD_REQUEST",
          message: "Every item of args must have the same number of arguments.",
        });
      }
      const columns =
        width === 0
          ? [input.args.map(() => undefined)]
          : Array.from({ length: width }, (_, i) => input.args.map((a) => a[i]));
      let it: AsyncIterableIterator<unknown>;
      try {
        it = entry.executor.map(input.task, ...columns, {
          chunksize: input.chunksize,
          timeout: limits.taskTimeoutMs,
        });
      } catch (err) {
        throw toTRPCError(err);
      }
      metrics.submitted.inc({ pool: input.pool, task: input.task }, input.args.length);
      let index = 0;
      try {
        for await (const value of it) {
          if (signal?.aborted) break;
          metrics.completed.inc({ pool: input.pool, task: input.task });
          yield { index: index++, ok: true, value };
        }
      } catch (err) {
        metrics.failed.inc({ pool: input.pool, task: input.task });
        yield { index, ok: false, error: serializeError(err) };
      } finally {
        await it.return?.();
      }
    }),

    watch: t.procedure.input(s.watch).subscription(async function* ({ input, signal }) {
      for (const id of input.ids) if (!store.has(id)) found(undefined, id);
      const after = input.lastEventId ? Number(input.lastEventId) : 0;
      for await (const [seq, view] of store.watch(input.ids, after, signal)) {
        yield tracked(String(seq), view);
      }
    }),
  });
}

export type AppRouter = ReturnType<typeof createRouter>;
