import { describe, expect, test } from "bun:test";
import { CLAIM_CANCELLED, CLAIM_PENDING, CLAIM_RUNNING } from "../transport/claims.ts";
import {
  attributeExit,
  type ExitView,
  judgeExit,
  MAX_REQUEUES,
  MAX_RESPAWN_DELAY_MS,
  respawnDelay,
  stormLimit,
} from "./crash.ts";

describe("attributeExit", () => {
  const cases: [string, { done: boolean; claim: number; requeues: number }[], string[]][] = [
    ["nothing held", [], []],
    ["a started task fails", [{ done: false, claim: CLAIM_RUNNING, requeues: 0 }], ["fail"]],
    ["a never-started task is requeued", [{ done: false, claim: CLAIM_PENDING, requeues: 0 }], ["requeue"]],
    [
      "mid-window crash: started fails, the rest requeued",
      [
        { done: false, claim: CLAIM_RUNNING, requeues: 0 },
        { done: false, claim: CLAIM_PENDING, requeues: 0 },
        { done: false, claim: CLAIM_PENDING, requeues: 2 },
      ],
      ["fail", "requeue", "requeue"],
    ],
    [
      "settled here (cancelled, timed out) is left alone",
      [{ done: true, claim: CLAIM_CANCELLED, requeues: 0 }],
      ["settled"],
    ],
    [
      "settled here though started is left alone",
      [{ done: true, claim: CLAIM_RUNNING, requeues: 0 }],
      ["settled"],
    ],
    [
      "a task that keeps coming back fails",
      [{ done: false, claim: CLAIM_PENDING, requeues: MAX_REQUEUES }],
      ["fail"],
    ],
  ];
  for (const [name, held, fates] of cases) {
    test(name, () => {
      expect(attributeExit(held)).toEqual(fates as ReturnType<typeof attributeExit>);
    });
  }
});

describe("judgeExit", () => {
  const base: ExitView = { deliberate: false, ready: false, everReady: false, exitCode: null, signal: null };
  const cases: [string, Partial<ExitView>, string][] = [
    ["deliberate (shutdown, timeout, maxTasksPerChild)", { deliberate: true, exitCode: 3 }, "expected"],
    ["crash after ready", { ready: true, everReady: true, exitCode: 1 }, "replace"],
    ["killed by a signal during start-up", { signal: "SIGKILL" }, "replace"],
    ["exit during start-up after some worker was ready", { everReady: true, exitCode: 1 }, "replace"],
    ["exit on its own during start-up, none ever ready", { exitCode: 3 }, "broken"],
  ];
  for (const [name, e, verdict] of cases) {
    test(name, () => {
      expect(judgeExit({ ...base, ...e })).toBe(verdict as ReturnType<typeof judgeExit>);
    });
  }
});

describe("respawnDelay", () => {
  const now = 10_000;
  const deaths = (n: number, spacing: number) => Array.from({ length: n }, (_, i) => now - i * spacing);
  const limit = stormLimit(2);
  const cases: [string, number[], number][] = [
    ["no deaths", [], 0],
    ["a few deaths", deaths(3, 10), 0],
    ["at the limit", deaths(limit, 10), 0],
    ["one past the limit", deaths(limit + 1, 10), 10],
    ["doubles with each further death", deaths(limit + 3, 10), 40],
    ["capped", deaths(limit + 40, 1), MAX_RESPAWN_DELAY_MS],
    ["old deaths do not count", deaths(limit + 5, 300), 0],
  ];
  for (const [name, times, delay] of cases) {
    test(name, () => {
      expect(respawnDelay(times, now, 2)).toBe(delay);
    });
  }
});
