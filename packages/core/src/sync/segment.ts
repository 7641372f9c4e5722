/**
 * Shared memory every party can map: a tmpfs file created under /dev/shm, unlinked at once and reached by
 * others through /proc/<pid>/fd/<fd> of the creator. So nothing is ever left in /dev/shm, even when the
 * creator is killed, and the memory lives while the creator keeps the descriptor or anyone maps it.
 * Small primitives share 64-byte slots of one arena segment (one cache line each: no false sharing).
 */
import { closeSync, fstatSync, ftruncateSync, openSync, statSync, unlinkSync } from "node:fs";
import { addressOf } from "./ffi.ts";
import { HOST } from "./handle.ts";

export interface Segment {
  /** How another process or thread maps it. */
  readonly path: string;
  readonly u8: Uint8Array;
  readonly i32: Int32Array;
  /** Address of byte 0 in this thread's mapping. */
  readonly addr: number;
}

/** Where a primitive's words live: segment + byte offset of its slot. */
export interface Place {
  readonly seg: Segment;
  readonly offset: number;
}

/**
 * Mappings of this thread by path, held weakly: a worker that revived many short-lived queues lets the
 * mappings of those nobody references any more be collected (and unmapped) instead of keeping them forever.
 */
const mapped = new Map<string, WeakRef<Segment>>();
const forget = new FinalizationRegistry<string>((path) => {
  if (mapped.get(path)?.deref() === undefined) mapped.delete(path);
});
const owned = new Map<string, number>();
let counter = 0;

/**
 * `path` is "/proc/<pid>/fd/<fd>#<inode>": descriptor numbers are reused once closed, so the inode tells this
 * segment from a later one behind the same number.
 */
function map(path: string): Segment {
  const [file, ino] = path.split("#") as [string, string | undefined];
  if (ino !== undefined && String(statSync(file).ino) !== ino) {
    throw new Error(`${file} is now another file (the segment was closed).`);
  }
  const u8 = Bun.mmap(file);
  const seg: Segment = {
    path,
    u8,
    i32: new Int32Array(u8.buffer, u8.byteOffset, u8.byteLength >> 2),
    addr: addressOf(u8),
  };
  mapped.set(path, new WeakRef(seg));
  forget.register(seg, path);
  return seg;
}

/** A new zero-filled segment of `size` bytes (rounded up to a page). */
export function createSegment(size: number): Segment {
  const name = `/dev/shm/conc-${process.pid}-${++counter}-${Math.random().toString(36).slice(2, 8)}`;
  const fd = openSync(name, "wx+", 0o600);
  try {
    ftruncateSync(fd, Math.max(4096, Math.ceil(size / 4096) * 4096));
  } finally {
    unlinkSync(name);
  }
  const path = `/proc/${process.pid}/fd/${fd}#${fstatSync(fd).ino}`;
  owned.set(path, fd);
  return map(path);
}

/** Maps a segment made elsewhere (once per thread). */
export function openSegment(path: string, host: string): Segment {
  if (host !== HOST) {
    throw new Error(
      `A conc sync primitive made on host ${host} reached host ${HOST}: shared memory works on one machine only. Pass plain data to remote workers.`,
    );
  }
  const seg = mapped.get(path)?.deref();
  if (seg) return seg;
  try {
    return map(path);
  } catch (err) {
    throw new Error(
      `Cannot map the shared memory of a conc sync primitive (${path}): the process that created it has ended or closed it.`,
      { cause: err },
    );
  }
}

/** Creator side: drop the descriptor (the memory goes once no one maps it). */
export function releaseSegment(seg: Segment): void {
  const fd = owned.get(seg.path);
  if (fd === undefined) return;
  owned.delete(seg.path);
  mapped.delete(seg.path);
  closeSync(fd);
}

const SLOT = 64;
const ARENA_SLOTS = 1024;
let arena: Segment | undefined;
let nextSlot = ARENA_SLOTS;
const freeSlots: Place[] = [];

/** A zeroed 64-byte slot for a small primitive. */
export function allocSlot(): Place {
  const reused = freeSlots.pop();
  if (reused) {
    reused.seg.u8.fill(0, reused.offset, reused.offset + SLOT);
    return reused;
  }
  if (nextSlot === ARENA_SLOTS || !arena) {
    arena = createSegment(SLOT * ARENA_SLOTS);
    nextSlot = 0;
  }
  return { seg: arena, offset: SLOT * nextSlot++ };
}

/** Creator side: the slot may be reused by a later primitive. */
export function freeSlot(place: Place): void {
  if (owned.has(place.seg.path)) freeSlots.push(place);
}
