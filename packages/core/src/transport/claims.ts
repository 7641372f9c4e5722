/**
 * Claim words: one Int32 per window slot of a worker, visible to the parent and the worker without
 * a message. The worker compare-and-swaps PENDING→RUNNING before it starts a task; `cancel()` swaps
 * PENDING→CANCELLED; whoever wins decides. A cancel *message* arrives too late for work sent ahead,
 * which a worker runs in one burst (BUN-NOTES.md "Shared memory").
 *
 * Threads share a SharedArrayBuffer. Processes map the same file under /dev/shm (Bun.mmap): the
 * worker removes the file as soon as it has mapped it, and the parent removes it when the worker
 * ends (or at exit), so no file outlives a run.
 */
import { existsSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const CLAIM_PENDING = 0;
export const CLAIM_RUNNING = 1;
export const CLAIM_CANCELLED = 2;

/** What a worker needs to open the same words. */
export type ClaimInit = { sab: SharedArrayBuffer } | { path: string; bytes: number };

export interface ClaimBoard {
  readonly words: Int32Array;
  readonly init: ClaimInit;
  /** Releases the backing file, if any (idempotent). */
  dispose(): void;
}

/** Words in a SharedArrayBuffer (threads, and the in-memory transport). */
export function sharedClaims(slots: number): ClaimBoard {
  const sab = new SharedArrayBuffer(slots * 4);
  return { words: new Int32Array(sab), init: { sab }, dispose() {} };
}

const SHM_DIR = existsSync("/dev/shm") ? "/dev/shm" : tmpdir();
const liveFiles = new Set<string>();
let fileCounter = 0;
let exitHookInstalled = false;

function removeFile(path: string): void {
  liveFiles.delete(path);
  try {
    unlinkSync(path);
  } catch {
    // Already removed by the worker.
  }
}

/** Words in a file mapped by both processes (process workers). */
export function fileClaims(slots: number): ClaimBoard {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on("exit", () => {
      for (const path of [...liveFiles]) removeFile(path);
    });
  }
  const bytes = Math.max(4096, slots * 4);
  const path = join(
    SHM_DIR,
    `conc-claims-${process.pid}-${fileCounter++}-${Math.random().toString(36).slice(2, 10)}`,
  );
  writeFileSync(path, new Uint8Array(bytes), { flag: "wx", mode: 0o600 });
  liveFiles.add(path);
  const words = mapWords(path, bytes);
  return {
    words,
    init: { path, bytes },
    dispose() {
      removeFile(path);
    },
  };
}

function mapWords(path: string, bytes: number): Int32Array {
  const map = Bun.mmap(path, { shared: true });
  return new Int32Array(map.buffer, map.byteOffset, Math.floor(Math.min(bytes, map.byteLength) / 4));
}

/** Worker side: the words the parent created. Removes the file once mapped (the mapping stays). */
export function openClaims(init: ClaimInit): Int32Array {
  if ("sab" in init) return new Int32Array(init.sab);
  const words = mapWords(init.path, init.bytes);
  try {
    unlinkSync(init.path);
  } catch {
    // The parent may have removed it already.
  }
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
