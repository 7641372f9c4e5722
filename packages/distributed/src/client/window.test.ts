import { expect, test } from "bun:test";
import { DEEP_BACKLOG, DEEP_MIN, windowFor } from "./dispatcher.ts";

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
