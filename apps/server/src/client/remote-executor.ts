/**
 * RemoteExecutor: the executor API (core's ExecutorLike) over tRPC. `submit` returns real Futures,
 * so asCompleted and wait from @conc/core work on them; `map` is core's own mapWith over submits.
 * It imports only types from the server.
 */
import {
  type AnyTaskModule,
  CancelledError,
  containsHandles,
  type ErrorClassResolver,
  type ExecutorLike,
  ExecutorShutdownError,
  type Future,
  type MapIterable,
  type MapOptions,
  mapWith,
  type ScheduleOptions,
  type TaskArgs,
  type TaskKey,
  type TaskName,
  type TaskResult,
  wait,
} from "@conc/core";
import { createTRPCClient } from "@trpc/client";
import type { AppRouter } from "../router/router.ts";
import type { DoneView, StreamEvent, WireCall } from "../wire.ts";
import { clientError, RemoteConnectionError, serverAnswered, shutDownBeforeResults } from "./errors.ts";
import { createLinks, wsRequest } from "./links.ts";
import { RemoteFuture, type RemoteFutureOwner } from "./remote-future.ts";
import { errorResolver, newTaskId, settleFromView } from "./settle.ts";
import { type Pending, Submitter } from "./submitter.ts";
import { watchRemote } from "./watch.ts";
import { WsChannel } from "./ws-channel.ts";

export type { TaskName };

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
  /** "ws" (default): one WebSocket when the server offers it, else HTTP; "http": HTTP only. */
  transport?: "ws" | "http" | undefined;
  fetch?: typeof fetch | undefined;
}

/**
 * @example
 * const remote = new RemoteExecutor<typeof import("./tasks.ts")>({ url, token, pool: "cpu" });
 * console.log(await remote.submit("add", 1, 2).result()); // 3
 */
export class RemoteExecutor<M = AnyTaskModule> implements ExecutorLike<M>, RemoteFutureOwner {
  readonly kind = "remote" as const;
  /** The server's task module is not known here. */
  readonly module = null;
  readonly maxWorkers = 0;
  readonly workerCount = 0;
  readonly #client;
  readonly #channel: WsChannel | undefined;
  readonly #url: string;
  readonly #pool: string;
  readonly #resolve: ErrorClassResolver;
  readonly #submitter: Submitter;
  #closed = false;
  /** shutdown() has let go of its subscriptions: nothing is followed any more. */
  #released = false;
  #live = new Set<RemoteFuture<unknown>>();
  #subscriptions = new Set<{ unsubscribe(): void }>();

  constructor(options: RemoteExecutorOptions) {
    if (!options || typeof options.url !== "string" || typeof options.pool !== "string") {
      throw new TypeError("RemoteExecutor needs { url, pool } (and token when the server has one).");
    }
    this.#url = options.url;
    this.#pool = options.pool;
    this.#resolve = errorResolver(options.errorClasses);
    const auth: Record<string, string> = options.token ? { authorization: `Bearer ${options.token}` } : {};
    this.#channel = options.transport === "http" ? undefined : new WsChannel(options.url, auth);
    this.#client = createTRPCClient<AppRouter>({
      links: createLinks(options.url, options.token, this.#channel, options.fetch),
    });
    const connectionTimeoutMs = options.connectionTimeoutMs ?? 10_000;
    this.#submitter = new Submitter({
      maxBatch: options.maxBatch ?? 1000,
      connectionTimeoutMs,
      stream: (calls: WireCall[]) => {
        const input = { pool: this.#pool, calls };
        // The hot path: straight onto an open socket, without the tRPC client's link machinery.
        const ws = this.#channel?.connect();
        if (this.#channel && ws && !(ws instanceof Promise))
          return wsRequest(this.#channel, ws, "mutation", "submitStream", input) as Promise<
            AsyncIterable<StreamEvent>
          >;
        return this.#client.submitStream.mutate(input) as Promise<AsyncIterable<StreamEvent>>;
      },
      accepted: (p) => {
        p.fut.id = p.call.id;
        if (p.fut.cancelled()) this.#stopRemote(p.fut);
        else if (p.fut.dropWanted) this.dropIfQueued(p.fut);
      },
      settle: (p, view) => this.#settle(p.fut, view),
      follow: (rest) => {
        if (this.#released) {
          const error = shutDownBeforeResults(this.#url);
          for (const p of rest) if (!p.fut.done()) p.fut.setException(error);
          return;
        }
        watchRemote(this.#client, rest, {
          url: this.#url,
          connectionTimeoutMs,
          settle: (p, view) => this.#settle(p.fut, view),
          subscriptions: this.#subscriptions,
        });
      },
      fail: (ps, err) => {
        const error = serverAnswered(err)
          ? clientError(err)
          : new RemoteConnectionError(
              this.#url,
              `Could not reach ${this.#url} for ${connectionTimeoutMs} ms: these tasks were not submitted.`,
              { cause: err },
            );
        for (const p of ps) if (!p.fut.done()) p.fut.setException(error);
      },
    });
  }

  /** The typed tRPC client, for the procedures RemoteExecutor does not wrap (pools, status). */
  get trpc() {
    return this.#client;
  }

