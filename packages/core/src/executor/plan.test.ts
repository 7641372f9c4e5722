import { describe, expect, test } from "bun:test";
import { type PlanOptions, plan, type SlotView, workersToStart } from "./plan.ts";

const idle = (depth = 1): SlotView => ({ open: true, inflight: 0, depth, room: 1000 });
const busy = (inflight: number, depth = 1): SlotView => ({ open: true, inflight, depth, room: 1000 });
const starting: SlotView = { open: false, inflight: 0, depth: 1, room: 1000 };
const opts = (o: Partial<PlanOptions>): PlanOptions => ({
  maxWorkers: 3,
  concurrency: 1,
  workers: 0,
  starting: 0,
  ...o,
});

describe("plan", () => {
  const cases: [string, SlotView[], number, Partial<PlanOptions>, [number, number][]][] = [
    ["nothing queued", [idle()], 0, { workers: 1 }, []],
    ["an idle worker takes one task", [idle()], 1, { workers: 1 }, [[0, 1]]],
    ["pool can grow: no task into a busy window", [busy(1, 256)], 2, { workers: 1 }, []],
    [
      "pool can grow: idle ones take one each, the rest waits",
      [busy(1), idle()],
      3,
      { workers: 2 },
      [[1, 1]],
    ],
    [
      "a worker is starting: nothing is sent ahead",
      [busy(1, 8), starting],
      5,
      { workers: 2, maxWorkers: 2, starting: 1 },
      [],
    ],
    [
      "full pool, all busy: sent ahead in equal shares up to depth",
      [busy(1, 8), busy(1, 8)],
      10,
      { workers: 2, maxWorkers: 2 },
      [
        [0, 5],
        [1, 5],
      ],
    ],
    [
      "full pool: window bounded by depth",
      [busy(1, 4), busy(1, 4)],
      100,
      { workers: 2, maxWorkers: 2 },
      [
        [0, 3],
        [1, 3],
      ],
    ],
    [
      "full pool: depth floor of 2 keeps one queued behind long tasks",
      [busy(1, 1), busy(1, 1)],
      10,
      { workers: 2, maxWorkers: 2 },
      [
        [0, 1],
        [1, 1],
      ],
    ],
    [
      "full pool: a short backlog is not all swallowed by one",
      [busy(1, 256), busy(1, 256)],
      3,
      { workers: 2, maxWorkers: 2 },
      [
        [0, 2],
        [1, 1],
      ],
    ],
    [
      "full pool: an idle worker first, then shares",
      [idle(4), busy(1, 4)],
      5,
      { workers: 2, maxWorkers: 2 },
      [
        [0, 3],
        [1, 2],
      ],
    ],
    [
      "room (maxTasksPerChild) caps what a worker gets",
      [{ ...idle(8), room: 0 }, busy(1, 8)],
      4,
      { workers: 2, maxWorkers: 2 },
      [[1, 4]],
    ],
    [
      "retiring (not open) workers get nothing",
      [{ ...idle(), open: false }],
      1,
      { workers: 1, maxWorkers: 1 },
      [],
    ],
    [
      "concurrency: a worker running fewer than its concurrency has free places",
      [busy(1)],
      5,
      { workers: 1, concurrency: 3 },
      [[0, 2]],
    ],
  ];
  for (const [name, slots, backlog, o, expected] of cases) {
    test(name, () => {
      expect(plan(slots, backlog, opts(o))).toEqual(expected);
    });
  }
});

describe("workersToStart", () => {
  const cases: [string, number, Partial<PlanOptions>, number][] = [
    ["no waiting task", 0, { workers: 1 }, 0],
    ["one waiting task, room to grow", 1, { workers: 1 }, 1],
    ["never past maxWorkers", 10, { workers: 1 }, 2],
    ["starting workers count", 2, { workers: 2, starting: 1 }, 1],
    ["a full pool starts none", 5, { workers: 3 }, 0],
    ["concurrency: one worker per `concurrency` tasks", 5, { workers: 0, concurrency: 4 }, 2],
  ];
  for (const [name, waiting, o, expected] of cases) {
    test(name, () => {
      expect(workersToStart(waiting, opts(o))).toBe(expected);
    });
  }
});
