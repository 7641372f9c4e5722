/**
 * map on real workers (both executors): zip, order, chunksize, exact bulk values, errors at their position, deadline. Early stop: cancel.test.ts.
 */
import { describe, expect, test } from "bun:test";
import { TimeoutError } from "@conc/core";
import { cleanUpExecutors, collect, kinds } from "./fixtures/executors.ts";
import * as tasks from "./fixtures/tasks.ts";

cleanUpExecutors();

for (const kind of kinds) {
  describe(kind.name, () => {
    test("map zips iterables, keeps order and honours chunksize", async () => {
      const ex = kind.make({ maxWorkers: 2 });
      expect(await collect(ex.map(tasks.add, [1, 2, 3], [10, 20, 30, 40]))).toEqual([11, 22, 33]);
      const n = 1000;
      const items = Array.from({ length: n }, (_, i) => i);
      expect(await collect(ex.map(tasks.square, items, { chunksize: 64 }))).toEqual(items.map((i) => i * i));
      function* gen() {
        yield 1;
        yield 2;
      }
      expect(await collect(ex.map(tasks.square, gen(), { buffersize: 1 }))).toEqual([1, 4]);
      expect(await collect(ex.map(tasks.square, []))).toEqual([]);
    });

    test("bulk map keeps exact values, JSON-safe or not", async () => {
      const ex = kind.make({ maxWorkers: 2 });
      const plain = Array.from({ length: 500 }, (_, i) => ({ i, s: `x${i}` }));
      const exotic = Array.from({ length: 500 }, (_, i) =>
        i % 5 === 0
          ? -0
          : i % 5 === 1
            ? BigInt(i)
            : i % 5 === 2
              ? new Date(i)
              : i % 5 === 3
                ? Number.NaN
                : undefined,
      );
      expect(await collect(ex.map(tasks.identity, plain, { chunksize: 250 }))).toEqual(plain);
      const back = await collect(ex.map(tasks.identity, exotic, { chunksize: 250 }));
      expect(back).toEqual(exotic);
      expect(Object.is(back[0], -0)).toBe(true);
      expect(typeof back[1]).toBe("bigint");
      expect(back[2]).toBeInstanceOf(Date);
      expect(back[3]).toBeNaN();
      expect(4 in back).toBe(true);
      const numbers = Array.from({ length: 500 }, (_, i) =>
        i % 4 === 0 ? -0 : i % 4 === 1 ? Number.NaN : i / 3,
      );
      const nums = await collect(ex.map(tasks.identity, numbers, { chunksize: 250 }));
      expect(nums).toEqual(numbers);
      expect(Object.is(nums[0], -0)).toBe(true);
    });

    test("map re-raises a task's error at its position", async () => {
      const ex = kind.make();
      for (const chunksize of [1, 3]) {
        const seen: number[] = [];
        let error: unknown;
        try {
          for await (const r of ex.map(tasks.failIf, [0, 1, 2, 3, 4], [3, 3, 3, 3, 3], { chunksize }))
            seen.push(r);
        } catch (e) {
          error = e;
        }
        expect(seen).toEqual([0, 1, 2]);
        expect(error).toBeInstanceOf(RangeError);
      }
    });

    test("map throws TimeoutError after its deadline and cancels the rest", async () => {
      const ex = kind.make({ maxWorkers: 1 });
      const it = ex.map(tasks.sleep, [10, 2000, 2000, 2000]);
      const first = await it.next();
      expect(first.value).toBe(10);
      const it2 = ex.map(tasks.sleep, [300, 300], { timeout: 50 });
      await expect(it2.next()).rejects.toBeInstanceOf(TimeoutError);
      await it.return?.();
    });
  });
}
