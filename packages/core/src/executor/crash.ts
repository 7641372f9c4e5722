/**
 * Crash policy, as pure functions (DESIGN.md "Executors"): what a worker's exit means for the
 * tasks it held, for the executor, and for how soon it is replaced.
 */
import { CLAIM_RUNNING } from "../transport/claims.ts";

/** A task a dead worker held, as the policy sees it. */
export interface HeldView {
  /** Already settled here (cancelled, timed out...). */
  done: boolean;
  /** Its claim word: RUNNING means the worker started it (it may have finished, unreported). */
  claim: number;
  /** Times it was already given back by a dead worker. */
  requeues: number;
}

/**
 * A task is requeued at most this often: one that never starts yet keeps coming back from dead
 * workers (e.g. its arguments crash the worker while they are decoded) fails instead of looping.
 */
export const MAX_REQUEUES = 8;

/** "fail": WorkerExitedError; "requeue": run it elsewhere (it never started); "settled": nothing to do. */
export type Fate = "fail" | "requeue" | "settled";

/** What each held task becomes when its worker dies. Only a task the worker claimed is blamed. */
export function attributeExit(held: readonly HeldView[]): Fate[] {
  return held.map((t) => {
    if (t.done) return "settled";
    if (t.claim === CLAIM_RUNNING) return "fail";
    return t.requeues >= MAX_REQUEUES ? "fail" : "requeue";
  });
}

export interface ExitView {
  /** Ended on purpose (shutdown, timeout, maxTasksPerChild, broken executor). */
  deliberate: boolean;
  /** This worker had become ready. */
  ready: boolean;
  /** Some worker of this executor had become ready. */
  everReady: boolean;
  exitCode: number | null;
  signal: string | null;
}

/**
 * "expected": nothing to report; "replace": a crash, start another worker; "broken": the worker
 * cannot start at all (it exited on its own during start-up and no worker ever became ready).
 * A worker killed by a signal during start-up held no task: it is simply replaced.
 */
export function judgeExit(e: ExitView): "expected" | "replace" | "broken" {
  if (e.deliberate) return "expected";
  if (e.ready || e.everReady || e.signal !== null) return "replace";
  return "broken";
}

export function cannotStartMessage(exitCode: number | null): string {
  return (
    `A worker exited during start-up with code ${exitCode} before any worker became ready: workers cannot start ` +
    "(check the task module's top-level code). The executor is broken; fix it and create a new executor."
  );
}

/** Why a worker that reported a start-up failure breaks the executor (its module or its initializer). */
export function startFailedMessage(stage: "module" | "initializer", cause: unknown): string {
  const what =
    stage === "initializer"
      ? "The initializer threw in a worker"
      : "The task module failed to load in a worker";
  const fix = stage === "initializer" ? "the initializer" : "the task module";
  const why = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
  return `${what} (${why}): the executor is broken. Fix ${fix} and create a new executor.`;
}

/** Deaths within this window count towards a replacement storm. */
export const STORM_WINDOW_MS = 1000;
/** Longest pause before replacing a worker during a storm. */
export const MAX_RESPAWN_DELAY_MS = 1000;

/** Unexpected deaths per window tolerated before replacements back off. */
export function stormLimit(maxWorkers: number): number {
  return 4 + 2 * maxWorkers;
}

/**
 * How long to wait before starting a replacement, given the times of recent unexpected deaths:
 * 0 normally; during a storm (more than stormLimit deaths in the last second) a delay that doubles
 * with every further death, so a pool whose workers keep dying does not spin.
 */
export function respawnDelay(deaths: readonly number[], now: number, maxWorkers: number): number {
  let recent = 0;
  for (const t of deaths) if (now - t < STORM_WINDOW_MS) recent++;
  const excess = recent - stormLimit(maxWorkers);
  if (excess <= 0) return 0;
  return Math.min(MAX_RESPAWN_DELAY_MS, 10 * 2 ** Math.min(excess - 1, 20));
}
