import { describe, expect, spyOn, test } from "bun:test";
import { CancelledError, InvalidStateError, TimeoutError } from "../errors.ts";
import { Future } from "./future.ts";

describe("Future states and results", () => {
  test("starts PENDING and moves to RUNNING then FINISHED", async () => {
    const f = new Future<number>();
    expect(f.state).toBe("PENDING");
    expect(f.done()).toBe(false);
    expect(f.setRunningOrNotifyCancel()).toBe(true);
    expect(f.running()).toBe(true);
    expect(f.cancel()).toBe(false);
    f.setResult(5);
    expect(f.state).toBe("FINISHED");
    expect(await f.result()).toBe(5);
    expect(await f.exception()).toBeUndefined();
  });

  test("cancel succeeds only while PENDING and is idempotent; a finished future stays uncancelled", async () => {
    const f = new Future();
    expect(f.cancel()).toBe(true);
    expect(f.cancel()).toBe(true);
    expect(f.cancelled()).toBe(true);
    expect(f.done()).toBe(true);
    expect(f.setRunningOrNotifyCancel()).toBe(false);
    await expect(f.result()).rejects.toBeInstanceOf(CancelledError);
    await expect(f.exception()).rejects.toBeInstanceOf(CancelledError);
    const done = new Future();
    done.setResult(1);
    expect(done.cancel()).toBe(false);
  });

  test("exception() returns the error and result() rejects with it", async () => {
    const f = new Future();
    const err = new RangeError("nope");
    f.setException(err);
    expect(await f.exception()).toBe(err);
    await expect(f.result()).rejects.toBe(err);
  });

  test("setting a result or exception on a done future throws InvalidStateError", () => {
    const f = new Future();
    f.setResult(1);
    expect(() => f.setResult(2)).toThrow(InvalidStateError);
    expect(() => f.setException(new Error())).toThrow(InvalidStateError);
    const c = new Future();
    c.cancel();
    expect(() => c.setResult(1)).toThrow(InvalidStateError);
  });

  test("result(timeout) rejects with TimeoutError and leaves the future PENDING", async () => {
    const f = new Future<string>();
    await expect(f.result(10)).rejects.toBeInstanceOf(TimeoutError);
    await expect(f.exception(0)).rejects.toBeInstanceOf(TimeoutError);
    expect(f.state).toBe("PENDING");
    f.setResult("late");
    expect(await f.result(10)).toBe("late");
  });

  test("a timeout past 2^31 ms waits for the result instead of firing at once", async () => {
    const f = new Future<number>();
    const p = f.result(Number.POSITIVE_INFINITY);
    const q = f.result(2 ** 31 + 5);
    setTimeout(() => f.setResult(1), 5);
    expect(await p).toBe(1);
    expect(await q).toBe(1);
  });

  test("a timeout <= 0 is already expired: a done future still answers, a pending one times out", async () => {
    const f = new Future<number>();
    for (const t of [0, -1, -0.5, Number.NEGATIVE_INFINITY]) {
      const err = await f.result(t).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TimeoutError);
      expect((err as TimeoutError).timeoutMs).toBe(t);
      await expect(f.exception(t)).rejects.toBeInstanceOf(TimeoutError);
    }
    expect(f.state).toBe("PENDING");
    f.setResult(7);
    expect(await f.result(0)).toBe(7);
    expect(await f.result(-1)).toBe(7);
  });

  test("a fractional timeout is accepted", async () => {
    const f = new Future<number>();
    await expect(f.result(0.5)).rejects.toBeInstanceOf(TimeoutError);
    f.setResult(1);
    expect(await f.result(0.5)).toBe(1);
  });

  test("a NaN or non-number timeout is a TypeError with a code, even on a done future", async () => {
    const f = new Future();
    f.setResult(1);
    for (const bad of [Number.NaN, "1", null, {}]) {
      const err = await f.result(bad as number).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TypeError);
      expect((err as { code?: string }).code).toBe("ERR_INVALID_ARG_TYPE");
    }
  });

  test("done callbacks run once on completion, at once when already done", () => {
    const f = new Future<number>();
    const seen: string[] = [];
    f.addDoneCallback((x) => seen.push(`a${x.state}`));
    f.addDoneCallback(() => seen.push("b"));
    expect(seen).toEqual([]);
    f.setResult(1);
    expect(seen).toEqual(["aFINISHED", "b"]);
    f.addDoneCallback(() => seen.push("c"));
    expect(seen).toEqual(["aFINISHED", "b", "c"]);
  });

  test("a done callback added after failure or cancel runs at once (CPython test_done_callback_already_failed/cancelled)", () => {
    const failed = new Future();
    failed.setException(new Error("x"));
    const cancelled = new Future();
    cancelled.cancel();
    const seen: string[] = [];
    failed.addDoneCallback((f) => seen.push(`failed:${f.state}`));
    cancelled.addDoneCallback((f) => seen.push(`cancelled:${f.state}`));
    expect(seen).toEqual(["failed:FINISHED", "cancelled:CANCELLED"]);
  });

  test("done callbacks run on cancel too", () => {
    const f = new Future();
    let called = 0;
    f.addDoneCallback(() => called++);
    f.cancel();
    expect(called).toBe(1);
  });

  test("a throwing done callback is logged and does not stop the others", () => {
    const spy = spyOn(console, "error").mockImplementation(() => {});
    try {
      const f = new Future<number>();
      let second = false;
      f.addDoneCallback(() => {
        throw new Error("bad callback");
      });
      f.addDoneCallback(() => {
        second = true;
      });
      f.setResult(1);
      expect(second).toBe(true);
      expect(spy).toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });

  test("peek reads a done future without waiting", () => {
    const f = new Future<number>();
    expect(f.peek()).toBeUndefined();
    f.setResult(4);
    expect(f.peek()).toEqual({ ok: true, value: 4 });
    const e = new Future();
    const err = new Error("x");
    e.setException(err);
    expect(e.peek()).toEqual({ ok: false, cancelled: false, error: err });
    const c = new Future();
    c.cancel();
    const o = c.peek();
    expect(o?.ok === false && o.cancelled && o.error instanceof CancelledError).toBe(true);
  });

  test("is deliberately not thenable", async () => {
    const f = new Future<number>();
    f.setResult(3);
    expect("then" in f).toBe(false);
    const awaited = await (async () => f)();
    expect(awaited).toBe(f);
  });
});
