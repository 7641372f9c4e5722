import { afterEach, describe, expect, test } from "bun:test";
import { FinishedTask } from "../src/store/task-store.ts";
import { cleanup, rawCall, start } from "./helpers.ts";

afterEach(cleanup);

describe("bounded memory", () => {
  test("at most maxRetained finished tasks are kept, oldest evicted first (then NOT_FOUND 'expired')", async () => {
    const h = start({ limits: { maxRetained: 5 } });
    const remote = h.client();
    const fs = Array.from({ length: 12 }, (_, i) => remote.submit("add", i, 0));
    for (const f of fs) await f.result();
    const ids = fs.map((f) => (f as unknown as { id: string }).id);
    const store = h.app.context.store;
    expect(store.retainedFinished).toBe(5);
    expect(store.size).toBe(5);
    // Completion order is not submission order across workers: the kept ones are the last to finish.
    const kept = ids.filter((id) => store.get(id) !== undefined);
    expect(kept).toHaveLength(5);
    const gone = ids.find((id) => store.get(id) === undefined) as string;
    const r = await rawCall(h.base, "result", { id: gone }, "query");
    expect(r.status).toBe(404);
    expect(JSON.stringify(r.body)).toContain("expired");
  });

  test("a finished task keeps no Future, AbortController or record object: a ring slot", async () => {
    const h = start();
    const remote = h.client();
    const f = remote.submit("add", 1, 2);
    await f.result();
    const rec = h.app.context.store.get((f as unknown as { id: string }).id);
    expect(rec?.done).toBe(true);
    expect(rec).toBeInstanceOf(FinishedTask);
    expect(rec && "future" in rec).toBe(false);
    expect(rec?.view()).toMatchObject({ state: "FINISHED", ok: true, value: 3 });
  });
});
