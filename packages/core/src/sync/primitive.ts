/** What every sync primitive shares: its handle (the one own enumerable field), close state, its memory. */

import { SyncClosedError } from "./errors.ts";
import { HANDLE, type Handle, type HasHandle, makeHandle, type Revive } from "./handle.ts";
import { allocSlot, freeSlot, openSegment, type Place } from "./segment.ts";

export abstract class SyncPrimitive implements HasHandle, AsyncDisposable {
  readonly [HANDLE]: Handle;
  #closed = false;
  #creator: boolean;
  #place: Place;

  /** Allocates a slot (new primitive) or maps the one named by `revive` (a handle that crossed over). */
  protected constructor(kind: string, revive: Revive | undefined, extra?: unknown, place?: Place) {
    if (revive) {
      const h = revive.handle;
      this.#place = { seg: openSegment(h.p, h.h), offset: h.o };
      this.#creator = false;
      this[HANDLE] = h;
    } else {
      this.#place = place ?? allocSlot();
      this.#creator = true;
      this[HANDLE] = makeHandle(kind, this.#place.seg.path, this.#place.offset, extra);
    }
  }

  /** The shared words: Int32Array over the segment, and the index of this primitive's first word. */
  protected get place(): Place {
    return this.#place;
  }

  protected get creator(): boolean {
    return this.#creator;
  }

  /** Throws SyncClosedError after close(). */
  protected ensureOpen(): void {
    if (this.#closed) throw new SyncClosedError(this[HANDLE].k);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Ends this handle: later calls on it throw SyncClosedError. On the creating side the shared slot is freed
   * for reuse, so close it only once no worker uses it any more. Closing twice is harmless.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.onClose();
  }

  protected onClose(): void {
    if (this.#creator) freeSlot(this.#place);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
  }
}
