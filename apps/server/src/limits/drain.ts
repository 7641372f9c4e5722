/**
 * Drain with a deadline: stop admitting, let held work finish until the deadline, then cancel
 * what is left — its callers get CancelledError saying why, over the streams they already hold.
 */
import { CancelledError } from "@conc/core";
import type { DrainResult } from "../app.ts";
import type { AppContext } from "../context.ts";

/** After cancelling, how long stopped tasks get to report their end before drain resolves anyway. */
const CANCEL_GRACE_MS = 5_000;

function idle(ctx: AppContext): Promise<unknown> {
  return Promise.all(ctx.registry.all().map((p) => p.admission.idle()));
}

function within(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  return Promise.race([p.then(() => true), late]).finally(() => clearTimeout(timer));
}

export async function drainApp(ctx: AppContext, timeoutMs: number): Promise<DrainResult> {
  ctx.setDraining();
  if (await within(idle(ctx), timeoutMs)) return { cancelled: 0 };
  const reason = `The server is shutting down and this task did not finish within its drain deadline (limits.drainTimeoutMs = ${timeoutMs} ms): resubmit it elsewhere if it is safe to run again.`;
  let cancelled = ctx.store.cancelAll(reason);
  for (const stop of ctx.maps) {
    stop.abort(new CancelledError(reason));
    cancelled++;
  }
  for (const p of ctx.registry.all()) p.admission.rejectWaiters(new CancelledError(reason));
  await within(idle(ctx), CANCEL_GRACE_MS);
  return { cancelled };
}
