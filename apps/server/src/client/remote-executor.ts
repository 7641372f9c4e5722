/**
 * RemoteExecutor: the executor API over tRPC. `submit` returns real Futures, so asCompleted and
 * wait from @conc/core work on them; their results arrive over one SSE subscription per batch.
 */
import {
  CancelledError,
  deserializeError,
  type ErrorClassResolver,
  ExecutorShutdownError,
  type Future,
  type MapOptions,
  wait,
} from "@conc/core";
import { createTRPCClient, TRPCClientError } from "@trpc/client";
import { RemoteConnectionError } from "../errors.ts";
import type { AppRouter } from "../router/router.ts";
import { WATCH_MAX_IDS } from "../router/schemas.ts";
import type { TaskView } from "../store/task-store.ts";
import { clientError } from "./client-error.ts";
import { createLinks } from "./links.ts";
import { RemoteFuture, type RemoteFutureOwner } from "./remote-future.ts";
import { remoteMap } from "./remote-map.ts";

// biome-ignore lint/suspicious/noExplicitAny: task functions take and return anything
type Fn = (...args: any[]) => any;
/** Names of the functions a task module exports. */
export type TaskName<M> = { [K in keyof M]: M[K] extends Fn ? K : never }[keyof M] & string;
type TaskOf<M, K> = K extends keyof M ? (M[K] extends Fn ? M[K] : never) : never;

export interface RemoteExecutorOptions {
  /** The server's tRPC endpoint, e.g. http://127.0.0.1:8787/trpc */
  url: string;
  token?: string | undefined;
  /** Pool name on the server. */
  pool: string;
  /** Error classes to rebuild by name (others arrive as RemoteError). */
  errorClasses?: Record<string, new (...args: never[]) => Error> | undefined;
  /** Fail pending futures when the server stays unreachable this long (default 10 s). */
  connectionTimeoutMs?: number | undefined;
  /** Most submits per request (default 1000, the server's default batch limit). */
  maxBatch?: number | undefined;
  /** Items per map request (default 10,000). */
  mapWindow?: number | undefined;
  fetch?: typeof fetch | undefined;
}

interface Pending {
  task: string;
  args: unknown[];
  fut: RemoteFuture<unknown>;
  timeoutMs: number | undefined;
}

/**
 * @example
 * const remote = new RemoteExecutor<typeof import("./tasks.ts")>({ url, token, pool: "cpu" });
 * console.log(await remote.submit("add", 1, 2).result()); // 3
 */
