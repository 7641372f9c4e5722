import { expect, test } from "bun:test";
import { preview, ROW_LIMITS } from "./preview.ts";

test("any value becomes bounded JSON", () => {
  const cyc: Record<string, unknown> = { a: 1 };
  cyc.self = cyc;
  const out = preview({
    n: 1n,
    m: new Map([["k", 1]]),
    s: new Set([1]),
    d: new Date(0),
    cyc,
    inf: Infinity,
    u: undefined,
    f: preview,
    big: "x".repeat(3000),
    arr: Array.from({ length: 60 }, (_, i) => i),
    buf: new Uint8Array(4),
  }) as Record<string, unknown>;
  expect(JSON.parse(JSON.stringify(out))).toEqual(out);
  expect(out.n).toBe("1n");
  expect(out.m).toEqual({ "[Map]": [["k", 1]] });
  expect(out.s).toEqual({ "[Set]": [1] });
  expect(out.d).toBe("1970-01-01T00:00:00.000Z");
  expect((out.cyc as Record<string, unknown>).self).toBe("[circular]");
  expect(out.inf).toBe("Infinity");
  expect(out.f).toBe("[function preview]");
  expect((out.big as string).length).toBeLessThan(2100);
  expect((out.arr as unknown[]).length).toBe(51);
  expect(out.buf).toBe("[Uint8Array(4)]");
  // The same object twice (not a cycle) is shown twice.
  const shared = { x: 1 };
  expect(preview([shared, shared])).toEqual([{ x: 1 }, { x: 1 }]);
});

test("a value too large in all directions stays within the budget", () => {
  // 50^6 leaves as a tree, built from shared levels (so building it costs nothing).
  const wide = (d: number): unknown => (d === 0 ? "x".repeat(100) : new Array(50).fill(wide(d - 1)));
  const big = JSON.stringify(preview(wide(6)));
  expect(big.length).toBeLessThan(200_000);
  const row = JSON.stringify(
    preview({ done: 1, total: 2, note: "y".repeat(500), list: wide(3) }, ROW_LIMITS),
  );
  expect(row.length).toBeLessThan(1_000);
  expect(preview({ done: 1, total: 2 }, ROW_LIMITS)).toEqual({ done: 1, total: 2 });
});
