/**
 * Errors cross the worker boundary as plain data (structured clone drops custom classes and
 * fields) and are rebuilt on the other side with their class when it can be found.
 */
import { RemoteError } from "../errors.ts";

export interface SerializedError {
  /** true when the thrown value was an Error; otherwise `value` holds what was thrown. */
  isError: boolean;
  name: string;
  message: string;
  stack: string | undefined;
  cause?: SerializedError;
  hasCause: boolean;
  fields: Record<string, unknown>;
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
  const out: SerializedError = {
    isError: true,
    name: thrown.name,
    message: thrown.message,
    stack: thrown.stack,
    hasCause: "cause" in thrown,
    fields,
  };
  if (out.hasCause && depth < 8) out.cause = serializeCauseValue(thrown.cause, depth);
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

/** Finds a constructor by error name (e.g. from the task module's exports). */
export type ErrorClassResolver = (name: string) => (new (...args: never[]) => Error) | undefined;

/** Rebuilds an error with its class (built-in, or found by `resolve`), else as RemoteError. */
export function deserializeError(data: SerializedError, resolve?: ErrorClassResolver): unknown {
  if (!data.isError) return data.value;
  const Ctor =
    resolve?.(data.name) ?? BUILTINS[data.name] ?? (data.name === "AggregateError" ? Error : undefined);
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
  }
  Object.defineProperty(err, "stack", { value: data.stack, writable: true, configurable: true });
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
