/** zod schemas of every procedure input. */
import { z } from "zod";
import type { Limits } from "../config.ts";
import { TASK_ID_PATTERN, WATCH_MAX_IDS } from "../wire.ts";

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
  return {
    pool,
    submit: z.object({ pool, task, args: args.default([]), timeoutMs, id: id.optional() }).strict(),
    submitMany: z
      .object({
        pool,
        calls: z
          .array(z.object({ task, args: args.default([]), timeoutMs, id: id.optional() }).strict())
          .min(1)
          .max(limits.maxBatchSize),
      })
      .strict(),
    id: z.object({ id }).strict(),
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
