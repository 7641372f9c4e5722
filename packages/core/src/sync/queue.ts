/**
 * Queue, JoinableQueue and SimpleQueue: a ring of length-prefixed records in a shared segment, guarded by a
 * futex mutex; getters sleep on a "not empty" word, putters on a "not full" one. A put() that returned is
 * visible to every party at once (no feeder thread). `maxsize` bounds items; `capacityBytes` bounds the ring,
 * so even an unbounded queue applies backpressure once that many bytes wait.
 */
import { ArgumentRangeError, ArgumentTypeError } from "../errors.ts";
import { Empty, Full } from "./errors.ts";
import { futexWake } from "./ffi.ts";
import { Revive, registerKind } from "./handle.ts";
import { decodeAt, decodeItem, encodeItem, scratchBytes } from "./item-codec.ts";
import { lockOp, tryLock, unlock } from "./mutex.ts";
import { SyncPrimitive } from "./primitive.ts";
import { createSegment, releaseSegment } from "./segment.ts";
import { deadlineOf, type Op, runAsync, runSync } from "./wait.ts";

// Header words.
const MUTEX = 0;
const COUNT = 1;
const HEAD = 2;
const TAIL = 3;
const USED = 4;
const NOT_EMPTY = 5;
const NOT_FULL = 6;
const GET_SLEEPERS = 7;
const PUT_SLEEPERS = 8;
/** Items put and not yet marked done (JoinableQueue), and sleepers in join(). */
export const UNFINISHED = 9;
export const JOIN_SLEEPERS = 10;
const HEADER = 64;
const SPINS = 200;

export interface QueueOptions {
  /** Most items at once (0 = no item limit). */
  maxsize?: number;
  /** Bytes of the shared ring (default 1 MiB); an item must fit in it. */
  capacityBytes?: number;
}

export interface PutOptions {
  block?: boolean | undefined;
  timeout?: number | undefined;
}

interface QueueExtra {
  maxsize: number;
  cap: number;
}

function putGetDeadline(o: PutOptions | undefined): number {
  if (o === undefined) return Infinity;
  if (o.block === false) return 0;
  return deadlineOf(o.timeout);
}

function validateSize(v: unknown, what: string, min: number): number {
  if (typeof v !== "number" || !Number.isInteger(v))
    throw new ArgumentTypeError(`${what} must be an integer, got ${String(v)}.`, what);
  if (v < min) throw new ArgumentRangeError(`${what} must be >= ${min}, got ${v}.`, what);
  return v;
}

/**
 * `multiprocessing.Queue`: put(item, { block, timeout }) / get({ block, timeout }) → item or Empty.
 * @example const q = new Queue<number>(); ex.submit(producer, q); const x = await q.getAsync();
 */
export class Queue<T = unknown> extends SyncPrimitive {
  readonly #i32: Int32Array;
  readonly #ring: Uint8Array;
  readonly #view: DataView;
  readonly #base: number;
  readonly #cap: number;
  readonly #maxsize: number;

  constructor(options?: QueueOptions | Revive) {
    const revive = options instanceof Revive ? options : undefined;
    let extra: QueueExtra;
    if (revive) extra = revive.handle.x as QueueExtra;
    else {
      const o = (options as QueueOptions | undefined) ?? {};
      if (typeof o !== "object")
        throw new ArgumentTypeError("new Queue(options?) takes { maxsize?, capacityBytes? }.");
      extra = {
        maxsize: validateSize(o.maxsize ?? 0, "maxsize", 0),
        cap: validateSize(o.capacityBytes ?? 1 << 20, "capacityBytes", 64),
      };
    }
    super(
      new.target.name,
      revive,
      extra,
      revive ? undefined : { seg: createSegment(HEADER + extra.cap), offset: 0 },
    );
    const seg = this.place.seg;
    this.#i32 = seg.i32;
    this.#ring = seg.u8.subarray(HEADER, HEADER + extra.cap);
    this.#view = new DataView(this.#ring.buffer, this.#ring.byteOffset, extra.cap);
    this.#base = seg.addr;
    this.#cap = extra.cap;
    this.#maxsize = extra.maxsize;
  }

