import { expect, test } from "bun:test";
import { judgeCancels, markRan, sharedCounters } from "./cancel-check.ts";

const fut = (state: "FINISHED" | "CANCELLED") => ({ state, cancelled: () => state === "CANCELLED" });

test("judgeCancels: true with no side effect, a dropped false, a run false and an uncancelled run are fine", () => {
  const counters = new Int32Array([0, 0, 1, 1]);
  const answers = new Map([
    [0, true],
    [1, false],
    [2, false],
  ]);
  const v = judgeCancels(
    [fut("CANCELLED"), fut("CANCELLED"), fut("FINISHED"), fut("FINISHED")],
    answers,
    counters,
  );
  expect(v).toEqual({
    cancelledTrue: 1,
    cancelledFalseDropped: 1,
    cancelledFalseRan: 1,
    notCancelled: 1,
    wrong: [],
  });
});

test.each([
  ["cancel() true, yet it ran", true, "CANCELLED", 1],
  ["reported CANCELLED after a false answer, yet it ran", false, "CANCELLED", 1],
  ["finished without running", undefined, "FINISHED", 0],
  ["ran twice", undefined, "FINISHED", 2],
] as const)("judgeCancels flags: %s", (_what, answer, state, ran) => {
  const answers = new Map<number, boolean>(answer === undefined ? [] : [[0, answer]]);
  const v = judgeCancels([fut(state)], answers, new Int32Array([ran]), 0);
  expect(v.wrong).toEqual([`task 0: cancel() ${answer}, state ${state}, ran ${ran}x`]);
});

test("markRan bumps a counter in a shared file and in a SharedArrayBuffer; the file goes with `using`", () => {
  let path: string;
  {
    using file = sharedCounters(3);
    path = file.path;
    expect(markRan(file.path, 1)).toBe(1);
    expect(markRan(file.path, 1)).toBe(2);
    expect([...file.counters]).toEqual([0, 2, 0]);
  }
  expect(Bun.file(path).size).toBe(0); // removed
  const sab = new SharedArrayBuffer(8);
  expect(markRan(sab, 0)).toBe(1);
  expect(new Int32Array(sab)[0]).toBe(1);
});
