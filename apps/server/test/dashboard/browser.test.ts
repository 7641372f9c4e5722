/**
 * The dashboard in a real browser (Debian's Chromium via playwright-core): login, live pools, chart and
 * table, failed-task detail, cancel, roles, restart, bad input. Asserts what the page shows, never timings.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import { type LaunchedBrowser, launchChromium } from "../../src/dashboard/tools/browser.ts";
import { ADMIN, cleanup, READ, startServer } from "./harness.ts";

const T = 60_000;
let chromium: LaunchedBrowser;
const pages: Page[] = [];
/** Script errors and Content-Security-Policy violations of every page: each test ends with none. */
const problems: string[] = [];

beforeAll(async () => {
  chromium = await launchChromium();
});
afterEach(async () => {
  for (const p of pages.splice(0)) await p.close().catch(() => {});
  await chromium.context.clearCookies();
  await cleanup();
  expect(problems.splice(0)).toEqual([]);
});
afterAll(async () => {
  await chromium?.close();
});

async function newPage(): Promise<Page> {
  const page = await chromium.context.newPage();
  pages.push(page);
  page.on("pageerror", (err) => problems.push(`page error: ${err.message}`));
  page.on("console", (msg) => {
    if (msg.type() === "error" && /Content Security Policy|Refused to/.test(msg.text()))
      problems.push(msg.text());
  });
  page.setDefaultTimeout(15_000);
  return page;
}

async function open(base: string): Promise<Page> {
  const page = await newPage();
  const res = await page.goto(`${base}/dashboard`);
  expect(res?.status()).toBe(401);
  return page;
}

async function logIn(page: Page, token: string): Promise<void> {
  await page.fill("#token", token);
  await page.click("#login-submit");
  await page.waitForSelector('#conn[data-state="live"]');
}

/** Waits until an element matching `selector` is on the page (Playwright selectors: `:text-is`, `:has-text`). */
async function seen(page: Page, selector: string): Promise<void> {
  await page.locator(selector).first().waitFor();
}

/** Waits until the task table holds a row with `status` for `task`; returns its id. */
async function rowOf(page: Page, status: string): Promise<string> {
  const row = page.locator(`#tasks tbody tr[data-status="${status}"]`).first();
  await row.waitFor();
  return (await row.getAttribute("data-id")) as string;
}

