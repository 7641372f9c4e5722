/**
 * `@conc/core/testing`: helpers for conc's own tests, soaks and benchmarks (and yours). Here, what proves
 * the cancel promise — a counter per
 * task in shared memory that the task bumps (its side effect), and a judge that compares each task's
 * counter with what its cancel() answered and how its future ended. For executors of any kind: local,
 * remote (the server's workers map the same file) and distributed (on this machine).
 */
import { rmSync, writeFileSync } from "node:fs";

let mapped: { path: string; words: Int32Array } | undefined;

/**
 * The side effect a cancelled task must never have: counter `i` goes up by one. `where` is the path of a
 * file made by sharedCounters (any process on this machine), or a SharedArrayBuffer (threads). Spins
 * `spinMs` first, so that workers race the cancels.
 */
export function markRan(where: string | SharedArrayBuffer, i: number, spinMs = 0): number {
  let words: Int32Array;
  if (typeof where === "string") {
    if (mapped?.path !== where) {
      const map = Bun.mmap(where, { shared: true });
      mapped = { path: where, words: new Int32Array(map.buffer, map.byteOffset, map.byteLength >> 2) };
    }
    words = mapped.words;
  } else words = new Int32Array(where);
  const end = performance.now() + spinMs;
  while (performance.now() < end);
  return Atomics.add(words, i, 1) + 1;
}

export interface SharedCounters extends Disposable {
  /** Pass this to markRan. */
  readonly path: string;
  readonly counters: Int32Array;
  /** Deletes the file (also at `using` scope end). */
  remove(): void;
}

/** `n` zeroed counters in a fresh /dev/shm file. */
export function sharedCounters(n: number): SharedCounters {
  const path = `/dev/shm/conc-counters-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  writeFileSync(path, new Uint8Array(Math.max(4096, n * 4)));
  const map = Bun.mmap(path, { shared: true });
  const remove = () => rmSync(path, { force: true });
  return { path, counters: new Int32Array(map.buffer, map.byteOffset, n), remove, [Symbol.dispose]: remove };
}

export interface CancelVerdicts {
  cancelledTrue: number;
  /** cancel() false, and the task was still dropped before it started (its future ended CANCELLED). */
  cancelledFalseDropped: number;
  cancelledFalseRan: number;
  notCancelled: number;
  /** One line per task whose side effect contradicts its cancel() answer or its outcome. */
  wrong: string[];
}

interface Settled {
  cancelled(): boolean;
  readonly state: string;
}

/**
 * Judges settled futures: cancel() true ⇒ counter 0; a CANCELLED future ⇒ 0; any other outcome ⇒ 1
 * (nothing ran twice, nothing ran while reported cancelled). `answers` maps a future's index to what its
 * cancel() returned; `base` is the index of futures[0] among the counters.
 */
export function judgeCancels(
  futures: readonly Settled[],
  answers: ReadonlyMap<number, boolean>,
  counters: Int32Array,
  base = 0,
): CancelVerdicts {
  const v: CancelVerdicts = {
    cancelledTrue: 0,
    cancelledFalseDropped: 0,
    cancelledFalseRan: 0,
    notCancelled: 0,
    wrong: [],
  };
  futures.forEach((f, i) => {
    const answer = answers.get(i);
    if (answer === true) v.cancelledTrue++;
    else if (answer === false) {
      if (f.cancelled()) v.cancelledFalseDropped++;
      else v.cancelledFalseRan++;
    } else v.notCancelled++;
    const ran = Atomics.load(counters, base + i);
    const expected = answer === true || f.cancelled() ? 0 : 1;
    if (ran !== expected) v.wrong.push(`task ${base + i}: cancel() ${answer}, state ${f.state}, ran ${ran}x`);
  });
  return v;
}

export { type ChildOutcome, readUntil, runToEnd } from "./read-until.ts";
