/** The dashboard with a distributed pool (private redis-server + one worker node): nodes, tasks, a node's stack. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { runWorkerNode, type WorkerNode } from "@conc/distributed";
import type { Page } from "playwright-core";
import { type LaunchedBrowser, launchChromium } from "../../src/dashboard/tools/browser.ts";
import { REDIS_SKIP, type RedisServer, startRedis } from "../redis-server.ts";
import { ADMIN, cleanup, type DashServer, module, startServer } from "./harness.ts";

describe.skipIf(REDIS_SKIP)("dashboard with a distributed pool, in Chromium", () => {
  let redis: RedisServer;
  let node: WorkerNode;
  let s: DashServer;
  let chromium: LaunchedBrowser;
  let page: Page;

  beforeAll(async () => {
    redis = await startRedis();
    node = await runWorkerNode({
      redis: redis.url,
      queue: "dash",
      module,
      pool: "threads",
      maxWorkers: 1,
      concurrency: 2,
    });
    s = startServer({
      pools: { dist: { kind: "distributed", redis: redis.url, queue: "dash", module: module.href } },
    });
    await s.app.ready();
    chromium = await launchChromium();
  });
  afterAll(async () => {
    await chromium?.close();
    await cleanup();
    await node?.close({ timeoutMs: 3_000 });
    await redis?.stop();
  });

  test("the pool shows kind distributed and its node; its tasks fill the table; a failure shows the node's stack", async () => {
    page = await chromium.context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${s.base}/dashboard`);
    await page.fill("#token", ADMIN);
    await page.click("#login-submit");
    const row = page.locator('#pools tr[data-pool="dist"]');
    await row.waitFor();
    expect(await row.locator('[data-col="kind"]').textContent()).toBe("distributed");
    await page.locator('#pools tr[data-pool="dist"] [data-col="nodes"]:text-is("1")').waitFor();

    const remote = s.client({ pool: "dist" });
    for (let i = 0; i < 5; i++) expect(await remote.submit("add", i, 1).result()).toBe(i + 1);
    expect(((await remote.submit("fail", "far away", 3).exception()) as Error).message).toBe("far away");
    await page.locator('#tasks[data-total="6"]').waitFor();
    await page.locator('#pools tr[data-pool="dist"] [data-col="done"]:text-is("5")').waitFor();

    const failed = page.locator('#tasks tbody tr[data-status="FAILED"]').first();
    const id = (await failed.getAttribute("data-id")) as string;
    await failed.locator("a.task-link").click();
    await page.locator(`#detail[data-id="${id}"]`).waitFor();
    expect(await page.textContent('[data-field="error-class"]')).toBe("TaskFailure");
    expect(await page.textContent('[data-field="stack"]')).toContain("tasks.ts");
    await page.close();
  }, 60_000);
});