describe("dashboard in Chromium", () => {
  test(
    "wrong token → login page without data; admin sees the pool, chart and table move, a failed task's stack, cancels a running task",
    async () => {
      const s = startServer();
      const page = await open(s.base);
      await page.fill("#token", "wrong-token-0123456789");
      await page.click("#login-submit");
      await seen(page, '#login-error:text-is("Wrong token.")');
      expect(await page.content()).not.toContain("threads");

      await logIn(page, ADMIN);
      await page.locator('#pools tr[data-pool="threads"]').waitFor();
      expect(await page.locator('#pools tr[data-pool="threads"] td').nth(1).textContent()).toBe("threads");
      expect(page.url()).not.toContain(ADMIN);

      const remote = s.client();
      for (let i = 0; i < 30; i++) await remote.submit("add", i, 1).result();
      const err = await remote.submit("fail", "boom", 7).exception();
      expect((err as Error).name).toBe("TaskFailure");

      // The table, the pools counters and the chart all moved.
      await seen(page, '#tasks[data-total="31"]');
      await seen(page, '#pools tr[data-pool="threads"] [data-col="done"]:text-is("30")');
      await seen(page, '#chart[data-completed="30"][data-failed="1"]');

      expect(await page.locator("#chart canvas").count()).toBeGreaterThan(0);
      expect(await page.locator("#tasks tbody tr").count()).toBe(20);

      // A failed task's detail: class, message, fields, worker stack, arguments.
      const failedId = await rowOf(page, "FAILED");
      await page.click(`#tasks tr[data-id="${failedId}"] a.task-link`);
      await page.locator(`#detail[data-id="${failedId}"]`).waitFor();
      expect(await page.textContent('[data-field="error-class"]')).toBe("TaskFailure");
      expect(await page.textContent('[data-field="error-message"]')).toBe("boom");
      expect(await page.textContent('[data-field="stack"]')).toContain("tasks.ts");
      expect(JSON.parse((await page.textContent('[data-field="args"]')) as string)).toEqual(["boom", 7]);
      expect(await page.textContent("#detail .fields")).toContain('"code": 7');

      // Filters: only the failed one.
      await page.selectOption("#f-status", "FAILED");
      await seen(page, '#tasks[data-total="1"]');

      // An error with a cause: the detail shows the chain.
      await remote.submit("failWithCause", "outer").exception();
      await seen(page, '#tasks[data-total="2"]');
      const causedId = await rowOf(page, "FAILED");
      await page.click(`#tasks tr[data-id="${causedId}"] a.task-link`);
      await page.locator(`#detail[data-id="${causedId}"]`).waitFor();
      expect(await page.textContent('[data-field="error-message"]')).toBe("outer");
      expect(await page.textContent('[data-field="cause-class"]')).toBe("RangeError");
      expect(await page.textContent('[data-field="cause-message"]')).toBe("inner reason of outer");
      await page.selectOption("#f-status", "");

      // Cancel a running task (one that reported progress) from the page: it ends CANCELLED.
      const sleeping = remote.submit("halfway", 10, 60_000);
      const runningId = await rowOf(page, "RUNNING");
      await seen(page, `#tasks tr[data-id="${runningId}"] [data-col="progress"]:has-text("5/10")`);
      await page.click(`#tasks tr[data-id="${runningId}"] button.cancel`);
      await seen(page, '#message[data-kind="ok"]:has-text("Stopping task")');
      await page.locator(`#tasks tr[data-id="${runningId}"][data-status="CANCELLED"]`).waitFor();
      expect(await page.locator(`#tasks tr[data-id="${runningId}"] button.cancel`).count()).toBe(0);
      expect(((await sleeping.result().catch((e: unknown) => e)) as Error).name).toBe("CancelledError");
      await seen(page, '#pools tr[data-pool="threads"] [data-col="cancelled"]:text-is("1")');
    },
    T,
  );

  test(
    "read token: the same table without any cancel button; the server refuses a cancel anyway",
    async () => {
      const s = startServer();
      s.client().submit("sleep", 60_000);
      const page = await open(s.base);
      await logIn(page, READ);
      const id = await rowOf(page, "RUNNING");
      expect(await page.textContent("#role")).toBe("read role");
      expect(await page.locator("button.cancel").count()).toBe(0);
      const status = await page.evaluate(
        async (taskId) =>
          (
            await fetch(`/dashboard/api/tasks/${taskId}/cancel`, {
              method: "POST",
              headers: { "x-conc-dashboard": "1" },
            })
          ).status,
        id,
      );
      expect(status).toBe(403);
      expect(await page.getAttribute(`#tasks tr[data-id="${id}"]`, "data-status")).toBe("RUNNING");
    },
    T,
  );

  test(
    "a cancel that comes too late (task already ended) shows a clear message",
    async () => {
      const s = startServer();
      const remote = s.client();
      const fut = remote.submit("sleep", 60_000);
      const page = await newPage();
      // No live updates on this page: its row keeps the cancel button after the task has ended.
      await page.route("**/dashboard/api/events", (r) => r.abort());
      await page.goto(`${s.base}/dashboard`);
      await page.fill("#token", ADMIN);
      await page.click("#login-submit");
      const id = await rowOf(page, "RUNNING");
      // End it through the API (as another client would), behind this page's back.
      const res = await fetch(`${s.base}/trpc/cancel`, {
        method: "POST",
        headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
        body: JSON.stringify({ id }),
      });
      expect(res.status).toBe(200);
      expect(((await fut.result().catch((e: unknown) => e)) as Error).name).toBe("CancelledError");
      await page.click(`#tasks tr[data-id="${id}"] button.cancel`);
      await seen(page, '#message[data-kind="error"]');
      expect(await page.textContent("#message")).toContain("already ended (CANCELLED)");
    },
    T,
  );

  test(
    "a server restart: 'disconnected' meanwhile, live again after, same session; a stale cancel says the task is unknown",
    async () => {
      const s1 = startServer();
      const remote = s1.client({ owned: true });
      remote.submit("sleep", 60_000);
      const page = await open(s1.base);
      await logIn(page, ADMIN);
      const id = await rowOf(page, "RUNNING");
      // The client is done (its task runs on the server); a client whose server vanishes is another test's topic.
      await remote.shutdown({ wait: false });
      const port = s1.server.port as number; // read before stop: a stopped server reports none
      await s1.stopServer();
      await page.waitForSelector('#conn[data-state="disconnected"]');
      expect(await page.textContent("#conn")).toContain("disconnected");
      // Hold the stream back while the new server is up, so the stale row is still on the page.
      await page.route("**/dashboard/api/events", (r) => r.abort());
      const s2 = startServer({ port });
      // Wait until the browser reaches the new server (healthz needs no session).
      await page.evaluate(async () => {
        while (
          !(await fetch("/healthz").then(
            (r) => r.ok,
            () => false,
          ))
        )
          await new Promise((r) => setTimeout(r, 100));
      });
      await page.click(`#tasks tr[data-id="${id}"] button.cancel`);
      await seen(page, '#message[data-kind="error"]:has-text("unknown")');
      expect(await page.getAttribute("#message", "data-kind")).toBe("error");
      await page.unroute("**/dashboard/api/events");
      await page.waitForSelector('#conn[data-state="live"]', { timeout: 20_000 });
      // Same session cookie (same tokens), the new server's (empty) table.
      await seen(page, '#tasks[data-total="0"]');
      expect(await page.locator("#login").count()).toBe(0);
      expect(s2.base).toBe(s1.base);
    },
    T,
  );

  test(
    "a page whose session is gone (cookie cleared) falls back to the login form when its stream reconnects",
    async () => {
      const s1 = startServer();
      const page = await open(s1.base);
      await logIn(page, ADMIN);
      const port = s1.server.port as number;
      await chromium.context.clearCookies();
      await s1.stopServer();
      await page.waitForSelector('#conn[data-state="disconnected"]');
      startServer({ port });
      await page.locator("#login").waitFor({ timeout: 20_000 });
      expect(await page.locator("#pools").count()).toBe(0);
    },
    T,
  );

  test(
    "a tampered session cookie gets 401 and the login form, never data",
    async () => {
      const s = startServer();
      s.client().submit("add", 1, 2);
      const page = await open(s.base);
      await logIn(page, READ);
      const [cookie] = await chromium.context.cookies(`${s.base}/dashboard`);
      expect(cookie?.httpOnly).toBe(true);
      expect(cookie?.sameSite).toBe("Strict");
      expect(await page.evaluate("document.cookie")).toBe("");
      await chromium.context.addCookies([
        {
          ...(cookie as NonNullable<typeof cookie>),
          value: cookie?.value.replace("read.", "admin.") as string,
        },
      ]);
      const res = await page.goto(`${s.base}/dashboard`);
      expect(res?.status()).toBe(401);
      await page.locator("#login").waitFor();
      const api = await page.goto(`${s.base}/dashboard/api/tasks`);
      expect(api?.status()).toBe(401);
      expect(await page.content()).not.toContain("add");
    },
    T,
  );
});
