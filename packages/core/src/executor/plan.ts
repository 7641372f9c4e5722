/**
 * The assignment policy, as pure functions of what the engine knows (DESIGN.md "Executors"):
 * while fewer than `maxWorkers` workers are busy, a task goes to a worker with a free place or to a
 * new worker, never into a busy worker's window; work is sent ahead (for throughput) only when the
 * pool cannot grow, no worker is starting, and every worker is busy.
 */

/** One worker as the policy sees it. */
export interface SlotView {
  /** Ready and not retiring: may take work. */
  open: boolean;
  /** Tasks sent and not answered yet. */
  inflight: number;
  /** Tasks sent ahead per unit of concurrency, adapted to task duration. */
  depth: number;
  /** Tasks it may still be given (maxTasksPerChild, free claim words). */
  room: number;
}

export interface PlanOptions {
  maxWorkers: number;
  /** Tasks one worker runs at once. */
  concurrency: number;
  /** Workers alive, starting ones included. */
  workers: number;
  /** Workers not ready yet. */
  starting: number;
}

/** How many of the `backlog` queued tasks go to which worker now: [index into slots, count][]. */
export function plan(slots: readonly SlotView[], backlog: number, options: PlanOptions): [number, number][] {
  const c = options.concurrency;
  const given = new Array<number>(slots.length).fill(0);
  let left = backlog;
  // Free places first: a task must not wait behind another while a worker could start it now.
  for (let i = 0; i < slots.length && left > 0; i++) {
    const s = slots[i] as SlotView;
    if (!s.open) continue;
    const n = Math.min(c - s.inflight, s.room, left);
    if (n > 0) {
      given[i] = n;
      left -= n;
    }
  }
  const canGrow = options.workers < options.maxWorkers;
  if (left > 0 && !canGrow && options.starting === 0) sendAhead(slots, given, left, c);
  const out: [number, number][] = [];
  for (let i = 0; i < given.length; i++) if ((given[i] as number) > 0) out.push([i, given[i] as number]);
  return out;
}

/**
 * Every worker is busy: fill windows in equal shares, each at most its adapted depth, so that a
 * window sized for tiny tasks does not swallow the whole queue. With at least two tasks per worker
 * waiting, every worker stays busy anyway: keep one more queued inside each so none idles for a
 * round trip between long tasks (bulk map chunks).
 */
function sendAhead(slots: readonly SlotView[], given: number[], backlog: number, c: number): void {
  const open = slots.filter((s) => s.open).length;
  if (open === 0) return;
  let left = backlog;
  const depthFloor = backlog >= 2 * open ? 2 : 1;
  for (let round = 0; round < 2 && left > 0; round++) {
    const share = round === 0 ? Math.ceil(backlog / open) : Number.MAX_SAFE_INTEGER;
    for (let i = 0; i < slots.length && left > 0; i++) {
      const s = slots[i] as SlotView;
      if (!s.open) continue;
      const had = given[i] as number;
      const window = Math.max(s.depth, depthFloor) * c - s.inflight - had;
      const n = Math.min(share, window, s.room - had, left);
      if (n > 0) {
        given[i] = had + n;
        left -= n;
      }
    }
  }
}

/** Workers to start for `waiting` tasks no worker took (each new worker takes `concurrency`). */
export function workersToStart(waiting: number, options: PlanOptions): number {
  const wanted = Math.ceil(waiting / options.concurrency) - options.starting;
  return Math.max(0, Math.min(options.maxWorkers - options.workers, wanted));
}
