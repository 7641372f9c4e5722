import { describe, expect, spyOn, test } from "bun:test";
import { Future } from "./future.ts";

describe("Future progress", () => {
  test("progress is undefined before any report and holds the last value, also once done", () => {
    const f = new Future<number>();
    expect(f.progress).toBeUndefined();
    f.setProgress(0.25);
    f.setProgress({ done: 40, total: 100 });
    expect(f.progress).toEqual({ done: 40, total: 100 });
    f.setResult(1);
    expect(f.progress).toEqual({ done: 40, total: 100 });
  });

  test("onProgress sees every value in order and stops after unsubscribe", () => {
    const f = new Future();
    const seen: unknown[] = [];
    const off = f.onProgress((v, fut) => {
      expect(fut).toBe(f);
      seen.push(v);
    });
    f.setProgress(1);
    f.setProgress(2);
    off();
    f.setProgress(3);
    expect(seen).toEqual([1, 2]);
    expect(f.progress).toBe(3);
    off(); // twice is harmless
  });

  test("values reported after the future is done are ignored", () => {
    const f = new Future();
    const seen: unknown[] = [];
    f.onProgress((v) => seen.push(v));
    f.setProgress("a");
    f.setException(new Error("x"));
    f.setProgress("late");
    const c = new Future();
    c.cancel();
    c.setProgress("late");
    expect(seen).toEqual(["a"]);
    expect(f.progress).toBe("a");
    expect(c.progress).toBeUndefined();
  });

  test("a value reported from inside a callback reaches every subscriber after the current one", () => {
    const f = new Future();
    const a: unknown[] = [];
    const b: unknown[] = [];
    f.onProgress((v) => {
      a.push(v);
      if (v === 1) f.setProgress(2);
    });
    f.onProgress((v) => b.push(v));
    f.setProgress(1);
    expect(a).toEqual([1, 2]);
    expect(b).toEqual([1, 2]);
  });

  test("a throwing progress callback is logged; the others and the future carry on", async () => {
    const spy = spyOn(console, "error").mockImplementation(() => {});
    try {
      const f = new Future<number>();
      const seen: unknown[] = [];
      f.onProgress(() => {
        throw new Error("bad listener");
      });
      f.onProgress((v) => seen.push(v));
      f.setProgress(5);
      f.setResult(9);
      expect(seen).toEqual([5]);
      expect(spy).toHaveBeenCalledTimes(1);
      expect(await f.result()).toBe(9);
    } finally {
      spy.mockRestore();
    }
  });

  test("onProgress needs a function", () => {
    expect(() => new Future().onProgress(42 as never)).toThrow(TypeError);
  });
});
