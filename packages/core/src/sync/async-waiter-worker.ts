/**
 * The helper thread of async-waiter.ts: sleeps in futex_waitv on the control word and every pending word,
 * then reports the slots whose word changed (or woke). Never returns to its event loop after start.
 */
import { read } from "bun:ffi";
import { CTL_WORDS, FIRED, PENDING, SLOTS } from "./async-waiter.ts";
import { addressOf, futexWaitv, lastErrno } from "./ffi.ts";

declare const self: {
  onmessage: ((e: MessageEvent<SharedArrayBuffer>) => void) | null;
  postMessage(m: unknown): void;
};

/** FUTEX2_SIZE_U32: a 32-bit word, shared between processes (no FUTEX2_PRIVATE). */
const FUTEX2_SIZE_U32 = 2n;
const EINTR = 4;
const EAGAIN = 11;

function serve(sab: SharedArrayBuffer): void {
  const i32 = new Int32Array(sab, 0, CTL_WORDS);
  const addrs = new Float64Array(sab, CTL_WORDS * 4, SLOTS);
  const vec = new BigUint64Array(3 * (SLOTS + 1));
  const slotOf = new Int32Array(SLOTS + 1);
  const ctlAddr = BigInt(addressOf(i32));
  for (;;) {
    const seq = Atomics.load(i32, 0);
    vec[0] = BigInt.asUintN(32, BigInt(seq));
    vec[1] = ctlAddr;
    vec[2] = FUTEX2_SIZE_U32;
    let n = 1;
    for (let s = 0; s < SLOTS; s++) {
      if (Atomics.load(i32, 2 + s * 2) !== PENDING) continue;
      vec[3 * n] = BigInt.asUintN(32, BigInt(Atomics.load(i32, 3 + s * 2)));
      vec[3 * n + 1] = BigInt(addrs[s] as number);
      vec[3 * n + 2] = FUTEX2_SIZE_U32;
      slotOf[n] = s;
      n++;
    }
    const woken = futexWaitv(vec, n);
    if (woken < 0) {
      const errno = lastErrno();
      // EAGAIN (a value changed) and EINTR are the normal ways out; anything else would repeat forever.
      if (errno !== EAGAIN && errno !== EINTR) {
        self.postMessage({ fatal: errno });
        return;
      }
    }
    const fired: number[] = [];
    for (let k = 1; k < n; k++) {
      const s = slotOf[k] as number;
      const changed = read.i32(addrs[s] as number, 0) !== Atomics.load(i32, 3 + s * 2);
      if ((k === woken || changed) && Atomics.compareExchange(i32, 2 + s * 2, PENDING, FIRED) === PENDING)
        fired.push(s);
    }
    if (fired.length > 0) self.postMessage(fired);
  }
}

self.onmessage = (e) => serve(e.data);
