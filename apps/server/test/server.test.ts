import { afterEach, describe, expect, test } from "bun:test";
import {
  asCompleted,
  CancelledError,
  FIRST_COMPLETED,
  RemoteError,
  ThreadPoolExecutor,
  wait,
} from "@conc/core";
import { createApp, ServerConfigError } from "@conc/server";
import { RemoteConnectionError, RemoteExecutor, type RemoteFuture } from "@conc/server/client";
import { EventSource } from "eventsource";
import * as tasks from "../src/example/tasks.ts";
import { cleanup, module, rawCall, start, TOKEN, until } from "./helpers.ts";

afterEach(cleanup);

describe("RemoteExecutor", () => {
  for (const pool of ["threads", "cpu"]) {
    test(`typed submit and result on the ${pool} pool`, async () => {
      const h = start();
      const remote = h.client({ pool });
      const sum: number = await remote.submit("add", 1, 2).result();
      expect(sum).toBe(3);
      expect(await remote.submit(tasks.square, 7).result()).toBe(49);
      expect(await remote.run("sleep", 5, { a: [1, "x"] })).toEqual({ a: [1, "x"] });
      const many = Array.from({ length: 2000 }, (_, i) => remote.submit("add", i, i));
      expect(await Promise.all(many.map((f) => f.result()))).toEqual(
        Array.from({ length: 2000 }, (_, i) => 2 * i),
      );
    });
  }

  test("task errors arrive with name, message, remote stack and fields", async () => {
    const h = start();
    const typed = h.client({ errorClasses: { TaskFailure: tasks.TaskFailure } });
    const err = (await typed.submit("fail", "boom", 7).exception()) as tasks.TaskFailure;
    expect(err).toBeInstanceOf(tasks.TaskFailure);
    expect(err.message).toBe("boom");
    expect(err.code).toBe(7);
    expect(err.stack).toContain("fail");
    const plain = h.client();
    const remoteErr = (await plain.submit("fail", "bang", 3).exception()) as RemoteError;
    expect(remoteErr).toBeInstanceOf(RemoteError);
    expect(remoteErr.name).toBe("TaskFailure");
    expect(remoteErr.code).toBe(3);
  });

  test("asCompleted and wait work on remote futures", async () => {
    const h = start();
    const remote = h.client();
    const fs = [remote.submit("sleep", 300, "slow"), remote.submit("sleep", 10, "fast")];
    const order: unknown[] = [];
    for await (const f of asCompleted(fs)) order.push(await f.result());
    expect(order).toEqual(["fast", "slow"]);
    const slow = remote.submit("sleep", 400, 1);
    const fast = remote.submit("sleep", 5, 2);
    const { done, notDone } = await wait([slow, fast], { returnWhen: FIRST_COMPLETED });
    expect([...done]).toEqual([fast]);
    expect([...notDone]).toEqual([slow]);
  });

  test("map streams results in order and raises an item's error at its position", async () => {
    const h = start();
    const remote = h.client({ pool: "cpu" });
    const out: number[] = [];
    for await (const v of remote.map("add", [1, 2, 3], [10, 20, 30], { chunksize: 2 })) out.push(v);
    expect(out).toEqual([11, 22, 33]);
    const items = Array.from({ length: 3000 }, (_, i) => i);
    const squares: number[] = [];
    for await (const v of remote.map("square", items, { chunksize: 100 })) squares.push(v);
    expect(squares).toEqual(items.map((i) => i * i));
    const seen: unknown[] = [];
    const err = await (async () => {
      for await (const v of remote.map("fail", ["a", "b"])) seen.push(v);
    })().catch((e) => e);
    expect(seen).toEqual([]);
    expect((err as Error).message).toBe("a");
  });

  test("cancel() is true only while the call is here; a sent one is dropped if not started, a running one goes on", async () => {
    const h = start({ pools: { threads: new ThreadPoolExecutor({ module, maxWorkers: 1 }) } });
    const remote = h.client();
    const here = remote.submit("add", 1, 1);
    expect(here.cancel()).toBe(true); // same tick: it never left this process
    await expect(here.result()).rejects.toBeInstanceOf(CancelledError);

    const running = remote.submit("spin", 400);
    const queued = remote.submit("add", 1, 2);
    const status = (f: unknown) =>
      remote.trpc.status.query({ id: (f as RemoteFuture<unknown>).id as string });
    await until(
      async () => (running as RemoteFuture<unknown>).id && (await status(running)).state === "RUNNING",
    );
    // Sent: RUNNING here, as a call in Python's call queue is; the server may start it any moment.
    expect(queued.running()).toBe(true);
    expect(queued.cancel()).toBe(false);
    expect(running.cancel()).toBe(false);
    // The server still dropped the queued one before it started, and the running one finished.
    await expect(queued.result()).rejects.toBeInstanceOf(CancelledError);
    expect((await status(queued)).state).toBe("CANCELLED");
    expect(await running.result()).toBeGreaterThan(0);
    expect((await status(running)).state).toBe("FINISHED");
    expect(await remote.submit("add", 2, 2).result()).toBe(4);
  });

  test("stop(): a running remote task is stopped and a queued one never starts; the pool serves again", async () => {
    const h = start({ pools: { threads: new ThreadPoolExecutor({ module, maxWorkers: 1 }) } });
    const remote = h.client();
    const running = remote.submit("spin", 60_000);
    const queued = remote.submit("add", 1, 2);
    const status = (f: unknown) =>
      remote.trpc.status.query({ id: (f as RemoteFuture<unknown>).id as string });
    await until(
      async () => (running as RemoteFuture<unknown>).id && (await status(running)).state === "RUNNING",
    );
    await until(() => (queued as RemoteFuture<unknown>).id !== undefined);
    expect(remote.stop(running, "not needed")).toBe(true);
    expect(remote.stop(queued)).toBe(true);
    const err = await running.exception().catch((e) => e);
    expect(err).toBeInstanceOf(CancelledError);
    expect((err as CancelledError).cause).toBe("not needed");
    expect(remote.stop(running)).toBe(false); // done already
    await until(async () => (await status(running)).state === "CANCELLED");
    await until(async () => (await status(queued)).state === "CANCELLED");
    expect(await remote.submit("add", 2, 2).result()).toBe(4);
  });

  test("a signal stops a running remote task; the pool serves again", async () => {
    const h = start({ pools: { threads: new ThreadPoolExecutor({ module, maxWorkers: 1 }) } });
    const remote = h.client();
    const ac = new AbortController();
    const fut = remote.schedule("spin", { args: [60_000], signal: ac.signal });
    const id = () => (fut as RemoteFuture<unknown>).id;
    await until(
      async () => id() && (await remote.trpc.status.query({ id: id() as string })).state === "RUNNING",
    );
    ac.abort(new Error("user pressed stop"));
    const err = await fut.exception().catch((e) => e);
    expect(err).toBeInstanceOf(CancelledError);
    expect((err as CancelledError).cause).toEqual(new Error("user pressed stop"));
    await until(async () => (await remote.trpc.status.query({ id: id() as string })).state === "CANCELLED");
    expect(await remote.submit("add", 2, 2).result()).toBe(4);
  });

  test("a task longer than the server's idle timeout still delivers its result", async () => {
    const h = start();
    // A 1 s idle timeout: the stream must be kept alive (pings) or resumed (SSE fallback).
    const strict = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: h.app.fetch, idleTimeout: 1 });
    try {
      const remote = new RemoteExecutor<typeof tasks>({
        url: `http://127.0.0.1:${strict.port}/trpc`,
        token: TOKEN,
        pool: "threads",
      });
      expect(await remote.submit("sleep", 2500, "late").result()).toBe("late");
      await remote.shutdown();
    } finally {
      await strict.stop(true);
    }
  }, 15_000);

  test("per-task timeout", async () => {
    const h = start();
    const remote = h.client();
    const err = await remote.schedule("spin", { args: [5000], timeout: 100 }).exception();
    expect((err as Error).name).toBe("TimeoutError");
  });

  test("an unknown task name is refused at submit (NOT_FOUND)", async () => {
    const h = start();
    const remote = h.client();
    for (const name of ["nope", "constructor", "__proto__", "toString", "TaskFailure"]) {
      const err = await remote.submit(name as "add", 1, 2).exception();
      expect((err as { code?: string }).code).toBe("NOT_FOUND");
    }
    for (const name of ["constructor", "__proto__", "toString", "nope"]) {
      const r = await rawCall(h.base, "submit", { pool: "threads", task: name, args: [] }, "mutation");
      expect(r.status).toBe(404);
    }
    expect(
      (await rawCall(h.base, "submit", { pool: "nope", task: "add", args: [] }, "mutation")).status,
    ).toBe(404);
  });

  test("shutdown ends this client only; the server keeps serving", async () => {
    const h = start();
    const a = h.client();
    const b = h.client();
    const f = a.submit("sleep", 50, "done");
    await a.shutdown();
    expect(f.done()).toBe(true);
    expect(() => a.submit("add", 1, 2)).toThrow();
    expect(await b.run("add", 1, 2)).toBe(3);
  });

  test("a server that goes away fails pending futures instead of hanging", async () => {
    const h = start();
    const remote = h.client({ connectionTimeoutMs: 500 });
    const fut = remote.submit("sleep", 60_000);
    await Bun.sleep(200);
    await h.server.stop(true);
    const err = await fut.exception().catch((e) => e);
    expect(err).toBeInstanceOf(Error);
    expect(fut.done()).toBe(true);
    expect(err instanceof RemoteConnectionError || /fetch|connect|closed|socket/i.test(String(err))).toBe(
      true,
    );
  }, 15_000);
});

