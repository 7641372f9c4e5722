import { describe, expect, test } from "bun:test";
import { Admission } from "./admission.ts";

describe("Admission", () => {
  test("take gets what fits, never more than the capacity", () => {
    const cases: [held: number, ask: number, got: number][] = [
      [0, 3, 3],
      [0, 12, 10],
      [8, 5, 2],
      [10, 1, 0],
    ];
    for (const [held, ask, got] of cases) {
      const a = new Admission("p", 10);
      a.take(held);
      expect(a.take(ask)).toBe(got);
      expect(a.used).toBe(Math.min(10, held + got));
    }
  });

  test("acquire waits FIFO for room; take gets nothing while a map waits", async () => {
    const a = new Admission("p", 4);
    a.take(3);
    const order: string[] = [];
    const first = a.acquire(2).then(() => order.push("first"));
    const second = a.acquire(2).then(() => order.push("second"));
    expect(a.take(1)).toBe(0);
    a.release(3);
    await Promise.all([first, second]);
    expect(order).toEqual(["first", "second"]);
    expect(a.used).toBe(4);
    expect(() => a.acquire(5)).toThrow(RangeError);
  });

  test("an aborted acquire rejects with the reason and holds nothing; idle resolves at zero", async () => {
    const a = new Admission("p", 2);
    a.take(2);
    const ac = new AbortController();
    const waiting = a.acquire(1, ac.signal);
    ac.abort(new Error("stop"));
    await expect(waiting).rejects.toThrow("stop");
    let idle = false;
    const done = a.idle().then(() => (idle = true));
    a.release(1);
    expect(idle).toBe(false);
    a.release(1);
    await done;
    expect(idle).toBe(true);
    expect(() => a.release(1)).toThrow(RangeError);
  });

  test("rejectWaiters fails every waiting acquire", async () => {
    const a = new Admission("p", 1);
    a.take(1);
    const w = a.acquire(1);
    a.rejectWaiters(new Error("draining"));
    await expect(w).rejects.toThrow("draining");
  });
});
