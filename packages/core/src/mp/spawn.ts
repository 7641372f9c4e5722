/** torch.multiprocessing.spawn: run fn(rank, ...args) in nprocs processes. */
import { constants } from "node:os";
import { ProcessExitedError, ProcessRaisedError } from "../errors.ts";
import type { AnyFn } from "../executor/executor.ts";
import { validateInt } from "../executor/options.ts";
import { Deadline, EXPIRED, raceDeadline } from "../util/deadline.ts";
import { Process } from "./process.ts";

export interface SpawnOptions<A extends unknown[]> {
  /** Arguments after the rank. */
  args?: A;
  nprocs?: number;
  /** Wait for all processes (default true); false returns a ProcessContext. */
  join?: boolean;
  daemon?: boolean;
  module?: string | URL;
}

/** Time the survivors get after SIGTERM before SIGKILL, when one process fails. */
const GRACE_MS = 3000;

const SIGNAL_NAMES = new Map(Object.entries(constants.signals).map(([name, n]) => [n as number, name]));

/** Handle on spawned processes when `join: false`. */
export class ProcessContext {
  readonly processes: Process[];
  #exits: (number | null)[];

  constructor(processes: Process[]) {
    this.processes = processes;
    this.#exits = processes.map(() => null);
    processes.forEach((p, i) => {
      void p.whenExited().then((code) => {
        this.#exits[i] = code;
      });
    });
  }

  /** OS pids of the processes. */
  pids(): (number | undefined)[] {
    return this.processes.map((p) => p.pid);
  }

  /**
   * Waits until all processes end (true), or `timeoutMs` passes (false). The first failure stops
   * the others (SIGTERM, then SIGKILL after a grace period) and throws ProcessRaisedError or ProcessExitedError.
   */
  async join(timeoutMs?: number): Promise<boolean> {
    const deadline = Deadline.after(timeoutMs);
    while (true) {
      const failed = this.#exits.findIndex((c) => c !== null && c !== 0);
      if (failed >= 0) await this.#fail(failed);
      if (this.#exits.every((c) => c === 0)) return true;
      if (deadline.expired()) return false;
      const waits = this.processes.filter((_, i) => this.#exits[i] === null).map((p) => p.whenExited());
      if ((await raceDeadline(Promise.race(waits), deadline)) === EXPIRED) return false;
      await Promise.resolve();
    }
  }

  async #fail(index: number): Promise<never> {
    const survivors = this.processes.filter((p) => p.isAlive());
    for (const p of survivors) p.terminate();
    await raceDeadline(Promise.all(survivors.map((p) => p.whenExited())), Deadline.after(GRACE_MS));
    for (const p of survivors) if (p.isAlive()) p.kill();
    await Promise.all(survivors.map((p) => p.whenExited()));
    const proc = this.processes[index] as Process;
    const code = this.#exits[index] as number;
    const raised = proc.reportedError();
    if (raised !== undefined && code === 1) throw new ProcessRaisedError(index, proc.pid, raised);
    throw new ProcessExitedError(index, proc.pid, code, code < 0 ? (SIGNAL_NAMES.get(-code) ?? null) : null);
  }
}

/**
 * Runs `fn(rank, ...args)` for rank 0..nprocs-1, each in its own process.
 * @example await spawn(worker, { args: [4, "hello"], nprocs: 4, module: import.meta.url });
 */
export function spawn<A extends unknown[]>(
  fn: ((rank: number, ...args: A) => unknown) | string,
  options: SpawnOptions<A> & { join: false },
): ProcessContext;
export function spawn<A extends unknown[]>(
  fn: ((rank: number, ...args: A) => unknown) | string,
  options?: SpawnOptions<A> & { join?: true },
): Promise<void>;
export function spawn<A extends unknown[]>(
  fn: ((rank: number, ...args: A) => unknown) | string,
  options: SpawnOptions<A> = {},
): Promise<void> | ProcessContext {
  const { args = [] as unknown as A, nprocs = 1, join = true, daemon = false, module } = options;
  validateInt(nprocs, "nprocs");
  const processes = Array.from(
    { length: nprocs },
    (_, rank) =>
      new Process({
        target: fn as AnyFn,
        args: [rank, ...args],
        daemon,
        name: `SpawnProcess-${rank}`,
        ...(module ? { module } : {}),
      }),
  );
  for (const p of processes) p.start();
  const context = new ProcessContext(processes);
  if (!join) return context;
  return (async () => {
    while (!(await context.join())) {
      // join() without a timeout returns only true or throws.
    }
  })();
}

/** Name and pid of the running process ("MainProcess" outside conc's children). */
export function currentProcess(): { name: string; pid: number } {
  return { name: process.env.CONC_PROCESS_NAME ?? "MainProcess", pid: process.pid };
}
