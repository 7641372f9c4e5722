import { expect, test } from "bun:test";
import { ProgressBuffer, reportProgress, setProgressSink } from "./progress.ts";

test("coalesces: one latest value per task, every task kept", () => {
  let flushes = 0;
  const sent: unknown[][] = [];
  // Like the runtime: a flush takes what is pending.
  const buf: ProgressBuffer = new ProgressBuffer(() => {
    flushes++;
    sent.push(buf.take());
  });
  const cases: [seq: number, value: unknown][] = [
    [1, "a"],
    [1, "b"],
    [2, "x"],
    [1, "c"],
    [2, "y"],
  ];
  for (const [seq, value] of cases) buf.put(seq, value);
  // The first value went at once; the rest waits for the interval, coalesced.
  expect(flushes).toBe(1);
  expect(sent).toEqual([[1, "a"]]);
  expect(buf.size).toBe(2);
  const taken = buf.take();
  const asMap = new Map<unknown, unknown>();
  for (let i = 0; i < taken.length; i += 2) asMap.set(taken[i], taken[i + 1]);
  expect(asMap).toEqual(
    new Map<unknown, unknown>([
      [1, "c"],
      [2, "y"],
    ]),
  );
  expect(buf.size).toBe(0);
});

test("a hot loop of a million reports keeps only the last", () => {
  const buf = new ProgressBuffer(() => {});
  for (let i = 1; i <= 1_000_000; i++) buf.put(7, i);
  expect(buf.take()).toEqual([7, 1_000_000]);
});

test("reportProgress goes to the installed sink, and nowhere without one", () => {
  const got: unknown[] = [];
  setProgressSink((v) => got.push(v));
  reportProgress(1);
  setProgressSink(undefined);
  reportProgress(2);
  expect(got).toEqual([1]);
});
