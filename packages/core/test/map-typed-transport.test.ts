/**
 * Thread transport for all-number arrays (transport/typed-numbers.ts): chunk items and results
 * travel as transferred Float64Arrays and arrive exact, as plain arrays where plain arrays were sent.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { ThreadPool, ThreadPoolExecutor } from "@conc/core";
import {
  IN_RUN,
  OUT_RESULTS,
  type ResultsMessage,
  type RunMessage,
  ST_ERROR,
  ST_OK,
  TASK_CHUNK,
  TASK_CHUNK_SINGLE,
  TASK_PLAIN,
} from "../src/transport/protocol.ts";
import { packResults, packTasks, unpackResults } from "../src/transport/typed-numbers.ts";
import * as tasks from "./fixtures/tasks.ts";

const module = new URL("./fixtures/tasks.ts", import.meta.url);
const SPECIAL = [
  -0,
  0,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  1.5,
  2 ** 53 + 2,
  -1e-300,
];
const numbers = (n: number) => Array.from({ length: n }, (_, i) => SPECIAL[i % SPECIAL.length] as number);

const closers: { shutdown?: () => Promise<void>; terminate?: () => Promise<void> }[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await (c.shutdown ?? c.terminate)?.call(c);
});

describe("packTasks (parent → thread)", () => {
  test("packs only single-argument chunks of at least 64 numbers", () => {
    const big = numbers(64);
    const cases: [flags: number, args: unknown[], packed: boolean][] = [
      [TASK_CHUNK_SINGLE, big, true],
      [TASK_CHUNK_SINGLE, numbers(63), false],
      [TASK_CHUNK_SINGLE, [...numbers(64), "x"], false],
      [TASK_CHUNK, big, false], // tuples are spread: never numbers
      [TASK_PLAIN, big, false], // a task's own argument list stays as given
    ];
    for (const [flags, args, packed] of cases) {
      const msg: RunMessage = { k: IN_RUN, d: null, t: [1, 0, 7, flags, args] };
      const [out, transfer] = packTasks(msg);
      expect(out.k === IN_RUN && out.t[4] instanceof Float64Array).toBe(packed);
      expect(transfer.length).toBe(packed ? 1 : 0);
      expect(msg.t[4]).toBe(args); // the engine's own message is never changed
      if (packed && out.k === IN_RUN) expect(Array.from(out.t[4] as Float64Array)).toEqual(args as number[]);
    }
  });
});

describe("packResults / unpackResults (thread → parent)", () => {
  test("all-number OK results of at least 64 round-trip exactly as plain arrays", () => {
    const big = numbers(100);
    const own = new Float64Array(100);
    const msg: ResultsMessage = {
      k: OUT_RESULTS,
      s: null,
      r: [1, ST_OK, big, 2, ST_OK, numbers(10), 3, ST_ERROR, big, 4, ST_OK, own, 5, ST_OK, [...big, null]],
    };
    const [packed, transfer] = packResults(msg);
    if (packed.k !== OUT_RESULTS) throw new Error("not results");
    expect(packed.f).toEqual([2]);
    expect(transfer.length).toBe(1);
    const back = unpackResults(structuredClone(packed, { transfer }));
    if (back.k !== OUT_RESULTS) throw new Error("not results");
    const value = back.r[2] as number[];
    expect(Array.isArray(value)).toBe(true);
    expect(value.length).toBe(100);
    for (let i = 0; i < 100; i++) expect(Object.is(value[i], big[i])).toBe(true);
    expect(back.r[5]).toEqual(numbers(10));
    expect(back.r[11]).toBeInstanceOf(Float64Array); // the task's own typed array stays one
    expect((back.r[14] as unknown[]).at(-1)).toBeNull();
  });

  test("a message without packed results passes through untouched", () => {
    const msg: ResultsMessage = { k: OUT_RESULTS, s: null, r: [1, ST_OK, 5] };
    expect(unpackResults(msg)).toBe(msg);
  });
});

describe("on real thread pools", () => {
  test("ThreadPool.map over special numbers: exact values, a plain array", async () => {
    const pool = new ThreadPool({ processes: 2, module });
    closers.push(pool);
    const items = numbers(10_000);
    const out = await pool.map(tasks.identity, items, 1000);
    expect(Array.isArray(out)).toBe(true);
    expect(out.length).toBe(items.length);
    for (let i = 0; i < items.length; i++)
      if (!Object.is(out[i], items[i])) throw new Error(`item ${i}: ${out[i]}`);
    expect(
      await pool.map(
        tasks.square,
        Array.from({ length: 1000 }, (_, i) => i),
      ),
    ).toEqual(Array.from({ length: 1000 }, (_, i) => i * i));
  });

  test("a task's own Float64Array and mixed results come back as they were", async () => {
    const ex = new ThreadPoolExecutor({ module, maxWorkers: 1 });
    closers.push(ex);
    const own = new Float64Array([1, -0, Number.NaN]);
    const back = await ex.submit(tasks.identity, own).result();
    expect(back).toBeInstanceOf(Float64Array);
    expect(Object.is((back as Float64Array)[1], -0)).toBe(true);
    const mixed = [...numbers(100), "end"];
    expect(await ex.submit(tasks.identity, mixed).result()).toEqual(mixed);
    const plain = numbers(100);
    const got = (await ex.submit(tasks.identity, plain).result()) as number[];
    expect(Array.isArray(got)).toBe(true);
    for (let i = 0; i < 100; i++) expect(Object.is(got[i], plain[i])).toBe(true);
  });
});
