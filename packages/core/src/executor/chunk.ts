/**
 * Chunks of `map`: a chunk that fails part-way makes its future *fail* with a ChunkFailure (the
 * results before the failing item, then its error), so no consumer can mistake it for results.
 * Consumers read a chunk through `chunkOutcome`.
 */
import type { Future } from "../future/future.ts";

export class ChunkFailure extends Error {
  override name = "ChunkFailure";
  constructor(
    /** Results of the items before the one that failed. */
    readonly results: unknown[],
    /** What the failing item threw. */
    readonly error: unknown,
  ) {
    const what = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    super(`Item ${results.length} of a map chunk failed (${what}).`, { cause: error });
  }
}

export interface ChunkOutcome {
  /** Results in order: all of the chunk's, or those before the failing item. */
  results: unknown[];
  failed: boolean;
  /** The failing item's error (when `failed`). */
  error: unknown;
}

/** Waits for a chunk; rejects as `fut.result()` does, except that a part-way failure is an outcome. */
export async function chunkOutcome(fut: Future<unknown>, timeoutMs?: number): Promise<ChunkOutcome> {
  try {
    return { results: (await fut.result(timeoutMs)) as unknown[], failed: false, error: undefined };
  } catch (err) {
    if (err instanceof ChunkFailure) return { results: err.results, failed: true, error: err.error };
    throw err;
  }
}
