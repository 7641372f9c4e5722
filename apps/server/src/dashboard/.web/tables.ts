/** The pools table and the task table (rows are built with textContent only: task data is never HTML). */
import { duration, el, progress, time } from "./format.ts";
import type { Pool, Row } from "./types.ts";

export function renderPools(tbody: HTMLElement, pools: Pool[]): void {
  tbody.replaceChildren(
    ...pools.map((p) =>
      el(
        "tr",
        { "data-pool": p.name },
        el("td", {}, p.name),
        el("td", { "data-col": "kind" }, p.kind),
        el("td", { "data-col": "workers" }, `${p.workers} / ${p.maxWorkers}`),
        el("td", { "data-col": "nodes" }, p.nodes === undefined ? "—" : String(p.nodes)),
        el("td", { "data-col": "queued" }, String(p.queued)),
        el("td", { "data-col": "running" }, String(p.running)),
        el("td", { "data-col": "done" }, String(p.done)),
        el("td", { "data-col": "failed" }, String(p.failed)),
        el("td", { "data-col": "cancelled" }, String(p.cancelled)),
      ),
    ),
  );
}

/** Advances the durations of unfinished rows by the time since the page was fetched (no request). */
export function tickDurations(tbody: HTMLElement, fetchedAt: number): void {
  const elapsed = performance.now() - fetchedAt;
  for (const td of tbody.querySelectorAll<HTMLElement>(
    'tr[data-status="RUNNING"] [data-col="duration"], tr[data-status="PENDING"] [data-col="duration"]',
  ))
    td.textContent = duration(Number(td.dataset.ms) + elapsed);
}

export interface RowActions {
  canCancel: boolean;
  open(id: string): void;
  cancel(id: string): void;
}

export function renderTasks(tbody: HTMLElement, rows: Row[], actions: RowActions): void {
  tbody.replaceChildren(
    ...rows.map((r) => {
      const link = el("a", { href: "#", class: "task-link" }, r.id);
      link.addEventListener("click", (e) => {
        e.preventDefault();
        actions.open(r.id);
      });
      const live = r.status === "PENDING" || r.status === "RUNNING";
      const cell = el("td", {});
      if (actions.canCancel && live) {
        const b = el("button", { type: "button", class: "cancel" }, "cancel");
        b.addEventListener("click", () => actions.cancel(r.id));
        cell.append(b);
      }
      return el(
        "tr",
        { "data-id": r.id, "data-status": r.status },
        el("td", {}, link),
        el("td", {}, r.pool),
        el("td", {}, r.task),
        el("td", { class: `status ${r.status.toLowerCase()}`, "data-col": "status" }, r.status),
        el("td", {}, time(r.submittedAt)),
        el("td", { "data-col": "duration", "data-ms": String(r.durationMs) }, duration(r.durationMs)),
        el("td", { "data-col": "progress" }, progress(r.progress)),
        cell,
      );
    }),
  );
}
