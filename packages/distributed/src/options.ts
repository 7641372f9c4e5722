/** Validation shared by the client and the worker node: clear TypeErrors/RangeErrors at the call site. */
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

/** Task module as a URL string (a path resolves from the current directory). */
export function normalizeModule(module: unknown): string {
  if (module instanceof URL) return module.href;
  if (typeof module !== "string" || module.length === 0) {
    throw new TypeError(
      "module is required: the task module's URL or path, e.g. new URL('./tasks.ts', import.meta.url).",
    );
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(module)) return module;
  return pathToFileURL(resolve(module)).href;
}

/** Throws unless `value` is undefined or an integer ≥ `min`. */
export function checkInt(value: unknown, name: string, min = 1): asserts value is number | undefined {
  if (value === undefined) return;
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw new TypeError(
      `${name} must be an integer, got ${typeof value === "number" ? value : typeof value}.`,
    );
  }
  if (value < min) throw new RangeError(`${name} must be >= ${min}, got ${value}.`);
}

/** Throws unless `value` is undefined or a finite number of ms > 0. */
export function checkMs(value: unknown, name: string): asserts value is number | undefined {
  if (value === undefined) return;
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${name} must be a number of milliseconds > 0, got ${String(value)}.`);
  }
}

/** Throws unless `url` is a non-empty string (parsed later by redisOptions). */
export function checkRedisUrl(url: unknown): asserts url is string {
  if (typeof url !== "string" || url.length === 0) {
    throw new TypeError('redis is required: a URL such as "redis://127.0.0.1:6379".');
  }
}
