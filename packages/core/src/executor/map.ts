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

interface Chunk {
  /** Slots of this chunk not yet consumed. */
  left: number;
}
interface Slot {
  fut: Future<unknown> | null;
  /** The future resolves to an array of results (a chunk), not one result. */
  many: boolean;
  chunk: Chunk;
  /** An input or submission error at this position (fut is null). */
  error?: unknown;
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
  const unordered = how.unordered ?? false;
  let slots: Slot[] = [];
  let head = 0;
  /** Unordered mode: done slots not yet yielded, and futures not yet done. */
  const ready: Slot[] = [];
  const live = new Set<Future<unknown>>();
  let chunksAhead = 0;
  let pulling = false;
  let failed = false;
  let finished = false;
  let wake: (() => void) | undefined;
  let buffer: unknown[] = [];
  let bufIndex = 0;
  let pendingError: { error: unknown } | undefined;
  /** While the call itself submits, a submission error (shutdown, bad task) throws at the call. */
  let atCall = true;

  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };

  const pushError = (error: unknown) => {
    failed = true;
    source.close();
    const slot: Slot = { fut: null, many: false, chunk: { left: 1 }, error };
    if (unordered) ready.push(slot);
    else slots.push(slot);
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
    for (const fut of futs) {
      const slot: Slot = { fut, many: !Array.isArray(r), chunk };
      if (!unordered) slots.push(slot);
      else {
        live.add(fut);
        fut.addDoneCallback(() => {
          if (!live.delete(fut)) return;
          ready.push(slot);
          notify();
        });
      }
    }
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
            if (source.done) notify();
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

  const consumed = (slot: Slot) => {
    if (--slot.chunk.left === 0) {
      chunksAhead--;
      fill();
    }
  };

  const close = () => {
    if (finished) return;
    finished = true;
    for (let i = head; i < slots.length; i++) slots[i]?.fut?.cancel();
    for (const f of live) f.cancel();
    live.clear();
    slots = [];
    head = 0;
    source.close();
    notify();
  };

  const timedOut = () => {
    close();
    return new TimeoutError(`${what} did not finish within ${timeout} ms.`, { timeoutMs: timeout as number });
  };

  /** Puts a settled slot's outcome into the buffer (or pendingError). */
  const take = (slot: Slot, outcome: { ok: true; value: unknown } | { ok: false; error: unknown }) => {
    bufIndex = 0;
    if (outcome.ok) {
      const v = outcome.value;
      buffer = slot.many ? (v as unknown[]) : [v];
    } else if (outcome.error instanceof ChunkFailure) {
      buffer = outcome.error.results;
      pendingError = { error: outcome.error.error };
    } else {
      buffer = [];
      pendingError = { error: outcome.error };
    }
  };

  /** Waits for `notify` (a new slot, a done future, the input's end) within the deadline. */
  const idle = async () => {
    const woken = new Promise<void>((resolve) => {
      wake = resolve;
    });
    if ((await raceDeadline(woken, deadline)) === EXPIRED) throw timedOut();
  };

  const nextOrdered = async (): Promise<boolean> => {
    const slot = slots[head];
    if (!slot) {
      if (source.done && !pulling) return false;
      await idle();
      return true;
    }
    if (slot.error !== undefined || !slot.fut) {
      head++;
      take(slot, { ok: false, error: slot.error });
      return true;
    }
    const fut = slot.fut;
    let outcome: { ok: true; value: unknown } | { ok: false; error: unknown };
    try {
      const left = deadline.never ? undefined : deadline.remaining();
      outcome = { ok: true, value: await fut.result(left) };
    } catch (error) {
      if (error instanceof TimeoutError && !fut.done()) throw timedOut();
      outcome = { ok: false, error };
    }
    if (finished) return true;
    slots[head++] = undefined as unknown as Slot;
    if (head > 1024 && head * 2 > slots.length) {
      slots = slots.slice(head);
      head = 0;
    }
    take(slot, outcome);
    consumed(slot);
    return true;
  };

  const nextUnordered = async (): Promise<boolean> => {
    const slot = ready.shift();
    if (!slot) {
      if (live.size === 0 && source.done && !pulling) return false;
      await idle();
      return true;
    }
    if (slot.error !== undefined || !slot.fut) {
      // An input error surfaces after every item submitted before it has been yielded.
      if (live.size > 0 || ready.length > 0) {
        ready.push(slot);
        if (ready.length === 1) await idle();
        return true;
      }
      take(slot, { ok: false, error: slot.error });
      return true;
    }
    const o = slot.fut.peek();
    take(slot, o?.ok ? o : { ok: false, error: o?.error });
    consumed(slot);
    return true;
  };

  fill();
  atCall = false;

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
      if (!deadline.never && deadline.expired() && !settledAhead()) throw timedOut();
      const more = unordered ? await nextUnordered() : await nextOrdered();
      if (!more) {
        close();
        return { done: true, value: undefined };
      }
    }
  };
  /** A next() called while another is pending runs after it (as with a generator). */
  let running: Promise<unknown> | undefined;
  const iterator: AsyncIterableIterator<R> = {
    next(): Promise<IteratorResult<R>> {
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

  /** With an expired deadline, what is already done is still reported (one check, like Python). */
  function settledAhead(): boolean {
    if (unordered) return ready.length > 0;
    const slot = slots[head];
    return slot !== undefined && (slot.fut === null || slot.fut.done());
  }

  return iterator;
}
