import { expect, test } from "bun:test";
import { Task } from "./task.ts";
import { TaskQueue } from "./task-queue.ts";

const owner = { taskSettled() {} };
const make = (seq: number) => new Task(owner, seq, 0, 0, []);

test("take skips done tasks; pushFront keeps order; live counts up to a bound", () => {
  const q = new TaskQueue();
  const ts = [0, 1, 2, 3].map(make);
  for (const t of ts) q.push(t);
  (ts[1] as Task).cancel();
  expect(q.live(10)).toBe(3);
  expect(q.live(2)).toBe(2);
  expect(q.take()).toBe(ts[0]);
  expect(q.take()).toBe(ts[2]);
  q.pushFront([ts[0] as Task]);
  expect(q.take()).toBe(ts[0]);
  expect(q.take()).toBe(ts[3]);
  expect(q.take()).toBeUndefined();
  q.compact();
  expect(q.size).toBe(0);
});

test("drain empties the queue", () => {
  const q = new TaskQueue();
  for (const t of [0, 1].map(make)) q.push(t);
  expect(q.drain().map((t) => t.seq)).toEqual([0, 1]);
  expect(q.size).toBe(0);
});
