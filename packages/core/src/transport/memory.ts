/**
 * An in-memory transport: each "worker" is the real worker runtime (entry/runtime.ts) running in
 * this thread, behind the same protocol; messages are structured-cloned as postMessage would.
 * Delivery is manual unless `auto` is set, so a test decides the interleaving — what a worker has
 * received, what the parent has heard, when a worker dies — and engine behaviour (cancel racing a
 * start, a crash mid-chunk, a deadline while sent ahead) gets fast, deterministic tests.
 *
 * A dead in-memory worker cannot stop a task already running in this thread: its later results are
 * dropped, as a killed worker's would be.
 */
import { WorkerRuntime } from "../entry/runtime.ts";
import { type ClaimBoard, sharedClaims } from "./claims.ts";
import type { ParentMessage, WorkerMessage } from "./protocol.ts";
import type { Transport, WorkerEvents, WorkerHandle } from "./transport.ts";

type ToParent = { msg: WorkerMessage } | { exit: [code: number | null, signal: string | null] };

export class MemoryWorker implements WorkerHandle {
  readonly pid = undefined;
  readonly claims: ClaimBoard;
  readonly runtime: WorkerRuntime;
  /** Parent → worker messages not delivered yet. */
  readonly toWorker: ParentMessage[] = [];
  /** Worker → parent messages (and finally the exit) not delivered yet. */
  readonly toParent: ToParent[] = [];
  alive = true;
  /** True while the program would be kept alive by this worker (ref/unref). */
  referenced = true;
  /** Ended by the engine (kill), not by the test. */
  killed = false;
  readonly #events: WorkerEvents;
  readonly #net: MemoryNetwork;

  constructor(events: WorkerEvents, slots: number, net: MemoryNetwork) {
    this.#events = events;
    this.#net = net;
    this.claims = sharedClaims(slots);
    this.runtime = new WorkerRuntime((msg) => {
      if (!this.alive) return;
      this.toParent.push({ msg: structuredClone(msg) });
      net.poke();
    });
  }

  send(msg: ParentMessage): void {
    if (!this.alive) return;
    this.toWorker.push(structuredClone(msg));
    this.#net.poke();
  }

  ref(): void {
    this.referenced = true;
  }

  unref(): void {
    this.referenced = false;
  }

  kill(): void {
    this.killed = true;
    this.crash(null, "SIGKILL");
  }

  /** The worker dies now; its exit reaches the parent after what it had already sent. */
  crash(exitCode: number | null, signal: string | null): void {
    if (!this.alive) return;
    this.alive = false;
    this.toWorker.length = 0;
    this.toParent.push({ exit: [exitCode, signal] });
    this.#net.poke();
  }

  /** Hands the worker what the parent sent; resolves once it has handled it (start-up included). */
  async deliverToWorker(): Promise<void> {
    while (this.alive && this.toWorker.length > 0) {
      const msg = this.toWorker.shift() as ParentMessage;
      await this.runtime.handle(msg);
    }
  }

  /** Hands the parent what the worker sent. */
  deliverToParent(): void {
    while (this.toParent.length > 0) {
      const item = this.toParent.shift() as ToParent;
      if ("msg" in item) this.#events.onMessage(item.msg);
      else this.#events.onExit(...item.exit);
    }
  }

  get quiet(): boolean {
    return this.toWorker.length === 0 && this.toParent.length === 0;
  }
}

export class MemoryNetwork {
  readonly workers: MemoryWorker[] = [];
  #auto: boolean;
  #scheduled = false;

  /** `auto`: deliver by itself on the next turn, like a real transport. */
  constructor(options: { auto?: boolean } = {}) {
    this.#auto = options.auto ?? false;
  }

  readonly transport: Transport = (events, slots) => {
    const w = new MemoryWorker(events, slots, this);
    this.workers.push(w);
    return w;
  };

  /** Workers not dead. */
  get alive(): MemoryWorker[] {
    return this.workers.filter((w) => w.alive);
  }

  /** Delivers everything in both directions, and what that causes, until nothing moves. */
  async settle(): Promise<void> {
    for (let round = 0; round < 10_000; round++) {
      await flushMicrotasks();
      const busy = this.workers.filter((w) => !w.quiet);
      if (busy.length === 0) return;
      for (const w of busy) {
        await w.deliverToWorker();
        w.deliverToParent();
      }
    }
    throw new Error("MemoryNetwork.settle: messages kept flowing for 10,000 rounds.");
  }

  /** @internal a message was queued. */
  poke(): void {
    if (!this.#auto || this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      void this.settle();
    });
  }
}

/** Lets queued microtasks (the engine's dispatch, promise callbacks) run. */
export async function flushMicrotasks(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}
