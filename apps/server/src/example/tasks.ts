/** The example task module `bun run serve` exposes. Only these exports can be called remotely. */
import { reportProgress } from "@conc/core";

export function add(a: number, b: number): number {
  return a + b;
}

export function square(x: number): number {
  return x * x;
}

export async function sleep(ms: number, value: unknown = null): Promise<unknown> {
  await Bun.sleep(ms);
  return value;
}

/** CPU-bound: sum of i*i below n (the tutorial's cpu_task). */
export function sumOfSquares(n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += i * i;
  return s;
}

export class TaskFailure extends Error {
  override name = "TaskFailure";
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(message);
  }
}

export function fail(message: string, code = 1): never {
  throw new TaskFailure(message, code);
}

export function spin(ms: number): number {
  const end = performance.now() + ms;
  let n = 0;
  while (performance.now() < end) n++;
  return n;
}

/** Reports `{ done, total }` after each of `n` steps of `ms` ms; returns n. */
export async function steps(n: number, ms = 0): Promise<number> {
  for (let i = 0; i < n; i++) {
    if (ms > 0) await Bun.sleep(ms);
    reportProgress({ done: i + 1, total: n });
  }
  return n;
}

/** Reports `value`, then sleeps `ms` and returns `result` (its progress is visible while it runs). */
export async function reportThenSleep(value: unknown, ms: number, result: unknown = null): Promise<unknown> {
  reportProgress(value);
  await Bun.sleep(ms);
  return result;
}
