/**
 * The jobs a client holds back until the nodes have room (Python's call-queue rule), and how much
 * room that is. Pure policy and a plain queue: no Redis here.
 */

/** What the live nodes can do at once (see NodeWatch.capacity). */
export interface NodeCapacity {
  /** Tasks running at once: the sum of the nodes' pool sizes (maxWorkers). */
  workers: number;
  /** Jobs taken from Redis at once: the sum of the nodes' BullMQ concurrency. */
  slots: number;
}

/** A backlog this many times the nodes' workers, and at least DEEP_MIN jobs, is bulk work (see windowFor). */
export const DEEP_BACKLOG = 8;
export const DEEP_MIN = 64;

/** Whether `waiting` jobs make a deep backlog for these nodes. */
export function isDeep(nodes: NodeCapacity, waiting: number): boolean {
  return waiting >= DEEP_MIN && waiting >= DEEP_BACKLOG * nodes.workers;
}

/**
 * How many of this client's jobs may be out (sent, not ended) at once; Infinity while no live node is
 * known (everything is sent and waits in Redis for one). Normally one per pool worker on the nodes: a
 * job is sent only when a worker is free to start it, so what waits behind busy workers stays here and
 * cancel() of it is true — a node's BullMQ concurrency beyond its pool would otherwise take jobs that
 * then wait in the node's pool, out of the client's reach. For bulk work (`deep`: the backlog was deep
 * and has not emptied since) the nodes' BullMQ slots twice over, so a node finishing a job finds the
 * next one at once (BullMQ hands it over in the same call) instead of idling through a round trip to
 * this client — Python's call queue holds one extra call for the same reason. Measured on 4 nodes × 50
 * slots, 1 worker each: 0.62× raw BullMQ throughput and 0.8M map items/s with one job per worker,
 * 0.75× and 1.3M with the slots twice over.
 */
export function windowFor(nodes: NodeCapacity, deep: boolean): number {
  if (nodes.workers <= 0) return Number.POSITIVE_INFINITY;
  return deep ? 2 * Math.max(nodes.slots, nodes.workers) : nodes.workers;
}

/** Jobs waiting in the client, oldest first: O(1) push and take, and a put-back at the front. */
export class WaitingJobs<T extends { fut: { done(): boolean } }> {
  #items: T[] = [];
  #head = 0;

  /** Jobs held (some may be done already: take() skips them). */
  get length(): number {
    return this.#items.length - this.#head;
  }

  push(job: T): void {
    this.#items.push(job);
  }

  /** First in line again (a re-run: it was sent before everything still waiting). */
  putFront(job: T): void {
    this.#items.splice(this.#head, 0, job);
  }

  /** Up to `n` jobs whose futures are not done, oldest first. */
  take(n: number): T[] {
    const out: T[] = [];
    while (out.length < n && this.#head < this.#items.length) {
      const job = this.#items[this.#head++] as T;
      if (!job.fut.done()) out.push(job);
    }
    if (this.#head === this.#items.length) {
      this.#items = [];
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return out;
  }
}
