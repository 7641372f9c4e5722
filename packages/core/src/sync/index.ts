/** Synchronization and shared state across threads and processes (Python's multiprocessing primitives). */
/** `const b = new Barrier(3); const i = b.wait();` */
export { Barrier, type BarrierOptions } from "./barrier.ts";
/** `using _ = cond.hold(); cond.waitFor(() => ready)` */
export { Condition } from "./condition.ts";
/** Empty, Full, BrokenBarrierError, LockNotHeldError, ... */
export {
  BrokenBarrierError,
  Empty,
  Full,
  LockNotHeldError,
  LockOwnerDiedError,
  SemaphoreOverReleaseError,
  SyncClosedError,
} from "./errors.ts";
/** `const ev = new Event(); ev.set(); await ev.waitAsync(100)` */
export { Event } from "./event.ts";
/** Worker side of the crossing: `reviveHandles(args)`; parent side: `containsHandles(args)`. */
export { containsHandles, reviveHandles } from "./handle.ts";
/** `q.put(job); q.get(); q.taskDone(); await q.joinAsync()` */
export { JoinableQueue, SimpleQueue } from "./joinable-queue.ts";
/** `using _ = lock.hold(); ...` */
export { type AcquireOptions, type Held, Lock, RLock } from "./lock.ts";
/** `q.put(x); const y = q.get({ timeout: 100 })` */
export { type PutOptions, Queue, type QueueOptions } from "./queue.ts";
/** `const sem = new BoundedSemaphore(2)` */
export { BoundedSemaphore, Semaphore } from "./semaphore.ts";
/** `const a = new SharedArray("f64", 8); a.array[0] = 1` */
export { SharedArray } from "./shared-array.ts";
/** `await using shm = new SharedMemory({ size: 1024 })` */
export { SharedMemory, type SharedMemoryOptions } from "./shared-memory.ts";
export type { InitOf, NumericType, TypeCode, ValueOf } from "./types.ts";
/** `const v = new Value("i32", 0); v.value = 5` */
export { Value } from "./value.ts";
