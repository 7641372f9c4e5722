/**
 * How fast the task table answers with 100k retained tasks: real tasks run on a thread pool, recorded
 * by MemorySource, served by createDashboard over HTTP. Prints p50/p95/p99 per query.
 *   bun apps/server/src/dashboard/tools/bench-pages.ts [--tasks 100000] [--requests 200]
 */
import { parseArgs } from "node:util";
import { ThreadPoolExecutor } from "@conc/core";
import { createDashboard } from "../create-dashboard.ts";
import { MemorySource } from "../memory-source.ts";

const { values } = parseArgs({ options: { tasks: { type: "string" }, requests: { type: "string" } } });
const N = Number(values.tasks ?? 100_000);
const R = Number(values.requests ?? 200);
const module = new URL("../../example/tasks.ts", import.meta.url);

const source = new MemorySource(N);
const executor = new ThreadPoolExecutor({ module, maxWorkers: 2 });
const pools = source.instrument({ a: executor, b: executor });
const token = "bench-token-0123456789";
const dash = createDashboard({ source, tokens: [{ token, role: "admin" }], tickMs: 1000 });
const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: dash.fetch });
const base = `http://127.0.0.1:${server.port}/dashboard`;

const t0 = performance.now();
const futures = [];
for (let i = 0; i < N; i++) {
  const pool = i % 4 === 0 ? pools.b : pools.a;
  futures.push(i % 50 === 0 ? pool.submit("fail", `bad ${i}`, i) : pool.submit("add", i, 1));
}
for (const f of futures) await f.exception().catch(() => {});
futures.length = 0;
console.log(`${N} tasks run and retained in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

const login = await fetch(`${base}/api/login`, {
  method: "POST",
  headers: { "x-conc-dashboard": "1", "content-type": "application/json" },
  body: JSON.stringify({ token }),
});
const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0] as string;

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
  times.sort((a, b) => a - b);
  worst = Math.max(worst, pct(times, 95));
  console.log(
    `${name.padEnd(30)} ${String(rows).padStart(4)} ${String(total).padStart(8)} ${pct(times, 50).toFixed(2).padStart(9)} ${pct(times, 95).toFixed(2).padStart(8)} ${pct(times, 99).toFixed(2).padStart(8)}`,
  );
}
console.log(`worst p95: ${worst.toFixed(2)} ms (target < 50 ms)`);
await server.stop(true);
dash.close();
await executor.shutdown();
