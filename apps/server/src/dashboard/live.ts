/**
 * One ticker per dashboard: every `tickMs` it samples the pools (throughput chart), notes whether any
 * task changed, and pushes one message to every open event stream. Nothing runs per task.
 */
import type { DashboardSource, PoolStats } from "./source.ts";
import { Throughput, type ThroughputPoint } from "./throughput.ts";

export interface Tick {
  pools: PoolStats[];
  points: Record<string, ThroughputPoint>;
  /** A task was submitted, started, reported progress or ended since the last tick. */
  changed: boolean;
}

export class Live {
  readonly throughput = new Throughput();
  readonly #clients = new Set<(tick: Tick) => void>();
  readonly #timer: ReturnType<typeof setInterval>;
  readonly #unsubscribe: () => void;
  #dirty = true;
  /** Queued and running per pool, and the retained count, at the last tick: a task starting or a record
   * expiring changes them but sends no event. */
  #shape = "";

  constructor(
    readonly source: DashboardSource,
    tickMs: number,
  ) {
    this.#unsubscribe = source.subscribe(() => {
      this.#dirty = true;
    });
    this.throughput.sample(source.pools(), Date.now());
    this.#timer = setInterval(() => this.#tick(), tickMs);
    this.#timer.unref();
  }

  /** Calls `send` on every tick until the returned function is called. */
  listen(send: (tick: Tick) => void): () => void {
    this.#clients.add(send);
    return () => this.#clients.delete(send);
  }

  get listeners(): number {
    return this.#clients.size;
  }

  close(): void {
    clearInterval(this.#timer);
    this.#unsubscribe();
    this.#clients.clear();
  }

  #tick(): void {
    let pools: PoolStats[];
    try {
      pools = this.source.pools();
    } catch {
      return; // a source failing once must not end the ticker
    }
    const points = this.throughput.sample(pools, Date.now());
    const shape = `${pools.map((p) => `${p.queued}/${p.running}`).join(",")};${this.source.size?.() ?? ""}`;
    const tick = { pools, points, changed: this.#dirty || shape !== this.#shape };
    this.#shape = shape;
    this.#dirty = false;
    for (const send of this.#clients) send(tick);
  }
}

/**
 * Feeds ticks to a slow writer without queueing them: while a write is in flight, later ticks merge into
 * one (latest pools, latest point per pool, changed if any was), so a stalled client costs one tick of memory.
 */
export function latestWins(
  write: (tick: Tick) => Promise<void>,
  onError: (err: unknown) => void,
): (tick: Tick) => void {
  let writing = false;
  let pending: Tick | undefined;
  const drain = async (first: Tick) => {
    writing = true;
    try {
      for (let t: Tick | undefined = first; t; t = pending) {
        pending = undefined;
        await write(t);
      }
    } catch (err) {
      onError(err);
    } finally {
      writing = false;
    }
  };
  return (tick) => {
    if (!writing) {
      void drain(tick);
      return;
    }
    pending = pending
      ? {
          pools: tick.pools,
          points: { ...pending.points, ...tick.points },
          changed: pending.changed || tick.changed,
        }
      : tick;
  };
}
