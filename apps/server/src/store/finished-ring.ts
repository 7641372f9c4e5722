/**
 * Finished tasks, columnar: a ring of slots in finish order (= expiry order) whose numbers live in
 * typed arrays (times, completion seq, state, pool and task indices, the id as four words) and whose
 * values (result or error, last progress, and arguments unless small) sit in plain arrays; small
 * all-primitive arguments are kept as JSON bytes in the slot. A retained tiny task costs about
 * 120 bytes and no object of its own.
 */
import type { SerializedError } from "@conc/core";
import type { DoneView, TaskView } from "../wire.ts";
import { ID_WORDS, IdTable, packId, unpackId } from "./task-ids.ts";

const OK = 1;
const PREALLOCATE = 1 << 18;
/** Arguments of up to this many bytes of JSON (all primitives) live in the slot's bytes, not as an array. */
const INLINE_ARGS = 24;
/** `argLen` of a slot whose arguments are a plain value in `#args`. */
const ARGS_VALUE = 255;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** JSON keeps these exactly (finite numbers but -0, strings, booleans, null). */
function plainPrimitives(args: unknown[]): boolean {
  for (const a of args) {
    const t = typeof a;
    if (t === "number") {
      if (!Number.isFinite(a) || Object.is(a, -0)) return false;
    } else if (t !== "string" && t !== "boolean" && a !== null) return false;
  }
  return true;
}
const CANCELLED = 2;

/** What a finished task is made of (the live record, read once). */
export interface FinishedInput {
  readonly id: string;
  readonly pool: string;
  readonly task: string;
  readonly args: unknown[];
  readonly submittedAt: number;
  readonly startedAt: number | undefined;
  readonly finishedAt: number | undefined;
  readonly seq: number;
}

export class FinishedRing {
  #cap: number;
  #head = 0;
  #count = 0;
  #ids: Int32Array;
  #times: Float64Array; // per slot: submittedAt, startedAt (NaN = unknown), finishedAt, seq
  #meta: Uint8Array;
  #names: Uint16Array; // per slot: pool index, task index
  #argBytes: Uint8Array; // per slot: INLINE_ARGS bytes of JSON
  #argLen: Uint8Array; // per slot: bytes used, or ARGS_VALUE
  #args: unknown[];
  #outcome: unknown[];
  #progress: unknown[];
  readonly #index: IdTable;
  readonly #nameIds = new Map<string, number>();
  readonly #nameList: string[] = [];

