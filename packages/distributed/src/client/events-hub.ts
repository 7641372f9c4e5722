/**
 * One QueueEvents (plus one command connection, one Queue and a stall watchdog) per process, Redis and
 * queue, shared by every DistributedExecutor on it. It starts reading the event stream at the id that
 * was last when it attached, before the first job is added, so no event can slip by. It dispatches
 * events to the executor that owns the job, and reconciles pending jobs by state after a reconnect or
 * when the trimmed stream dropped entries it had not read yet.
 */
import { Queue, QueueEvents, Worker } from "bullmq";
import type { Redis, RedisOptions } from "ioredis";
import { RedisConnectionError } from "../errors.ts";
import { CLAIM_SCRIPT, type QueueKeys, queueKeys } from "../keys.ts";
import { bullConnection, connect, displayUrl, whenReady } from "../redis.ts";
import { Reconciler } from "./reconcile.ts";
import { StreamCursor } from "./stream-cursor.ts";

/** What an executor does with its jobs' events. */
export interface JobSink {
  active(id: string): void;
  completed(id: string, returnvalue: unknown): void;
  /** `errorJson` is the node's `concErr` field (absent when the node wrote none). */
  failed(id: string, reason: string, errorJson: string | null): void;
  /** The job's node stopped renewing its lock. */
  stalled(id: string): void;
  /** Redis no longer has the job. */
  lost(id: string): void;
  removed(id: string): void;
  /** Redis stayed unreachable too long: the job's fate is unknown. */
  abandon(id: string, error: Error): void;
  /** The task reported progress (BullMQ updateProgress). */
  progress(id: string, data: unknown): void;
}

export interface HubSettings {
  url: string;
  conn: RedisOptions;
  prefix: string;
  queue: string;
  lockMs: number;
  stalledCheckMs: number;
  connectTimeoutMs: number;
}

export type ClaimingRedis = Redis & { concClaim(key: string, value: string): Promise<number | string> };

const hubs = new Map<string, EventsHub>();
/** How often jobs pending for a whole period are read from Redis directly. */
const SWEEP_MS = 5_000;

export class EventsHub {
  readonly keys: QueueKeys;
  readonly cmd: ClaimingRedis;
  readonly queue: Queue;
  #ready: Promise<void>;
  #onError: (err: Error) => void;
  #failed = false;
  readonly #sinks = new Map<string, JobSink>();
  readonly #hubKey: string;
  readonly #settings: HubSettings;
  #refs = 0;
  #events: QueueEvents | undefined;
  #watchdog: Worker | undefined;
  #gapTimer: ReturnType<typeof setInterval> | undefined;
  #sweepTimer: ReturnType<typeof setInterval> | undefined;
  readonly #reconciler: Reconciler;
  #cursor: StreamCursor | undefined;
  /** Redis's run_id: a new one after a reconnect means Redis restarted and the event stream is new. */
  #runId = "";
  /** When the command connection went down (undefined while up). */
  #downSince: number | undefined;
  #closed = false;
  /** Errors of the background connections, for diagnostics. */
  lastError: Error | undefined;

  static acquire(settings: HubSettings): EventsHub {
    const key = `${settings.url}|${settings.prefix}|${settings.queue}`;
    let hub = hubs.get(key);
    if (!hub || hub.#closed) {
      hub = new EventsHub(key, settings);
      hubs.set(key, hub);
    }
    hub.#refs++;
    return hub;
  }

  private constructor(hubKey: string, settings: HubSettings) {
    this.#hubKey = hubKey;
    this.#settings = settings;
    this.keys = queueKeys(settings.prefix, settings.queue);
    const onError = (err: Error) => {
      this.lastError = err;
    };
    this.cmd = connect(settings.conn, `conc-client-${settings.queue}`, onError) as ClaimingRedis;
    this.cmd.defineCommand("concClaim", { numberOfKeys: 1, lua: CLAIM_SCRIPT });
    this.queue = new Queue(settings.queue, { connection: this.cmd, prefix: settings.prefix });
    this.#reconciler = new Reconciler(this.cmd, this.keys, this.#sinks);
    this.queue.on("error", onError);
    this.#onError = onError;
    this.#ready = this.#attempt();
  }

  /**
   * Resolves once the command connection is ready and the event reader is attached. After a failed
   * attempt (Redis was unreachable within the timeout) the next caller tries again.
   */
  get ready(): Promise<void> {
    if (this.#failed && !this.#closed) {
      this.#failed = false;
      this.#ready = this.#attempt();
    }
    return this.#ready;
  }

  #attempt(): Promise<void> {
    const attempt = this.#attach(this.#onError);
    // Each flush awaits `ready` and reports the error on its futures; the next one tries again.
    attempt.catch(() => {
      if (this.#ready === attempt) this.#failed = true;
    });
    return attempt;
  }