  get maxsize(): number {
    return this.#maxsize;
  }

  /** Puts `item`; blocks while full (Full after `timeout`, or at once with `block: false`). */
  put(item: T, options?: PutOptions): void {
    this.ensureOpen();
    const deadline = putGetDeadline(options);
    const n = this.#encode(item);
    // Fast path without a generator: the mutex is free and there is room.
    if (tryLock(this.#i32, MUTEX)) {
      if (this.#putLocked(n)) return;
      this.#unlock();
    }
    runSync(this.#putOp(n, deadline));
  }

  putAsync(item: T, timeout?: number): Promise<void> {
    this.ensureOpen();
    const deadline = deadlineOf(timeout);
    const n = this.#encode(item);
    // An async put may wait while other puts on this thread reuse the scratch buffer: it keeps a copy.
    return runAsync(this.#putOp(n, deadline, scratchBytes().slice(0, n)));
  }

  putNowait(item: T): void {
    this.put(item, { block: false });
  }

  /** Takes the oldest item; blocks while empty (Empty after `timeout`, or at once with `block: false`). */
  get(options?: PutOptions): T {
    this.ensureOpen();
    const deadline = putGetDeadline(options);
    if (Atomics.load(this.#i32, COUNT) > 0 && tryLock(this.#i32, MUTEX)) {
      if (Atomics.load(this.#i32, COUNT) > 0) return this.#getLocked() as T;
      this.#unlock();
    }
    return runSync(this.#getOp(deadline)) as T;
  }

  getAsync(timeout?: number): Promise<T> {
    this.ensureOpen();
    return runAsync(this.#getOp(deadlineOf(timeout))) as Promise<T>;
  }

  getNowait(): T {
    return this.get({ block: false });
  }

  qsize(): number {
    this.ensureOpen();
    return Atomics.load(this.#i32, COUNT);
  }

  empty(): boolean {
    return this.qsize() === 0;
  }

  full(): boolean {
    return this.#maxsize > 0 && this.qsize() >= this.#maxsize;
  }

  /** Python's join_thread(): there is no feeder thread here (a put is in shared memory once it returns). */
  joinThread(): void {}

  /** Python's cancel_join_thread(): nothing to cancel, see joinThread(). */
  cancelJoinThread(): void {}

  protected override onClose(): void {
    if (this.creator) releaseSegment(this.place.seg);
  }

  *#lock(): Op<void> {
    if (!tryLock(this.#i32, MUTEX)) yield* lockOp(this.#i32, this.#base, MUTEX, Infinity, "take");
  }

  #unlock(): void {
    unlock(this.#i32, this.#base, MUTEX);
  }

  /** Bumps `word` and wakes one sleeper counted in `sleepers` (called with the mutex held). */
  #signal(word: number, sleepers: number): void {
    if (Atomics.load(this.#i32, sleepers) === 0) return;
    Atomics.add(this.#i32, word, 1);
    futexWake(this.#base + word * 4, 1);
  }

  /** Puts the record encoded in the scratch buffer (`n` bytes), waiting for room. */
  *#putOp(n: number, deadline: number, own?: Uint8Array): Op<void> {
    const i32 = this.#i32;
    for (;;) {
      yield* this.#lock();
      if (this.#putLocked(n, own)) return;
      const seq = Atomics.load(i32, NOT_FULL);
      if (performance.now() >= deadline) {
        this.#unlock();
        throw new Full();
      }
      Atomics.add(i32, PUT_SLEEPERS, 1);
      this.#unlock();
      yield { addr: this.#base + NOT_FULL * 4, expected: seq, deadline };
      Atomics.sub(i32, PUT_SLEEPERS, 1);
    }
  }

  /** Encodes into the scratch buffer; returns the record length. */
  #encode(item: T): number {
    const [, n] = encodeItem(item);
    if (n > this.#cap)
      throw new ArgumentRangeError(
        `A queue item of ${n} bytes does not fit the queue's ring (capacityBytes ${this.#cap}).`,
      );
    return n;
  }

  /** With the mutex held: appends the scratch record and unlocks (true), or leaves it locked when full. */
  #putLocked(n: number, own?: Uint8Array): boolean {
    const i32 = this.#i32;
    const count = Atomics.load(i32, COUNT);
    if ((this.#maxsize > 0 && count >= this.#maxsize) || Atomics.load(i32, USED) + n > this.#cap)
      return false;
    const bytes = own ?? scratchBytes();
    const ring = this.#ring;
    const tail = Atomics.load(i32, TAIL);
    if (tail + n <= this.#cap) {
      if (n <= 32) for (let i = 0; i < n; i++) ring[tail + i] = bytes[i] as number;
      else ring.set(bytes.subarray(0, n), tail);
    } else {
      const first = this.#cap - tail;
      ring.set(bytes.subarray(0, first), tail);
      ring.set(bytes.subarray(first, n), 0);
    }
    Atomics.store(i32, TAIL, (tail + n) % this.#cap);
    Atomics.add(i32, USED, n);
    Atomics.add(i32, UNFINISHED, 1);
    Atomics.store(i32, COUNT, count + 1);
    this.#signal(NOT_EMPTY, GET_SLEEPERS);
    this.#unlock();
    return true;
  }

  *#getOp(deadline: number): Op<unknown> {
    const i32 = this.#i32;
    for (;;) {
      for (let i = 0; i < SPINS && Atomics.load(i32, COUNT) === 0; i++);
      yield* this.#lock();
      if (Atomics.load(i32, COUNT) > 0) return this.#getLocked();
      const seq = Atomics.load(i32, NOT_EMPTY);
      if (performance.now() >= deadline) {
        this.#unlock();
        throw new Empty();
      }
      Atomics.add(i32, GET_SLEEPERS, 1);
      this.#unlock();
      yield { addr: this.#base + NOT_EMPTY * 4, expected: seq, deadline };
      Atomics.sub(i32, GET_SLEEPERS, 1);
    }
  }

  /** With the mutex held and an item present: takes the oldest record, unlocks, returns the item. */
  #getLocked(): unknown {
    const i32 = this.#i32;
    const head = Atomics.load(i32, HEAD);
    const n = this.#readLength(head);
    const at = (head + 4) % this.#cap;
    // A record in one piece is decoded in place (before the space is handed back); a wrapped one is copied.
    let value: unknown;
    let body: Uint8Array | undefined;
    if (at + n - 4 <= this.#cap) value = decodeAt(this.#ring, this.#view, at, n - 4);
    else body = this.#copyOut(at, n - 4);
    Atomics.store(i32, HEAD, (head + n) % this.#cap);
    Atomics.sub(i32, USED, n);
    Atomics.store(i32, COUNT, Atomics.load(i32, COUNT) - 1);
    this.#signal(NOT_FULL, PUT_SLEEPERS);
    this.#unlock();
    return body === undefined ? value : decodeItem(body);
  }

  #readLength(pos: number): number {
    const r = this.#ring;
    const c = this.#cap;
    return (
      (r[pos] as number) |
      ((r[(pos + 1) % c] as number) << 8) |
      ((r[(pos + 2) % c] as number) << 16) |
      ((r[(pos + 3) % c] as number) << 24)
    );
  }

  #copyOut(pos: number, len: number): Uint8Array {
    const out = new Uint8Array(len);
    const first = Math.min(len, this.#cap - pos);
    out.set(this.#ring.subarray(pos, pos + first));
    if (first < len) out.set(this.#ring.subarray(0, len - first), first);
    return out;
  }

  /** @internal JoinableQueue's counters. */
  protected get words(): Int32Array {
    return this.#i32;
  }

  /** @internal */
  protected *lockOp(): Op<void> {
    yield* this.#lock();
  }

  /** @internal */
  protected unlockWords(): void {
    this.#unlock();
  }

  /** @internal */
  protected wakeJoiners(): void {
    if (Atomics.load(this.#i32, JOIN_SLEEPERS) > 0) futexWake(this.#base + UNFINISHED * 4, 0x7fffffff);
  }

  /** @internal */
  protected get base(): number {
    return this.#base;
  }
}

registerKind("Queue", (h) => new Queue(new Revive(h)));