  /** Submits not yet accepted by the server (waiting for room). */
  get queued(): number {
    return this.#submitter.waiting;
  }

  /** Submits `task(...args)` on the server; the task is a name or the imported function itself. */
  submit<K extends TaskName<M>>(task: TaskKey<M, K>, ...args: TaskArgs<M, K>): Future<TaskResult<M, K>> {
    return this.#enqueue(task, args, undefined, undefined) as Future<TaskResult<M, K>>;
  }

  /** Like submit, with a per-task deadline enforced by the server and an AbortSignal. */
  schedule<K extends TaskName<M>>(
    task: TaskKey<M, K>,
    options: ScheduleOptions<TaskArgs<M, K>> = {},
  ): Future<TaskResult<M, K>> {
    return this.#enqueue(task, options.args ?? [], options.timeout, options.signal) as Future<
      TaskResult<M, K>
    >;
  }

  /** `await remote.run("add", 1, 2)` */
  run<K extends TaskName<M>>(task: TaskKey<M, K>, ...args: TaskArgs<M, K>): Promise<TaskResult<M, K>> {
    return this.submit(task, ...args).result();
  }

  /** Core's map (zip, lazy pull, buffersize, timeout, early stop) over this client's submits. */
  map<K extends TaskName<M>>(
    task: TaskKey<M, K>,
    ...rest: (MapIterable | MapOptions)[]
  ): AsyncIterableIterator<TaskResult<M, K>> {
    const name = this.#name(task);
    return mapWith<TaskResult<M, K>>(
      (tuples) => tuples.map((args) => this.#enqueue(name, args as unknown[], undefined, undefined)),
      rest,
    );
  }

  /**
   * Stops `fut`'s task on the server wherever it is (queued: it never starts; running: its worker is
   * replaced), as aborting a signal given to `schedule` would. The future ends CANCELLED at once with a
   * CancelledError whose `cause` is `reason`. False when `fut` is done already or not this client's.
   */
  stop(fut: Future<unknown>, reason?: unknown): boolean {
    if (!(fut instanceof RemoteFuture) || !this.#live.has(fut) || fut.done()) return false;
    const options = reason === undefined ? undefined : { cause: reason };
    fut.abort(new CancelledError("The task was stopped.", options));
    this.#stopRemote(fut);
    return true;
  }

  /**
   * Ends this client (the server's pools keep serving). `wait` waits for this client's
   * futures; `cancelFutures` cancels those not started (here, or queued on the server), as
   * Python's `shutdown(cancel_futures=True)`; running ones finish.
   */
  async shutdown(options: { wait?: boolean; cancelFutures?: boolean } = {}): Promise<void> {
    const { wait: waitForAll = true, cancelFutures = false } = options;
    this.#closed = true;
    if (cancelFutures) for (const f of [...this.#live]) f.cancel();
    if (waitForAll && this.#live.size > 0) await wait([...this.#live]);
    this.#released = true;
    for (const s of [...this.#subscriptions]) s.unsubscribe();
    this.#subscriptions.clear();
    this.#submitter.close();
    this.#channel?.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown();
  }

  /** Stops the task on the server, queued or running (a signal or deadline fired here). */
  #stopRemote(fut: RemoteFuture<unknown>): void {
    if (fut.id !== undefined) this.#client.cancel.mutate({ id: fut.id }).catch(() => {});
  }

  /** @internal */
  dropIfQueued(fut: RemoteFuture<unknown>): void {
    fut.dropWanted = true;
    if (fut.id !== undefined) this.#client.cancel.mutate({ id: fut.id, queuedOnly: true }).catch(() => {});
  }

  #name(task: unknown): string {
    const name = typeof task === "string" ? task : typeof task === "function" ? task.name : "";
    if (!name)
      throw new TypeError(
        "The task must be a task name or a named function exported by the server's task module.",
      );
    return name;
  }

  #enqueue(
    task: unknown,
    args: unknown[],
    timeoutMs: number | undefined,
    signal: AbortSignal | undefined,
  ): RemoteFuture<unknown> {
    if (this.#closed) throw new ExecutorShutdownError("This RemoteExecutor was shut down: create a new one.");
    const name = this.#name(task);
    if (containsHandles(args))
      throw new TypeError(
        "A sync primitive (Lock, Event, Queue, Value, SharedMemory...) cannot be sent to a remote task: it lives in " +
          "this machine's shared memory and the server runs elsewhere. Pass plain data.",
      );
    const fut = new RemoteFuture<unknown>(this);
    this.#live.add(fut);
    fut.addDoneCallback(() => {
      this.#live.delete(fut);
      this.#submitter.roomFreed();
    });
    const call: Pending["call"] = { task: name, args, id: newTaskId() };
    if (timeoutMs !== undefined) call.timeoutMs = timeoutMs;
    if (signal) {
      const abort = () => {
        fut.abort(new CancelledError("The task was aborted.", { cause: signal.reason }));
        this.#stopRemote(fut);
      };
      if (signal.aborted) abort();
      else signal.addEventListener("abort", abort, { once: true });
    }
    this.#submitter.push({ call, fut });
    return fut;
  }

  #settle(f: RemoteFuture<unknown>, view: DoneView): void {
    settleFromView(f, view, this.#resolve);
  }
}
