/**
 * Thousands of cancels racing starts, on threads and processes. Each task bumps its own counter in
 * shared memory (a SharedArrayBuffer, or a /dev/shm file both sides map): cancel() true must leave
 * its counter at 0, false must leave it at 1.
 */
import { unlinkSync, writeFileSync } from "node:fs";
import { type Executor, ProcessPoolExecutor, ThreadPoolExecutor } from "@conc/core";
import { markRan } from "./soak-tasks.ts";

const module = new URL("./soak-tasks.ts", import.meta.url);

export interface CancelTally {
  kind: string;
  tasks: number;
  cancelledTrue: number;
  cancelledFalse: number;
  notCancelled: number;
  violations: number;
  seconds: number;
}

export async function cancelSoak(kind: "threads" | "processes", rounds: number, perRound: number) {
  const started = performance.now();
  const ex: Executor =
    kind === "threads"
      ? new ThreadPoolExecutor({ module, maxWorkers: 2 })
      : new ProcessPoolExecutor({ module, maxWorkers: 2 });
  const total = rounds * perRound;
  let where: string | SharedArrayBuffer;
  let counters: Int32Array;
  let path: string | undefined;
  if (kind === "threads") {
    where = new SharedArrayBuffer(total * 4);
    counters = new Int32Array(where);
  } else {
    path = `/dev/shm/conc-soak-${process.pid}-${Date.now()}`;
    writeFileSync(path, new Uint8Array(Math.max(4096, total * 4)));
    const map = Bun.mmap(path, { shared: true });
    counters = new Int32Array(map.buffer, map.byteOffset, total);
    where = path;
  }
  const tally: CancelTally = {
    kind,
    tasks: total,
    cancelledTrue: 0,
    cancelledFalse: 0,
    notCancelled: 0,
    violations: 0,
    seconds: 0,
  };
  try {
    for (let r = 0; r < rounds; r++) {
      const base = r * perRound;
      // Vary task length so windows grow (tiny tasks) and bursts run behind slower ones.
      const spin = r % 3 === 0 ? 0 : r % 3 === 1 ? 0.02 : 0.2;
      const futures = Array.from({ length: perRound }, (_, j) => ex.submit(markRan, where, base + j, spin));
      const verdict = new Map<number, boolean>();
      for (let j = 0; j < perRound; j++) {
        if (Math.random() < 0.5) verdict.set(j, (futures[j] as (typeof futures)[number]).cancel());
        if (Math.random() < 0.02) await Bun.sleep(0);
      }
      await Promise.all(futures.map((f) => f.exception().catch(() => undefined)));
      for (let j = 0; j < perRound; j++) {
        const ran = Atomics.load(counters, base + j);
        const v = verdict.get(j);
        if (v === true) tally.cancelledTrue++;
        else if (v === false) tally.cancelledFalse++;
        else tally.notCancelled++;
        const expected = v === true ? 0 : 1;
        if (ran !== expected) tally.violations++;
      }
    }
  } finally {
    await ex.terminateWorkers();
    if (path) unlinkSync(path);
  }
  tally.seconds = (performance.now() - started) / 1000;
  return tally;
}
