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

/** One page of the records (given oldest first) that match the query. */
export function queryTasks(
  records: () => Iterable<TaskRecordView>,
  q: TaskQuery,
  now = Date.now(),
): TaskPage {
  const matches = (r: TaskRecordView) =>
    (q.pool === undefined || r.pool === q.pool) &&
    (q.task === undefined || r.task === q.task) &&
    (q.status === undefined || statusOf(r) === q.status);
  let total = 0;
  for (const r of records()) if (matches(r)) total++;
  const pages = Math.ceil(total / q.size);
  const empty = { page: q.page, size: q.size, total, pages, rows: [] };
  if (q.page < 1 || q.page > pages) return empty;
  // Positions (in oldest-first order) of the wanted slice.
  const skip = (q.page - 1) * q.size;
  const from = q.order === "asc" ? skip : Math.max(0, total - skip - q.size);
  const to = q.order === "asc" ? Math.min(total, skip + q.size) : total - skip;
  const rows: TaskRow[] = [];
  let i = 0;
  for (const r of records()) {
    if (!matches(r)) continue;
    if (i >= from) rows.push(toRow(r, now));
    if (++i >= to) break;
  }
  if (q.order === "desc") rows.reverse();
  return { ...empty, rows };
}
