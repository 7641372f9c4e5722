/**
 * Non-blocking waits on shared-memory words for a thread that must keep its event loop running (the main
 * thread). Futex words in Bun.mmap memory cannot use Atomics.waitAsync, so a helper thread sleeps in
 * futex_waitv(2) on up to 127 words at once plus a control word, and posts back which fired. No polling:
 * the helper sleeps in the kernel until a word changes. Requests travel through a SharedArrayBuffer (the
 * helper is inside a system call, not in its event loop).
 */
import { addressOf, futexWake } from "./ffi.ts";

/** Slot states shared with the helper. */
export const FREE = 0;
export const PENDING = 1;
export const FIRED = 2;
export const SLOTS = 127;
/** Int32 words: [0] control sequence, [1] unused, then (state, expected) per slot; then f64 addresses. */
export const CTL_WORDS = 2 + SLOTS * 2;

const HELPER = new URL("./async-waiter-worker.ts", import.meta.url);

class Helper {
  readonly sab = new SharedArrayBuffer(CTL_WORDS * 4 + SLOTS * 8);
  readonly i32 = new Int32Array(this.sab, 0, CTL_WORDS);
  readonly addrs = new Float64Array(this.sab, CTL_WORDS * 4, SLOTS);
  readonly ctlAddr = addressOf(this.i32);
  readonly worker = new Worker(HELPER);
  readonly waiting = new Map<number, (err?: Error) => void>();
  #fatal: Error | undefined;
  #free: number[] = [];

  constructor() {
    for (let i = SLOTS - 1; i >= 0; i--) this.#free.push(i);
    this.worker.unref();
    this.worker.onmessage = (e: MessageEvent<number[] | { fatal: number }>) => {
      if (!Array.isArray(e.data)) {
        this.#fail(e.data.fatal);
        return;
      }
      for (const slot of e.data) {
        if (Atomics.compareExchange(this.i32, 2 + slot * 2, FIRED, FREE) !== FIRED) continue;
        this.#settle(slot);
      }
    };
    this.worker.postMessage(this.sab);
  }

  get hasRoom(): boolean {
    return this.#free.length > 0;
  }

  wait(addr: number, expected: number, timeoutMs: number | undefined): Promise<void> {
    if (this.#fatal) return Promise.reject(this.#fatal);
    const slot = this.#free.pop() as number;
    this.addrs[slot] = addr;
    Atomics.store(this.i32, 3 + slot * 2, expected);
    Atomics.store(this.i32, 2 + slot * 2, PENDING);
    this.#poke();
    if (this.waiting.size === 0) this.worker.ref();
    return new Promise<void>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => {
          // Taken back before the helper fired it: free now, and let the helper drop it from its set.
          if (Atomics.compareExchange(this.i32, 2 + slot * 2, PENDING, FREE) === PENDING) {
            this.#settle(slot);
            this.#poke();
          }
        }, timeoutMs);
      }
      this.waiting.set(slot, (err) => {
        if (timer !== undefined) clearTimeout(timer);
        if (err) reject(err);
        else resolve();
      });
    });
  }

  #settle(slot: number, err?: Error): void {
    const done = this.waiting.get(slot);
    this.waiting.delete(slot);
    this.#free.push(slot);
    if (this.waiting.size === 0) this.worker.unref();
    done?.(err);
  }

  /** The helper cannot wait (futex_waitv missing or refusing): every async wait fails with this, none hangs. */
  #fail(errno: number): void {
    this.#fatal = new Error(
      `conc sync: the async waiter's futex_waitv(2) failed (errno ${errno}${errno === 38 ? ": needs Linux >= 5.16" : ""}); *Async waits cannot work here. Use the blocking forms inside workers.`,
    );
    for (const slot of [...this.waiting.keys()]) this.#settle(slot, this.#fatal);
  }

  #poke(): void {
    Atomics.add(this.i32, 0, 1);
    futexWake(this.ctlAddr, 1);
  }
}

const helpers: Helper[] = [];

/** Resolves once the word at `addr` may differ from `expected` (or after `timeoutMs`); callers re-check. */
export function waitAsyncOn(addr: number, expected: number, timeoutMs: number | undefined): Promise<void> {
  let helper = helpers.find((h) => h.hasRoom);
  if (!helper) {
    helper = new Helper();
    helpers.push(helper);
  }
  return helper.wait(addr, expected, timeoutMs);
}
