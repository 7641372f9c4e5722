/**
 * The client's jobs. Submits wait here until the live nodes have room for them (Python's call-queue
 * rule: a job is sent only when a pool worker on the nodes is free for it, bulk work further ahead —
 * see windowFor — so what waits behind busy workers is still cancellable with a true answer); with no
 * live node known everything is sent and waits in Redis.
 * Jobs released in one tick travel as one addBulk with idempotent ids (client id + sequence); the
 * hub's events become future states; node death or loss re-runs a job only when asked; stop() ends
 * a job wherever it is (queued: claim + remove; running: publish to the node that claimed it).
 */
import type { ErrorClassResolver } from "@conc/core";
import { decode } from "../codec.ts";
import { JobLostError } from "../errors.ts";
import { CLAIM_CANCELLED } from "../keys.ts";
import { type JobData, NOT_STARTED_REASON, STALLED_REASON } from "../wire.ts";
import type { EventsHub, JobSink } from "./events-hub.ts";
import { failureOf, notStartedError, removedError, stalledError } from "./job-errors.ts";
import { JobFuture } from "./job-future.ts";
import type { NodeWatch } from "./node-watch.ts";
import { isDeep, WaitingJobs, windowFor } from "./waiting-jobs.ts";

interface Rec {
  id: string;
  base: string;
  attempt: number;
  fut: JobFuture;
  data: JobData;
  chunk: boolean;
  /** Sent and not ended: it counts against this client's send window. */
  released: boolean;
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
  readonly #nodes: NodeWatch;
  readonly #opts: DispatcherOptions;
  readonly #recs = new Map<string, Rec>();
  readonly #byFut = new WeakMap<JobFuture, Rec>();
  /** Jobs not sent yet. */
  readonly #waiting = new WaitingJobs<Rec>();
  #scheduled = false;
  /** Jobs sent and not ended. */
  #out = 0;
  /** Working through a deep backlog (see windowFor). */
  #deep = false;
  #seq = 0;
  /** Futures not done yet. */
  readonly live = new Set<JobFuture>();

  constructor(hub: EventsHub, nodes: NodeWatch, opts: DispatcherOptions) {
    this.#hub = hub;
    this.#nodes = nodes;
    this.#opts = opts;
    nodes.onRead = () => {
      if (this.#waiting.length > 0) this.#kick();
    };
  }

  /** Futures still PENDING (their jobs not sent). */
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
      released: false,
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
      this.#unrelease(rec);
      rec.cleanup?.();
    };
    fut.onLateCancel = () => void this.#dropIfUntaken(rec);
    this.#waiting.push(rec);
    this.#kick();
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
    void this.#stopRemote(rec);
  }

  #kick(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => void this.#flush());
  }

  #unrelease(rec: Rec): void {
    if (!rec.released) return;
    rec.released = false;
    this.#out--;
    if (this.#waiting.length > 0) this.#kick();
  }

  /** Sends what the nodes have room for (everything when no live node is known). */
  async #flush(): Promise<void> {
    this.#scheduled = false;
    try {
      await this.#hub.ready;
    } catch (err) {
      for (const r of this.#waiting.take(Number.POSITIVE_INFINITY)) r.fut.setException(err);
      return;
    }
    // Unknown, or no live node at the last look: look again (a node may have started since) before
    // sending everything (one read per flush, so per tick at most). With live nodes the 2 s refresh is enough.
    if (!this.#nodes.capacity?.workers) await this.#nodes.read().catch(() => {});
    const capacity = this.#nodes.capacity ?? { workers: 0, slots: 0 };
    // Bulk work stays bulk until its backlog is gone (else its tail would go one job per worker).
    this.#deep = this.#waiting.length > 0 && (this.#deep || isDeep(capacity, this.#waiting.length));
    const room = windowFor(capacity, this.#deep) - this.#out;
    if (room <= 0) return; // a job's end frees a slot and kicks again
    const sent: Rec[] = [];
    for (const r of this.#waiting.take(room)) {
      if (!r.fut.markSent()) continue;
      r.released = true;
      this.#out++;
      sent.push(r);
    }
    this.#send(sent);
  }

  #send(sent: Rec[]): void {
    const { keep } = this.#opts;
    const jobs = [];
    for (const r of sent) {
      this.#hub.register(r.id, this);
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

  /** cancel() after the send: the job is removed if no node has claimed it (the future then ends CANCELLED). */
  async #dropIfUntaken(rec: Rec): Promise<void> {
    if (rec.added === undefined) return; // waiting here again for a re-run: it goes when room frees
    await rec.added;
    const hub = this.#hub;
    const id = rec.id;
    try {
      if ((await hub.cmd.concClaim(hub.keys.job(id), CLAIM_CANCELLED)) !== 1) return; // a node has it
      if (rec.id === id) rec.fut.stop(notStartedError(id));
      await hub.queue.remove(id).catch(() => 0);
    } catch {
      // Redis unreachable: the job stays; its outcome arrives as usual.
    }
  }

  /** Makes sure the job never starts, or stops it on the node that claimed it. */
  async #stopRemote(rec: Rec): Promise<void> {
    if (rec.added === undefined) return; // never sent: the flush skips done futures
    await rec.added;
    const hub = this.#hub;
    const id = rec.id;
    try {
      const claim = await hub.cmd.concClaim(hub.keys.job(id), CLAIM_CANCELLED);
      if (claim === 1) await hub.queue.remove(id).catch(() => 0);
      else if (typeof claim === "string" && claim !== CLAIM_CANCELLED)
        await hub.cmd.publish(hub.keys.cancelChannel(claim), id);
    } catch {
      // Redis unreachable: the stall check or reconciliation settles the job's fate later.
    }
  }

  #resubmit(rec: Rec): boolean {
    if (rec.attempt >= this.#opts.retries) return false;
    this.#hub.unregister(rec.id);
    this.#recs.delete(rec.id);
    this.#unrelease(rec);
    rec.attempt++;
    rec.id = `${rec.base}-r${rec.attempt}`;
    rec.added = undefined;
    this.#recs.set(rec.id, rec);
    this.#waiting.putFront(rec);
    this.#kick();
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
    // A client's claim (this one's late cancel, or another's) kept the node from starting it.
    if (reason === NOT_STARTED_REASON) rec.fut.stop(notStartedError(id));
    else rec.fut.setException(failureOf(reason, errorJson, rec.chunk, this.#opts.resolveError));
  }

  stalled(id: string): void {
    const rec = this.#recs.get(id);
    if (!rec || rec.fut.done()) return;
    // The stalled job waits with a deferred failure for a live worker to fail it: remove it instead.
    this.#hub.queue.remove(id).catch(() => 0);
    if (this.#resubmit(rec)) return;
    rec.fut.setException(stalledError(id));
  }

  lost(id: string): void {
    const rec = this.#recs.get(id);
    if (!rec || rec.fut.done()) return;
    if (!this.#resubmit(rec)) rec.fut.setException(new JobLostError(id));
  }

  removed(id: string): void {
    const rec = this.#recs.get(id);
    if (!rec || rec.fut.done()) return;
    rec.fut.stop(removedError(id));
  }

  /** Stops every job that has not finished (PENDING: cancel; RUNNING: stop on its node). */
  cancelAll(error: Error): void {
    for (const fut of [...this.live]) {
      if (fut.state === "PENDING") fut.cancel();
      else this.stop(fut, error, true);
    }
  }
}
