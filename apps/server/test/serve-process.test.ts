/** `bun run serve` in its own process: drain deadline, second signal, bounded memory. */
import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CancelledError } from "@conc/core";
import { RemoteExecutor } from "@conc/server/client";
import { type ServeProcess, startServe, writeConfig } from "./serve-process.ts";

const procs: ServeProcess[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const p of procs.splice(0)) p.proc.kill("SIGKILL");
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function serve(limits: Record<string, number>): Promise<ServeProcess> {
  const dir = mkdtempSync(join(tmpdir(), "conc-serve-"));
  dirs.push(dir);
  const s = await startServe(["--config", writeConfig(dir, limits)]);
  procs.push(s);
  return s;
}

describe("bun run serve", () => {
  test("SIGTERM: a task past limits.drainTimeoutMs is cancelled with a reason, over its stream; exit 0", async () => {
    const s = await serve({ drainTimeoutMs: 400 });
    const remote = new RemoteExecutor({ url: `${s.url}/trpc`, pool: "threads" });
    const quick = remote.submit("sleep", 50, "in time");
    const endless = remote.submit("sleep", 1e9);
    await Bun.sleep(100);
    s.proc.kill("SIGTERM");
    expect(await quick.result()).toBe("in time");
    const err = await endless.result().catch((e) => e);
    expect(err).toBeInstanceOf(CancelledError);
    expect((err as Error).message).toContain("drain deadline");
    expect((err as Error).message).toContain("drainTimeoutMs = 400 ms");
    expect(await s.exited(10_000)).toBe(0);
    expect(s.output()).toContain("1 cancelled at the deadline");
    await remote.shutdown({ wait: false });
  }, 20_000);

  test("while draining, new work is refused (503); a second SIGTERM exits at once", async () => {
    const s = await serve({});
    const remote = new RemoteExecutor({ url: `${s.url}/trpc`, pool: "threads" });
    const endless = remote.submit("sleep", 1e9);
    await Bun.sleep(100);
    s.proc.kill("SIGTERM");
    for (let i = 0; i < 100 && !s.output().includes("draining"); i++) await Bun.sleep(20);
    const late = await fetch(`${s.url}/trpc/submit`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ pool: "threads", task: "add", args: [1, 2] }),
    });
    expect(late.status).toBe(503);
    s.proc.kill("SIGTERM");
    // Default deadline is 25 s: exiting within 5 s means the second signal cut it short.
    expect(await s.exited(5_000)).toBe(143);
    endless.cancel();
    await remote.shutdown({ wait: false });
  }, 20_000);

  test("memory target: settled RSS grows < 10% from 50k to 500k tiny tasks under default limits", async () => {
    const s = await serve({});
    const remote = new RemoteExecutor({ url: `${s.url}/trpc`, pool: "threads" });
    const run = async (n: number) => {
      for (let i = 0; i < n; i += 4000) {
        const fs = Array.from({ length: 4000 }, (_, j) => remote.submit("add", i + j, 1));
        for (const f of fs) await f.result();
      }
    };
    // RSS right after a burst is mostly garbage the allocator has not handed back yet: compare the
    // resident size once the server has been idle (the lowest of a few samples).
    const settled = async () => {
      await Bun.sleep(2_000);
      let low = Number.POSITIVE_INFINITY;
      for (let i = 0; i < 5; i++) {
        low = Math.min(low, await s.rss());
        await Bun.sleep(200);
      }
      return low;
    };
    await run(50_000);
    const before = await settled();
    await run(450_000);
    const after = await settled();
    // Between the two, the retained finished tasks double (50k -> limits.maxRetained = 100k).
    expect(after / before).toBeLessThan(1.1);
    await remote.shutdown({ wait: false });
  }, 90_000);
});
