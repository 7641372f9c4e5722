/**
 * submit/run on both executors: results, functions shipped by source, task errors with their class, bad input at the call site.
 */
import { describe, expect, test } from "bun:test";
import { asCompleted, ProcessPoolExecutor, RemoteError, ThreadPoolExecutor } from "@conc/core";
import { cleanUpExecutors, kinds, module, track } from "./fixtures/executors.ts";
import * as tasks from "./fixtures/tasks.ts";

cleanUpExecutors();

for (const kind of kinds) {
  describe(kind.name, () => {
    test("submit and run return results", async () => {
      const ex = kind.make({ maxWorkers: 2 });
      expect(await ex.submit(tasks.add, 1, 2).result()).toBe(3);
      expect(await ex.run(tasks.square, 7)).toBe(49);
      expect(await ex.run("add", 2, 2)).toBe(4);
      expect(await ex.run(tasks.sleep, 5, { a: [1n, new Date(0)] })).toEqual({ a: [1n, new Date(0)] });
    });

    test("many tasks all complete, in any mix of workers", async () => {
      const ex = kind.make({ maxWorkers: 2 });
      const futures = Array.from({ length: 5000 }, (_, i) => ex.submit(tasks.add, i, i));
      const results = await Promise.all(futures.map((f) => f.result()));
      expect(results).toEqual(Array.from({ length: 5000 }, (_, i) => 2 * i));
    });

    test("self-contained functions are shipped by source", async () => {
      const ex = kind.bare();
      expect(await ex.run((a: number, b: number) => a * b, 6, 7)).toBe(42);
      expect(await ex.run(async (s: string) => s.toUpperCase(), "hi")).toBe("HI");
      expect(
        await ex.run(function named(n: number) {
          return n + 1;
        }, 1),
      ).toBe(2);
    });

    test("a captured variable fails with an error naming it", async () => {
      const ex = kind.bare();
      const factor = Number(process.env.CONC_TEST_FACTOR ?? 3); // not a literal: Bun would inline it
      const err = (await ex.submit((x: number) => x * factor, 2).exception()) as Error;
      expect(err).toBeInstanceOf(ReferenceError);
      expect(err.message).toContain("'factor'");
      expect(err.message).toContain("argument");
      expect(await ex.run((x: number) => x + 1, 1)).toBe(2);
    });

    test("task errors keep class, message, stack, cause and fields", async () => {
      const ex = kind.make();
      const err = (await ex.submit(tasks.fail, "broken thing").exception()) as tasks.CustomError;
      expect(err).toBeInstanceOf(tasks.CustomError);
      expect(err.name).toBe("CustomError");
      expect(err.message).toBe("broken thing");
      expect(err.code).toBe(42);
      expect(err.stack).toContain("fail");
      const withCause = (await ex.submit(tasks.failTypeWithCause).exception()) as Error;
      expect(withCause).toBeInstanceOf(TypeError);
      expect(withCause.cause).toBeInstanceOf(RangeError);
      expect((withCause.cause as Error).message).toBe("inner");
    });

    test("an error class the parent cannot find arrives as RemoteError with its data", async () => {
      const ex = kind.bare();
      const err = (await ex
        .submit(() => {
          class LocalError extends Error {
            override name = "LocalError";
            detail = { n: 1 };
          }
          throw new LocalError("local");
        })
        .exception()) as RemoteError;
      expect(err).toBeInstanceOf(RemoteError);
      expect(err.name).toBe("LocalError");
      expect(err.message).toBe("local");
      expect(err.detail).toEqual({ n: 1 });
      expect(err.stack).toContain("LocalError");
    });

    test("a thrown non-Error value arrives as is", async () => {
      const ex = kind.bare();
      expect(await ex.submit(() => Promise.reject({ code: 7 })).exception()).toEqual({ code: 7 });
    });

    test("bad input: clear errors at the call site, executor stays usable", async () => {
      const ex = kind.make();
      expect(() => ex.submit(42 as unknown as () => void)).toThrow(TypeError);
      expect(() => ex.submit(tasks.add, (() => 1) as unknown as number, 2)).toThrow(
        /cannot be sent to a worker/,
      );
      expect(() => ex.submit(Math.max)).toThrow(/native or bound/);
      await Bun.sleep(20); // let the parent see the module's exports
      expect(() => ex.submit("nope")).toThrow(/not an exported function/);
      expect(() => ex.submit("constructor")).toThrow(/not an exported function/);
      expect(() => ex.submit("__proto__")).toThrow(/not an exported function/);
      const deep = await ex.submit(tasks.sleep, 1, { f: () => 1 } as unknown as number).exception();
      expect(deep).toBeInstanceOf(TypeError);
      expect(String(deep)).toContain("cannot be sent to a worker");
      expect(() => kind.make({ maxWorkers: 0 })).toThrow(RangeError);
      expect(() => kind.make({ maxWorkers: 1.5 })).toThrow(TypeError);
      expect(() => kind.make({ maxTasksPerChild: -1 })).toThrow(RangeError);
      expect(() => ex.map(tasks.square, [1], { chunksize: 0 })).toThrow(RangeError);
      expect(() => ex.map(tasks.square, 5 as unknown as number[])).toThrow(TypeError);
      expect(await ex.run(tasks.add, 1, 1)).toBe(2);
    });

    test("a function the task module does not export fails with a clear error", async () => {
      const ex = kind.make();
      function hidden(): number {
        return 1;
      }
      // Before the parent has the module's exports, the worker refuses it.
      const err = await ex.submit(hidden).exception();
      expect(String(err)).toContain("'hidden' is not an exported function");
      // Once it has them, the call site does.
      expect(() => ex.submit(hidden)).toThrow(/'hidden' is not an exported function/);
      expect(await ex.run(tasks.add, 1, 2)).toBe(3);
    });

    test("a result that cannot be cloned fails only that task", async () => {
      const ex = kind.make({ maxWorkers: 1 });
      const bad = ex.submit(tasks.returnsFunction);
      const good = ex.submit(tasks.add, 1, 1);
      expect(String(await bad.exception())).toContain("result cannot be sent back");
      expect(await good.result()).toBe(2);
    });

    test("asCompleted works on executor futures", async () => {
      const ex = kind.make({ maxWorkers: 3 });
      await Promise.all([ex.run(tasks.add, 0, 0), ex.run(tasks.add, 0, 0), ex.run(tasks.add, 0, 0)]);
      const fs = [
        ex.submit(tasks.sleep, 300, "c"),
        ex.submit(tasks.sleep, 10, "a"),
        ex.submit(tasks.sleep, 150, "b"),
      ];
      const order: unknown[] = [];
      for await (const f of asCompleted(fs)) order.push(await f.result());
      expect(order).toEqual(["a", "b", "c"]);
    });
  });
}

test("process tasks run in other processes", async () => {
  const ex = track(new ProcessPoolExecutor({ module, maxWorkers: 2 }));
  const pid = await ex.run(tasks.pid);
  expect(pid).not.toBe(process.pid);
  expect(ex.pids()).toContain(pid);
});

test("thread concurrency must be a positive integer", () => {
  expect(() => new ThreadPoolExecutor({ concurrency: 0 })).toThrow(RangeError);
});
