/**
 * `reportProgress(value)`: the task side of progress (DESIGN.md "Progress"). The worker runtime
 * routes a value to the task that is running and coalesces it (latest wins); outside any task,
 * and in one-shot Process/Thread/spawn targets (no future to report to), it does nothing.
 */
type Sink = (value: unknown) => void;

let sink: Sink | undefined;

/** @internal where reported values go: set by the worker runtime while it runs tasks. */
export function setProgressSink(next: Sink | undefined): void {
  sink = next;
}

/**
 * Inside a task: report how far it got (a JSON-able value); the caller sees it as `fut.progress`
 * and `fut.onProgress(cb)`. Cheap enough to call in a hot loop: values are coalesced.
 * @example for (let i = 0; i < n; i++) { step(i); reportProgress({ done: i + 1, total: n }); }
 */
export function reportProgress(value: unknown): void {
  sink?.(value);
}

/** Progress values travel at most this often per worker (besides riding along with results). */
export const PROGRESS_EVERY_MS = 25;

/**
 * The worker's coalescing buffer: the latest value per task, sent at a bounded rate. Built for a
 * task that reports in a hot loop: the reporting task's value sits in one field (no map), and the
 * clock is read only every `countdown` calls, a number that grows while calls come fast.
 */
export class ProgressBuffer {
  /** The task that reported last, and its latest value. */
  #seq = -1;
  #value: unknown;
  /** Latest values of other tasks (concurrency > 1). */
  readonly #others = new Map<number, unknown>();
  #last = 0;
  #countdown = 1;
  #stride = 1;
  #checked = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly flush: () => void) {}

  get size(): number {
    return this.#others.size + (this.#seq >= 0 ? 1 : 0);
  }

  /** Keeps `value` as the latest of task `seq`; flushes now, or schedules a flush, at the bounded rate. */
  put(seq: number, value: unknown): void {
    if (seq !== this.#seq) {
      if (this.#seq >= 0) this.#others.set(this.#seq, this.#value);
      this.#others.delete(seq);
      this.#seq = seq;
    }
    this.#value = value;
    if (--this.#countdown > 0) return;
    const now = performance.now();
    // Calls closer than 1 ms apart: read the clock half as often next time (at most every 1024 calls).
    this.#stride = now - this.#checked < 1 ? Math.min(1024, this.#stride * 2) : 1;
    this.#countdown = this.#stride;
    this.#checked = now;
    const since = now - this.#last;
    // A synchronous task never lets a timer fire: it flushes from here once the interval passed.
    if (since >= PROGRESS_EVERY_MS) this.flush();
    else
      this.#timer ??= setTimeout(() => {
        this.#timer = undefined;
        this.flush();
      }, PROGRESS_EVERY_MS - since);
  }

  /** The pending values, flattened (seq, value, ...), and a fresh interval. */
  take(): unknown[] {
    const out: unknown[] = [];
    for (const [seq, value] of this.#others) out.push(seq, value);
    if (this.#seq >= 0) out.push(this.#seq, this.#value);
    this.#others.clear();
    this.#seq = -1;
    this.#value = undefined;
    this.#last = performance.now();
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    return out;
  }
}
