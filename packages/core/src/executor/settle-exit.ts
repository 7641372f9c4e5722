/** Applies the crash policy (crash.ts) to what a dead worker held: fail what it started, hand back the rest. */
import { WorkerExitedError } from "../errors.ts";
import { CLAIM_RUNNING } from "../transport/claims.ts";
import { attributeExit, respawnDelay, stormLimit } from "./crash.ts";
import type { Task } from "./task.ts";
import type { WorkerSlot } from "./worker-slot.ts";

/** Settles the tasks of worker `w`, which just ended; returns those to run elsewhere, in order. */
export function settleExit(w: WorkerSlot, exitCode: number | null, signal: string | null): Task[] {
  const held = w.release();
  const views = held.map((t) => ({ done: t.done(), claim: w.claimOf(t), requeues: t.requeues }));
  const fates = attributeExit(views);
  const info = { exitCode, signal, pid: w.handle.pid };
  const requeue: Task[] = [];
  held.forEach((task, i) => {
    task.holder = null;
    task.slot = -1;
    if (fates[i] === "requeue") {
      task.requeues++;
      requeue.push(task);
    } else if (fates[i] === "fail") {
      const why =
        views[i]?.claim !== CLAIM_RUNNING
          ? `The task never started: ${task.requeues + 1} workers holding it died first. Check its arguments.`
          : w.deliberate
            ? "The worker running this task was stopped because another task on it timed out or was aborted."
            : undefined;
      task.setException(new WorkerExitedError(info, why));
    }
  });
  return requeue;
}

/** Remembers recent unexpected deaths and says when the next replacement may start (storm back-off). */
export class RespawnGate {
  readonly #deaths: number[] = [];
  #at = 0;

  constructor(private readonly maxWorkers: number) {}

  noteDeath(now: number): void {
    this.#deaths.push(now);
    const keep = stormLimit(this.maxWorkers) + 24;
    if (this.#deaths.length > keep) this.#deaths.splice(0, this.#deaths.length - keep);
    this.#at = now + respawnDelay(this.#deaths, now, this.maxWorkers);
  }

  /** Milliseconds to wait before starting a worker (0: now). */
  waitMs(now: number): number {
    return Math.max(0, this.#at - now);
  }
}
