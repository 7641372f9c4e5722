/**
 * Admitting a batch of calls on one pool: each call passes the pool's ledger on its own (a batch
 * takes what fits), and a call whose id the server already holds is that task again, never a
 * second one (so a client that resends a refused or lost batch duplicates nothing).
 */
import { randomBytes } from "node:crypto";
import type { Future } from "@conc/core";
import { TRPCError } from "@trpc/server";
import type { Limits } from "../config.ts";
import { PoolBusyError, toTRPCError } from "../errors.ts";
import { RETRY_AFTER_MS } from "../limits/admission.ts";
import type { Metrics } from "../metrics/metrics.ts";
import { executorOf, type PoolEntry } from "../store/pool-registry.ts";
import type { TaskEntry, TaskRecord, TaskStore } from "../store/task-store.ts";
import type { WireCall } from "../wire.ts";

export interface AdmitDeps {
  limits: Limits;
  store: TaskStore;
  metrics: Metrics;
  draining: () => boolean;
}

export interface AdmittedBatch {
  /** Per call: its task, or null when refused for lack of room. */
  recs: (TaskEntry | null)[];
  retryAfterMs: number | undefined;
}

export function refuseWhileDraining(deps: AdmitDeps): void {
  if (deps.draining()) {
    throw new TRPCError({
      code: "SERVICE_UNAVAILABLE",
      message: "The server is shutting down: no new work.",
    });
  }
}

function existing(deps: AdmitDeps, entry: PoolEntry, call: WireCall): TaskEntry | undefined {
  if (call.id === undefined) return undefined;
  const rec = deps.store.get(call.id);
  if (rec && (rec.pool !== entry.name || rec.task !== call.task)) {
    throw new TRPCError({
      code: "CONFLICT",
      message: `Task id '${call.id}' is already taken by another task: let the client choose a fresh one.`,
    });
  }
  return rec;
}

function start(deps: AdmitDeps, entry: PoolEntry, call: WireCall): TaskRecord {
  const executor = executorOf(entry);
  let future: Future<unknown>;
  try {
    // No AbortSignal per task: the store stops a task through executor.stop() (a signal and its
    // listeners cost about a quarter of the batched remote throughput, measured).
    future = executor.schedule(call.task, {
      args: call.args,
      timeout: call.timeoutMs ?? deps.limits.taskTimeoutMs,
    });
  } catch (err) {
    entry.admission.release(1);
    throw toTRPCError(err);
  }
  deps.metrics.submitted.inc({ pool: entry.name, task: call.task });
  const id = call.id ?? randomBytes(12).toString("base64url");
  return deps.store.add(id, entry.name, call.task, call.args, future, executor);
}

/** Admits what fits (resends by id are free); throws 429 when nothing at all could be taken. */
export function admitBatch(deps: AdmitDeps, entry: PoolEntry, calls: WireCall[]): AdmittedBatch {
  refuseWhileDraining(deps);
  const recs: (TaskEntry | null)[] = calls.map((c) => existing(deps, entry, c) ?? null);
  const fresh = recs.reduce((n, r) => (r === null ? n + 1 : n), 0);
  let room = fresh === 0 ? 0 : entry.admission.take(fresh);
  const refused = fresh - room;
  for (let i = 0; i < calls.length && room > 0; i++) {
    if (recs[i] !== null) continue;
    recs[i] = start(deps, entry, calls[i] as WireCall);
    room--;
  }
  if (refused > 0 && refused === calls.length) {
    throw new PoolBusyError(
      `Pool '${entry.name}' is full (${entry.admission.used} of ${entry.admission.capacity} slots held): resend in ${RETRY_AFTER_MS} ms.`,
      RETRY_AFTER_MS,
    );
  }
  return { recs, retryAfterMs: refused > 0 ? RETRY_AFTER_MS : undefined };
}
