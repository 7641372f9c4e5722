/**
 * The client's jobs: coalesces the submits of one tick into one addBulk with idempotent ids (client id +
 * sequence), turns the hub's events into future states, retries on node death or loss only when asked,
 * and stops jobs (queued: claim + remove; running: publish to the node that claimed it).
 */
import {
  CancelledError,
  ChunkFailure,
  deserializeError,
  type ErrorClassResolver,
  type SerializedError,
  WorkerExitedError,
} from "@conc/core";
import { decode } from "../codec.ts";
import { JobLostError } from "../errors.ts";
import { CLAIM_CANCELLED } from "../keys.ts";
import { type FailurePayload, type JobData, STALLED_REASON } from "../wire.ts";
import type { EventsHub, JobSink } from "./events-hub.ts";
import { JobFuture } from "./job-future.ts";

interface Rec {
  id: string;
  base: string;
  attempt: number;
  fut: JobFuture;
  data: JobData;
  chunk: boolean;
  /** Settles once the job's addBulk was answered (or failed). */
  added: Promise<void> | undefined;
  cleanup: (() => void) | undefined;
}

export interface DispatcherOptions {
  retries: number;
  keep: { age: number; count: number };
  resolveError: ErrorClassResolver;
}

/** Jobs per addBulk pipeline. */
const BULK = 2_000;

export class Dispatcher implements JobSink {
  readonly clientId = crypto.randomUUID().replaceAll("-", "").slice(0, 12);
  readonly #hub: EventsHub;
  readonly #opts: DispatcherOptions;
  readonly #recs = new Map<string, Rec>();
  readonly #byFut = new WeakMap<JobFuture, Rec>();
  #batch: Rec[] = [];
  #seq = 0;
  /** Futures not done yet. */
  readonly live = new Set<JobFuture>();
  /** cancel() calls that found the job already claimed by a node (it was then stopped there). */
  lateCancels = 0;

  constructor(hub: EventsHub, opts: DispatcherOptions) {
    this.#hub = hub;
    this.#opts = opts;
  }

  /** Futures still PENDING. */
  get queued(): number {
    let n = 0;
    for (const f of this.live) if (f.state === "PENDING") n++;
    return n;
  }

  add<T>(data: JobData, chunk: boolean): JobFuture<T> {
    const fut = new JobFuture<T>();
    const base = `${this.clientId}-${++this.#seq}`;
    const rec: Rec = {
      id: base,
      base,
      attempt: 0,
      fut: fut as JobFuture,
      data,
      chunk,
      added: undefined,
      cleanup: undefined,
    };
    this.#recs.set(base, rec);
    this.#byFut.set(fut as JobFuture, rec);
    this.live.add(fut as JobFuture);
    fut.onDone = () => {
      this.live.delete(fut as JobFuture);
      this.#recs.delete(rec.id);
      this.#hub.unregister(rec.id);
      rec.cleanup?.();
    };
    fut.onCancel = () => void this.#stopRemote(rec, true);
    this.#enqueue(rec);
    return fut;
  }

  /** Runs `cleanup` when the future is done (timers, signal listeners). */
  onCleanup(fut: JobFuture, cleanup: () => void): void {
    const rec = this.#byFut.get(fut);
    if (rec && !fut.done()) rec.cleanup = cleanup;
  }

  /** Fails or cancels `fut` now and stops its job wherever it is. */
  stop(fut: JobFuture, error: Error, asCancel: boolean): void {
    const rec = this.#byFut.get(fut);
    if (!rec || fut.done()) return;
    if (asCancel) fut.stop(error);
    else fut.setException(error);
    void this.#stopRemote(rec, false);
  }

  #enqueue(rec: Rec): void {
    if (this.#batch.push(rec) === 1) queueMicrotask(() => this.#flush());
  }