describe("SSE watch", () => {
  function watchUrl(base: string, ids: string[], lastEventId?: string): string {
    const input = encodeURIComponent(JSON.stringify(lastEventId ? { ids, lastEventId } : { ids }));
    return `${base}/trpc/watch?input=${input}`;
  }

  async function submitIds(base: string, calls: { task: string; args: unknown[] }[]): Promise<string[]> {
    const r = await rawCall(base, "submitMany", { pool: "threads", calls }, "mutation");
    return (r.body as { result: { data: { ids: string[] } } }).result.data.ids;
  }

  function collect(
    url: string,
    count: number,
  ): Promise<{ id: string; data: { id: string; value: unknown } }[]> {
    return new Promise((resolve, reject) => {
      const got: { id: string; data: { id: string; value: unknown } }[] = [];
      const es = new EventSource(url, {
        fetch: (input, init) =>
          fetch(input, {
            ...init,
            headers: { ...(init?.headers as Record<string, string>), authorization: `Bearer ${TOKEN}` },
          }),
      });
      const timer = setTimeout(() => {
        es.close();
        reject(new Error(`only ${got.length} events`));
      }, 10_000);
      es.addEventListener("message", (e) => {
        got.push({ id: e.lastEventId, data: JSON.parse(e.data) });
        if (got.length === count) {
          clearTimeout(timer);
          es.close();
          resolve(got);
        }
      });
    });
  }

  test("events arrive in completion order with tracked ids; resuming with lastEventId repeats nothing", async () => {
    const h = start();
    const ids = await submitIds(h.base, [
      { task: "sleep", args: [200, "c"] },
      { task: "sleep", args: [10, "a"] },
      { task: "sleep", args: [100, "b"] },
    ]);
    const all = await collect(watchUrl(h.base, ids), 3);
    expect(all.map((e) => e.data.value)).toEqual(["a", "b", "c"]);
    const resumed = await collect(watchUrl(h.base, ids, all[0]?.id), 2);
    expect(resumed.map((e) => e.data.value)).toEqual(["b", "c"]);
    expect(resumed.map((e) => e.id)).toEqual(all.slice(1).map((e) => e.id));
  });

  test("the SSE route needs the token too", async () => {
    const h = start();
    const res = await fetch(watchUrl(h.base, ["AAAAAAAAAAAAAAAA"]));
    expect(res.status).toBe(401);
  });
});

describe("createApp input", () => {
  test("refuses bad options", () => {
    expect(() => createApp({ pools: {} })).toThrow(ServerConfigError);
    expect(() => createApp({ pools: { a: new ThreadPoolExecutor() }, token: "short" })).toThrow(
      ServerConfigError,
    );
    expect(() => createApp({ pools: { a: new ThreadPoolExecutor() }, limits: { maxQueued: -1 } })).toThrow(
      ServerConfigError,
    );
  });

  test("RemoteExecutor refuses bad options", () => {
    expect(() => new RemoteExecutor({} as never)).toThrow(TypeError);
  });
});
