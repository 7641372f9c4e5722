import { reportProgress, type Value } from "@conc/core";

/**
 * The task module the README's examples use (`new URL("./tasks.ts", import.meta.url)` from a file at the
 * repo root). A pool runs exports of a module like this one by name.
 */

/** CPU-bound: the sum of i*i below n (the tutorial's cpu_task). */
export function cpuTask(n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += i * i;
  return s;
}

export function add(a: number, b: number): number {
  return a + b;
}

export function square(x: number): number {
  return x * x;
}

/** Adds 1 to a shared counter `times` times, each under the counter's lock (multiprocessing.Value). */
export function increment(counter: Value<"i32">, times: number): void {
  for (let i = 0; i < times; i++) {
    using _held = counter.getLock().hold();
    counter.value += 1;
  }
}

/** A long task that tells its caller how far it is (`fut.progress` / `fut.onProgress`). */
export async function crunch(steps: number): Promise<number> {
  for (let done = 1; done <= steps; done++) {
    await Bun.sleep(1);
    reportProgress({ done, total: steps });
  }
  return steps;
}
