/** Validation of executor options and call arguments: clear errors at the call site. */
import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { ArgumentRangeError, ArgumentTypeError } from "../errors.ts";

/** Number of CPUs this process may use. */
export function cpuCount(): number {
  return availableParallelism();
}

/** Throws unless `value` is undefined or an integer ≥ `min`. */
export function validateInt(value: unknown, name: string, min = 1): asserts value is number | undefined {
  if (value === undefined) return;
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw new ArgumentTypeError(
      `${name} must be an integer, got ${typeof value === "number" ? value : typeof value}.`,
      name,
    );
  }
  if (value < min) throw new ArgumentRangeError(`${name} must be >= ${min}, got ${value}.`, name);
}

/** Normalises a task module given as URL, file URL string or path into a URL string. */
export function normalizeModule(module: string | URL | undefined): string | null {
  if (module === undefined) return null;
  if (module instanceof URL) return module.href;
  if (typeof module !== "string" || module.length === 0) {
    throw new ArgumentTypeError(
      "module must be a URL or a path, e.g. new URL('./tasks.ts', import.meta.url).",
      "module",
    );
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(module)) return module;
  return pathToFileURL(resolve(module)).href;
}

/** A function that can be called in a worker, or the export name of one. */
export function validateTaskFn(fn: unknown, what = "task"): void {
  if (typeof fn === "function" || (typeof fn === "string" && fn.length > 0)) return;
  throw new ArgumentTypeError(
    `The ${what} must be a function (or the name of a task-module export), got ${fn === null ? "null" : typeof fn}.`,
    what,
  );
}

/** Cheap call-site check for arguments that can never reach a worker. */
export function validateArgs(args: readonly unknown[]): void {
  for (let i = 0; i < args.length; i++) {
    const t = typeof args[i];
    if (t === "function" || t === "symbol") {
      throw new ArgumentTypeError(
        `Argument ${i} is a ${t}: it cannot be sent to a worker. Pass plain data (structured-cloneable values).`,
        "args",
      );
    }
  }
}
