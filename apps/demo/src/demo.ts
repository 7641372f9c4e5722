/** One runnable twin of a program in the tutorial. */
export interface Demo {
  name: string;
  title: string;
  run(): Promise<void>;
}

/** The task module the demos' pools load. */
export const tasksModule = new URL("./tasks.ts", import.meta.url);

/** Seconds since `start`, formatted like the tutorial's `{time.time() - start_time:.2f}`. */
export function elapsed(start: number): string {
  return ((performance.now() - start) / 1000).toFixed(2);
}

/** Python's repr of a list of tuples/values, for output that matches the tutorial. */
export function repr(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(repr).join(", ")}]`;
  if (typeof value === "string") return `'${value}'`;
  return String(value);
}

/** Python's repr of a tuple. */
export function tuple(value: readonly unknown[]): string {
  return `(${value.map(repr).join(", ")})`;
}
