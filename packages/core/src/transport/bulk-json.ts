/**
 * Bulk payloads over process IPC. Bun's "advanced" IPC serialization is slow for large arrays
 * (a 125k-number array round trip: ~150 ms) while a string of the same data moves in ~25 ms.
 * So arrays of plain JSON data travel as JSON text, marked by position in the message (`j`);
 * anything JSON cannot carry exactly (BigInt, Date, Map, -0, undefined, NaN...) keeps the
 * structured path. Measured on Bun 1.4.5; revisit when Bun's IPC serializer gets faster.
 */
import {
  IN_RUN,
  OUT_RESULTS,
  type ParentMessage,
  R_VALUE,
  RESULT_FIELDS,
  T_ARGS,
  TASK_FIELDS,
  type WorkerMessage,
} from "./protocol.ts";

/** Arrays shorter than this are not worth checking. */
const MIN_LENGTH = 64;
const MAX_DEPTH = 6;

/** True when JSON.parse(JSON.stringify(v)) gives back an equal value. */
export function jsonExact(v: unknown, depth = 0): boolean {
  switch (typeof v) {
    case "string":
    case "boolean":
      return true;
    case "number":
      return Number.isFinite(v) && !Object.is(v, -0);
    case "object": {
      if (v === null) return true;
      if (depth >= MAX_DEPTH) return false;
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) if (!(i in v) || !jsonExact(v[i], depth + 1)) return false;
        return true;
      }
      if (Object.getPrototypeOf(v) !== Object.prototype) return false;
      for (const key in v) {
        if (!jsonExact((v as Record<string, unknown>)[key], depth + 1)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

function allNumbers(v: unknown[]): boolean {
  for (let i = 0; i < v.length; i++) if (typeof v[i] !== "number") return false;
  return true;
}

/** Numbers travel as the base64 of their float64 bytes: exact for every number (-0, NaN, ±Infinity too). */
function encodeNumbers(v: number[]): string {
  const f = new Float64Array(v);
  return Buffer.from(f.buffer, f.byteOffset, f.byteLength).toString("base64");
}

function decodeNumbers(s: string): number[] {
  const b = Buffer.from(s, "base64");
  const f = new Float64Array(b.buffer, b.byteOffset, b.byteLength / 8);
  const out = new Array<number>(f.length);
  for (let i = 0; i < f.length; i++) out[i] = f[i] as number;
  return out;
}

function pack(
  list: unknown[],
  first: number,
  step: number,
): { list: unknown[]; j: number[]; f: number[] } | undefined {
  let out: unknown[] | undefined;
  const j: number[] = [];
  const f: number[] = [];
  for (let i = first; i < list.length; i += step) {
    const v = list[i];
    if (!Array.isArray(v) || v.length < MIN_LENGTH) continue;
    if (allNumbers(v)) {
      out ??= list.slice();
      out[i] = encodeNumbers(v);
      f.push(i);
    } else if (jsonExact(v)) {
      out ??= list.slice();
      out[i] = JSON.stringify(v);
      j.push(i);
    }
  }
  return out ? { list: out, j, f } : undefined;
}

function unpack(list: unknown[], j: number[] | undefined, f: number[] | undefined): void {
  if (j) for (const i of j) list[i] = JSON.parse(list[i] as string);
  if (f) for (const i of f) list[i] = decodeNumbers(list[i] as string);
}

/** Parent side, before sending: encode bulk task arguments. */
export function packParent(msg: ParentMessage): ParentMessage {
  if (msg.k !== IN_RUN) return msg;
  const packed = pack(msg.t, T_ARGS, TASK_FIELDS);
  return packed ? { ...msg, t: packed.list, j: packed.j, f: packed.f } : msg;
}

/** Worker side, on receipt. */
export function unpackParent(msg: ParentMessage): ParentMessage {
  if (msg.k === IN_RUN) unpack(msg.t, msg.j, msg.f);
  return msg;
}

/** Worker side, before sending: encode bulk results. */
export function packWorker(msg: WorkerMessage): WorkerMessage {
  if (msg.k !== OUT_RESULTS) return msg;
  const packed = pack(msg.r, R_VALUE, RESULT_FIELDS);
  return packed ? { ...msg, r: packed.list, j: packed.j, f: packed.f } : msg;
}

/** Parent side, on receipt. */
export function unpackWorker(msg: WorkerMessage): WorkerMessage {
  if (msg.k === OUT_RESULTS) unpack(msg.r, msg.j, msg.f);
  return msg;
}
