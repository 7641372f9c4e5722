/** The dashboard's HTTP surface inside createApp: authentication, roles, CSRF guard, bad input. */
import { afterEach, describe, expect, test } from "bun:test";
import { until } from "../helpers.ts";
import { ADMIN, cleanup, HEADER, login, READ, startServer } from "./harness.ts";

afterEach(cleanup);

/** Every dashboard route the app registers, with its parameters filled in. */
function dashboardRoutes(app: { routes: { method: string; path: string }[] }, id: string, asset: string) {
  const seen = new Set<string>();
  const out: { method: string; path: string }[] = [];
  for (const r of app.routes) {
    if (!r.path.startsWith("/dashboard") || r.path.endsWith("*") || r.method === "ALL") continue;
    const path = r.path.replace(":id", id).replace(":name", asset);
    const key = `${r.method} ${path}`;
    if (!seen.has(key)) out.push({ method: r.method, path });
    seen.add(key);
  }
  return out;
}

async function assetName(base: string, cookie: string): Promise<string> {
  const html = await (await fetch(`${base}/dashboard`, { headers: { cookie } })).text();
  return (html.match(/\/dashboard\/assets\/([^"]+\.js)/) as RegExpMatchArray)[1] as string;
}

describe("dashboard authentication", () => {
  test("every dashboard route refuses a request without a session, and with a tampered one (401, no data)", async () => {
    const s = startServer();
    await s.client().submit("add", 1, 2).result();
    const id = await firstTaskId(s.base);
    const cookie = await login(s.base, ADMIN);
    const asset = await assetName(s.base, cookie);
    const routes = dashboardRoutes(s.app as never, id, asset);
    // Page, assets, API, events, login, logout, cancel: all there.
    expect(routes.length).toBeGreaterThanOrEqual(11);
    const [role, exp, sig] = (cookie.split("=")[1] ?? "").split(".") as [string, string, string];
    const tampered = [
      `conc_dashboard=read.${exp}.${sig}`,
      `conc_dashboard=${role}.${Number(exp) + 1}.${sig}`,
      `conc_dashboard=${role}.${exp}.${sig.slice(1)}A`,
      "conc_dashboard=garbage",
    ];
    for (const { method, path } of routes) {
      for (const c of [undefined, ...tampered]) {
        const headers: Record<string, string> = { ...HEADER, "content-type": "application/json" };
        if (c) headers.cookie = c;
        const res = await fetch(`${s.base}${path}`, {
          method,
          headers,
          body: method === "POST" ? "{}" : null,
        });
        const text = await res.text();
        expect({ method, path, cookie: c, status: res.status }).toEqual({
          method,
          path,
          cookie: c,
          status: 401,
        });
        expect(text).not.toContain(id);
        expect(text).not.toContain("threads");
      }
    }
    // Still works with the genuine cookie.
    expect((await fetch(`${s.base}/dashboard/api/pools`, { headers: { cookie } })).status).toBe(200);
  });

  test("login: token in the JSON body only; HttpOnly SameSite=Strict cookie; wrong or missing token → 401", async () => {
    const s = startServer();
    const post = (body: string, headers: Record<string, string> = HEADER) =>
      fetch(`${s.base}/dashboard/api/login`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body,
      });
    for (const body of [
      "{}",
      JSON.stringify({ token: "wrong-token-0123456789" }),
      JSON.stringify({ token: 5 }),
      "not json",
    ]) {
      const res = await post(body);
      expect(res.status).toBe(401);
      expect(res.headers.get("set-cookie")).toBeNull();
    }
    const ok = await post(JSON.stringify({ token: READ }));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ role: "read" });
    const set = ok.headers.get("set-cookie") ?? "";
    expect(set).toContain("HttpOnly");
    expect(set).toContain("SameSite=Strict");
    expect(set).toContain("Path=/dashboard");
    expect(set).not.toContain(READ);
    // The login page names no token in any URL and sends none in a form.
    const page = await (await fetch(`${s.base}/dashboard`)).text();
    expect(page).toContain('id="login"');
    expect(page).not.toMatch(/name="token"|\?token=/);
  });

  test("wrong tokens are throttled per address: 10 a minute, then 429 even for the right token", async () => {
    const s = startServer();
    const attempt = (token: string) =>
      fetch(`${s.base}/dashboard/api/login`, {
        method: "POST",
        headers: { ...HEADER, "content-type": "application/json" },
        body: JSON.stringify({ token }),
      });
    for (let i = 0; i < 10; i++) expect((await attempt(`guess-${i}-0123456789`)).status).toBe(401);
    const refused = await attempt(ADMIN);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(refused.headers.get("set-cookie")).toBeNull();
  });

  test("logout clears the cookie", async () => {
    const s = startServer();
    const cookie = await login(s.base, ADMIN);
    const res = await fetch(`${s.base}/dashboard/api/logout`, {
      method: "POST",
      headers: { cookie, ...HEADER },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("set-cookie")).toMatch(/^conc_dashboard=; Max-Age=0; Path=\/dashboard/);
  });

  test("mutating requests need the non-simple header and a same-origin Origin", async () => {
    const s = startServer();
    const cookie = await login(s.base, ADMIN);
    const noHeader = await fetch(`${s.base}/dashboard/api/login`, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: JSON.stringify({ token: ADMIN }),
    });
    expect(noHeader.status).toBe(403);
    expect(noHeader.headers.get("set-cookie")).toBeNull();
    const id = await submitSleep(s);
    const cancel = (headers: Record<string, string>) =>
      fetch(`${s.base}/dashboard/api/tasks/${id}/cancel`, {
        method: "POST",
        headers: { cookie, ...headers },
      });
    expect((await cancel({})).status).toBe(403);
    expect((await cancel({ ...HEADER, origin: "http://evil.example" })).status).toBe(403);
    expect(await statusOf(s.base, cookie, id)).not.toBe("CANCELLED");
    expect((await cancel({ ...HEADER, origin: s.base })).status).toBe(200);
  });

  test("a foreign Host is refused before the dashboard answers (DNS-rebinding guard)", async () => {
    const s = startServer();
    const res = await fetch(`${s.base}/dashboard`, { headers: { host: "evil.example:80" } });
    expect(res.status).toBe(403);
    expect(await res.text()).not.toContain("login");
  });
});

describe("dashboard page", () => {
  test("served with a strict CSP, no-store, no framing; its assets come from the bundle", async () => {
    const s = startServer();
    const cookie = await login(s.base, ADMIN);
    const res = await fetch(`${s.base}/dashboard`, { headers: { cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    const html = await res.text();
    const assets = [...html.matchAll(/\/dashboard\/assets\/[^"]+/g)].map((m) => m[0]);
    expect(assets.some((a) => a.endsWith(".js")) && assets.some((a) => a.endsWith(".css"))).toBe(true);
    for (const a of assets) expect((await fetch(`${s.base}${a}`, { headers: { cookie } })).status).toBe(200);
    expect((await fetch(`${s.base}/dashboard/assets/nope.js`, { headers: { cookie } })).status).toBe(404);
  });

  test("no token configured (loopback only): page and API open, everyone admin", async () => {
    const s = startServer({ open: true });
    expect((await fetch(`${s.base}/dashboard`)).status).toBe(200);
    expect(await (await fetch(`${s.base}/dashboard/api/me`)).json()).toEqual({ role: "admin", open: true });
  });
});

describe("dashboard CORS (as for the API)", () => {
  test("no CORS headers for an unlisted origin; a listed origin still cannot mutate with the session (Origin check)", async () => {
    const s = startServer({ corsOrigins: ["http://allowed.example"] });
    const cookie = await login(s.base, ADMIN);
    const preflight = (origin: string) =>
      fetch(`${s.base}/dashboard/api/logout`, {
        method: "OPTIONS",
        headers: {
          origin,
          "access-control-request-method": "POST",
          "access-control-request-headers": "x-conc-dashboard",
        },
      });
    const evil = await preflight("http://evil.example");
    expect(evil.headers.get("access-control-allow-origin")).toBeNull();
    const allowed = await preflight("http://allowed.example");
    expect(allowed.headers.get("access-control-allow-origin")).toBe("http://allowed.example");
    // Cookies never go cross-origin with credentials allowed.
    expect(allowed.headers.get("access-control-allow-credentials")).toBeNull();
    const id = await submitSleep(s);
    const res = await fetch(`${s.base}/dashboard/api/tasks/${id}/cancel`, {
      method: "POST",
      headers: { cookie, ...HEADER, origin: "http://allowed.example" },
    });
    expect(res.status).toBe(403);
    expect(["PENDING", "RUNNING"]).toContain(await statusOf(s.base, cookie, id));
  });
});

describe("dashboard API", () => {
  test("read role: sees tasks, but cancel is refused (403) and the task keeps running", async () => {
    const s = startServer();
    const cookie = await login(s.base, READ);
    const id = await submitSleep(s);
    const res = await fetch(`${s.base}/dashboard/api/tasks/${id}/cancel`, {
      method: "POST",
      headers: { cookie, ...HEADER },
    });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: string }).error).toContain("read token");
    expect(["PENDING", "RUNNING"]).toContain(await statusOf(s.base, cookie, id));
    const me = await (await fetch(`${s.base}/dashboard/api/me`, { headers: { cookie } })).json();
    expect(me).toEqual({ role: "read", open: false });
  });

  test("cancel: running → CANCELLED; finished → 409 with a message; unknown → 404 with a message", async () => {
    const s = startServer();
    const cookie = await login(s.base, ADMIN);
    const cancel = (id: string) =>
      fetch(`${s.base}/dashboard/api/tasks/${id}/cancel`, { method: "POST", headers: { cookie, ...HEADER } });
    const id = await submitSleep(s);
    await until(async () => (await statusOf(s.base, cookie, id)) === "RUNNING");
    const ok = await cancel(id);
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { message: string }).message).toContain("running");
    await until(async () => (await statusOf(s.base, cookie, id)) === "CANCELLED");
    const again = await cancel(id);
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: string }).error).toContain("already ended (CANCELLED)");
    const unknown = await cancel("no-such-task");
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: string }).error).toContain("unknown");
  });

  test("cancel of a queued task: it never starts, ends CANCELLED, and the message says so", async () => {
    const s = startServer();
    const cookie = await login(s.base, ADMIN);
    const c = s.client();
    // Two workers, three long tasks: the third waits.
    for (let i = 0; i < 3; i++) c.submit("sleep", 30_000, i);
    let queued: string | undefined;
    await until(async () => {
      const p = (await (
        await fetch(`${s.base}/dashboard/api/tasks?status=PENDING`, { headers: { cookie } })
      ).json()) as {
        rows: { id: string }[];
      };
      const running = (await (
        await fetch(`${s.base}/dashboard/api/tasks?status=RUNNING`, { headers: { cookie } })
      ).json()) as {
        total: number;
      };
      queued = p.rows[0]?.id;
      return queued !== undefined && running.total === 2;
    }, "two running, one queued");
    const res = await fetch(`${s.base}/dashboard/api/tasks/${queued}/cancel`, {
      method: "POST",
      headers: { cookie, ...HEADER },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { message: string }).message).toContain("before it started");
    const d = (await (
      await fetch(`${s.base}/dashboard/api/tasks/${queued}`, { headers: { cookie } })
    ).json()) as {
      status: string;
      startedAt: number | null;
    };
    expect(d.status).toBe("CANCELLED");
    expect(d.startedAt).toBeNull();
  });

  test("task table pages, filters and bad input (out of range → empty page, never 500)", async () => {
    const s = startServer();
    const cookie = await login(s.base, ADMIN);
    const c = s.client();
    for (let i = 0; i < 7; i++) await c.submit("add", i, 1).result();
    await c.submit("fail", "boom", 3).exception();
    const page = async (q: string) => {
      const res = await fetch(`${s.base}/dashboard/api/tasks?${q}`, { headers: { cookie } });
      expect(res.status).toBe(200);
      return (await res.json()) as { total: number; pages: number; rows: { task: string; status: string }[] };
    };
    expect((await page("size=3")).rows.length).toBe(3);
    expect(await page("size=3")).toMatchObject({ total: 8, pages: 3 });
    expect((await page("size=3&page=3")).rows.length).toBe(2);
    const failed = await page("status=FAILED");
    expect(failed.rows.map((r) => [r.task, r.status])).toEqual([["fail", "FAILED"]]);
    expect((await page("task=add&pool=threads")).total).toBe(7);
    for (const q of [
      "page=9999",
      "page=-1",
      "page=abc",
      "page=1e400",
      "size=-5&page=99",
      "pool=nope",
      "status=NOPE",
      "task=%00",
    ])
      expect((await page(q)).rows).toEqual([]);
    const missing = await fetch(`${s.base}/dashboard/api/tasks/nope`, { headers: { cookie } });
    expect(missing.status).toBe(404);
  });

  test("task detail of a failed task: class, message, fields, worker stack, args, timings", async () => {
    const s = startServer();
    const cookie = await login(s.base, ADMIN);
    await s.client().submit("fail", "boom", 3).exception();
    const id = await firstTaskId(s.base, cookie);
    const d = (await (
      await fetch(`${s.base}/dashboard/api/tasks/${id}`, { headers: { cookie } })
    ).json()) as {
      status: string;
      args: unknown[];
      error: { name: string; message: string; stack: string; fields: Record<string, unknown> };
      submittedAt: number;
      finishedAt: number;
    };
    expect(d.status).toBe("FAILED");
    expect(d.args).toEqual(["boom", 3]);
    expect(d.error.name).toBe("TaskFailure");
    expect(d.error.message).toBe("boom");
    expect(d.error.fields.code).toBe(3);
    expect(d.error.stack).toContain("tasks.ts");
    expect(d.finishedAt).toBeGreaterThanOrEqual(d.submittedAt);
  });
});

async function firstTaskId(base: string, cookie?: string): Promise<string> {
  const c = cookie ?? (await login(base, ADMIN));
  const p = (await (
    await fetch(`${base}/dashboard/api/tasks?size=1`, { headers: { cookie: c } })
  ).json()) as {
    rows: { id: string }[];
  };
  return (p.rows[0] as { id: string }).id;
}

async function submitSleep(s: ReturnType<typeof startServer>): Promise<string> {
  s.client().submit("sleep", 30_000);
  let id: string | undefined;
  await until(async () => {
    const c = await login(s.base, ADMIN);
    const p = (await (
      await fetch(`${s.base}/dashboard/api/tasks?task=sleep`, { headers: { cookie: c } })
    ).json()) as {
      rows: { id: string }[];
    };
    id = p.rows[0]?.id;
    return id !== undefined;
  });
  return id as string;
}

async function statusOf(base: string, cookie: string, id: string): Promise<string> {
  const d = (await (await fetch(`${base}/dashboard/api/tasks/${id}`, { headers: { cookie } })).json()) as {
    status: string;
  };
  return d.status;
}
