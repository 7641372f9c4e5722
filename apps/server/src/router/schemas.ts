/** zod schemas of every procedure input. */
import { z } from "zod";
import type { Limits } from "../config.ts";
import { TASK_ID_PATTERN, WATCH_MAX_IDS } from "../wire.ts";

const POOL_NAME = /^[\w.-]{1,64}$/;
const TASK_NAME = /^[A-Za-z_$][\w$]{0,127}$/;
const CALL_KEYS = new Set(["task", "args", "timeoutMs", "id"]);

/**
 * The hot input (submitMany / submitStream, up to maxBatchSize calls) checked by hand, without
 * copying: anything it does not accept outright goes to the zod schema, which decides and words
 * the error. So it accepts a subset of what zod accepts, and returns the same value.
 */
export function fastSubmitMany<T>(limits: Limits, schema: z.ZodType<T>): (raw: unknown) => T {
  const okCall = (c: unknown): boolean => {
    if (typeof c !== "object" || c === null || Array.isArray(c)) return false;
    for (const k in c) if (!CALL_KEYS.has(k)) return false;
    const { task, args, timeoutMs, id } = c as Record<string, unknown>;
    if (typeof task !== "string" || !TASK_NAME.test(task)) return false;
    if (args !== undefined && (!Array.isArray(args) || args.length > 1000)) return false;
    if (
      timeoutMs !== undefined &&
      (typeof timeoutMs !== "number" ||
        !Number.isInteger(timeoutMs) ||
        timeoutMs < 1 ||
        timeoutMs > limits.taskTimeoutMs)
    )
      return false;
    return id === undefined || (typeof id === "string" && TASK_ID_PATTERN.test(id));
  };
  const ok = (raw: unknown): boolean => {
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return false;
    for (const k in raw) if (k !== "pool" && k !== "calls") return false;
    const { pool, calls } = raw as Record<string, unknown>;
    if (typeof pool !== "string" || !POOL_NAME.test(pool)) return false;
    if (!Array.isArray(calls) || calls.length < 1 || calls.length > limits.maxBatchSize) return false;
    for (const c of calls) if (!okCall(c)) return false;
    return true;
  };
  return (raw) => {
    if (!ok(raw)) return schema.parse(raw);
    for (const c of (raw as { calls: { args?: unknown[] }[] }).calls) c.args ??= [];
    return raw as T;
  };
}

export function schemas(limits: Limits) {
  const pool = z
    .string()
    .min(1)
    .max(64)
    .regex(/^[\w.-]+$/, "a pool name is letters, digits, '_', '-' or '.'");
  const task = z
    .string()
    .min(1)
    .max(128)
    .regex(/^[A-Za-z_$][\w$]*$/, "a task name is a JavaScript identifier");
  const args = z.array(z.unknown()).max(1000);
  const id = z.string().regex(TASK_ID_PATTERN, "a task id is 16 URL-safe characters");
  const timeoutMs = z.number().int().min(1).max(limits.taskTimeoutMs).optional();
  const submitMany = z
    .object({
      pool,
      calls: z
        .array(z.object({ task, args: args.default([]), timeoutMs, id: id.optional() }).strict())
        .min(1)
        .max(limits.maxBatchSize),
    })
    .strict();
  return {
    /** The zod schema fastSubmitMany defers to (tests compare the two). */
    submitManySchema: submitMany,
    pool,
    submit: z.object({ pool, task, args: args.default([]), timeoutMs, id: id.optional() }).strict(),
    submitMany: fastSubmitMany(limits, submitMany),
    id: z.object({ id }).strict(),
    /** `queuedOnly`: drop the task only if it has not started (the answer is then exact). */
    cancel: z.object({ id, queuedOnly: z.boolean().optional() }).strict(),
    result: z.object({ id, timeoutMs: z.number().int().min(0).max(limits.maxWaitMs).optional() }).strict(),
    map: z
      .object({
        pool,
        task,
        args: z.array(z.array(z.unknown()).max(1000)).max(limits.maxMapItems),
        chunksize: z.number().int().min(1).max(limits.maxMapItems).optional(),
      })
      .strict(),
    watch: z
      .object({
        // Subscriptions travel as GET URLs: keep them short of the 8 KiB header limit.
        ids: z.array(id).min(1).max(WATCH_MAX_IDS),
        lastEventId: z.string().regex(/^\d+$/).max(20).nullish(),
      })
      .strict(),
  };
}
