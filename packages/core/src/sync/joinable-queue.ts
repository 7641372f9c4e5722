/** JoinableQueue (task accounting on top of Queue) and SimpleQueue. */
import { Revive, registerKind } from "./handle.ts";
import { JOIN_SLEEPERS, Queue, UNFINISHED } from "./queue.ts";
import { deadlineOf, type Op, runAsync, runSync } from "./wait.ts";

/**
 * `multiprocessing.JoinableQueue`: every put() counts a task; taskDone() marks one finished; join() waits
 * until all are.
 */
export class JoinableQueue<T = unknown> extends Queue<T> {
  /** Marks one item from get() as processed; more calls than items throws (Python: ValueError). */
  taskDone(): void {
    this.ensureOpen();
    runSync(this.#taskDoneOp());
  }

  *#taskDoneOp(): Op<void> {
    yield* this.lockOp();
    const left = Atomics.load(this.words, UNFINISHED);
    if (left <= 0) {
      this.unlockWords();
      throw new RangeError("taskDone() called more times than there were items put.");
    }
    Atomics.store(this.words, UNFINISHED, left - 1);
    if (left === 1) this.wakeJoiners();
    this.unlockWords();
  }

  /** Blocks until every item put has been marked done. */
  join(timeout?: number): boolean {
    this.ensureOpen();
    return runSync(this.#joinOp(deadlineOf(timeout)));
  }

  joinAsync(timeout?: number): Promise<boolean> {
    this.ensureOpen();
    return runAsync(this.#joinOp(deadlineOf(timeout)));
  }

  *#joinOp(deadline: number): Op<boolean> {
    const i32 = this.words;
    for (;;) {
      const left = Atomics.load(i32, UNFINISHED);
      if (left === 0) return true;
      if (performance.now() >= deadline) return false;
      Atomics.add(i32, JOIN_SLEEPERS, 1);
      yield { addr: this.base + UNFINISHED * 4, expected: left, deadline };
      Atomics.sub(i32, JOIN_SLEEPERS, 1);
    }
  }
}

/** `multiprocessing.SimpleQueue`: put / get / getAsync / empty, no size limit but its ring. */
export class SimpleQueue<T = unknown> extends Queue<T> {
  constructor(options?: { capacityBytes?: number } | Revive) {
    super(options instanceof Revive ? options : { capacityBytes: options?.capacityBytes ?? 1 << 20 });
  }
}

registerKind("JoinableQueue", (h) => new JoinableQueue(new Revive(h)));
registerKind("SimpleQueue", (h) => new SimpleQueue(new Revive(h)));
