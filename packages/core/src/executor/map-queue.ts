/**
 * The order in which map hands its submitted work back: input order (map, imap) or completion
 * order (imapUnordered). A queue only says which slot can be consumed now; the driver waits.
 */
import type { Future } from "../future/future.ts";

/** One submission of a map: its slots left to consume (buffersize counts these). */
export interface Chunk {
  left: number;
}

/** A future for one result (or, with `many`, a chunk's array of results), or an error at its position. */
export interface Slot {
  fut: Future<unknown> | null;
  many: boolean;
  chunk: Chunk;
  error?: unknown;
}

export interface SlotQueue {
  /** A newly submitted slot; `wake` is called when it may have become consumable. */
  add(slot: Slot): void;
  /** The next slot that can be consumed now (its future is done, or it is an error), if any. */
  take(): Slot | undefined;
  /** Slots added and not yet taken. */
  readonly size: number;
  /** Cancels every future not yet taken and forgets them. */
  cancelAll(): void;
}

/** Input order: the head slot, once its future is done. */
export function orderedQueue(wake: () => void): SlotQueue {
  let slots: Slot[] = [];
  let head = 0;
  return {
    add(slot) {
      slots.push(slot);
      slot.fut?.addDoneCallback(wake);
    },
    take() {
      const slot = slots[head];
      if (!slot || (slot.fut && !slot.fut.done())) return undefined;
      slots[head++] = undefined as unknown as Slot;
      if (head > 1024 && head * 2 > slots.length) {
        slots = slots.slice(head);
        head = 0;
      }
      return slot;
    },
    get size() {
      return slots.length - head;
    },
    cancelAll() {
      for (let i = head; i < slots.length; i++) slots[i]?.fut?.cancel();
      slots = [];
      head = 0;
    },
  };
}

/** Completion order; an error slot (the input failed) comes after everything added before it. */
export function unorderedQueue(wake: () => void): SlotQueue {
  let ready: Slot[] = [];
  let head = 0;
  const live = new Set<Future<unknown>>();
  let failure: Slot | undefined;
  return {
    add(slot) {
      const fut = slot.fut;
      if (!fut) {
        failure ??= slot;
        wake();
        return;
      }
      live.add(fut);
      fut.addDoneCallback(() => {
        if (!live.delete(fut)) return;
        ready.push(slot);
        wake();
      });
    },
    take() {
      const slot = ready[head];
      if (slot) {
        ready[head++] = undefined as unknown as Slot;
        if (head === ready.length) {
          ready = [];
          head = 0;
        }
        return slot;
      }
      if (failure && live.size === 0) {
        const f = failure;
        failure = undefined;
        return f;
      }
      return undefined;
    },
    get size() {
      return ready.length - head + live.size + (failure ? 1 : 0);
    },
    cancelAll() {
      for (const f of live) f.cancel();
      live.clear();
      ready = [];
      head = 0;
      failure = undefined;
    },
  };
}
