/**
 * Thousands of cancels racing starts, on threads and processes. Each task bumps its own counter in
 * shared memory (a SharedArrayBuffer, or a /dev/shm file both sides map): cancel() true must leave
 * its counter at 0, false must leave it at 1.
 */
import { type Executor, ProcessPoolExecutor, ThreadPoolExecutor } from "@conc/core";
import { judgeCancels, sharedCounters } from "@conc/core/testing";
import { count, newTally } from "./tally.ts";

const module = new URL("./soak-tasks.ts", import.meta.url);

export async function cancelSoak(kind: "threads" | "processes", rounds: number, perRound: number) {
  const started = performance.now();
  const ex: Executor =
    kind === "threads"
      ? new ThreadPoolExecutor({ module, maxWorkers: 2 })
      : new ProcessPoolExecutor({ module, maxWorkers: 2 });
  const total = rounds * perRound;
  const file = kind === "processes" ? sharedCounters(total) : undefined;
  const sab = new SharedArrayBuffer(total * 4);
  const where = file?.path ?? sab;
  const counters = file?.counters ?? new Int32Array(sab);
  const tally = newTally(kind, total);
  try {
    for (let r = 0; r < rounds; r++) {
      const base = r * perRound;
      // Vary task length so windows grow (tiny tasks) and bursts run behind slower ones.
      const spin = r % 3 === 0 ? 0 : r % 3 === 1 ? 0.02 : 0.2;
      const futures = Array.from({ length: perRound }, (_, j) => ex.submit("markRan", where, base + j, spin));
      const answers = new Map<number, boolean>();
      for (let j = 0; j < perRound; j++) {
        if (Math.random() < 0.5) answers.set(j, (futures[j] as (typeof futures)[number]).cancel());
        if (Math.random() < 0.02) await Bun.sleep(0);
      }
      await Promise.all(futures.map((f) => f.exception().catch(() => undefined)));
      count(tally, judgeCancels(futures, answers, counters, base));
    }
  } finally {
    await ex.terminateWorkers();
    file?.remove();
  }
  tally.seconds = (performance.now() - started) / 1000;
  return tally;
}
