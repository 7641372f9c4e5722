/** Value: one number in shared memory with the RLock that guards read-modify-write (getLock()). */
import { HANDLE, type Handle, Revive, registerKind, reviveOne } from "./handle.ts";
import { RLock } from "./lock.ts";
import { SyncPrimitive } from "./primitive.ts";
import {
  CTORS,
  coerce,
  type InitOf,
  isBig,
  type NumericType,
  resolveType,
  type TypeCode,
  type ValueOf,
} from "./types.ts";

interface ValueExtra {
  t: NumericType;
  l: Handle;
}

/**
 * `multiprocessing.Value(type, init)`: `.value` reads and writes the shared number (integers wrap like the
 * typed array underneath; i64/u64 hold bigints). `v.value++` is two steps: guard it with `getLock()`.
 * @example const v = new Value("i32", 0); // in workers: using _ = v.getLock().hold(); v.value++;
 */
export class Value<K extends NumericType | TypeCode = NumericType> extends SyncPrimitive {
  readonly #type: NumericType;
  readonly #lock: RLock;
  readonly #cell: { [i: number]: number | bigint };
  readonly #atomic: boolean;
  readonly #big: boolean;

  constructor(type: K | Revive, init?: InitOf<K>) {
    const revive = type instanceof Revive ? type : undefined;
    let extra: ValueExtra;
    let lock: RLock;
    let first: number | bigint = 0;
    if (revive) {
      extra = revive.handle.x as ValueExtra;
      lock = reviveOne(extra.l) as RLock;
    } else {
      const t = resolveType(type, "Value");
      first = coerce(t, init ?? (t === "i64" || t === "u64" ? 0n : 0), "Value init");
      lock = new RLock();
      extra = { t, l: lock[HANDLE] };
    }
    super("Value", revive, extra);
    this.#type = extra.t;
    this.#lock = lock;
    const { seg, offset } = this.place;
    const Ctor = CTORS[extra.t];
    this.#cell = new Ctor(seg.u8.buffer as ArrayBuffer, seg.u8.byteOffset + offset, 1) as unknown as {
      [i: number]: number | bigint;
    };
    this.#atomic = extra.t !== "f32" && extra.t !== "f64";
    this.#big = isBig(extra.t);
    if (!revive) this.value = first as InitOf<K>;
  }

  /** The element type (a typecode given at creation reads back as its name: "i" → "i32"). */
  get type(): NumericType {
    return this.#type;
  }

  get value(): ValueOf<K> {
    this.ensureOpen();
    const cell = this.#cell;
    return (this.#atomic ? Atomics.load(cell as Int32Array, 0) : cell[0]) as ValueOf<K>;
  }

  set value(v: InitOf<K>) {
    this.ensureOpen();
    const x = typeof v === (this.#big ? "bigint" : "number") ? v : coerce(this.#type, v, "value");
    if (this.#atomic) Atomics.store(this.#cell as Int32Array, 0, x as number);
    else this.#cell[0] = x;
  }

  /** The RLock guarding this value (Python's get_lock()). */
  getLock(): RLock {
    return this.#lock;
  }
}

registerKind("Value", (h) => new Value(new Revive(h)));
