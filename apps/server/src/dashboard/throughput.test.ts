import { describe, expect, test } from "bun:test";
import type { PoolStats } from "./source.ts";
import { Throughput } from "./throughput.ts";

const pool = (name: string, done: number, failed: number): PoolStats => ({
  name,
  kind: "threads",
  workers: 1,
  maxWorkers: 1,
  queued: 0,
  running: 0,
  done,
  failed,
  cancelled: 0,
});

describe("Throughput", () => {
  test("points are the counters' increase per second, per pool", () => {
    const t = new Throughput();
    expect(t.sample([pool("a", 10, 1)], 1_000)).toEqual({});
    expect(t.sample([pool("a", 15, 1), pool("b", 3, 0)], 2_000)).toEqual({
      a: { t: 2, completed: 5, failed: 0 },
    });
    t.sample([pool("a", 15, 4), pool("b", 5, 0)], 3_000);
    expect(t.series()).toEqual({
      a: [
        { t: 2, completed: 5, failed: 0 },
        { t: 3, completed: 0, failed: 3 },
      ],
      b: [{ t: 3, completed: 2, failed: 0 }],
    });
  });

  test("samples within one second add up to one point", () => {
    const t = new Throughput();
    t.sample([pool("a", 0, 0)], 1_000);
    t.sample([pool("a", 2, 0)], 2_100);
    t.sample([pool("a", 5, 1)], 2_600);
    expect(t.series().a).toEqual([{ t: 2, completed: 5, failed: 1 }]);
  });

  test("keeps only the window", () => {
    const t = new Throughput(3);
    for (let s = 0; s <= 10; s++) t.sample([pool("a", s, 0)], s * 1000);
    expect(t.series().a?.map((p) => p.t)).toEqual([8, 9, 10]);
  });
});
