/**
 * The few Linux system calls the sync primitives need, through bun:ffi: futex wait/wake on a 32-bit word of
 * shared memory, futex_waitv (one helper thread waits on many words), the caller's thread id, and a liveness
 * probe. Bun.mmap memory cannot use Atomics.wait/notify (they need a SharedArrayBuffer, see BUN-NOTES.md
 * "Shared memory"), and futexes work the same between threads and between processes.
 */
import { dlopen, FFIType, ptr, read } from "bun:ffi";

const SYS_KILL = 62;
const SYS_GETTID = 186;
const SYS_FUTEX = 202;
const SYS_FUTEX_WAITV = 449;
const FUTEX_WAIT = 0;
const FUTEX_WAKE = 1;
const ESRCH = 3;

if (process.platform !== "linux" || process.arch !== "x64") {
  throw new Error(
    `conc sync primitives need Linux on x86-64 (futex syscalls); this is ${process.platform}/${process.arch}.`,
  );
}

const libc = dlopen("libc.so.6", {
  // syscall(2) is variadic; on x86-64 integer arguments travel in the same registers either way.
  syscall: {
    args: [FFIType.i64, FFIType.i64, FFIType.i64, FFIType.i64, FFIType.i64, FFIType.i64],
    returns: FFIType.i32,
  },
  __errno_location: { args: [], returns: FFIType.ptr },
});
const sys = libc.symbols.syscall;
const errnoPtr = libc.symbols.__errno_location;

/** Thread id of the calling thread (the pid on a process's main thread): the owner mark of a held lock. */
export const TID: number = sys(SYS_GETTID, 0, 0, 0, 0, 0);

const timespec = new BigInt64Array(2);
const timespecAddr = ptr(timespec);

/** Address of a typed array's first byte (stable: shared memory never moves). */
export function addressOf(view: Uint8Array | Int32Array): number {
  return ptr(view);
}

/**
 * Sleeps while the word at `addr` equals `expected`, at most `timeoutMs` (undefined = forever). Returns on a
 * wake, a timeout, a signal or a changed value alike: callers re-check their condition.
 */
export function futexWait(addr: number, expected: number, timeoutMs?: number): void {
  let ts = 0;
  if (timeoutMs !== undefined) {
    if (timeoutMs <= 0) return;
    const ns = BigInt(Math.ceil(timeoutMs * 1e6));
    timespec[0] = ns / 1_000_000_000n;
    timespec[1] = ns % 1_000_000_000n;
    ts = timespecAddr;
  }
  // Not FUTEX_PRIVATE_FLAG: the word may be mapped by other processes.
  sys(SYS_FUTEX, addr, FUTEX_WAIT, expected, ts, 0);
}

/** Wakes up to `count` sleepers on the word at `addr`; returns how many woke. */
export function futexWake(addr: number, count: number): number {
  return sys(SYS_FUTEX, addr, FUTEX_WAKE, count, 0, 0);
}

/**
 * futex_waitv(2) on `n` entries of `vec` (struct futex_waitv: u64 val, u64 uaddr, u32 flags, u32 reserved),
 * no timeout. Returns the index of a woken entry, or -1 when a value did not match (or a signal came).
 */
export function futexWaitv(vec: BigUint64Array, n: number): number {
  return sys(SYS_FUTEX_WAITV, ptr(vec), n, 0, 0, 0);
}

/** errno of the last failed call on this thread. */
export function lastErrno(): number {
  const p = errnoPtr();
  return p === null ? 0 : read.i32(p, 0);
}

/** False only when no thread or process with this id exists any more (it died holding something). */
export function isAlive(tid: number): boolean {
  if (sys(SYS_KILL, tid, 0, 0, 0, 0) === 0) return true;
  const errno = errnoPtr();
  return errno === null || read.i32(errno, 0) !== ESRCH;
}
