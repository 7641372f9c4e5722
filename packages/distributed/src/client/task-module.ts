/**
 * The client's view of the task module: imported in the background (never awaited before sending: a
 * script importing itself during its own top-level await never finishes), used to refuse unknown task
 * names at the call once known, and to rebuild error classes (the module's, conc's) on failures.
 */
import { fileURLToPath } from "node:url";
import * as core from "@conc/core";
import * as own from "../errors.ts";

const KNOWN_ERRORS: Record<string, new (...args: never[]) => Error> = {};
for (const ns of [core, own] as Record<string, unknown>[]) {
  for (const [name, value] of Object.entries(ns)) {
    if (typeof value === "function" && value.prototype instanceof Error) {
      KNOWN_ERRORS[name] = value as new (...args: never[]) => Error;
    }
  }
}

export class TaskModule {
  #ns: Record<string, unknown> | undefined;

  constructor(readonly url: string) {
    if (url.startsWith("file:") && fileURLToPath(url) === Bun.main) return;
    import(url).then(
      (ns: Record<string, unknown>) => {
        this.#ns = ns;
      },
      () => {
        // The nodes report a module they cannot load, with its error.
      },
    );
  }

  /** The export name of a task given as a function or a name; a clear TypeError when it cannot be one. */
  taskName(fn: unknown): string {
    const name = typeof fn === "string" ? fn : typeof fn === "function" ? fn.name : "";
    if (typeof fn !== "string" && typeof fn !== "function") {
      throw new TypeError(
        `The task must be a function exported by the task module, or its name; got ${fn === null ? "null" : typeof fn}.`,
      );
    }
    if (!name) {
      throw new TypeError(
        "A distributed task must be an export of the task module (nodes run exports by name): " +
          "export the function and pass it, or pass its export name.",
      );
    }
    const ns = this.#ns;
    if (ns && !(Object.hasOwn(ns, name) && typeof ns[name] === "function")) {
      throw new TypeError(
        `Task '${name}' is not an exported function of the task module ${this.url}. ` +
          `Export it (\`export function ${name}\`) from that module.`,
      );
    }
    return name;
  }

  /** Finds an error class by name: the module's exports first, then conc's own errors. */
  readonly resolveError = (name: string): (new (...args: never[]) => Error) | undefined => {
    const ns = this.#ns;
    const value = ns && Object.hasOwn(ns, name) ? ns[name] : undefined;
    if (typeof value === "function" && value.prototype instanceof Error) {
      return value as new (
        ...args: never[]
      ) => Error;
    }
    return Object.hasOwn(KNOWN_ERRORS, name) ? KNOWN_ERRORS[name] : undefined;
  };
}
