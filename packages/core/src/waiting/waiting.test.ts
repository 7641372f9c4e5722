import { describe, expect, test } from "bun:test";
import { TimeoutError } from "../errors.ts";
import { Future } from "../future/future.ts";
import { asCompleted } from "./as-completed.ts";
import { ALL_COMPLETED, FIRST_COMPLETED, FIRST_EXCEPTION, wait } from "./wait.ts";

function later<T>(ms: number, value: T, fail = false): Future<T> {
  const f = new Future<T>();
  setTimeout(() => (fail ? f.setException(new Error(String(value))) : f.setResult(value)), ms);
  return f;
}
function doneWith<T>(value: T): Future<T> {
  const f = new Future<T>();
  f.setResult(value);
  return f;
}

describe("asCompleted", () => {
  test("yields in completion order, done ones first", async () => {
    const fs = [later(30, "slow"), later(5, "fast"), doneWith("now")];
    const order: string[] = [];
    for await (const f of asCompleted(fs)) order.push(await f.result());
    expect(order).toEqual(["now", "fast", "slow"]);
  });

  test("yields each future once even when listed twice", async () => {
    const a = later(5, 1);
    const seen: Future<number>[] = [];
    for await (const f of asCompleted([a, a, doneWith(2)])) seen.push(f);
    expect(seen.length).toBe(2);
  });

  test("empty input ends at once", async () => {
    let n = 0;
    for await (const _ of asCompleted([])) n++;
    expect(n).toBe(0);
  });

  test("timeout throws TimeoutError naming how many are unfinished", async () => {
    const fs = [doneWith(1), new Future(), new Future()];
    const seen: unknown[] = [];
    let error: unknown;
    try {
      for await (const f of asCompleted(fs, { timeout: 20 })) seen.push(await f.result());
    } catch (e) {
      error = e;
    }
    expect(seen).toEqual([1]);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toBe("2 (of 3) futures unfinished");
  });

  test("the error message names how many of how many are unfinished (CPython test_correct_timeout_exception_msg)", async () => {
    const fs = [doneWith(1), doneWith(2), new Future(), new Future(), new Future()];
    const it = asCompleted(fs, { timeout: 0 });
    expect((await it.next()).done).toBe(false);
    expect((await it.next()).done).toBe(false);
    await expect(it.next()).rejects.toThrow("3 (of 5) futures unfinished");
  });

  test("stopping early forgets the remaining futures; they keep running", async () => {
    const slow = new Future<number>();
    const it = asCompleted([doneWith(0), slow]);
    expect((await it.next()).done).toBe(false);
    await it.return?.();
    expect(slow.state).toBe("PENDING");
    slow.setResult(1);
    expect(await it.next()).toEqual({ done: true, value: undefined });
  });

  test("cancelled and failed futures are yielded too", async () => {
    const c = new Future();
    const e = later(5, "x", true);
    setTimeout(() => c.cancel(), 2);
    const states: string[] = [];
    for await (const f of asCompleted([c, e])) states.push(f.state);
    expect(states).toEqual(["CANCELLED", "FINISHED"]);
  });
});

describe("wait", () => {
  test("ALL_COMPLETED waits for all", async () => {
    const fs = [later(5, 1), later(15, 2)];
    const { done, notDone } = await wait(fs);
    expect(done.size).toBe(2);
    expect(notDone.size).toBe(0);
  });

  test("FIRST_COMPLETED returns after the first", async () => {
    const slow = new Future();
    const fast = later(5, 1);
    const { done, notDone } = await wait([slow, fast], { returnWhen: FIRST_COMPLETED });
    expect([...done]).toEqual([fast]);
    expect([...notDone]).toEqual([slow]);
  });

  test("FIRST_EXCEPTION returns at the first failure", async () => {
    const slow = new Future();
    const ok = doneWith(1);
    const bad = later(5, "x", true);
    const { done, notDone } = await wait([slow, ok, bad], { returnWhen: FIRST_EXCEPTION });
    expect(done).toEqual(new Set<Future<unknown>>([ok, bad]));
    expect(notDone).toEqual(new Set([slow]));
  });

  test("FIRST_EXCEPTION without failures waits for all", async () => {
    const { done } = await wait([later(5, 1), later(10, 2)], { returnWhen: FIRST_EXCEPTION });
    expect(done.size).toBe(2);
  });

  test("FIRST_EXCEPTION ignores cancelled futures", async () => {
    const c = new Future();
    c.cancel();
    const slow = later(10, 1);
    const { done } = await wait([c, slow], { returnWhen: FIRST_EXCEPTION });
    expect(done.size).toBe(2);
  });

  test("timeout returns what is done without throwing", async () => {
    const never = new Future();
    const { done, notDone } = await wait([never, doneWith(1)], { timeout: 10, returnWhen: ALL_COMPLETED });
    expect(done.size).toBe(1);
    expect(notDone).toEqual(new Set([never]));
  });

  test("FIRST_COMPLETED with one already done returns at once (CPython test_first_completed_some_already_completed)", async () => {
    const finished = doneWith(1);
    const pending = new Future();
    const { done, notDone } = await wait([finished, pending], { returnWhen: FIRST_COMPLETED });
    expect([...done]).toEqual([finished]);
    expect([...notDone]).toEqual([pending]);
  });

  test("FIRST_EXCEPTION with one already failed returns at once (CPython test_first_exception_one_already_failed)", async () => {
    const failed = new Future();
    failed.setException(new Error("early"));
    const pending = new Future();
    const { done, notDone } = await wait([pending, failed], { returnWhen: FIRST_EXCEPTION });
    expect([...done]).toEqual([failed]);
    expect([...notDone]).toEqual([pending]);
  });

  test("ALL_COMPLETED counts cancelled and failed futures as done", async () => {
    const c = new Future();
    const e = later(2, "x", true);
    const ok = later(4, 1);
    setTimeout(() => c.cancel(), 1);
    const { done, notDone } = await wait([c, e, ok]);
    expect(done).toEqual(new Set<Future<unknown>>([c, e, ok]));
    expect(notDone.size).toBe(0);
  });

  test("refuses an unknown returnWhen", () => {
    expect(() => wait([], { returnWhen: "SOMETIMES" as typeof ALL_COMPLETED })).toThrow(TypeError);
  });
});
