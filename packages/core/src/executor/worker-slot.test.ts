import { expect, test } from "bun:test";
import {
  CLAIM_CANCELLED,
  CLAIM_PENDING,
  CLAIM_RUNNING,
  claimStart,
  sharedClaims,
} from "../transport/claims.ts";
import type { WorkerHandle } from "../transport/transport.ts";
import { Task } from "./task.ts";
import { MAX_DEPTH, WorkerSlot } from "./worker-slot.ts";

const owner = { taskSettled() {} };

function slot(n: number): WorkerSlot {
  const w = new WorkerSlot(n);
  w.handle = {
    pid: undefined,
    claims: sharedClaims(n),
    send() {},
    ref() {},
    unref() {},
    kill() {},
  } satisfies WorkerHandle;
  return w;
}

test("hold gives each task its own PENDING claim word; letGo frees it for reuse", () => {
  const w = slot(2);
  const [a, b, c] = [0, 1, 2].map((seq) => new Task(owner, seq, 0, 0, []));
  if (!a || !b || !c) throw new Error("tasks");
  w.hold(a);
  w.hold(b);
  expect(a.slot).not.toBe(b.slot);
  expect(w.freeSlots).toBe(0);
  expect(() => w.hold(c)).toThrow(/window is full/);
  expect([w.claimOf(a), w.claimOf(b)]).toEqual([CLAIM_PENDING, CLAIM_PENDING]);
  w.letGo(a);
  expect(a.holder).toBeNull();
  w.hold(c);
  expect(w.claimOf(c)).toBe(CLAIM_PENDING);
});

test("claimCancel loses to a worker that already claimed the task, and wins otherwise", () => {
  const w = slot(4);
  const started = new Task(owner, 0, 0, 0, []);
  const waiting = new Task(owner, 1, 0, 0, []);
  w.hold(started);
  w.hold(waiting);
  expect(claimStart(w.handle.claims.words, started.slot)).toBe(true);
  expect(started.cancel()).toBe(false);
  expect(started.state).toBe("RUNNING");
  expect(waiting.cancel()).toBe(true);
  expect(w.claimOf(waiting)).toBe(CLAIM_CANCELLED);
  expect(w.claimOf(started)).toBe(CLAIM_RUNNING);
});

test("the window adapts to task duration: wide for tiny tasks, one for slow ones", () => {
  const w = slot(4);
  const cases: [n: number, msEach: number, depthAtMost: number, depthAtLeast: number][] = [
    [100, 0.001, MAX_DEPTH, 2],
    [1, 50, 1, 1],
  ];
  for (const [n, msEach, most, least] of cases) {
    let now = 1000;
    w.markBusy(now);
    for (let round = 0; round < 12; round++) {
      now += n * msEach;
      w.adapt(n, now);
    }
    expect(w.depth).toBeLessThanOrEqual(most);
    expect(w.depth).toBeGreaterThanOrEqual(least);
  }
});
