/**
 * How fast the task table answers with 100k retained tasks. Real tasks (1 in 50 fails) run on two thread
 * pools; the page is asked over HTTP, cookie and all, and p50/p95/p99 are printed per query.
 *   --source app     (default) createApp and its own task store; tasks submitted over HTTP (tRPC submitMany)
 *   --source memory  createDashboard over MemorySource; tasks submitted to the executors directly
 *   bun apps/server/src/dashboard/tools/bench-pages.ts [--source app|memory] [--tasks 100000] [--requests 200]
 */
import { parseArgs } from "node:util";
import { ThreadPoolExecutor } from "@conc/core";
import { createApp } from "../../app.ts";
import { createDashboard } from "../create-dashboard.ts";
import { MemorySource } from "../memory-source.ts";

const { values } = parseArgs({
  options: { source: { type: "string" }, tasks: { type: "string" }, requests: { type: "string" } },
});
const N = Number(values.tasks ?? 100_000);
const R = Number(values.requests ?? 200);
const module = new URL("../../example/tasks.ts", import.meta.url);
const token = "bench-token-0123456789";
const a = new ThreadPoolExecutor({ module, maxWorkers: 1 });
const b = new ThreadPoolExecutor({ module, maxWorkers: 1 });
const call = (i: number) =>
  i % 50 === 0 ? { task: "fail", args: [`bad ${i}`, i] } : { task: "add", args: [i, 1] };
const poolOf = (i: number) => (i % 4 === 0 ? "b" : "a");

interface Setup {
  base: string;
  close(): Promise<void>;
}

/** Submits in batches of 1000 over HTTP; what admission refuses is resent after the server's retryAfterMs. */
async function submitOverHttp(trpc: string): Promise<void> {
  let next = 0;
  let refused: number[] = [];
  while (next < N || refused.length > 0) {
    const batch =
      refused.length > 0 ? refused : Array.from({ length: Math.min(1000, N - next) }, () => next++);
    refused = [];
    let wait = 0;
    for (const pool of ["a", "b"]) {
      const mine = batch.filter((i) => poolOf(i) === pool);
      if (mine.length === 0) continue;
      const res = await fetch(`${trpc}/submitMany`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ pool, calls: mine.map(call) }),
      });
      const body = (await res.json()) as {
        result?: { data: { ids: (string | null)[]; retryAfterMs?: number } };
      };
      if (!body.result)
        throw new Error(`submitMany answered ${res.status}: ${JSON.stringify(body).slice(0, 200)}`);
      const ids = body.result.data.ids;
      refused.push(...mine.filter((_, k) => ids[k] == null));
      wait = Math.max(wait, body.result.data.retryAfterMs ?? 0);
    }
    if (refused.length > 0) await Bun.sleep(Math.max(5, wait));
  }
}

async function viaApp(): Promise<Setup> {
  const app = createApp({ pools: { a, b }, token, limits: { maxRetained: N } });
  const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: app.fetch });
  const root = `http://127.0.0.1:${server.port}`;
  await submitOverHttp(`${root}/trpc`);
  return {
    base: `${root}/dashboard`,
    async close() {
      await server.stop(true);
      await app.close();
    },
  };
}

async function viaMemory(): Promise<Setup> {
  const source = new MemorySource(N);
  const pools = source.instrument({ a, b });
  const dash = createDashboard({ source, tokens: [{ token, role: "admin" }], tickMs: 1000 });
  for (let i = 0; i < N; i++) {
    const c = call(i);
    pools[poolOf(i)].submit(c.task, ...c.args);
  }
  const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: dash.fetch });
  return {
    base: `http://127.0.0.1:${server.port}/dashboard`,
    async close() {
      await server.stop(true);
      dash.close();
    },
  };
}

const t0 = performance.now();
const setup = values.source === "memory" ? await viaMemory() : await viaApp();
const { base } = setup;
const login = await fetch(`${base}/api/login`, {
  method: "POST",
  headers: { "x-conc-dashboard": "1", "content-type": "application/json" },
  body: JSON.stringify({ token }),
});
const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0] as string;
// Wait for the work to finish: the pools table says when.
for (;;) {
  const { pools } = (await (await fetch(`${base}/api/pools`, { headers: { cookie } })).json()) as {
    pools: { queued: number; running: number; done: number; failed: number }[];
  };
  if (pools.reduce((n, p) => n + p.done + p.failed, 0) >= N) break;
  await Bun.sleep(50);
}
console.log(
  `${values.source ?? "app"}: ${N} tasks run and retained in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
);

const queries: [string, string][] = [
  ["newest page", "page=1&size=20"],
  ["last page", `page=${Math.ceil(N / 20)}&size=20`],
  ["middle page, oldest first", `page=${Math.ceil(N / 40)}&size=20&order=asc`],
  ["pool b", "pool=b&page=3"],
  ["FAILED only", "status=FAILED&page=2"],
  ["task + pool + state", "task=add&pool=a&status=FINISHED&page=10"],
  ["200 rows", "size=200&page=7"],
  ["out of range", "page=999999"],
];

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

console.log(
  `query                          rows    total    p50 ms   p95 ms   p99 ms   (${R} requests each)`,
);
let worst = 0;
for (const [name, q] of queries) {
  const times: number[] = [];
  let rows = 0;
  let total = 0;
  for (let i = 0; i < R; i++) {
    const s = performance.now();
    const res = await fetch(`${base}/api/tasks?${q}`, { headers: { cookie } });
    const body = (await res.json()) as { rows: unknown[]; total: number };
    times.push(performance.now() - s);
    rows = body.rows.length;
    total = body.total;
  }
  times.sort((x, y) => x - y);
  worst = Math.max(worst, pct(times, 95));
  const cols = [pct(times, 50), pct(times, 95), pct(times, 99)].map((t) => t.toFixed(2).padStart(8));
  console.log(
    `${name.padEnd(30)} ${String(rows).padStart(4)} ${String(total).padStart(8)}  ${cols.join(" ")}`,
  );
}
console.log(`worst p95: ${worst.toFixed(2)} ms (target < 50 ms)`);
await setup.close();
await Promise.all([a.shutdown(), b.shutdown()]);
