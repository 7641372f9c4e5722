/**
 * The parent's view of a task module: loaded in the background (never awaited), used to refuse
 * unknown task names at the call site and to rebuild error classes the module exports.
 */
import { fileURLToPath } from "node:url";
import type { ErrorClassResolver } from "../transport/error-codec.ts";

export class ModuleExports {
  #ns: Record<string, unknown> | undefined;

  constructor(url: string | null) {
    if (url === null || !url.startsWith("file:")) return;
    // Importing the running main script from itself hangs while its top-level await is pending.
    if (fileURLToPath(url) === Bun.main) return;
    import(url).then(
      (ns: Record<string, unknown>) => {
        this.#ns = ns;
      },
      () => {
        // A module that fails to load is reported by the worker, with its error.
      },
    );
  }

  /** The exports, once loaded. */
  get now(): Record<string, unknown> | undefined {
    return this.#ns;
  }

  /**
   * Finds an Error subclass the module exports under `name`, or (for a class exported under
   * another name, `export { PlainError as Plain }`) one whose class name is `name`.
   */
  readonly resolveErrorClass: ErrorClassResolver = (name) => {
    const ns = this.#ns;
    if (!ns) return undefined;
    const direct = Object.hasOwn(ns, name) ? ns[name] : undefined;
    if (isErrorClass(direct)) return direct;
    for (const value of Object.values(ns)) if (isErrorClass(value) && value.name === name) return value;
    return undefined;
  };
}

function isErrorClass(value: unknown): value is new (...args: never[]) => Error {
  return typeof value === "function" && value.prototype instanceof Error;
}
