import { describe, expect, test } from "bun:test";
import { decode, encode } from "./codec.ts";
import { UnsupportedValueError } from "./errors.ts";

const roundTrip = (v: unknown) => decode(JSON.parse(JSON.stringify(encode(v))));

describe("codec", () => {
  test("JSON values pass through untouched (same object, no copy)", () => {
    const v = { a: [1, "x", true, null, { b: 2 }] };
    expect(encode(v)).toBe(v);
    expect(decode(v)).toBe(v);
  });

  const cases: [string, unknown][] = [
    ["undefined", undefined],
    ["NaN", Number.NaN],
    ["-Infinity", Number.NEGATIVE_INFINITY],
    ["bigint", -(2n ** 80n)],
    ["Date", new Date(0)],
    ["Map", new Map<unknown, unknown>([[{ k: 1 }, [undefined]]])],
    ["Set", new Set([1, "1"])],
    ["RegExp", /a+b/gi],
    ["Float64Array", new Float64Array([1.5, -0])],
    ["BigInt64Array", new BigInt64Array([1n, -1n])],
    ["object with a $$ key", { $$: "d", v: 1 }],
    ["undefined inside arrays and objects", [undefined, { x: undefined }]],
  ];
  for (const [name, value] of cases) {
    test(`${name} round-trips`, () => {
      expect(roundTrip(value)).toEqual(value);
    });
  }

  test("-0 stays -0", () => {
    expect(Object.is(roundTrip(-0), -0)).toBe(true);
  });

  test("errors travel with class name, message and fields", () => {
    const err = Object.assign(new RangeError("too big"), { limit: 3 });
    const back = roundTrip({ err }) as { err: RangeError & { limit: number } };
    expect(back.err).toBeInstanceOf(RangeError);
    expect(back.err.message).toBe("too big");
    expect(back.err.limit).toBe(3);
  });

  test("class instances travel as their own fields, like structured clone", () => {
    class P {
      constructor(readonly x: number) {}
    }
    expect(roundTrip(new P(4))).toEqual({ x: 4 });
  });

  test("what cannot travel is refused with its path", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.me = cyclic;
    expect(() => encode([1, { f: () => 1 }], "args")).toThrow(UnsupportedValueError);
    expect(() => encode([1, { f: () => 1 }], "args")).toThrow(/args\[1\]\.f is a function/);
    expect(() => encode({ s: Symbol("x") }, "args")).toThrow(/args\.s is a symbol/);
    expect(() => encode(cyclic, "args")).toThrow(/circular/);
    expect(() => encode(new WeakMap())).toThrow(/WeakMap/);
  });

  test("a repeated (non-circular) reference is fine", () => {
    const shared = { n: new Date(5) };
    expect(roundTrip([shared, shared])).toEqual([shared, shared]);
  });
});
