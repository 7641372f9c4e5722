import { describe, expect, test } from "bun:test";
import { jsonExact, packParent, packWorker, unpackParent, unpackWorker } from "./bulk-json.ts";
import { IN_RUN, OUT_RESULTS, type ResultsMessage, type RunMessage, ST_OK } from "./protocol.ts";

describe("bulk JSON over IPC", () => {
  test("jsonExact accepts only what JSON round-trips exactly", () => {
    expect(jsonExact([1, "a", true, null, { x: [1.5] }])).toBe(true);
    for (const bad of [
      -0,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      1n,
      undefined,
      new Date(0),
      new Map(),
      () => 1,
    ]) {
      expect(jsonExact([1, bad])).toBe(false);
    }
    // biome-ignore lint/suspicious/noSparseArray: a hole is what is being tested
    expect(jsonExact([1, , 3])).toBe(false);
    expect(jsonExact({ a: undefined })).toBe(false);
    expect(jsonExact(new (class Point {})())).toBe(false);
  });

  test("large plain argument arrays travel as JSON and come back equal", () => {
    const big = Array.from({ length: 100 }, (_, i) => ({ i, s: `v${i}` }));
    const small = [1, 2];
    const exotic = Array.from({ length: 100 }, (_, i) => BigInt(i));
    const msg: RunMessage = {
      k: IN_RUN,
      d: null,
      t: [0, 0, 0, 2, big, 1, 1, 0, 0, small, 2, 2, 0, 2, exotic],
    };
    const packed = packParent(msg) as RunMessage;
    expect(packed.j).toEqual([4]);
    expect(typeof packed.t[4]).toBe("string");
    expect(msg.t[4]).toBe(big); // the original is untouched
    const back = unpackParent(structuredClone(packed)) as RunMessage;
    expect(back.t).toEqual(msg.t);
  });

  test("large all-number results travel as float64 bytes, exactly", () => {
    const results = Array.from({ length: 200 }, (_, i) => i * 2.5);
    results[0] = -0;
    results[1] = Number.NaN;
    results[2] = Number.POSITIVE_INFINITY;
    results[3] = Number.MIN_VALUE;
    const msg: ResultsMessage = { k: OUT_RESULTS, r: [7, ST_OK, results], s: null };
    const packed = packWorker(msg) as ResultsMessage;
    expect(packed.f).toEqual([2]);
    expect(packed.j).toEqual([]);
    expect(typeof packed.r[2]).toBe("string");
    const back = (unpackWorker(structuredClone(packed)) as ResultsMessage).r[2] as number[];
    expect(back).toEqual(results);
    expect(Object.is(back[0], -0)).toBe(true);
    expect(back[1]).toBeNaN();
  });

  test("large plain non-number results travel as JSON", () => {
    const results = Array.from({ length: 200 }, (_, i) => `v${i}`);
    const msg: ResultsMessage = { k: OUT_RESULTS, r: [7, ST_OK, results], s: null };
    const packed = packWorker(msg) as ResultsMessage;
    expect(packed.j).toEqual([2]);
    expect((unpackWorker(structuredClone(packed)) as ResultsMessage).r[2]).toEqual(results);
  });
});