  /** `initialCapacity` (tests): start smaller than the default and grow by doubling. */
  constructor(
    readonly maxRetained: number,
    initialCapacity = PREALLOCATE,
  ) {
    // The whole ring up front (about 9 MB for the default 100k): memory is known at start and does
    // not step up as tasks accumulate. Huge limits start smaller and grow by doubling.
    this.#cap = Math.max(1, Math.min(maxRetained, initialCapacity));
    this.#ids = new Int32Array(this.#cap * ID_WORDS);
    this.#times = new Float64Array(this.#cap * 4);
    this.#meta = new Uint8Array(this.#cap);
    this.#names = new Uint16Array(this.#cap * 2);
    this.#argBytes = new Uint8Array(this.#cap * INLINE_ARGS);
    this.#argLen = new Uint8Array(this.#cap);
    this.#args = new Array(this.#cap).fill(undefined);
    this.#outcome = new Array(this.#cap).fill(undefined);
    this.#progress = new Array(this.#cap).fill(undefined);
    this.#index = new IdTable(this.#cap, () => this.#ids);
    // Fresh typed arrays are zero pages the kernel commits only when first written, so RSS would still
    // step up as slots fill (7-8 MB between 50k and 100k retained, measured). Writing them now makes
    // the ring's memory what it is at start.
    for (const a of [this.#ids, this.#times, this.#meta, this.#names, this.#argBytes, this.#argLen])
      a.fill(0);
  }

  get size(): number {
    return this.#count;
  }

  /** Keeps a finished task (evicting the oldest when `maxRetained` are kept). */
  push(t: FinishedInput, v: DoneView): void {
    if (this.#count === this.#cap) {
      if (this.#cap < this.maxRetained) this.#grow(Math.min(this.maxRetained, this.#cap * 2));
      else this.dropOldest();
    }
    const s = (this.#head + this.#count) % this.#cap;
    // Ids are checked at the door (16 URL-safe chars); one that is not is simply not findable later.
    if (!packId(t.id, this.#ids, s * ID_WORDS)) this.#ids.fill(-1, s * ID_WORDS, (s + 1) * ID_WORDS);
    const at = s * 4;
    this.#times[at] = t.submittedAt;
    this.#times[at + 1] = t.startedAt ?? Number.NaN;
    this.#times[at + 2] = t.finishedAt ?? Number.NaN;
    this.#times[at + 3] = t.seq;
    this.#meta[s] = (v.ok ? OK : 0) | (v.state === "CANCELLED" ? CANCELLED : 0);
    this.#names[s * 2] = this.#nameId(t.pool);
    this.#names[s * 2 + 1] = this.#nameId(t.task);
    this.#putArgs(s, t.args);
    this.#outcome[s] = v.ok ? v.value : v.error;
    this.#progress[s] = v.progress;
    this.#count++;
    this.#index.add(s);
  }

  /** The oldest task's finish time (Infinity when empty). */
  oldestFinishedAt(): number {
    return this.#count === 0 ? Number.POSITIVE_INFINITY : (this.#times[this.#head * 4 + 2] as number);
  }

  dropOldest(): void {
    if (this.#count === 0) return;
    const s = this.#head;
    this.#index.remove(s);
    this.#args[s] = undefined;
    this.#outcome[s] = undefined;
    this.#progress[s] = undefined;
    this.#head = (s + 1) % this.#cap;
    this.#count--;
  }

  /** The finished task with this id, or undefined. */
  find(id: string): FinishedTask | undefined {
    const s = this.#index.find(id);
    return s < 0 ? undefined : new FinishedTask(this, s, id);
  }

  /** Every retained task, oldest finished first. */
  *all(): IterableIterator<FinishedTask> {
    for (let i = 0; i < this.#count; i++) yield new FinishedTask(this, (this.#head + i) % this.#cap);
  }

  /** @internal column reads for FinishedTask. */
  time(s: number, k: 0 | 1 | 2 | 3): number {
    return this.#times[s * 4 + k] as number;
  }
  meta(s: number): number {
    return this.#meta[s] as number;
  }
  name(s: number, k: 0 | 1): string {
    return this.#nameList[this.#names[s * 2 + k] as number] as string;
  }
  args(s: number): unknown[] {
    const n = this.#argLen[s] as number;
    if (n === ARGS_VALUE) return this.#args[s] as unknown[];
    return JSON.parse(decoder.decode(this.#argBytes.subarray(s * INLINE_ARGS, s * INLINE_ARGS + n)));
  }

  /** Small all-primitive arguments as JSON bytes in the slot (no array kept), others as they are. */
  #putArgs(s: number, args: unknown[]): void {
    if (args.length <= 8 && plainPrimitives(args)) {
      const json = JSON.stringify(args);
      if (json.length <= INLINE_ARGS) {
        const at = s * INLINE_ARGS;
        const r = encoder.encodeInto(json, this.#argBytes.subarray(at, at + INLINE_ARGS));
        if (r.read === json.length) {
          this.#argLen[s] = r.written;
          this.#args[s] = undefined;
          return;
        }
      }
    }
    this.#argLen[s] = ARGS_VALUE;
    this.#args[s] = args;
  }
  outcome(s: number): unknown {
    return this.#outcome[s];
  }
  progress(s: number): unknown {
    return this.#progress[s];
  }
  idOf(s: number): string {
    return unpackId(this.#ids, s * ID_WORDS);
  }

  #nameId(name: string): number {
    let i = this.#nameIds.get(name);
    if (i === undefined) {
      i = this.#nameList.length;
      if (i > 0xffff) throw new RangeError("More than 65536 distinct pool and task names.");
      this.#nameIds.set(name, i);
      this.#nameList.push(name);
    }
    return i;
  }

  #grow(cap: number): void {
    const ids = new Int32Array(cap * ID_WORDS);
    const times = new Float64Array(cap * 4);
    const meta = new Uint8Array(cap);
    const names = new Uint16Array(cap * 2);
    const argBytes = new Uint8Array(cap * INLINE_ARGS);
    const argLen = new Uint8Array(cap);
    const args: unknown[] = new Array(cap).fill(undefined);
    const outcome: unknown[] = new Array(cap).fill(undefined);
    const progress: unknown[] = new Array(cap).fill(undefined);
    for (let i = 0; i < this.#count; i++) {
      const s = (this.#head + i) % this.#cap;
      ids.set(this.#ids.subarray(s * ID_WORDS, (s + 1) * ID_WORDS), i * ID_WORDS);
      times.set(this.#times.subarray(s * 4, s * 4 + 4), i * 4);
      meta[i] = this.#meta[s] as number;
      names[i * 2] = this.#names[s * 2] as number;
      names[i * 2 + 1] = this.#names[s * 2 + 1] as number;
      argBytes.set(this.#argBytes.subarray(s * INLINE_ARGS, (s + 1) * INLINE_ARGS), i * INLINE_ARGS);
      argLen[i] = this.#argLen[s] as number;
      args[i] = this.#args[s];
      outcome[i] = this.#outcome[s];
      progress[i] = this.#progress[s];
    }
    this.#cap = cap;
    this.#head = 0;
    this.#ids = ids;
    this.#times = times;
    this.#meta = meta;
    this.#names = names;
    this.#argBytes = argBytes;
    this.#argLen = argLen;
    this.#args = args;
    this.#outcome = outcome;
    this.#progress = progress;
    this.#index.reset(cap);
    for (let i = 0; i < this.#count; i++) this.#index.add(i);
  }
}

/**
 * A finished task read from its slot (a short-lived handle: read it right away; the slot is reused
 * once the task is evicted). Same shape as a live TaskRecord for the router and the dashboard.
 */
export class FinishedTask {
  readonly done = true;
  readonly watchers = undefined;

  constructor(
    private readonly ring: FinishedRing,
    private readonly slot: number,
    private readonly knownId?: string,
  ) {}

  get id(): string {
    return this.knownId ?? this.ring.idOf(this.slot);
  }
  get pool(): string {
    return this.ring.name(this.slot, 0);
  }
  get task(): string {
    return this.ring.name(this.slot, 1);
  }
  get args(): unknown[] {
    return this.ring.args(this.slot);
  }
  get submittedAt(): number {
    return this.ring.time(this.slot, 0);
  }
  get startedAt(): number | undefined {
    const t = this.ring.time(this.slot, 1);
    return Number.isNaN(t) ? undefined : t;
  }
  get finishedAt(): number {
    return this.ring.time(this.slot, 2);
  }
  get seq(): number {
    return this.ring.time(this.slot, 3);
  }
  get ok(): boolean {
    return (this.ring.meta(this.slot) & OK) !== 0;
  }
  get state(): "FINISHED" | "CANCELLED" {
    return (this.ring.meta(this.slot) & CANCELLED) !== 0 ? "CANCELLED" : "FINISHED";
  }
  get outcome(): unknown {
    return this.ring.outcome(this.slot);
  }
  get progress(): unknown {
    return this.ring.progress(this.slot);
  }

  cancel(): boolean {
    return false;
  }

  view(): TaskView {
    const p = this.progress === undefined ? {} : { progress: this.progress };
    if (this.ok) return { id: this.id, state: "FINISHED", done: true, ok: true, value: this.outcome, ...p };
    return {
      id: this.id,
      state: this.state,
      done: true,
      ok: false,
      error: this.outcome as SerializedError,
      ...p,
    };
  }
}
