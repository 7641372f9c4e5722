/**
 * Turns a function definition from the parent into a callable, inside the worker.
 * Runs inside workers only.
 */
import { type FnDef, REF_EXPORT } from "../transport/protocol.ts";

export type TaskFn = (...args: unknown[]) => unknown;

/** Compiles function source the way Bun prints it (`fn.toString()`, types already stripped). */
export function compileSource(src: string): TaskFn {
  let fn: unknown;
  try {
    fn = new Function(`"use strict"; return (${src});`)();
  } catch (first) {
    // Method shorthand (`foo(x) { ... }`) only parses inside an object literal.
    try {
      fn = new Function(`"use strict"; const o = {${src}}; return o[Object.keys(o)[0]];`)();
    } catch {
      throw new SyntaxError(
        `Cannot rebuild the task function from its source (${(first as Error).message}). ` +
          "Pass a plain, arrow or async function, or export it from a task module (module option).",
      );
    }
  }
  if (typeof fn !== "function")
    throw new TypeError("The shipped task source did not evaluate to a function.");
  return fn as TaskFn;
}

/** Looks up an export by name; only own properties of the namespace count (no `constructor`, `__proto__`). */
export function resolveExport(
  ns: Record<string, unknown> | undefined,
  name: string,
  moduleUrl: string | null,
): TaskFn {
  if (!ns || moduleUrl === null) {
    throw new TypeError(
      `Task '${name}' is routed by export name but the executor has no task module (module option).`,
    );
  }
  const value = Object.hasOwn(ns, name) ? ns[name] : undefined;
  if (typeof value !== "function") {
    throw new TypeError(
      `Task '${name}' is not an exported function of the task module ${moduleUrl}. ` +
        `Export it (\`export function ${name}\`) or pass a self-contained function to an executor without a module.`,
    );
  }
  return value as TaskFn;
}

/** Resolves a definition; errors are thrown when the task runs, so only that task fails. */
export function resolveDef(
  def: FnDef,
  ns: Record<string, unknown> | undefined,
  moduleUrl: string | null,
): TaskFn {
  const [, kind, payload] = def;
  return kind === REF_EXPORT ? resolveExport(ns, payload, moduleUrl) : compileSource(payload);
}

const CAPTURED = /^(?:(\S+) is not defined|Can't find variable: (\S+))/;

/** Explains a ReferenceError from a function shipped by source: it read a variable it did not get. */
export function explainCapture(err: unknown): unknown {
  if (!(err instanceof ReferenceError)) return err;
  const m = CAPTURED.exec(err.message);
  const name = m?.[1] ?? m?.[2];
  if (!name) return err;
  err.message =
    `${err.message}: the task function reads '${name}', which does not exist in the worker. ` +
    `A function shipped by source must be self-contained: pass '${name}' as an argument, ` +
    "or export the function from a task module (module option).";
  return err;
}
