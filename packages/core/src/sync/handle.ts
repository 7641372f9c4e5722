/**
 * How primitives cross to workers. A primitive's only own enumerable property is its handle (plain data:
 * kind, segment path, offset, ...); every other field is private. So structured clone (threads, process IPC)
 * and JSON carry exactly the handle, and the worker revives it into a primitive over the same memory.
 * Tasks without primitives pay nothing: the parent flags a task only when this process has made or received
 * a primitive and one is found in its arguments.
 */
import { hostname } from "node:os";

/** Shared memory is local to one machine: handles say which. */
export const HOST = hostname();

export const HANDLE = "__concSync";

export interface Handle {
  /** Kind: "Lock", "Queue", ... */
  k: string;
  /** Segment path. */
  p: string;
  /** Byte offset of the primitive's slot. */
  o: number;
  /** Host name (shared memory is local to a machine). */
  h: string;
  /** Kind-specific extras (type, parties, capacity, nested handles...). */
  x?: unknown;
}

export interface HasHandle {
  readonly [HANDLE]: Handle;
}

type Reviver = (h: Handle) => unknown;
const revivers = new Map<string, Reviver>();
let seen = false;

/** Each primitive module registers how its kind is rebuilt from a handle. */
export function registerKind(kind: string, revive: Reviver): void {
  revivers.set(kind, revive);
}

export function makeHandle(k: string, p: string, o: number, x?: unknown): Handle {
  seen = true;
  return x === undefined ? { k, p, o, h: HOST } : { k, p, o, h: HOST, x };
}

/** Marker that makes a constructor adopt an existing handle instead of allocating. */
export class Revive {
  constructor(readonly handle: Handle) {}
}

function isHandle(v: unknown): v is Handle {
  const h = v as Handle;
  return typeof h === "object" && h !== null && typeof h.k === "string" && typeof h.p === "string";
}

const MAX_DEPTH = 8;

/** Cheap test at submit: true when `value` (args) holds a primitive, nested in arrays/objects too. */
export function containsHandles(value: unknown): boolean {
  return seen && scan(value, 0);
}

/** containsHandles for a side that has not made primitives itself (a worker looking at its arguments). */
export function scanForHandles(value: unknown): boolean {
  return scan(value, 0);
}

function scan(v: unknown, depth: number): boolean {
  if (typeof v !== "object" || v === null || depth > MAX_DEPTH || ArrayBuffer.isView(v)) return false;
  if ((v as Partial<HasHandle>)[HANDLE] !== undefined) return true;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if (scan(v[i], depth + 1)) return true;
    return false;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return false;
  for (const key in v) if (scan((v as Record<string, unknown>)[key], depth + 1)) return true;
  return false;
}

/** Worker side: replaces every handle inside `value` by a live primitive (in place; returns `value`). */
export function reviveHandles<T>(value: T): T {
  return revive(value, 0) as T;
}

function revive(v: unknown, depth: number): unknown {
  if (typeof v !== "object" || v === null || depth > MAX_DEPTH || ArrayBuffer.isView(v)) return v;
  const h = (v as Record<string, unknown>)[HANDLE];
  if (isHandle(h)) return reviveOne(h);
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = revive(v[i], depth + 1);
    return v;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return v;
  const o = v as Record<string, unknown>;
  for (const key in o) o[key] = revive(o[key], depth + 1);
  return v;
}

export function reviveOne(h: Handle): unknown {
  const make = revivers.get(h.k);
  if (!make) {
    throw new Error(
      `conc internal error: no sync primitive of kind "${h.k}" is loaded in this worker (import "@conc/core" there).`,
    );
  }
  seen = true;
  return make(h);
}
