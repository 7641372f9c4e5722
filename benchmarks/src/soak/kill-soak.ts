/**
 * 500 SIGKILLs of process workers (half of them within a millisecond of the worker appearing, in its start-up) during a 50,000-task run: every
 * task must end with its value or WorkerExitedError — none wrong, none hanging — and the pool must
 * serve a fresh batch afterwards.
 */
import { ProcessPoolExecutor, WorkerExitedError } from "@conc/core";
import { slowDouble } from "./soak-tasks.ts";

const module = new URL("./soak-tasks.ts", import.meta.url);

export interface KillTally {
  tasks: number;
  kills: number;
  killsInStartup: number;
  ok: number;
  workerExited: number;
  wrong: number;
  hanging: number;
  freshBatchOk: boolean;
  seconds: number;
}

type KillOptions = { tasks: number; kills: number; maxWorkers: number; budgetMs: number };

export async function killSoak(opts: KillOptions): Promise<KillTally> {
  const ex = new ProcessPoolExecutor({ module, maxWorkers: opts.maxWorkers });
  try {
    return await run(ex, opts);
  } finally {
    // Every worker ends with the soak, whatever happened.
    await ex.terminateWorkers();
  }
}

async function run(ex: ProcessPoolExecutor, opts: KillOptions): Promise<KillTally> {
  const started = performance.now();
  const seenReady = new Set<number>();
  const known = new Set<number>();
  // Each task takes ~4 ms without using a core: 50,000 on 4 workers last about a minute.
  const futures = Array.from({ length: opts.tasks }, (_, i) => ex.submit(slowDouble, i, 4));
  for (const f of futures)
    f.addDoneCallback((d) => {
      const o = d.peek();
      if (o?.ok) seenReady.add((o.value as [number, number])[1]);
    });
  let kills = 0;
  let killsInStartup = 0;
  const allDone = () => futures.every((f) => f.done());
  const tryKill = (pid: number): boolean => {
    try {
      process.kill(pid, "SIGKILL");
      kills++;
      return true;
    } catch {
      return false; // It ended meanwhile.
    }
  };
  // Two kills per cycle — a ready worker, then its replacement the moment it appears (start-up) —
  // staying under the storm limit (4 + 2 × maxWorkers deaths a second), where replacements back off.
  const cycleMs = Math.ceil((2 * 1000) / (2 + 2 * opts.maxWorkers));
  while (kills < opts.kills && performance.now() - started < opts.budgetMs && !allDone()) {
    await Bun.sleep(cycleMs);
    const pids = ex.pids();
    for (const p of pids) known.add(p);
    const victim = pids[Math.floor(Math.random() * pids.length)];
    if (victim === undefined || !tryKill(victim)) continue;
    // Its replacement starts within a few ms: kill it within a millisecond of appearing.
    const until = performance.now() + 500;
    while (performance.now() < until && !allDone()) {
      const fresh = ex.pids().find((p) => !known.has(p));
      if (fresh !== undefined) {
        known.add(fresh);
        if (!seenReady.has(fresh) && tryKill(fresh)) killsInStartup++;
        break;
      }
      await Bun.sleep(1);
    }
  }
  // No more kills: everything must now finish within a bounded time.
  const settleBy = performance.now() + 120_000;
  while (!allDone() && performance.now() < settleBy) await Bun.sleep(50);
  let ok = 0;
  let workerExited = 0;
  let wrong = 0;
  let hanging = 0;
  for (const [i, f] of futures.entries()) {
    const o = f.peek();
    if (!o) hanging++;
    else if (o.ok) {
      if ((o.value as [number, number])[0] === i * 2) ok++;
      else wrong++;
    } else if (o.error instanceof WorkerExitedError) workerExited++;
    else wrong++;
  }
  const fresh = await Promise.all(Array.from({ length: 1000 }, (_, i) => ex.run(slowDouble, i, 0)));
  const freshBatchOk = fresh.every(([v], i) => v === i * 2);
  return {
    tasks: opts.tasks,
    kills,
    killsInStartup,
    ok,
    workerExited,
    wrong,
    hanging,
    freshBatchOk,
    seconds: (performance.now() - started) / 1000,
  } satisfies KillTally;
}
