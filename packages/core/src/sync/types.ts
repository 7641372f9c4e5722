/** The element types of Value and SharedArray (ctypes-like), with Python's typecodes as aliases. */
import { ArgumentTypeError } from "../errors.ts";

export type NumericType = "i8" | "u8" | "i16" | "u16" | "i32" | "u32" | "f32" | "f64" | "i64" | "u64";
/** Python's array/ctypes typecodes, accepted as aliases ("i" = i32, "d" = f64, "q" = i64, ...). */
export type TypeCode = "b" | "B" | "h" | "H" | "i" | "I" | "l" | "L" | "q" | "Q" | "f" | "d";
export type BigType = "i64" | "u64" | "l" | "L" | "q" | "Q";
/** Values of a type: bigint for the 64-bit integers, number otherwise. */
export type ValueOf<K extends NumericType | TypeCode> = K extends BigType ? bigint : number;
/** What a constructor accepts: 64-bit types also take integer numbers. */
export type InitOf<K extends NumericType | TypeCode> = K extends BigType ? bigint | number : number;

export type TypedArrayOf<K extends NumericType | TypeCode> = K extends "i8" | "b"
  ? Int8Array
  : K extends "u8" | "B"
    ? Uint8Array
    : K extends "i16" | "h"
      ? Int16Array
      : K extends "u16" | "H"
        ? Uint16Array
        : K extends "i32" | "i"
          ? Int32Array
          : K extends "u32" | "I"
            ? Uint32Array
            : K extends "f32" | "f"
              ? Float32Array
              : K extends "f64" | "d"
                ? Float64Array
                : K extends "i64" | "l" | "q"
                  ? BigInt64Array
                  : BigUint64Array;

type AnyTypedCtor =
  | Int8ArrayConstructor
  | Uint8ArrayConstructor
  | Int16ArrayConstructor
  | Uint16ArrayConstructor
  | Int32ArrayConstructor
  | Uint32ArrayConstructor
  | Float32ArrayConstructor
  | Float64ArrayConstructor
  | BigInt64ArrayConstructor
  | BigUint64ArrayConstructor;

export const CTORS: Record<NumericType, AnyTypedCtor> = {
  i8: Int8Array,
  u8: Uint8Array,
  i16: Int16Array,
  u16: Uint16Array,
  i32: Int32Array,
  u32: Uint32Array,
  f32: Float32Array,
  f64: Float64Array,
  i64: BigInt64Array,
  u64: BigUint64Array,
};

/** Python's array/ctypes typecodes (Linux x86-64 sizes). */
const TYPECODES: Record<TypeCode, NumericType> = {
  b: "i8",
  B: "u8",
  h: "i16",
  H: "u16",
  i: "i32",
  I: "u32",
  l: "i64",
  L: "u64",
  q: "i64",
  Q: "u64",
  f: "f32",
  d: "f64",
};

/** Resolves a type name or typecode; anything else is a TypeError naming the choices. */
export function resolveType(type: unknown, what: string): NumericType {
  if (typeof type === "string") {
    if (Object.hasOwn(CTORS, type)) return type as NumericType;
    const alias = TYPECODES[type as TypeCode];
    if (alias) return alias;
  }
  throw new ArgumentTypeError(
    `${what} type must be one of ${Object.keys(CTORS).join(", ")} (or a Python typecode such as "i", "d"), got ${typeof type === "string" ? `"${type}"` : String(type)}.`,
    "type",
  );
}

export function isBig(type: NumericType): boolean {
  return type === "i64" || type === "u64";
}

/** Checks one element value; 64-bit types take bigint (or an integer number), the others numbers. */
export function coerce(type: NumericType, v: unknown, what: string): number | bigint {
  if (isBig(type)) {
    if (typeof v === "bigint") return v;
    if (typeof v === "number" && Number.isInteger(v)) return BigInt(v);
    throw new ArgumentTypeError(`${what} of type ${type} must be a bigint, got ${String(v)}.`, what);
  }
  if (typeof v === "number") return v;
  if (typeof v === "boolean") return v ? 1 : 0;
  throw new ArgumentTypeError(
    `${what} of type ${type} must be a number, got ${typeof v === "bigint" ? `${v}n` : String(v)}.`,
    what,
  );
}
