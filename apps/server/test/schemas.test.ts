/** The hand-written fast path of submitMany's input check agrees with its zod schema on every input. */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { DEFAULT_LIMITS } from "../src/config.ts";
import { schemas } from "../src/router/schemas.ts";

const limits = { ...DEFAULT_LIMITS, maxBatchSize: 5, taskTimeoutMs: 1000 };
const s = schemas(limits);
const fast = s.submitMany as (raw: unknown) => unknown;

function outcome(f: () => unknown): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: f() };
  } catch {
    return { ok: false };
  }
}

/** Mostly valid values, sometimes an edge or a wrong type: inputs that are valid but for one field. */
const mostly = <T>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<unknown>) =>
  fc.oneof({ arbitrary: good, weight: 8 }, { arbitrary: bad, weight: 1 });
const taskName = mostly(
  fc.constantFrom("add", "a1", "_x", "$y", "x".repeat(128)),
  fc.oneof(fc.constantFrom("", "1bad", "has space", "x".repeat(129), "é"), fc.string(), fc.integer()),
);
const call = mostly(
  fc
    .record(
      {
        task: taskName,
        args: mostly(fc.array(fc.jsonValue(), { maxLength: 3 }), fc.oneof(fc.constant(null), fc.integer())),
        timeoutMs: mostly(
          fc.constantFrom(1, 500, 1000),
          fc.oneof(fc.constantFrom(0, 1001, 1.5, -1), fc.constant(null), fc.string()),
        ),
        id: mostly(
          fc.constantFrom("AAAAAAAAAAAAAAAA", "abcDEF012345-_xy"),
          fc.oneof(fc.constantFrom("AAAAAAAAAAAAAAA", "AAAAAAAAAAAAAAA=", "AAAAAAAAAAAAAAAAA"), fc.string()),
        ),
        extra: fc.integer(),
      },
      { requiredKeys: ["task"] },
    )
    .map((c) => {
      // Unknown keys only sometimes.
      if ("extra" in c && c.extra % 5 !== 0) delete (c as { extra?: number }).extra;
      return c;
    }),
  fc.jsonValue(),
);
const input = mostly(
  fc
    .record(
      {
        pool: mostly(
          fc.constantFrom("threads", "a.b-c_d", "x".repeat(64)),
          fc.constantFrom("", "no space", "x".repeat(65), 7),
        ),
        calls: mostly(
          fc.array(call, { minLength: 1, maxLength: 6 }),
          fc.oneof(fc.constant([]), fc.jsonValue()),
        ),
        other: fc.integer(),
      },
      { requiredKeys: ["pool", "calls"] },
    )
    .map((r) => {
      if ("other" in r && r.other % 5 !== 0) delete (r as { other?: number }).other;
      return r;
    }),
  fc.jsonValue(),
);

describe("submitMany input check", () => {
  test("fast path and zod agree (accept/refuse, and the value they return)", () => {
    fc.assert(
      fc.property(input, (raw) => {
        const a = outcome(() => fast(structuredClone(raw)));
        const b = outcome(() => s.submitManySchema.parse(structuredClone(raw)));
        expect(a).toEqual(b);
      }),
      { numRuns: 3000 },
    );
  });

  test.each([
    [{ pool: "threads", calls: [{ task: "add", args: [1, 2] }] }, true],
    [{ pool: "threads", calls: [{ task: "add" }] }, true],
    [{ pool: "threads", calls: [{ task: "add", id: "AAAAAAAAAAAAAAAA", timeoutMs: 5 }] }, true],
    [{ pool: "threads", calls: [] }, false],
    [{ pool: "threads", calls: Array.from({ length: 6 }, () => ({ task: "add" })) }, false],
    [{ pool: "threads", calls: [{ task: "add", timeoutMs: 1001 }] }, false],
    [{ pool: "threads", calls: [{ task: "add", __proto__x: 1 }] }, false],
    [JSON.parse('{"pool":"threads","calls":[{"task":"add","__proto__":{"x":1}}]}'), false],
    [{ pool: "threads", calls: [{ task: "add" }], extra: 1 }, false],
  ])("%j -> accepted %p", (raw, accepted) => {
    const r = outcome(() => fast(raw));
    expect(r.ok).toBe(accepted);
    if (r.ok) expect((r.value as { calls: { args: unknown[] }[] }).calls[0]?.args).toBeArray();
  });
});
