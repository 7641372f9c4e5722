/**
 * Errors cross the worker boundary as plain data (structured clone drops custom classes and
 * fields) and are rebuilt on the other side with their class when it can be found.
 */
import { RemoteError } from "../errors.ts";

export interface SerializedError {
  /** true when the thrown value was an Error; otherwise `value` holds what was thrown. */
  isError: boolean;
  name: string;
  /**
   * The thrown error's class (its constructor's name), so a class that never sets `name`
   * (`class PlainTaskError extends Error {}` has name "Error") is still rebuilt as itself.
   */
  className?: string | undefined;
  message: string;
  stack: string | undefined;
  cause?: SerializedError;
  hasCause: boolean;
  fields: Record<string, unknown>;
  /** An AggregateError's `errors` (not an enumerable field, so carried apart). */
  errors?: SerializedError[] | undefined;
  value?: unknown;
}

const RESERVED = new Set(["name", "message", "stack", "cause"]);

function cloneable(value: unknown): boolean {
  if (typeof value === "function" || typeof value === "symbol") return false;
  if (value === null || typeof value !== "object") return true;
  try {
    structuredClone(value);
    return true;
  } catch {
    return false;
  }
}

/** Turns anything thrown into cloneable data. */
export function serializeError(thrown: unknown, depth = 0): SerializedError {
  if (!(thrown instanceof Error)) {
    return {
      isError: false,
      name: "Error",
      message: String(thrown),
      stack: undefined,
      hasCause: false,
      fields: {},
      value: cloneable(thrown) ? thrown : String(thrown),
    };
  }
  const fields: Record<string, unknown> = {};
  for (const key of Object.keys(thrown)) {
    if (RESERVED.has(key)) continue;
    const v = (thrown as unknown as Record<string, unknown>)[key];
    fields[key] = cloneable(v) ? v : String(v);
  }
  const ctor = (thrown as { constructor?: unknown }).constructor;
  const className = typeof ctor === "function" && typeof ctor.name === "string" ? ctor.name : undefined;
  const out: SerializedError = {
    isError: true,
    name: thrown.name,
    ...(className && className !== thrown.name ? { className } : {}),
    message: thrown.message,
    stack: thrown.stack,
    hasCause: "cause" in thrown,
    fields,
  };
  if (out.hasCause && depth < 8) out.cause = serializeCauseValue(thrown.cause, depth);
  if (thrown instanceof AggregateError && Array.isArray(thrown.errors) && depth < 8)
    out.errors = thrown.errors.map((e: unknown) => serializeError(e, depth + 1));
  return out;
}

function serializeCauseValue(cause: unknown, depth: number): SerializedError {
  return serializeError(cause, depth + 1);
}

const BUILTINS: Record<string, ErrorConstructor> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
};

/** Finds a constructor by class or error name (e.g. from the task module's exports). */
export type ErrorClassResolver = (name: string) => (new (...args: never[]) => Error) | undefined;

/** The class to rebuild `data` with: by its class name first, then by its `name`; built-ins last. */
/** conc's own error classes (sync's Empty, Full, ...): rebuilt with their class though no task module exports them. */
const KNOWN: Record<string, new (...args: never[]) => Error> = {};

/** Registers error classes every worker may throw, so they come back as themselves (by class name). */
export function registerErrorClasses(...classes: (new (...args: never[]) => Error)[]): void {
  for (const c of classes) KNOWN[c.name] = c;
}

function findClass(
  data: SerializedError,
  resolve: ErrorClassResolver | undefined,
): (new (...args: never[]) => Error) | undefined {
  const { className, name } = data;
  return (
    (className ? resolve?.(className) : undefined) ??
    resolve?.(name) ??
    (Object.hasOwn(KNOWN, className ?? name) ? KNOWN[className ?? name] : undefined) ??
    (className && Object.hasOwn(BUILTINS, className) ? BUILTINS[className] : undefined) ??
    // An unknown subclass of a specific built-in (RangeError...) keeps that built-in; one of plain
    // Error becomes a RemoteError (naming its class), which says more than a bare Error.
    (Object.hasOwn(BUILTINS, name) && !(className && name === "Error") ? BUILTINS[name] : undefined) ??
    (name === "AggregateError" ? AggregateError : undefined)
  );
}

/**
 * Rebuilds an error with its class (found by `resolve` by class name, then by `name`; or a
 * built-in), else as RemoteError. Fields, cause and the remote stack come back as they were.
 */
export function deserializeError(data: SerializedError, resolve?: ErrorClassResolver): unknown {
  if (!data.isError) return data.value;
  const Ctor = findClass(data, resolve);
  let err: Error;
  if (Ctor) {
    // Never call the constructor: it may need arguments or have side effects.
    err = Object.create(Ctor.prototype) as Error;
    Object.defineProperty(err, "message", { value: data.message, writable: true, configurable: true });
    if (err.name !== data.name) {
      Object.defineProperty(err, "name", { value: data.name, writable: true, configurable: true });
    }
  } else {
    err = new RemoteError(data.name, data.message);
    if (data.className) Object.assign(err, { remoteClass: data.className });
  }
  Object.defineProperty(err, "stack", { value: data.stack, writable: true, configurable: true });
  if (data.errors) {
    Object.defineProperty(err, "errors", {
      value: data.errors.map((e) => deserializeError(e, resolve)),
      writable: true,
      configurable: true,
    });
  }
  if (data.hasCause && data.cause) {
    Object.defineProperty(err, "cause", {
      value: deserializeError(data.cause, resolve),
      writable: true,
      configurable: true,
    });
  }
  Object.assign(err, data.fields);
  return err;
}
