/**
 * A tagged codec over JSON: job data and results travel through Redis as JSON, which would turn
 * `undefined` into null, NaN into null, and drop Date/Map/Set/BigInt. Values that JSON keeps are sent as
 * they are (checked in one walk, no copy); anything else is rewritten into `{ "$$": tag, v }` nodes. A plain
 * object that itself has a "$$" key is escaped, so decoding is unambiguous.
 */
import { deserializeError, serializeError } from "@conc/core";
import { UnsupportedValueError } from "./errors.ts";

const TAG = "$$";
type Tagged = { [TAG]: string; v?: unknown };
type TypedArrayName =
  | "Int8Array"
  | "Uint8Array"
  | "Uint8ClampedArray"
  | "Int16Array"
  | "Uint16Array"
  | "Int32Array"
  | "Uint32Array"
  | "Float32Array"
  | "Float64Array"
  | "BigInt64Array"
  | "BigUint64Array";

const FAST_DEPTH = 64;

/** True when JSON.stringify/parse gives `v` back unchanged (no undefined, NaN, -0, Date, cycles...). */
function isJsonSafe(v: unknown, depth: number): boolean {
  switch (typeof v) {
    case "string":
    case "boolean":
      return true;
    case "number":
      return Number.isFinite(v) && !Object.is(v, -0);
    case "object": {
      if (v === null) return true;
      if (depth > FAST_DEPTH) return false;
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) if (!isJsonSafe(v[i], depth + 1)) return false;
        return true;
      }
      const proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) return false;
      for (const key in v) {
        if (key === TAG) return false;
        if (!isJsonSafe((v as Record<string, unknown>)[key], depth + 1)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}

function encodeSlow(v: unknown, path: string, seen: Set<object>): unknown {
  switch (typeof v) {
    case "undefined":
      return { [TAG]: "u" };
    case "number":
      if (Number.isFinite(v) && !Object.is(v, -0)) return v;
      return { [TAG]: "n", v: Object.is(v, -0) ? "-0" : String(v) };
    case "bigint":
      return { [TAG]: "b", v: v.toString() };
    case "string":
    case "boolean":
      return v;
    case "function":
      throw new UnsupportedValueError(path, `a function${v.name ? ` (${v.name})` : ""}`);
    case "symbol":
      throw new UnsupportedValueError(path, "a symbol");
  }
  if (v === null) return null;
  const obj = v as object;
  if (seen.has(obj)) throw new UnsupportedValueError(path, "a circular reference");
  seen.add(obj);
  try {
    if (Array.isArray(obj)) return obj.map((x, i) => encodeSlow(x, `${path}[${i}]`, seen));
    if (obj instanceof Date) return { [TAG]: "d", v: obj.getTime() };
    if (obj instanceof Map) {
      let i = 0;
      const entries = [...obj].map(([k, x]) => {
        const at = `${path}<entry ${i++}>`;
        return [encodeSlow(k, at, seen), encodeSlow(x, at, seen)];
      });
      return { [TAG]: "m", v: entries };
    }
    if (obj instanceof Set)
      return { [TAG]: "s", v: [...obj].map((x, i) => encodeSlow(x, `${path}<${i}>`, seen)) };
    if (obj instanceof RegExp) return { [TAG]: "r", v: [obj.source, obj.flags] };
    if (obj instanceof Error) return { [TAG]: "e", v: encodeSlow(serializeError(obj), path, seen) };
    if (ArrayBuffer.isView(obj)) {
      const bytes = new Uint8Array(obj.buffer, obj.byteOffset, obj.byteLength);
      return { [TAG]: "t", v: [obj.constructor.name, toBase64(bytes)] };
    }
    if (obj instanceof ArrayBuffer) return { [TAG]: "a", v: toBase64(new Uint8Array(obj)) };
    if (obj instanceof WeakMap || obj instanceof WeakSet || obj instanceof Promise) {
      throw new UnsupportedValueError(path, `a ${obj.constructor.name}`);
    }
    // Like structured clone: own enumerable fields of any other object, prototype dropped.
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(obj)) {
      out[key] = encodeSlow((obj as Record<string, unknown>)[key], `${path}.${key}`, seen);
    }
    return Object.hasOwn(obj, TAG) ? { [TAG]: "o", v: out } : out;
  } finally {
    seen.delete(obj);
  }
}

/** Turns `value` into a JSON-safe tree; throws UnsupportedValueError (naming the path) for what cannot travel. */
export function encode(value: unknown, path = "value"): unknown {
  return isJsonSafe(value, 0) ? value : encodeSlow(value, path, new Set());
}

function hasTags(v: unknown): boolean {
  if (v === null || typeof v !== "object") return false;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const x = v[i];
      if (x !== null && typeof x === "object" && hasTags(x)) return true;
    }
    return false;
  }
  if (Object.hasOwn(v, TAG)) return true;
  for (const key in v) if (hasTags((v as Record<string, unknown>)[key])) return true;
  return false;
}

function typedArray(name: string, b64: string): ArrayBufferView {
  const bytes = Buffer.from(b64, "base64");
  const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const Ctor = (
    globalThis as unknown as Record<TypedArrayName | "DataView", new (b: ArrayBuffer) => ArrayBufferView>
  )[name as TypedArrayName];
  if (typeof Ctor !== "function") return new Uint8Array(buf);
  return new Ctor(buf);
}

function decodeSlow(v: unknown): unknown {
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) return v.map(decodeSlow);
  const obj = v as Record<string, unknown>;
  if (!Object.hasOwn(obj, TAG)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(obj)) out[key] = decodeSlow(obj[key]);
    return out;
  }
  const t = obj as Tagged;
  switch (t[TAG]) {
    case "u":
      return undefined;
    case "n":
      return t.v === "-0" ? -0 : Number(t.v);
    case "b":
      return BigInt(t.v as string);
    case "d":
      return new Date(t.v as number);
    case "m":
      return new Map((t.v as [unknown, unknown][]).map(([k, x]) => [decodeSlow(k), decodeSlow(x)]));
    case "s":
      return new Set((t.v as unknown[]).map(decodeSlow));
    case "r": {
      const [source, flags] = t.v as [string, string];
      return new RegExp(source, flags);
    }
    case "e":
      return deserializeError(decodeSlow(t.v) as Parameters<typeof deserializeError>[0]);
    case "t": {
      const [name, b64] = t.v as [string, string];
      return typedArray(name, b64);
    }
    case "a": {
      const bytes = Buffer.from(t.v as string, "base64");
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    }
    case "o": {
      const inner = t.v as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(inner)) out[key] = decodeSlow(inner[key]);
      return out;
    }
    default:
      return obj;
  }
}

/** The inverse of `encode`. */
export function decode(value: unknown): unknown {
  return hasTags(value) ? decodeSlow(value) : value;
}
