/**
 * A chunk of `map` that failed part-way: the results before the failing item, then its error.
 * The worker throws it to stop the chunk; the parent resolves the chunk's future with it.
 */
export class ChunkFailure {
  constructor(
    readonly results: unknown[],
    readonly error: unknown,
  ) {}
}
