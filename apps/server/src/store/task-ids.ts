/**
 * Task ids are 16 URL-safe characters (96 bits). Finished tasks keep theirs as four 24-bit words
 * in a typed array, found again through an open-addressing table of slot numbers (no string, no
 * Map entry per retained task).
 */

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const DECODE = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DECODE[ALPHABET.charCodeAt(i)] = i;
const CODES = Array.from(ALPHABET, (c) => c.charCodeAt(0));

export const ID_WORDS = 4;

/** Writes the id's four words at `out[at..at+3]`; false when it is not 16 URL-safe characters. */
export function packId(id: string, out: Int32Array, at: number): boolean {
  if (id.length !== 16) return false;
  for (let w = 0; w < ID_WORDS; w++) {
    let v = 0;
    for (let k = 0; k < 4; k++) {
      const c = id.charCodeAt(w * 4 + k);
      const d = c < 128 ? (DECODE[c] as number) : -1;
      if (d < 0) return false;
      v = (v << 6) | d;
    }
    out[at + w] = v;
  }
  return true;
}

/** The id string of the words at `words[at..at+3]`. */
export function unpackId(words: Int32Array, at: number): string {
  const codes: number[] = new Array(16);
  for (let w = 0; w < ID_WORDS; w++) {
    const v = words[at + w] as number;
    for (let k = 0; k < 4; k++) codes[w * 4 + k] = CODES[(v >>> (6 * (3 - k))) & 63] as number;
  }
  return String.fromCharCode(...codes);
}

/**
 * Slot numbers by id, linear probing with backward-shift deletion (no tombstones). The hash is
 * seeded per process, so a client cannot choose ids that collide on purpose.
 */
export class IdTable {
  #table: Int32Array;
  #mask: number;
  readonly #seed = (Math.random() * 2 ** 32) | 0;
  readonly #key = new Int32Array(ID_WORDS);

  /** `words(slot)` gives the offset of a slot's id in `ids`. */
  constructor(
    capacity: number,
    private ids: () => Int32Array,
  ) {
    const size = tableSize(capacity);
    this.#table = new Int32Array(size).fill(0); // written now: its pages are resident from the start
    this.#mask = size - 1;
  }

  /** Rebuilds for a new capacity (slots renumbered by the caller, then re-added). */
  reset(capacity: number): void {
    const size = tableSize(capacity);
    this.#table = new Int32Array(size);
    this.#mask = size - 1;
  }

  #hash(w: Int32Array, at: number): number {
    let h = Math.imul((w[at] as number) ^ this.#seed, 0x9e3779b1);
    h ^= Math.imul((w[at + 1] as number) + this.#seed, 0x85ebca77);
    h ^= Math.imul(w[at + 2] as number, 0xc2b2ae3d);
    h ^= Math.imul(w[at + 3] as number, 0x27d4eb2f);
    h ^= h >>> 15;
    return h & this.#mask;
  }

  /** Adds `slot` (its id already written in `ids()`). */
  add(slot: number): void {
    let i = this.#hash(this.ids(), slot * ID_WORDS);
    while (this.#table[i] !== 0) i = (i + 1) & this.#mask;
    this.#table[i] = slot + 1;
  }

  /** The slot holding `id`, or -1. */
  find(id: string): number {
    if (!packId(id, this.#key, 0)) return -1;
    const ids = this.ids();
    const k = this.#key;
    for (let i = this.#hash(k, 0); ; i = (i + 1) & this.#mask) {
      const s = (this.#table[i] as number) - 1;
      if (s < 0) return -1;
      const at = s * ID_WORDS;
      if (ids[at] === k[0] && ids[at + 1] === k[1] && ids[at + 2] === k[2] && ids[at + 3] === k[3]) return s;
    }
  }

  /** Removes `slot` (present). */
  remove(slot: number): void {
    const t = this.#table;
    const mask = this.#mask;
    const ids = this.ids();
    let i = this.#hash(ids, slot * ID_WORDS);
    while (t[i] !== slot + 1) {
      if (t[i] === 0) return;
      i = (i + 1) & mask;
    }
    // Backward shift: pull later entries of the run into the hole when their home allows it.
    let hole = i;
    for (let j = (i + 1) & mask; t[j] !== 0; j = (j + 1) & mask) {
      const home = this.#hash(ids, ((t[j] as number) - 1) * ID_WORDS);
      if (((j - home) & mask) >= ((j - hole) & mask)) {
        t[hole] = t[j] as number;
        hole = j;
      }
    }
    t[hole] = 0;
  }
}

function tableSize(capacity: number): number {
  let size = 16;
  while (size < capacity * 2) size *= 2;
  return size;
}
