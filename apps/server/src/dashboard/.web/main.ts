/** The dashboard page: live pools and chart over one event stream; the task table is fetched a page at a time. */
import "uplot/dist/uPlot.min.css";
import "./style.css";
import { ApiError, BASE, get, post } from "./api.ts";
import { ThroughputChart } from "./chart.ts";
import { renderDetail } from "./detail.ts";
import { renderPools, renderTasks, tickDurations } from "./tables.ts";
import type { Detail, Hello, Page, Pool, Tick } from "./types.ts";

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

const state = {
  role: "read" as "admin" | "read",
  page: 1,
  pages: 0,
  detail: undefined as string | undefined,
  /** When the table was last fetched (performance.now()), for live durations. */
  fetchedAt: 0,
};
const chart = new ThroughputChart($("chart"));
const conn = $("conn");

function setConn(s: "live" | "disconnected" | "connecting"): void {
  conn.dataset.state = s;
  conn.textContent =
    s === "live" ? "live" : s === "disconnected" ? "disconnected — reconnecting…" : "connecting…";
}

function say(text: string, kind: "ok" | "error"): void {
  const m = $("message");
  m.textContent = text;
  m.dataset.kind = kind;
}

function pools(list: Pool[]): void {
  renderPools($("pools").querySelector("tbody") as HTMLElement, list);
  const select = $<HTMLSelectElement>("f-pool");
  const have = new Set([...select.options].map((o) => o.value));
  for (const p of list) if (!have.has(p.name)) select.append(new Option(p.name, p.name));
}

// ---- task table: one request in flight, one more queued at most
let loading: Promise<void> | undefined;
let again = false;
function refresh(): void {
  if (loading) {
    again = true;
    return;
  }
  loading = loadPage().finally(() => {
    loading = undefined;
    if (again) {
      again = false;
      refresh();
    }
  });
}

async function loadPage(): Promise<void> {
  const q = new URLSearchParams({
    page: String(state.page),
    size: "20",
    pool: $<HTMLSelectElement>("f-pool").value,
    task: $<HTMLInputElement>("f-task").value.trim(),
    status: $<HTMLSelectElement>("f-status").value,
    order: $<HTMLSelectElement>("f-order").value,
  });
  try {
    const p = await get<Page>(`/api/tasks?${q}`);
    // Past the last page (the filter or the retained set shrank): show the last page instead.
    if (p.rows.length === 0 && p.page > Math.max(1, p.pages)) {
      state.page = Math.max(1, p.pages);
      again = true;
      return;
    }
    state.pages = p.pages;
    state.fetchedAt = performance.now();
    renderTasks($("tasks").querySelector("tbody") as HTMLElement, p.rows, {
      canCancel: state.role === "admin",
      open: (id) => void openDetail(id),
      cancel: (id) => void cancel(id),
    });
    $("page-info").textContent = `page ${p.page} of ${Math.max(1, p.pages)} · ${p.total} tasks`;
    $("tasks").dataset.total = String(p.total);
    $<HTMLButtonElement>("prev").disabled = p.page <= 1;
    $<HTMLButtonElement>("next").disabled = p.page >= p.pages;
  } catch (err) {
    // While disconnected the badge says it all; the stream's return reloads the table.
    const quiet = (err instanceof ApiError && err.status === 401) || conn.dataset.state !== "live";
    if (!quiet) say(`Could not load tasks: ${(err as Error).message}`, "error");
  }
  if (state.detail) await openDetail(state.detail, true);
}

async function openDetail(id: string, quiet = false): Promise<void> {
  const root = $("detail");
  try {
    const d = await get<Detail>(`/api/tasks/${encodeURIComponent(id)}`);
    state.detail = id;
    renderDetail(root, d, () => {
      state.detail = undefined;
      root.hidden = true;
    });
  } catch (err) {
    if (!quiet) say((err as Error).message, "error");
  }
}

async function cancel(id: string): Promise<void> {
  try {
    const r = await post<{ message: string }>(`/api/tasks/${encodeURIComponent(id)}/cancel`);
    say(r.message, "ok");
  } catch (err) {
    say((err as Error).message, "error");
  }
  refresh();
}

// ---- live stream: EventSource reconnects by itself; when it gives up, check the session and start anew
let es: EventSource | undefined;
function connect(): void {
  es?.close();
  es = new EventSource(`${BASE}/api/events`);
  es.addEventListener("hello", (e) => {
    const h = JSON.parse((e as MessageEvent).data) as Hello;
    setRole(h.role);
    setConn("live");
    pools(h.pools);
    chart.reset(h.series);
    refresh();
  });
  es.addEventListener("tick", (e) => {
    const t = JSON.parse((e as MessageEvent).data) as Tick;
    pools(t.pools);
    chart.add(t.points);
    if (t.changed) refresh();
    else tickDurations($("tasks").querySelector("tbody") as HTMLElement, state.fetchedAt);
  });
  es.onerror = () => {
    setConn("disconnected");
    if (es?.readyState === EventSource.CLOSED) setTimeout(() => void recheck(), 1000);
  };
}

async function recheck(): Promise<void> {
  try {
    await get("/api/me"); // a 401 reloads into the login page
    connect();
  } catch {
    setTimeout(() => void recheck(), 1000);
  }
}

// ---- controls
for (const id of ["f-pool", "f-status", "f-order"])
  $(id).addEventListener("change", () => {
    state.page = 1;
    refresh();
  });
let typing: ReturnType<typeof setTimeout> | undefined;
$("f-task").addEventListener("input", () => {
  clearTimeout(typing);
  typing = setTimeout(() => {
    state.page = 1;
    refresh();
  }, 250);
});
$("filters").addEventListener("submit", (e) => e.preventDefault());
$("prev").addEventListener("click", () => {
  state.page = Math.max(1, state.page - 1);
  refresh();
});
$("next").addEventListener("click", () => {
  state.page += 1;
  refresh();
});
$("logout").addEventListener("click", async () => {
  await post("/api/logout").catch(() => {});
  location.reload();
});

function setRole(role: "admin" | "read"): void {
  state.role = role;
  document.body.dataset.role = role;
  $("role").textContent = `${role} role`;
}

// The table loads at once; the stream then keeps it (and the pools and chart) current.
setConn("connecting");
get<{ role: "admin" | "read" }>("/api/me")
  .then((me) => {
    setRole(me.role);
    refresh();
  })
  .catch(() => {});
connect();
