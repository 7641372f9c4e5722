/**
 * `map` for every executor: pulls argument tuples lazily from zipped (a)sync iterables, submits
 * them through the executor's own callback (eagerly, or `buffersize` chunks ahead), yields in
 * order (or in completion order), re-raises a task's or an input's error at its position, honours
 * a deadline counted from the call, and cancels what is left when the consumer stops early.
 */
import { TimeoutError } from "../errors.ts";
import type { Future } from "../future/future.ts";
import { Deadline, EXPIRED, raceDeadline } from "../util/deadline.ts";
import { ChunkFailure } from "./chunk.ts";
import { type ItemSource, type MapOptions, splitMapArgs, zipSource } from "./map-args.ts";
import { type Chunk, orderedQueue, type Slot, unorderedQueue } from "./map-queue.ts";

export type { MapOptions } from "./map-args.ts";

/**
 * Submits one chunk of map items and returns either one Future per item (remote, distributed:
 * `(tuples) => tuples.map((args) => ex.submit(task, ...args))`), or one Future for the whole
 * chunk that resolves to the array of its results (local workers; a failure part-way rejects
 * with a ChunkFailure). Throwing fails the map at that position.
 */
export type MapSubmit = (items: unknown[]) => Future<unknown>[] | Future<unknown>;

export interface MapHow {
  /** For a single iterable, give `submit` the bare values instead of 1-tuples (default false). */
  bareSingle?: boolean | undefined;
  /** Yield in completion order (imapUnordered) instead of input order. */
  unordered?: boolean | undefined;
  /** Chunks ahead when the caller gives no buffersize (default: unbounded, like Python's map). */
  defaultBuffersize?: number | undefined;
  /** Name used in messages, e.g. "imap()". */
  what?: string | undefined;
}

/**
 * map's whole argument handling, for any executor: `rest` is map's variadic tail
 * `(...iterables, options?)`. Validation errors throw at the call.
 * @example
 * map(task, ...rest) { return mapWith((tuples) => tuples.map((a) => this.submit(task, ...a)), rest); }
 */
export function mapWith<R = unknown>(
  submit: MapSubmit,
  rest: readonly unknown[],
  how: MapHow = {},
): AsyncIterableIterator<R> {
  const what = how.what ?? "map()";
  const { iterables, options } = splitMapArgs(rest, what);
  return mapSource<R>(submit, zipSource(iterables, how.bareSingle ?? false), options, how);
}

/** The driver behind mapWith, for callers that build their own ItemSource (Pool.imap). */
export function mapSource<R>(
  submit: MapSubmit,
  source: ItemSource,
  options: MapOptions,
  how: MapHow = {},
): AsyncIterableIterator<R> {
  const what = how.what ?? "map()";
  const { timeout, chunksize = 1 } = options;
  const buffersize = options.buffersize ?? how.defaultBuffersize ?? Number.POSITIVE_INFINITY;
  const deadline = Deadline.after(timeout);
  let wake: (() => void) | undefined;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const queue = how.unordered ? unorderedQueue(notify) : orderedQueue(notify);
  let chunksAhead = 0;
  let pulling = false;
  let failed = false;
  let finished = false;
  let buffer: unknown[] = [];
  let bufIndex = 0;
  let pendingError: { error: unknown } | undefined;
  /** While the call itself submits, a submission error (shutdown, bad task) throws at the call. */
  let atCall = true;

  const pushError = (error: unknown) => {
    failed = true;
    source.close();
    queue.add({ fut: null, many: false, chunk: { left: 1 }, error });
    notify();
  };

  const accept = (items: unknown[]) => {
    if (finished || items.length === 0) return;
    let r: Future<unknown>[] | Future<unknown>;
    try {
      r = submit(items);
    } catch (err) {
      if (atCall) {
        close();
        throw err;
      }
      pushError(err);
      return;
    }
    const futs = Array.isArray(r) ? r : [r];
    if (futs.length === 0) return;
    const chunk: Chunk = { left: futs.length };
    chunksAhead++;
    for (const fut of futs) queue.add({ fut, many: !Array.isArray(r), chunk });
    notify();
  };

  const fill = () => {
    while (!finished && !failed && !pulling && !source.done && chunksAhead < buffersize) {
      let items: unknown[] | Promise<unknown[]>;
      try {
        items = source.pull(chunksize);
      } catch (err) {
        pushError(err);
        return;
      }
      if (items instanceof Promise) {
        pulling = true;
        items.then(
          (got) => {
            pulling = false;
            accept(got);
            notify();
            fill();
          },
          (err) => {
            pulling = false;
            pushError(err);
          },
        );
        return;
      }
      accept(items);
    }
    if (source.done) notify();
  };

  const close = () => {
    if (finished) return;
    finished = true;
    queue.cancelAll();
    source.close();
    notify();
  };

  const timedOut = () => {
    close();
    return new TimeoutError(`${what} did not finish within ${timeout} ms.`, { timeoutMs: timeout as number });
  };

  /** Moves a consumable slot's results into the buffer (and its error into pendingError). */
  const consume = (slot: Slot) => {
    bufIndex = 0;
    buffer = [];
    const o = slot.fut ? slot.fut.peek() : undefined;
    if (o?.ok) buffer = slot.many ? (o.value as unknown[]) : [o.value];
    else {
      const error = o ? o.error : slot.error;
      if (error instanceof ChunkFailure) {
        buffer = error.results;
        pendingError = { error: error.error };
      } else pendingError = { error };
    }
    if (--slot.chunk.left === 0) {
      chunksAhead--;
      fill();
    }
  };

  /** Waits for `notify` (a future done, a new slot, the input's end) within the deadline. */
  const idle = async () => {
    const woken = new Promise<void>((resolve) => {
      wake = resolve;
    });
    if ((await raceDeadline(woken, deadline)) === EXPIRED) throw timedOut();
  };

  const step = async (): Promise<IteratorResult<R>> => {
    while (true) {
      if (bufIndex < buffer.length) return { done: false, value: buffer[bufIndex++] as R };
      if (pendingError) {
        const { error } = pendingError;
        pendingError = undefined;
        close();
        throw error;
      }
      if (finished) return { done: true, value: undefined };
      const slot = queue.take();
      if (slot) {
        consume(slot);
        continue;
      }
      if (queue.size === 0 && source.done && !pulling) {
        close();
        return { done: true, value: undefined };
      }
      // What is already done was reported above: an expired deadline (also <= 0) fails now.
      if (deadline.expired()) throw timedOut();
      await idle();
    }
  };

  fill();
  atCall = false;

  /** A next() called while another is pending runs after it (as with a generator). */
  let running: Promise<unknown> | undefined;
  const iterator: AsyncIterableIterator<R> = {
    next(): Promise<IteratorResult<R>> {
      // Hot path: a result already buffered (a chunk's) costs no async step (~4x less per item, D measured).
      if (running === undefined && bufIndex < buffer.length)
        return Promise.resolve({ done: false, value: buffer[bufIndex++] as R });
      const p = running ? running.then(step, step) : step();
      running = p;
      const clear = () => {
        if (running === p) running = undefined;
      };
      p.then(clear, clear);
      return p;
    },
    async return(): Promise<IteratorResult<R>> {
      close();
      buffer = [];
      pendingError = undefined;
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
