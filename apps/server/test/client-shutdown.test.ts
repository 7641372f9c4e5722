/**
 * RemoteExecutor.shutdown({ wait: false }) after its server went away with a task pending: it returns,
 * the event loop keeps turning, and the pending future ends with a RemoteConnectionError instead of
 * staying PENDING for ever. Runs in a child process (killed after 30 s) because the failure mode is a
 * blocked event loop.
 */
import { describe, expect, test } from "bun:test";
import { runToEnd } from "@conc/core/testing";

const fixture = new URL("./fixtures/shutdown-after-server-stopped.ts", import.meta.url).pathname;

async function runFixture(mode: "norestart" | "restart") {
  const { code, out, err } = await runToEnd([process.execPath, fixture, mode]);
  return { code, err, result: out.trim() ? JSON.parse(out.trim().split("\n").at(-1) as string) : null };
}

describe("RemoteExecutor.shutdown({ wait: false }) with its server gone", () => {
  for (const mode of ["norestart", "restart"] as const) {
    test(`returns, keeps the event loop turning and fails the pending future (${mode})`, async () => {
      const { code, err, result } = await runFixture(mode);
      if (code !== 0) console.error(err);
      expect(code).toBe(0);
      expect(result.ticks).toBeGreaterThan(0);
      expect(result.done).toBe(true);
      // Without a server: the connection error; with a new server that never had the task: its answer.
      if (mode === "norestart") expect(result.error).toBe("RemoteConnectionError");
      else expect(typeof result.error).toBe("string");
    }, 40_000);
  }
});

describe("RemoteExecutor refuses what cannot cross", () => {
  test("a sync primitive in the arguments is a TypeError at submit, nothing sent", async () => {
    const { RemoteExecutor } = await import("@conc/server/client");
    const { Lock } = await import("@conc/core");
    const client = new RemoteExecutor({ url: "http://127.0.0.1:9/trpc", pool: "threads" });
    const lock = new Lock();
    try {
      expect(() => client.submit("add", lock as never, 1)).toThrow(/sync primitive/);
      expect(() => client.submit("add", [{ nested: lock }] as never, 1)).toThrow(TypeError);
      expect(client.queued).toBe(0);
    } finally {
      lock.close();
      await client.shutdown();
    }
  });
});
