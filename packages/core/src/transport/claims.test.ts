import { describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import {
  CLAIM_CANCELLED,
  CLAIM_PENDING,
  CLAIM_RUNNING,
  claimCancel,
  claimStart,
  fileClaims,
  sharedClaims,
} from "./claims.ts";

describe("the claim decides", () => {
  // [first, second] → [first's outcome, second's outcome, final word]
  const cases: [string, ("start" | "cancel")[], boolean[], number][] = [
    ["worker first: start wins, cancel loses", ["start", "cancel"], [true, false], CLAIM_RUNNING],
    ["cancel first: cancel wins, start loses", ["cancel", "start"], [true, false], CLAIM_CANCELLED],
    ["cancel twice: still cancelled (true)", ["cancel", "cancel"], [true, true], CLAIM_CANCELLED],
  ];
  for (const [name, steps, outcomes, final] of cases) {
    test(name, () => {
      const { words } = sharedClaims(4);
      Atomics.store(words, 2, CLAIM_PENDING);
      const got = steps.map((s) => (s === "start" ? claimStart(words, 2) : claimCancel(words, 2)));
      expect(got).toEqual(outcomes);
      expect(Atomics.load(words, 2)).toBe(final);
    });
  }
});

test("process claims are anonymous memory: nothing appears in /dev/shm", () => {
  const before = readdirSync("/dev/shm").filter(
    (n) => n.startsWith("conc-claims") && n.includes(`-${process.pid}-`),
  );
  const board = fileClaims(100);
  expect(board.words.length).toBeGreaterThanOrEqual(100);
  expect(claimStart(board.words, 99)).toBe(true);
  const during = readdirSync("/dev/shm").filter(
    (n) => n.startsWith("conc-claims") && n.includes(`-${process.pid}-`),
  );
  board.detach();
  expect(during).toEqual(before);
});
