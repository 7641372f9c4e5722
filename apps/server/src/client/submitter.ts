/**
 * RemoteExecutor's send queue. Submits of one tick travel as one batch (submitStream: the
 * admission, then each outcome on the same response). A future turns RUNNING as its call is sent
 * (RemoteFuture). Work the server refuses for lack of room waits here (cancellable again) and is resent — as this client's tasks end, or after `retryAfterMs` — one
 * batch at a time while the pool is full (backpressure). Every call carries an id chosen here, so
 * a resend after a lost connection or a refusal is the same task on the server, never a second one.
 */
import type { Admitted, DoneView, StreamEvent, WireCall } from "../wire.ts";
import { serverAnswered } from "./errors.ts";
import type { RemoteFuture } from "./remote-future.ts";

export interface Pending {
  call: WireCall & { id: string };
  fut: RemoteFuture<unknown>;
}

export interface SubmitterHooks {
  maxBatch: number;
  connectionTimeoutMs: number;
  /** One submitStream call. */
  stream(calls: WireCall[]): Promise<AsyncIterable<StreamEvent>>;
  /** The server accepted this task (its future may already be cancelled here). */
  accepted(p: Pending): void;
  settle(p: Pending, view: DoneView): void;
  /** Follow these accepted tasks elsewhere (the stream ended before their outcomes). */
  follow(rest: Pending[]): void;
  /** Fail these futures (refused for good, or the server stayed unreachable). */
  fail(ps: Pending[], error: unknown): void;
}

/** Why a lost connection retries: the server may have accepted the batch, and ids make resends safe. */
const RESEND_AFTER_LOSS_MS = 200;

export class Submitter {
  #backlog: Pending[] = [];
  #scheduled = false;
  /** The pool said "full": send one batch at a time until a batch fits whole. */
  #full = false;
  #inFlight = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #lostSince: number | undefined;

  constructor(private readonly hooks: SubmitterHooks) {}

  /** Work not yet accepted by the server. */
  get waiting(): number {
    return this.#backlog.length;
  }

  push(p: Pending): void {
    this.#backlog.push(p);
    this.#kick();
  }

  /** Room may have freed (one of this client's tasks ended). */
  roomFreed(): void {
    if (this.#full && this.#backlog.length > 0) this.#kick();
  }

  close(): void {
    clearTimeout(this.#timer);
  }

  #kick(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => this.#flush());
  }

  #later(ms: number): void {
    if (this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#flush();
    }, ms);
  }

  #flush(): void {
    this.#scheduled = false;
    while (this.#backlog.length > 0 && (!this.#full || this.#inFlight === 0)) {
      const batch: Pending[] = [];
      while (batch.length < this.hooks.maxBatch && this.#backlog.length > 0) {
        const p = this.#backlog.shift() as Pending;
        if (p.fut.markSent()) batch.push(p);
      }
      if (batch.length === 0) return;
      void this.#send(batch);
    }
  }

  /** Refused work goes back to the front, in order. */
  #requeue(ps: Pending[], afterMs: number): void {
    this.#backlog.unshift(...ps.filter((p) => !p.fut.done()));
    this.#later(afterMs);
  }

  async #send(batch: Pending[]): Promise<void> {
    this.#inFlight++;
    const byId = new Map<string, Pending>();
    let admitted = false;
    try {
      const stream = await this.hooks.stream(batch.map((p) => p.call));
      for await (const event of stream) {
        if (event.type === "admitted") {
          admitted = true;
          this.#inFlight--;
          this.#lostSince = undefined;
          this.#admitted(batch, event, byId);
        } else if (event.type === "progress") {
          for (const [id, value] of event.updates) byId.get(id)?.fut.setProgress(value);
        } else {
          for (const view of event.views) {
            const p = byId.get(view.id);
            byId.delete(view.id);
            if (p) this.hooks.settle(p, view);
          }
        }
      }
    } catch (err) {
      if (!admitted) {
        this.#inFlight--;
        this.#refused(batch, err);
        return;
      }
    }
    const rest = [...byId.values()].filter((p) => !p.fut.done());
    if (rest.length > 0) this.hooks.follow(rest);
  }

  #admitted(batch: Pending[], event: Admitted, byId: Map<string, Pending>): void {
    const refused: Pending[] = [];
    event.ids.forEach((id, i) => {
      const p = batch[i] as Pending;
      if (id === null) {
        p.fut.markRefused();
        refused.push(p);
      } else {
        byId.set(id, p);
        this.hooks.accepted(p);
      }
    });
    this.#full = refused.length > 0;
    if (refused.length > 0) this.#requeue(refused, event.retryAfterMs ?? 50);
    else if (this.#backlog.length > 0) this.#kick();
  }

  #refused(batch: Pending[], err: unknown): void {
    const data = (err as { data?: { code?: string; retryAfterMs?: number } }).data;
    if (data?.code === "TOO_MANY_REQUESTS") {
      for (const p of batch) p.fut.markRefused();
      this.#full = true;
      this.#requeue(batch, data.retryAfterMs ?? 50);
      return;
    }
    if (!serverAnswered(err)) {
      // Lost before the admission arrived: resend (same ids) until the connection timeout.
      this.#lostSince ??= performance.now();
      if (performance.now() - this.#lostSince < this.hooks.connectionTimeoutMs) {
        this.#requeue(batch, RESEND_AFTER_LOSS_MS);
        return;
      }
    }
    // Refused for good (bad task name, auth, draining) or unreachable too long.
    this.hooks.fail(batch, err);
  }
}
