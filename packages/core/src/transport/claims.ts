/**
 * Claim words: one Int32 per window slot of a worker, visible to the parent and the worker without
 * a message. The worker compare-and-swaps PENDING→RUNNING before it starts a task; `cancel()` swaps
 * PENDING→CANCELLED; whoever wins decides. A cancel *message* arrives too late for work sent ahead,
 * which a worker runs in one burst (BUN-NOTES.md "Shared memory").
 *
 * Threads share a SharedArrayBuffer. Processes map the same memory file (Bun.mmap): an anonymous
 * memfd (no name anywhere, so nothing can be left behind), or where memfd_create is missing a file
 * under /dev/shm whose name is removed right after spawning. The child gets an open descriptor of
 * it as stdio slot CLAIM_FD and maps /proc/self/fd/CLAIM_FD.
 */
import { dlopen, FFIType, ptr } from "bun:ffi";
import { closeSync, existsSync, ftruncateSync, openSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const CLAIM_PENDING = 0;
export const CLAIM_RUNNING = 1;
export const CLAIM_CANCELLED = 2;

/** What a worker needs to open the same words. */
export type ClaimInit = { sab: SharedArrayBuffer } | { fd: number; bytes: number };

export interface ClaimBoard {
  readonly words: Int32Array;
  readonly init: ClaimInit;
}

/** Words in a SharedArrayBuffer (threads, and the in-memory transport). */
export function sharedClaims(slots: number): ClaimBoard {
  const sab = new SharedArrayBuffer(slots * 4);
  return { words: new Int32Array(sab), init: { sab } };
}

/** The child's descriptor of the claim file: stdio slot 3, the first after stdin/stdout/stderr. */
export const CLAIM_FD = 3;
const SHM_DIR = existsSync("/dev/shm") ? "/dev/shm" : tmpdir();
let fileCounter = 0;

export interface FileClaims extends ClaimBoard {
  /** Open descriptor of the file, to hand to the child as stdio slot CLAIM_FD. */
  readonly fd: number;
  /** Removes the file's name and closes the parent's descriptor (call once the child is spawned). */
  detach(): void;
}

type MemfdCreate = (name: number, flags: number) => number;
let memfdCreate: MemfdCreate | null | undefined;
const MEMFD_NAME = Buffer.from("conc-claims\0");
const MFD_CLOEXEC = 1;

/** libc's memfd_create, or null where it cannot be had. */
function memfd(): MemfdCreate | null {
  if (memfdCreate !== undefined) return memfdCreate;
  try {
    const libc = dlopen("libc.so.6", {
      memfd_create: { args: [FFIType.ptr, FFIType.u32], returns: FFIType.i32 },
    });
    memfdCreate = libc.symbols.memfd_create as unknown as MemfdCreate;
  } catch {
    memfdCreate = null;
  }
  return memfdCreate;
}

/** Words in memory mapped by both processes (process workers). */
export function fileClaims(slots: number): FileClaims {
  const bytes = Math.max(4096, slots * 4);
  const create = memfd();
  const fd = create ? create(ptr(MEMFD_NAME), MFD_CLOEXEC) : -1;
  if (fd >= 0) {
    let words: Int32Array;
    try {
      ftruncateSync(fd, bytes);
      words = mapWords(`/proc/self/fd/${fd}`, bytes);
    } catch (err) {
      closeSync(fd);
      throw err;
    }
    let open = true;
    return {
      words,
      fd,
      init: { fd: CLAIM_FD, bytes },
      detach() {
        if (!open) return;
        open = false;
        closeSync(fd);
      },
    };
  }
  return namedFileClaims(bytes);
}

/** The fallback: a file under /dev/shm, named only between its creation and the spawn. */
function namedFileClaims(bytes: number): FileClaims {
  const path = join(
    SHM_DIR,
    `conc-claims-${process.pid}-${fileCounter++}-${Math.random().toString(36).slice(2, 10)}`,
  );
  const fd = openSync(path, "wx+", 0o600);
  let words: Int32Array;
  try {
    ftruncateSync(fd, bytes);
    words = mapWords(path, bytes);
  } catch (err) {
    closeSync(fd);
    unlinkSync(path);
    throw err;
  }
  let attached = true;
  return {
    words,
    fd,
    init: { fd: CLAIM_FD, bytes },
    detach() {
      if (!attached) return;
      attached = false;
      unlinkSync(path);
      closeSync(fd);
    },
  };
}

function mapWords(path: string, bytes: number): Int32Array {
  const map = Bun.mmap(path, { shared: true });
  return new Int32Array(map.buffer, map.byteOffset, Math.floor(Math.min(bytes, map.byteLength) / 4));
}

/** Worker side: the words the parent created (the mapping outlives the descriptor). */
export function openClaims(init: ClaimInit): Int32Array {
  if ("sab" in init) return new Int32Array(init.sab);
  const words = mapWords(`/proc/self/fd/${init.fd}`, init.bytes);
  closeSync(init.fd);
  return words;
}

/** Worker side: claim the task in `slot`; false when it was cancelled first (it must not run). */
export function claimStart(words: Int32Array, slot: number): boolean {
  return Atomics.compareExchange(words, slot, CLAIM_PENDING, CLAIM_RUNNING) === CLAIM_PENDING;
}

/** Parent side: cancel the task in `slot`; false when the worker already started it. */
export function claimCancel(words: Int32Array, slot: number): boolean {
  return Atomics.compareExchange(words, slot, CLAIM_PENDING, CLAIM_CANCELLED) !== CLAIM_RUNNING;
}
