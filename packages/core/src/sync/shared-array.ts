/** SharedArray: Python's multiprocessing.Array as a typed array over shared memory, with its RLock. */
import { ArgumentRangeError, ArgumentTypeError } from "../errors.ts";
import { HANDLE, type Handle, Revive, registerKind, reviveOne } from "./handle.ts";
import { RLock } from "./lock.ts";
import { SyncPrimitive } from "./primitive.ts";
import { createSegment, releaseSegment } from "./segment.ts";
import {
  CTORS,
  coerce,
  type InitOf,
  type NumericType,
  resolveType,
  type TypeCode,
  type TypedArrayOf,
  type ValueOf,
} from "./types.ts";

interface ArrayExtra {
  t: NumericType;
  n: number;
  l: Handle;
}

/**
 * `multiprocessing.Array(type, lengthOrValues)`: `.array` is a typed array every party sees;
 * `get(i)`/`set(i, v)` check the index (RangeError); `getLock()` guards read-modify-write.
 * @example const a = new SharedArray("f64", 4); // in a worker: a.array[rank] = x
 */
export class SharedArray<K extends NumericType | TypeCode = NumericType> extends SyncPrimitive {
  readonly #type: NumericType;
  readonly #array: TypedArrayOf<K>;
  readonly #lock: RLock;

  constructor(type: K | Revive, lengthOrValues?: number | ArrayLike<InitOf<K>> | Iterable<InitOf<K>>) {
    const revive = type instanceof Revive ? type : undefined;
    let extra: ArrayExtra;
    let lock: RLock;
    let init: (number | bigint)[] | undefined;
    if (revive) {
      extra = revive.handle.x as ArrayExtra;
      lock = reviveOne(extra.l) as RLock;
    } else {
      const t = resolveType(type, "SharedArray");
      let n: number;
      if (typeof lengthOrValues === "number") {
        if (!Number.isInteger(lengthOrValues) || lengthOrValues < 0)
          throw new ArgumentRangeError(
            `SharedArray length must be an integer >= 0, got ${lengthOrValues}.`,
            "length",
          );
        n = lengthOrValues;
      } else if (lengthOrValues !== null && typeof lengthOrValues === "object") {
        init = Array.from(lengthOrValues as ArrayLike<unknown>, (v, i) =>
          coerce(t, v, `SharedArray item ${i}`),
        );
        n = init.length;
      } else {
        throw new ArgumentTypeError(
          "new SharedArray(type, lengthOrValues) needs a length or an array of values.",
          "lengthOrValues",
        );
      }
      lock = new RLock();
      extra = { t, n, l: lock[HANDLE] };
    }
    const bytes = extra.n * CTORS[extra.t].BYTES_PER_ELEMENT;
    super(
      "SharedArray",
      revive,
      extra,
      revive ? undefined : { seg: createSegment(Math.max(bytes, 8)), offset: 0 },
    );
    this.#type = extra.t;
    this.#lock = lock;
    const { seg } = this.place;
    this.#array = new CTORS[extra.t](
      seg.u8.buffer as ArrayBuffer,
      seg.u8.byteOffset,
      extra.n,
    ) as TypedArrayOf<K>;
    if (init) (this.#array as unknown as { set(a: ArrayLike<number | bigint>): void }).set(init);
  }

  /** The element type (a typecode given at creation reads back as its name: "i" → "i32"). */
  get type(): NumericType {
    return this.#type;
  }

  /** The shared typed array (out-of-range writes are ignored, as on any typed array: use set() to check). */
  get array(): TypedArrayOf<K> {
    this.ensureOpen();
    return this.#array;
  }

  get length(): number {
    return this.#array.length;
  }

  get(index: number): ValueOf<K> {
    this.ensureOpen();
    return this.#array[this.#check(index)] as ValueOf<K>;
  }

  set(index: number, value: InitOf<K>): void {
    this.ensureOpen();
    (this.#array as unknown as (number | bigint)[])[this.#check(index)] = coerce(this.#type, value, "value");
  }

  /** Plain copy of the contents. */
  toArray(): ValueOf<K>[] {
    this.ensureOpen();
    return Array.from(this.#array as unknown as ArrayLike<ValueOf<K>>);
  }

  getLock(): RLock {
    return this.#lock;
  }

  protected override onClose(): void {
    if (this.creator) releaseSegment(this.place.seg);
  }

  #check(index: number): number {
    const n = this.#array.length;
    const i = index < 0 ? index + n : index;
    if (!Number.isInteger(index) || i < 0 || i >= n)
      throw new ArgumentRangeError(`SharedArray index ${index} out of range (length ${n}).`, "index");
    return i;
  }
}

registerKind("SharedArray", (h) => new SharedArray(new Revive(h)));
