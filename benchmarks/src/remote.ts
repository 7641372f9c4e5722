/** Remote tiny-task throughput (batched submits over loopback) and single-call latency, next to local. */
import { ThreadPoolExecutor } from "@conc/core";
import { readUntil } from "@conc/core/testing";
import { RemoteExecutor } from "@conc/server/client";
import type * as Tasks from "../../apps/server/src/example/tasks.ts";
import { type Row, throughput } from "./measure.ts";

const serveScript = new URL("../../apps/server/src/serve.ts", import.meta.url).pathname;
const exampleTasks = new URL("../../apps/server/src/example/tasks.ts", import.meta.url);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] as number;
}

/**
 * Latencies of several calls taken in turns (a, b, c, a, b, c, ...), so each sees the same machine:
 * on a busy 2-core box, blocks measured one after the other compare different moments.
 */
async function latencies(n: number, calls: (() => Promise<unknown>)[]): Promise<number[][]> {
  const out = calls.map(() => [] as number[]);
  for (let i = 0; i < n; i++) {
    for (const [k, call] of calls.entries()) {
      const t = performance.now();
      await call();
      out[k]?.push(performance.now() - t);
    }
  }
  return out.map((xs) => xs.sort((a, b) => a - b));
}

export async function benchRemote(quick: boolean): Promise<Row[]> {
  // The server runs in its own process, as `bun run serve` does.
  const proc = Bun.spawn([process.execPath, serveScript, "--port", "0"], {
    stdout: "pipe",
    stderr: "inherit",
  });
  try {
    const out = await readUntil(proc.stdout, "listening on", "the server");
    const url = /listening on (\S+)/.exec(out)?.[1] as string;
    const remote = new RemoteExecutor<typeof Tasks>({ url: `${url}/trpc`, pool: "threads" });
    const local = new ThreadPoolExecutor({ module: exampleTasks });
    // Below half the server's default queue limit (10,000): a tinybench warm-up that overlaps the
    // first timed run was seen to push 2 × 9,000 over it (429s), which would measure refusals.
    const n = 4000;
    let remoteTasks = 0;
    const batch = async (ex: { submit(t: "add", a: number, b: number): { result(): Promise<unknown> } }) => {
      if (ex === (remote as unknown)) remoteTasks += n;
      const fs = Array.from({ length: n }, (_, i) => ex.submit("add", i, 1));
      for (const f of fs) await f.result();
    };
    await batch(remote as never);
    await batch(local as never);
    const remoteRate = await throughput("remote batched", n, () => batch(remote as never), quick);
    const localRate = await throughput("local batched", n, () => batch(local as never), quick);
    const calls = quick ? 500 : 2000;
    await latencies(200, [() => remote.run("add", 1, 2)]);
    // A bare HTTP round trip to the same server: the floor a remote call is compared with.
    const [rLat, lLat, hLat] = (await latencies(calls, [
      () => remote.run("add", 1, 2),
      () => local.run("add", 1, 2),
      async () => (await fetch(`${url}/healthz`)).text(),
    ])) as [number[], number[], number[]];
    // Server memory (issue 14's target): settled RSS once 50k tiny tasks ran, then after 500k in all
    // (quick: 200k). Settled = the lowest of a few samples after 2 s idle: right after a burst the
    // allocator still holds garbage it hands back moments later.
    const rss = async () =>
      Number(/VmRSS:\s+(\d+)/.exec(await Bun.file(`/proc/${proc.pid}/status`).text())?.[1]) * 1024;
    const settled = async () => {
      await Bun.sleep(2_000);
      let low = Number.POSITIVE_INFINITY;
      for (let i = 0; i < 5; i++) {
        low = Math.min(low, await rss());
        await Bun.sleep(200);
      }
      return low;
    };
    const total = quick ? 200_000 : 500_000;
    while (remoteTasks < 50_000) await batch(remote as never);
    const rssStart = await settled();
    while (remoteTasks < total) await batch(remote as never);
    const rssEnd = await settled();
    await remote.shutdown();
    await local.shutdown();
    return [
      {
        group: "remote",
        workload: "RemoteExecutor tiny tasks, batched submits over loopback",
        unit: "tasks/s",
        conc: remoteRate,
        peers: { "same tasks on the local ThreadPoolExecutor": localRate },
      },
      {
        group: "remote",
        workload: "one remote call, p50 latency (lower is better)",
        unit: "ms",
        conc: percentile(rLat, 0.5),
        lowerIsBetter: true,
        peers: {
          "local executor p50": percentile(lLat, 0.5),
          "bare HTTP round trip to the same server p50": percentile(hLat, 0.5),
        },
      },
      {
        group: "remote",
        workload: "one remote call, p99 latency (lower is better)",
        unit: "ms",
        conc: percentile(rLat, 0.99),
        lowerIsBetter: true,
        peers: {
          "local executor p99": percentile(lLat, 0.99),
          "bare HTTP round trip to the same server p99": percentile(hLat, 0.99),
        },
      },
      {
        group: "remote",
        workload: `server settled RSS after ${total / 1000}k tiny tasks (default limits, lower is better)`,
        unit: "MB",
        conc: rssEnd / 1e6,
        lowerIsBetter: true,
        peers: { "settled RSS after 50k (target: < 1.1x of it)": rssStart / 1e6 },
      },
    ];
  } finally {
    proc.kill("SIGTERM");
    await proc.exited;
  }
}
