import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import type { TaskRecordView } from "./source.ts";
import { parseTaskQuery, queryTasks, statusOf } from "./task-query.ts";

function rec(i: number, over: Partial<TaskRecordView> = {}): TaskRecordView {
  return {
    id: `t${i}`,
    pool: i % 2 ? "odd" : "even",
    task: i % 3 ? "add" : "fail",
    state: "FINISHED",
    ok: true,
    submittedAt: 1000 + i,
    ...over,
  };
}
const records = Array.from({ length: 10 }, (_, i) => rec(i));
const q = (p: Record<string, string>) => queryTasks(() => records, parseTaskQuery(p), 5000);

describe("parseTaskQuery", () => {
  test.each([
    [{}, { page: 1, size: 25, order: "desc" }],
    [
      { page: "3", size: "10", order: "asc" },
      { page: 3, size: 10, order: "asc" },
    ],
    [{ page: "0" }, { page: 0 }],
    [{ page: "-2" }, { page: 0 }],
    [{ page: "1.5" }, { page: 0 }],
    [{ page: "abc" }, { page: 0 }],
    [{ page: "1e300" }, { page: 0 }],
    [{ size: "100000" }, { size: 200 }],
    [{ size: "0" }, { size: 25 }],
    [
      { pool: "", task: "", status: "" },
      { pool: undefined, task: undefined, status: undefined },
    ],
  ])("%j", (params, expected) => {
    expect(parseTaskQuery(params)).toMatchObject(expected);
  });
});

describe("queryTasks", () => {
  test("newest first by default, pages of `size`, total and page count", () => {
    const p1 = q({ size: "4" });
    expect(p1).toMatchObject({ page: 1, size: 4, total: 10, pages: 3 });
    expect(p1.rows.map((r) => r.id)).toEqual(["t9", "t8", "t7", "t6"]);
    expect(q({ size: "4", page: "3" }).rows.map((r) => r.id)).toEqual(["t1", "t0"]);
  });

  test("oldest first", () => {
    expect(q({ size: "4", order: "asc" }).rows.map((r) => r.id)).toEqual(["t0", "t1", "t2", "t3"]);
    expect(q({ size: "4", order: "asc", page: "3" }).rows.map((r) => r.id)).toEqual(["t8", "t9"]);
  });

  test("filters by pool, task and status together", () => {
    const p = q({ pool: "odd", task: "add" });
    expect(p.rows.map((r) => r.id)).toEqual(["t7", "t5", "t1"]);
    expect(p.total).toBe(3);
  });

  test("out of range page or unknown filter values give an empty page, not an error", () => {
    for (const params of [
      { page: "4", size: "4" },
      { page: "0" },
      { page: "-1" },
      { page: "x" },
      { pool: "nope" },
      { status: "BOGUS" },
    ]) {
      const p = q(params);
      expect(p.rows).toEqual([]);
    }
    expect(q({ page: "99" }).total).toBe(10);
  });

  test("rows carry status, duration (from start, else submit) and progress", () => {
    const rs = [
      rec(0, { state: "RUNNING", ok: undefined, startedAt: 2000, progress: 0.5 }),
      rec(1, { ok: false, startedAt: 1500, finishedAt: 1750 }),
      rec(2, { state: "CANCELLED", ok: false, finishedAt: 1102 }),
    ];
    const rows = queryTasks(() => rs, parseTaskQuery({ order: "asc" }), 5000).rows;
    expect(rows.map((r) => [r.status, r.durationMs, r.progress])).toEqual([
      ["RUNNING", 3000, 0.5],
      ["FAILED", 250, null],
      ["CANCELLED", 100, null],
    ]);
    expect(queryTasks(() => rs, parseTaskQuery({ status: "FAILED" })).rows.map((r) => r.id)).toEqual(["t1"]);
  });

  test("statusOf", () => {
    expect(statusOf(rec(0))).toBe("FINISHED");
    expect(statusOf(rec(0, { ok: false }))).toBe("FAILED");
    expect(statusOf(rec(0, { state: "PENDING", ok: undefined }))).toBe("PENDING");
  });
});

describe("queryTasks against a naive filter-sort-slice", () => {
  test("same rows and totals for random records and queries", () => {
    const pools = ["a", "b", "c"];
    const tasks = ["add", "fail"];
    const states = ["PENDING", "RUNNING", "FINISHED", "CANCELLED"] as const;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(2), fc.nat(1), fc.nat(3), fc.boolean()), { maxLength: 120 }),
        fc.record({
          page: fc.integer({ min: -1, max: 15 }),
          size: fc.integer({ min: 1, max: 12 }),
          pool: fc.option(fc.constantFrom(...pools, "zzz"), { nil: undefined }),
          task: fc.option(fc.constantFrom(...tasks), { nil: undefined }),
          status: fc.option(fc.constantFrom("PENDING", "RUNNING", "FINISHED", "FAILED", "CANCELLED"), {
            nil: undefined,
          }),
          order: fc.constantFrom("asc" as const, "desc" as const),
        }),
        (specs, query) => {
          const recs = specs.map(([p, t, s, ok], i) =>
            rec(i, {
              pool: pools[p] as string,
              task: tasks[t] as string,
              state: states[s] as TaskRecordView["state"],
              ok: s >= 2 ? ok : undefined,
            }),
          );
          const q = { ...query, page: query.page < 1 ? 0 : query.page };
          const got = queryTasks(() => recs, q, 9999);
          const matching = recs.filter(
            (r) =>
              (q.pool === undefined || r.pool === q.pool) &&
              (q.task === undefined || r.task === q.task) &&
              (q.status === undefined || statusOf(r) === q.status),
          );
          const ordered = q.order === "asc" ? matching : [...matching].reverse();
          const want = q.page < 1 ? [] : ordered.slice((q.page - 1) * q.size, q.page * q.size);
          expect(got.total).toBe(matching.length);
          expect(got.pages).toBe(Math.ceil(matching.length / q.size));
          expect(got.rows.map((r) => r.id)).toEqual(want.map((r) => r.id));
        },
      ),
      { numRuns: 500 },
    );
  });
});
