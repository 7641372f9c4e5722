import { afterEach, describe, expect, spyOn, test } from "bun:test";
import {
  ArgumentTypeError,
  BrokenProcessPoolError,
  CancelledError,
  ExecutorShutdownError,
  ThreadPoolExecutor,
  TimeoutError,
} from "@conc/core";
import { toTRPCError } from "@conc/server";
import { cleanup, module, rawCall, start } from "./helpers.ts";

afterEach(cleanup);

describe("errors by code", () => {
  test("one table: known errors get their tRPC code, anything else is INTERNAL with a generic message", () => {
    const cases: [unknown, string][] = [
      [new ExecutorShutdownError(), "SERVICE_UNAVAILABLE"],
      [new BrokenProcessPoolError("initializer failed"), "SERVICE_UNAVAILABLE"],
      [new TimeoutError("late"), "TIMEOUT"],
      [new CancelledError(), "CLIENT_CLOSED_REQUEST"],
      [new ArgumentTypeError("bad", "x"), "BAD_REQUEST"],
      [new TypeError("undefined is not a function"), "INTERNAL_SERVER_ERROR"],
      [new RangeError("Maximum call stack size exceeded"), "INTERNAL_SERVER_ERROR"],
      ["a string", "INTERNAL_SERVER_ERROR"],
    ];
    for (const [err, code] of cases) {
      const t = toTRPCError(err);
      expect(t.code).toBe(code as typeof t.code);
      if (code === "INTERNAL_SERVER_ERROR") expect(t.message).toBe("Internal error.");
    }
  });

  test("a server fault is a 500 with an error id the server log has, never the internal message", async () => {
    class Faulty extends ThreadPoolExecutor {
      override schedule(): never {
        throw new TypeError("secret internal detail at /srv/app.ts:12");
      }
    }
    const h = start({ pools: { threads: new Faulty({ module, maxWorkers: 1 }) } });
    const logged: unknown[][] = [];
    const spy = spyOn(console, "error").mockImplementation((...a: unknown[]) => void logged.push(a));
    try {
      const r = await rawCall(h.base, "submit", { pool: "threads", task: "add", args: [1, 2] }, "mutation");
      expect(r.status).toBe(500);
      const body = JSON.stringify(r.body);
      expect(body).not.toContain("secret");
      const id = /error id ([0-9a-f]{8})/.exec(body)?.[1] as string;
      expect(id).toBeDefined();
      expect(logged.some((line) => String(line[0]).includes(id) && String(line[1]).includes("secret"))).toBe(
        true,
      );
    } finally {
      spy.mockRestore();
    }
  });

  test("bad input stays 4xx with readable messages: unknown task id, malformed JSON, unknown pool", async () => {
    const h = start();
    const unknown = await rawCall(h.base, "status", { id: "AAAAAAAAAAAAAAAA" }, "query");
    expect(unknown.status).toBe(404);
    expect(JSON.stringify(unknown.body)).toContain("expired");
    const malformed = await fetch(`${h.base}/trpc/submit`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer test-token-0123456789` },
      body: "{not json",
    });
    expect(malformed.status).toBe(400);
    expect((await rawCall(h.base, "submit", { pool: "nope", task: "add" }, "mutation")).status).toBe(404);
  });
});