  async #flush(): Promise<void> {
    const batch = this.#batch;
    this.#batch = [];
    try {
      await this.#hub.ready;
    } catch (err) {
      for (const r of batch) if (!r.fut.done()) r.fut.setException(err);
      return;
    }
    const { keep } = this.#opts;
    const jobs = [];
    const sent: Rec[] = [];
    for (const r of batch) {
      if (r.fut.done()) continue;
      this.#hub.register(r.id, this);
      sent.push(r);
      jobs.push({
        name: r.data.f,
        data: r.data,
        opts: { jobId: r.id, attempts: 1, removeOnComplete: keep, removeOnFail: keep },
      });
    }
    for (let i = 0; i < jobs.length; i += BULK) {
      const recs = sent.slice(i, i + BULK);
      const added = this.#hub.queue.addBulk(jobs.slice(i, i + BULK)).then(
        () => {},
        (err: unknown) => {
          for (const r of recs) if (!r.fut.done()) r.fut.setException(err);
        },
      );
      for (const r of recs) r.added = added;
    }
  }

  /** Makes sure the job never starts, or stops it on the node that claimed it. */
  async #stopRemote(rec: Rec, fromCancel: boolean): Promise<void> {
    if (rec.added === undefined) return; // never sent: the flush skips done futures
    await rec.added;
    const hub = this.#hub;
    const id = rec.id;
    try {
      const claim = await hub.cmd.concClaim(hub.keys.job(id), CLAIM_CANCELLED);
      if (claim === 1) await hub.queue.remove(id).catch(() => 0);
      else if (typeof claim === "string" && claim !== CLAIM_CANCELLED) {
        if (fromCancel) this.lateCancels++;
        await hub.cmd.publish(hub.keys.cancelChannel(claim), id);
      }
    } catch {
      // Redis unreachable: the stall check or reconciliation settles the job's fate later.
    }
  }

  #resubmit(rec: Rec): boolean {
    if (rec.attempt >= this.#opts.retries) return false;
    this.#hub.unregister(rec.id);
    this.#recs.delete(rec.id);
    rec.attempt++;
    rec.id = `${rec.base}-r${rec.attempt}`;
    rec.added = undefined;
    this.#recs.set(rec.id, rec);
    this.#enqueue(rec);
    return true;
  }

  active(id: string): void {
    const rec = this.#recs.get(id);
    if (rec && rec.fut.state === "PENDING") rec.fut.setRunningOrNotifyCancel();
  }

  abandon(id: string, error: Error): void {
    const rec = this.#recs.get(id);
    if (rec && !rec.fut.done()) rec.fut.setException(error);
  }

  progress(id: string, data: unknown): void {
    this.#recs.get(id)?.fut.setProgress(decode(data));
  }

  completed(id: string, returnvalue: unknown): void {
    const rec = this.#recs.get(id);
    if (!rec || rec.fut.done()) return;
    rec.fut.setResult(decode(returnvalue));
  }

  failed(id: string, reason: string, errorJson: string | null): void {
    if (reason === STALLED_REASON) {
      this.stalled(id);
      return;
    }
    const rec = this.#recs.get(id);
    if (!rec || rec.fut.done()) return;
    if (errorJson === null) {
      rec.fut.setException(new Error(`The job failed on its worker node: ${reason}`));
      return;
    }
    const payload = decode(JSON.parse(errorJson)) as FailurePayload;
    const error = deserializeError(payload.e as SerializedError, this.#opts.resolveError);
    if (rec.chunk && payload.r) rec.fut.setException(new ChunkFailure(payload.r, error));
    else rec.fut.setException(error);
  }

  stalled(id: string): void {
    const rec = this.#recs.get(id);
    if (!rec || rec.fut.done()) return;
    // The stalled job waits with a deferred failure for a live worker to fail it: remove it instead.
    this.#hub.queue.remove(id).catch(() => 0);
    if (this.#resubmit(rec)) return;
    rec.fut.setException(
      new WorkerExitedError(
        { exitCode: null, signal: null },
        `The worker node running job ${id} stopped renewing its lock (it died, or lost Redis) before the task ` +
          "finished. The task was not re-run; pass `retries` to re-run it on another node.",
      ),
    );
  }

  lost(id: string): void {
    const rec = this.#recs.get(id);
    if (!rec || rec.fut.done()) return;
    if (!this.#resubmit(rec)) rec.fut.setException(new JobLostError(id));
  }

  removed(id: string): void {
    const rec = this.#recs.get(id);
    if (!rec || rec.fut.done()) return;
    rec.fut.stop(
      new CancelledError(`The job ${id} was removed from the queue (by another client or an admin).`),
    );
  }

  /** Stops every job that has not finished (PENDING: cancel; RUNNING: stop on its node). */
  cancelAll(error: Error): void {
    for (const fut of [...this.live]) {
      if (fut.state === "PENDING") fut.cancel();
      else this.stop(fut, error, true);
    }
  }
}
