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
