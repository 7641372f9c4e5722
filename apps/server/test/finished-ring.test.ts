/** The columnar store of finished tasks: id codec, id table, ring eviction and growth. */
import { describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { type FinishedInput, FinishedRing } from "../src/store/finished-ring.ts";
import { IdTable, packId, unpackId } from "../src/store/task-ids.ts";
import type { DoneView } from "../src/wire.ts";

const newId = () => randomBytes(12).toString("base64url");

function input(id: string, i: number, over: Partial<FinishedInput> = {}): FinishedInput & { view: DoneView } {
  return {
    id,
    pool: i % 2 ? "a" : "b",
    task: `t${i % 3}`,
    args: [i],
    submittedAt: 1000 + i,
    startedAt: i % 5 === 0 ? undefined : 1000.5 + i,
    finishedAt: 2000 + i,
    seq: i + 1,
    view:
      i % 7 === 0
        ? {
            id,
            state: "CANCELLED",
            done: true,
            ok: false,
            error: { name: "CancelledError", message: "x" } as never,
          }
        : {
            id,
            state: "FINISHED",
            done: true,
            ok: true,
            value: { i },
            ...(i % 4 === 0 ? { progress: i } : {}),
          },
    ...over,
  };
}

function push(ring: FinishedRing, t: FinishedInput & { view: DoneView }): void {
  ring.push(t, t.view);
}

describe("task ids", () => {
  test("16 URL-safe characters pack into four words and back", () => {
    const words = new Int32Array(4);
    for (let i = 0; i < 1000; i++) {
      const id = newId();
      expect(packId(id, words, 0)).toBe(true);
      expect(unpackId(words, 0)).toBe(id);
    }
    for (const id of ["AAAAAAAAAAAAAAAA", "________________", "-_-_-_-_-_-_-_-_"]) {
      expect(packId(id, words, 0)).toBe(true);
      expect(unpackId(words, 0)).toBe(id);
    }
  });

  test.each([
    "",
    "short",
    "AAAAAAAAAAAAAAA",
    "AAAAAAAAAAAAAAAAA",
    "AAAAAAAAAAAAAAA=",
    "AAAAAAAAAAAAAAAé",
    "AAAAAAAAAAAAAAA ",
  ])("%p is not an id", (id) => {
    expect(packId(id, new Int32Array(4), 0)).toBe(false);
  });

  test("the table finds every slot, and removal in any order keeps the rest findable", () => {
    const n = 5000;
    const ids = new Int32Array(n * 4);
    const strings = Array.from({ length: n }, newId);
    for (const [s, id] of strings.entries()) packId(id, ids, s * 4);
    // Capacity n: the table runs at load 0.3..0.6, long probe runs included.
    const table = new IdTable(n, () => ids);
    for (let s = 0; s < n; s++) table.add(s);
    for (const [s, id] of strings.entries()) expect(table.find(id)).toBe(s);
    const order = [...strings.keys()].sort(() => Math.random() - 0.5);
    const removed = new Set(order.slice(0, n / 2));
    for (const s of removed) table.remove(s);
    for (const [s, id] of strings.entries()) expect(table.find(id)).toBe(removed.has(s) ? -1 : s);
    expect(table.find(newId())).toBe(-1);
    expect(table.find("not an id")).toBe(-1);
  });
});

describe("FinishedRing", () => {
  test("keeps at most maxRetained, drops the oldest first, grows without losing order or lookups", () => {
    // Starts with 16 slots: grows 8 times, then wraps.
    const ring = new FinishedRing(3000, 16);
    const ids = Array.from({ length: 5000 }, newId);
    for (const [i, id] of ids.entries()) {
      push(ring, input(id, i));
      if (i === 1000) expect(ring.find(ids[0] as string)?.seq).toBe(1);
    }
    expect(ring.size).toBe(3000);
    expect(ring.find(ids[1999] as string)).toBeUndefined();
    expect([...ring.all()].map((t) => t.id)).toEqual(ids.slice(2000));
    for (const i of [2000, 2001, 2500, 4999]) {
      const t = ring.find(ids[i] as string);
      const want = input(ids[i] as string, i);
      expect(t?.view()).toEqual(want.view);
      expect(t).toMatchObject({ pool: want.pool, task: want.task, args: [i], seq: i + 1 });
      expect(t?.submittedAt).toBe(1000 + i);
      expect(t?.startedAt).toBe(i % 5 === 0 ? undefined : 1000.5 + i);
      expect(t?.finishedAt).toBe(2000 + i);
    }
    expect(ring.oldestFinishedAt()).toBe(4000);
    ring.dropOldest();
    expect(ring.find(ids[2000] as string)).toBeUndefined();
    expect(ring.oldestFinishedAt()).toBe(4001);
  });

  test("arguments come back equal whether kept as bytes (small primitives) or as they are", () => {
    const ring = new FinishedRing(100);
    const cases: unknown[][] = [
      [],
      [1, 2],
      [123456789, -1.5, true, null, "é"],
      ["x".repeat(30)],
      [-0],
      [Number.NaN],
      [{ a: 1 }],
      [1, 2, 3, 4, 5, 6, 7, 8, 9],
    ];
    const ids = cases.map((args, i) => {
      const t = input(newId(), i, { args });
      push(ring, t);
      return t.id;
    });
    cases.forEach((args, i) => {
      const back = ring.find(ids[i] as string)?.args;
      expect(back).toEqual(args);
      if (args.length === 1 && Object.is(args[0], -0)) expect(Object.is(back?.[0], -0)).toBe(true);
    });
    // Objects are kept by reference, not copied.
    expect(ring.find(ids[6] as string)?.args).toBe(cases[6] as unknown[]);
  });

  test("an evicted slot forgets its values (no leak through the plain columns)", () => {
    const ring = new FinishedRing(2);
    const big = { payload: "x".repeat(100) };
    const a = newId();
    push(ring, input(a, 1, { args: [big] }));
    push(ring, input(newId(), 2));
    push(ring, input(newId(), 3));
    expect(ring.find(a)).toBeUndefined();
    expect([...ring.all()].some((t) => t.args[0] === big)).toBe(false);
  });
});
