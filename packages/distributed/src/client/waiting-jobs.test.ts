import { expect, test } from "bun:test";
import { DEEP_BACKLOG, DEEP_MIN, isDeep, WaitingJobs, windowFor } from "./waiting-jobs.ts";

const nodes = (workers: number, slots: number) => ({ workers, slots });

test.each([
  // nodes' pool workers, their BullMQ slots, jobs waiting here → a deep backlog?
  [nodes(1, 8), 5, false], // a shallow backlog stays here (not in a node's pool): cancel() of any of it is true
  [nodes(1, 8), DEEP_MIN - 1, false],
  [nodes(1, 8), DEEP_MIN, true],
  [nodes(4, 200), 977, true], // a map of 1M items in 1024-item chunks
  [nodes(200, 200), 200 * DEEP_BACKLOG - 1, false],
  [nodes(200, 200), 200 * DEEP_BACKLOG, true],
])("isDeep(%o, %d waiting) = %p", (capacity, waiting, deep) => {
  expect(isDeep(capacity, waiting)).toBe(deep);
});

test.each([
  [nodes(1, 1), false, 1],
  [nodes(1, 8), false, 1], // one job per pool worker
  [nodes(1, 8), true, 16], // bulk: the nodes' BullMQ slots twice over
  [nodes(4, 200), true, 400],
  [nodes(8, 4), true, 16], // slots below workers: the workers count
  [nodes(0, 0), false, Number.POSITIVE_INFINITY], // no live node known: everything goes to Redis
  [nodes(0, 0), true, Number.POSITIVE_INFINITY],
])("windowFor(%o, deep %p) = %d", (capacity, deep, out) => {
  expect(windowFor(capacity, deep)).toBe(out);
});

test("WaitingJobs: oldest first, done ones skipped, a re-run goes first, long runs compact", () => {
  const job = (id: number, done = false) => ({ id, fut: { done: () => done } });
  const q = new WaitingJobs<ReturnType<typeof job>>();
  for (let i = 0; i < 5; i++) q.push(job(i, i === 1));
  expect(q.take(2).map((j) => j.id)).toEqual([0, 2]);
  q.putFront(job(9));
  expect(q.take(10).map((j) => j.id)).toEqual([9, 3, 4]);
  expect(q.length).toBe(0);
  for (let i = 0; i < 5000; i++) q.push(job(i));
  let seen = 0;
  while (q.length > 0) seen += q.take(7).length;
  expect(seen).toBe(5000);
});
