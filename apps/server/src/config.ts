/** Options of createApp and their defaults. */
import type { ExecutorLike } from "@conc/core";
import type { Role } from "./auth/token.ts";
import type { PoolSpec } from "./store/pool-spec.ts";

export type { DistributedPoolSpec, PoolSpec } from "./store/pool-spec.ts";

export interface Limits {
  /** Largest request body, in bytes (413 beyond). */
  maxBodyBytes: number;
  /** Most unfinished tasks per pool (429 beyond). */
  maxQueued: number;
  /** How long a finished task's result is kept (then NOT_FOUND). */
  resultTtlMs: number;
  /** Deadline of every task unless the caller asks for less. */
  taskTimeoutMs: number;
  /** Longest a single `result` call may wait. */
  maxWaitMs: number;
  /** Most calls in one HTTP batch, and submits in one submitMany. */
  maxBatchSize: number;
  /** Most items in one map call. */
  maxMapItems: number;
  /** Longest a subscription stream stays open before the client reconnects. */
  maxStreamMs: number;
  /** Most finished tasks kept (oldest evicted first, then NOT_FOUND "expired"), whatever the TTL. */
  maxRetained: number;
  /** On drain (SIGTERM), how long work may finish before what is left is cancelled. */
  drainTimeoutMs: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxBodyBytes: 1 << 20,
  maxQueued: 10_000,
  resultTtlMs: 600_000,
  taskTimeoutMs: 300_000,
  maxWaitMs: 30_000,
  maxBatchSize: 1000,
  maxMapItems: 100_000,
  maxStreamMs: 300_000,
  maxRetained: 100_000,
  // Inside Kubernetes' default 30 s grace period before SIGKILL.
  drainTimeoutMs: 25_000,
};

export interface CreateAppOptions {
  /**
   * The pools to expose, by name: executors (yours to shut down), or specs the app builds and shuts
   * down itself: `{ kind: "distributed", redis, queue, module }` (loads @conc/distributed).
   * Only exports of each pool's task module can be called.
   */
  pools: Record<string, ExecutorLike | PoolSpec>;
  /** Bearer token (one admin token): required on every route but /healthz when set. */
  token?: string | undefined;
  /** Tokens with roles: `read` lists, reads and watches; only `admin` submits and cancels. */
  tokens?: { token: string; role: Role }[] | undefined;
  limits?: Partial<Limits> | undefined;
  /** Host names accepted in the Host header (DNS-rebinding guard). Default: loopback names. */
  allowedHosts?: string[] | undefined;
  /** Origins allowed by CORS. Default: none (no CORS headers). */
  corsOrigins?: string[] | undefined;
}

export const LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "::1", "[::1]"];
