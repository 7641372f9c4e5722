/**
 * Queue items as bytes: numbers, strings, booleans, null and undefined have their own tags (the common case
 * costs no serializer); anything else is structured-cloned with bun:jsc (the format postMessage uses), and
 * sync primitives inside items cross as handles.
 */
import { deserialize, serialize } from "bun:jsc";
import { containsHandles, reviveHandles } from "./handle.ts";

const T_UNDEFINED = 0;
const T_NULL = 1;
const T_TRUE = 2;
const T_FALSE = 3;
const T_NUMBER = 4;
const T_STRING = 5;
const T_CLONE = 6;
const T_CLONE_HANDLES = 7;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Per-thread scratch: [u32 record length][tag][payload]. */
let scratch = new Uint8Array(1024);
let view = new DataView(scratch.buffer);

function room(n: number): void {
  if (scratch.length >= n) return;
  scratch = new Uint8Array(Math.max(n, scratch.length * 2));
  view = new DataView(scratch.buffer);
}

/** Encodes `item` into the scratch buffer; returns [buffer, record length incl. the 4-byte prefix]. */
export function encodeItem(item: unknown): [Uint8Array, number] {
  let n: number;
  switch (typeof item) {
    case "number":
      view.setFloat64(5, item, true);
      scratch[4] = T_NUMBER;
      n = 13;
      break;
    case "string": {
      room(5 + item.length * 3);
      scratch[4] = T_STRING;
      n = 5 + encoder.encodeInto(item, scratch.subarray(5)).written;
      break;
    }
    case "boolean":
      scratch[4] = item ? T_TRUE : T_FALSE;
      n = 5;
      break;
    case "undefined":
      scratch[4] = T_UNDEFINED;
      n = 5;
      break;
    default: {
      if (item === null) {
        scratch[4] = T_NULL;
        n = 5;
        break;
      }
      const bytes = new Uint8Array(serialize(item));
      room(5 + bytes.length);
      scratch[4] = containsHandles(item) ? T_CLONE_HANDLES : T_CLONE;
      scratch.set(bytes, 5);
      n = 5 + bytes.length;
    }
  }
  view.setUint32(0, n, true);
  return [scratch, n];
}

/** The scratch buffer encodeItem wrote to (valid until the next encodeItem on this thread). */
export function scratchBytes(): Uint8Array {
  return scratch;
}

/** Decodes a record body lying in one piece at `ring[at .. at+len)` without copying numbers or strings. */
export function decodeAt(ring: Uint8Array, view: DataView, at: number, len: number): unknown {
  switch (ring[at]) {
    case T_NUMBER:
      return view.getFloat64(at + 1, true);
    case T_STRING:
      return decoder.decode(ring.subarray(at + 1, at + len));
    default:
      return decodeItem(ring.slice(at, at + len));
  }
}

/** Decodes one record body (`bytes` = tag + payload). */
export function decodeItem(bytes: Uint8Array): unknown {
  switch (bytes[0]) {
    case T_NUMBER:
      return new DataView(bytes.buffer, bytes.byteOffset + 1, 8).getFloat64(0, true);
    case T_STRING:
      return decoder.decode(bytes.subarray(1));
    case T_TRUE:
      return true;
    case T_FALSE:
      return false;
    case T_NULL:
      return null;
    case T_UNDEFINED:
      return undefined;
    case T_CLONE:
      return deserialize(bytes.slice(1));
    case T_CLONE_HANDLES:
      return reviveHandles(deserialize(bytes.slice(1)));
    default:
      throw new Error(`conc internal error: bad queue record tag ${bytes[0]}.`);
  }
}
