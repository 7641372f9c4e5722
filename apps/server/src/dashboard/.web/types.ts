/** The JSON the page receives (mirrors the server's types without importing server code). */
export type Status = "PENDING" | "RUNNING" | "FINISHED" | "FAILED" | "CANCELLED";

export interface Pool {
  name: string;
  kind: string;
  workers: number;
  maxWorkers: number;
  nodes?: number;
  queued: number;
  running: number;
  done: number;
  failed: number;
  cancelled: number;
}

export interface Point {
  t: number;
  completed: number;
  failed: number;
}

export interface Tick {
  pools: Pool[];
  points: Record<string, Point>;
  changed: boolean;
}

export interface Hello {
  role: "admin" | "read";
  pools: Pool[];
  series: Record<string, Point[]>;
}

export interface Row {
  id: string;
  pool: string;
  task: string;
  status: Status;
  submittedAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  durationMs: number;
  progress: unknown;
}

export interface Page {
  page: number;
  size: number;
  total: number;
  pages: number;
  rows: Row[];
}

export interface ErrorData {
  isError: boolean;
  name: string;
  message: string;
  stack?: string;
  cause?: ErrorData;
  hasCause: boolean;
  fields: Record<string, unknown>;
  value?: unknown;
}

export interface Detail extends Row {
  state: string;
  args: unknown[] | null;
  value: unknown;
  error: ErrorData | null;
}
