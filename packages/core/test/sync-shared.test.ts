/** Value, SharedArray, SharedMemory — carried from CPython's _TestValue / _TestArray / _TestSharedMemory. */

import { afterEach, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { SharedArray, SharedMemory, SyncClosedError, Value } from "@conc/core";
import { concShm, kinds } from "./fixtures/sync-kinds.ts";
import * as t from "./fixtures/sync-tasks.ts";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});
function keep<T extends { close(): void }>(p: T): T {
  cleanups.push(() => p.close());
  return p;
}
function shm(o: ConstructorParameters<typeof SharedMemory>[0]): SharedMemory {
  const s = new SharedMemory(o);
  cleanups.push(() => s[Symbol.dispose]());
  return s;
}

const codesValues = [
  ["i", 4343, 24234],
  ["d", 3.625, -4.25],
  ["h", -232, 234],
  ["q", 2n ** 33n, 2n ** 34n],
  ["u8", 200, 7],
] as const;

describe("Value (_TestValue)", () => {
  test("types, typecodes, wrap-around like ctypes, bigints for 64-bit", () => {
    expect(keep(new Value("i8", 130)).value).toBe(-126);
    expect(keep(new Value("u16", -1)).value).toBe(65535);
    expect(keep(new Value("f32", 0.1)).value).toBeCloseTo(0.1, 6);
    expect(keep(new Value("u64", 2n ** 64n - 1n)).value).toBe(2n ** 64n - 1n);
    expect(keep(new Value("i64", 5)).value).toBe(5n);
    expect(keep(new Value("i32")).value).toBe(0);
    const v = keep(new Value("i32", 1));
    v.value = 2 ** 31;
    expect(v.value).toBe(-(2 ** 31));
    expect(v.getLock()).toBe(v.getLock());
  });

  test("bad input: a non-numeric type, a wrong init", () => {
    expect(() => new Value("int" as never, 1 as never)).toThrow(TypeError);
    expect(() => new Value(5 as never, 1 as never)).toThrow(TypeError);
    expect(() => new Value("i32", "1" as never)).toThrow(TypeError);
    expect(() => new Value("i64", 1.5 as never)).toThrow(TypeError);
    const v = new Value("f64", 1);
    v.close();
    expect(() => v.value).toThrow(SyncClosedError);
  });

  for (const kind of kinds) {
    test(`test_value: a worker's writes are seen by the parent (${kind.name})`, async () => {
      await using ex = kind.make(1);
      const values = codesValues.map(([code, init]) => keep(new Value(code as "i", init as number)));
      expect(values.map((v) => v.value)).toEqual(codesValues.map(([, init]) => init) as never);
      await ex
        .submit(
          t.setValues,
          values,
          codesValues.map(([, , to]) => to),
        )
        .result();
      expect(values.map((v) => v.value)).toEqual(codesValues.map(([, , to]) => to) as never);
    });
  }
});

describe("SharedArray (_TestArray)", () => {
  const seq = [680, 626, 934, 821, 150, 233, 548, 982, 714, 831];

  test("from values and from a length; get/set check the index; negative indexes count from the end", () => {
    const a = keep(new SharedArray("i", seq));
    expect(a.length).toBe(seq.length);
    expect(a.get(3)).toBe(seq[3] as number);
    expect(a.get(-1)).toBe(831);
    expect(Array.from(a.array.subarray(2, 7))).toEqual(seq.slice(2, 7));
    a.array.set([1, 2, 3, 4], 4);
    expect(a.toArray()).toEqual([680, 626, 934, 821, 1, 2, 3, 4, 714, 831]);
    expect(() => a.get(10)).toThrow(RangeError);
    expect(() => a.set(-11, 1)).toThrow(RangeError);
    expect(() => a.get(1.5)).toThrow(RangeError);
    const z = keep(new SharedArray("f64", 10));
    expect(z.toArray()).toEqual(Array(10).fill(0));
    expect(() => new SharedArray("i32", -1)).toThrow(RangeError);
    expect(() => new SharedArray("x" as never, 3)).toThrow(TypeError);
    expect(() => new SharedArray("i32", ["a"] as never)).toThrow(TypeError);
  });

  for (const kind of kinds) {
    test(`test_array: prefix sums computed by a worker in place (${kind.name})`, async () => {
      await using ex = kind.make(1);
      const a = keep(new SharedArray("i32", seq));
      const expected = seq.slice();
      for (let i = 1; i < expected.length; i++)
        expected[i] = (expected[i] as number) + (expected[i - 1] as number);
      await ex.submit(t.prefixSums, a).result();
      expect(a.toArray()).toEqual(expected);
    });
  }
});

describe("SharedMemory (_TestSharedMemory)", () => {
  test("test_shared_memory_basics: create, attach by name, size, exclusive create, unlink", () => {
    const name = `conc-test-${process.pid}`;
    const sms = shm({ name, size: 512 });
    expect(sms.name).toBe(name);
    expect(sms.size).toBe(512);
    expect(sms.buf.length).toBe(512);
    sms.buf[0] = 42;
    const also = new SharedMemory({ name, create: false });
    expect(also.buf[0]).toBe(42);
    also.close();
    expect(() => also.buf).toThrow(SyncClosedError);
    const same = new SharedMemory({ name: `/${name}`, create: false, size: 20 * 512 });
    expect(same.size).toBe(512);
    same.close();
    expect(() => new SharedMemory({ create: true, size: -2 })).toThrow(RangeError);
    expect(() => new SharedMemory({ create: true, size: 0 })).toThrow(RangeError);
    expect(() => new SharedMemory({ create: true })).toThrow(RangeError);
    expect(() => new SharedMemory({ create: false })).toThrow(TypeError);
    expect(() => new SharedMemory({ name, size: 512 })).toThrow(expect.objectContaining({ code: "EEXIST" }));
    expect(() => new SharedMemory({ name: "conc-not-there", create: false })).toThrow(
      expect.objectContaining({ code: "ENOENT" }),
    );
    sms.unlink();
    expect(existsSync(`/dev/shm/${name}`)).toBe(false);
    expect(() => sms.unlink()).toThrow(expect.objectContaining({ code: "ENOENT" }));
  });

  test("await using on the creating handle closes and unlinks", async () => {
    let path = "";
    {
      await using s = new SharedMemory({ size: 64 });
      path = `/dev/shm/${s.name}`;
      expect(s.name.startsWith("conc")).toBe(true);
      expect(existsSync(path)).toBe(true);
    }
    expect(existsSync(path)).toBe(false);
  });

  for (const kind of kinds) {
    test(`test_shared_memory_across_processes: a worker writes through the passed handle (${kind.name})`, async () => {
      await using ex = kind.make(1);
      const sms = shm({ size: 512 });
      expect(await ex.submit(t.writeShm, sms, [104, 111, 119, 100, 121]).result()).toBe(512);
      expect(new TextDecoder().decode(sms.buf.subarray(0, 5))).toBe("howdy");
    });

    test(`test_shared_memory_pickle_unpickle_dead_object: an unlinked segment cannot be attached (${kind.name})`, async () => {
      await using ex = kind.make(1);
      const sms = new SharedMemory({ size: 16 });
      sms[Symbol.dispose]();
      const err = await ex.submit(t.writeShm, sms, [1]).exception();
      expect((err as { code?: string }).code).toBe("ENOENT");
    });
  }
});

test("nothing of conc is left in /dev/shm", () => {
  expect(concShm()).toEqual([]);
});
