/**
 * After a burst, hand memory back: once no task has been held for IDLE_MS and at least
 * MIN_FINISHED tasks ended since the last time, run one full garbage collection. A burst of tiny
 * tasks leaves tens of megabytes of garbage that JavaScriptCore otherwise keeps resident until
 * the next allocation-driven collection; on an idle server that may be never.
 */

export const IDLE_MS = 1_000;
export const MIN_FINISHED = 10_000;

export class IdleGc {
  #finished = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    /** True while some task or map holds a slot. */
    private readonly busy: () => boolean,
    private readonly collect: () => void = () => Bun.gc(true),
    private readonly idleMs = IDLE_MS,
    private readonly minFinished = MIN_FINISHED,
  ) {}

  /** A task ended; `busy()` tells whether others are still held. */
  finished(): void {
    this.#finished++;
    if (this.#finished < this.minFinished || this.#timer !== undefined || this.busy()) return;
    this.#timer = setTimeout(() => this.#fire(), this.idleMs);
    this.#timer.unref?.();
  }

  close(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #fire(): void {
    this.#timer = undefined;
    // Work came back meanwhile: try again when it ends.
    if (this.busy()) return;
    this.#finished = 0;
    this.collect();
  }
}
