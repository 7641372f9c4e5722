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

  /** Finds an Error subclass exported under `name`. */
  readonly resolveErrorClass: ErrorClassResolver = (name) => {
    const ns = this.#ns;
    const value = ns && Object.hasOwn(ns, name) ? ns[name] : undefined;
    return typeof value === "function" && value.prototype instanceof Error
      ? (value as new (
          ...args: never[]
        ) => Error)
      : undefined;
  };
}
