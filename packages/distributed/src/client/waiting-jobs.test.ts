import { expect, test } from "bun:test";
import { DEEP_BACKLOG, DEEP_MIN, WaitingJobs, windowFor } from "./waiting-jobs.ts";

test.each([
  // slots, waiting here, jobs allowed out
  [1, 0, 1],
  [1, 5, 1], // a shallow backlog stays here: cancel() of any of it is true
  [1, 100, 1],
  [1, DEEP_MIN - 1, 1],
  [1, DEEP_MIN, 2], // deep: one more per slot waits in Redis
  [200, 1_000, 200],
  [200, 200 * DEEP_BACKLOG - 1, 200],
  [200, 200 * DEEP_BACKLOG, 400],
  [200, 1_000_000, 400],
])("windowFor(%d slots, %d waiting) = %d", (slots, waiting, out) => {
  expect(windowFor(slots, waiting)).toBe(out);
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