export class RemoteExecutor<M = Record<string, Fn>> implements RemoteFutureOwner {
  readonly #client;
  readonly #opts: {
    url: string;
    pool: string;
    connectionTimeoutMs: number;
    maxBatch: number;
    mapWindow: number;
  };
  readonly #resolve: ErrorClassResolver;
  #queue: Pending[] = [];
  #scheduled = false;
  #closed = false;
  #live = new Set<RemoteFuture<unknown>>();
  #subscriptions = new Set<{ unsubscribe(): void }>();

  constructor(options: RemoteExecutorOptions) {
    if (!options || typeof options.url !== "string" || typeof options.pool !== "string") {
      throw new TypeError("RemoteExecutor needs { url, pool } (and token when the server has one).");
    }
    this.#opts = {
      url: options.url,
      pool: options.pool,
      connectionTimeoutMs: options.connectionTimeoutMs ?? 10_000,
      maxBatch: options.maxBatch ?? 1000,
      mapWindow: options.mapWindow ?? 10_000,
    };
    const classes = options.errorClasses ?? {};
    this.#resolve = (name) => (Object.hasOwn(classes, name) ? classes[name] : undefined);
    this.#client = createTRPCClient<AppRouter>({
      links: createLinks(options.url, options.token, options.fetch),
    });
  }

  /** The typed tRPC client, for the procedures RemoteExecutor does not wrap (pools, status). */
  get trpc() {
    return this.#client;
  }

  /** Submits `task(...args)` on the server; the task is a name or the imported function itself. */
  submit<K extends TaskName<M>>(
    task: K | TaskOf<M, K>,
    ...args: Parameters<TaskOf<M, K>>
  ): Future<Awaited<ReturnType<TaskOf<M, K>>>> {
    return this.#enqueue(task, args, undefined) as Future<Awaited<ReturnType<TaskOf<M, K>>>>;
  }

  /** Like submit, with a per-task deadline enforced by the server. */
  schedule<K extends TaskName<M>>(
    task: K | TaskOf<M, K>,
    options: { args?: Parameters<TaskOf<M, K>>; timeout?: number },
  ): Future<Awaited<ReturnType<TaskOf<M, K>>>> {
    return this.#enqueue(task, options.args ?? [], options.timeout) as Future<
      Awaited<ReturnType<TaskOf<M, K>>>
    >;
  }

  /** `await remote.run("add", 1, 2)` */
  run<K extends TaskName<M>>(
    task: K | TaskOf<M, K>,
    ...args: Parameters<TaskOf<M, K>>
  ): Promise<Awaited<ReturnType<TaskOf<M, K>>>> {
    return this.submit(task, ...args).result();
  }

  /** Maps over zipped iterables on the server, streamed back in order. */
  map<K extends TaskName<M>>(
    task: K | TaskOf<M, K>,
    ...rest: (Iterable<unknown> | MapOptions)[]
  ): AsyncIterableIterator<Awaited<ReturnType<TaskOf<M, K>>>> {
    const name = this.#name(task);
    return remoteMap(
      this.#client,
      { pool: this.#opts.pool, task: name, window: this.#opts.mapWindow, resolve: this.#resolve },
      rest,
    ) as AsyncIterableIterator<Awaited<ReturnType<TaskOf<M, K>>>>;
  }

  /**
   * Ends this client (the server's pools keep serving). `wait` waits for this client's
   * futures; `cancelFutures` cancels those not finished.
   */
  async shutdown(options: { wait?: boolean; cancelFutures?: boolean } = {}): Promise<void> {
    const { wait: waitForAll = true, cancelFutures = false } = options;
    this.#closed = true;
    if (cancelFutures) for (const f of [...this.#live]) f.cancel();
    if (waitForAll && this.#live.size > 0) await wait([...this.#live]);
    for (const s of this.#subscriptions) s.unsubscribe();
    this.#subscriptions.clear();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown();
  }

  /** @internal */
  cancelRemote(fut: RemoteFuture<unknown>): void {
    if (fut.id !== undefined) this.#client.cancel.mutate({ id: fut.id }).catch(() => {});
  }

  #name(task: unknown): string {
    const name = typeof task === "string" ? task : typeof task === "function" ? task.name : "";
    if (!name)
      throw new TypeError(
        "The task must be a task name or a named function exported by the server's task module.",
      );
    return name;
  }

  #enqueue(task: unknown, args: unknown[], timeoutMs: number | undefined): RemoteFuture<unknown> {
    if (this.#closed) throw new ExecutorShutdownError("This RemoteExecutor was shut down: create a new one.");
    const name = this.#name(task);
    const fut = new RemoteFuture<unknown>(this);
    this.#live.add(fut);
    fut.addDoneCallback(() => this.#live.delete(fut));
    this.#queue.push({ task: name, args, fut, timeoutMs });
    if (!this.#scheduled) {
      this.#scheduled = true;
      queueMicrotask(() => this.#flush());
    }
    return fut;
  }

  #flush(): void {
    this.#scheduled = false;
    const queue = this.#queue;
    this.#queue = [];
    for (let i = 0; i < queue.length; i += this.#opts.maxBatch)
      void this.#send(queue.slice(i, i + this.#opts.maxBatch));
  }

  async #send(batch: Pending[]): Promise<void> {
    const live = batch.filter((p) => !p.fut.done());
    if (live.length === 0) return;
    const byId = new Map<string, RemoteFuture<unknown>>();
    try {
      // One request: the ids come first, then each outcome as the task finishes.
      const stream = await this.#client.submitStream.mutate({
        pool: this.#opts.pool,
        calls: live.map((p) =>
          p.timeoutMs === undefined
            ? { task: p.task, args: p.args }
            : { task: p.task, args: p.args, timeoutMs: p.timeoutMs },
        ),
      });
      for await (const event of stream) {
        if ("ids" in event && event.ids) {
          event.ids.forEach((id: string, i: number) => {
            const fut = (live[i] as Pending).fut;
            fut.id = id;
            if (fut.cancelled()) this.#client.cancel.mutate({ id }).catch(() => {});
            else byId.set(id, fut);
          });
        } else if ("views" in event && event.views) {
          for (const v of event.views) {
            const view = v as TaskView;
            const fut = byId.get(view.id);
            byId.delete(view.id);
            if (fut) this.#settle(fut, view);
          }
        }
      }
    } catch (err) {
      if (byId.size === 0) {
        // Refused before any id (bad task name, queue full, auth): fail them all with the reason.
        const error = err instanceof TRPCClientError ? clientError(err) : err;
        for (const p of live) if (!p.fut.done()) p.fut.setException(error);
        return;
      }
    }
    // The stream ended early (server deadline, dropped connection): follow the rest over SSE.
    for (const [id, fut] of byId) if (fut.done()) byId.delete(id);
    const entries = [...byId];
    for (let i = 0; i < entries.length; i += WATCH_MAX_IDS)
      this.#watch(new Map(entries.slice(i, i + WATCH_MAX_IDS)));
  }

  /** Settles futures from the server's completion events; resubscribes after a stream ends. */
  #watch(byId: Map<string, RemoteFuture<unknown>>, lastEventId?: string): void {
    let lost: ReturnType<typeof setTimeout> | undefined;
    let last = lastEventId;
    const failAll = (error: unknown) => {
      for (const f of byId.values()) if (!f.done()) f.setException(error);
      byId.clear();
    };
    const sub = this.#client.watch.subscribe(
      { ids: [...byId.keys()], ...(lastEventId ? { lastEventId } : {}) },
      {
        onData: (event: { id: string; data: unknown }) => {
          last = event.id;
          const view = event.data as TaskView;
          const f = byId.get(view.id);
          byId.delete(view.id);
          if (f) this.#settle(f, view);
          if (byId.size === 0) done();
        },
        onError: (err) => {
          failAll(err instanceof TRPCClientError ? clientError(err) : err);
          done();
        },
        onComplete: () => {
          clearTimeout(lost);
          this.#subscriptions.delete(sub);
          // The server ends long streams (maxDurationMs): carry on where it stopped.
          if (byId.size > 0 && !this.#allDone(byId)) this.#watch(byId, last);
        },
        onConnectionStateChange: (state) => {
          if (state.state === "connecting" && state.error && lost === undefined) {
            lost = setTimeout(() => {
              failAll(
                new RemoteConnectionError(
                  this.#opts.url,
                  `Lost the connection to ${this.#opts.url} for ${this.#opts.connectionTimeoutMs} ms: the results of these tasks are unknown.`,
                  { cause: state.error },
                ),
              );
              done();
            }, this.#opts.connectionTimeoutMs);
          } else if (state.state === "pending") {
            clearTimeout(lost);
            lost = undefined;
          }
        },
      },
    );
    const done = () => {
      clearTimeout(lost);
      sub.unsubscribe();
      this.#subscriptions.delete(sub);
    };
    this.#subscriptions.add(sub);
  }

  #allDone(byId: Map<string, RemoteFuture<unknown>>): boolean {
    return [...byId.values()].every((f) => f.done());
  }

  #settle(f: RemoteFuture<unknown>, view: TaskView): void {
    if (f.done()) return;
    if (view.state === "CANCELLED") {
      const err = view.error ? deserializeError(view.error, this.#resolve) : undefined;
      f.settleCancelled(err instanceof Error ? err : new CancelledError());
    } else if (view.ok) f.setResult(view.value);
    else f.setException(view.error ? deserializeError(view.error, this.#resolve) : new Error("Task failed."));
  }
}
