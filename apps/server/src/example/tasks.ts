/** The example task module `bun run serve` exposes. Only these exports can be called remotely. */
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
