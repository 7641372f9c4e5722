/** Task module of the distributed benchmarks and chaos script. */
export function add(a: number, b: number): number {
  return a + b;
}

export function square(x: number): number {
  return x * x;
}

export async function sleep(ms: number): Promise<number> {
  await Bun.sleep(ms);
  return ms;
}

/** Busy for `ms`: only replacing the worker stops it. */
export function spin(ms: number): number {
  const end = Date.now() + ms;
  while (Date.now() < end) {}
  return ms;
}

/** Appends `id` to `file` (the chaos script counts runs per id), waits `ms`, returns `id`. */
export async function record(file: string, id: number, ms: number): Promise<number> {
  const { appendFileSync } = await import("node:fs");
  appendFileSync(file, `${id}\n`);
  await Bun.sleep(ms);
  return id;
}
