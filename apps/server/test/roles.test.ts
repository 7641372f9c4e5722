import { afterEach, describe, expect, test } from "bun:test";
import { RemoteExecutor } from "@conc/server/client";
import { cleanup, rawCall, start, TOKEN } from "./helpers.ts";

afterEach(cleanup);

const READ = "read-only-token-42";
type ProcDef = { _def: { type: "query" | "mutation" | "subscription" } };

describe("roles: tokens [{ token, role }]", () => {
  test("walking the router: every procedure refuses a missing token; every mutation refuses a read token (403)", async () => {
    const h = start({
      token: undefined,
      tokens: [
        { token: TOKEN, role: "admin" },
        { token: READ, role: "read" },
      ],
    });
    const procs = (h.app.trpcRouter as unknown as { _def: { procedures: Record<string, ProcDef> } })._def
      .procedures;
    const list = Object.entries(procs).map(([path, p]) => [path, p._def.type] as const);
    expect(
      list
        .filter(([, t]) => t === "mutation")
        .map(([p]) => p)
        .sort(),
    ).toEqual(["cancel", "map", "submit", "submitMany", "submitStream"]);
    for (const [path, type] of list) {
      const kind = type === "mutation" ? "mutation" : "query";
      expect((await rawCall(h.base, path, {}, kind, {})).status).toBe(401);
      const asReader = await rawCall(h.base, path, {}, kind, { authorization: `Bearer ${READ}` });
      if (type === "mutation") {
        expect(asReader.status).toBe(403);
        expect(JSON.stringify(asReader.body)).toContain("admin token");
      } else expect(asReader.status).not.toBe(403);
    }
  });

  test("a read token lists pools, reads results and metrics; an admin token submits", async () => {
    const h = start({
      token: undefined,
      tokens: [
        { token: TOKEN, role: "admin" },
        { token: READ, role: "read" },
      ],
    });
    const r = await rawCall(h.base, "submit", { pool: "threads", task: "add", args: [2, 3] }, "mutation");
    const id = (r.body as { result: { data: { id: string } } }).result.data.id;
    const read = { authorization: `Bearer ${READ}` };
    const res = await rawCall(h.base, "result", { id, timeoutMs: 5000 }, "query", read);
    expect((res.body as { result: { data: { value: number } } }).result.data.value).toBe(5);
    expect((await rawCall(h.base, "pools", undefined, "query", read)).status).toBe(200);
    expect((await fetch(`${h.base}/metrics`, { headers: read })).status).toBe(200);
    expect((await rawCall(h.base, "cancel", { id }, "mutation", read)).status).toBe(403);
  });

  test("over the WebSocket too: a read token's submit fails FORBIDDEN", async () => {
    const h = start({
      token: undefined,
      tokens: [
        { token: TOKEN, role: "admin" },
        { token: READ, role: "read" },
      ],
    });
    const reader = new RemoteExecutor({ url: h.url, token: READ, pool: "threads" });
    const err = (await reader.submit("add", 1, 2).exception()) as { code?: string; status?: number };
    expect(err.code).toBe("FORBIDDEN");
    expect(err.status).toBe(403);
    const pools = await reader.trpc.pools.query();
    expect(pools.map((p) => p.name)).toContain("threads");
    await reader.shutdown({ wait: false });
  });

  test("tokens are validated", () => {
    expect(() => start({ tokens: [{ token: "short", role: "read" }] })).toThrow("at least 8");
    expect(() => start({ tokens: [{ token: "long-enough-1", role: "root" as "read" }] })).toThrow("role");
  });
});
