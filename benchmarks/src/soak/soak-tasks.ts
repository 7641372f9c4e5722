/** Task module of `bun run soak`. */

/** Takes a little while without holding a core (so the soak lasts long enough for its kills). */
export async function slowDouble(i: number, ms: number): Promise<[number, number]> {
  await Bun.sleep(ms);
  return [i * 2, process.pid];
}

export function double(i: number): number {
  return i * 2;
}

let counters: { path: string; words: Int32Array } | undefined;

/**
 * The side effect a cancelled task must never have: counter `i` in a shared file (processes) or a
 * SharedArrayBuffer (threads) goes up by one. Spins `spinMs` first so workers race the cancels.
 */
export function markRan(where: string | SharedArrayBuffer, i: number, spinMs: number): number {
  let words: Int32Array;
  if (typeof where === "string") {
    if (counters?.path !== where) {
      const map = Bun.mmap(where, { shared: true });
      counters = { path: where, words: new Int32Array(map.buffer, map.byteOffset, map.byteLength >> 2) };
    }
    words = counters.words;
  } else {
    words = new Int32Array(where);
  }
  const end = performance.now() + spinMs;
  while (performance.now() < end);
  return Atomics.add(words, i, 1) + 1;
}
