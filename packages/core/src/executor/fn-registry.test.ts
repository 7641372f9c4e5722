import { expect, test } from "bun:test";
import { REF_EXPORT, REF_SOURCE } from "../transport/protocol.ts";
import { FnRegistry } from "./fn-registry.ts";

const exports = { add: (a: number, b: number) => a + b, notFn: 1 } as Record<string, unknown>;

test("exported names and source get stable ids and the right definitions", () => {
  const r = new FnRegistry("file:///tasks.ts", () => exports);
  function add(a: number, b: number) {
    return a + b;
  }
  const byName = r.idOf("add");
  expect(r.idOf(add)).toBe(byName);
  expect(r.defs[byName]).toEqual([byName, REF_EXPORT, "add"]);
  const src = r.idOf((x: number) => x * 2);
  expect(r.defs[src]?.[1]).toBe(REF_SOURCE);
});

test("bad functions are refused with a clear error", () => {
  const r = new FnRegistry("file:///tasks.ts", () => exports);
  const cases: [() => unknown, RegExp][] = [
    [() => r.idOf("nope"), /not an exported function/],
    [() => r.idOf("notFn"), /not an exported function/],
    [() => r.idOf(Math.max), /native or bound/],
    [() => new FnRegistry(null, () => undefined).idOf("add"), /no task module/],
  ];
  for (const [call, message] of cases) expect(call).toThrow(message);
});

test("a name accepted before the exports were known is checked once they are", () => {
  let ns: Record<string, unknown> | undefined;
  const r = new FnRegistry("file:///tasks.ts", () => ns);
  expect(r.idOf("later")).toBe(0);
  ns = exports;
  expect(() => r.idOf("later")).toThrow(/not an exported function/);
});
