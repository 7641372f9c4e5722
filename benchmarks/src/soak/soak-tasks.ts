/** Task module of `bun run soak`. */

/** Takes a little while without holding a core (so the soak lasts long enough for its kills). */
export async function slowDouble(i: number, ms: number): Promise<[number, number]> {
  await Bun.sleep(ms);
  return [i * 2, process.pid];
}

export function double(i: number): number {
  return i * 2;
}

/** The side effect a cancelled task must never have (see @conc/core/testing). */
export { markRan } from "@conc/core/testing";
