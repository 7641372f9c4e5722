/**
 * Refreshes docs/dashboard.png: starts the server as `bun run serve` does (thread and process pools over
 * the example tasks and one that reports progress), runs a mixed workload through RemoteExecutor for a while, opens the dashboard in
 * Chromium, logs in, opens a failed task's detail and takes a full-page screenshot.
 *   bun apps/server/src/dashboard/tools/screenshot.ts [--seconds 40] [--out docs/dashboard.png]
 */
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parseArgs } from "node:util";
import { RemoteExecutor } from "../../client/index.ts";
import { startServer } from "../../serve/start.ts";
import { launchChromium } from "./browser.ts";
import type * as Tasks from "./demo-tasks.ts";

const { values } = parseArgs({ options: { seconds: { type: "string" }, out: { type: "string" } } });
const seconds = Number(values.seconds ?? 40);
const out = resolve(values.out ?? new URL("../../../../../docs/dashboard.png", import.meta.url).pathname);
const token = "screenshot-token-0123456789";

const server = await startServer({
  port: 0,
  token,
  configPath: new URL("./screenshot.config.ts", import.meta.url).pathname,
});
const clients = ["threads", "cpu"].map(
  (pool) => new RemoteExecutor<typeof Tasks>({ url: `${server.url}/trpc`, token, pool }),
);
const chromium = await launchChromium();
let stop = false;
try {
  const page = await chromium.context.newPage();
  await page.setViewportSize({ width: 1280, height: 1000 });
  await page.goto(`${server.url}/dashboard`);
  await page.fill("#token", token);
  await page.click("#login-submit");
  await page.waitForSelector('#conn[data-state="live"]');

  // A workload with a shape: bursts that grow and shrink, some failures, a few long tasks left running.
  const end = Date.now() + seconds * 1000;
  const loops = clients.map(async (c, k) => {
    let i = 0;
    while (!stop && Date.now() < end) {
      const phase = Math.sin((Date.now() / 1000 / seconds) * Math.PI * 3 + k) + 1.2;
      const burst = Math.round(5 + 25 * phase);
      for (let j = 0; j < burst && !stop; j++) {
        i++;
        if (i % 17 === 0) await c.submit("fail", `bad input #${i}`, 400 + k).exception();
        else await c.submit("sumOfSquares", 20_000 + ((i * 7919) % 50_000)).result();
      }
      await Bun.sleep(150);
    }
  });
  await Promise.all(loops);
  // The newest rows: one failure (its detail is opened) and a few tasks left running with some progress.
  await clients[0]?.submit("fail", "bad input #last", 400).exception();
  for (const c of clients) for (let i = 1; i <= 3; i++) c.submit("halfway", 4 * i, 120_000);
  await page.waitForSelector('#tasks tr[data-status="RUNNING"]');
  await page.click('#tasks tr[data-status="FAILED"] a.task-link', { timeout: 10_000 });
  await page.waitForSelector('#detail [data-field="stack"]');
  await Bun.sleep(1200); // one more tick so the chart shows the latest second
  mkdirSync(dirname(out), { recursive: true });
  await page.screenshot({ path: out, fullPage: true });
  console.log(`wrote ${out}`);
} finally {
  stop = true;
  await chromium.close();
  for (const c of clients) await c.shutdown({ wait: false, cancelFutures: true });
  await server.app.close?.();
  await Promise.all(Object.values(server.pools).map((p) => p.terminateWorkers?.()));
  process.exit(0);
}
