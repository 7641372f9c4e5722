import { describe, expect, test } from "bun:test";
import { classify } from "./reconcile.ts";

// Rows in FIELDS order: timestamp, finishedOn, returnvalue, failedReason, processedOn, defa, concErr.
describe("classify a job's hash", () => {
  const table: [string, (string | null)[], unknown][] = [
    ["missing hash → lost", [null, null, null, null, null, null, null], { kind: "lost" }],
    ["queued", ["1", null, null, null, null, null, null], { kind: "waiting" }],
    ["running", ["1", null, null, null, "2", null, null], { kind: "active" }],
    ["stalled (deferred failure)", ["1", null, null, null, "2", "job stalled", null], { kind: "stalled" }],
    ["completed", ["1", "3", "[1,2]", null, "2", null, null], { kind: "completed", returnvalue: [1, 2] }],
    [
      "completed with null",
      ["1", "3", "null", null, "2", null, null],
      { kind: "completed", returnvalue: null },
    ],
    [
      "failed with conc's error",
      ["1", "3", null, "TypeError: x", "2", null, '{"e":1}'],
      { kind: "failed", reason: "TypeError: x", errorJson: '{"e":1}' },
    ],
    [
      "failed without it",
      ["1", "3", null, "boom", "2", null, null],
      { kind: "failed", reason: "boom", errorJson: null },
    ],
  ];
  for (const [name, row, want] of table) {
    test(name, () => {
      expect(classify(row)).toEqual(want as ReturnType<typeof classify>);
    });
  }
});
