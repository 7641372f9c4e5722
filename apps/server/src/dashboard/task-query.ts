/**
 * The task table's query: parsed leniently from URL parameters (anything out of range gives an empty
 * page, never an error) and answered in two linear passes over the retained records, with no sort and
 * no copy of the whole set (100k records answer in a few milliseconds).
 */
import { preview, ROW_LIMITS } from "./preview.ts";
import type { TaskRecordView } from "./source.ts";

/** What the page shows: FINISHED splits into FINISHED (returned) and FAILED (threw or timed out). */
export type TaskStatus = "PENDING" | "RUNNING" | "FINISHED" | "FAILED" | "CANCELLED";
export const STATUSES: readonly TaskStatus[] = ["PENDING", "RUNNING", "FINISHED", "FAILED", "CANCELLED"];

export interface TaskQuery {
  /** 1-based; 0 means "out of range" (answers an empty page). */
  page: number;
  size: number;
  pool?: string | undefined;
  task?: string | undefined;
  status?: string | undefined;
  /** By submit time: newest first (desc, the default) or oldest first. */
  order: "asc" | "desc";
}

export interface TaskRow {
  id: string;
  pool: string;
  task: string;
  status: TaskStatus;
  submittedAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  /** Run time (from start, or from submit when the start is unknown) until the end or now. */
  durationMs: number;
  progress: unknown;
}

export interface TaskPage {
  page: number;
  size: number;
  total: number;
  pages: number;
  rows: TaskRow[];
}

export const DEFAULT_PAGE_SIZE = 25;
export const MAX_PAGE_SIZE = 200;

export function statusOf(r: TaskRecordView): TaskStatus {
  if (r.state === "FINISHED") return r.ok === false ? "FAILED" : "FINISHED";
  return r.state;
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v === "" ? undefined : v;
}

/** Reads the query from URL parameters; never throws. */
export function parseTaskQuery(params: Record<string, string | undefined>): TaskQuery {
  const page = params.page === undefined || params.page === "" ? 1 : Number(params.page);
  const size = Number(params.size);
  return {
    page: Number.isSafeInteger(page) && page >= 1 ? page : 0,
    size: Number.isSafeInteger(size) && size >= 1 ? Math.min(size, MAX_PAGE_SIZE) : DEFAULT_PAGE_SIZE,
    pool: nonEmpty(params.pool),
    task: nonEmpty(params.task),
    status: nonEmpty(params.status),
    order: params.order === "asc" ? "asc" : "desc",
  };
}

export function toRow(r: TaskRecordView, now: number): TaskRow {
  const from = r.startedAt ?? r.submittedAt;
  return {
    id: r.id,
    pool: r.pool,
    task: r.task,
    status: statusOf(r),
    submittedAt: r.submittedAt,
    startedAt: r.startedAt ?? null,
    finishedAt: r.finishedAt ?? null,
    durationMs: Math.max(0, (r.finishedAt ?? now) - from),
    progress: typeof r.progress === "number" ? r.progress : preview(r.progress ?? null, ROW_LIMITS),
  };
}

/**
 * One page of the records (given oldest first) that match the query, in one pass: the total is counted
 * while the page's rows are kept (oldest first: the rows at their positions; newest first: a ring of the
 * last `skip + size` matches, whose oldest `size` are the page).
 */
export function queryTasks(
  records: () => Iterable<TaskRecordView>,
  q: TaskQuery,
  now = Date.now(),
): TaskPage {
  const { pool, task, status } = q;
  const skip = q.page >= 1 ? (q.page - 1) * q.size : 0;
  const keep = q.page >= 1 ? skip + q.size : 0;
  const ring: TaskRecordView[] = [];
  let total = 0;
  for (const r of records()) {
    if (pool !== undefined && r.pool !== pool) continue;
    if (task !== undefined && r.task !== task) continue;
    if (status !== undefined && statusOf(r) !== status) continue;
    if (q.order === "asc") {
      if (total >= skip && total < keep) ring.push(r);
    } else if (keep > 0) ring[total % keep] = r;
    total++;
  }
  const pages = Math.ceil(total / q.size);
  const page = { page: q.page, size: q.size, total, pages, rows: [] as TaskRow[] };
  if (q.page < 1 || q.page > pages) return page;
  if (q.order === "asc") {
    page.rows = ring.map((r) => toRow(r, now));
    return page;
  }
  // Newest first: asc positions [total - skip - size, total - skip), read from the ring, newest first.
  const from = Math.max(0, total - skip - q.size);
  for (let i = total - skip - 1; i >= from; i--) page.rows.push(toRow(ring[i % keep] as TaskRecordView, now));
  return page;
}
