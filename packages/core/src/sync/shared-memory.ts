/**
 * SharedMemory: Python's multiprocessing.shared_memory.SharedMemory — a named POSIX shm segment
 * (/dev/shm/<name>) any process can attach to by name. The name stays until unlink() (or `await using` on
 * the creating handle, which closes and unlinks).
 */
import { closeSync, existsSync, fstatSync, ftruncateSync, openSync, unlinkSync } from "node:fs";
import { ArgumentRangeError, ArgumentTypeError } from "../errors.ts";
import { SyncClosedError } from "./errors.ts";
import { HANDLE, type Handle, makeHandle, Revive, registerKind } from "./handle.ts";

export interface SharedMemoryOptions {
  /** Bytes (needed when creating). */
  size?: number;
  /** Segment name (default: a fresh "conc-shm-..." name). */
  name?: string;
  /** true: make a new segment (fails if the name exists); false: attach to an existing one. */
  create?: boolean;
}

function pathOf(name: string): string {
  return `/dev/shm/${name}`;
}

/** open(2) with Python's two failures spelled out (the Node error stays as `cause`, its `code` is kept). */
function openShm(name: string, flags: "wx+" | "r+"): number {
  try {
    return openSync(pathOf(name), flags, 0o600);
  } catch (err) {
    const code = (err as { code?: string }).code;
    const message =
      code === "EEXIST"
        ? `SharedMemory "${name}" already exists: attach to it with { name, create: false }, or pick another name.`
        : code === "ENOENT"
          ? `No SharedMemory named "${name}" (${pathOf(name)}): it was never created here or was unlinked.`
          : `Cannot open SharedMemory "${name}": ${(err as Error).message}`;
    throw Object.assign(new Error(message, { cause: err }), { code });
  }
}

/**
 * @example await using shm = new SharedMemory({ size: 1024 }); shm.buf[0] = 1; // other side: new SharedMemory({ name: shm.name, create: false })
 */
export class SharedMemory implements AsyncDisposable, Disposable {
  readonly [HANDLE]: Handle;
  readonly #name: string;
  readonly #size: number;
  readonly #creator: boolean;
  #buf: Uint8Array | null;

  constructor(options: SharedMemoryOptions | Revive = {}) {
    if (options instanceof Revive) {
      options = { name: (options.handle.x as { name: string }).name, create: false };
    }
    if (options === null || typeof options !== "object")
      throw new ArgumentTypeError("new SharedMemory(options) takes { size?, name?, create? }.");
    const create = options.create ?? true;
    let name = options.name;
    if (name !== undefined) {
      if (typeof name !== "string" || !/^\/?[\w.-]+$/.test(name))
        throw new ArgumentTypeError(
          `SharedMemory name must be a plain file name, got ${String(name)}.`,
          "name",
        );
      name = name.replace(/^\//, "");
    } else if (!create) {
      throw new ArgumentTypeError(
        "SharedMemory({ create: false }) needs the name of the segment to attach to.",
        "name",
      );
    }
    let fd: number;
    if (create) {
      const size = options.size;
      if (typeof size !== "number" || !Number.isInteger(size) || size <= 0)
        throw new ArgumentRangeError(
          `SharedMemory size must be a positive integer when creating, got ${String(size)}.`,
          "size",
        );
      name ??= `conc-shm-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
      // "wx+": O_CREAT | O_EXCL — an existing name is an error (EEXIST), as in Python.
      fd = openShm(name, "wx+");
      ftruncateSync(fd, size);
    } else {
      fd = openShm(name as string, "r+");
    }
    try {
      this.#size = fstatSync(fd).size;
    } finally {
      closeSync(fd);
    }
    this.#name = name as string;
    this.#creator = create;
    this.#buf = Bun.mmap(pathOf(this.#name));
    this[HANDLE] = makeHandle("SharedMemory", pathOf(this.#name), 0, { name: this.#name });
  }

  get name(): string {
    return this.#name;
  }

  get size(): number {
    return this.#size;
  }

  /** The shared bytes; throws SyncClosedError after close(). */
  get buf(): Uint8Array {
    if (this.#buf === null) throw new SyncClosedError("SharedMemory");
    return this.#buf;
  }

  /** Stops using the segment from this handle (the segment stays for others until unlink()). */
  close(): void {
    this.#buf = null;
  }

  /** Removes the name from /dev/shm (already-attached handles keep working). A second unlink throws (ENOENT), as in Python. */
  unlink(): void {
    try {
      unlinkSync(pathOf(this.#name));
    } catch (err) {
      const code = (err as { code?: string }).code;
      throw Object.assign(new Error(`SharedMemory "${this.#name}" is already unlinked.`, { cause: err }), {
        code,
      });
    }
  }

  /** close(), plus unlink() on the creating handle. */
  [Symbol.dispose](): void {
    this.close();
    if (this.#creator && existsSync(pathOf(this.#name))) this.unlink();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this[Symbol.dispose]();
  }
}

registerKind("SharedMemory", (h) => new SharedMemory(new Revive(h)));