  async #attach(onError: (err: Error) => void): Promise<void> {
    const { url, connectTimeoutMs, conn, prefix, queue, lockMs, stalledCheckMs } = this.#settings;
    await whenReady(this.cmd, url, connectTimeoutMs);
    this.#runId = await this.#redisRunId();
    await this.#startEvents(onError);
    if (this.#closed) return;
    // The client's own stall check: with every node dead, nobody else would notice their jobs stalled.
    const watchdog = new Worker(queue, null, {
      connection: bullConnection(conn),
      prefix,
      autorun: false,
      lockDuration: lockMs,
      // Twice as often as the nodes: a dead node's job is noticed sooner after its lock expires (Redis runs
      // at most one check per interval whoever asks; a check only looks at active jobs without a lock).
      stalledInterval: Math.max(100, stalledCheckMs / 2),
      maxStalledCount: 0,
    });
    watchdog.on("error", onError);
    this.#watchdog = watchdog;
    await watchdog.startStalledCheckTimer();
    this.cmd.on("close", () => {
      this.#downSince ??= Date.now();
    });
    // After a reconnect the jobs may be gone; after a Redis restart the stream is new too: read it afresh.
    this.cmd.on("ready", () => {
      this.#downSince = undefined;
      void this.#afterReconnect(onError).catch(onError);
    });
    this.#gapTimer = setInterval(() => {
      if (this.#sinks.size === 0) return;
      if (this.cmd.status !== "ready") {
        this.#abandonIfDownTooLong();
        return;
      }
      void this.#checkGap().catch(onError);
    }, stalledCheckMs);
    this.#gapTimer.unref?.();
    // Backstop: a job still pending after a whole sweep period is read once per period, whatever the
    // stream said (an event lost in a way the gap check could not see still settles within ~2 periods).
    this.#sweepTimer = setInterval(() => {
      if (this.cmd.status === "ready") void this.#reconciler.sweep().catch(onError);
    }, SWEEP_MS);
    this.#sweepTimer.unref?.();
  }

  /** A cursor and a QueueEvents reading from the stream's current end (attached before any add). */
  async #startEvents(onError: (err: Error) => void): Promise<void> {
    const { conn, prefix, queue } = this.#settings;
    const cursor = new StreamCursor(this.cmd, this.keys.events);
    const startId = await cursor.start();
    if (this.#closed) return;
    const events = new QueueEvents(queue, { connection: bullConnection(conn), prefix, lastEventId: startId });
    this.#events = events;
    this.#cursor = cursor;
    events.on("error", onError);
    cursor.watch(events);
    events.on("active", ({ jobId }) => this.#sinks.get(jobId)?.active(jobId));
    events.on("completed", ({ jobId, returnvalue }) => this.#sinks.get(jobId)?.completed(jobId, returnvalue));
    events.on("failed", ({ jobId, failedReason }) => {
      if (this.#sinks.has(jobId)) this.#fetchFailure(jobId, failedReason);
    });
    events.on("stalled", ({ jobId }) => this.#sinks.get(jobId)?.stalled(jobId));
    events.on("removed", ({ jobId }) => this.#sinks.get(jobId)?.removed(jobId));
    events.on("progress", ({ jobId, data }) => this.#sinks.get(jobId)?.progress(jobId, data));
  }

  async #redisRunId(): Promise<string> {
    const info = await this.cmd.info("server");
    return /run_id:(\w+)/.exec(info)?.[1] ?? "";
  }

  async #afterReconnect(onError: (err: Error) => void): Promise<void> {
    const runId = await this.#redisRunId();
    if (runId !== this.#runId) {
      this.#runId = runId;
      const old = this.#events;
      if (old) void Promise.race([old.close(), Bun.sleep(1_000)]).catch(() => {});
      await this.#startEvents(onError);
    }
    await this.reconcile();
  }

  async #checkGap(): Promise<void> {
    const cursor = this.#cursor;
    if (!cursor) return;
    const check = await cursor.check();
    if (!check.gap) return;
    await this.reconcile();
    cursor.cover(check);
  }

  /** Redis unreachable for longer than the connection timeout: fail what waits instead of hanging. */
  #abandonIfDownTooLong(): void {
    const { url, connectTimeoutMs } = this.#settings;
    if (this.#downSince === undefined || Date.now() - this.#downSince < connectTimeoutMs) return;
    const error = new RedisConnectionError(displayUrl(url), connectTimeoutMs, { cause: this.lastError });
    error.message = `Redis at ${displayUrl(url)} has been unreachable for more than ${connectTimeoutMs} ms, so this task's outcome cannot be known. Check Redis and resubmit if it is safe.`;
    for (const [id, sink] of [...this.#sinks]) sink.abandon(id, error);
  }

  #fetchFailure(jobId: string, reason: string): void {
    this.cmd.hget(this.keys.job(jobId), "concErr").then(
      (json) => this.#sinks.get(jobId)?.failed(jobId, reason, json),
      () => this.#sinks.get(jobId)?.failed(jobId, reason, null),
    );
  }

  register(id: string, sink: JobSink): void {
    this.#sinks.set(id, sink);
  }

  unregister(id: string): void {
    this.#sinks.delete(id);
  }

  /** Reads every registered job's state and settles what the event stream did not deliver (see Reconciler). */
  reconcile(): Promise<void> {
    return this.#reconciler.reconcile();
  }

  /** Drops one reference; the last one closes the connections. */
  async release(): Promise<void> {
    if (--this.#refs > 0) return;
    this.#closed = true;
    if (hubs.get(this.#hubKey) === this) hubs.delete(this.#hubKey);
    clearInterval(this.#gapTimer);
    clearInterval(this.#sweepTimer);
    const bounded = (p: Promise<unknown>) =>
      Promise.race([p.catch(() => {}), Bun.sleep(1_000)]).then(() => {});
    await this.#ready.catch(() => {});
    await Promise.all([
      this.#events ? bounded(this.#events.close()) : undefined,
      this.#watchdog ? bounded(this.#watchdog.close(true)) : undefined,
      bounded(this.queue.close()),
    ]);
    this.cmd.disconnect();
  }
}
